package server

import (
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

func TestNeutralizeMariaDBComments(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{`/*M!999999\- enable the sandbox mode */`, `/*  999999\- enable the sandbox mode */`},
		{"/*M!100616 SET @OLD_NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0 */;",
			"/*  100616 SET @OLD_NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0 */;"},
		{"SELECT 1 /*M!100000 + 1 */ + 2 /*M!+3*/", "SELECT 1 /*  100000 + 1 */ + 2 /*  +3*/"},
		// MySQL's own executable comments stay.
		{"/*!40101 SET NAMES utf8mb4 */; /*M!1 x*/", "/*!40101 SET NAMES utf8mb4 */; /*  1 x*/"},
		// Inside string literals and quoted identifiers, nothing changes.
		{"SELECT '/*M!1 x*/', \"/*M!1 x*/\", `/*M!1 x*/`", "SELECT '/*M!1 x*/', \"/*M!1 x*/\", `/*M!1 x*/`"},
		// Escaped and doubled quotes do not end a literal.
		{`SELECT 'it\'s /*M!1 x*/' /*M!2 y*/`, `SELECT 'it\'s /*M!1 x*/' /*  2 y*/`},
		{`SELECT 'it''s /*M!1 x*/' /*M!2 y*/`, `SELECT 'it''s /*M!1 x*/' /*  2 y*/`},
		{`SELECT "a\"b /*M!1 x*/" /*M!2 y*/`, `SELECT "a\"b /*M!1 x*/" /*  2 y*/`},
		{`SELECT 'a\\' /*M!2 y*/`, `SELECT 'a\\' /*  2 y*/`},
		// A backslash does not escape in a quoted identifier; `` is a backtick.
		{"SELECT `a\\` /*M!2 y*/", "SELECT `a\\` /*  2 y*/"},
		{"SELECT `a``/*M!1 x*/` /*M!2 y*/", "SELECT `a``/*M!1 x*/` /*  2 y*/"},
		// Inside other comments, nothing changes.
		{"SELECT 1 -- /*M!1 x*/\n/*M!2 y*/", "SELECT 1 -- /*M!1 x*/\n/*  2 y*/"},
		{"SELECT 1 # /*M!1 x*/\n/*M!2 y*/", "SELECT 1 # /*M!1 x*/\n/*  2 y*/"},
		{"SELECT 1 /* /*M!1 x*/ /*M!2 y*/", "SELECT 1 /* /*M!1 x*/ /*  2 y*/"},
		{"SELECT 1 /*!50000 '/*M!1 x*/ /*M!2 y*/", "SELECT 1 /*!50000 '/*M!1 x*/ /*  2 y*/"},
		// Unterminated literals and comments leave the rest alone.
		{"SELECT '/*M!1 x*/", "SELECT '/*M!1 x*/"},
		{"SELECT 1 /*M!1 x", "SELECT 1 /*  1 x"},
		{"/*M!", "/*  "},
		{"SELECT 1 /", "SELECT 1 /"},
	}
	for _, c := range cases {
		got := neutralizeMariaDBComments(c.in)
		if got != c.want {
			t.Errorf("neutralizeMariaDBComments(%q) = %q, want %q", c.in, got, c.want)
		}
		if len(got) != len(c.in) {
			t.Errorf("neutralizeMariaDBComments(%q) changed the length", c.in)
		}
	}
}

