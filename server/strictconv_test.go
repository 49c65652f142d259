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
