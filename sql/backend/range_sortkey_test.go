package backend_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	sqltypes "github.com/dolthub/vitess/go/sqltypes"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/backend"
)

// randSortString returns a short string over an alphabet that makes prefixes, ties,
// ASCII and multi-byte runes likely; with invalid set, raw bytes that are not UTF-8 too.
func randSortString(rng *rand.Rand, invalid bool) string {
	parts := []string{"a", "b", "A", "0", "-", " ", "é", "ß", "€", "😀", "\u00a0"}
	if invalid {
		parts = append(parts, "\xc3", "\xa9", "\xe2\x82", "\xff", "\x80")
	}
	var sb strings.Builder
	for range rng.IntN(6) {
		sb.WriteString(parts[rng.IntN(len(parts))])
	}
	return sb.String()
}

// TestBinCompare pins invariant "bytewise sort keys" (range_sortkey.go): wherever
// binCompare answers, it answers as utf8mb4_0900_bin's StringType.Compare does, on
// seeded random strings with prefixes, multi-byte runes and invalid UTF-8.
func TestBinCompare(t *testing.T) {
	seed := uint64(91)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	st := types.MustCreateString(sqltypes.Char, 120, sql.Collation_utf8mb4_0900_bin)
	answered := 0
	for range 200_000 {
		a, b := randSortString(rng, rng.IntN(2) == 0), randSortString(rng, rng.IntN(2) == 0)
		if rng.IntN(3) == 0 {
			b = a + b
		}
		c, ok := backend.BinCompareForTest(a, b)
		if !ok {
			continue
		}
		answered++
		want, err := st.Compare(context.Background(), a, b)
		require.NoError(t, err)
		require.Equal(t, want, c, "%q vs %q", a, b)
	}
	require.Greater(t, answered, 50_000)
}

// TestBinSortOrder runs ORDER BY over a utf8mb4_0900_bin column (Sort and TopN, both
// directions, with NULLs, ties and non-ASCII strings) and checks the rows against a
// stable sort by GMS's own comparison.
func TestBinSortOrder(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE s (id INT PRIMARY KEY, c VARCHAR(40), d CHAR(20) NOT NULL)")
	rng := rand.New(rand.NewPCG(5, 5))
	type rec struct {
		id int32
		c  any
		d  string
	}
	var recs []rec
	var vals []string
	for i := range 300 {
		r := rec{id: int32(i), c: randSortString(rng, false), d: strings.TrimRight(randSortString(rng, false), " ")}
		if rng.IntN(8) == 0 {
			r.c = nil
		}
		recs = append(recs, r)
		c := "NULL"
		if r.c != nil {
			c = "'" + r.c.(string) + "'"
		}
		vals = append(vals, fmt.Sprintf("(%d, %s, '%s')", r.id, c, r.d))
	}
	e.exec(ctx, "INSERT INTO s VALUES "+strings.Join(vals, ","))
	st := types.MustCreateString(sqltypes.Char, 120, sql.Collation_utf8mb4_0900_bin)
	cmp := func(a, b any) int {
		if a == nil || b == nil {
			switch {
			case a == nil && b == nil:
				return 0
			case a == nil:
				return -1
			}
			return 1
		}
		c, err := st.Compare(context.Background(), a, b)
		require.NoError(t, err)
		return c
	}
	model := func(desc bool, key func(r rec) any, limit int) []sql.Row {
		rs := append([]rec(nil), recs...)
		sort.SliceStable(rs, func(i, j int) bool {
			c := cmp(key(rs[i]), key(rs[j]))
			if desc {
				c = -c
			}
			return c < 0
		})
		var out []sql.Row
		for _, r := range rs[:min(limit, len(rs))] {
			out = append(out, sql.Row{r.id})
		}
		return out
	}
	cKey := func(r rec) any { return r.c }
	dKey := func(r rec) any { return r.d }
	require.Equal(t, model(false, cKey, 1000), e.rows(ctx, "SELECT id FROM s WHERE id BETWEEN 0 AND 1000 ORDER BY c"))
	require.Equal(t, model(true, cKey, 1000), e.rows(ctx, "SELECT id FROM s ORDER BY c DESC"))
	require.Equal(t, model(false, dKey, 1000), e.rows(ctx, "SELECT id FROM s ORDER BY d"))
	require.Equal(t, model(false, dKey, 7), e.rows(ctx, "SELECT id FROM s ORDER BY d LIMIT 7"))
	require.Equal(t, model(true, cKey, 9), e.rows(ctx, "SELECT id FROM s ORDER BY c DESC LIMIT 9"))
}
