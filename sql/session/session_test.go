package session_test

import (
	"context"
	"database/sql"
	"net"
	"testing"
	"time"

	"github.com/dolthub/go-mysql-server/server"
	gmssql "github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/mysql"
	_ "github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/session"
)

// Isolation: a transaction's snapshot of every database is taken at BEGIN, not at its
// first read: commits that land between BEGIN and the first SELECT are not seen, in the
// current database or in another one. The transaction sees its own writes.
func TestSnapshotTakenAtBegin(t *testing.T) {
	for _, begin := range []string{"BEGIN", "START TRANSACTION", "START TRANSACTION WITH CONSISTENT SNAPSHOT", "START TRANSACTION READ ONLY"} {
		t.Run(begin, func(t *testing.T) {
			e, ctx := setup(t, disks{})
			e.exec(ctx, "CREATE DATABASE other",
				"CREATE TABLE t (id INT PRIMARY KEY)", "CREATE TABLE other.u (id INT PRIMARY KEY)",
				"INSERT INTO t VALUES (1)", "INSERT INTO other.u VALUES (1)")
			a, b := e.session(), e.session()
			e.exec(a, begin)
			e.exec(b, "INSERT INTO t VALUES (2)", "INSERT INTO other.u VALUES (2)")
			require.Equal(t, ints(1), e.rows(a, "SELECT * FROM t"))
			e.exec(b, "INSERT INTO t VALUES (3)", "INSERT INTO other.u VALUES (3)")
			require.Equal(t, ints(1), e.rows(a, "SELECT * FROM t"))
			require.Equal(t, ints(1), e.rows(a, "SELECT * FROM other.u"))
			if begin != "START TRANSACTION READ ONLY" {
				e.exec(a, "INSERT INTO other.u VALUES (10)")
				require.Equal(t, ints(1, 10), e.rows(a, "SELECT * FROM other.u"), "own writes")
			}
			e.exec(a, "COMMIT")
			want := ints(1, 2, 3)
			if begin != "START TRANSACTION READ ONLY" {
				want = ints(1, 2, 3, 10)
			}
			require.Equal(t, want, e.rows(a, "SELECT * FROM other.u"), "after COMMIT: the latest state")
		})
	}
}

// With autocommit off, the transaction starts at the first statement after COMMIT (GMS
// starts it then) and its snapshot covers every database from that statement on.
func TestSnapshotAutocommitOff(t *testing.T) {
	e, ctx := setup(t, disks{})
	e.exec(ctx, "CREATE DATABASE other", "CREATE TABLE other.u (id INT PRIMARY KEY)", "CREATE TABLE t (id INT PRIMARY KEY)")
	a, b := e.session(), e.session()
	e.exec(a, "SET autocommit = 0", "SELECT * FROM t")
	e.exec(b, "INSERT INTO other.u VALUES (1)")
	require.Empty(t, e.rows(a, "SELECT * FROM other.u"), "other.u's snapshot dates from the first statement")
	e.exec(a, "COMMIT")
	require.Equal(t, ints(1), e.rows(a, "SELECT * FROM other.u"))
}

// Autocommit statements each read the latest committed state.
func TestAutocommitStatementsReadLatest(t *testing.T) {
	e, ctx := setup(t, disks{})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)")
	a, b := e.session(), e.session()
	for i := 1; i <= 3; i++ {
		e.exec(b, "INSERT INTO t VALUES ("+string(rune('0'+i))+")")
		require.Len(t, e.rows(a, "SELECT * FROM t"), i)
	}
}

// A COMMIT that fails with 1213 rolls the transaction back; GMS keeps the transaction
// object on the session, and the next statement must read fresh snapshots, not the old.
func TestAfterFailedCommitSnapshotsAreFresh(t *testing.T) {
	e, ctx := setup(t, disks{})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 0)")
	a, b := e.session(), e.session()
	e.exec(a, "BEGIN", "UPDATE t SET v = 1 WHERE id = 1")
	e.exec(b, "UPDATE t SET v = 2 WHERE id = 1")
	_, err := e.query(a, "COMMIT")
	require.True(t, gmssql.ErrLockDeadlock.Is(err), "%v", err)
	e.exec(b, "INSERT INTO t VALUES (2, 2)")
	require.Equal(t, []gmssql.Row{{int32(1), int32(2)}, {int32(2), int32(2)}}, e.rows(a, "SELECT * FROM t"))
}

