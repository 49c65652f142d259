package backend_test

import (
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/backend"
)

func TestAlterAddColumn(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, KEY ia (a))",
		"INSERT INTO t VALUES (1, 10), (2, 20)",
		"ALTER TABLE t ADD COLUMN b VARCHAR(10) NOT NULL DEFAULT 'x'",
		"ALTER TABLE t ADD COLUMN c INT FIRST",
		"ALTER TABLE t ADD COLUMN d INT DEFAULT 7 AFTER id",
	)
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{
		{nil, int32(1), int32(7), int32(10), "x"},
		{nil, int32(2), int32(7), int32(20), "x"},
	}, e.rows(ctx, "SELECT * FROM t ORDER BY id"))
	require.Equal(t, []sql.Row{{int32(2)}}, e.rows(ctx, "SELECT id FROM t WHERE a = 20"))
	e.exec(ctx, "INSERT INTO t (id, a) VALUES (3, 30)")
	require.Equal(t, []sql.Row{{nil, int32(3), int32(7), int32(30), "x"}}, e.rows(ctx, "SELECT * FROM t WHERE id = 3"))
	e.checkIndexes(ctx)
}

func TestAlterDropColumn(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, KEY ia (a), KEY iab (a, b), KEY ib (b))",
		"INSERT INTO t VALUES (1, 10, 100), (2, 20, 200)",
		"ALTER TABLE t DROP COLUMN b",
	)
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{{int32(1), int32(10)}, {int32(2), int32(20)}}, e.rows(ctx, "SELECT * FROM t ORDER BY id"))
	// ib was dropped with its only column; iab lost b.
	var names []any
	for _, r := range e.rows(ctx, "SHOW INDEX FROM t") {
		names = append(names, r[2])
	}
	require.ElementsMatch(t, []any{"PRIMARY", "ia", "iab"}, names)
	require.Equal(t, []sql.Row{{int32(2)}}, e.rows(ctx, "SELECT id FROM t WHERE a = 20"))
}

func TestAlterModifyColumn(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, s VARCHAR(20), KEY ia (a))",
		"INSERT INTO t VALUES (1, 10, '5'), (2, 300, '6')",
		"ALTER TABLE t MODIFY COLUMN a BIGINT",
		"ALTER TABLE t MODIFY COLUMN s INT FIRST",
	)
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{{int32(5), int32(1), int64(10)}, {int32(6), int32(2), int64(300)}},
		e.rows(ctx, "SELECT * FROM t ORDER BY id"))
	// 300 does not fit TINYINT: the statement fails and the table is unchanged.
	_, err := e.query(ctx, "ALTER TABLE t MODIFY COLUMN a TINYINT")
	require.Error(t, err)
	require.Equal(t, []sql.Row{{int32(5), int32(1), int64(10)}, {int32(6), int32(2), int64(300)}},
		e.rows(ctx, "SELECT * FROM t ORDER BY id"))
	require.Equal(t, "bigint", e.rows(ctx, "SELECT data_type FROM information_schema.columns WHERE table_name = 't' AND column_name = 'a'")[0][0])
	// NULL into NOT NULL fails too.
	e.exec(ctx, "INSERT INTO t VALUES (NULL, 3, 1)")
	_, err = e.query(ctx, "ALTER TABLE t MODIFY COLUMN s INT NOT NULL")
	require.Error(t, err)
	require.Len(t, e.rows(ctx, "SELECT * FROM t"), 3)
	e.checkIndexes(ctx)
	// CHANGE renames and converts; the index follows the rename.
	e.exec(ctx, "ALTER TABLE t CHANGE COLUMN a aa VARCHAR(10)")
	require.Equal(t, []sql.Row{{int32(2)}}, e.rows(ctx, "SELECT id FROM t WHERE aa = '300'"))
	e.checkIndexes(ctx)
}

func TestAlterRenameColumnAndDefaults(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, KEY ia (a))",
		"INSERT INTO t VALUES (1, 10)",
		"ALTER TABLE t RENAME COLUMN a TO b",
		"ALTER TABLE t ALTER COLUMN b SET DEFAULT 42",
		"INSERT INTO t (id) VALUES (2)",
	)
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{{int32(1), int32(10)}, {int32(2), int32(42)}}, e.rows(ctx, "SELECT id, b FROM t ORDER BY id"))
	require.Equal(t, []sql.Row{{int32(2)}}, e.rows(ctx, "SELECT id FROM t WHERE b = 42"))
	e.exec(ctx, "ALTER TABLE t ALTER COLUMN b DROP DEFAULT", "INSERT INTO t (id) VALUES (3)")
	require.Equal(t, []sql.Row{{nil}}, e.rows(ctx, "SELECT b FROM t WHERE id = 3"))
	// A stored literal default stays a literal through later rewrites.
	e.exec(ctx, "ALTER TABLE t ALTER COLUMN b SET DEFAULT 5", "ALTER TABLE t ADD COLUMN c INT, RENAME COLUMN id TO pk")
	require.Contains(t, e.rows(ctx, "SHOW CREATE TABLE t")[0][1], "`b` int DEFAULT '5'")
}

