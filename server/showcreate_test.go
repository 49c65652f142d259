package server

import (
	"slices"
	"strings"
	"testing"
)

// TestServerShowCreateEnumDefaults: SHOW CREATE TABLE prints ENUM and SET defaults as
// their values, so that the statement re-creates the same table; inserts still use the
// defaults.
func TestServerShowCreateEnumDefaults(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db,
		"CREATE DATABASE app",
		"CREATE TABLE app.t (id INT PRIMARY KEY, "+
			"status ENUM('new','paid','it''s') NOT NULL DEFAULT 'paid', "+
			"quoted ENUM('a','it''s') DEFAULT 'it''s', "+
			"tags SET('gift','rush','x') DEFAULT 'gift,x', "+
			"none SET('a','b') NOT NULL DEFAULT '', "+
			"nul ENUM('a','b') DEFAULT NULL, "+
			"plain VARCHAR(10) DEFAULT 'v', n INT DEFAULT 3)",
		"INSERT INTO app.t (id) VALUES (1)",
	)
	showCreate := func(table string) string {
		t.Helper()
		var name, stmt string
		if err := db.QueryRow("SHOW CREATE TABLE "+table).Scan(&name, &stmt); err != nil {
			t.Fatalf("SHOW CREATE TABLE %s: %v", table, err)
		}
		return stmt
	}
	stmt := showCreate("app.t")
	for _, want := range []string{
		"`status` enum('new','paid','it''s') NOT NULL DEFAULT 'paid'",
		"`quoted` enum('a','it''s') DEFAULT 'it''s'",
		"`tags` set('gift','rush','x') DEFAULT 'gift,x'",
		"`none` set('a','b') NOT NULL DEFAULT ''",
		"`nul` enum('a','b') DEFAULT NULL",
		"`plain` varchar(10) DEFAULT 'v'",
		"`n` int DEFAULT '3'",
	} {
		if !strings.Contains(stmt, want) {
			t.Errorf("SHOW CREATE TABLE lacks %q:\n%s", want, stmt)
		}
	}

	// The statement re-creates the same table.
	mustExec(t, db, strings.Replace(stmt, "CREATE TABLE `t`", "CREATE TABLE app.t2", 1))
	if again := showCreate("app.t2"); strings.Replace(again, "`t2`", "`t`", 1) != stmt {
		t.Errorf("re-created table differs:\n%s\nwant\n%s", again, stmt)
	}

	var status, quoted, tags, none string
	if err := db.QueryRow("SELECT status, quoted, tags, none FROM app.t WHERE id = 1").Scan(&status, &quoted, &tags, &none); err != nil {
		t.Fatal(err)
	}
	if status != "paid" || quoted != "it's" || tags != "gift,x" || none != "" {
		t.Errorf("defaults inserted = %q %q %q %q", status, quoted, tags, none)
	}
	var colDefault string
	if err := db.QueryRow("SELECT COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 't' AND COLUMN_NAME = 'status'").Scan(&colDefault); err != nil || colDefault != "paid" {
		t.Errorf("information_schema COLUMN_DEFAULT = %q, %v; want paid", colDefault, err)
	}
}

