package systables_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
)

// bigTableEnv commits table t (id INT PRIMARY KEY, v INT) with n rows, built directly as
// a prolly map (an import), then a second commit that changes changed rows spread over
// the key space (a third each updated, deleted and added).
func bigTableEnv(b testing.TB, n, changed int) *env {
	e := newEnv(b)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
	e.commit(ctx, "create t")
	bg := context.Background()
	r := e.repo()
	headC, err := r.Branch(bg, "main")
	require.NoError(b, err)
	root, err := r.Root(bg, headC.RootHash())
	require.NoError(b, err)
	tbl, _, err := root.Table(bg, "t")
	require.NoError(b, err)
	kd, vd := tbl.KeyDesc(), tbl.ValueDesc()
	kb, vb := tuple.NewBuilder(kd), tuple.NewBuilder(vd)
	key := func(i int) []byte {
		kb.PutInt(0, int64(i))
		k, err := kb.Build()
		require.NoError(b, err)
		return k
	}
	val := func(v int) []byte {
		vb.PutInt(0, int64(v))
		x, err := vb.Build()
		require.NoError(b, err)
		return x
	}
	bld := prolly.NewBuilder(root.NodeStore(), tbl.Rows().Compare())
	for i := 0; i < n; i++ {
		require.NoError(b, bld.Add(bg, key(i*2), val(i)))
	}
	rows, err := bld.Finish(bg)
	require.NoError(b, err)
	commitRows := func(rows prolly.Map, msg string) {
		cur, err := r.Branch(bg, "main")
		require.NoError(b, err)
		rt, _, err := root.Table(bg, "t")
		require.NoError(b, err)
		nt, err := rt.WithRows(bg, rows)
		require.NoError(b, err)
		nr, err := root.PutTable(bg, nt)
		require.NoError(b, err)
		ws, err := r.WorkingSet(bg, "main")
		require.NoError(b, err)
		sig := e.sig("bench")
		c, err := repo.NewCommit(nr.Hash(), []repo.Commit{cur}, sig, sig, msg)
		require.NoError(b, err)
		require.NoError(b, r.CommitWorkingSet(bg, "main", cur.Hash(), c, ws, repo.NewWorkingSet(nr, nr)))
		root = nr
	}
	commitRows(rows, "import")
	ed := rows.Edit()
	step := n / changed
	for j := 0; j < changed; j++ {
		i := j * step
		switch j % 3 {
		case 0:
			require.NoError(b, ed.Put(key(i*2), val(-i-1)))
		case 1:
			ed.Delete(key(i * 2))
		default:
			require.NoError(b, ed.Put(key(i*2+1), val(i)))
		}
	}
	rows2, err := ed.Flush(bg)
	require.NoError(b, err)
	commitRows(rows2, "change")
	return e
}

// BenchmarkDiffTenRows diffs HEAD~1 and HEAD where 10 rows changed, on tables of
// different sizes: the time must not grow with the table (Structural sharing). Set
// DSQL_BENCH_10M=1 to add a 10,000,000-row table.
func BenchmarkDiffTenRows(b *testing.B) {
	sizes := []int{100_000, 1_000_000}
	if os.Getenv("DSQL_BENCH_10M") != "" {
		sizes = append(sizes, 10_000_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			start := time.Now()
			e := bigTableEnv(b, n, 10)
			b.Logf("built %d rows in %v", n, time.Since(start))
			ctx := e.session()
			rows := e.rows(ctx, "SELECT count(*) FROM dsql_diff('HEAD~1', 'HEAD', 't')")
			require.Equal(b, int64(10), rows[0][0])
			b.ResetTimer()
			for range b.N {
				ctx := e.session()
				rows := e.rows(ctx, "SELECT * FROM dsql_diff('HEAD~1', 'HEAD', 't')")
				if len(rows) != 10 {
					b.Fatalf("%d rows", len(rows))
				}
			}
		})
	}
}

// TestDiffCostIndependentOfSize checks the invariant the benchmark measures, by node
// reads rather than time: a 10-row diff reads about as many nodes of a 200,000-row
// table as of a 20,000-row one.
func TestDiffCostIndependentOfSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 220,000 rows")
	}
	reads := func(n int) int64 {
		e := bigTableEnv(t, n, 10)
		ctx := e.session()
		c, err := e.repo().Branch(context.Background(), "main")
		require.NoError(t, err)
		root, err := e.repo().Root(context.Background(), c.RootHash())
		require.NoError(t, err)
		ns := root.NodeStore()
		before := ns.Stats().Reads
		require.Len(t, e.rows(ctx, "SELECT * FROM dsql_diff('HEAD~1', 'HEAD', 't')"), 10)
		return ns.Stats().Reads - before
	}
	small, big := reads(20_000), reads(200_000)
	t.Logf("node reads: 20k rows %d, 200k rows %d", small, big)
	require.Less(t, big, 2*small+20)
}
