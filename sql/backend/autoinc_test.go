package backend_test

import (
	"sync"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

// AUTO_INCREMENT values come from one counter per table shared by all sessions: two open
// transactions get distinct ids and both commit; a rolled-back value is not reused.
func TestAutoIncrementIsGlobal(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v INT)", "INSERT INTO t (v) VALUES (1)")
	a, b := e.session(), e.session()
	for _, s := range []*sql.Context{a, b} {
		s.SetCurrentDatabase("mydb")
	}
	e.exec(a, "START TRANSACTION", "INSERT INTO t (v) VALUES (2)")
	e.exec(b, "START TRANSACTION", "INSERT INTO t (v) VALUES (3)")
	require.Equal(t, []sql.Row{{int32(1), int32(1)}, {int32(2), int32(2)}}, e.rows(a, "SELECT * FROM t"))
	require.Equal(t, []sql.Row{{int32(1), int32(1)}, {int32(3), int32(3)}}, e.rows(b, "SELECT * FROM t"))
	e.exec(a, "COMMIT")
	e.exec(b, "COMMIT")
	require.Equal(t, []sql.Row{{int32(1)}, {int32(2)}, {int32(3)}}, e.rows(ctx, "SELECT id FROM t"))

	// An explicit value moves the counter for everyone, even uncommitted.
	e.exec(a, "START TRANSACTION", "INSERT INTO t VALUES (10, 10)")
	e.exec(b, "INSERT INTO t (v) VALUES (11)")
	e.exec(a, "ROLLBACK")
	// 10 was rolled back; it is not handed out again.
	e.exec(ctx, "INSERT INTO t (v) VALUES (12)")
	require.Equal(t, []sql.Row{{int32(1)}, {int32(2)}, {int32(3)}, {int32(11)}, {int32(12)}}, e.rows(ctx, "SELECT id FROM t"))
	require.Equal(t, []sql.Row{{uint64(13)}},
		e.rows(ctx, "SELECT AUTO_INCREMENT FROM information_schema.tables WHERE table_name = 't'"))
}

// Many sessions inserting at once never collide.
func TestAutoIncrementConcurrentInserts(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE t (id BIGINT PRIMARY KEY AUTO_INCREMENT, s INT)")
	const sessions, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, sessions*each)
	for i := range sessions {
		s := e.session()
		s.SetCurrentDatabase("mydb")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if _, err := e.query(s, "INSERT INTO t (s) VALUES ("+string(rune('0'+i))+")"); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, []sql.Row{{int64(sessions * each), int64(sessions * each)}},
		e.rows(ctx, "SELECT COUNT(*), MAX(id) FROM t"))
}

// After a restart the counter starts from the stored one; DROP/CREATE, TRUNCATE and
// ALTER TABLE ... AUTO_INCREMENT reset it; negative values do not count.
func TestAutoIncrementRestartAndResets(t *testing.T) {
	stores := memStores{}
	e, ctx := setup(t, stores)
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT)", "INSERT INTO t VALUES (NULL), (NULL), (-5)")
	e2 := newEnv(t, stores)
	ctx2 := e2.session()
	e2.exec(ctx2, "INSERT INTO t VALUES (NULL)")
	require.Equal(t, []sql.Row{{int32(-5)}, {int32(1)}, {int32(2)}, {int32(3)}}, e2.rows(ctx2, "SELECT id FROM t"))

	e2.exec(ctx2, "TRUNCATE TABLE t", "INSERT INTO t VALUES (NULL)")
	require.Equal(t, []sql.Row{{int32(1)}}, e2.rows(ctx2, "SELECT id FROM t"))
	e2.exec(ctx2, "ALTER TABLE t AUTO_INCREMENT = 100", "INSERT INTO t VALUES (NULL)")
	require.Equal(t, []sql.Row{{int32(1)}, {int32(100)}}, e2.rows(ctx2, "SELECT id FROM t"))
	e2.exec(ctx2, "DROP TABLE t", "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT)", "INSERT INTO t VALUES (NULL)")
	require.Equal(t, []sql.Row{{int32(1)}}, e2.rows(ctx2, "SELECT id FROM t"))
	// A TINYINT column stops at 127: the next generated value is a duplicate.
	e2.exec(ctx2, "CREATE TABLE s (id TINYINT PRIMARY KEY AUTO_INCREMENT)", "INSERT INTO s VALUES (126), (NULL)")
	_, err := e2.query(ctx2, "INSERT INTO s VALUES (NULL)")
	require.Error(t, err)
}

// A branch has one counter whatever the database name it is written through.
func TestAutoIncrementBranchViews(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT)", "INSERT INTO t VALUES (NULL)")
	// "mydb/main" is the same branch as "mydb": one counter.
	e.exec(ctx, "INSERT INTO `mydb/main`.t VALUES (NULL)", "INSERT INTO t VALUES (NULL)")
	require.Equal(t, []sql.Row{{int32(1)}, {int32(2)}, {int32(3)}}, e.rows(ctx, "SELECT id FROM t"))
}