func TestAlterPrimaryKey(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(10), KEY ib (b))",
		"INSERT INTO t VALUES (1, 5, 'x'), (2, 5, 'y'), (3, 6, 'z')",
		"ALTER TABLE t DROP PRIMARY KEY",
	)
	e.checkIndexes(ctx)
	require.Len(t, e.rows(ctx, "SELECT * FROM t"), 3)
	// A key on a with duplicates fails and changes nothing.
	_, err := e.query(ctx, "ALTER TABLE t ADD PRIMARY KEY (a)")
	require.Error(t, err)
	e.checkIndexes(ctx)
	require.Len(t, e.rows(ctx, "SELECT * FROM t"), 3)
	e.exec(ctx, "INSERT INTO t VALUES (1, 7, 'w')") // keyless: a duplicate id is fine now
	e.exec(ctx, "DELETE FROM t WHERE a = 7")
	e.exec(ctx, "ALTER TABLE t ADD PRIMARY KEY (a, id)")
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{{int32(1), int32(5)}, {int32(2), int32(5)}, {int32(3), int32(6)}},
		e.rows(ctx, "SELECT id, a FROM t ORDER BY a, id"))
	_, err = e.query(ctx, "INSERT INTO t VALUES (1, 5, 'dup')")
	require.Error(t, err)
	require.Equal(t, []sql.Row{{int32(2)}}, e.rows(ctx, "SELECT id FROM t WHERE b = 'y'"))
}

func TestAlterKeylessDuplicates(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE k (a INT, b INT)",
		"INSERT INTO k VALUES (1, 1), (1, 1), (1, 2)",
		"ALTER TABLE k DROP COLUMN b", // three copies of (1)
		"ALTER TABLE k ADD COLUMN c INT DEFAULT 3",
	)
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{{int32(1), int32(3)}, {int32(1), int32(3)}, {int32(1), int32(3)}}, e.rows(ctx, "SELECT * FROM k"))
}

func TestAlterTransactionalAndDurable(t *testing.T) {
	stores := memStores{}
	e, ctx := setup(t, stores)
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT)",
		"INSERT INTO t VALUES (1, 10)",
		"START TRANSACTION",
		"ALTER TABLE t ADD COLUMN b INT DEFAULT 1",
		"ROLLBACK", // DDL commits implicitly, as in MySQL
	)
	require.Equal(t, []sql.Row{{int32(1), int32(10), int32(1)}}, e.rows(e.session(), "SELECT * FROM t"))
	e.exec(ctx,
		"ALTER TABLE t COMMENT 'hello'",
		"ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0)",
		"CREATE INDEX ib ON t (b)",
	)
	e2 := newEnv(t, stores)
	ctx2 := e2.session()
	require.Equal(t, []sql.Row{{int32(1), int32(10), int32(1)}}, e2.rows(ctx2, "SELECT * FROM t"))
	create := e2.rows(ctx2, "SHOW CREATE TABLE t")[0][1].(string)
	require.Contains(t, create, "COMMENT='hello'")
	require.Contains(t, create, "CONSTRAINT `pos` CHECK")
	_, err := e2.query(ctx2, "INSERT INTO t VALUES (2, -1, 0)")
	require.Error(t, err)
	e2.checkIndexes(ctx2)
}

func TestChecks(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, CONSTRAINT apos CHECK (a > 0))",
		"INSERT INTO t VALUES (1, 1), (2, 2)",
	)
	_, err := e.query(ctx, "INSERT INTO t VALUES (3, 3), (4, -4)")
	var wrapped sql.WrappedInsertError
	require.ErrorAs(t, err, &wrapped)
	require.True(t, sql.ErrCheckConstraintViolated.Is(wrapped.Cause), "%v", err)
	_, err = e.query(ctx, "UPDATE t SET a = a - 2")
	require.True(t, sql.ErrCheckConstraintViolated.Is(err), "%v", err)
	require.Equal(t, []sql.Row{{int32(1), int32(1)}, {int32(2), int32(2)}}, e.rows(ctx, "SELECT * FROM t ORDER BY id"))
	// A check the rows violate cannot be added.
	_, err = e.query(ctx, "ALTER TABLE t ADD CONSTRAINT big CHECK (a > 1)")
	require.Error(t, err)
	e.exec(ctx, "ALTER TABLE t ADD CHECK (id < 100)")
	require.Len(t, e.rows(ctx, "SELECT * FROM information_schema.check_constraints WHERE constraint_schema = 'mydb'"), 2)
	_, err = e.query(ctx, "INSERT INTO t VALUES (100, 1)")
	require.Error(t, err)
	e.exec(ctx, "ALTER TABLE t DROP CHECK apos", "INSERT INTO t VALUES (5, -5)")
	_, err = e.query(ctx, "ALTER TABLE t DROP CHECK apos")
	require.Error(t, err)
	// Dropping a column drops the checks on it.
	e.exec(ctx, "ALTER TABLE t ADD CONSTRAINT c2 CHECK (a < 1000)", "ALTER TABLE t DROP COLUMN a")
	require.Len(t, e.rows(ctx, "SELECT * FROM information_schema.check_constraints WHERE constraint_schema = 'mydb'"), 1)
}

