package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// wantErr checks err is MySQL error code (SQLSTATE state) whose message begins with
// text (MySQL's words; dsql adds a hint after "; ").
func wantErr(t *testing.T, q string, err error, code uint16, state, text string) {
	t.Helper()
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		t.Fatalf("%s: %v, want error %d", q, err, code)
	}
	if me.Number != code || string(me.SQLState[:]) != state || !strings.HasPrefix(me.Message, text) {
		t.Fatalf("%s:\n got %d (%s) %q\nwant %d (%s) %q...", q, me.Number, string(me.SQLState[:]), me.Message, code, state, text)
	}
	if rest := me.Message[len(text):]; text != "" && rest != "" && !strings.HasPrefix(rest, "; ") {
		t.Fatalf("%s: %q: MySQL's text is not followed by a hint", q, me.Message)
	}
}

// TestMySQLTextValueErrors: errors about a value that does not fit its column name the
// column and the row of the statement as MySQL 8 does (sql/backend/columntext.go), by
// the text and the binary protocol, and the failing statement changes nothing.
func TestMySQLTextValueErrors(t *testing.T) {
	f := newStrictFixture(t)
	f.exec("CREATE TABLE v (id INT PRIMARY KEY, a TINYINT, s VARCHAR(3), d DATE, dt DATETIME, n INT NOT NULL DEFAULT 0, e ENUM('x','y'), u INT UNSIGNED, dc DECIMAL(4,2), f DOUBLE)",
		"INSERT INTO v (id, a) VALUES (1, 1), (2, 2), (3, 3)")
	snapshot := func() string { return f.rows("SELECT * FROM v ORDER BY id") }
	for _, c := range []struct {
		q     string
		code  uint16
		state string
		text  string
	}{
		{"INSERT INTO v (id, a) VALUES (10, 300)", 1264, "22003", "Out of range value for column 'a' at row 1"},
		{"INSERT INTO v (id, a) VALUES (10, 1), (11, 2), (12, -300)", 1264, "22003", "Out of range value for column 'a' at row 3"},
		{"INSERT INTO v (id, u) VALUES (10, 1), (11, -1)", 1264, "22003", "Out of range value for column 'u' at row 2"},
		{"INSERT INTO v (id, dc) VALUES (10, 1000)", 1264, "22003", "Out of range value for column 'dc' at row 1"},
		{"INSERT INTO v (id, a) VALUES (10, 1), (11, 'abc')", 1366, "HY000", "Incorrect integer value: 'abc' for column 'a' at row 2"},
		{"INSERT INTO v (id, dc) VALUES (10, 'abc')", 1366, "HY000", "Incorrect decimal value: 'abc' for column 'dc' at row 1"},
		{"INSERT INTO v (id, f) VALUES (10, 1), (11, 'abc')", 1366, "HY000", "Incorrect double value: 'abc' for column 'f' at row 2"},
		{"INSERT INTO v (id, d) VALUES (10, '2020-01-01'), (11, 'xx')", 1292, "22007", "Incorrect date value: 'xx' for column 'd' at row 2"},
		{"INSERT INTO v (id, dt) VALUES (10, 'nope')", 1292, "22007", "Incorrect datetime value: 'nope' for column 'dt' at row 1"},
		{"INSERT INTO v (id, e) VALUES (10, 'x'), (11, 'y'), (12, 'z')", 1265, "01000", "Data truncated for column 'e' at row 3"},
		{"INSERT INTO v (id, s) VALUES (10, 'ab'), (11, 'abcd')", 1406, "22001", "Data too long for column 's' at row 2"},
		{"INSERT INTO v (id, n) VALUES (10, 1), (11, NULL)", 1048, "23000", "Column 'n' cannot be null"},
		{"INSERT INTO v (id, a) SELECT id + 10, a * 50 FROM v ORDER BY id", 1264, "22003", "Out of range value for column 'a' at row 3"},
		{"REPLACE INTO v (id, a) VALUES (1, 5), (2, 500)", 1264, "22003", "Out of range value for column 'a' at row 2"},
		{"UPDATE v SET a = a * 60", 1264, "22003", "Out of range value for column 'a' at row 3"},
		{"UPDATE v SET a = a * 60 WHERE id >= 2", 1264, "22003", "Out of range value for column 'a' at row 2"},
		{"UPDATE v SET d = IF(id = 2, 'bad', '2020-01-01')", 1292, "22007", "Incorrect date value: 'bad' for column 'd' at row 2"},
		{"UPDATE v SET a = IF(id = 3, 'abc', 1)", 1366, "HY000", "Incorrect integer value: 'abc' for column 'a' at row 3"},
		{"UPDATE v SET e = IF(id = 1, 'x', 'q')", 1265, "01000", "Data truncated for column 'e' at row 2"},
		{"UPDATE v SET n = NULL WHERE id = 3", 1048, "23000", "Column 'n' cannot be null"},
		{"INSERT INTO v (id, a) VALUES (1, 1) ON DUPLICATE KEY UPDATE d = 'bad'", 1292, "22007", "Incorrect date value: 'bad' for column 'd' at row 1"},
	} {
		before := snapshot()
		_, err := f.conn.ExecContext(context.Background(), c.q)
		wantErr(t, c.q, err, c.code, c.state, c.text)
		if after := snapshot(); after != before {
			t.Fatalf("%s failed but changed v:\n%s", c.q, after)
		}
		// The next statement, which succeeds, is not given the failed one's text.
		f.exec("SELECT 1")
	}

	// Prepared (binary protocol), GMS's path and the plan cache's.
	for _, c := range []struct {
		q    string
		args []any
		code uint16
		text string
	}{
		{"INSERT INTO v (id, a) VALUES (?, ?), (?, ?)", []any{20, 1, 21, 1000}, 1264, "Out of range value for column 'a' at row 2"},
		{"INSERT INTO v (id, d) VALUES (?, ?)", []any{20, "never"}, 1292, "Incorrect date value: 'never' for column 'd' at row 1"},
		{"UPDATE v SET a = ? WHERE id = ?", []any{"zz", 2}, 1366, "Incorrect integer value: 'zz' for column 'a' at row 1"},
	} {
		st, err := f.conn.PrepareContext(context.Background(), c.q)
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.ExecContext(context.Background(), c.args...)
		_ = st.Close()
		wantErr(t, c.q, err, c.code, string(map[uint16]string{1264: "22003", 1292: "22007", 1366: "HY000"}[c.code]), c.text)
	}
	if got := f.rows("SELECT COUNT(*) FROM v"); got != "3" {
		t.Fatalf("v has %s rows, want 3", got)
	}
}

