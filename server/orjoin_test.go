package server

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestOrJoinKeepsFilters: a join on an OR of indexed equalities (planned by GMS as a
// lookup join over a Concat of index lookups) keeps the WHERE and ON conditions on the
// looked-up table, as in MySQL. GMS turned a condition such as t2.x = 22 into an index
// range scan of t2 and then replaced that scan with the lookups, so rows of t2 with any
// x came back (backend.InstallPlannerFixes, sql/backend/orjoin.go). Seeded random
// tables with NULLs; JOIN, LEFT JOIN and RIGHT JOIN with the condition on either side,
// in the WHERE and in the ON, two and three OR branches, aliases and EXISTS, each run
// as a query and as a prepared statement and checked against a model of the join.
func TestOrJoinKeepsFilters(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE t1 (id INT PRIMARY KEY, a INT, b INT, c VARCHAR(8), KEY t1_b (b), KEY t1_c (c))",
		"CREATE TABLE t2 (id INT PRIMARY KEY, x INT, s VARCHAR(8), KEY t2_xs (x, s))")
	rng := rand.New(rand.NewPCG(20261126, 7))
	words := []string{"ant", "bee", "cat", "dog", "eel", "fox"}
	// 0 and "" stand for NULL.
	word := func() string {
		if rng.IntN(10) == 0 {
			return ""
		}
		return words[rng.IntN(len(words))]
	}
	num := func(hi int) int {
		if rng.IntN(10) == 0 {
			return 0
		}
		return 1 + rng.IntN(hi)
	}
	lit := func(s string) string {
		if s == "" {
			return "NULL"
		}
		return "'" + s + "'"
	}
	var t1s []orRow1
	var vals []string
	for _, id := range rng.Perm(300)[:200] {
		r := orRow1{id: id + 1, a: num(50), b: num(12), c: word()}
		t1s = append(t1s, r)
		vals = append(vals, fmt.Sprintf("(%d, %s, %s, %s)", r.id, nullIfZero(r.a), nullIfZero(r.b), lit(r.c)))
	}
	mustExec(t, db, "INSERT INTO t1 VALUES "+strings.Join(vals, ", "))
	var t2s []orRow2
	vals = nil
	for _, id := range rng.Perm(200)[:150] {
		r := orRow2{id: id + 1, x: num(12), s: word()}
		t2s = append(t2s, r)
		vals = append(vals, fmt.Sprintf("(%d, %s, %s)", r.id, nullIfZero(r.x), lit(r.s)))
	}
	mustExec(t, db, "INSERT INTO t2 VALUES "+strings.Join(vals, ", "))

	eq := func(a, b int) bool { return a != 0 && a == b }
	eqs := func(a, b string) bool { return a != "" && a == b }
	// Each shape is a query with one %d (the constant k), its join kind (the model's
	// "t1 <kind> t2", whatever the order in the SQL) and its ON and WHERE conditions
	// (nil: none; a nil row is the NULL row of an outer join).
	type shape struct {
		sql   string
		kind  string // "inner", "left" (every t1 row kept), "right" (every t2 row kept)
		on    func(r1 *orRow1, r2 *orRow2, k int) bool
		where func(r1 *orRow1, r2 *orRow2, k int) bool
	}
	onAC := func(r1 *orRow1, r2 *orRow2, _ int) bool { return eq(r2.id, r1.a) || eqs(r2.s, r1.c) }
	x2 := func(_ *orRow1, r2 *orRow2, k int) bool { return r2 != nil && eq(r2.x, k) }
	b1 := func(r1 *orRow1, _ *orRow2, k int) bool { return r1 != nil && eq(r1.b, k) }
	shapes := []shape{
		{"SELECT t1.id, t2.id FROM t2 JOIN t1 ON (t1.b = t2.x OR t1.c = t2.s) AND t1.a > 25 WHERE t2.x = %d", "inner",
			func(r1 *orRow1, r2 *orRow2, _ int) bool {
				return (eq(r1.b, r2.x) || eqs(r1.c, r2.s)) && r1.a != 0 && r1.a > 25
			}, x2},
		{"SELECT t1.id, t2.id FROM t1 JOIN t2 ON (t2.id = t1.a OR t2.s = t1.c) WHERE t2.x = %d", "inner", onAC, x2},
		{"SELECT t1.id, t2.id FROM t2 JOIN t1 ON (t1.c = t2.s OR t1.id = t2.x) WHERE t1.b = %d", "inner",
			func(r1 *orRow1, r2 *orRow2, _ int) bool { return eqs(r1.c, r2.s) || eq(r1.id, r2.x) }, b1},
		{"SELECT t1.id, t2.id FROM t1 JOIN t2 ON (t2.id = t1.a OR t2.s = t1.c OR t2.x = t1.b) WHERE t2.x = %d", "inner",
			func(r1 *orRow1, r2 *orRow2, k int) bool { return onAC(r1, r2, k) || eq(r2.x, r1.b) }, x2},
		{"SELECT t1.id, t2.id FROM t2 JOIN t1 ON (t1.c = t2.s OR t1.id = t2.x OR t1.a = t2.id) WHERE t1.b = %d", "inner",
			func(r1 *orRow1, r2 *orRow2, _ int) bool { return eqs(r1.c, r2.s) || eq(r1.id, r2.x) || eq(r1.a, r2.id) }, b1},
		{"SELECT t1.id, t2.id FROM t2 JOIN t1 ON (t1.c = t2.s OR t1.id = t2.x) WHERE t1.b > %d", "inner",
			func(r1 *orRow1, r2 *orRow2, _ int) bool { return eqs(r1.c, r2.s) || eq(r1.id, r2.x) },
			func(r1 *orRow1, _ *orRow2, k int) bool { return r1.b != 0 && r1.b > k }},
		{"SELECT p.id, q.id FROM t1 AS p JOIN t2 AS q ON (q.id = p.a OR q.s = p.c) WHERE q.x = %d", "inner", onAC, x2},
		{"SELECT t1.id, t2.id FROM t1 LEFT JOIN t2 ON (t2.id = t1.a OR t2.s = t1.c) AND t2.x = %d", "left",
			func(r1 *orRow1, r2 *orRow2, k int) bool { return onAC(r1, r2, k) && eq(r2.x, k) }, nil},
		{"SELECT t1.id, t2.id FROM t1 LEFT JOIN t2 ON (t2.id = t1.a OR t2.s = t1.c) WHERE t2.x = %d", "left", onAC, x2},
		{"SELECT t1.id, t2.id FROM t1 LEFT JOIN t2 ON (t2.id = t1.a OR t2.s = t1.c) WHERE t1.b = %d", "left", onAC, b1},
		{"SELECT t1.id, t2.id FROM t2 LEFT JOIN t1 ON (t1.c = t2.s OR t1.id = t2.x) WHERE t2.x > %d", "right",
			func(r1 *orRow1, r2 *orRow2, _ int) bool { return eqs(r1.c, r2.s) || eq(r1.id, r2.x) },
			func(_ *orRow1, r2 *orRow2, k int) bool { return r2.x != 0 && r2.x > k }},
		{"SELECT t1.id, t2.id FROM t2 LEFT JOIN t1 ON (t1.c = t2.s OR t1.id = t2.x) AND t1.b = %d", "right",
			func(r1 *orRow1, r2 *orRow2, k int) bool { return (eqs(r1.c, r2.s) || eq(r1.id, r2.x)) && eq(r1.b, k) }, nil},
		{"SELECT t1.id, t2.id FROM t2 RIGHT JOIN t1 ON (t2.id = t1.a OR t2.s = t1.c) WHERE t1.b = %d", "left", onAC, b1},
		{"SELECT t1.id, t2.id FROM t2 RIGHT JOIN t1 ON (t2.id = t1.a OR t2.s = t1.c) AND t2.x = %d", "left",
			func(r1 *orRow1, r2 *orRow2, k int) bool { return onAC(r1, r2, k) && eq(r2.x, k) }, nil},
		{"SELECT t1.id, t2.id FROM t1 RIGHT JOIN t2 ON (t2.id = t1.a OR t2.s = t1.c) WHERE t2.x = %d", "right", onAC, x2},
		{"SELECT t1.id, t2.id FROM t1 RIGHT JOIN t2 ON (t1.c = t2.s OR t1.id = t2.x) AND t1.b = %d", "right",
			func(r1 *orRow1, r2 *orRow2, k int) bool { return (eqs(r1.c, r2.s) || eq(r1.id, r2.x)) && eq(r1.b, k) }, nil},
		{"SELECT t1.id, t2.id FROM t1 JOIN t2 ON (t2.id = t1.a OR t2.s = t1.c) AND t2.x = %d", "inner",
			func(r1 *orRow1, r2 *orRow2, k int) bool { return onAC(r1, r2, k) && eq(r2.x, k) }, nil},
		// a semi join: its model is the inner join's t1 rows, each once, with t2.id NULL
		{"SELECT t1.id, NULL FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE (t2.id = t1.a OR t2.s = t1.c) AND t2.x = %d)", "semi",
			func(r1 *orRow1, r2 *orRow2, k int) bool { return onAC(r1, r2, k) && eq(r2.x, k) }, nil},
	}
	// GMS plans the first shape as a concat lookup join on t2 (the shape that lost its
	// filter); without one the test would no longer cover the fix.
	plan := strings.Join(queryStrings(t, db, "EXPLAIN PLAN "+fmt.Sprintf(shapes[0].sql, 3)), "\n")
	if !strings.Contains(plan, "Concat") {
		t.Fatalf("the OR join is no longer planned as a concat lookup join:\n%s", plan)
	}
	for i := range 6 * len(shapes) { // each shape with six random constants
		sh := shapes[i%len(shapes)]
		k := 1 + rng.IntN(13) // 13: no row has it
		want := orJoinModel(t1s, t2s, sh.kind, func(r1 *orRow1, r2 *orRow2) bool { return sh.on(r1, r2, k) },
			func(r1 *orRow1, r2 *orRow2) bool { return sh.where == nil || sh.where(r1, r2, k) })
		q := fmt.Sprintf(sh.sql, k)
		got := queryRows(t, db, q)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("query %d: %s\ngot  %d rows %v\nwant %d rows %v", i, q, len(got), got, len(want), want)
		}
		// The same as a prepared statement (the constant a parameter).
		pq := strings.Replace(sh.sql, "%d", "?", 1)
		got = preparedPairs(t, db, pq, k)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("query %d prepared: %s with %d\ngot  %d rows %v\nwant %d rows %v", i, pq, k, len(got), got, len(want), want)
		}
	}
}