func TestSavepoints(t *testing.T) {
	e, ctx := setup(t, disks{})
	e.exec(ctx, "CREATE DATABASE other", "CREATE TABLE t (id INT PRIMARY KEY)", "CREATE TABLE other.u (id INT PRIMARY KEY)")
	e.exec(ctx, "BEGIN",
		"INSERT INTO t VALUES (1)",
		"SAVEPOINT s1",
		"INSERT INTO t VALUES (2)", "INSERT INTO other.u VALUES (2)",
		"SAVEPOINT s2",
		"INSERT INTO t VALUES (3)",
		"ROLLBACK TO SAVEPOINT s2")
	require.Equal(t, ints(1, 2), e.rows(ctx, "SELECT * FROM t"))
	e.exec(ctx, "INSERT INTO t VALUES (4)", "ROLLBACK TO SAVEPOINT s2") // s2 survives a rollback to it
	require.Equal(t, ints(1, 2), e.rows(ctx, "SELECT * FROM t"))
	e.exec(ctx, "ROLLBACK TO s1") // across databases; s2 is gone
	require.Equal(t, ints(1), e.rows(ctx, "SELECT * FROM t"))
	require.Empty(t, e.rows(ctx, "SELECT * FROM other.u"))
	_, err := e.query(ctx, "ROLLBACK TO s2")
	require.True(t, gmssql.ErrSavepointDoesNotExist.Is(err), "%v", err)
	e.exec(ctx, "SAVEPOINT s3", "INSERT INTO t VALUES (5)", "RELEASE SAVEPOINT s1") // releases s1 and s3
	_, err = e.query(ctx, "ROLLBACK TO s3")
	require.True(t, gmssql.ErrSavepointDoesNotExist.Is(err), "%v", err)
	// Redefining a savepoint moves it.
	e.exec(ctx, "SAVEPOINT x", "INSERT INTO t VALUES (6)", "SAVEPOINT x", "INSERT INTO t VALUES (7)", "ROLLBACK TO x")
	e.exec(ctx, "COMMIT")
	require.Equal(t, ints(1, 5, 6), e.rows(ctx, "SELECT * FROM t"))
	// Savepoints end with the transaction.
	_, err = e.query(ctx, "ROLLBACK TO x")
	require.Error(t, err)
}

// Durability: once COMMIT (or an autocommit statement) returns, the change is in the
// synced storage commit: a restart that loses every buffered chunk still has it, and
// while the storage commit is in flight the statement has not returned.
func TestCommitIsDurableBeforeOK(t *testing.T) {
	d := disks{}
	e, ctx := setup(t, d)
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)",
		"BEGIN", "INSERT INTO t VALUES (2)", "COMMIT",
		"SET autocommit = 0", "INSERT INTO t VALUES (3)", "COMMIT", "SET autocommit = 1",
		"BEGIN", "INSERT INTO t VALUES (4)") // never committed

	vs := e.stores["mydb"]
	for _, q := range []string{"INSERT INTO t VALUES (5)", "COMMIT"} {
		c := e.session()
		if q == "COMMIT" {
			e.exec(c, "BEGIN", "INSERT INTO t VALUES (6)")
		}
		release := make(chan struct{})
		entered := make(chan struct{}, 1)
		vs.beforeCommit = func() { entered <- struct{}{}; <-release }
		done := make(chan error, 1)
		go func() { _, err := e.query(c, q); done <- err }()
		<-entered
		select {
		case err := <-done:
			t.Fatalf("%s returned (%v) while its storage commit was blocked", q, err)
		case <-time.After(50 * time.Millisecond):
		}
		close(release)
		require.NoError(t, <-done)
		vs.beforeCommit = nil
	}

	e2 := newEnv(t, d) // restart: buffered chunks are lost
	require.Equal(t, ints(1, 2, 3, 5, 6), e2.rows(e2.session(), "SELECT * FROM t"))
}

