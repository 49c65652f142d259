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
