package server

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestSortAboveLimit: an ORDER BY over a derived table (or view) that has its own ORDER
// BY ... LIMIT/OFFSET sorts the rows the LIMIT picked, as MySQL does. GMS reversed the
// index scan under the LIMIT for an outer DESC and returned the wrong rows
// (backend.InstallPlannerFixes, sql/backend/sortlimit.go). 300 seeded random queries over
// the primary key and a secondary index, checked against a model; and a top-level ORDER
// BY ... DESC LIMIT still reads the index in reverse with no Sort.
func TestSortAboveLimit(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE t (id INT PRIMARY KEY, k INT, KEY k_idx (k))")
	const n = 40
	rng := rand.New(rand.NewPCG(7, 11))
	type row struct{ id, k int }
	var rows []row
	var vals []string
	for i := 1; i <= n; i++ {
		r := row{id: i, k: rng.IntN(1000)*n + i} // distinct k, random order
		rows = append(rows, r)
		vals = append(vals, fmt.Sprintf("(%d, %d)", r.id, r.k))
	}
	mustExec(t, db, "INSERT INTO t VALUES "+strings.Join(vals, ", "))
	mustExec(t, db, "CREATE VIEW v AS SELECT id, k FROM t ORDER BY k DESC LIMIT 5")

	dir := func(desc bool) string {
		if desc {
			return "DESC"
		}
		return "ASC"
	}
	sorted := func(col string, desc bool) []row {
		out := slices.Clone(rows)
		slices.SortFunc(out, func(a, b row) int {
			x, y := a.id, b.id
			if col == "k" {
				x, y = a.k, b.k
			}
			if desc {
				x, y = y, x
			}
			return x - y
		})
		return out
	}
	for i := range 300 {
		innerCol, outerCol := []string{"id", "k"}[rng.IntN(2)], []string{"id", "k"}[rng.IntN(2)]
		innerDesc, outerDesc := rng.IntN(2) == 0, rng.IntN(2) == 0
		limit, offset := 1+rng.IntN(8), rng.IntN(4)
		q := fmt.Sprintf("SELECT id FROM (SELECT id, k FROM t ORDER BY %s %s LIMIT %d OFFSET %d) d ORDER BY %s %s",
			innerCol, dir(innerDesc), limit, offset, outerCol, dir(outerDesc))
		if rng.IntN(4) == 0 { // a filter inside
			q = strings.Replace(q, "FROM t ORDER", "FROM t WHERE id > 3 ORDER", 1)
		}
		picked := sorted(innerCol, innerDesc)
		if strings.Contains(q, "id > 3") {
			picked = slices.DeleteFunc(picked, func(r row) bool { return r.id <= 3 })
		}
		picked = picked[min(offset, len(picked)):min(offset+limit, len(picked))]
		slices.SortFunc(picked, func(a, b row) int {
			x, y := a.id, b.id
			if outerCol == "k" {
				x, y = a.k, b.k
			}
			if outerDesc {
				x, y = y, x
			}
			return x - y
		})
		var want []string
		for _, r := range picked {
			want = append(want, fmt.Sprint(r.id))
		}
		if got := queryStrings(t, db, q); !slices.Equal(got, want) {
			t.Fatalf("query %d: %s\ngot  %v\nwant %v", i, q, got, want)
		}
	}
	// A view with ORDER BY ... LIMIT, sorted the other way outside.
	var want []string
	top := sorted("k", true)[:5]
	slices.SortFunc(top, func(a, b row) int { return a.k - b.k })
	for _, r := range top {
		want = append(want, fmt.Sprint(r.id))
	}
	if got := queryStrings(t, db, "SELECT id FROM v ORDER BY k"); !slices.Equal(got, want) {
		t.Fatalf("view: got %v, want %v", got, want)
	}
	// The fix leaves the plain top-N alone: a reverse index scan, no Sort.
	plan := strings.Join(queryStrings(t, db, "EXPLAIN PLAN SELECT id FROM t ORDER BY id DESC LIMIT 3"), "\n")
	if strings.Contains(plan, "Sort") || !strings.Contains(plan, "reverse: true") {
		t.Fatalf("top-level ORDER BY id DESC LIMIT 3 no longer uses the index in reverse:\n%s", plan)
	}
}

// queryStrings returns the first column of q's rows as strings.
func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
