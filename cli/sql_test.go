package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newRepo makes a repository named name in a temporary directory and returns its path.
func newRepo(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := runInit(context.Background(), initOptions{dir: dir, name: "Test", email: "t@example.com"}, io.Discard); err != nil {
		t.Fatalf("init: %v", err)
	}
	return dir
}

// sqlIn runs dsql sql in dir with opts (format tabular unless set) and stdin, returning
// stdout, stderr and the error.
func sqlIn(t *testing.T, dir string, opts sqlOptions, stdin string) (string, string, error) {
	t.Helper()
	opts.dir = dir
	if opts.format == "" {
		opts.format = formatTabular
	}
	if opts.isTerminal == nil {
		opts.isTerminal = func(io.Reader) bool { return false }
	}
	var out, errOut bytes.Buffer
	err := runSQL(context.Background(), opts, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func mustSQL(t *testing.T, dir, query string) {
	t.Helper()
	if _, stderr, err := sqlIn(t, dir, sqlOptions{query: query}, ""); err != nil {
		t.Fatalf("dsql sql -q %q: %v\n%s", query, err, stderr)
	}
}

const fruitSetup = `CREATE TABLE fruit (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(5,2), note TEXT);
INSERT INTO fruit VALUES (1, 'apple', 0.5, NULL), (2, 'pear', 12.25, 'has "quotes", commas');
INSERT INTO fruit VALUES (10, 'fig', 3, 'x')`

func TestSQLResultFormats(t *testing.T) {
	dir := newRepo(t, "shop")
	mustSQL(t, dir, fruitSetup)
	const q = "SELECT id, name, price, note FROM fruit ORDER BY id"
	tests := []struct {
		format string
		want   string
	}{
		{formatTabular, `+----+-------+-------+----------------------+
| id | name  | price | note                 |
+----+-------+-------+----------------------+
|  1 | apple |  0.50 | NULL                 |
|  2 | pear  | 12.25 | has "quotes", commas |
| 10 | fig   |  3.00 | x                    |
+----+-------+-------+----------------------+
`},
		{formatCSV, `id,name,price,note
1,apple,0.50,
2,pear,12.25,"has ""quotes"", commas"
10,fig,3.00,x
`},
		{formatJSON, `{"rows": [{"id": 1, "name": "apple", "price": 0.50, "note": null}, ` +
			`{"id": 2, "name": "pear", "price": 12.25, "note": "has \"quotes\", commas"}, ` +
			`{"id": 10, "name": "fig", "price": 3.00, "note": "x"}]}
`},
		{formatVertical, `*************************** 1. row ***************************
   id: 1
 name: apple
price: 0.50
 note: NULL
*************************** 2. row ***************************
   id: 2
 name: pear
price: 12.25
 note: has "quotes", commas
*************************** 3. row ***************************
   id: 10
 name: fig
price: 3.00
 note: x
`},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			out, stderr, err := sqlIn(t, dir, sqlOptions{query: q, format: tt.format}, "")
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			if out != tt.want {
				t.Errorf("-r %s printed\n%s\nwant\n%s", tt.format, out, tt.want)
			}
		})
	}
}

// TestSQLSeveralStatements: -q runs every statement; statements without a result set
// print nothing; USE switches databases; the current database starts as the repository
// of the directory.
func TestSQLSeveralStatements(t *testing.T) {
	dir := newRepo(t, "main_db")
	out, stderr, err := sqlIn(t, dir, sqlOptions{format: formatCSV, query: `
		SELECT DATABASE() AS db;
		CREATE DATABASE other; USE other;
		CREATE TABLE t (a INT PRIMARY KEY); INSERT INTO t VALUES (1), (2);
		SELECT DATABASE() AS db, COUNT(*) AS n FROM t;
		USE main_db; SELECT DATABASE() AS db`}, "")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	want := "db\nmain_db\ndb,n\nother,2\ndb\nmain_db\n"
	if out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	// other is a repository of its own under the data directory, and stays one.
	out, _, err = sqlIn(t, dir, sqlOptions{format: formatCSV, query: "SELECT a FROM other.t ORDER BY a"}, "")
	if err != nil || out != "a\n1\n2\n" {
		t.Errorf("reading other.t in a new run: %q, %v", out, err)
	}
}

