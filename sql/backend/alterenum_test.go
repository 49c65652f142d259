package backend_test

import (
	"fmt"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/stretchr/testify/require"
)

// ALTER TABLE ... ADD COLUMN of a NOT NULL ENUM without default fills the existing rows
// with its first member, as MySQL 8 and MariaDB 10.11 do (GMS filled them with the empty
// error value, the empty string, index 0); a NOT NULL SET gets the empty set, a nullable ENUM NULL, an explicit
// default wins. An INSERT that omits such an ENUM stores the first member too.
func TestAlterAddEnumColumnNotNull(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1), (2)",
		"ALTER TABLE t ADD COLUMN e ENUM('red','green') NOT NULL",
		"ALTER TABLE t ADD COLUMN s SET('a','b') NOT NULL",
		"ALTER TABLE t ADD COLUMN n ENUM('x','y')",
		"ALTER TABLE t ADD COLUMN g ENUM('x','y') NOT NULL DEFAULT 'y'",
		"ALTER TABLE t ADD COLUMN f ENUM('p','q') NOT NULL FIRST, ADD KEY ie (e)",
	)
	q := "SELECT id, CAST(f AS CHAR), CAST(e AS CHAR), e+0, CAST(s AS CHAR), n, CAST(g AS CHAR) FROM t ORDER BY id"
	require.Equal(t, "[[1 p red 1  <nil> y] [2 p red 1  <nil> y]]", fmt.Sprint(e.rows(ctx, q)))
	require.Equal(t, "[[1] [2]]", fmt.Sprint(e.rows(ctx, "SELECT id FROM t WHERE e = 'red' ORDER BY id")))
	e.checkIndexes(ctx)

	// INSERT omitting them: the ENUM's first member; a NOT NULL SET without default has
	// none (1364 in strict mode, as in MySQL).
	e.exec(ctx, "INSERT INTO t (id, s) VALUES (3, 'b')")
	require.Equal(t, "[[3 p red 1 b <nil> y]]", fmt.Sprint(e.rows(ctx, q+" LIMIT 1 OFFSET 2")))
	_, err := e.query(ctx, "INSERT INTO t (id) VALUES (4)")
	require.ErrorContains(t, err, "doesn't have a default value")

	// A keyless table.
	e.exec(ctx, "CREATE TABLE k (v INT)", "INSERT INTO k VALUES (1), (1)",
		"ALTER TABLE k ADD COLUMN e ENUM('only') NOT NULL")
	require.Equal(t, "[[1 only] [1 only]]", fmt.Sprint(e.rows(ctx, "SELECT v, CAST(e AS CHAR) FROM k")))
}

// Table.AddColumn (sql.AlterableTable, used when GMS does not rewrite itself) fills the
// rows with the first member too.
func TestAlterAddEnumColumnDirect(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)")
	db, err := e.prov.Database(ctx, "mydb")
	require.NoError(t, err)
	tbl, ok, err := db.GetTableInsensitive(ctx, "t")
	require.NoError(t, err)
	require.True(t, ok)
	typ := types.MustCreateEnumType([]string{"red", "green"}, sql.Collation_Default)
	require.NoError(t, tbl.(sql.AlterableTable).AddColumn(ctx, &sql.Column{Name: "e", Type: typ, Source: "t"}, nil))
	require.Equal(t, "[[1 red]]", fmt.Sprint(e.rows(ctx, "SELECT id, CAST(e AS CHAR) FROM t")))
}
