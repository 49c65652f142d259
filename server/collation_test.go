package server

import (
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// wantRows checks q's rows (queryRows: columns joined by "|", NULL as "NULL") against want.
func wantRows(t *testing.T, db *sql.DB, q string, want ...string) {
	t.Helper()
	if got := queryRows(t, db, q); !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", q, got, want)
	}
}

// TestDefaultCollation: a repository made by dsql init (repo.Init) and a database made
// by CREATE DATABASE without COLLATE have MySQL 8's default collation,
// utf8mb4_0900_ai_ci, and so have their tables and string columns declared without
// COLLATE: a key is unique case-insensitively (1062), = finds other spellings by index and
// by scan, ORDER BY and index range scans order case-insensitively; a column declared
// COLLATE utf8mb4_0900_bin stays case-sensitive. The metadata (variables,
// information_schema, SHOW CREATE TABLE, DESCRIBE, SHOW FULL COLUMNS) says so as MySQL 8
// does.
func TestDefaultCollation(t *testing.T) {
	dir := t.TempDir()
	repoDir := filepath.Join(dir, "app")
	initRepo(t, repoDir)
	s, _ := startServer(t, testConfig(dir))
	db := connect(t, s, "root", "", "app")
	db.SetMaxOpenConns(1)

	wantRows(t, db, "SELECT @@collation_server, @@character_set_server, @@collation_database, @@character_set_database",
		"utf8mb4_0900_ai_ci|utf8mb4|utf8mb4_0900_ai_ci|utf8mb4")
	mustExec(t, db,
		"CREATE TABLE t (name VARCHAR(20) PRIMARY KEY)",
		"CREATE TABLE s (id INT PRIMARY KEY, name VARCHAR(20), KEY ix_name (name))",
		"CREATE TABLE u (id INT PRIMARY KEY, name VARCHAR(20))", // no index: scans
		"CREATE TABLE b (name VARCHAR(20) COLLATE utf8mb4_0900_bin PRIMARY KEY)",
		"INSERT INTO t VALUES ('alice')",
		"INSERT INTO b VALUES ('alice'), ('Alice')",
	)
	if _, err := db.Exec("INSERT INTO t VALUES ('Alice')"); mysqlErrno(err) != 1062 {
		t.Fatalf("INSERT 'Alice' next to 'alice': %v, want error 1062", err)
	}
	mustExec(t, db, "INSERT INTO t VALUES ('bob'), ('Carol'), ('dave'), ('Émile')")
	for _, tbl := range []string{"s", "u"} {
		mustExec(t, db, "INSERT INTO "+tbl+" VALUES (1, 'alice'), (2, 'bob'), (3, 'Carol'), (4, 'dave'), (5, 'Émile'), (6, 'BOB')")
	}

	// = by the primary key, by a secondary index and by a scan; accents ignored too.
	wantRows(t, db, "SELECT name FROM t WHERE name = 'ALICE'", "alice")
	wantRows(t, db, "SELECT name FROM t WHERE name = 'emile'", "Émile")
	wantRows(t, db, "SELECT id FROM s WHERE name = 'ALICE'", "1")
	wantRows(t, db, "SELECT id FROM u WHERE name = 'ALICE'", "1")
	wantRows(t, db, "SELECT id FROM s WHERE name = 'bob' ORDER BY id", "2", "6")
	wantRows(t, db, "SELECT id FROM u WHERE name = 'bob' ORDER BY id", "2", "6")
	// ORDER BY and the key order are case-insensitive.
	wantRows(t, db, "SELECT name FROM t ORDER BY name", "alice", "bob", "Carol", "dave", "Émile")
	wantRows(t, db, "SELECT name FROM t", "alice", "bob", "Carol", "dave", "Émile")
	// A range scan of the secondary index returns what a scan of the same rows does.
	for _, q := range []string{
		"SELECT id FROM %s WHERE name > 'B' ORDER BY id",
		"SELECT id FROM %s WHERE name >= 'BOB' AND name < 'd' ORDER BY id",
		"SELECT id FROM %s WHERE name < 'c' ORDER BY id",
	} {
		idx := queryRows(t, db, strings.Replace(q, "%s", "s", 1))
		scan := queryRows(t, db, strings.Replace(q, "%s", "u", 1))
		if !slices.Equal(idx, scan) {
			t.Errorf("%s: by index %q, by scan %q", q, idx, scan)
		}
	}
	wantRows(t, db, "SELECT id FROM s WHERE name > 'B' ORDER BY id", "2", "3", "4", "5", "6")
	wantRows(t, db, "SELECT name FROM s WHERE name > 'B' ORDER BY name, id", "bob", "BOB", "Carol", "dave", "Émile")
	// utf8mb4_0900_bin stays case-sensitive.
	wantRows(t, db, "SELECT name FROM b WHERE name = 'ALICE'")
	wantRows(t, db, "SELECT name FROM b WHERE name = 'Alice'", "Alice")
	wantRows(t, db, "SELECT name FROM b ORDER BY name", "Alice", "alice")

	// Metadata, as MySQL 8 shows it.
	var name, ddl string
	if err := db.QueryRow("SHOW CREATE TABLE t").Scan(&name, &ddl); err != nil {
		t.Fatal(err)
	}
	if want := "CREATE TABLE `t` (\n  `name` varchar(20) NOT NULL,\n  PRIMARY KEY (`name`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"; ddl != want {
		t.Errorf("SHOW CREATE TABLE t:\n%s\nwant\n%s", ddl, want)
	}
	if err := db.QueryRow("SHOW CREATE TABLE b").Scan(&name, &ddl); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ddl, "`name` varchar(20) COLLATE utf8mb4_0900_bin NOT NULL") {
		t.Errorf("SHOW CREATE TABLE b: %s", ddl)
	}
	wantRows(t, db, "DESCRIBE t", "name|varchar(20)|NO|PRI|NULL|")
	wantRows(t, db, "SHOW FULL COLUMNS FROM b", "name|varchar(20)|utf8mb4_0900_bin|NO|PRI|NULL|||")
	wantRows(t, db, "SHOW FULL COLUMNS FROM u", "id|int|NULL|NO|PRI|NULL|||", "name|varchar(20)|utf8mb4_0900_ai_ci|YES||NULL|||")
	wantRows(t, db, "SELECT default_character_set_name, default_collation_name FROM information_schema.schemata WHERE schema_name = 'app'",
		"utf8mb4|utf8mb4_0900_ai_ci")
	wantRows(t, db, "SELECT table_name, table_collation FROM information_schema.tables WHERE table_schema = 'app' ORDER BY 1",
		"b|utf8mb4_0900_ai_ci", "s|utf8mb4_0900_ai_ci", "t|utf8mb4_0900_ai_ci", "u|utf8mb4_0900_ai_ci") // b: the table default; its column is _bin
	wantRows(t, db, "SELECT table_name, column_type, character_set_name, collation_name FROM information_schema.columns WHERE table_schema = 'app' AND column_name = 'name' ORDER BY 1",
		"b|varchar(20)|utf8mb4|utf8mb4_0900_bin", "s|varchar(20)|utf8mb4|utf8mb4_0900_ai_ci",
		"t|varchar(20)|utf8mb4|utf8mb4_0900_ai_ci", "u|varchar(20)|utf8mb4|utf8mb4_0900_ai_ci")

	// CREATE DATABASE: the server's collation without COLLATE, the given one with it, the
	// character set's default with CHARACTER SET alone.
	mustExec(t, db, "CREATE DATABASE d1", "CREATE DATABASE d2 COLLATE utf8mb4_0900_bin", "CREATE DATABASE d3 CHARACTER SET latin1",
		"CREATE TABLE d1.x (v VARCHAR(5) PRIMARY KEY)", "CREATE TABLE d2.x (v VARCHAR(5) PRIMARY KEY)",
		"INSERT INTO d1.x VALUES ('a')", "INSERT INTO d2.x VALUES ('a'), ('A')")
	wantRows(t, db, "SELECT schema_name, default_collation_name FROM information_schema.schemata WHERE schema_name LIKE 'd_' ORDER BY 1",
		"d1|utf8mb4_0900_ai_ci", "d2|utf8mb4_0900_bin", "d3|latin1_swedish_ci")
	if _, err := db.Exec("INSERT INTO d1.x VALUES ('A')"); mysqlErrno(err) != 1062 {
		t.Errorf("d1: INSERT 'A' next to 'a': %v, want error 1062", err)
	}
	// String literals have the collation the client's handshake named (go-sql-driver's
	// default, utf8mb4_general_ci; clientcollation.go), as in MySQL.
	wantRows(t, db, "SELECT @@collation_connection, 'a' = 'A'", "utf8mb4_general_ci|1")
	mustExec(t, db, "USE d2")
	wantRows(t, db, "SELECT @@collation_database", "utf8mb4_0900_bin")
}