// TestMySQLTextWarningRows: UPDATE IGNORE numbers its warnings by the rows it matched;
// an assignment in a trigger by the row of the statement that fired it (and follows
// the statement's IGNORE).
func TestMySQLTextWarningRows(t *testing.T) {
	f := newStrictFixture(t)
	f.exec("CREATE TABLE w (id INT PRIMARY KEY, a TINYINT, b INT)",
		"INSERT INTO w VALUES (1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 4, 4)")
	warnings := func() string {
		rs, err := f.conn.QueryContext(context.Background(), "SHOW WARNINGS")
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		var out []string
		for rs.Next() {
			var level, msg string
			var code int
			if err := rs.Scan(&level, &code, &msg); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s %d %s", level, code, msg))
		}
		return strings.Join(out, "; ")
	}
	sortedWarnings := func() string { // SHOW WARNINGS' order is GMS's: compare sets
		w := strings.Split(warnings(), "; ")
		for i := 1; i < len(w); i++ {
			for j := i; j > 0 && w[j] < w[j-1]; j-- {
				w[j], w[j-1] = w[j-1], w[j]
			}
		}
		return strings.Join(w, "; ")
	}

	f.exec("UPDATE IGNORE w SET a = a * 50 WHERE id >= 2")
	if got, want := sortedWarnings(), "Warning 1264 Out of range value for column 'a' at row 2; Warning 1264 Out of range value for column 'a' at row 3"; got != want {
		t.Fatalf("UPDATE IGNORE warnings:\n got %s\nwant %s", got, want)
	}
	if got := f.rows("SELECT a FROM w ORDER BY id"); got != "1; 100; 127; 127" {
		t.Fatalf("after UPDATE IGNORE: %s", got)
	}

	f.exec("CREATE TABLE tr (id INT PRIMARY KEY, a TINYINT)",
		"CREATE TRIGGER tr_bi BEFORE INSERT ON tr FOR EACH ROW SET NEW.a = NEW.a * 50")
	_, err := f.conn.ExecContext(context.Background(), "INSERT INTO tr VALUES (1, 1), (2, 2), (3, 3)")
	wantErr(t, "INSERT with trigger", err, 1264, "22003", "Out of range value for column 'a' at row 3")
	f.exec("INSERT IGNORE INTO tr VALUES (1, 1), (2, 3), (3, 2)")
	if got, want := warnings(), "Warning 1264 Out of range value for column 'a' at row 2"; got != want {
		t.Fatalf("INSERT IGNORE with trigger: %s, want %s", got, want)
	}
	if got := f.rows("SELECT a FROM tr ORDER BY id"); got != "50; 127; 100" {
		t.Fatalf("after INSERT IGNORE with trigger: %s", got)
	}

	f.exec("CREATE TRIGGER w_bu BEFORE UPDATE ON w FOR EACH ROW SET NEW.a = NEW.b * 40")
	_, err = f.conn.ExecContext(context.Background(), "UPDATE w SET b = b + 1 WHERE id >= 2")
	wantErr(t, "UPDATE with trigger", err, 1264, "22003", "Out of range value for column 'a' at row 2")
}