// ALTER TABLE ... ADD COLUMN ... CHECK checks the existing rows against the new column,
// and ADD CONSTRAINT ... CHECK after other clauses of the same statement checks the rows
// as those clauses left them (GMS reads them through the table resolved before the
// statement, with the checks bound to its columns); a violation fails the statement and
// leaves the table as it was.
func TestAlterAddColumnWithCheck(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (i INT PRIMARY KEY, j INT)",
		"INSERT INTO t VALUES (1, 2)",
		"ALTER TABLE t ADD COLUMN k INT CHECK (k > 0)", // NULL is not a violation
	)
	violated := func(q string) {
		t.Helper()
		_, err := e.query(ctx, q)
		require.True(t, sql.ErrCheckConstraintViolated.Is(err), "%s: %v", q, err)
	}
	violated("ALTER TABLE t ADD COLUMN l INT CHECK (l IS NOT NULL)")
	violated("ALTER TABLE t ADD COLUMN m INT DEFAULT 0 CHECK (m != 0)")
	violated("ALTER TABLE t ADD COLUMN m INT DEFAULT 0 CHECK (m != 0) FIRST")
	violated("ALTER TABLE t ADD COLUMN m INT DEFAULT 0 CHECK (m != 0) AFTER i")
	violated("ALTER TABLE t ADD COLUMN m INT DEFAULT 0 CHECK (m != 0), ADD COLUMN z INT FIRST")
	violated("ALTER TABLE t ADD COLUMN z INT FIRST, ADD CONSTRAINT c CHECK (i > 1)")
	violated("ALTER TABLE t MODIFY COLUMN j BIGINT FIRST, ADD CONSTRAINT c CHECK (i > 1)")
	violated("ALTER TABLE t ADD COLUMN m INT DEFAULT 2 CHECK (m > j)")
	require.Equal(t, []sql.Row{{int32(1), int32(2), nil}}, e.rows(ctx, "SELECT * FROM t"))

	// GMS plans a clause after ADD COLUMN ... FIRST with the new column last: a rewrite
	// with that column order is refused instead of shifting values into wrong columns.
	_, err := e.query(ctx, "ALTER TABLE t ADD COLUMN z INT FIRST, ADD COLUMN m INT DEFAULT 5 CHECK (m > 4)")
	require.True(t, sql.ErrUnsupportedFeature.Is(err), "%v", err)
	require.Equal(t, []sql.Row{{int32(1), int32(2), nil}}, e.rows(ctx, "SELECT * FROM t"))

	e.exec(ctx,
		"ALTER TABLE t ADD COLUMN m INT DEFAULT 5 CHECK (m > 4), ADD COLUMN z INT FIRST",
		"ALTER TABLE t ADD COLUMN y INT DEFAULT 7 CHECK (y = 7) AFTER i, ADD CONSTRAINT c CHECK (i = 1)",
	)
	require.Equal(t, []sql.Row{{nil, int32(1), int32(7), int32(2), nil, int32(5)}}, e.rows(ctx, "SELECT * FROM t"))
	_, err = e.query(ctx, "INSERT INTO t (i, m) VALUES (2, 4)")
	var wrapped sql.WrappedInsertError
	require.ErrorAs(t, err, &wrapped)
	require.True(t, sql.ErrCheckConstraintViolated.Is(wrapped.Cause), "%v", err)

	// A dropped column and a new check on the remaining rows in one statement.
	violated("ALTER TABLE t DROP COLUMN z, ADD CONSTRAINT d CHECK (j > 2)")
	e.exec(ctx, "ALTER TABLE t DROP COLUMN z, ADD CONSTRAINT d CHECK (j = 2)")
	require.Equal(t, []sql.Row{{int32(1), int32(7), int32(2), nil, int32(5)}}, e.rows(ctx, "SELECT * FROM t"))
}

