package server

import (
	"context"
	"testing"
)

// TestStrictBlankNumbersWire: a blank string for a number column fails an INSERT or
// UPDATE with MySQL's 1366 (1265 for DOUBLE) over the wire, plain and prepared, and
// changes nothing; INSERT IGNORE stores 0 with warning 1366 (sql/backend/strictconv.go).
func TestStrictBlankNumbersWire(t *testing.T) {
	f := newStrictFixture(t)
	f.exec("CREATE TABLE b (id INT PRIMARY KEY, a INT, d DECIMAL(5,2), f DOUBLE)", "INSERT INTO b VALUES (1, 1, 1, 1)")
	snapshot := func() string { return f.rows("SELECT * FROM b ORDER BY id") }
	for _, c := range []struct {
		q     string
		args  []any
		code  uint16
		state string
		text  string
	}{
		{"INSERT INTO b (id, a) VALUES (2, '')", nil, 1366, "HY000", "Incorrect integer value: '' for column 'a' at row 1"},
		{"INSERT INTO b (id, a) VALUES (2, 2), (3, '  ')", nil, 1366, "HY000", "Incorrect integer value: '  ' for column 'a' at row 2"},
		{"INSERT INTO b (id, d) VALUES (2, ?)", []any{""}, 1366, "HY000", "Incorrect decimal value: '' for column 'd' at row 1"},
		{"UPDATE b SET f = ?", []any{" "}, 1265, "01000", "Data truncated for column 'f' at row 1"},
	} {
		before := snapshot()
		_, err := f.conn.ExecContext(context.Background(), c.q, c.args...)
		wantErr(t, c.q, err, c.code, c.state, c.text)
		if after := snapshot(); after != before {
			t.Fatalf("%s failed but changed b:\n%s", c.q, after)
		}
	}
	f.exec("INSERT IGNORE INTO b (id, a) VALUES (2, '')")
	if w := f.rows("SHOW WARNINGS"); w != "Warning|1366|Incorrect integer value: '' for column 'a' at row 1" {
		t.Fatalf("INSERT IGNORE warnings: %s", w)
	}
	if got := f.rows("SELECT a FROM b WHERE id = 2"); got != "0" {
		t.Fatalf("INSERT IGNORE stored %s, want 0", got)
	}
}

// TestStrictZeroDatesWire: under the default sql_mode (NO_ZERO_DATE, strict) the zero
// date fails an INSERT with MySQL's 1292 over the wire, plain and prepared, and an ALTER
// TABLE ADD COLUMN of a DATETIME NOT NULL without a default fails on a table with rows
// (sql/backend/strictconv.go).
func TestStrictZeroDatesWire(t *testing.T) {
	f := newStrictFixture(t)
	f.exec("CREATE TABLE z (id INT PRIMARY KEY, dt DATETIME, d DATE)", "INSERT INTO z (id) VALUES (1)")
	snapshot := func() string { return f.rows("SELECT * FROM z ORDER BY id") }
	for _, c := range []struct {
		q    string
		args []any
		text string
	}{
		{"INSERT INTO z (id, dt) VALUES (2, '0000-00-00')", nil, "Incorrect datetime value: '0000-00-00' for column 'dt' at row 1"},
		{"INSERT INTO z (id, d) VALUES (2, ?), (3, ?)", []any{"2020-01-01", "0000-00-00"}, "Incorrect date value: '0000-00-00' for column 'd' at row 2"},
		{"ALTER TABLE z ADD COLUMN c DATETIME NOT NULL", nil, "Incorrect datetime value: '0000-00-00 00:00:00' for column 'c' at row 1"},
	} {
		before := snapshot()
		_, err := f.conn.ExecContext(context.Background(), c.q, c.args...)
		wantErr(t, c.q, err, 1292, "22007", c.text)
		if after := snapshot(); after != before {
			t.Fatalf("%s failed but changed z:\n%s", c.q, after)
		}
	}
}

// TestStrictCharsetsWire: a character a latin1 column cannot hold fails the INSERT with
// MySQL's 1366 over the wire, plain and prepared, instead of storing a row whose HEX
// failed ("unable to re-encode string"); INSERT IGNORE stores '?' (sql/backend/strictconv.go).
func TestStrictCharsetsWire(t *testing.T) {
	f := newStrictFixture(t)
	f.exec("CREATE TABLE cs3 (id INT PRIMARY KEY, s VARCHAR(20) CHARACTER SET latin1)")
	for _, c := range []struct {
		q    string
		args []any
		text string
	}{
		{"INSERT INTO cs3 VALUES (1, '日本語')", nil, `Incorrect string value: '\xE6\x97\xA5\xE6\x9C\xAC...' for column 's' at row 1`},
		{"INSERT INTO cs3 VALUES (1, ?), (2, ?)", []any{"ok", "x日"}, `Incorrect string value: '\xE6\x97\xA5' for column 's' at row 2`},
	} {
		_, err := f.conn.ExecContext(context.Background(), c.q, c.args...)
		wantErr(t, c.q, err, 1366, "HY000", c.text)
		if got := f.rows("SELECT COUNT(*) FROM cs3"); got != "0" {
			t.Fatalf("%s failed but left %s rows", c.q, got)
		}
	}
	f.exec("INSERT IGNORE INTO cs3 VALUES (1, 'a日本語')")
	if got := f.rows("SELECT s, HEX(s) FROM cs3"); got != "a???|613F3F3F" {
		t.Fatalf("INSERT IGNORE stored %s", got)
	}
}

// TestIgnoreDecimalOutOfRangeWire: INSERT IGNORE of a DECIMAL out of range stores the
// column's largest value with Warning 1264, over the wire (sql/backend/insertcheck.go).
func TestIgnoreDecimalOutOfRangeWire(t *testing.T) {
	f := newStrictFixture(t)
	f.exec("CREATE TABLE dd (id INT PRIMARY KEY, d DECIMAL(5,2))", "INSERT IGNORE INTO dd VALUES (1, 12345.678)")
	if w := f.rows("SHOW WARNINGS"); w != "Warning|1264|Out of range value for column 'd' at row 1" {
		t.Fatalf("INSERT IGNORE warnings: %s", w)
	}
	if _, err := f.conn.ExecContext(context.Background(), "INSERT IGNORE INTO dd VALUES (2, ?)", "-99999"); err != nil {
		t.Fatal(err)
	}
	if got := f.rows("SELECT d FROM dd ORDER BY id"); got != "999.99; -999.99" {
		t.Fatalf("INSERT IGNORE stored %s, want 999.99; -999.99", got)
	}
}
