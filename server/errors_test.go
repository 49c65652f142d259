package server

import (
	"fmt"
	"strings"
	"testing"
)

// TestServerMySQLErrorCodes: errors GMS sends as 1105 reach the client with MySQL's code
// (sql/backend.MySQLError), in plain and prepared statements.
func TestServerMySQLErrorCodes(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db,
		"CREATE DATABASE app",
		"CREATE TABLE app.t (a INT PRIMARY KEY, b INT, CONSTRAINT b_positive CHECK (b > 0))",
	)
	cases := []struct {
		name  string
		query string
		args  []any
		want  uint16
	}{
		{"check on insert", "INSERT INTO app.t VALUES (1, -1)", nil, 3819},
		{"check on insert, prepared", "INSERT INTO app.t VALUES (?, ?)", []any{2, -2}, 3819},
		{"table exists", "CREATE TABLE app.t (x INT)", nil, 1050},
		{"duplicate key (GMS's own code)", "INSERT INTO app.t VALUES (5, 1), (5, 2)", nil, 1062},
	}
	for _, c := range cases {
		_, err := db.Exec(c.query, c.args...)
		if got := mysqlErrno(err); got != c.want {
			t.Errorf("%s: err = %v (MySQL error %d), want %d", c.name, err, got, c.want)
		}
	}
	// GMS's "string 'toolong' is too large for column 'c'" in MySQL's words, with a hint.
	mustExec(t, db, "CREATE TABLE app.s (a INT PRIMARY KEY, c VARCHAR(3))")
	for _, q := range []string{"INSERT INTO app.s VALUES (1, 'toolong')", "INSERT INTO app.s VALUES (?, ?)"} {
		var args []any
		if strings.Contains(q, "?") {
			args = []any{1, "toolong"}
		}
		_, err := db.Exec(q, args...)
		want := "Data too long for column 'c' at row 1; store a shorter value, or widen the column (ALTER TABLE ... MODIFY)"
		if mysqlErrno(err) != 1406 || !strings.HasSuffix(fmt.Sprint(err), want) {
			t.Errorf("%s: err = %v, want 1406 %q", q, err, want)
		}
	}
	mustExec(t, db, "INSERT INTO app.t VALUES (3, 3)")
	if _, err := db.Exec("UPDATE app.t SET b = 0 WHERE a = 3"); mysqlErrno(err) != 3819 {
		t.Errorf("check on update: err = %v, want MySQL error 3819", err)
	}
}
