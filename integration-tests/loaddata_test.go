package integration

import (
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// ldCase is one LOAD DATA statement run against a fresh table holding one row (id 100),
// in dsql and in MariaDB: both must fail or both succeed, leaving the same rows.
type ldCase struct {
	name string
	ddl  string // "" = ldTable
	file string
	stmt string // %s is the file's path, %t the LOCAL keyword or ""
	// query reads the table after the statement ("" = SELECT * FROM t ORDER BY id).
	query string
	// mysql8, when set, is the one known difference: dsql's rows are MariaDB's with
	// mysql8[0] replaced by mysql8[1] (dsql follows MySQL 8 where MariaDB differs).
	mysql8 [2]string
}

const ldTable = "CREATE TABLE t (id INT PRIMARY KEY, n INT, s VARCHAR(20), d DATE)"

var ldCases = []ldCase{
	{name: "tsv defaults", file: "1\t10\tab\t2024-01-02\n2\t\\N\tx\\ty\\\\z\t\\N\n3\t30\ttab\\\tin\t2024-02-29\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "csv enclosed, header", file: "id,n,s,d\n1,10,\"a,b\",2024-01-02\n2,20,\"q\\\"q\",\\N\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' ENCLOSED BY '\"' IGNORE 1 LINES"},
	{name: "doubled enclosure", file: "1,10,\"say \"\"hi\"\"\",2024-01-03\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' ENCLOSED BY '\"'"},
	{name: "csv optionally enclosed, crlf", file: "1,10,plain,2024-01-02\r\n2,\"20\",\"quoted\",2024-01-03\r\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\\r\\n'"},
	{name: "no escapes", file: "1|10|back\\slash|2024-01-02\n2|20|\\N|2024-01-03\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY '|' ESCAPED BY ''"},
	{name: "other escape char", file: "1;10;x^;y;2024-01-02\n2;20;^N;2024-01-03\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ';' ESCAPED BY '^'"},
	{name: "column list", file: "1,one\n2,two\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' (id, s)"},
	{name: "user variable and SET", file: "1,5,one\n2,6,two\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' (id, @x, s) SET n = @x * 2, d = '2020-01-01'"},
	{name: "lines starting by", file: "xx1,10,a,2024-01-02\njunk\nxx2,20,b,2024-01-03\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' LINES STARTING BY 'xx'"},
	{name: "custom line terminator", file: "1,10,a,2024-01-02;;2,20,b,2024-01-03;;",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' LINES TERMINATED BY ';;'"},
	{name: "ignore 2 lines", file: "h1\nh2\n1\t10\ta\t2024-01-02\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t IGNORE 2 LINES"},
	{name: "no final newline", file: "1\t10\ta\t2024-01-02\n2\t20\tb\t2024-01-03",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "empty file", file: "", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "duplicate key fails", file: "1\t10\ta\t2024-01-02\n100\t20\tb\t2024-01-03\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "duplicate key in file fails", file: "1\t10\ta\t2024-01-02\n1\t20\tb\t2024-01-03\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "ignore duplicates", file: "1\t10\ta\t2024-01-02\n100\t20\tb\t2024-01-03\n1\t30\tc\t2024-01-04\n",
		stmt: "LOAD DATA %t INFILE '%s' IGNORE INTO TABLE t"},
	{name: "replace duplicates", file: "1\t10\ta\t2024-01-02\n100\t20\tb\t2024-01-03\n1\t30\tc\t2024-01-04\n",
		stmt: "LOAD DATA %t INFILE '%s' REPLACE INTO TABLE t"},
	{name: "bad integer fails", file: "1\t10\ta\t2024-01-02\n2\tzz\tb\t2024-01-03\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "bad date fails", file: "1\t10\ta\t2024-02-30\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "too long string fails", file: "1\t10\tabcdefghijklmnopqrstuvwxyz\t2024-01-02\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "not null violated fails", ddl: "CREATE TABLE t (id INT PRIMARY KEY, n INT NOT NULL, s VARCHAR(20), d DATE)",
		file: "1\t\\N\ta\t2024-01-02\n", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "auto increment", ddl: "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, n INT, s VARCHAR(20), d DATE)",
		file: "10,a\n20,b\n", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' (n, s)"},
	{name: "secondary unique index", ddl: "CREATE TABLE t (id INT PRIMARY KEY, n INT, s VARCHAR(20), d DATE, UNIQUE KEY un (n))",
		file: "1\t10\ta\t2024-01-02\n2\t10\tb\t2024-01-03\n", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "too few fields", file: "1\t10\n", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "too many fields", file: "1\t10\ta\t2024-01-02\textra\n", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "empty numeric field", file: "1\t\ta\t2024-01-02\n", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "NULL word", file: "1,NULL,NULL,NULL\n2,\"NULL\",\"NULL\",\\N\n",
		stmt:  "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"'",
		query: "SELECT id, n, s IS NULL, s, d FROM t ORDER BY id"},
	{name: "default of absent column", ddl: "CREATE TABLE t (id INT PRIMARY KEY, n INT DEFAULT 42, s VARCHAR(20) NOT NULL DEFAULT 'dflt', d DATE)",
		file: "1,2024-01-02\n2,\\N\n", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' (id, d)"},
	{name: "column order differs", file: "x,1\ny,2\n", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' (s, id)"},
	{name: "decimal and datetime", ddl: "CREATE TABLE t (id INT PRIMARY KEY, n DECIMAL(6,2), s VARCHAR(20), d DATETIME(3))",
		file: "1\t1.005\ta\t2024-01-02 03:04:05.6789\n2\t-0.5\tb\t2024-01-02\n", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t",
		mysql8: [2]string{"05.678", "05.679"}}, // MariaDB truncates extra fractional seconds; MySQL 8 rounds them
	{name: "trigger on table", ddl: "CREATE TABLE t (id INT PRIMARY KEY, n INT, s VARCHAR(20), d DATE); CREATE TRIGGER tt BEFORE INSERT ON t FOR EACH ROW SET NEW.n = NEW.n + 1000",
		file: "1\t10\ta\t2024-01-02\n", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "unicode", file: "1\t10\tgrüße 日本\t2024-01-02\n", stmt: "LOAD DATA %t INFILE '%s' CHARACTER SET utf8mb4 INTO TABLE t"},

	// MySQL's field and line rules, case by case.
	{name: "enclosed NULL is a string", file: "1,\"NULL\",NULL,\\N\n2,NULL,\"NULL\",\"\\N\"\n",
		stmt:  "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' ENCLOSED BY '\"' (id, s, @v, d) SET n = (@v IS NULL)",
		query: "SELECT id, n, s IS NULL, s, d IS NULL FROM t ORDER BY id"},
	{name: "NULL word without enclosure is a string", file: "1\tNULL\tNULL\t\\N\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t (id, s, @v, d) SET n = (@v IS NULL)", query: "SELECT id, n, s IS NULL, s, d FROM t ORDER BY id"},
	{name: "doubled enclosure, enclosure is the escape", file: "1,\"a \"\"b\"\" c\",x\"\"y\n2,\"\"\"\",\"\"\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' ENCLOSED BY '\"' ESCAPED BY '\"' (id, s, @v) SET d = NULL, n = LENGTH(@v)"},
	{name: "enclosure character inside a field", file: "1,\"a\"b\",ab\"c\n2,\"x\"\n",
		stmt: "LOAD DATA %t INFILE '%s' IGNORE INTO TABLE t FIELDS TERMINATED BY ',' ENCLOSED BY '\"' (id, s, @v) SET n = LENGTH(@v)"},
	{name: "line terminator inside an enclosed field", ddl: "CREATE TABLE t (id INT PRIMARY KEY, n INT, s TEXT, d DATE)",
		file: "1,\"two\nlines\",2024-01-02\n2,\"a,b\",\\N\n", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' ENCLOSED BY '\"' (id, s, d)",
		query: "SELECT id, REPLACE(s, '\\n', '|'), d FROM t ORDER BY id"},
	{name: "escaped terminators", file: "1,a\\,b\\\nc,2024-01-02\n2,\\\\,\\N\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' (id, s, d)", query: "SELECT id, REPLACE(s, '\\n', '|'), d FROM t ORDER BY id"},
	{name: "escaped by nothing, enclosed", file: "1|\"a\\tb\"|\\N\n2|\"q\"\"q\"|x\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY '|' ENCLOSED BY '\"' ESCAPED BY '' (id, s, @v) SET n = LENGTH(@v)"},
	{name: "lines starting by, prefix mid-line", file: "junk xx1,10,a,2024-01-02\nno prefix here\nxx2,20,b,2024-01-03\ntrailing junk",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' LINES STARTING BY 'xx'"},
	{name: "lines starting by with ignore lines", file: "header\n>1,10,a,2024-01-02\n>2,20,b,2024-01-03\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' LINES STARTING BY '>' IGNORE 1 LINES"},
	{name: "multi-character terminators", file: "1::10::a:b::2024-01-02##\n2::20::::\\N##\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY '::' LINES TERMINATED BY '##\\n'"},
	{name: "ignore lines with crlf", file: "h1\r\nh2\r\n1,10,a,2024-01-02\r\n2,20,b,2024-01-03\r\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\r\\n' IGNORE 2 LINES"},
	{name: "crlf read with lf lines", file: "1\t10\tab\r\n2\t20\tcd\r\n",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t (id, n, s)", query: "SELECT id, n, HEX(s) FROM t ORDER BY id"},
	{name: "empty trailing field", file: "1\t10\t2024-01-02\t\n2\t20\t2024-01-03\t",
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t (id, n, d, s)", query: "SELECT id, n, d, s IS NULL, LENGTH(s) FROM t ORDER BY id"},
	{name: "too few fields with defaults", ddl: "CREATE TABLE t (id INT PRIMARY KEY, n INT NOT NULL DEFAULT 42, s VARCHAR(20) DEFAULT 'dflt', d DATE)",
		file: "1\n2\t5\n", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "empty line", file: "1\t10\ta\t2024-01-02\n\n2\t20\tb\t2024-01-03\n", stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t"},
	{name: "long lines", ddl: "CREATE TABLE t (id INT PRIMARY KEY, n INT, s LONGTEXT, d DATE)",
		file: "1\t1\t" + strings.Repeat("abcdefghij", 3000) + "\t2024-01-02\n2\t2\t" + strings.Repeat("x\\ty", 5000) + "\t\\N\n", // dsql stores rows of up to 64 KiB
		stmt: "LOAD DATA %t INFILE '%s' INTO TABLE t", query: "SELECT id, n, LENGTH(s), LEFT(s, 12), RIGHT(s, 12), d FROM t ORDER BY id"},
	{name: "unterminated enclosure", file: "1,\"abc\n2,def\n",
		stmt: "LOAD DATA %t INFILE '%s' IGNORE INTO TABLE t FIELDS TERMINATED BY ',' ENCLOSED BY '\"' (id, s)"},
	{name: "too many fields with ignore", file: "1\t10\ta\t2024-01-02\textra\tmore\n2\t20\tb\t2024-01-03\n",
		stmt: "LOAD DATA %t INFILE '%s' IGNORE INTO TABLE t"},
}

// TestLoadDataLikeMariaDB runs every ldCase, with and without LOCAL, into the table with
// one row and into the empty table (where a plain LOAD DATA takes sql/dataio's bulk
// path), through the mysql CLI against dsql and against a private MariaDB: same success
// or failure, same rows after (a failed statement leaves the table as it was).
func TestLoadDataLikeMariaDB(t *testing.T) {
	itNeed(t, "mysql", "mariadb-client")
	mport := ccStartMariaDB(t)
	dir := itNewRepo(t, "ld")
	s := itStart(t, dir)
	files := t.TempDir()
	if _, err := ccMySQL(mport, nil, "-e", "CREATE DATABASE ld"); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		failed bool
		out    string
		rows   string
	}
	run := func(port int, c ldCase, local, empty bool, path string) answer {
		ddl := c.ddl
		if ddl == "" {
			ddl = ldTable
		}
		setup := "DROP TABLE IF EXISTS t; " + ddl
		if !empty {
			setup += "; INSERT INTO t (id, n, s) VALUES (100, 1, 'pre')"
		}
		if out, err := ccMySQL(port, nil, "-D", "ld", "-e", setup); err != nil {
			t.Fatalf("%s: setup on port %d: %v\n%s", c.name, port, err, out)
		}
		kw := ""
		if local {
			kw = "LOCAL"
		}
		stmt := strings.ReplaceAll(strings.ReplaceAll(c.stmt, "%t", kw), "%s", path)
		out, err := ccMySQL(port, nil, "--local-infile=1", "-D", "ld", "-e", stmt)
		q := c.query
		if q == "" {
			q = "SELECT * FROM t ORDER BY id"
		}
		rows, rerr := ccMySQL(port, nil, "-D", "ld", "-e", q)
		if rerr != nil {
			t.Fatalf("%s: select on port %d: %v\n%s", c.name, port, rerr, rows)
		}
		return answer{failed: err != nil, out: out, rows: rows}
	}
	for i, c := range ldCases {
		path := filepath.Join(files, fmt.Sprintf("case%d.txt", i))
		if err := os.WriteFile(path, []byte(c.file), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, v := range []struct{ local, empty bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
			local := v.local
			name := c.name
			if local {
				name += " (LOCAL)"
			}
			if v.empty {
				name += " (empty table: bulk path)"
			}
			want := run(mport, c, local, v.empty, path)
			got := run(s.port, c, local, v.empty, path)
			if got.failed != want.failed {
				t.Errorf("%s: dsql failed=%v (%s), MariaDB failed=%v (%s)", name, got.failed, strings.TrimSpace(got.out), want.failed, strings.TrimSpace(want.out))
			}
			if c.mysql8[0] != "" {
				want.rows = strings.ReplaceAll(want.rows, c.mysql8[0], c.mysql8[1])
			}
			if got.rows != want.rows {
				t.Errorf("%s: rows differ\ndsql:\n%s\nMariaDB:\n%s", name, got.rows, want.rows)
			}
		}
	}
	s.stop()
}

// TestLoadDataGoDriver loads files with go-sql-driver/mysql: LOCAL with allowAllFiles and
// with a registered reader, and a bad row that fails the statement and changes nothing,
// inside and outside an explicit transaction.
func TestLoadDataGoDriver(t *testing.T) {
	dir := itNewRepo(t, "ldgo")
	s := itStart(t, dir)
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/ldgo?allowAllFiles=true", s.port))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	itExec(t, db, "CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(20), score DOUBLE)")
	path := filepath.Join(t.TempDir(), "p.csv")
	if err := os.WriteFile(path, []byte("id,name,score\n1,Ada,9.5\n2,\"Grace, H\",8.25\n3,Edsger,\\N\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(fmt.Sprintf("LOAD DATA LOCAL INFILE '%s' INTO TABLE p FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' IGNORE 1 LINES", path))
	if err != nil {
		t.Fatalf("LOAD DATA LOCAL: %v", err)
	}
	if n, _ := res.RowsAffected(); n != 3 {
		t.Errorf("rows affected %d, want 3", n)
	}
	ldWant(t, db, "1|Ada|9.5 2|Grace, H|8.25 3|Edsger|NULL")

	// A registered reader (Reader::name).
	mysql.RegisterReaderHandler("more", func() io.Reader {
		return strings.NewReader("4\tBarbara\t7\n5\tDonald\t6.5\n")
	})
	defer mysql.DeregisterReaderHandler("more")
	if _, err := db.Exec("LOAD DATA LOCAL INFILE 'Reader::more' INTO TABLE p"); err != nil {
		t.Fatalf("LOAD DATA LOCAL from a reader: %v", err)
	}
	ldWant(t, db, "1|Ada|9.5 2|Grace, H|8.25 3|Edsger|NULL 4|Barbara|7 5|Donald|6.5")

	// A bad row in the middle of a server-side file: the statement fails, nothing changes.
	var big bytes.Buffer
	for i := 10; i < 5010; i++ {
		if i == 4000 {
			fmt.Fprintf(&big, "%d\tbad\tnot-a-number\n", i)
			continue
		}
		fmt.Fprintf(&big, "%d\tn%d\t%d.5\n", i, i, i)
	}
	bad := filepath.Join(t.TempDir(), "bad.tsv")
	if err := os.WriteFile(bad, big.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf("LOAD DATA INFILE '%s' INTO TABLE p", bad)); err == nil {
		t.Fatal("LOAD DATA of a file with a bad row succeeded")
	}
	ldWant(t, db, "1|Ada|9.5 2|Grace, H|8.25 3|Edsger|NULL 4|Barbara|7 5|Donald|6.5")

	// Inside a transaction: the failed statement is undone, the earlier one kept.
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{"BEGIN", "INSERT INTO p VALUES (6, 'Alan', 5)"} {
		if _, err := conn.ExecContext(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.ExecContext(t.Context(), fmt.Sprintf("LOAD DATA INFILE '%s' INTO TABLE p", bad)); err == nil {
		t.Fatal("LOAD DATA of a file with a bad row succeeded in a transaction")
	}
	if _, err := conn.ExecContext(t.Context(), "COMMIT"); err != nil {
		t.Fatal(err)
	}
	ldWant(t, db, "1|Ada|9.5 2|Grace, H|8.25 3|Edsger|NULL 4|Barbara|7 5|Donald|6.5 6|Alan|5")

	// The same file without the bad row loads whole.
	good := bytes.ReplaceAll(big.Bytes(), []byte("4000\tbad\tnot-a-number\n"), nil)
	if err := os.WriteFile(bad, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf("LOAD DATA INFILE '%s' INTO TABLE p", bad)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM p").Scan(&n); err != nil || n != 6+4999 {
		t.Fatalf("count after load: %d, %v", n, err)
	}
	s.stop()

	// dsql sql (embedded): LOCAL reads the file where dsql runs.
	emb := itNewRepo(t, "ldemb")
	itRun(t, emb, "sql", "-q", "CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(20), score DOUBLE)")
	itRun(t, emb, "sql", "-q", fmt.Sprintf("LOAD DATA LOCAL INFILE '%s' INTO TABLE p FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' IGNORE 1 LINES", path))
	if out := itRun(t, emb, "sql", "-r", "csv", "-q", "SELECT * FROM p ORDER BY id"); out != "id,name,score\n1,Ada,9.5\n2,\"Grace, H\",8.25\n3,Edsger,\n" {
		t.Fatalf("dsql sql after LOAD DATA LOCAL: %q", out)
	}
}

func ldWant(t *testing.T, db *sql.DB, want string) {
	t.Helper()
	rows, err := db.Query("SELECT id, name, score FROM p ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id int
		var name string
		var score sql.NullString
		if err := rows.Scan(&id, &name, &score); err != nil {
			t.Fatal(err)
		}
		sc := "NULL"
		if score.Valid {
			sc = score.String
		}
		got = append(got, fmt.Sprintf("%d|%s|%s", id, name, sc))
	}
	if g := strings.Join(got, " "); g != want {
		t.Fatalf("rows:\n got %s\nwant %s", g, want)
	}
}
