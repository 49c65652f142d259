package server

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestUnionOrderBy: a UNION's (INTERSECT's, EXCEPT's) ORDER BY sorts the result by the
// column it names, by position or by name, also when the first SELECT's column is a
// literal (SELECT 1 UNION SELECT 2 ORDER BY 1 DESC sorted by the constant 1 and returned
// 1, 2; backend unionsort.go): UNION ALL, LIMIT, OFFSET, parenthesized arms, tables,
// derived tables, CTEs, views, subqueries and prepared statements. Expected rows are
// MySQL 8's. A seeded random part checks unions of literals against Go's sort.
func TestUnionOrderBy(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	mustExec(t, connect(t, s, "root", "", ""), "CREATE DATABASE app")
	db := connect(t, s, "root", "", "app")
	mustExec(t, db, "CREATE TABLE t (id INT PRIMARY KEY, a INT)", "INSERT INTO t VALUES (1, 5), (2, 1), (3, 9)",
		"CREATE TABLE s (id INT PRIMARY KEY, b INT)", "INSERT INTO s VALUES (1, 7), (2, 3)",
		"CREATE VIEW v AS SELECT 1 AS n UNION SELECT 2 ORDER BY 1 DESC LIMIT 1")

	for _, c := range []struct {
		q    string
		want []string
	}{
		{"SELECT 1 UNION SELECT 2 ORDER BY 1 DESC", []string{"2", "1"}},
		{"SELECT 1 UNION SELECT 2 ORDER BY 1 DESC LIMIT 1", []string{"2"}},
		{"SELECT 1 UNION SELECT 2 ORDER BY 1 DESC LIMIT 1 OFFSET 1", []string{"1"}},
		{"SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 2 ORDER BY 1 DESC", []string{"2", "2", "1"}},
		{"SELECT 1 UNION SELECT 2 ORDER BY `1` DESC", []string{"2", "1"}},
		{"SELECT 1 UNION SELECT 2 ORDER BY 1 DESC, 1", []string{"2", "1"}},
		{"SELECT 5 UNION SELECT 2 ORDER BY 1", []string{"2", "5"}},
		{"(SELECT 1) UNION (SELECT 2) ORDER BY 1 DESC", []string{"2", "1"}},
		{"(SELECT 1 ORDER BY 1 LIMIT 1) UNION (SELECT 2) ORDER BY 1 DESC", []string{"2", "1"}},
		{"SELECT 1 x UNION SELECT 2 ORDER BY x DESC", []string{"2", "1"}},
		{"SELECT 1 x UNION SELECT 2 ORDER BY x + 0 DESC", []string{"2", "1"}},
		{"SELECT 1, 5 UNION SELECT 2, 4 ORDER BY 2", []string{"2|4", "1|5"}},
		{"SELECT 1, 1 UNION SELECT 2, 3 ORDER BY 2 DESC", []string{"2|3", "1|1"}},
		{"SELECT 'x', 1 UNION SELECT 'y', 2 ORDER BY 2 DESC", []string{"y|2", "x|1"}},
		{"SELECT 'b' UNION SELECT 'a' ORDER BY 1", []string{"a", "b"}},
		{"SELECT 1 UNION SELECT 'a' ORDER BY 1 DESC", []string{"a", "1"}},
		{"SELECT 1.5 UNION SELECT 2.25 ORDER BY 1 DESC", []string{"2.25", "1.50"}},
		{"SELECT NULL UNION SELECT 1 ORDER BY 1 DESC", []string{"1", "NULL"}},
		{"SELECT 1 UNION SELECT 2 INTERSECT SELECT 2 ORDER BY 1 DESC", []string{"2", "1"}},
		{"SELECT 1 UNION SELECT 2 EXCEPT SELECT 3 ORDER BY 1 DESC", []string{"2", "1"}},
		{"SELECT 1 UNION SELECT 2 UNION SELECT 3 ORDER BY 1 DESC", []string{"3", "2", "1"}},
		// three arms and more: GMS found the column by name, the last of two named -8
		{"SELECT -8, -8 UNION SELECT -3, 7 UNION SELECT 5, -6 ORDER BY 1", []string{"-8|-8", "-3|7", "5|-6"}},
		{"SELECT 1, a FROM t UNION SELECT 2, b FROM s UNION SELECT 3, 0 ORDER BY 2 DESC", []string{"1|9", "2|7", "1|5", "2|3", "1|1", "3|0"}},
		{"SELECT a, a * -1 FROM t UNION SELECT 0, 0 UNION SELECT 100, -100 ORDER BY 2", []string{"100|-100", "9|-9", "5|-5", "1|-1", "0|0"}},
		{"SELECT b, id FROM s UNION SELECT 0, 0 UNION SELECT a, 10 FROM t ORDER BY 1 DESC", []string{"9|10", "7|1", "5|10", "3|2", "1|10", "0|0"}},
		// tables, and a literal arm first
		{"SELECT a FROM t UNION SELECT b FROM s ORDER BY 1 DESC", []string{"9", "7", "5", "3", "1"}},
		{"SELECT a FROM t UNION ALL SELECT b FROM s ORDER BY a DESC LIMIT 2", []string{"9", "7"}},
		{"(SELECT a FROM t) UNION (SELECT b FROM s) ORDER BY a", []string{"1", "3", "5", "7", "9"}},
		{"SELECT -a FROM t UNION SELECT b FROM s ORDER BY 1", []string{"-9", "-5", "-1", "3", "7"}},
		{"SELECT a FROM t UNION SELECT b FROM s ORDER BY -a LIMIT 2", []string{"9", "7"}},
		{"SELECT 4 FROM t UNION SELECT b FROM s ORDER BY 1 DESC", []string{"7", "4", "3"}},
		{"SELECT 100 UNION SELECT a FROM t ORDER BY 1 LIMIT 2", []string{"1", "5"}},
		// derived tables, CTEs, views, subqueries
		{"SELECT * FROM (SELECT 1 UNION SELECT 2 ORDER BY 1 DESC LIMIT 1) d", []string{"2"}},
		{"WITH c AS (SELECT 1 UNION SELECT 2 ORDER BY 1 DESC LIMIT 1) SELECT * FROM c", []string{"2"}},
		{"SELECT * FROM v", []string{"2"}},
		{"SELECT a, (SELECT 1 UNION SELECT 2 ORDER BY 1 DESC LIMIT 1) FROM t ORDER BY id", []string{"5|2", "1|2", "9|2"}},
		{"SELECT a, (SELECT 8 UNION SELECT a ORDER BY 1 LIMIT 1) FROM t ORDER BY id", []string{"5|5", "1|1", "9|8"}},
		{"SELECT a FROM t WHERE a IN (SELECT 1 UNION SELECT 9 ORDER BY 1 DESC LIMIT 1)", []string{"9"}},
	} {
		if got := exactRows(t, db, c.q); !slices.Equal(got, c.want) {
			t.Errorf("%s\n got %q\nwant %q", c.q, got, c.want)
		}
	}
	// prepared (go-sql-driver prepares a statement with arguments)
	if got := exactRows(t, db, "SELECT ? UNION SELECT 2 ORDER BY 1 DESC", 1); !slices.Equal(got, []string{"2", "1"}) {
		t.Errorf("prepared SELECT ? UNION SELECT 2 ORDER BY 1 DESC with 1: got %q", got)
	}
	if got := exactRows(t, db, "SELECT 1 UNION SELECT 2 UNION SELECT ? ORDER BY 1 DESC", 0); !slices.Equal(got, []string{"2", "1", "0"}) {
		t.Errorf("prepared SELECT 1 UNION SELECT 2 UNION SELECT ? ORDER BY 1 DESC with 0: got %q", got)
	}

	// seeded random unions of literals, sorted by a random column either way
	seed := uint64(20261126)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	for range 60 {
		n := 2 + rng.IntN(5)
		type row [2]int
		var rows []row
		var arms []string
		for range n {
			r := row{rng.IntN(20) - 10, rng.IntN(20) - 10}
			rows = append(rows, r)
			arms = append(arms, fmt.Sprintf("SELECT %d, %d", r[0], r[1]))
		}
		all := rng.IntN(2) == 0
		op := " UNION "
		if all {
			op = " UNION ALL "
		}
		col := rng.IntN(2)
		desc := rng.IntN(2) == 0
		q := strings.Join(arms, op) + fmt.Sprintf(" ORDER BY %d", col+1)
		if desc {
			q += " DESC"
		}
		if !all {
			rows = slices.Compact(slices.SortedFunc(slices.Values(rows), func(x, y row) int {
				if x[0] != y[0] {
					return x[0] - y[0]
				}
				return x[1] - y[1]
			}))
		}
		// check the sort column only: ties keep no particular order
		var want, got []string
		keys := make([]int, len(rows))
		for i, r := range rows {
			keys[i] = r[col]
		}
		slices.Sort(keys)
		if desc {
			slices.Reverse(keys)
		}
		for _, k := range keys {
			want = append(want, fmt.Sprint(k))
		}
		for _, r := range exactRows(t, db, q) {
			got = append(got, strings.Split(r, "|")[col])
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s\n got sort column %q\nwant %q", q, got, want)
		}
	}
}