// TestDistinctCollation checks SELECT DISTINCT against the columns' collations (invariant
// "collated DISTINCT", sql/backend/distinct.go): under the default utf8mb4_0900_ai_ci,
// strings equal but for case or accents are one row, the first one read, as in MySQL 8;
// under utf8mb4_0900_bin they stay apart; numbers and mixed rows are unaffected.
func TestDistinctCollation(t *testing.T) {
	dir := t.TempDir()
	initRepo(t, filepath.Join(dir, "app"))
	s, _ := startServer(t, testConfig(dir))
	db := connect(t, s, "root", "", "app")
	db.SetMaxOpenConns(1)
	mustExec(t, db,
		"CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(20), tag VARCHAR(20) COLLATE utf8mb4_0900_bin, n INT)",
		"INSERT INTO p VALUES (1, 'alice', 'x', 1), (2, 'Alice', 'X', 1), (3, 'ALICE', 'x', 2), (4, 'bob', 'y', 2), (5, 'Émile', 'y', 3), (6, 'emile', 'Y', 3)",
	)
	// The hashed DISTINCT (no ORDER BY): one row per name under ai_ci, the first read.
	wantRows(t, db, "SELECT DISTINCT name FROM p", "alice", "bob", "Émile")
	wantRows(t, db, "SELECT COUNT(*) FROM (SELECT DISTINCT name FROM p) d", "3")
	// A binary column keeps every spelling.
	wantRows(t, db, "SELECT DISTINCT tag FROM p", "x", "X", "y", "Y")
	// Rows are equal when every column is: (name, n).
	wantRows(t, db, "SELECT DISTINCT name, n FROM p", "alice|1", "ALICE|2", "bob|2", "Émile|3")
	// With ORDER BY (GMS may sort first): the same groups.
	wantRows(t, db, "SELECT COUNT(*) FROM (SELECT DISTINCT name FROM p ORDER BY name) d", "3")
	wantRows(t, db, "SELECT DISTINCT n FROM p", "1", "2", "3")
	// PAD SPACE (utf8mb4_general_ci): 'a' and 'a ' are one row, as in MySQL.
	mustExec(t, db,
		"CREATE TABLE g (id INT PRIMARY KEY, v VARCHAR(10) COLLATE utf8mb4_general_ci)",
		"INSERT INTO g VALUES (1, 'a'), (2, 'a '), (3, 'A'), (4, 'b')")
	wantRows(t, db, "SELECT COUNT(*) FROM (SELECT DISTINCT v FROM g) d", "2")

	// COUNT(DISTINCT ...) counts under the collation too (countdistinct.go), with GROUP
	// BY, over several arguments, NULLs skipped; a binary column counts every spelling.
	mustExec(t, db, "INSERT INTO p VALUES (7, NULL, NULL, 3)")
	wantRows(t, db, "SELECT COUNT(DISTINCT name) FROM p", "3")
	wantRows(t, db, "SELECT COUNT(DISTINCT tag) FROM p", "4")
	wantRows(t, db, "SELECT COUNT(DISTINCT name, n) FROM p", "4")
	wantRows(t, db, "SELECT n, COUNT(DISTINCT name) FROM p GROUP BY n ORDER BY n", "1|1", "2|2", "3|1")
	wantRows(t, db, "SELECT COUNT(DISTINCT v) FROM g", "2")
	wantRows(t, db, "SELECT COUNT(DISTINCT n), COUNT(DISTINCT name) FROM p", "3|3")
	// The same through a server-side prepared statement.
	var got int64
	if err := db.QueryRow("SELECT COUNT(DISTINCT name) FROM p WHERE n >= ?", 1).Scan(&got); err != nil || got != 3 {
		t.Fatalf("prepared SELECT COUNT(DISTINCT name): %d, %v; want 3", got, err)
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM (SELECT DISTINCT name FROM p WHERE n >= ?) d", 1).Scan(&got); err != nil || got != 4 {
		t.Fatalf("prepared SELECT DISTINCT name: %d rows, %v; want 4 (NULL is one)", got, err)
	}
}

