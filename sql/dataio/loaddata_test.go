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
	// LOAD DATA reads an empty field as an empty string (an error for a number in strict
	// mode) and \N as NULL.
	bigNulls := strings.ReplaceAll(big, ",,,,\n", ",\\N,\\N,\\N,\\N\n")
	cases := []struct {
		name, ddl, file, clause string
		fail                    bool
	}{
		{"shuffled csv with indexes", "CREATE TABLE t (id INT PRIMARY KEY, n INT, d DOUBLE, s VARCHAR(64), dt DATETIME, KEY ns (n, s))", bigNulls, "FIELDS TERMINATED BY ',' IGNORE 1 LINES", false},
		{"empty fields of numbers", fiveCols, big, "FIELDS TERMINATED BY ',' IGNORE 1 LINES", true},
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

// load runs a LOAD DATA statement with its text on the context, as the server and dsql
// sql do.
func (e *env) load(db, q string) error {
	ctx := e.ctx(db).WithQuery(q)
	_, iter, _, err := e.eng.Query(ctx, q)
	if err != nil {
		return err
	}
	_, err = sqlRows(ctx, iter)
	return err
}

func sqlRows(ctx *sql.Context, iter sql.RowIter) ([]sql.Row, error) {
	return sql.RowIterToRows(ctx, iter)
}

// TestLoadDataFieldRules: LOAD DATA reads files by MySQL's field and line rules
// (sql/dataio's own reader, on the row path and the bulk path alike): doubled and
// escaped enclosures, NULL forms, escapes, LINES STARTING BY, multi-character
// terminators, IGNORE n LINES with CRLF, short and long records in strict and IGNORE
// mode, user variables and SET. Integration-tests' TestLoadDataLikeMariaDB compares the
// same rules with MariaDB.
func TestLoadDataFieldRules(t *testing.T) {
	e := newEnv(t)
	e.eng.Analyzer.ExecBuilder.PriorityBuilder = dataio.LoadDataBuilder{Base: e.eng.Analyzer.ExecBuilder}
	dir := t.TempDir()
	const ddl = "CREATE TABLE t (id INT PRIMARY KEY, n INT, s TEXT, d DATE)"
	cases := []struct {
		name, file, clause string
		want               string // rows of SELECT id, n, s, d (NULL as <nil>), or the error
	}{
		{"doubled enclosure", "1,\"say \"\"hi\"\"\",\\N\n", "FIELDS TERMINATED BY ',' ENCLOSED BY '\"' (id, s, d)", `[[1 <nil> say "hi" <nil>]]`},
		{"escaped enclosure", "1,\"a\\\"b\",\\N\n", "FIELDS TERMINATED BY ',' ENCLOSED BY '\"' (id, s, d)", `[[1 <nil> a"b <nil>]]`},
		{"enclosure char inside", "1,\"a\"b\",\\N\n", "FIELDS TERMINATED BY ',' ENCLOSED BY '\"' (id, s, d)", `[[1 <nil> a"b <nil>]]`},
		{"NULL forms", "1,\"NULL\",NULL\n2,NULL,\"x\"\n", "FIELDS TERMINATED BY ',' ENCLOSED BY '\"' (id, s, @v) SET n = (@v IS NULL)", `[[1 1 NULL <nil>] [2 0 <nil> <nil>]]`},
		{"NULL forms without the statement's text", "1,\"NULL\",NULL\n", "FIELDS TERMINATED BY ',' ENCLOSED BY '\"' (id, s, @v) SET n = (@v IS NULL)", `[[1 1 NULL <nil>]]`},
		{"NULL word without enclosure", "1\tNULL\t\\N\n", "(id, s, d)", `[[1 <nil> NULL <nil>]]`},
		{"escapes", "1\ta\\tb\\\\c\\0\\Zd\\Ne\n", "(id, s)", "[[1 <nil> a\tb\\c\x00\x1adNe <nil>]]"},
		{"no escapes", "1|a\\tb|\\N\n", "FIELDS TERMINATED BY '|' ESCAPED BY '' (id, s, @v)", `[[1 <nil> a\tb <nil>]]`},
		{"lines starting by", "junk xx1,a\nnone\nxx2,b\n", "FIELDS TERMINATED BY ',' LINES STARTING BY 'xx' (id, s)", `[[1 <nil> a <nil>] [2 <nil> b <nil>]]`},
		{"multi-char terminators", "1::a:b##\n2::##\n", "FIELDS TERMINATED BY '::' LINES TERMINATED BY '##\\n' (id, s)", `[[1 <nil> a:b <nil>] [2 <nil>  <nil>]]`},
		{"ignore lines crlf", "h\"1\r\nh2\r\n1,a\r\n2,b\r\n", "FIELDS TERMINATED BY ',' ENCLOSED BY '\"' LINES TERMINATED BY '\\r\\n' IGNORE 2 LINES (id, s)", `[[1 <nil> a <nil>] [2 <nil> b <nil>]]`},
		{"lf lines keep cr", "1\tab\r\n", "(id, s)", "[[1 <nil> ab\r <nil>]]"},
		{"newline inside enclosure", "1,\"a\nb\"\n2,c\n", "FIELDS TERMINATED BY ',' ENCLOSED BY '\"' (id, s)", "[[1 <nil> a\nb <nil>] [2 <nil> c <nil>]]"},
		{"empty trailing field", "1\t\n2\t\n", "(id, s)", `[[1 <nil>  <nil>] [2 <nil>  <nil>]]`},
		{"no final newline", "1\t7\n2\t8", "(id, n)", `[[1 7 <nil> <nil>] [2 8 <nil> <nil>]]`},
		{"too few fields strict", "1\t7\n", "", "Row 1 doesn't contain data for all columns"},
		{"too few fields ignore", "1\t7\n", "IGNORE", `[[1 7 <nil> <nil>]]`},
		{"too many fields strict", "1\t7\tx\t2024-01-02\tmore\n", "", "Row 1 was truncated"},
		{"too many fields ignore", "1\t7\tx\t2024-01-02\tmore\n2\t8\ty\t\\N\n", "IGNORE", `[[1 7 x 2024-01-02 00:00:00 +0000 UTC] [2 8 y <nil>]]`},
		{"empty number strict", "1\t\n", "(id, n)", "Incorrect"},
		{"empty number ignore", "1\t\n", "IGNORE (id, n)", `[[1 0 <nil> <nil>]]`},
		{"empty line", "1\t1\n\n2\t2\n", "IGNORE (id, n)", `[[0 <nil> <nil> <nil>] [1 1 <nil> <nil>] [2 2 <nil> <nil>]]`},
		{"user variables and SET", "1,5,x\n2,6,y\n", "FIELDS TERMINATED BY ',' (id, @a, @b) SET n = @a * 2, s = CONCAT(@b, id)", `[[1 10 x1 <nil>] [2 12 y2 <nil>]]`},
		{"long line", "1\t" + strings.Repeat("ab", 30000) + "\n", "(id, s)", ""},
	}
	for i, c := range cases {
		path := filepath.Join(dir, fmt.Sprintf("r%d", i))
		require.NoError(t, os.WriteFile(path, []byte(c.file), 0o644))
		clause := c.clause
		ignore := ""
		if strings.HasPrefix(clause, "IGNORE") && !strings.HasPrefix(clause, "IGNORE 2") {
			ignore, clause = "IGNORE", strings.TrimPrefix(clause, "IGNORE")
		}
		stmt := fmt.Sprintf("LOAD DATA INFILE '%s' %s INTO TABLE t %s", path, ignore, clause)
		for _, empty := range []bool{true, false} { // bulk path (empty table), row path
			e.exec("a", "DROP TABLE IF EXISTS t", ddl)
			if !empty {
				e.exec("a", "INSERT INTO t (id) VALUES (-1)")
			}
			var err error
			if strings.Contains(c.name, "without the statement's text") {
				_, err = e.query("a", stmt) // the plan alone tells the column list
			} else {
				err = e.load("a", stmt)
			}
			if c.want != "" && !strings.HasPrefix(c.want, "[") {
				require.ErrorContains(t, err, c.want, c.name)
				continue
			}
			require.NoError(t, err, c.name)
			e.exec("a", "DELETE FROM t WHERE id = -1")
			got := e.rows("a", "SELECT id, n, s, d FROM t ORDER BY id")
			if c.name == "long line" {
				require.Len(t, got, 1)
				require.Equal(t, strings.Repeat("ab", 30000), got[0][2], c.name)
				continue
			}
			require.Equal(t, c.want, fmt.Sprint(got), "%s (empty table %v)", c.name, empty)
		}
	}
}

// TestLoadDataFiresTriggers: LOAD DATA fires BEFORE and AFTER INSERT triggers (GMS's
// planner alone does not); a failing row undoes the trigger's writes too.
func TestLoadDataFiresTriggers(t *testing.T) {
	e := newEnv(t)
	e.eng.Analyzer.ExecBuilder.PriorityBuilder = dataio.LoadDataBuilder{Base: e.eng.Analyzer.ExecBuilder}
	path := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(path, []byte("1\t10\n2\t20\n"), 0o644))
	e.exec("a", "CREATE TABLE t (id INT PRIMARY KEY, n INT)", "CREATE TABLE lg (msg VARCHAR(20))",
		"CREATE TRIGGER tb BEFORE INSERT ON t FOR EACH ROW SET NEW.n = NEW.n + 1000",
		"CREATE TRIGGER ta AFTER INSERT ON t FOR EACH ROW INSERT INTO lg VALUES (CONCAT('row ', NEW.id))")
	require.NoError(t, e.load("a", fmt.Sprintf("LOAD DATA INFILE '%s' INTO TABLE t", path)))
	require.Equal(t, "[[1 1010] [2 1020]]", fmt.Sprint(e.rows("a", "SELECT * FROM t ORDER BY id")))
	require.Equal(t, "[[row 1] [row 2]]", fmt.Sprint(e.rows("a", "SELECT * FROM lg ORDER BY msg")))
	require.Error(t, e.load("a", fmt.Sprintf("LOAD DATA INFILE '%s' INTO TABLE t", path))) // duplicate keys
	require.Equal(t, "[[row 1] [row 2]]", fmt.Sprint(e.rows("a", "SELECT * FROM lg ORDER BY msg")))
}

