package server

import (
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestPreparedSelectFieldsLikeGMS: prepared SELECTs run by selectExecute (and text
// SELECTs run by queryExecute) send the same
// column descriptions (as a client sees them: name, type, length, decimals, nullability,
// signedness) and the same rows as GMS's handler, for every column type, results of 0,
// 1, 128 and 300 rows (several writes), expressions and aggregates, a join, after
// character_set_results changes, inside a transaction, and the same error for a failing
// statement.
func TestPreparedSelectFieldsLikeGMS(t *testing.T) {
	const textQuery = "<text query>"
	s, _ := startServer(t, testConfig(t.TempDir()))
	root := connect(t, s, "root", "", "")
	mustExec(t, root, "CREATE DATABASE app",
		"CREATE TABLE app.t (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, ti TINYINT, si SMALLINT UNSIGNED NOT NULL DEFAULT 0,"+
			" mi MEDIUMINT, i INT, bi BIGINT, f FLOAT, d DOUBLE, dec1 DECIMAL(12,4), dec2 DECIMAL(5,0) UNSIGNED,"+
			" bt BIT(9), yr YEAR, dt DATE, tm TIME, dtt DATETIME(6), ts TIMESTAMP(3) NULL, ch CHAR(7), vc VARCHAR(300) NOT NULL DEFAULT '',"+
			" l1 VARCHAR(20) CHARACTER SET latin1, bn BINARY(4), vb VARBINARY(50), tx TEXT, mt MEDIUMTEXT, bl BLOB, lb LONGBLOB,"+
			" en ENUM('a','bb','ccc'), st SET('x','y','z'), js JSON, g GEOMETRY, v VECTOR(2), KEY (i))",
	)
	var sb strings.Builder
	sb.WriteString("INSERT INTO app.t (ti, si, mi, i, bi, f, d, dec1, dec2, bt, yr, dt, tm, dtt, ts, ch, vc, l1, bn, vb, tx, mt, bl, lb, en, st, js, g, v) VALUES ")
	for n := range 300 {
		if n > 0 {
			sb.WriteString(", ")
		}
		if n%7 == 3 {
			sb.WriteString("(NULL, 5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'v', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)")
			continue
		}
		fmt.Fprintf(&sb, "(%d, %d, %d, %d, %d, %d.5, %d.25, %d.1234, %d, b'101', 2026, '2026-11-%02d', '12:34:56', '2026-11-26 07:00:00.123456',"+
			" '2026-11-26 07:00:01.5', 'ch%d', 'héllo %d', 'caf\u00e9', x'00ff0102', x'beef', 'text %d', 'medium', x'01', x'0203', 'bb', 'x,z',"+
			" '{\"k\": %d, \"a\": [1.5, true]}', ST_GeomFromText('POINT(1 2)'), STRING_TO_VECTOR('[1, 2.5]'))",
			n%128-64, n, n*100, n*1000, -n*1000000000, n, n, n, n, n%28+1, n, n, n, n)
	}
	mustExec(t, root, sb.String())
	c := newPreparedConn(t, connect(t, s, "root", "", "app"))
	type result struct {
		cols []string
		rows [][]sql.NullString
		err  string
	}
	run := func(q string, args ...any) result {
		t.Helper()
		var rows *sql.Rows
		var err error
		if len(args) == 1 && args[0] == textQuery {
			rows, err = c.conn.QueryContext(c.ctx, q) // COM_QUERY
		} else {
			rows, err = c.prepare(q).QueryContext(c.ctx, args...)
		}
		if err != nil {
			return result{err: err.Error()}
		}
		cols, vals, rerr := readResult(t, rows)
		return result{cols: cols, rows: vals, err: rerr}
	}
	same := func(q string, args ...any) {
		t.Helper()
		noFastSelect.Store(true)
		want := run(q, args...)
		noFastSelect.Store(false)
		before := preparedStats.selects.Load() + preparedStats.hits.Load() + preparedStats.plans.Load()
		got := run(q, args...)
		if preparedStats.selects.Load()+preparedStats.hits.Load()+preparedStats.plans.Load() == before {
			t.Fatalf("%s: run by neither selectExecute nor the point-select cache", q)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s %v:\nselectExecute: %v\nGMS:           %v", q, args, got, want)
		}
	}
	t.Cleanup(func() { noFastSelect.Store(false) })
	same("SELECT * FROM t WHERE id BETWEEN ? AND ?", 1, 300) // 300 rows: three writes
	same("SELECT * FROM t WHERE id BETWEEN ? AND ?", 1, 128) // exactly one full batch
	same("SELECT * FROM t WHERE id = ?", 4)                  // NULLs
	same("SELECT * FROM t WHERE id > ?", 1000)               // no row
	for _, n := range []int{50, -5, 50, 1000, -5} {          // a cached plan, then other ranges, empty ones too
		same("SELECT MAX(id) FROM t WHERE id < ?", n)
		same("SELECT MIN(id) FROM t WHERE id > ?", n)
	}
	if r := run("SELECT MAX(id) FROM t WHERE id < ?", -5); len(r.rows) != 1 || r.rows[0][0].Valid {
		t.Fatalf("MAX over no rows: %+v, want one NULL row", r)
	}
	same("SELECT id, i + ?, CONCAT(vc, ?), dec1 * 2, COUNT(*) OVER () FROM t WHERE i < ? ORDER BY vc DESC, id LIMIT 50", 1, "x", 20000)
	same("SELECT en, COUNT(*), SUM(dec1), AVG(d), MAX(dtt), GROUP_CONCAT(ch ORDER BY id) FROM t GROUP BY en")
	same("SELECT a.id, b.vc FROM t a JOIN t b ON a.i = b.i WHERE a.id < ?", 20)
	same("SELECT DISTINCT l1, bn FROM t WHERE id BETWEEN ? AND ? ORDER BY l1", 1, 100)
	same("SELECT ?, ?, ?, ?", 1, "two", 3.5, nil)
	// The same as text queries (COM_QUERY).
	same("SELECT * FROM t WHERE id BETWEEN 1 AND 300", textQuery)
	same("/* a comment */ select id, vc, js FROM t WHERE id < 3", textQuery)
	same("SELECT * FROM t WHERE id > 1000", textQuery)
	same("SELECT en, COUNT(*), SUM(dec1) FROM t GROUP BY en ORDER BY en", textQuery)
	same("SELECT id FROM t WHERE id = 1 AND 1 = (SELECT id FROM t WHERE id < 5)", textQuery)
	same("SELECT nosuchcolumn FROM t", textQuery)
	same("SELECT JSON_EXTRACT(js, '$.k') + ?, CAST(vc AS UNSIGNED) FROM t WHERE id = ?", 1, 2) // a conversion warning, not an error
	same("SELECT id FROM t WHERE id = ? AND 1 = (SELECT id FROM t WHERE id < 5)", 1)           // an error while executing
	c.exec("SET character_set_results = latin1")
	same("SELECT ch, vc, l1, tx, bn FROM t WHERE id BETWEEN ? AND ?", 1, 10)
	c.exec("SET character_set_results = utf8mb4")
	c.exec("BEGIN")
	c.exec("UPDATE t SET vc = 'in tx' WHERE id = 1")
	same("SELECT vc FROM t WHERE id = ?", 1)
	c.exec("ROLLBACK")
	same("SELECT vc FROM t WHERE id = ?", 1)
}

// TestPreparedSelectStatusFlags: after a prepared SELECT run by selectExecute, the
// connection's transaction state is right for the next statements (autocommit ends the
// statement's transaction; an explicit one stays open and sees its own writes).
func TestPreparedSelectStatusFlags(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	root := connect(t, s, "root", "", "")
	mustExec(t, root, "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY, v INT)", "INSERT INTO app.t VALUES (1, 10), (2, 20)")
	c := newPreparedConn(t, connect(t, s, "root", "", "app"))
	st := c.prepare("SELECT v FROM t WHERE id >= ? ORDER BY id")
	sum := func() int {
		t.Helper()
		rows, err := st.QueryContext(c.ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		total := 0
		for rows.Next() {
			var v sql.NullInt64
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			total += int(v.Int64)
		}
		return total
	}
	if got := sum(); got != 30 {
		t.Fatalf("sum %d", got)
	}
	mustExec(t, root, "UPDATE app.t SET v = 100 WHERE id = 1")
	if got := sum(); got != 120 { // a new snapshot per autocommit statement
		t.Fatalf("after another session's update: %d", got)
	}
	c.exec("BEGIN")
	if got := sum(); got != 120 {
		t.Fatalf("in tx: %d", got)
	}
	mustExec(t, root, "UPDATE app.t SET v = 1000 WHERE id = 1")
	if got := sum(); got != 120 { // the transaction's snapshot
		t.Fatalf("snapshot: %d", got)
	}
	c.exec("UPDATE t SET v = 5 WHERE id = 2")
	if got := sum(); got != 105 {
		t.Fatalf("own write: %d", got)
	}
	c.exec("COMMIT")
	if got := sum(); got != 1005 {
		t.Fatalf("after commit: %d", got)
	}
}

func TestPlainSelect(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT 1":                             true,
		"  select * from t":                    true,
		"SELECT(1)":                            true,
		"/* hi */ SELECT c FROM t WHERE id=1":  true,
		"-- note\nSELECT 1":                    true,
		"# note\nselect 1":                     true,
		"SELECT c INTO @x FROM t":              false,
		"SELECT 'into' FROM t":                 false, // conservative
		"SELECTED":                             false,
		"WITH a AS (SELECT 1) SELECT * FROM a": false,
		"/*!40101 SELECT 1 */":                 false,
		"/* unterminated SELECT 1":             false,
		"INSERT INTO t SELECT 1":               false,
		"":                                     false,
	} {
		if got := plainSelect(q); got != want {
			t.Errorf("plainSelect(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestFastSelectKillAndProcessList: a SELECT run in the connection's goroutine is listed
// by SHOW PROCESSLIST while it runs and is stopped by KILL QUERY (error 1317), and the
// connection works afterwards; likewise as a prepared statement.
func TestFastSelectKillAndProcessList(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	root := connect(t, s, "root", "", "")
	mustExec(t, root, "CREATE DATABASE app")
	c := newPreparedConn(t, connect(t, s, "root", "", "app"))
	var id int64
	if err := c.conn.QueryRowContext(c.ctx, "SELECT CONNECTION_ID()").Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, prepared := range []bool{false, true} {
		done := make(chan error, 1)
		go func() {
			var v any
			var err error
			if prepared {
				err = c.prepare("SELECT SLEEP(?)").QueryRowContext(c.ctx, 30).Scan(&v)
			} else {
				err = c.conn.QueryRowContext(c.ctx, "SELECT SLEEP(30)").Scan(&v)
			}
			done <- err
		}()
		deadline := time.Now().Add(10 * time.Second)
		for {
			var n int
			if err := root.QueryRow("SELECT COUNT(*) FROM information_schema.processlist WHERE id = ? AND info LIKE 'SELECT SLEEP%'", id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the running SELECT is not in the process list")
			}
			time.Sleep(20 * time.Millisecond)
		}
		mustExec(t, root, fmt.Sprintf("KILL QUERY %d", id))
		select {
		case err := <-done:
			// 1317 ER_QUERY_INTERRUPTED (MySQL's SLEEP itself would return 1 instead).
			if mysqlErrno(err) != 1317 {
				t.Fatalf("prepared=%v: killed SELECT: %v", prepared, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("prepared=%v: KILL QUERY did not stop the SELECT", prepared)
		}
		var one int
		if err := c.conn.QueryRowContext(c.ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Fatalf("after KILL QUERY: %d, %v", one, err)
		}
	}
}

// readResult reads rows whole: a description of each column as the client sees it (name,
// type, nullability, decimals, length, Go scan type), every row as strings, and the error
// that ended the rows, if any.
func readResult(t *testing.T, rows *sql.Rows) (cols []string, out [][]sql.NullString, rowsErr string) {
	t.Helper()
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	for _, ct := range cts {
		n, _ := ct.Nullable()
		p, sc, _ := ct.DecimalSize()
		l, _ := ct.Length()
		cols = append(cols, fmt.Sprintf("%s %s null=%v dec=%d,%d len=%d scan=%v", ct.Name(), ct.DatabaseTypeName(), n, p, sc, l, ct.ScanType()))
	}
	for rows.Next() {
		vals := make([]sql.NullString, len(cts))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		rowsErr = err.Error()
	}
	return cols, out, rowsErr
}