// An INSERT refused as out of range does not move the counter (the live one is shared and
// not transactional, so it must not move in the first place); a column's largest value
// leaves the counter there, for every session and after a restart.
func TestAutoIncrementOutOfRangeAndMaximum(t *testing.T) {
	stores := memStores{}
	e, ctx := setup(t, stores)
	next := func(e *env, ctx *sql.Context, table string) sql.Row {
		t.Helper()
		rows := e.rows(ctx, "SELECT AUTO_INCREMENT FROM information_schema.tables WHERE table_schema = 'mydb' AND table_name = '"+table+"'")
		require.Len(t, rows, 1)
		return rows[0]
	}
	e.exec(ctx, "CREATE TABLE s (id TINYINT PRIMARY KEY AUTO_INCREMENT)", "CREATE TABLE u (id TINYINT UNSIGNED PRIMARY KEY AUTO_INCREMENT)")
	for _, q := range []string{"INSERT INTO s VALUES (999)", "INSERT INTO s VALUES (128)", "INSERT INTO u VALUES (256)"} {
		_, err := e.query(ctx, q)
		require.ErrorContains(t, err, "out of range", q)
	}
	other := e.session()
	require.Equal(t, sql.Row{nil}, next(e, other, "s")) // information_schema's NULL is 1 (or none)
	e.exec(other, "INSERT INTO s VALUES (NULL)")
	require.Equal(t, []sql.Row{{int8(1)}}, e.rows(ctx, "SELECT id FROM s"))

	e.exec(ctx, "INSERT INTO s VALUES (127)", "INSERT INTO u VALUES (255)")
	require.Equal(t, sql.Row{uint64(127)}, next(e, other, "s"))
	require.Equal(t, sql.Row{uint64(255)}, next(e, other, "u"))
	rows := e.rows(other, "SHOW CREATE TABLE s")
	require.Contains(t, rows[0][1], "AUTO_INCREMENT=127 ")
	_, err := e.query(other, "INSERT INTO s VALUES (NULL)")
	require.ErrorContains(t, err, "duplicate primary key")

	// The stored counter stops there too.
	e2 := newEnv(t, stores)
	ctx2 := e2.session()
	require.Equal(t, sql.Row{uint64(127)}, next(e2, ctx2, "s"))
	require.Equal(t, sql.Row{uint64(255)}, next(e2, ctx2, "u"))
}

// ALTER TABLE ... AUTO_INCREMENT = n at or below the column's largest value sets the
// counter to that value + 1, as InnoDB does (it was obeyed: the next insert got n and
// failed with 1062, or reused a gap); above it, n is kept. CREATE TABLE ...
// AUTO_INCREMENT = n of an empty table keeps n, and so does ALTER of an empty table.
func TestAutoIncrementAlterBelowMaximum(t *testing.T) {
	e, ctx := setup(t, memStores{})
	next := func(tbl string) any {
		return e.rows(ctx, "SELECT AUTO_INCREMENT FROM information_schema.tables WHERE table_name = '"+tbl+"'")[0][0]
	}
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v INT)",
		"INSERT INTO t (v) VALUES (1), (2), (3)", "INSERT INTO t VALUES (10, 10)",
		"ALTER TABLE t AUTO_INCREMENT = 5")
	require.Equal(t, uint64(11), next("t"))
	e.exec(ctx, "INSERT INTO t (v) VALUES (11)")
	require.Equal(t, []sql.Row{{int32(11)}}, e.rows(ctx, "SELECT id FROM t WHERE v = 11"))
	e.exec(ctx, "ALTER TABLE t AUTO_INCREMENT = 1")
	e.exec(ctx, "INSERT INTO t (v) VALUES (12)")
	require.Equal(t, []sql.Row{{int32(12)}}, e.rows(ctx, "SELECT id FROM t WHERE v = 12"))
	// Above the maximum: kept (a gap, as asked).
	e.exec(ctx, "ALTER TABLE t AUTO_INCREMENT = 100", "INSERT INTO t (v) VALUES (100)")
	require.Equal(t, []sql.Row{{int32(100)}}, e.rows(ctx, "SELECT id FROM t WHERE v = 100"))
	// Equal to the maximum: one past it.
	e.exec(ctx, "ALTER TABLE t AUTO_INCREMENT = 100")
	require.Equal(t, uint64(101), next("t"))
	require.Contains(t, e.rows(ctx, "SHOW CREATE TABLE t")[0][1], "AUTO_INCREMENT=101 ")

	// The column need not lead the key; a keyless table and a TINYINT at its largest.
	e.exec(ctx, "CREATE TABLE k (v INT, id INT AUTO_INCREMENT, PRIMARY KEY (v, id), KEY (id))",
		"INSERT INTO k VALUES (1, 50), (2, 7)", "ALTER TABLE k AUTO_INCREMENT = 8")
	require.Equal(t, uint64(51), next("k"))
	e.exec(ctx, "CREATE TABLE n (id TINYINT AUTO_INCREMENT, UNIQUE KEY (id))",
		"INSERT INTO n VALUES (127)", "ALTER TABLE n AUTO_INCREMENT = 3")
	require.Equal(t, uint64(127), next("n"))

	// Empty tables keep n; TRUNCATE still starts over at 1.
	e.exec(ctx, "CREATE TABLE c (id INT PRIMARY KEY AUTO_INCREMENT) AUTO_INCREMENT = 42")
	require.Equal(t, uint64(42), next("c"))
	e.exec(ctx, "ALTER TABLE c AUTO_INCREMENT = 7")
	require.Equal(t, uint64(7), next("c"))
	e.exec(ctx, "TRUNCATE TABLE t", "INSERT INTO t (v) VALUES (1)")
	require.Equal(t, []sql.Row{{int32(1)}}, e.rows(ctx, "SELECT id FROM t"))

	// In a transaction, the statement sees the transaction's own rows.
	e.exec(ctx, "START TRANSACTION", "INSERT INTO t VALUES (30, 30)", "ALTER TABLE t AUTO_INCREMENT = 2",
		"INSERT INTO t (v) VALUES (31)", "COMMIT")
	require.Equal(t, []sql.Row{{int32(31)}}, e.rows(ctx, "SELECT id FROM t WHERE v = 31"))
}
