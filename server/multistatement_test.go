package server

import (
	"errors"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// TestMultiStatementStopsAtError: in a query of several statements (CLIENT_MULTI_STATEMENTS)
// a failing statement ends the query, as in MySQL: the statements after it do not run.
// vitess's connection ran them after sending the error.
func TestMultiStatementStopsAtError(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY)", "INSERT INTO app.t VALUES (1)")
	multi := connectMulti(t, s)
	cases := []struct {
		query string
		code  uint16
	}{
		{"INSERT INTO app.t VALUES (3); INSERT INTO app.t VALUES (1); INSERT INTO app.t VALUES (4)", 1062},
		{"INSERT INTO app.t VALUES (5); SELECT * FROM app.nosuch; INSERT INTO app.t VALUES (6)", 1146},
		{"INSERT INTO app.t VALUES (7); SELEC 1; INSERT INTO app.t VALUES (8)", 1064},
	}
	for _, c := range cases {
		_, err := multi.Exec(c.query)
		var me *mysql.MySQLError
		if !errors.As(err, &me) || me.Number != c.code {
			t.Fatalf("%s: %v, want error %d", c.query, err, c.code)
		}
	}
	rows, err := db.Query("SELECT id FROM app.t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	want := []int{1, 3, 5, 7}
	if len(got) != len(want) {
		t.Fatalf("rows %v, want %v (the statements after a failing one must not run)", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("rows %v, want %v (the statements after a failing one must not run)", got, want)
		}
	}
	// The connection is usable afterwards, and a query without errors runs whole.
	if _, err := multi.Exec("INSERT INTO app.t VALUES (9); INSERT INTO app.t VALUES (10)"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM app.t WHERE id IN (9, 10)").Scan(&n); err != nil || n != 2 {
		t.Fatalf("after a clean multi-statement query: %d rows, %v", n, err)
	}
}