// TestShowCreateMySQL8: SHOW CREATE TABLE writes each column as MySQL 8 does: DEFAULT
// NULL for a nullable column without a default (declared DEFAULT NULL or not), JSON and
// spatial ones included, except BLOB and TEXT, AUTO_INCREMENT and generated ones; NULL after a
// nullable TIMESTAMP; GENERATED ALWAYS AS (...) VIRTUAL or STORED, then NOT NULL. The
// statement creates the same table again (same table hash in another database).
func TestShowCreateMySQL8(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	db.SetMaxOpenConns(1) // one session: USE and SET SESSION below
	mustExec(t, db,
		"CREATE DATABASE app",
		"CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, "+
			"a INT, b VARCHAR(10) DEFAULT NULL, c DECIMAL(5,2) DEFAULT 1.5, d DATETIME, "+
			"e ENUM('x','y'), f BIT(3), n INT NOT NULL, nd INT NOT NULL DEFAULT 7, "+
			"ts TIMESTAMP NULL, tu TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, "+
			"tx TEXT, tn TEXT DEFAULT NULL, tt TINYTEXT NOT NULL, bl BLOB, j JSON, g GEOMETRY, p POINT DEFAULT NULL, "+
			"v INT GENERATED ALWAYS AS (a + 1), vv INT AS (a * 2) VIRTUAL NOT NULL, "+
			"st INT GENERATED ALWAYS AS (a + 2) STORED, cm INT COMMENT 'why')",
	)
	showCreate := func(table string) string {
		t.Helper()
		var name, stmt string
		if err := db.QueryRow("SHOW CREATE TABLE "+table).Scan(&name, &stmt); err != nil {
			t.Fatalf("SHOW CREATE TABLE %s: %v", table, err)
		}
		return stmt
	}
	stmt := showCreate("app.t")
	want := "CREATE TABLE `t` (\n" +
		"  `id` int NOT NULL AUTO_INCREMENT,\n" +
		"  `a` int DEFAULT NULL,\n" +
		"  `b` varchar(10) DEFAULT NULL,\n" +
		"  `c` decimal(5,2) DEFAULT '1.50',\n" +
		"  `d` datetime DEFAULT NULL,\n" +
		"  `e` enum('x','y') DEFAULT NULL,\n" +
		"  `f` bit(3) DEFAULT NULL,\n" +
		"  `n` int NOT NULL,\n" +
		"  `nd` int NOT NULL DEFAULT '7',\n" +
		"  `ts` timestamp NULL DEFAULT NULL,\n" +
		"  `tu` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n" +
		"  `tx` text,\n" +
		"  `tn` text,\n" +
		"  `tt` tinytext NOT NULL,\n" +
		"  `bl` blob,\n" +
		"  `j` json DEFAULT NULL,\n" +
		"  `g` geometry DEFAULT NULL,\n" +
		"  `p` point DEFAULT NULL,\n" +
		"  `v` int GENERATED ALWAYS AS ((`a` + 1)) VIRTUAL,\n" +
		"  `vv` int GENERATED ALWAYS AS ((`a` * 2)) VIRTUAL NOT NULL,\n" +
		"  `st` int GENERATED ALWAYS AS ((`a` + 2)) STORED,\n" +
		"  `cm` int DEFAULT NULL COMMENT 'why',\n" +
		"  PRIMARY KEY (`id`)\n" +
		") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
	if stmt != want {
		t.Errorf("SHOW CREATE TABLE:\n%s\nwant\n%s", stmt, want)
	}

	// The statement is DDL dsql takes back: the same table, whose SHOW CREATE TABLE is
	// the same text and whose hash is the same (DEFAULT NULL declared or not).
	mustExec(t, db, "CREATE DATABASE app2", "USE app2", stmt)
	if again := showCreate("app2.t"); again != stmt {
		t.Errorf("re-created table differs:\n%s\nwant\n%s", again, stmt)
	}
	hash := func(dbName string) string {
		t.Helper()
		mustExec(t, db, "USE "+dbName)
		var h string
		if err := db.QueryRow("SELECT dsql_hashof_table('t')").Scan(&h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	if h1, h2 := hash("app"), hash("app2"); h1 != h2 {
		t.Errorf("re-created table's hash %s, want the original's %s", h2, h1)
	}
	// Rows get the same defaults.
	mustExec(t, db, "INSERT INTO app.t (n, tt, a) VALUES (1, '', 3)", "INSERT INTO app2.t (n, tt, a) VALUES (1, '', 3)")
	const cols = "SELECT b, c, d, e, f, nd, ts, tx, tn, v, vv, st, cm FROM "
	if a, b := queryRows(t, db, cols+"app.t"), queryRows(t, db, cols+"app2.t"); !slices.Equal(a, b) || a[0] != "NULL|1.50|NULL|NULL|NULL|7|NULL|NULL|NULL|4|6|5|NULL" {
		t.Errorf("defaults: %q and %q", a, b)
	}
}