type orRow1 struct {
	id, a, b int
	c        string
}

type orRow2 struct {
	id, x int
	s     string
}

// orJoinModel returns the rows "t1.id|t2.id" (NULL for the missing side of an outer
// join) of t1s <kind> t2s ON on WHERE where, sorted; kind "semi" gives each t1 row
// with a match once, with t2.id NULL (its where is not used).
func orJoinModel(t1s []orRow1, t2s []orRow2, kind string, on, where func(*orRow1, *orRow2) bool) []string {
	var out []string
	add := func(r1 *orRow1, r2 *orRow2) {
		if !where(r1, r2) {
			return
		}
		a, b := "NULL", "NULL"
		if r1 != nil {
			a = fmt.Sprint(r1.id)
		}
		if r2 != nil {
			b = fmt.Sprint(r2.id)
		}
		out = append(out, a+"|"+b)
	}
	matched2 := make([]bool, len(t2s))
	for i := range t1s {
		r1 := &t1s[i]
		matched := false
		for j := range t2s {
			r2 := &t2s[j]
			if !on(r1, r2) {
				continue
			}
			matched, matched2[j] = true, true
			if kind != "semi" {
				add(r1, r2)
			}
		}
		switch {
		case kind == "semi" && matched:
			out = append(out, fmt.Sprint(r1.id)+"|NULL")
		case kind == "left" && !matched:
			add(r1, nil)
		}
	}
	if kind == "right" {
		for j := range t2s {
			if !matched2[j] {
				add(nil, &t2s[j])
			}
		}
	}
	slices.Sort(out)
	return out
}

// preparedPairs returns the rows of two columns, as "a|b" (NULL as "NULL"), of q
// prepared on the server and executed with args.
func preparedPairs(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	stmt, err := db.Prepare(q)
	if err != nil {
		t.Fatalf("prepare %s: %v", q, err)
	}
	defer stmt.Close()
	rows, err := stmt.Query(args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a, b sql.NullString
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		pair := []string{"NULL", "NULL"}
		for i, v := range []sql.NullString{a, b} {
			if v.Valid {
				pair[i] = v.String
			}
		}
		out = append(out, pair[0]+"|"+pair[1])
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
