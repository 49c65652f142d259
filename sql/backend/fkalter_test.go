package backend_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

// errno returns the MySQL error number of err (0 for nil).
func errno(err error) int {
	if err == nil {
		return 0
	}
	return int(sql.CastSQLError(err).Num)
}

// TestAlterDropKeyColumn: DROP COLUMN of a primary-key column removes it from the key, as
// MySQL does: the only key column leaves the table keyless, one of several shrinks the
// key, and a shrunk key with duplicates fails with 1062 and changes nothing. (GMS handed
// the backend a key ordinal of -1, and the server's connection dropped on a panic.)
func TestAlterDropKeyColumn(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, KEY ia (a))",
		"INSERT INTO t VALUES (1, 10), (2, 20), (3, 20)",
		"ALTER TABLE t DROP COLUMN id",
	)
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{{int32(10)}, {int32(20)}, {int32(20)}}, e.rows(ctx, "SELECT a FROM t ORDER BY a"))
	require.Empty(t, e.rows(ctx, "SELECT * FROM information_schema.statistics WHERE table_name = 't' AND index_name = 'PRIMARY'"))
	e.exec(ctx, "INSERT INTO t VALUES (10)") // keyless: a duplicate row is fine
	require.Equal(t, []sql.Row{{int64(2)}}, e.rows(ctx, "SELECT COUNT(*) FROM t WHERE a = 10"))

	e.exec(ctx,
		"CREATE TABLE c (a INT, b INT, v VARCHAR(5), PRIMARY KEY (a, b))",
		"INSERT INTO c VALUES (1, 1, 'x'), (1, 2, 'y'), (2, 3, 'z')",
	)
	// b repeats no value: the key becomes (b).
	e.exec(ctx, "ALTER TABLE c DROP COLUMN a")
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{{int32(1), "x"}, {int32(2), "y"}, {int32(3), "z"}}, e.rows(ctx, "SELECT * FROM c ORDER BY b"))
	_, err := e.query(ctx, "INSERT INTO c VALUES (2, 'dup')")
	require.Equal(t, 1062, errno(err), "%v", err)

	e.exec(ctx,
		"CREATE TABLE d (a INT, b INT, PRIMARY KEY (a, b))",
		"INSERT INTO d VALUES (1, 1), (2, 1)",
	)
	// Dropping a leaves b = 1 twice: the statement fails and d is as it was.
	_, err = e.query(ctx, "ALTER TABLE d DROP COLUMN a")
	require.Equal(t, 1062, errno(err), "%v", err)
	require.Equal(t, []sql.Row{{int32(1), int32(1)}, {int32(2), int32(1)}}, e.rows(ctx, "SELECT * FROM d ORDER BY a"))
	e.checkIndexes(ctx)
}

// TestAlterReferencedColumns: invariant "referenced columns stay" (fkalter.go). An ALTER
// of a parent table that would drop a column a foreign key references fails with 1829,
// one that would leave the referenced columns without an index fails with 1553, and
// either changes nothing: the child's writes keep working. Renaming a referenced column
// and dropping a primary key another index can stand in for still work.
func TestAlterReferencedColumns(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE p (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, x INT)",
		"CREATE TABLE ch (id INT PRIMARY KEY, pc VARCHAR(10), pid INT, FOREIGN KEY (pc) REFERENCES p (code), FOREIGN KEY (pid) REFERENCES p (id))",
		"CREATE TABLE s (id INT PRIMARY KEY, up INT, FOREIGN KEY (up) REFERENCES s (id))",
		"INSERT INTO p VALUES (1, 'A', 1), (2, 'B', 2)",
		"INSERT INTO ch VALUES (1, 'A', 1)",
		"INSERT INTO s VALUES (1, NULL), (2, 1)",
	)
	show := func(table string) any { return e.rows(ctx, "SHOW CREATE TABLE "+table)[0][1] }
	before := []any{show("p"), show("ch"), show("s")}
	for _, c := range []struct {
		q    string
		code int
	}{
		{"ALTER TABLE p DROP COLUMN code", 1829},
		{"ALTER TABLE p DROP COLUMN id", 1829},
		{"ALTER TABLE p DROP COLUMN code, DROP COLUMN x", 1829},
		{"ALTER TABLE p DROP PRIMARY KEY", 1553},
		{"ALTER TABLE p DROP PRIMARY KEY, ADD PRIMARY KEY (x)", 1553},
		{"ALTER TABLE s DROP COLUMN id", 1829},
		{"ALTER TABLE s DROP PRIMARY KEY", 1553},
	} {
		_, err := e.query(ctx, c.q)
		require.Equal(t, c.code, errno(err), "%s: %v", c.q, err)
	}
	require.Equal(t, before, []any{show("p"), show("ch"), show("s")})
	e.exec(ctx, "INSERT INTO ch VALUES (2, 'B', 2)")
	_, err := e.query(ctx, "INSERT INTO ch VALUES (3, 'C', 1)")
	require.Equal(t, 1452, errno(err), "%v", err)
	_, err = e.query(ctx, "DELETE FROM p WHERE id = 1")
	require.Equal(t, 1451, errno(err), "%v", err)

	// Still allowed: dropping an unreferenced column, renaming a referenced one (the key
	// follows), and dropping the primary key when another index starts with id.
	e.exec(ctx,
		"ALTER TABLE p DROP COLUMN x",
		"ALTER TABLE p RENAME COLUMN code TO code2",
		"ALTER TABLE p ADD UNIQUE INDEX uid (id)",
		"ALTER TABLE p DROP PRIMARY KEY",
	)
	require.Contains(t, show("ch"), "REFERENCES `p` (`code2`)")
	e.exec(ctx, "INSERT INTO p VALUES (3, 'C')", "INSERT INTO ch VALUES (3, 'C', 3)")
	_, err = e.query(ctx, "INSERT INTO ch VALUES (4, 'D', 3)")
	require.Equal(t, 1452, errno(err), "%v", err)
	_, err = e.query(ctx, "INSERT INTO ch VALUES (4, 'C', 9)")
	require.Equal(t, 1452, errno(err), "%v", err)
	e.checkIndexes(ctx)
}