// TestSQLSelectLimit: dsql sql applies @@sql_select_limit as the server does, to
// top-level SELECTs (simple ones included) and not to a derived table.
func TestSQLSelectLimit(t *testing.T) {
	dir := newRepo(t, "limited")
	out, stderr, err := sqlIn(t, dir, sqlOptions{format: formatCSV, query: `
		CREATE TABLE t (a INT PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3);
		SET sql_select_limit = 2;
		SELECT a FROM t; SELECT a FROM t ORDER BY a DESC; SELECT COUNT(*) AS n FROM (SELECT a FROM t) d;
		SELECT a FROM t LIMIT 3;
		SET sql_select_limit = DEFAULT; SELECT a FROM t`}, "")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	want := "a\n1\n2\na\n3\n2\nn\n3\na\n1\n2\n3\na\n1\n2\n3\n"
	if out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
}

// TestSQLFloatFormat: dsql sql prints FLOAT and DOUBLE as MySQL does (1234567, not
// 1.234567e+06; a FLOAT with 6 significant digits), as the server sends them.
func TestSQLFloatFormat(t *testing.T) {
	dir := newRepo(t, "floats")
	out, stderr, err := sqlIn(t, dir, sqlOptions{format: formatCSV, query: `
		CREATE TABLE f (id INT PRIMARY KEY, x FLOAT, d DOUBLE);
		INSERT INTO f VALUES (1, 1234567, 1234567), (2, 1.5e-7, 1e-16);
		SELECT x, d, d * 10 AS e FROM f ORDER BY id`}, "")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if want := "x,d,e\n1234570,1234567,12345670\n0.00000015,1e-16,0.000000000000001\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
}

// TestSQLLiteralCollation: string literals in dsql sql have MySQL 8's own client's
// collation, utf8mb4_0900_ai_ci, as the server gives a client its handshake's; CHECK
// TABLE runs as through the server.
func TestSQLLiteralCollation(t *testing.T) {
	dir := newRepo(t, "lits")
	out, stderr, err := sqlIn(t, dir, sqlOptions{format: formatCSV, query: `
		CREATE TABLE t (id INT PRIMARY KEY, a INT, KEY (a));
		INSERT INTO t VALUES (1, 2);
		SELECT @@collation_connection AS c, 'a' = 'A' AS eq, 'a' = 'a ' AS pad;
		CHECK TABLE t`}, "")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if want := "c,eq,pad\nutf8mb4_0900_ai_ci,1,0\nTable,Op,Msg_type,Msg_text\nlits.t,check,status,OK\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
}

func TestSQLStatementsFromStdin(t *testing.T) {
	dir := newRepo(t, "piped")
	script := fruitSetup + ";\n-- a comment; with a semicolon\nSELECT name FROM fruit WHERE id > 1 ORDER BY id;\n"
	out, stderr, err := sqlIn(t, dir, sqlOptions{format: formatCSV}, script)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if want := "name\npear\nfig\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
}

// TestSQLErrorStopsTheScript: the first failing statement ends the run with its error;
// the statements before it took effect, the ones after it did not run.
func TestSQLErrorStopsTheScript(t *testing.T) {
	dir := newRepo(t, "errs")
	_, _, err := sqlIn(t, dir, sqlOptions{query: `CREATE TABLE t (a INT PRIMARY KEY);
		INSERT INTO t VALUES (1); INSERT INTO nope VALUES (1); INSERT INTO t VALUES (2)`}, "")
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v, want an error naming table nope", err)
	}
	out, _, err := sqlIn(t, dir, sqlOptions{format: formatCSV, query: "SELECT a FROM t"}, "")
	if err != nil || out != "a\n1\n" {
		t.Errorf("after the failed script: %q, %v; want only row 1", out, err)
	}
}

