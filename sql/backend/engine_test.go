package backend_test

import (
	"context"
	"testing"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// memOpener opens memstores by name, keeping them so that a second Provider over the same
// map simulates a restart.
type memStores map[string]*memstore.Store

func (m memStores) open(dir string) (storage.Store, error) {
	if s, ok := m[dir]; ok {
		return s, nil
	}
	s := memstore.New()
	m[dir] = s
	return s, nil
}

type env struct {
	t      *testing.T
	engine *sqle.Engine
	prov   *backend.Provider
}

func newEnv(t *testing.T, stores memStores) *env {
	t.Helper()
	st := map[string]storage.Store{}
	for n, s := range stores {
		st[n] = s
	}
	p, err := backend.NewProvider(context.Background(), backend.Options{Open: stores.open, Stores: st})
	require.NoError(t, err)
	e := sqle.NewDefault(p)
	// As server.NewEngine: PAD SPACE comparisons in filters (padspace.go) must match the
	// lookups' range filters, which always compare with PAD SPACE.
	backend.InstallPlannerFixes(e.Analyzer)
	backend.InstallRowChanges(e.Analyzer) // an UPDATE stores a change of case (rowchange.go)
	t.Cleanup(func() { _ = e.Close() })
	return &env{t: t, engine: e, prov: p}
}

func (e *env) session() *sql.Context {
	ctx := sql.NewContext(context.Background(), sql.WithSession(session.New(sql.NewBaseSession())))
	if e.prov.HasDatabase(ctx, "mydb") {
		ctx.SetCurrentDatabase("mydb")
	}
	return ctx
}

func (e *env) query(ctx *sql.Context, q string) ([]sql.Row, error) {
	e.t.Helper()
	_, iter, _, err := e.engine.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	return sql.RowIterToRows(ctx, iter)
}

func (e *env) exec(ctx *sql.Context, qs ...string) {
	e.t.Helper()
	for _, q := range qs {
		_, err := e.query(ctx, q)
		require.NoError(e.t, err, q)
	}
}

func (e *env) rows(ctx *sql.Context, q string) []sql.Row {
	e.t.Helper()
	rows, err := e.query(ctx, q)
	require.NoError(e.t, err, q)
	return rows
}

func setup(t *testing.T, stores memStores) (*env, *sql.Context) {
	e := newEnv(t, stores)
	ctx := e.session()
	e.exec(ctx, "CREATE DATABASE IF NOT EXISTS mydb", "USE mydb")
	return e, ctx
}

func TestCreateInsertSelectUpdateDelete(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(20), score DOUBLE)",
		"INSERT INTO t VALUES (3, 'c', 3.5), (1, 'a', 1.5), (2, 'b', NULL)",
	)
	require.Equal(t, []sql.Row{{int64(1), "a", 1.5}, {int64(2), "b", nil}, {int64(3), "c", 3.5}},
		e.rows(ctx, "SELECT * FROM t ORDER BY id"))
	e.exec(ctx, "UPDATE t SET name = 'bb', score = 2 WHERE id = 2")
	e.exec(ctx, "DELETE FROM t WHERE id = 1")
	require.Equal(t, []sql.Row{{int64(2), "bb", 2.0}, {int64(3), "c", 3.5}}, e.rows(ctx, "SELECT * FROM t"))
	// Changing a primary key.
	e.exec(ctx, "UPDATE t SET id = 10 WHERE id = 3")
	require.Equal(t, []sql.Row{{int64(2)}, {int64(10)}}, e.rows(ctx, "SELECT id FROM t"))
	require.Equal(t, []sql.Row{{"t"}}, e.rows(ctx, "SHOW TABLES"))
}

// Statement atomicity: a multi-row INSERT whose last row is a duplicate changes nothing.
func TestFailingInsertChangesNothing(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 10)")
	_, err := e.query(ctx, "INSERT INTO t VALUES (2, 20), (3, 30), (1, 99)")
	require.ErrorContains(t, err, "duplicate primary key")
	require.Equal(t, []sql.Row{{int32(1), int32(10)}}, e.rows(ctx, "SELECT * FROM t"))
	// Also inside an explicit transaction: the failed statement is undone, the earlier one kept.
	e.exec(ctx, "START TRANSACTION", "INSERT INTO t VALUES (5, 50)")
	_, err = e.query(ctx, "INSERT INTO t VALUES (6, 60), (5, 0)")
	require.Error(t, err)
	e.exec(ctx, "COMMIT")
	require.Equal(t, []sql.Row{{int32(1), int32(10)}, {int32(5), int32(50)}}, e.rows(ctx, "SELECT * FROM t"))
}

func TestOnDuplicateKeyUpdateAndReplace(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, v INT)",
		"INSERT INTO t VALUES (1, 10), (2, 20)",
		"INSERT INTO t VALUES (1, 5), (3, 30) ON DUPLICATE KEY UPDATE v = v + VALUES(v)",
		"REPLACE INTO t VALUES (2, 200), (4, 40)",
	)
	require.Equal(t, []sql.Row{{int32(1), int32(15)}, {int32(2), int32(200)}, {int32(3), int32(30)}, {int32(4), int32(40)}},
		e.rows(ctx, "SELECT * FROM t"))
	e.exec(ctx, "TRUNCATE TABLE t")
	require.Empty(t, e.rows(ctx, "SELECT * FROM t"))
}