// TestLoadDataRawPath: a load of whole records (no column list) into an empty table reads
// field bytes straight into Import's batches (escapes, enclosures and NULL markers
// resolved by the reader): the same rows, and the same strict-mode errors with the same
// row numbers, as the row path.
func TestLoadDataRawPath(t *testing.T) {
	e := newEnv(t)
	e.eng.Analyzer.ExecBuilder.PriorityBuilder = dataio.LoadDataBuilder{Base: e.eng.Analyzer.ExecBuilder}
	dir := t.TempDir()
	const ddl = "CREATE TABLE t (id INT PRIMARY KEY, n INT, s VARCHAR(20), d DATE, KEY (s))"
	var many strings.Builder
	for i := 1; i <= 9000; i++ {
		fmt.Fprintf(&many, "%d\t%d\tname %d\t2024-01-%02d\n", i, i%7, i, 1+i%28)
	}
	const csv = "FIELDS TERMINATED BY ',' ENCLOSED BY '\"'"
	cases := []struct {
		name, file, clause string
		want               string // rows, or the error both paths give ("!" : both fail)
	}{
		{"NULL forms", "1,NULL,\"NULL\",\\N\n2,\\N,\"\",NULL\n", csv, `[[1 <nil> NULL <nil>] [2 <nil>  <nil>]]`},
		{"empty text and escapes", "1\t5\t\t\\N\n2\t6\ta\\tb\\\\c\\Nd\t2024-02-03\n", "", "[[1 5  <nil>] [2 6 a\tb\\cNd 2024-02-03 00:00:00 +0000 UTC]]"},
		{"enclosures", "1,2,\"say \"\"hi\"\", x\",\"2024-01-02\"\n\"2\",\"3\",\"a\\\"b\",\\N\n", csv, `[[1 2 say "hi", x 2024-01-02 00:00:00 +0000 UTC] [2 3 a"b <nil>]]`},
		{"ignore lines and starting by", "h1\nh2\nxx1|2|a|2024-01-01\njunk\nxx2|3|b|\\N\n", "FIELDS TERMINATED BY '|' LINES STARTING BY 'xx' IGNORE 2 LINES", `[[1 2 a 2024-01-01 00:00:00 +0000 UTC] [2 3 b <nil>]]`},
		{"crlf", "1,2,a,2024-01-01\r\n2,3,b,\\N\r\n", "FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\r\\n'", `[[1 2 a 2024-01-01 00:00:00 +0000 UTC] [2 3 b <nil>]]`},
		{"non-canonical values", "01\t+2\t é\t2024-1-2\n", "", `[[1 2  é 2024-01-02 00:00:00 +0000 UTC]]`},
		{"many rows", many.String(), "", ""},
		{"too few fields", many.String() + "9001\t1\n", "", "Row 9001 doesn't contain data for all columns"},
		{"too many fields", "1\t2\ta\t\\N\n2\t3\tb\t\\N\tmore\n", "", "Row 2 was truncated; it contained more data than there were input columns"},
		{"empty number", many.String() + "9001\t\tx\t\\N\n", "", "Incorrect integer value: '' for column 'n' at row 9001"},
		{"empty date", "1\t2\ta\t\n", "", "Incorrect date value: '' for column 'd' at row 1"},
		{"empty line", "1\t2\ta\t\\N\n\n", "", "Incorrect integer value: '' for column 'id' at row 2"},
		{"bad value before a reader error", "1\tx\ta\t\\N\n2\t\ta\t\\N\n", "", "!"},
		{"null in not null key", "\\N\t1\ta\t\\N\n", "", "!"},
		{"duplicate key", "1\t1\ta\t\\N\n1\t2\tb\t\\N\n", "", "!"},
		{"too long", "1\t1\t" + strings.Repeat("x", 21) + "\t\\N\n", "", "!"},
	}
	for i, c := range cases {
		path := filepath.Join(dir, fmt.Sprintf("w%d", i))
		require.NoError(t, os.WriteFile(path, []byte(c.file), 0o644))
		stmt := fmt.Sprintf("LOAD DATA INFILE '%s' INTO TABLE t %s", path, c.clause)
		var got [2]string
		var errs [2]error
		for k, empty := range []bool{true, false} { // bulk path (empty table), row path
			e.exec("a", "DROP TABLE IF EXISTS t", ddl)
			if !empty {
				e.exec("a", "INSERT INTO t (id) VALUES (-1)")
			}
			errs[k] = e.load("a", stmt)
			if errs[k] != nil {
				got[k] = errs[k].Error()
				if empty {
					require.Empty(t, e.rows("a", "SELECT * FROM t"), c.name)
				}
				continue
			}
			e.exec("a", "DELETE FROM t WHERE id = -1")
			got[k] = fmt.Sprint(e.rows("a", "SELECT id, n, s, d FROM t ORDER BY id"))
		}
		switch {
		case c.want == "!":
			require.Error(t, errs[0], c.name)
			require.Error(t, errs[1], c.name)
		case c.want == "":
			require.NoError(t, errs[0], c.name)
			require.Equal(t, got[1], got[0], c.name)
		case strings.HasPrefix(c.want, "["):
			require.Equal(t, c.want, got[0], c.name)
			require.Equal(t, c.want, got[1], c.name)
		default:
			require.True(t, strings.HasPrefix(got[0], c.want+" (errno"), "%s: %s", c.name, got[0])
			require.Equal(t, got[1], got[0], c.name)
		}
	}
}