// TARGET_ROW_SIZE (and its alias TOAST_TUPLE_TARGET) is kept in the schema: SHOW CREATE
// TABLE shows it after ALTER TABLE rewrites, commits and a restart.
func TestTargetRowSize(t *testing.T) {
	stores := memStores{}
	e, ctx := setup(t, stores)
	e.exec(ctx,
		"CREATE TABLE t (pk INT PRIMARY KEY) TARGET_ROW_SIZE=4096",
		"CREATE TABLE u (pk INT PRIMARY KEY) TOAST_TUPLE_TARGET=1024",
		"CREATE TABLE v (pk INT PRIMARY KEY)",
		"INSERT INTO t VALUES (1)",
		"ALTER TABLE t ADD COLUMN a INT, COMMENT 'c'",
	)
	show := func(e *env, ctx *sql.Context, table string) string {
		return e.rows(ctx, "SHOW CREATE TABLE "+table)[0][1].(string)
	}
	require.Equal(t, "CREATE TABLE `t` (\n  `pk` int NOT NULL,\n  `a` int,\n  PRIMARY KEY (`pk`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='c' TARGET_ROW_SIZE=4096", show(e, ctx, "t"))
	e2 := newEnv(t, stores)
	ctx2 := e2.session()
	require.Contains(t, show(e2, ctx2, "t"), "COMMENT='c' TARGET_ROW_SIZE=4096")
	require.True(t, strings.HasSuffix(show(e2, ctx2, "u"), " TARGET_ROW_SIZE=1024"))
	require.NotContains(t, show(e2, ctx2, "v"), "TARGET_ROW_SIZE")
}

// A prefix length on a primary-key column is refused by CREATE TABLE and by ALTER TABLE
// (the row map is keyed by whole values); secondary indexes may have one.
func TestPrimaryKeyPrefixRefused(t *testing.T) {
	e, ctx := setup(t, memStores{})
	for _, q := range []string{
		"CREATE TABLE v (v VARCHAR(100), PRIMARY KEY (v(10)))",
		"CREATE TABLE b (b BLOB, PRIMARY KEY (b(10)))",
		"CREATE TABLE c (i INT, c CHAR(100), PRIMARY KEY (i, c(10)))",
	} {
		_, err := e.query(ctx, q)
		require.True(t, sql.ErrUnsupportedIndexPrefix.Is(err), "%s: %v", q, err)
	}
	require.Empty(t, e.rows(ctx, "SHOW TABLES"))
	e.exec(ctx, "CREATE TABLE t (i INT, v VARCHAR(100), PRIMARY KEY (i, v), KEY kv (v(10)))", "CREATE TABLE u (v VARCHAR(100))")
	_, err := e.query(ctx, "ALTER TABLE u ADD PRIMARY KEY (v(10))")
	require.True(t, sql.ErrUnsupportedIndexPrefix.Is(err), "%v", err)
}

// TestAlterRenameWithOtherClauses: an ALTER TABLE's RENAME clause takes effect with the
// other clauses whatever their order, as in MySQL (alterrename.go; GMS ran the clauses in
// order and the ones after RENAME failed with 1146); a failing clause leaves the table
// as it was, under its old name.
func TestAlterRenameWithOtherClauses(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE r1 (id INT PRIMARY KEY, v INT)",
		"INSERT INTO r1 VALUES (1, 10)",
		"ALTER TABLE r1 RENAME r2, ADD COLUMN w INT DEFAULT 5",
		"ALTER TABLE r2 RENAME TO r3, RENAME COLUMN v TO vv, ADD INDEX iw (w)",
	)
	require.Equal(t, []sql.Row{{"r3"}}, e.rows(ctx, "SHOW TABLES"))
	require.Equal(t, []sql.Row{{int32(1), int32(10), int32(5)}}, e.rows(ctx, "SELECT id, vv, w FROM r3"))
	require.Equal(t, []sql.Row{{int32(1)}}, e.rows(ctx, "SELECT id FROM r3 WHERE w = 5"))
	e.checkIndexes(ctx)

	before := e.rows(ctx, "SHOW CREATE TABLE r3")[0][1]
	_, err := e.query(ctx, "ALTER TABLE r3 RENAME r4, ADD COLUMN vv INT")
	require.Equal(t, 1060, errno(backend.MySQLError(err)), "%v", err) // duplicate column
	require.Equal(t, []sql.Row{{"r3"}}, e.rows(ctx, "SHOW TABLES"))
	require.Equal(t, before, e.rows(ctx, "SHOW CREATE TABLE r3")[0][1])

	// A plain RENAME TABLE of several tables keeps its order (t -> u, then u -> x).
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)", "RENAME TABLE t TO u, u TO x")
	require.Equal(t, []sql.Row{{"r3"}, {"x"}}, e.rows(ctx, "SHOW TABLES"))
}