// TestCollationDatabaseVariable: @@collation_database and @@character_set_database are
// the current database's; with no current database, the session's @@collation_server
// and its character set, as in MySQL (GMS: utf8mb4_0900_bin), in a plain SELECT, a
// subquery, SET and a prepared statement.
func TestCollationDatabaseVariable(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	db.SetMaxOpenConns(1) // one session: USE and SET SESSION below
	wantRows(t, db, "SELECT DATABASE(), @@collation_database, @@character_set_database",
		"NULL|utf8mb4_0900_ai_ci|utf8mb4")
	mustExec(t, db, "CREATE DATABASE app")
	mustExec(t, db, "CREATE DATABASE bin COLLATE utf8mb4_0900_bin", "USE bin")
	wantRows(t, db, "SELECT @@collation_database, @@character_set_database", "utf8mb4_0900_bin|utf8mb4")
	mustExec(t, db, "USE app")
	wantRows(t, db, "SELECT @@collation_database", "utf8mb4_0900_ai_ci")
	mustExec(t, db, "USE bin", "DROP DATABASE bin") // no current database now
	wantRows(t, db, "SELECT DATABASE(), @@collation_database, @@character_set_database, @@session.collation_database",
		"NULL|utf8mb4_0900_ai_ci|utf8mb4|utf8mb4_0900_ai_ci")
	wantRows(t, db, "SELECT (SELECT @@collation_database)", "utf8mb4_0900_ai_ci")
	mustExec(t, db, "SET @c = @@collation_database")
	wantRows(t, db, "SELECT @c", "utf8mb4_0900_ai_ci")
	var got string
	if err := db.QueryRow("SELECT CONCAT(@@collation_database, ?)", "!").Scan(&got); err != nil || got != "utf8mb4_0900_ai_ci!" {
		t.Errorf("prepared SELECT @@collation_database: %q, %v", got, err)
	}
	mustExec(t, db, "SET SESSION collation_server = 'latin1_swedish_ci'")
	wantRows(t, db, "SELECT @@collation_database, @@character_set_database", "latin1_swedish_ci|latin1")
	mustExec(t, db, "SET SESSION collation_server = 'utf8mb4_0900_bin'")
	wantRows(t, db, "SELECT @@collation_database, @@character_set_database", "utf8mb4_0900_bin|utf8mb4")
}