// BenchmarkLoadData1M: LOAD DATA of bench/import.sh's file (1M rows, 5 columns) into an
// empty table (the bulk path).
func BenchmarkLoadData1M(b *testing.B) {
	path := filepath.Join(b.TempDir(), "t.csv")
	var sb strings.Builder
	sb.WriteString("id,n,d,s,dt\n")
	for i := 1; i <= 1_000_000; i++ {
		fmt.Fprintf(&sb, "%d,%d,%d.%03d,name %d,2024-%02d-%02d %02d:%02d:%02d\n", i, (i*7919)%2000-1000, (i*104729)%1000000, i%1000, i,
			1+i%12, 1+i%28, i%24, i%60, (i*7)%60)
	}
	require.NoError(b, os.WriteFile(path, []byte(sb.String()), 0o644))
	e := newEnv(&testing.T{})
	e.eng.Analyzer.ExecBuilder.PriorityBuilder = dataio.LoadDataBuilder{Base: e.eng.Analyzer.ExecBuilder}
	stmt := fmt.Sprintf("LOAD DATA INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' IGNORE 1 LINES", path)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		e.exec("a", "DROP TABLE IF EXISTS t", "CREATE TABLE t (id INT PRIMARY KEY, n INT, d DOUBLE, s VARCHAR(64), dt DATETIME)")
		b.StartTimer()
		if err := e.load("a", stmt); err != nil {
			b.Fatal(err)
		}
	}
}
