package backend_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/session"
)

// Temporary tables: session-local, shadowing a permanent table of the same name, with
// indexes and AUTO_INCREMENT; not part of the working set; gone with the session.
func TestTemporaryTables(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)",
		"CREATE TEMPORARY TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(10), KEY (v))",
		"INSERT INTO t (v) VALUES ('a'), ('b')",
	)
	require.Equal(t, []sql.Row{{int32(1), "a"}, {int32(2), "b"}}, e.rows(ctx, "SELECT * FROM t"))
	require.Equal(t, []sql.Row{{int32(2)}}, e.rows(ctx, "SELECT id FROM t WHERE v = 'b'"))
	create := e.rows(ctx, "SHOW CREATE TABLE t")[0][1].(string)
	require.Contains(t, create, "CREATE TEMPORARY TABLE")

	other := e.session()
	other.SetCurrentDatabase("mydb")
	require.Equal(t, []sql.Row{{int32(1)}}, e.rows(other, "SELECT * FROM t"), "another session sees the permanent table")
	e.exec(other, "CREATE TEMPORARY TABLE tmp (x INT)")
	_, err := e.query(ctx, "SELECT * FROM tmp")
	require.True(t, sql.ErrTableNotFound.Is(err), "%v", err)

	// Not transactional, not versioned: ROLLBACK keeps the rows, SHOW TABLES omits them.
	e.exec(ctx, "START TRANSACTION", "INSERT INTO t (v) VALUES ('c')", "ROLLBACK")
	require.Equal(t, []sql.Row{{int64(3)}}, e.rows(ctx, "SELECT COUNT(*) FROM t"))
	require.Equal(t, []sql.Row{{"t"}}, e.rows(ctx, "SHOW TABLES"))
	// Statements stay atomic.
	_, err = e.query(ctx, "INSERT INTO t VALUES (10, 'x'), (1, 'dup')")
	require.Error(t, err)
	require.Equal(t, []sql.Row{{int64(3)}}, e.rows(ctx, "SELECT COUNT(*) FROM t"))

	// Renaming acts on the temporary table too.
	e.exec(ctx, "ALTER TABLE t RENAME TO t3")
	require.Equal(t, []sql.Row{{int32(1)}}, e.rows(ctx, "SELECT * FROM t"))
	require.Equal(t, []sql.Row{{int64(3)}}, e.rows(ctx, "SELECT COUNT(*) FROM t3"))
	e.exec(ctx, "RENAME TABLE t3 TO t")

	// DROP TABLE drops the temporary table first, then the permanent one.
	e.exec(ctx, "DROP TABLE t")
	require.Equal(t, []sql.Row{{int32(1)}}, e.rows(ctx, "SELECT * FROM t"))
	e.exec(ctx, "CREATE TEMPORARY TABLE t2 (x INT)", "INSERT INTO t2 VALUES (1)")
	ctx.Session.(*session.Session).SessionEnd()
	_, err = e.query(ctx, "SELECT * FROM t2")
	require.True(t, sql.ErrTableNotFound.Is(err), "%v", err)
}

// A READ ONLY transaction may write temporary tables but not permanent ones.
func TestTemporaryTablesInReadOnlyTransaction(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE p (x INT PRIMARY KEY)", "CREATE TEMPORARY TABLE tmp (x INT PRIMARY KEY)",
		"START TRANSACTION READ ONLY", "INSERT INTO tmp VALUES (1)")
	_, err := e.query(ctx, "INSERT INTO p VALUES (1)")
	require.True(t, sql.ErrReadOnlyTransaction.Is(err), "%v", err)
	e.exec(ctx, "COMMIT")
	require.Equal(t, []sql.Row{{int32(1)}}, e.rows(ctx, "SELECT * FROM tmp"))
	require.Empty(t, e.rows(ctx, "SELECT * FROM p"))
}
