package server

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/storage/pebblestore"
)

// TestTableMaintenance: CHECK, CHECKSUM, ANALYZE, OPTIMIZE and REPAIR TABLE
// answer as MySQL does over the wire, for sound, empty, keyless, missing and system
// tables, qualified and quoted names, options, and in a multi-statement query.
func TestTableMaintenance(t *testing.T) {
	dir := t.TempDir()
	initRepo(t, filepath.Join(dir, "app"))
	s, _ := startServer(t, testConfig(dir))
	db := connect(t, s, "root", "", "app")
	db.SetMaxOpenConns(1)
	mustExec(t, db,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(20), KEY ka (a), UNIQUE KEY ub (b))",
		"INSERT INTO t VALUES (1, 1, 'x'), (2, 2, 'y'), (3, 2, NULL), (4, NULL, NULL)",
		"CREATE TABLE e (id INT PRIMARY KEY)",
		"CREATE TABLE kl (a INT, b INT, KEY (b))",
		"INSERT INTO kl VALUES (1, 1), (1, 1), (2, NULL)",
		"CREATE TABLE t2 LIKE t",
		"INSERT INTO t2 SELECT * FROM t")
	for _, c := range []struct{ q, want string }{
		{"CHECK TABLE t", "app.t|check|status|OK"},
		{"check table t, e, kl, nope", "app.t|check|status|OK,app.e|check|status|OK,app.kl|check|status|OK," +
			"app.nope|check|Error|Table 'app.nope' doesn't exist,app.nope|check|status|Operation failed"},
		{"CHECK TABLE `app`.`t` QUICK", "app.t|check|status|OK"},
		{"CHECK TABLES app.t EXTENDED;", "app.t|check|status|OK"},
		{"CHECK TABLE t FOR UPGRADE", "app.t|check|status|OK"},
		{"CHECK TABLE dsql_log", "app.dsql_log|check|note|The storage engine for the table doesn't support check"},
		{"ANALYZE TABLE t, e, kl", "app.t|analyze|status|OK,app.e|analyze|status|OK,app.kl|analyze|status|OK"},
		{"OPTIMIZE TABLE t", "app.t|optimize|status|Table is already up to date"},
		{"OPTIMIZE NO_WRITE_TO_BINLOG TABLE t, nope", "app.t|optimize|status|Table is already up to date," +
			"app.nope|optimize|Error|Table 'app.nope' doesn't exist,app.nope|optimize|status|Operation failed"},
		{"REPAIR LOCAL TABLE t QUICK", "app.t|repair|note|The storage engine for the table doesn't support repair"},
		{"CHECKSUM TABLE e, nope", "app.e|0,app.nope|NULL"},
	} {
		if got := strings.Join(queryRows(t, db, c.q), ","); got != c.want {
			t.Errorf("%s = %q, want %q", c.q, got, c.want)
		}
	}
	// CHECKSUM: equal for equal rows, different once a row differs, and stable.
	sum := func(table string) string {
		rows := queryRows(t, db, "CHECKSUM TABLE "+table)
		if len(rows) != 1 {
			t.Fatalf("CHECKSUM TABLE %s: %v", table, rows)
		}
		v := rows[0][strings.Index(rows[0], "|")+1:]
		if v == "0" || v == "NULL" {
			t.Fatalf("CHECKSUM TABLE %s = %s", table, v)
		}
		return v
	}
	a, b := sum("t"), sum("t2")
	if a != b {
		t.Errorf("equal tables: checksums %s and %s", a, b)
	}
	mustExec(t, db, "UPDATE t2 SET b = 'z' WHERE id = 2")
	if c := sum("t2"); c == a {
		t.Errorf("changed row: checksum still %s", c)
	}
	mustExec(t, db, "UPDATE t2 SET b = 'y' WHERE id = 2")
	if c := sum("t2"); c != a {
		t.Errorf("row changed back: checksum %s, want %s", c, a)
	}
	// A malformed statement: 1064 naming where it went wrong and the statement's form;
	// nothing runs.
	for _, c := range []struct{ q, near string }{
		{"CHECK TABLE", "the end of the statement"},
		{"CHECK TABLE t bogus", "bogus"},
		{"CHECK TABLE t,", "the end of the statement"},
		{"CHECKSUM TABLES t FAST", "FAST"},
		{"REPAIR TABLE 't'", "REPAIR TABLE 't'"}, // a string: the whole statement
		{"OPTIMIZE t", "t"},
	} {
		_, err := db.Exec(c.q)
		if mysqlErrno(err) != 1064 || !strings.Contains(err.Error(), "near '"+c.near+"'") || !strings.Contains(err.Error(), "; write ") {
			t.Errorf("%s: %v, want 1064 near %q with the form", c.q, err, c.near)
		}
	}
	// ANALYZE's other forms stay GMS's.
	if _, err := db.Exec("ANALYZE TABLE t DROP HISTOGRAM ON a"); err != nil {
		t.Errorf("ANALYZE TABLE ... DROP HISTOGRAM: %v", err)
	}
	// No database: 1046 for an unqualified name.
	nodb := connect(t, s, "root", "", "")
	if _, err := nodb.Exec("CHECK TABLE t"); mysqlErrno(err) != 1046 {
		t.Errorf("CHECK TABLE without a database: %v, want 1046", err)
	}
	// Several statements in one query (the mysql client's way).
	mdb := connectMulti(t, s)
	rows, err := mdb.Query("CHECK TABLE app.t; SELECT 7")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			got = append(got, vals[len(vals)-1].String)
		}
		if !rows.NextResultSet() {
			break
		}
	}
	rows.Close()
	if strings.Join(got, ",") != "OK,7" {
		t.Errorf("multi-statement query: %v, want [OK 7]", got)
	}
	// A user without SELECT on the table gets 1142.
	mustExec(t, db, "CREATE USER 'u'@'%' IDENTIFIED BY 'pw'", "GRANT SELECT ON app.e TO 'u'@'%'")
	udb := connect(t, s, "u", "pw", "app")
	if _, err := udb.Exec("CHECK TABLE t"); mysqlErrno(err) != 1142 {
		t.Errorf("CHECK TABLE without the privilege: %v, want 1142", err)
	}
	if got := strings.Join(queryRows(t, udb, "CHECK TABLE e"), ","); got != "app.e|check|status|OK" {
		t.Errorf("CHECK TABLE with the privilege: %q", got)
	}
}

