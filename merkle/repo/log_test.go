package repo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// randomDAG Puts n commits with random parents (merges, unrelated roots) and random,
// often equal, committer times into r's store, and returns them in creation order.
func randomDAG(t *testing.T, r *Repo, rng *rand.Rand, n int) []Commit {
	t.Helper()
	ctx := context.Background()
	empty, err := EmptyRoot(ctx, r.NodeStore())
	if err != nil {
		t.Fatal(err)
	}
	var commits []Commit
	for i := range n {
		var ps []Commit
		if i > 0 && rng.IntN(10) != 0 {
			for range 1 + rng.IntN(3) {
				p := commits[len(commits)-1-rng.IntN(min(len(commits), 8))]
				if !slices.ContainsFunc(ps, func(c Commit) bool { return c.Hash() == p.Hash() }) {
					ps = append(ps, p)
				}
			}
		}
		at := sigAt(testAuthor.Time.Add(time.Duration(rng.IntN(5)) * time.Hour))
		c, err := NewCommit(empty.Hash(), ps, at, at, fmt.Sprintf("c%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Store().Put(ctx, c.Chunk()); err != nil {
			t.Fatal(err)
		}
		commits = append(commits, c)
	}
	return commits
}

// ancestorsModel returns every commit reachable from starts, by brute force.
func ancestorsModel(byHash map[hash.Hash]Commit, starts ...Commit) map[hash.Hash]Commit {
	out := map[hash.Hash]Commit{}
	var stack []hash.Hash
	for _, s := range starts {
		stack = append(stack, s.Hash())
	}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, ok := out[h]; ok {
			continue
		}
		out[h] = byHash[h]
		stack = append(stack, byHash[h].Parents()...)
	}
	return out
}

// logOrder is Log's documented order as a comparison.
func logOrder(a, b Commit) int {
	switch {
	case a.Height() != b.Height():
		if a.Height() > b.Height() {
			return -1
		}
		return 1
	case !a.Committer().Time.Equal(b.Committer().Time):
		return b.Committer().Time.Compare(a.Committer().Time)
	}
	return a.Hash().Compare(b.Hash())
}

