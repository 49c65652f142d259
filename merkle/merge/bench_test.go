package merge

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/storage/memstore"
)

// BenchmarkMergeDisjoint1M merges two branches that each changed 1,000 disjoint rows
// (column a on ours, column b on theirs, so every secondary index changes) of a
// 1,000,000-row table. The target is under 100 ms per merge. The base table and
// its indexes are built with prolly.Builder (seconds); the two branches through
// UpdateRows, as a SQL write would. Reported besides ns/op: CPU time per merge
// (cpu-ms/op), the median wall time (ms-median) and nodes written, loaded from the store
// and read (cache hits included) per merge.
func BenchmarkMergeDisjoint1M(b *testing.B) { benchMergeDisjoint(b, 1_000_000) }

// BenchmarkMergeDisjoint200k is the same merge on a 200,000-row table.
func BenchmarkMergeDisjoint200k(b *testing.B) { benchMergeDisjoint(b, 200_000) }

// disjointRoots caches the base, ours and theirs roots of benchMergeDisjoint per table
// size: testing runs a benchmark function more than once (b.N = 1, then the real N), and
// building a 1M-row table takes seconds.
var disjointRoots = map[int][3]repo.Root{}

func benchMergeDisjoint(b *testing.B, n int) {
	ctx := context.Background()
	rs, ok := disjointRoots[n]
	if !ok {
		rs = disjointSetup(b, n)
		disjointRoots[n] = rs
		runtime.GC() // the setup's garbage is not the merge's
	}
	br, or, tr := rs[0], rs[1], rs[2]
	ns := or.NodeStore()
	walls := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	ns.ResetStats()
	cpu0 := cpuTime()
	for range b.N {
		t0 := time.Now()
		res, err := Merge(ctx, br, or, tr)
		walls = append(walls, time.Since(t0))
		if err != nil || res.HasConflicts() {
			b.Fatal(err, res.ConflictedTables())
		}
	}
	// The process's CPU time (all threads, GC included) per merge: on a loaded machine
	// it is steadier than ns/op, which counts time spent waiting for a CPU.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	slices.Sort(walls)
	b.ReportMetric(float64(walls[len(walls)/2].Microseconds())/1000, "ms-median")
	// Node traffic per merge: loads are node-cache misses (none once the merge's working
	// set, about 9,000 nodes at 1M rows, is cached).
	st := ns.Stats()
	b.ReportMetric(float64(st.Writes)/float64(b.N), "writes/op")
	b.ReportMetric(float64(st.Loads)/float64(b.N), "loads/op")
	b.ReportMetric(float64(st.Reads)/float64(b.N), "reads/op")
}

// disjointSetup builds the three roots of benchMergeDisjoint.
func disjointSetup(b *testing.B, n int) [3]repo.Root {
	ctx := context.Background()
	ns := prolly.NewNodeStore(memstore.New(), 0)
	const changed = 1000
	t := &testing.T{}
	empty, err := repo.NewTable(ctx, ns, modelSchema())
	if err != nil {
		b.Fatal(err)
	}
	base := bulkTable(b, empty, n, func(id int64) mrow { return mrow{i64(id % 97), i64(id % 89)} })
	edit := func(tb repo.Table, ids func(i int) int64, row func(id int64) mrow, count int) repo.Table {
		ed := tb.Rows().Edit()
		for i := range count {
			id := ids(i)
			k, v := encodeRow(t, tb, id, row(id))
			if err := ed.Put(k, v); err != nil {
				b.Fatal(err)
			}
		}
		rows, err := ed.Flush(ctx)
		if err != nil {
			b.Fatal(err)
		}
		out, err := UpdateRows(ctx, tb, rows)
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
	step := int64(n / changed)
	ours := edit(base, func(i int) int64 { return int64(i) * step }, func(id int64) mrow { return mrow{i64(-id), i64(id % 89)} }, changed)
	theirs := edit(base, func(i int) int64 { return int64(i)*step + 1 }, func(id int64) mrow { return mrow{i64(id % 97), i64(-id)} }, changed)
	root := func(t repo.Table) repo.Root {
		r, err := repo.EmptyRoot(ctx, ns)
		if err == nil {
			r, err = r.PutTable(ctx, t)
		}
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	return [3]repo.Root{root(base), root(ours), root(theirs)}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// bulkTable returns empty (a table with no rows) holding rows 0..n-1, its row map and
// every index built with prolly.Builder. Index entries are sorted on the column values
// (int64, never NULL here) rather than on encoded tuples, which is much cheaper; the
// Builder still checks the order.
func bulkTable(b *testing.B, empty repo.Table, n int, row func(id int64) mrow) repo.Table {
	ctx := context.Background()
	t := &testing.T{}
	ns := empty.Rows().NodeStore()
	sch := empty.Schema()
	ib, err := newIndexBuilder(sch, empty.KeyDesc(), empty.ValueDesc())
	if err != nil {
		b.Fatal(err)
	}
	rb := prolly.NewBuilder(ns, empty.KeyDesc().Compare)
	cols := make([][3]int64, n) // id, a, b
	for id := range int64(n) {
		r := row(id)
		cols[id] = [3]int64{id, *r[0], *r[1]}
		k, v := encodeRow(t, empty, id, r)
		if err := rb.Add(ctx, k, v); err != nil {
			b.Fatal(err)
		}
	}
	rows, err := rb.Finish(ctx)
	if err != nil {
		b.Fatal(err)
	}
	out, err := empty.WithRows(ctx, rows)
	if err != nil {
		b.Fatal(err)
	}
	perm := make([]int64, n)
	for i, ix := range sch.Indexes {
		for j := range perm {
			perm[j] = int64(j)
		}
		fs := ib.fields[i]
		slices.SortFunc(perm, func(x, y int64) int {
			for _, f := range fs {
				if c := cmp.Compare(cols[x][f.col], cols[y][f.col]); c != 0 {
					return c
				}
			}
			return 0
		})
		bl := prolly.NewBuilder(ns, ib.kds[i].Compare)
		for _, id := range perm {
			k, v := encodeRow(t, empty, id, row(id))
			keys, err := ib.keys(k, v)
			if err != nil {
				b.Fatal(err)
			}
			if err := bl.Add(ctx, keys[i], []byte{}); err != nil {
				b.Fatal(err)
			}
		}
		m, err := bl.Finish(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if out, err = out.WithIndex(ctx, ix.Name, m); err != nil {
			b.Fatal(err)
		}
	}
	return out
}
