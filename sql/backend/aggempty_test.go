package backend_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

// TestMinMaxEmpty: MIN or MAX of the primary key's first column (GMS's replaceAgg shape,
// aggempty.go) returns one row, NULL over an empty table or range, the extreme value
// otherwise (seeded ranges, against a model), and its plan still reads the primary index
// from one end under a LIMIT 1.
func TestMinMaxEmpty(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE e (id INT PRIMARY KEY)",
		"CREATE TABLE t (id INT PRIMARY KEY, v INT)",
		"CREATE TABLE c (a INT, b INT, PRIMARY KEY (a, b))",
	)
	null := []sql.Row{{nil}}
	require.Equal(t, null, e.rows(ctx, "SELECT MAX(id) FROM e"))
	require.Equal(t, null, e.rows(ctx, "SELECT MIN(id) FROM e"))
	require.Equal(t, null, e.rows(ctx, "SELECT MIN(id) + 1 FROM e"))
	require.Equal(t, []sql.Row{{nil, "x"}}, e.rows(ctx, "SELECT MAX(id), 'x' FROM e"))
	require.Equal(t, null, e.rows(ctx, "SELECT MAX(a) FROM c"))

	rng := rand.New(rand.NewPCG(20261127, 2))
	ids := map[int]bool{}
	var vals, cvals []string
	for len(ids) < 200 {
		id := rng.IntN(1000)
		if !ids[id] {
			ids[id] = true
			vals = append(vals, fmt.Sprintf("(%d, %d)", id, rng.IntN(50)))
			cvals = append(cvals, fmt.Sprintf("(%d, %d)", id/10, id))
		}
	}
	e.exec(ctx, "INSERT INTO t VALUES "+strings.Join(vals, ", "), "INSERT IGNORE INTO c VALUES "+strings.Join(cvals, ", "))
	extreme := func(lo, hi int, max bool, div int) any {
		var out any
		for id := range ids {
			k := id / div
			if k < lo || k > hi {
				continue
			}
			if out == nil || (max && int32(k) > out.(int32)) || (!max && int32(k) < out.(int32)) {
				out = int32(k)
			}
		}
		return out
	}
	for range 200 {
		lo, hi := rng.IntN(1100)-50, rng.IntN(1100)-50
		require.Equal(t, []sql.Row{{extreme(lo, hi, true, 1)}}, e.rows(ctx, fmt.Sprintf("SELECT MAX(id) FROM t WHERE id BETWEEN %d AND %d", lo, hi)))
		require.Equal(t, []sql.Row{{extreme(lo, hi, false, 1)}}, e.rows(ctx, fmt.Sprintf("SELECT MIN(id) FROM t WHERE id >= %d AND id <= %d", lo, hi)))
		require.Equal(t, []sql.Row{{extreme(lo/10, hi/10, true, 10)}}, e.rows(ctx, fmt.Sprintf("SELECT MAX(a) FROM c WHERE a BETWEEN %d AND %d", lo/10, hi/10)))
	}
	require.Equal(t, []sql.Row{{extreme(-1, 2000, true, 1)}}, e.rows(ctx, "SELECT MAX(id) FROM t"))

	plan := func(q string) string {
		var b strings.Builder
		for _, r := range e.rows(ctx, "EXPLAIN PLAN "+q) {
			b.WriteString(r[0].(string) + "\n")
		}
		return b.String()
	}
	p := plan("SELECT MAX(id) FROM t WHERE id < 500")
	require.Contains(t, p, "Limit(1)", p)
	require.Contains(t, p, "IndexedTableAccess(t)", p)
	require.Contains(t, p, "reverse: true", p)
	require.NotContains(t, p, "TopN", p)
	p = plan("SELECT MIN(id) FROM t")
	require.Contains(t, p, "Limit(1)", p)
	require.Contains(t, p, "IndexedTableAccess(t)", p)
	require.NotContains(t, p, "TopN", p)
}