func TestKeylessTable(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE k (a INT, b VARCHAR(10))",
		"INSERT INTO k VALUES (1, 'x'), (1, 'x'), (2, 'y')",
		"DELETE FROM k WHERE a = 2",
	)
	require.Equal(t, []sql.Row{{int32(1), "x"}, {int32(1), "x"}}, e.rows(ctx, "SELECT * FROM k"))
	e.exec(ctx, "UPDATE k SET b = 'z' LIMIT 1")
	require.Equal(t, []sql.Row{{int64(2)}}, e.rows(ctx, "SELECT COUNT(*) FROM k"))
	require.Equal(t, []sql.Row{{int32(1), "x"}, {int32(1), "z"}}, e.rows(ctx, "SELECT * FROM k ORDER BY b"))
}

func TestAutoIncrement(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE a (id INT PRIMARY KEY AUTO_INCREMENT, v INT)",
		"INSERT INTO a (v) VALUES (1), (2)",
		"INSERT INTO a VALUES (10, 3)",
		"INSERT INTO a (v) VALUES (4)",
	)
	require.Equal(t, []sql.Row{{int32(1)}, {int32(2)}, {int32(10)}, {int32(11)}}, e.rows(ctx, "SELECT id FROM a"))
}

func TestDDL(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t1 (id INT PRIMARY KEY, d VARCHAR(10) DEFAULT 'dflt', n INT NOT NULL DEFAULT (1 + 1))",
		"INSERT INTO t1 (id) VALUES (1)",
		"RENAME TABLE t1 TO t2",
	)
	require.Equal(t, []sql.Row{{int32(1), "dflt", int32(2)}}, e.rows(ctx, "SELECT * FROM t2"))
	e.exec(ctx, "DROP TABLE t2")
	require.Empty(t, e.rows(ctx, "SHOW TABLES"))
	e.exec(ctx, "CREATE DATABASE other", "DROP DATABASE other")
	require.False(t, e.prov.HasDatabase(ctx, "other"))
}

// Durability across a "restart": a second Provider over the same stores sees every
// committed change.
func TestRestartSeesCommittedWork(t *testing.T) {
	stores := memStores{}
	e, ctx := setup(t, stores)
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)",
		"START TRANSACTION", "INSERT INTO t VALUES (2)", "COMMIT",
		"START TRANSACTION", "INSERT INTO t VALUES (3)") // never committed
	e2 := newEnv(t, stores)
	ctx2 := e2.session()
	require.Equal(t, []sql.Row{{int32(1)}, {int32(2)}}, e2.rows(ctx2, "SELECT * FROM t"))
}

// Isolation: concurrent transactions on different rows both commit (merged three-way);
// on the same row the second COMMIT fails with 1213 and changes nothing.
func TestConcurrentTransactions(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 0), (2, 0)")
	a, b := e.session(), e.session()

	e.exec(a, "START TRANSACTION", "UPDATE t SET v = 1 WHERE id = 1")
	e.exec(b, "START TRANSACTION", "UPDATE t SET v = 2 WHERE id = 2", "INSERT INTO t VALUES (3, 3)")
	// a sees its own change and not b's.
	require.Equal(t, []sql.Row{{int32(1), int32(1)}, {int32(2), int32(0)}}, e.rows(a, "SELECT * FROM t"))
	e.exec(a, "COMMIT")
	// b still reads its snapshot plus its own changes.
	require.Equal(t, []sql.Row{{int32(1), int32(0)}, {int32(2), int32(2)}, {int32(3), int32(3)}}, e.rows(b, "SELECT * FROM t"))
	e.exec(b, "COMMIT")
	want := []sql.Row{{int32(1), int32(1)}, {int32(2), int32(2)}, {int32(3), int32(3)}}
	require.Equal(t, want, e.rows(ctx, "SELECT * FROM t"))

	e.exec(a, "START TRANSACTION", "UPDATE t SET v = 10 WHERE id = 1")
	e.exec(b, "START TRANSACTION", "UPDATE t SET v = 20 WHERE id = 1", "UPDATE t SET v = 30 WHERE id = 3")
	e.exec(a, "COMMIT")
	_, err := e.query(b, "COMMIT")
	require.Error(t, err)
	require.True(t, sql.ErrLockDeadlock.Is(err), "%v", err)
	require.EqualValues(t, 1213, sql.CastSQLError(err).Num)
	require.Equal(t, []sql.Row{{int32(1), int32(10)}, {int32(2), int32(2)}, {int32(3), int32(3)}}, e.rows(ctx, "SELECT * FROM t"))
	// b's transaction was rolled back: it now sees the committed state.
	require.Equal(t, []sql.Row{{int32(1), int32(10)}, {int32(2), int32(2)}, {int32(3), int32(3)}}, e.rows(b, "SELECT * FROM t"))
}

func TestRollback(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)", "START TRANSACTION", "INSERT INTO t VALUES (1)", "ROLLBACK")
	require.Empty(t, e.rows(ctx, "SELECT * FROM t"))
	e.exec(ctx, "START TRANSACTION", "INSERT INTO t VALUES (1)", "SAVEPOINT s1", "INSERT INTO t VALUES (2)",
		"ROLLBACK TO SAVEPOINT s1", "COMMIT")
	require.Equal(t, []sql.Row{{int32(1)}}, e.rows(ctx, "SELECT * FROM t"))
}
