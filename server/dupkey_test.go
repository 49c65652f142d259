package server

import (
	"errors"
	"slices"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// TestDuplicateKeyText: a duplicate key fails with MySQL 8's 1062 text, "Duplicate entry
// '<values joined by ->' for key '<table>.<index>'", which ORMs read the constraint's
// name from (sql/backend dupkey.go): from INSERT, UPDATE, INSERT ... SELECT, a unique
// index over several columns, ALTER TABLE adding a unique index over duplicates, and
// ALTER TABLE dropping a key column. A statement with ON DUPLICATE KEY UPDATE that meets
// a duplicate and then a value its column refuses still gets that error's text with its
// column and row. INSERT IGNORE's warnings for the rows it skips have MySQL's level and
// text.
func TestDuplicateKeyText(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(40), d DATE, n INT, t TINYINT, UNIQUE KEY uq_email (email), UNIQUE KEY uq_dn (d, n))",
		"INSERT INTO u VALUES (1, 'a@x', '2024-01-02', 7, 0), (2, 'b@x', '2024-01-02', 8, 0)",
		"CREATE TABLE k (a INT, b VARCHAR(5), PRIMARY KEY (a, b))",
		"INSERT INTO k VALUES (1, 'x'), (2, 'x')")
	want := func(q, text string) {
		t.Helper()
		_, err := db.Exec(q)
		var me *mysql.MySQLError
		if !errors.As(err, &me) || me.Number != 1062 || me.Message != text {
			t.Errorf("%s:\n got %v\nwant Error 1062: %s", q, err, text)
		}
	}
	want("INSERT INTO u VALUES (1, 'c@x', NULL, NULL, 0)", "Duplicate entry '1' for key 'u.PRIMARY'")
	want("INSERT INTO u VALUES (3, 'a@x', NULL, NULL, 0)", "Duplicate entry 'a@x' for key 'u.uq_email'")
	want("UPDATE u SET email = 'b@x' WHERE id = 1", "Duplicate entry 'b@x' for key 'u.uq_email'")
	want("UPDATE u SET n = 8 WHERE id = 1", "Duplicate entry '2024-01-02-8' for key 'u.uq_dn'")
	want("UPDATE u SET id = 2 WHERE id = 1", "Duplicate entry '2' for key 'u.PRIMARY'")
	want("INSERT INTO k SELECT 1, 'x'", "Duplicate entry '1-x' for key 'k.PRIMARY'")
	want("ALTER TABLE k ADD UNIQUE KEY ub (b)", "Duplicate entry 'x' for key 'k.ub'")
	want("ALTER TABLE k DROP COLUMN a", "Duplicate entry 'x' for key 'k.PRIMARY'")
	// Nothing changed.
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM u WHERE id = 1 AND email = 'a@x' AND n = 7").Scan(&n); err != nil || n != 1 {
		t.Fatalf("row 1 changed: %d, %v", n, err)
	}
	// A duplicate met by ON DUPLICATE KEY UPDATE does not hide the text of a later error of
	// the statement (an assignment's value its column refuses: the statement's own note).
	_, err := db.Exec("INSERT INTO u VALUES (1, 'a@x', NULL, NULL, 0) ON DUPLICATE KEY UPDATE d = 'notadate'")
	var me *mysql.MySQLError
	const oor = "Incorrect date value: 'notadate' for column 'd' at row 1"
	if !errors.As(err, &me) || me.Number != 1292 || len(me.Message) < len(oor) || me.Message[:len(oor)] != oor {
		t.Errorf("ON DUPLICATE KEY UPDATE with a bad date: %v", err)
	}
	// INSERT IGNORE still skips the duplicate.
	res, err := db.Exec("INSERT IGNORE INTO u VALUES (1, 'z@x', NULL, NULL, 0), (6, 'f@x', NULL, NULL, 0)")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := res.RowsAffected(); got != 1 {
		t.Errorf("INSERT IGNORE: %d rows, want 1", got)
	}
	// ... with MySQL's warnings, one per skipped row.
	mustExec(t, db, "INSERT IGNORE INTO u VALUES (7, 'a@x', NULL, NULL, 0), (2, 'g@x', NULL, NULL, 0), (8, 'h@x', NULL, NULL, 0)")
	got := showWarnings(t, db, "SHOW WARNINGS")
	wantWarn := []string{"Warning 1062 Duplicate entry 'a@x' for key 'u.uq_email'", "Warning 1062 Duplicate entry '2' for key 'u.PRIMARY'"} // in the rows' order
	if !slices.Equal(got, wantWarn) {
		t.Errorf("INSERT IGNORE warnings:\n got %q\nwant %q", got, wantWarn)
	}
}
