package server

import "testing"

// TestOdkuSelectValues: VALUES(col) in the ON DUPLICATE KEY UPDATE of an INSERT ... SELECT
// is the value the INSERT would have written to col (odkuselect.go; GMS failed with "expected
// ON DUPLICATE KEY ... VALUES() to reference a column"), as is a derived table's alias; by
// the text protocol, prepared, and in a procedure body. Every expected count and table is
// MariaDB 10.11's answer to the same statements.
func TestOdkuSelectValues(t *testing.T) {
	db := openReplaceTriggers(t,
		"CREATE TABLE t (a INT PRIMARY KEY, b INT, c INT DEFAULT 0)",
		"CREATE TABLE s (x INT, y INT)",
		"INSERT INTO t (a, b) VALUES (1, 10), (2, 20)",
		"INSERT INTO s VALUES (1, 100), (3, 300)")
	for _, c := range []struct {
		q     string
		n     int64
		table string
	}{
		{"INSERT INTO t (a, b) SELECT x, y FROM s ON DUPLICATE KEY UPDATE b = VALUES(b)", 3,
			"1 100 0|2 20 0|3 300 0"},
		// an alias that names a column of t: VALUES(b) is still the SELECT's y * 2
		{"INSERT INTO t (a, b) SELECT x, y * 2 AS b FROM s ON DUPLICATE KEY UPDATE b = VALUES(b) + 1, c = c + 1", 4,
			"1 201 1|2 20 0|3 601 1"},
		{"INSERT INTO t (b, a) SELECT y + 5, x FROM s WHERE x = 1 ON DUPLICATE KEY UPDATE b = VALUES(b), c = VALUES(a)", 2,
			"1 105 1|2 20 0|3 601 1"},
		// no column list: t's columns
		{"INSERT INTO t SELECT x, y, 7 FROM s ON DUPLICATE KEY UPDATE c = VALUES(c) + VALUES(b)", 4,
			"1 105 107|2 20 0|3 601 307"},
		// the SELECT reads t itself
		{"INSERT INTO t (a, b) SELECT s.x, t2.b FROM s JOIN t AS t2 ON t2.a = s.x ON DUPLICATE KEY UPDATE b = VALUES(b) - 1", 4,
			"1 104 107|2 20 0|3 600 307"},
		{"INSERT INTO t (a, b) SELECT x, y FROM s WHERE y > 1000 ON DUPLICATE KEY UPDATE b = VALUES(b)", 0,
			"1 104 107|2 20 0|3 600 307"},
		// MySQL 8's form: the derived table's alias
		{"INSERT INTO t (a, b) SELECT * FROM (SELECT x, y FROM s) AS n ON DUPLICATE KEY UPDATE b = n.y + 1", 4,
			"1 101 107|2 20 0|3 301 307"},
	} {
		r, err := db.Exec(c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if n, _ := r.RowsAffected(); n != c.n {
			t.Errorf("%s: affected %d, want %d", c.q, n, c.n)
		}
		if got := replaceRows(t, db, "SELECT * FROM t ORDER BY a"); got != c.table {
			t.Errorf("%s: t is %s, want %s", c.q, got, c.table)
		}
	}

	// prepared (COM_STMT_PREPARE) and in a procedure
	q := "INSERT INTO t (a, b) SELECT x, y + ? FROM s ON DUPLICATE KEY UPDATE b = VALUES(b)"
	if _, err := db.Exec(q, 2); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if got, want := replaceRows(t, db, "SELECT * FROM t ORDER BY a"), "1 102 107|2 20 0|3 302 307"; got != want {
		t.Errorf("%s: t is %s, want %s", q, got, want)
	}
	mustExec(t, db, "CREATE PROCEDURE p(IN k INT) BEGIN INSERT INTO t (a, b) SELECT x, y + k FROM s ON DUPLICATE KEY UPDATE b = VALUES(b); END",
		"CALL p(5)")
	if got, want := replaceRows(t, db, "SELECT * FROM t ORDER BY a"), "1 105 107|2 20 0|3 305 307"; got != want {
		t.Errorf("CALL p(5): t is %s, want %s", got, want)
	}
}