func collect(t *testing.T, it *LogIter) []Commit {
	t.Helper()
	ctx := context.Background()
	var out []Commit
	for {
		c, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
}

// TestLogRandomDAG checks Log against a model on random graphs: every reachable commit
// once, in (height desc, time desc, hash asc) order, children before parents (History
// order).
func TestLogRandomDAG(t *testing.T) {
	ctx := context.Background()
	rng := seededRand(t)
	for round := range 20 {
		r := mustInit(t, memstore.New())
		commits := randomDAG(t, r, rng, 5+rng.IntN(80))
		byHash := map[hash.Hash]Commit{}
		for _, c := range commits {
			byHash[c.Hash()] = c
		}
		for range 10 {
			var starts []Commit
			for range 1 + rng.IntN(3) {
				starts = append(starts, commits[rng.IntN(len(commits))]) // duplicates allowed
			}
			want := slices.Collect(func(yield func(Commit) bool) {
				for _, c := range ancestorsModel(byHash, starts...) {
					if !yield(c) {
						return
					}
				}
			})
			slices.SortFunc(want, logOrder)
			got := collect(t, r.Log(ctx, starts...))
			if !slices.EqualFunc(got, want, func(a, b Commit) bool { return a.Hash() == b.Hash() }) {
				t.Fatalf("round %d: Log returned %d commits, want %d (or a different order)", round, len(got), len(want))
			}
			pos := map[hash.Hash]int{}
			for i, c := range got {
				pos[c.Hash()] = i
			}
			for i, c := range got {
				for _, p := range c.Parents() {
					if pos[p] <= i {
						t.Fatalf("round %d: parent %s listed before its child", round, p)
					}
				}
			}
		}
	}
	if got := collect(t, mustInit(t, memstore.New()).Log(ctx)); len(got) != 0 {
		t.Fatalf("Log of nothing returned %d commits", len(got))
	}
}

// TestIsAncestorRandomDAG checks IsAncestor against the model.
func TestIsAncestorRandomDAG(t *testing.T) {
	ctx := context.Background()
	rng := seededRand(t)
	for range 20 {
		r := mustInit(t, memstore.New())
		commits := randomDAG(t, r, rng, 5+rng.IntN(60))
		byHash := map[hash.Hash]Commit{}
		for _, c := range commits {
			byHash[c.Hash()] = c
		}
		for range 50 {
			a, d := commits[rng.IntN(len(commits))], commits[rng.IntN(len(commits))]
			_, want := ancestorsModel(byHash, d)[a.Hash()]
			got, err := r.IsAncestor(ctx, a, d)
			if err != nil || got != want {
				t.Fatalf("IsAncestor(%s, %s) = %v, %v; want %v", a.Message(), d.Message(), got, err, want)
			}
		}
	}
}

// countingStore counts chunk reads.
type countingStore struct {
	storage.Store
	reads atomic.Int64
}

func (s *countingStore) Get(ctx context.Context, h hash.Hash) ([]byte, error) {
	s.reads.Add(1)
	return s.Store.Get(ctx, h)
}

func (s *countingStore) GetMany(ctx context.Context, hs []hash.Hash, found func(storage.Chunk)) error {
	s.reads.Add(int64(len(hs)))
	return s.Store.GetMany(ctx, hs, found)
}

// linearHistory returns a repository on a counting memstore whose main branch has n
// commits in a line (the initial one included), and its head.
func linearHistory(tb testing.TB, n int) (*Repo, *countingStore, Commit) {
	tb.Helper()
	ctx := context.Background()
	cs := &countingStore{Store: memstore.New()}
	r, err := Init(ctx, cs, testAuthor)
	if err != nil {
		tb.Fatal(err)
	}
	first, err := r.Branch(ctx, "main")
	if err != nil {
		tb.Fatal(err)
	}
	head := first
	for i := 1; i < n; i++ {
		at := sigAt(testAuthor.Time.Add(time.Duration(i) * time.Second))
		c, err := NewCommit(head.RootHash(), []Commit{head}, at, at, fmt.Sprintf("c%d", i))
		if err != nil {
			tb.Fatal(err)
		}
		if err := cs.Put(ctx, c.Chunk()); err != nil {
			tb.Fatal(err)
		}
		head = c
	}
	if err := cs.Commit(ctx, nil, []storage.RefUpdate{{Name: "refs/heads/main", Old: first.Hash(), New: head.Hash()}}); err != nil {
		tb.Fatal(err)
	}
	return r, cs, head
}

// TestLogReadsAreLazy: the first 10 commits of a 10,000-commit history cost about 10
// chunk reads, and IsAncestor of a near ancestor reads only the commits above it.
func TestLogReadsAreLazy(t *testing.T) {
	ctx := context.Background()
	r, cs, head := linearHistory(t, 10_000)
	for _, n := range []int{1, 10, 100} {
		cs.reads.Store(0)
		it := r.Log(ctx, head)
		for range n {
			if _, err := it.Next(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if got := cs.reads.Load(); got > int64(n) {
			t.Errorf("Log: %d commits read %d chunks, want at most %d", n, got, n)
		}
	}
	anc, err := r.ResolveCommit(ctx, "main~5", "main")
	if err != nil {
		t.Fatal(err)
	}
	cs.reads.Store(0)
	if ok, err := r.IsAncestor(ctx, anc, head); err != nil || !ok {
		t.Fatalf("IsAncestor(main~5, main) = %v, %v", ok, err)
	}
	if got := cs.reads.Load(); got > 6 {
		t.Errorf("IsAncestor(main~5, main) read %d chunks", got)
	}
	cs.reads.Store(0)
	if ok, err := r.IsAncestor(ctx, head, anc); err != nil || ok {
		t.Fatalf("IsAncestor(main, main~5) = %v, %v", ok, err)
	}
	if got := cs.reads.Load(); got != 0 {
		t.Errorf("IsAncestor of a higher commit read %d chunks", got)
	}
	if got := len(collect(t, r.Log(ctx, head))); got != 10_000 {
		t.Errorf("full Log: %d commits", got)
	}
}

// BenchmarkLog10 reads the 10 newest commits (`dsql log -n 10`) of histories of 10 and
// 10,000 commits; the cost should not grow with the history.
func BenchmarkLog10(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10, 10_000} {
		b.Run(fmt.Sprintf("commits=%d", n), func(b *testing.B) {
			r, cs, head := linearHistory(b, n)
			cs.reads.Store(0)
			b.ResetTimer()
			for b.Loop() {
				it := r.Log(ctx, head)
				for range 10 {
					if _, err := it.Next(ctx); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(cs.reads.Load())/float64(b.N), "reads/op")
		})
	}
}