// TestLikeEscapes: in a string literal, \_ and \% keep their backslash (MySQL's rule for
// these two escapes), so an escaped LIKE pattern matches only the character itself; other
// escapes, quoted identifiers and comments are left alone, and preparing twice changes
// nothing more.
func TestLikeEscapes(t *testing.T) {
	cases := []struct{ in, want string }{
		{`SELECT 'a\_b'`, `SELECT 'a\\_b'`},
		{`SELECT "a\%b", 'c\%'`, `SELECT "a\\%b", 'c\\%'`},
		{`SELECT 'a\\_b', 'a\n_', 'it\'s \_'`, `SELECT 'a\\_b', 'a\n_', 'it\'s \\_'`},
		{"SELECT `a\\_b`, 1 -- 'x\\_'\n# '\\%'\n/* '\\_' */", "SELECT `a\\_b`, 1 -- 'x\\_'\n# '\\%'\n/* '\\_' */"},
		{`SELECT 'a\_`, `SELECT 'a\\_`}, // unterminated: still a literal to the end
	}
	for _, c := range cases {
		got := neutralizeMariaDBComments(c.in)
		if got != c.want {
			t.Errorf("neutralizeMariaDBComments(%q) = %q, want %q", c.in, got, c.want)
		}
		if again := neutralizeMariaDBComments(got); again != got {
			t.Errorf("preparing %q again gave %q", got, again)
		}
	}

	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db,
		"CREATE DATABASE app",
		"CREATE TABLE app.f (id INT PRIMARY KEY, name VARCHAR(20), b VARCHAR(20) COLLATE utf8mb4_0900_bin, KEY (b))",
		"INSERT INTO app.f VALUES (1, 'a_b', 'a_b1'), (2, 'axb', 'axb1'), (3, '50%', '50%'), (4, '500', '500'), (5, 'a\\_b', 'a\\_b')")
	for _, c := range []struct{ q, want string }{
		{`SELECT 'a\_b', LENGTH('a\_b'), 'a\%', LENGTH('a\%')`, `a\_b|4|a\%|3`},
		{`SELECT id FROM app.f WHERE name LIKE 'a\_b' ORDER BY id`, "1"},
		{`SELECT id FROM app.f WHERE name LIKE '50\%' ORDER BY id`, "3"},
		{`SELECT id FROM app.f WHERE name LIKE 'a_b' ORDER BY id`, "1,2"},
		{`SELECT id FROM app.f WHERE name = 'a\\_b'`, "5"},
		{`SELECT 'axb' LIKE 'a\_b', 'a_b' LIKE 'a\_b'`, "0|1"},
		{`SELECT id FROM app.f WHERE name NOT LIKE 'a\_b' ORDER BY id`, "2,3,4,5"},
		// A prefix pattern over an indexed binary column (GMS's range rewrite).
		{`SELECT id FROM app.f WHERE b LIKE 'a\_%' ORDER BY id`, "1"},
		{`SELECT id FROM app.f WHERE b LIKE 'a_%' ORDER BY id`, "1,2,5"},
		// An ESCAPE clause is the user's: '|' escapes, a backslash is a character.
		{`SELECT id FROM app.f WHERE name LIKE 'a|_b' ESCAPE '|' ORDER BY id`, "1"},
		{`SELECT id FROM app.f WHERE name LIKE 'a\_b' ESCAPE '|' ORDER BY id`, "5"},
	} {
		rows := queryRows(t, db, c.q)
		if got := strings.Join(rows, ","); got != c.want {
			t.Errorf("%s = %q, want %q", c.q, got, c.want)
		}
	}
	// A pattern bound as a prepared statement's parameter, before and after one with a
	// backslash, on a column and on an indexed binary column (GMS's range rewrite).
	for _, c := range []struct{ q, arg, want string }{
		{"SELECT id FROM app.f WHERE name LIKE ? ORDER BY id", "a_b", "1,2"},
		{"SELECT id FROM app.f WHERE name LIKE ? ORDER BY id", `a\_b`, "1"},
		{"SELECT id FROM app.f WHERE name LIKE ? ORDER BY id", `50\%`, "3"},
		{"SELECT id FROM app.f WHERE name NOT LIKE ? ORDER BY id", `a\_b`, "2,3,4,5"},
		{"SELECT id FROM app.f WHERE b LIKE ? ORDER BY id", `a\_%`, "1"},
		{"SELECT id FROM app.f WHERE b LIKE ? ORDER BY id", "a_%", "1,2,5"},
	} {
		st, err := db.Prepare(c.q)
		if err != nil {
			t.Fatal(err)
		}
		for _, arg := range []string{"zzz", c.arg} { // the second execution of the statement
			rows, err := st.Query(arg)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			rows.Close()
			if got := strings.Join(ids, ","); arg == c.arg && got != c.want {
				t.Errorf("%s with %q = %q, want %q", c.q, arg, got, c.want)
			}
		}
		st.Close()
	}
	// A prepared statement's text is read the same way.
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM app.f WHERE name LIKE 'a\_b' AND id > ?`, 0).Scan(&n); err != nil || n != 1 {
		t.Errorf("prepared LIKE 'a\\_b': %d, %v (want 1)", n, err)
	}
}

// TestServerIgnoresMariaDBComments: a MariaDB executable comment is a comment, alone or in a
// statement, in plain and prepared statements and in a multi-statement query.
func TestServerIgnoresMariaDBComments(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db,
		`/*M!999999\- enable the sandbox mode */`,
		"CREATE DATABASE app",
		"CREATE TABLE app.t (a INT PRIMARY KEY, s VARCHAR(40))",
		"INSERT INTO app.t VALUES (1 /*M!100000 + 1 */, '/*M!1 kept*/')",
	)
	var a int
	var str string
	if err := db.QueryRow("SELECT a, s FROM app.t /*M!100000 WHERE a = 2 */").Scan(&a, &str); err != nil {
		t.Fatal(err)
	}
	if a != 1 || str != "/*M!1 kept*/" {
		t.Errorf("row = %d %q, want 1 %q", a, str, "/*M!1 kept*/")
	}
	// Prepared (go-sql-driver prepares statements that have arguments).
	if err := db.QueryRow("SELECT a FROM app.t WHERE a = ? /*M!100000 AND a = 2 */", 1).Scan(&a); err != nil || a != 1 {
		t.Errorf("prepared: a = %d, err = %v", a, err)
	}

	// A multi-statement query, as mysql sends a script.
	mdb := connectMulti(t, s)
	if _, err := mdb.Exec("/*M!999999\\- enable the sandbox mode */;\n" +
		"/*M!100616 SET @OLD_NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0 */;\n" +
		"INSERT INTO app.t VALUES (2, 'two'); /*M!1 INSERT INTO app.t VALUES (3, 'three') */"); err != nil {
		t.Fatalf("multi-statement query: %v", err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM app.t").Scan(&n); err != nil || n != 2 {
		t.Errorf("rows after the script = %d (%v), want 2", n, err)
	}
}

// connectMulti connects as root with multi-statement queries enabled.
func connectMulti(t *testing.T, s *Server) *sql.DB {
	t.Helper()
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr = "root", "tcp", s.Addr().String()
	cfg.MultiStatements = true
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestDoubleMinus: two minus signs followed by something other than a space, a control
// character or the end of the text are two minus signs, not a comment (comments.go).
func TestDoubleMinus(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT 1 > --1", "SELECT 1 > - -1"},
		{"SELECT 1--1", "SELECT 1- -1"},
		{"SELECT ---1", "SELECT - - -1"},
		{"SELECT --(1)", "SELECT - -(1)"},
		{"SELECT --a FROM t", "SELECT - -a FROM t"},
		// comments: -- and a space, a tab, a newline, a CR or the end of the text
		{"SELECT 1 -- --1\n+ --1", "SELECT 1 -- --1\n+ - -1"},
		{"SELECT 1 --\t--1", "SELECT 1 --\t--1"},
		{"SELECT 1 --\n+ 1", "SELECT 1 --\n+ 1"},
		{"SELECT 1 --\r\n+ 1", "SELECT 1 --\r\n+ 1"},
		{"SELECT 1 --", "SELECT 1 --"},
		{"SELECT 5 --- 1", "SELECT 5 - -- 1"}, // a minus sign and a comment, as in MySQL
		// strings, quoted names and other comments keep their minus signs
		{"SELECT '--1', \"--1\", `--1`", "SELECT '--1', \"--1\", `--1`"},
		{"SELECT 'it''s --1' + --1", "SELECT 'it''s --1' + - -1"},
		{"SELECT 1 /* --1 */ + --1 # --1", "SELECT 1 /* --1 */ + - -1 # --1"},
		{"SELECT 1 /*M!1 --1 */ + --1", "SELECT 1 /*  1 --1 */ + - -1"},
		{"SELECT 2 - 1", "SELECT 2 - 1"},
	}
	for _, c := range cases {
		got := neutralizeMariaDBComments(c.in)
		if got != c.want {
			t.Errorf("neutralizeMariaDBComments(%q) = %q, want %q", c.in, got, c.want)
		}
		if again := neutralizeMariaDBComments(got); again != got {
			t.Errorf("preparing %q again gave %q", got, again)
		}
	}

	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "CREATE TABLE app.t (a INT PRIMARY KEY)", "INSERT INTO app.t VALUES (-2), (-1), (0), (1)")
	for q, want := range map[string]string{
		"SELECT 1 > --1":                           "0",
		"SELECT 1--1":                              "2",
		"SELECT --1, ---1, - -1":                   "1|-1|1",
		"SELECT 3 --- 1\n- 1":                      "4", // 3 - (a comment) - 1: 3 - -1
		"SELECT 1 -- a comment\n+ 1":               "2",
		"SELECT 1 --\t+ 5\n+ 1":                    "2",
		"SELECT 4 --":                              "4",
		"SELECT '--1', 1 /* --1 */":                "--1|1",
		"SELECT COUNT(*) FROM app.t WHERE a = --1": "1",
		"SELECT COUNT(*) FROM app.t WHERE a<--1":   "3",
	} {
		if got := queryRows(t, db, q); !slices.Equal(got, []string{want}) {
			t.Errorf("%q = %v, want %s", q, got, want)
		}
	}
	// prepared: vitess parses the text first (to count the parameters) with any -- a
	// comment, so only texts that parse that way too can be prepared
	if got := queryStringsArgs(t, db, "SELECT ? --1", 5); !slices.Equal(got, []string{"6"}) {
		t.Errorf("SELECT ? --1 with 5 = %v, want 6", got)
	}
	// a multi-statement query
	mdb := connectMulti(t, s)
	rows, err := mdb.Query("SELECT 1--1; SELECT 3--3")
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for {
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if !rows.NextResultSet() {
			break
		}
	}
	rows.Close()
	if !slices.Equal(got, []int{2, 6}) {
		t.Errorf("SELECT 1--1; SELECT 3--3 = %v, want [2 6]", got)
	}
}