// TestClientCollation: the session's @@collation_connection, and so how string literals
// compare, is the utf8mb4 collation the client named in its handshake; a utf8mb3 one
// gives the utf8mb4 collation of the same rules; anything else keeps utf8mb4_0900_bin.
// SET NAMES and SET collation_connection still change it (clientcollation.go).
func TestClientCollation(t *testing.T) {
	dir := t.TempDir()
	initRepo(t, filepath.Join(dir, "app"))
	s, _ := startServer(t, testConfig(dir))
	for _, c := range []struct{ collation, want string }{
		{"", "utf8mb4_general_ci|1|1|1"}, // go-sql-driver's default
		{"utf8mb4_0900_ai_ci", "utf8mb4_0900_ai_ci|1|1|0"},
		{"utf8mb4_unicode_ci", "utf8mb4_unicode_ci|1|1|1"},
		{"utf8mb4_bin", "utf8mb4_bin|0|0|1"},
		// With the charset named too, go-sql-driver sends SET NAMES utf8mb4 COLLATE ...
		{"utf8mb4_unicode_ci&charset=utf8mb4", "utf8mb4_unicode_ci|1|1|1"},
		{"utf8mb3_general_ci", "utf8mb4_general_ci|1|1|1"},
		{"latin1_swedish_ci", "utf8mb4_0900_bin|0|0|0"},
	} {
		dsn := "root@tcp(" + s.Addr().String() + ")/app"
		if c.collation != "" {
			dsn += "?collation=" + c.collation
		}
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := mysql.NewConnector(cfg)
		if err != nil {
			t.Fatal(err)
		}
		db := sql.OpenDB(conn)
		db.SetMaxOpenConns(1)
		// 'a' = 'A', 'abc' LIKE 'A%', and 'a' = 'a ' (1 under a PAD SPACE collation).
		got := strings.Join(queryRows(t, db, "SELECT @@collation_connection, 'a' = 'A', 'abc' LIKE 'A%', 'a' = 'a '"), ",")
		if got != c.want {
			t.Errorf("handshake collation %q: %q, want %q", c.collation, got, c.want)
		}
		if c.collation == "" {
			mustExec(t, db, "SET collation_connection = utf8mb4_0900_bin")
			wantRows(t, db, "SELECT 'a' = 'A'", "0")
			// SET NAMES ... COLLATE (the parser drops the clause; rewriteSetNamesCollate).
			mustExec(t, db, "set names 'utf8mb4' collate 'utf8mb4_unicode_ci'")
			wantRows(t, db, "SELECT @@collation_connection, @@character_set_connection, 'a' = 'A'", "utf8mb4_unicode_ci|utf8mb4|1")
			mustExec(t, db, "SET NAMES utf8mb4 COLLATE `utf8mb4_0900_bin`")
			wantRows(t, db, "SELECT @@collation_connection, 'a' = 'A'", "utf8mb4_0900_bin|0")
			mustExec(t, db, "SET NAMES utf8mb4")
			wantRows(t, db, "SELECT @@collation_connection", "utf8mb4_0900_ai_ci")
			if _, err := db.Exec("SET NAMES utf8mb4 COLLATE no_such_collation"); mysqlErrno(err) != 1273 {
				t.Errorf("SET NAMES with an unknown collation: %v, want 1273", err)
			}
			if _, err := db.Exec("SET NAMES utf8mb4 COLLATE latin1_swedish_ci"); mysqlErrno(err) != 1253 {
				t.Errorf("SET NAMES with another character set's collation: %v, want 1253", err)
			}
			wantRows(t, db, "SELECT @@collation_connection", "utf8mb4_0900_ai_ci") // unchanged
		}
		db.Close()
	}
}