// TestCheckTableFindsDamage: CHECK TABLE reports an index that lost an entry (written
// behind the server's back), QUICK by the counts, the full check naming the row.
func TestCheckTableFindsDamage(t *testing.T) {
	dir := t.TempDir()
	appDir := filepath.Join(dir, "app")
	initRepo(t, appDir)
	s, _ := startServer(t, testConfig(dir))
	db := connect(t, s, "root", "", "app")
	mustExec(t, db,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, KEY ka (a))",
		"INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)")
	db.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Drop one entry of index ka in the working set, as a bug or a bad disk might.
	ctx := context.Background()
	st, err := pebblestore.Open(filepath.Join(appDir, ".dsql"), pebblestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := repo.Open(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := r.WorkingSet(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	root := ws.Working()
	tbl, ok, err := root.Table(ctx, "t")
	if err != nil || !ok {
		t.Fatalf("table t: %v %v", ok, err)
	}
	ix, ok := tbl.Index("ka")
	if !ok {
		t.Fatalf("no index ka: %v", tbl.Indexes())
	}
	it, err := ix.Iter(ctx, prolly.All)
	if err != nil {
		t.Fatal(err)
	}
	k, _, err := it.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ed := ix.Edit()
	ed.Delete(k)
	ix2, err := ed.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tbl, err = tbl.WithIndex(ctx, "ka", ix2); err != nil {
		t.Fatal(err)
	}
	if root, err = root.PutTable(ctx, tbl); err != nil {
		t.Fatal(err)
	}
	if err := r.UpdateWorkingSet(ctx, "main", ws, ws.WithWorking(root)); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	s, _ = startServer(t, testConfig(dir))
	db = connect(t, s, "root", "", "app")
	quick := queryRows(t, db, "CHECK TABLE t QUICK")
	if len(quick) != 2 || !strings.Contains(quick[0], "index ka: 2 entries for 3 rows") || quick[1] != "app.t|check|error|Corrupt" {
		t.Errorf("CHECK TABLE t QUICK = %q", quick)
	}
	full := queryRows(t, db, "CHECK TABLE t")
	if len(full) != 3 || !strings.Contains(full[0], "index ka: 2 entries for 3 rows") ||
		!strings.HasPrefix(full[1], `app.t|check|error|table "t" index "ka": row entry `) || !strings.HasSuffix(full[1], " is missing") ||
		full[2] != "app.t|check|error|Corrupt" {
		t.Errorf("CHECK TABLE t = %q", full)
	}
}

// TestAnalyzeEmptyTable: ANALYZE TABLE of a table without rows (new, or emptied after an
// analysis) is status OK; GMS's statistics panicked on it (analyze.go).
func TestAnalyzeEmptyTable(t *testing.T) {
	dir := t.TempDir()
	initRepo(t, filepath.Join(dir, "app"))
	s, _ := startServer(t, testConfig(dir))
	db := connect(t, s, "root", "", "app")
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE TABLE e (id INT PRIMARY KEY, a INT, KEY (a))", "CREATE TABLE f (id INT PRIMARY KEY, a INT, KEY (a))",
		"INSERT INTO f VALUES (1, 1), (2, 2)")
	for _, q := range []string{"ANALYZE TABLE e", "ANALYZE TABLE f", "DELETE FROM f", "ANALYZE TABLE f"} {
		if strings.HasPrefix(q, "ANALYZE") {
			rows := queryRows(t, db, q)
			if len(rows) != 1 || !strings.HasSuffix(rows[0], "|analyze|status|OK") {
				t.Errorf("%s = %q", q, rows)
			}
			continue
		}
		mustExec(t, db, q)
	}
	wantRows(t, db, "SELECT COUNT(*) FROM f WHERE a = 1", "0")
}
