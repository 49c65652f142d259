package server

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// showWarnings runs q (SHOW WARNINGS [LIMIT ...]) on db and returns its rows as "Level
// Code Message".
func showWarnings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var level, msg string
		var code int
		if err := rows.Scan(&level, &code, &msg); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %d %s", level, code, msg))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestShowWarningsOrder: SHOW WARNINGS lists a statement's warnings in the order they
// were raised, as MySQL does (row 1's before row 2's, a row's columns left to right), and
// SHOW WARNINGS LIMIT n shows the first n (sql/backend warnorder.go; GMS listed them
// newest first).
func TestShowWarningsOrder(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE w (id INT PRIMARY KEY, s VARCHAR(3), n TINYINT)",
		"INSERT IGNORE INTO w VALUES (1, 'abcdef', 1000), (2, 'ok', -500), (3, 'toolong', 1)")
	warnings := func(q string) []string {
		t.Helper()
		var out []string
		for _, w := range showWarnings(t, db, q) {
			out = append(out, w[strings.Index(w, " ")+1:]) // without the level
		}
		return out
	}
	want := []string{
		"1265 Data truncated for column 's' at row 1",
		"1264 Out of range value for column 'n' at row 1",
		"1264 Out of range value for column 'n' at row 2",
		"1265 Data truncated for column 's' at row 3",
	}
	if got := warnings("SHOW WARNINGS"); !slices.Equal(got, want) {
		t.Fatalf("SHOW WARNINGS:\n got %q\nwant %q", got, want)
	}
	if got := warnings("SHOW WARNINGS LIMIT 2"); !slices.Equal(got, want[:2]) {
		t.Fatalf("SHOW WARNINGS LIMIT 2:\n got %q\nwant %q", got, want[:2])
	}
	if got := warnings("SHOW WARNINGS LIMIT 1, 2"); !slices.Equal(got, want[1:3]) {
		t.Fatalf("SHOW WARNINGS LIMIT 1, 2:\n got %q\nwant %q", got, want[1:3])
	}
	var n sql.NullInt64
	if err := db.QueryRow("SELECT COUNT(*) FROM w").Scan(&n); err != nil || n.Int64 != 3 {
		t.Fatalf("rows: %v %v", n, err)
	}
}
