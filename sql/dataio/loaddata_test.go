package dataio_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/dataio"
)

// TestLoadDataBulkEqualsRowPath loads the same files with LOAD DATA into an empty table
// (LoadDataBuilder's bulk path) and into a table holding one extra row (GMS's row path,
// the row deleted after): same success or failure, same table hash, same rows affected.
func TestLoadDataBulkEqualsRowPath(t *testing.T) {
	e := newEnv(t)
	e.eng.Analyzer.ExecBuilder.PriorityBuilder = dataio.LoadDataBuilder{Base: e.eng.Analyzer.ExecBuilder}
	dir := t.TempDir()
	big := rowsCSV(3000, true, 5)
	cases := []struct {
		name, ddl, file, clause string
		fail                    bool
	}{
		{"shuffled csv with indexes", "CREATE TABLE t (id INT PRIMARY KEY, n INT, d DOUBLE, s VARCHAR(64), dt DATETIME, KEY ns (n, s))", big, "FIELDS TERMINATED BY ',' IGNORE 1 LINES", false},
		{"empty strings in a unique index", fiveCols, big, "FIELDS TERMINATED BY ',' IGNORE 1 LINES", true},
		{"column list and defaults", "CREATE TABLE t (id INT PRIMARY KEY, n INT DEFAULT 7, s VARCHAR(10) NOT NULL DEFAULT 'x', KEY (s))", "1\n3\n2\n", "(id)", false},
		{"escapes and NULL", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT, b BLOB)", "1\ta\\tb\\\\c\t\\0\\n\n2\t\\N\t\\N\n", "", false},
		{"duplicate key", fiveCols, "id,n,d,s,dt\n1,1,1,a,2024-01-01\n1,2,2,b,2024-01-01\n", "FIELDS TERMINATED BY ',' IGNORE 1 LINES", true},
		{"duplicate unique", fiveCols, "id,n,d,s,dt\n1,1,1,a,2024-01-01\n2,2,2,a,2024-01-01\n", "FIELDS TERMINATED BY ',' IGNORE 1 LINES", true},
		{"bad value", fiveCols, "id,n,d,s,dt\n1,1,1,a,2024-01-01\n2,x,2,b,2024-01-01\n", "FIELDS TERMINATED BY ',' IGNORE 1 LINES", true},
		{"bad date", fiveCols, "id,n,d,s,dt\n1,1,1,a,2024-02-30\n", "FIELDS TERMINATED BY ',' IGNORE 1 LINES", true},
		{"too long", "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(3))", "1\tabcd\n", "", true},
		{"null in not null", "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(3) NOT NULL DEFAULT 'd')", "1\t\\N\n", "", true},
	}
	for i, c := range cases {
		path := filepath.Join(dir, fmt.Sprintf("f%d", i))
		require.NoError(t, os.WriteFile(path, []byte(c.file), 0o644))
		stmt := fmt.Sprintf("LOAD DATA INFILE '%s' INTO TABLE t %s", path, c.clause)
		e.exec("a", "DROP TABLE IF EXISTS t", c.ddl)
		e.exec("b", "DROP TABLE IF EXISTS t", c.ddl, "INSERT INTO t (id) VALUES (-1)")
		bulk, bulkErr := e.query("a", stmt)
		row, rowErr := e.query("b", stmt)
		require.Equal(t, c.fail, bulkErr != nil, "%s: bulk: %v", c.name, bulkErr)
		require.Equal(t, c.fail, rowErr != nil, "%s: row path: %v", c.name, rowErr)
		if c.fail {
			require.Empty(t, e.rows("a", "SELECT * FROM t"), c.name)
			continue
		}
		e.exec("b", "DELETE FROM t WHERE id = -1")
		require.Equal(t, e.tableHash("b", "t"), e.tableHash("a", "t"), c.name)
		require.Equal(t, row[0][0].(types.OkResult).RowsAffected, bulk[0][0].(types.OkResult).RowsAffected, c.name)
	}
	// Inside a transaction the load is undone by ROLLBACK.
	e.exec("a", "DROP TABLE IF EXISTS t", cases[0].ddl)
	path := filepath.Join(dir, "f0")
	ctx := e.ctx("a")
	for _, q := range []string{"BEGIN", fmt.Sprintf("LOAD DATA INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' IGNORE 1 LINES", path), "ROLLBACK"} {
		_, iter, _, err := e.eng.Query(ctx, q)
		require.NoError(t, err, q)
		_, err = sqlRows(ctx, iter)
		require.NoError(t, err, q)
	}
	require.Empty(t, e.rows("a", "SELECT * FROM t"))
	require.True(t, strings.Count(big, "\n") > 3000)
}

// query runs one statement and returns its rows or its error.
func (e *env) query(db, q string) ([]sql.Row, error) {
	ctx := e.ctx(db)
	_, iter, _, err := e.eng.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	return sqlRows(ctx, iter)
}

func sqlRows(ctx *sql.Context, iter sql.RowIter) ([]sql.Row, error) {
	return sql.RowIterToRows(ctx, iter)
}
