package server

import (
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
