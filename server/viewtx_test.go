package server

import (
	"context"
	"testing"
)

func TestFirstKeyword(t *testing.T) {
	cases := map[string]string{
		"SELECT 1":                             "SELECT",
		"  select * from v":                    "SELECT",
		"((SELECT 1) UNION (SELECT 2))":        "SELECT",
		"/* hi */ -- x\n# y\n show tables":     "SHOW",
		"/*!40101 SET NAMES utf8mb4 */":        "SET",
		"/*!SELECT 1*/":                        "SELECT",
		"with x as (select 1) select * from x": "WITH",
		"CREATE VIEW v AS SELECT 1":            "CREATE",
		"create table t as select * from v":    "CREATE",
		"":                                     "",
		"/* unterminated":                      "",
		"-- only a comment":                    "",
	}
	for q, want := range cases {
		if got := firstKeyword(q); got != want {
			t.Errorf("firstKeyword(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestServerViewReadKeepsTransaction: reading a view inside a transaction (SELECT, SHOW
// CREATE TABLE, SHOW FIELDS, INSERT ... SELECT) neither commits the transaction nor drops
// its savepoints; DDL still commits it, as in MySQL.
func TestServerViewReadKeepsTransaction(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	mustExec(t, connect(t, s, "root", "", ""), "CREATE DATABASE app")
	db := connect(t, s, "root", "", "app")
	mustExec(t, db,
		"CREATE TABLE app.t (a INT PRIMARY KEY)",
		"CREATE TABLE app.u (a INT PRIMARY KEY)",
		"INSERT INTO app.t VALUES (1)",
		"CREATE VIEW app.v AS SELECT a FROM app.t",
	)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	exec := func(qs ...string) {
		t.Helper()
		for _, q := range qs {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	query := func(q string) {
		t.Helper()
		rows, err := conn.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
		}
		if err := rows.Close(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	count := func(table string) int {
		t.Helper()
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	exec("BEGIN", "INSERT INTO app.t VALUES (2)")
	query("SELECT * FROM app.v")
	query("SHOW CREATE TABLE app.v")
	query("SHOW FIELDS FROM app.v")
	exec("INSERT INTO app.u SELECT a FROM app.v")
	exec("ROLLBACK")
	if n := count("app.t"); n != 1 {
		t.Errorf("after ROLLBACK, app.t has %d rows, want 1 (the view read committed the insert)", n)
	}
	if n := count("app.u"); n != 0 {
		t.Errorf("after ROLLBACK, app.u has %d rows, want 0", n)
	}

	// mysqldump --single-transaction.
	exec("START TRANSACTION", "SAVEPOINT sp")
	query("SHOW CREATE TABLE app.v")
	exec("ROLLBACK TO SAVEPOINT sp", "RELEASE SAVEPOINT sp", "COMMIT")

	// DDL reading a view still commits the transaction first.
	exec("BEGIN", "INSERT INTO app.t VALUES (3)", "CREATE VIEW app.v2 AS SELECT a FROM app.v", "ROLLBACK")
	if n := count("app.t"); n != 2 {
		t.Errorf("after CREATE VIEW and ROLLBACK, app.t has %d rows, want 2 (DDL commits)", n)
	}
	exec("BEGIN", "INSERT INTO app.t VALUES (4)", "CREATE TABLE app.w AS SELECT a FROM app.v", "ROLLBACK")
	if n := count("app.t"); n != 3 {
		t.Errorf("after CREATE TABLE ... SELECT and ROLLBACK, app.t has %d rows, want 3 (DDL commits)", n)
	}
}