func TestSQLBadFormatIsUsageError(t *testing.T) {
	_, _, err := sqlIn(t, t.TempDir(), sqlOptions{query: "SELECT 1", format: "xml"}, "")
	var uerr *usageError
	if err == nil || !asUsage(err, &uerr) {
		t.Fatalf("err = %v, want a usage error", err)
	}
}

func asUsage(err error, target **usageError) bool {
	u, ok := err.(*usageError)
	if ok {
		*target = u
	}
	return ok
}

// TestSQLShell drives the interactive shell with piped input standing in for a terminal:
// statements over several lines, \G, an error that does not end the shell, exit.
func TestSQLShell(t *testing.T) {
	dir := newRepo(t, "shell")
	history := filepath.Join(t.TempDir(), "history")
	input := "CREATE TABLE t (a INT PRIMARY KEY);\nINSERT INTO t\n  VALUES (1), (2);\nSELECT * FROM nope;\nSELECT a FROM t ORDER BY a\\G\nexit\n"
	out, stderr, err := sqlIn(t, dir, sqlOptions{
		isTerminal:  func(io.Reader) bool { return true },
		historyFile: history,
	}, input)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for _, want := range []string{
		"Query OK, 0 rows affected",
		"Query OK, 2 rows affected",
		"*************************** 2. row ***************************\na: 2\n",
		"2 rows in set",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("shell output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, "dsql: table not found: nope") {
		t.Errorf("shell stderr = %q, want the error of the failing statement", stderr)
	}
	h, err := os.ReadFile(history)
	if err != nil || !strings.Contains(string(h), "INSERT INTO t   VALUES (1), (2);") {
		t.Errorf("history file = %q, %v; want whole statements", h, err)
	}
}

// TestMainSQLErrorExitCode runs the whole path from arguments to exit code in a
// repository directory. Not parallel: it changes the working directory.
func TestMainSQLErrorExitCode(t *testing.T) {
	dir := newRepo(t, "exitcodes")
	t.Chdir(dir)
	code, stdout, stderr := runMain(t, "sql", "-r", "csv", "-q", "SELECT DATABASE() AS db")
	if code != ExitOK || stdout != "db\nexitcodes\n" || stderr != "" {
		t.Errorf("dsql sql -q: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = runMain(t, "sql", "-q", "SELECT * FROM missing")
	if code != ExitError || stdout != "" || !strings.HasPrefix(stderr, "dsql: ") || !strings.Contains(stderr, "missing") {
		t.Errorf("failing statement: exit %d, stdout %q, stderr %q; want exit 1 and a dsql: line", code, stdout, stderr)
	}
	code, _, stderr = runMain(t, "sql", "-r", "xml", "-q", "SELECT 1")
	if code != ExitUsage || !strings.Contains(stderr, "invalid result format") {
		t.Errorf("bad -r: exit %d, stderr %q", code, stderr)
	}
}

// TestSQLScriptsBehaveAsOnTheServer: dsql sql treats MariaDB's /*M!...*/ comments as
// comments and keeps a transaction open across a view read, as the server does.
func TestSQLScriptsBehaveAsOnTheServer(t *testing.T) {
	dir := newRepo(t, "scripts")
	out, stderr, err := sqlIn(t, dir, sqlOptions{format: formatCSV, query: `
		/*M!999999\- enable the sandbox mode */ CREATE TABLE t (id INT PRIMARY KEY);
		CREATE VIEW v AS SELECT * FROM t;
		BEGIN; INSERT INTO t VALUES (1); SELECT COUNT(*) AS n FROM v; ROLLBACK;
		SELECT COUNT(*) AS n FROM t`}, "")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if want := "n\n1\nn\n0\n"; out != want {
		t.Errorf("printed %q, want %q (the view read must not commit the transaction)", out, want)
	}
}
