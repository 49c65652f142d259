package server

import (
	"database/sql"
	"slices"
	"testing"
)

// TestAggregateNullability: MIN, MAX, STD, VARIANCE and JSON_ARRAYAGG (and SUM, AVG) of
// a NOT NULL column are described to clients as nullable, as MySQL and MariaDB describe
// them: they are NULL over no rows (sql/backend nullagg.go). COUNT and BIT_AND stay NOT
// NULL. Checked through go-sql-driver's column types for text and prepared statements,
// grouped and not, and as window functions; JSON_ARRAYAGG over no rows is NULL, not
// '[]'.
func TestAggregateNullability(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE t (id INT PRIMARY KEY, g INT NOT NULL, s VARCHAR(10) NOT NULL, d DOUBLE NOT NULL)",
		"CREATE TABLE e (id INT PRIMARY KEY, s VARCHAR(10) NOT NULL)")
	mustExec(t, db, "INSERT INTO t VALUES (1, 1, 'a', 1.5), (2, 1, 'b', 2.5), (3, 2, 'c', 4)")

	nullable := func(q string, args ...any) []bool {
		t.Helper()
		var rows *sql.Rows
		var err error
		if len(args) > 0 {
			rows, err = db.Query(q, args...)
		} else {
			rows, err = db.Query(q)
		}
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cts, err := rows.ColumnTypes()
		if err != nil {
			t.Fatal(err)
		}
		var out []bool
		for _, ct := range cts {
			n, ok := ct.Nullable()
			if !ok {
				t.Fatalf("%s: column %s: driver reports no nullability", q, ct.Name())
			}
			out = append(out, n)
		}
		for rows.Next() {
		}
		return out
	}
	const nullAggs = "MIN(id), MAX(id), MAX(s), MIN(d), STD(g), STDDEV_SAMP(g), VARIANCE(d), VAR_SAMP(g), JSON_ARRAYAGG(id), SUM(id), AVG(g)"
	want := []bool{true, true, true, true, true, true, true, true, true, true, true, false}
	for _, q := range []string{
		"SELECT " + nullAggs + ", COUNT(id) FROM t",
		"SELECT " + nullAggs + ", COUNT(*) FROM t WHERE id > 100",
		"SELECT " + nullAggs + ", COUNT(*) FROM t GROUP BY g",
		"SELECT " + nullAggs + ", COUNT(id) FROM t WHERE id > ?",
	} {
		var args []any
		if q[len(q)-1] == '?' {
			args = []any{0}
		}
		if got := nullable(q, args...); !slices.Equal(got, want) {
			t.Errorf("%s: nullable %v, want %v", q, got, want)
		}
	}
	if got, want := nullable("SELECT id, MAX(g) OVER (ORDER BY id), MIN(s) OVER (), COUNT(*) OVER () FROM t"), []bool{false, true, true, false}; !slices.Equal(got, want) {
		t.Errorf("window: nullable %v, want %v", got, want)
	}

	// Values over no rows: NULL for all but COUNT; JSON_ARRAYAGG too.
	for _, q := range []string{
		"SELECT MAX(id), MIN(s), STD(id), JSON_ARRAYAGG(id), JSON_ARRAYAGG(s), COUNT(*) FROM e",
		"SELECT MAX(id), MIN(s), STD(g), JSON_ARRAYAGG(id), JSON_ARRAYAGG(s), COUNT(*) FROM t WHERE g > 5",
	} {
		got := charpadRows(t, db, q)
		if want := []string{"NULL|NULL|NULL|NULL|NULL|0"}; !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
	// ... and over rows, GMS's values.
	got := charpadRows(t, db, "SELECT g, MAX(id), MIN(s), JSON_ARRAYAGG(id) FROM t GROUP BY g ORDER BY g")
	if want := []string{"1|2|a|[1, 2]", "2|3|c|[3]"}; !slices.Equal(got, want) {
		t.Errorf("grouped: %v, want %v", got, want)
	}
}
