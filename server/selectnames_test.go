package server

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestHavingAlias: a name in HAVING is the SELECT list's alias before the table's
// column of the same name, unless GROUP BY lists the column; inside an aggregate it is
// the column. Checked as text, prepared, in a derived table and in a view.
func TestHavingAlias(t *testing.T) {
	dir := t.TempDir()
	initRepo(t, filepath.Join(dir, "app"))
	s, _ := startServer(t, testConfig(dir))
	db := connect(t, s, "root", "", "app")
	db.SetMaxOpenConns(1)
	mustExec(t, db,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, v INT)",
		"INSERT INTO t VALUES (1, 1, 1), (2, 1, 5), (3, 2, 1), (4, 2, 1), (5, 3, 10)")
	for _, c := range []struct{ q, want string }{
		// v is SUM(v): groups 1 (6) and 3 (10); GMS read the column and kept 3 only.
		{"SELECT a, SUM(v) AS v FROM t GROUP BY a HAVING v > 3 ORDER BY a", "1|6,3|10"},
		{"SELECT a, SUM(v) AS v FROM t GROUP BY a HAVING v > 3 ORDER BY v DESC", "3|10,1|6"},
		// Inside an aggregate, v is the column.
		{"SELECT a, SUM(v) AS v FROM t GROUP BY a HAVING MAX(v) > 3 ORDER BY a", "1|6,3|10"},
		// A GROUP BY column goes before the alias.
		{"SELECT a, SUM(v) AS v FROM t GROUP BY a, v HAVING v > 3 ORDER BY a", "1|5,3|10"},
		// An alias of a plain column, and an alias that shadows nothing.
		{"SELECT a AS v FROM t GROUP BY a HAVING v > 1 ORDER BY v", "2,3"},
		{"SELECT a, COUNT(*) AS n FROM t GROUP BY a HAVING n >= 2 AND a < 3 ORDER BY n, a", "1|2,2|2"},
		// A qualified name is the column.
		{"SELECT a, SUM(v) AS v FROM t GROUP BY a HAVING MAX(t.v) >= 5 ORDER BY a", "1|6,3|10"},
		// In a derived table.
		{"SELECT * FROM (SELECT a, SUM(v) AS v FROM t GROUP BY a HAVING v > 3) x ORDER BY a", "1|6,3|10"},
	} {
		if got := strings.Join(queryRows(t, db, c.q), ","); got != c.want {
			t.Errorf("%s = %q, want %q", c.q, got, c.want)
		}
	}
	// Prepared, with a parameter in the HAVING.
	rows, err := db.Query("SELECT a FROM t GROUP BY a HAVING COUNT(*) >= ? AND SUM(v) > ? ORDER BY a", 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		got = append(got, a)
	}
	rows.Close()
	if strings.Join(got, ",") != "1,3" {
		t.Errorf("prepared HAVING: %v, want [1 3]", got)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM (SELECT a, SUM(v) AS v FROM t GROUP BY a HAVING v > ?) x", 3).Scan(&n); err != nil || n != 2 {
		t.Errorf("prepared HAVING alias: %d, %v (want 2)", n, err)
	}
	// A view keeps the meaning.
	mustExec(t, db, "CREATE VIEW big AS SELECT a, SUM(v) AS v FROM t GROUP BY a HAVING v > 3")
	if got := strings.Join(queryRows(t, db, "SELECT a, v FROM big ORDER BY a"), ","); got != "1|6,3|10" {
		t.Errorf("view: %q, want %q", got, "1|6,3|10")
	}
}

// TestDistinctOrderByPosition: ORDER BY n of a SELECT DISTINCT sorts by the n-th
// expression, with or without an alias (GMS failed on an expression).
func TestDistinctOrderByPosition(t *testing.T) {
	dir := t.TempDir()
	initRepo(t, filepath.Join(dir, "app"))
	s, _ := startServer(t, testConfig(dir))
	db := connect(t, s, "root", "", "app")
	db.SetMaxOpenConns(1)
	mustExec(t, db,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, d DATE)",
		"INSERT INTO t VALUES (1, 1, '2024-01-15'), (2, 1, '2024-02-01'), (3, 2, '2023-03-01'), (4, 2, '2023-05-01'), (5, 3, '2022-01-01')")
	for _, c := range []struct{ q, want string }{
		{"SELECT DISTINCT YEAR(d) FROM t ORDER BY 1", "2022,2023,2024"},
		{"SELECT DISTINCT YEAR(d) AS y FROM t ORDER BY 1 DESC", "2024,2023,2022"},
		{"SELECT DISTINCT YEAR(d), a FROM t ORDER BY 2 DESC, 1", "2022|3,2023|2,2024|1"},
		{"SELECT DISTINCT a + 1 FROM t ORDER BY 1 DESC", "4,3,2"},
		{"SELECT DISTINCT a FROM t ORDER BY 1", "1,2,3"},
	} {
		if got := strings.Join(queryRows(t, db, c.q), ","); got != c.want {
			t.Errorf("%s = %q, want %q", c.q, got, c.want)
		}
	}
	// A position past the list is still an error.
	if _, err := db.Exec("SELECT DISTINCT YEAR(d) FROM t ORDER BY 2"); err == nil {
		t.Error("ORDER BY 2 of one column: no error")
	}
}