// The same over the MySQL wire protocol through GMS's server handler (its autocommit flow
// commits in the result iterator's Close): the client's OK arrives only after the storage
// commit finished. Also: an autocommit statement that fails while producing its OK result
// (the handler then never closes its iterator) must not leave a stale snapshot behind.
func TestWireOKAfterDurableCommit(t *testing.T) {
	d := disks{}
	e, ctx := setup(t, d)
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	sb := func(_ context.Context, c *mysql.Conn, addr string) (gmssql.Session, error) {
		base := gmssql.NewBaseSessionWithClientServer(addr, gmssql.Client{Address: c.RemoteAddr().String(), User: c.User}, c.ConnectionID)
		return session.New(base, session.WithProvider(e.prov)), nil
	}
	srv, err := server.NewServer(server.Config{Protocol: "tcp", Listener: l}, e.engine, gmssql.NewContext, sb, nil)
	require.NoError(t, err)
	go func() { _ = srv.Start() }()
	t.Cleanup(func() { _ = srv.Close() })

	db, err := sql.Open("mysql", "root@tcp("+l.Addr().String()+")/mydb")
	require.NoError(t, err)
	defer db.Close()
	conn, err := db.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	bg := context.Background()

	vs := e.stores["mydb"]
	for _, q := range []string{"INSERT INTO t VALUES (1)", "COMMIT"} {
		if q == "COMMIT" {
			_, err := conn.ExecContext(bg, "BEGIN")
			require.NoError(t, err)
			_, err = conn.ExecContext(bg, "INSERT INTO t VALUES (2)")
			require.NoError(t, err)
		}
		release := make(chan struct{})
		entered := make(chan struct{}, 1)
		vs.beforeCommit = func() { entered <- struct{}{}; <-release }
		done := make(chan error, 1)
		go func() { _, err := conn.ExecContext(bg, q); done <- err }()
		<-entered
		select {
		case err := <-done:
			t.Fatalf("%s: the client got its answer (%v) while the storage commit was blocked", q, err)
		case <-time.After(50 * time.Millisecond):
		}
		close(release)
		require.NoError(t, <-done)
		vs.beforeCommit = nil
	}

	// A failing autocommit statement, then another session commits, then the first
	// session must see that commit.
	_, err = conn.ExecContext(bg, "INSERT INTO t VALUES (1)")
	require.ErrorContains(t, err, "duplicate")
	other := e.session()
	e.exec(other, "INSERT INTO t VALUES (3)")
	var n int
	require.NoError(t, conn.QueryRowContext(bg, "SELECT COUNT(*) FROM t").Scan(&n))
	require.Equal(t, 3, n)

	e2 := newEnv(t, d)
	require.Equal(t, ints(1, 2, 3), e2.rows(e2.session(), "SELECT * FROM t"))
}

// Keyless tables merge concurrent transactions by counts (merge.MergeKeylessCounts,
// strict): inserts of equal rows and deletes of different copies all land; two
// transactions deleting the last copy of the same row -> 1213 for the later COMMIT.
// NULL columns survive the count rewrite.
func TestKeylessConcurrentTransactions(t *testing.T) {
	e, ctx := setup(t, disks{})
	e.exec(ctx, "CREATE TABLE k (a INT, b VARCHAR(10))", "INSERT INTO k VALUES (1, NULL), (1, NULL), (2, 'x')")
	a, b := e.session(), e.session()
	e.exec(a, "BEGIN", "INSERT INTO k VALUES (1, NULL)", "DELETE FROM k WHERE a = 1 LIMIT 1")
	e.exec(b, "BEGIN", "INSERT INTO k VALUES (1, NULL), (3, 'y')")
	e.exec(b, "COMMIT")
	e.exec(a, "COMMIT")
	require.Equal(t, []gmssql.Row{{int32(1), nil}, {int32(1), nil}, {int32(1), nil}, {int32(2), "x"}, {int32(3), "y"}},
		e.rows(ctx, "SELECT a, b FROM k ORDER BY a, b"))

	e.exec(a, "BEGIN", "DELETE FROM k WHERE a = 2")
	e.exec(b, "BEGIN", "DELETE FROM k WHERE a = 2")
	e.exec(b, "COMMIT")
	_, err := e.query(a, "COMMIT")
	require.True(t, gmssql.ErrLockDeadlock.Is(err), "%v", err)
	require.Equal(t, []gmssql.Row{{int64(0)}}, e.rows(ctx, "SELECT COUNT(*) FROM k WHERE a = 2"))
	require.Equal(t, []gmssql.Row{{int64(4)}}, e.rows(ctx, "SELECT COUNT(*) FROM k"))

	// The same insert in two transactions (identical tables at COMMIT): two copies.
	e.exec(a, "BEGIN", "INSERT INTO k VALUES (5, 'z')")
	e.exec(b, "BEGIN", "INSERT INTO k VALUES (5, 'z')")
	e.exec(b, "COMMIT")
	e.exec(a, "COMMIT")
	require.Equal(t, []gmssql.Row{{int64(2)}}, e.rows(ctx, "SELECT COUNT(*) FROM k WHERE a = 5"))
}
