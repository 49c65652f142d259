package server

import (
	"testing"
)

// TestCeilFloorKeepArgument: CEIL, CEILING and FLOOR of a DECIMAL column leave the row's
// value alone (sql/backend decimalcopy.go). GMS rounded the row's own value in place:
// SELECT x, CEIL(x), x showed the rounded x twice, and an UPDATE filtering on FLOOR(x)
// wrote the rounded x back to the table. Text and prepared statements.
func TestCeilFloorKeepArgument(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE m (id INT PRIMARY KEY, x DECIMAL(8,2), note VARCHAR(10))",
		"INSERT INTO m VALUES (1, 5.50, ''), (2, -5.50, ''), (3, 7.25, '')")
	var x1, c, x2, f, x3, cc string
	for _, q := range []string{
		"SELECT x, CEIL(x), x, FLOOR(x), x, CEILING(x) FROM m WHERE id = 1",
		"SELECT x, CEIL(x), x, FLOOR(x), x, CEILING(x) FROM m WHERE id = ?",
	} {
		var err error
		if q[len(q)-1] == '?' {
			err = db.QueryRow(q, 1).Scan(&x1, &c, &x2, &f, &x3, &cc)
		} else {
			err = db.QueryRow(q).Scan(&x1, &c, &x2, &f, &x3, &cc)
		}
		if err != nil || x1 != "5.50" || c != "6" || x2 != "5.50" || f != "5" || x3 != "5.50" || cc != "6" {
			t.Fatalf("%s: %s %s %s %s %s %s, %v", q, x1, c, x2, f, x3, cc, err)
		}
	}
	mustExec(t, db,
		"UPDATE m SET note = 'upd' WHERE FLOOR(x) = 5",
		"UPDATE m SET note = 'neg' WHERE CEIL(x) = -5",
		"CREATE TABLE cp (id INT PRIMARY KEY, x DECIMAL(8,2), f DECIMAL(8,2))",
		"INSERT INTO cp SELECT id, x, FLOOR(x) FROM m")
	rows := charpadRows(t, db, "SELECT m.id, m.x, m.note, cp.x, cp.f FROM m JOIN cp ON cp.id = m.id ORDER BY m.id")
	want := []string{"1|5.50|upd|5.50|5.00", "2|-5.50|neg|-5.50|-6.00", "3|7.25||7.25|7.00"}
	if len(rows) != len(want) {
		t.Fatalf("rows %v, want %v", rows, want)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Fatalf("rows %v, want %v", rows, want)
		}
	}
}
