package backend_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLookupFastPathsMatchScans checks the lookup fast paths against scans that cannot use
// an index: projected rows (sql.ProjectedTable), secondary indexes that cover the query's
// columns (no row read), and ranges whose integer bounds are exact (no range filter run),
// with open and closed bounds, NULLs, negative and unsigned values, and keyless tables.
func TestLookupFastPathsMatchScans(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, u INT UNSIGNED, s TINYINT, c VARCHAR(20), KEY ia (a), KEY iua (u, a), KEY is_ (s), KEY ic (c(2)))",
		"CREATE TABLE kl (a INT, b BIGINT, c VARCHAR(10), KEY ka (a), KEY kab (a, b))",
	)
	var vals, kvals []string
	num := func(lo, hi int) string {
		if rng.IntN(8) == 0 {
			return "NULL"
		}
		return fmt.Sprint(lo + rng.IntN(hi-lo+1))
	}
	for i := 0; i < 400; i++ {
		vals = append(vals, fmt.Sprintf("(%d, %s, %s, %s, 'v%03d')", i-200, num(-20, 20), num(0, 30), num(-128, 127), rng.IntN(500)))
		kvals = append(kvals, fmt.Sprintf("(%s, %s, 'k%d')", num(-5, 5), num(-3, 3), rng.IntN(4)))
	}
	e.exec(ctx, "INSERT INTO t VALUES "+strings.Join(vals, ","), "INSERT INTO kl VALUES "+strings.Join(kvals, ","))

	ops := []string{"=", "<", "<=", ">", ">=", "<>"}
	cond := func(col string, lo, hi int) string {
		switch rng.IntN(6) {
		case 0:
			return fmt.Sprintf("%s BETWEEN %d AND %d", col, lo+rng.IntN(hi-lo+1), lo+rng.IntN(hi-lo+1))
		case 1:
			return col + " IS NULL"
		case 2:
			return col + " IS NOT NULL"
		case 3:
			return fmt.Sprintf("%s %s %d.5", col, ops[rng.IntN(len(ops))], lo+rng.IntN(hi-lo+1))
		default:
			return fmt.Sprintf("%s %s %d", col, ops[rng.IntN(len(ops))], lo+rng.IntN(hi-lo+1))
		}
	}
	where := func(cols []string, lo, hi int) string {
		var parts []string
		for i := 0; i <= rng.IntN(3); i++ {
			c := cols[rng.IntN(len(cols))]
			p := cond(c, lo, hi)
			if rng.IntN(2) == 0 {
				p = "(" + p + " AND " + cond(cols[rng.IntN(len(cols))], lo, hi) + ")"
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, " OR ")
	}
	// noIndex defeats index use: every column reference c becomes (c + 0).
	noIndex := func(w string, cols []string) string {
		for _, c := range cols {
			w = strings.ReplaceAll(w, c+" ", "("+c+" + 0) ")
		}
		return w
	}
	projs := []string{"*", "a", "id", "count(a)", "u, a", "a, id", "c", "count(*)", "s, id", "sum(a)"}
	for i := 0; i < 300; i++ {
		cols := []string{"id", "a", "u", "s"}
		w := where(cols, -25, 35)
		p := projs[rng.IntN(len(projs))]
		q := fmt.Sprintf("SELECT %s FROM t WHERE %s", p, w)
		want := e.rows(ctx, fmt.Sprintf("SELECT %s FROM t WHERE %s", p, noIndex(w, cols)))
		require.ElementsMatch(t, want, e.rows(ctx, q), q)
	}
	for i := 0; i < 100; i++ {
		cols := []string{"a", "b"}
		w := where(cols, -6, 6)
		p := []string{"*", "a", "count(a)", "a, b", "b", "c"}[rng.IntN(6)]
		q := fmt.Sprintf("SELECT %s FROM kl WHERE %s", p, w)
		want := e.rows(ctx, fmt.Sprintf("SELECT %s FROM kl WHERE %s", p, noIndex(w, cols)))
		require.ElementsMatch(t, want, e.rows(ctx, q), q)
	}
	// A covered lookup and the sysbench shapes, with their plans.
	p := e.plan(ctx, "SELECT count(a) FROM t WHERE a BETWEEN 1 AND 3 OR a BETWEEN 2 AND 5")
	require.Contains(t, p, "columns: [a]", p)
	require.Equal(t, e.rows(ctx, "SELECT count(a) FROM t WHERE a + 0 BETWEEN 1 AND 5"),
		e.rows(ctx, "SELECT count(a) FROM t WHERE a BETWEEN 1 AND 3 OR a BETWEEN 2 AND 5"))
	require.Equal(t, e.rows(ctx, "SELECT c FROM t WHERE id + 0 BETWEEN -10 AND 10 ORDER BY id"),
		e.rows(ctx, "SELECT c FROM t WHERE id BETWEEN -10 AND 10"))
	e.checkIndexes(ctx)
}
