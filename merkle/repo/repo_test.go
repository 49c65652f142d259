package repo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"testing"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

func TestInitOpen(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, open func() storage.Store) {
		s := open()
		if _, err := Open(ctx, s); !errors.Is(err, ErrNotInitialized) {
			t.Fatalf("Open of an empty store: %v", err)
		}
		r := mustInit(t, s)
		if _, err := Init(ctx, s, testAuthor); !errors.Is(err, ErrAlreadyInitialized) {
			t.Fatalf("second Init: %v", err)
		}
		refs, err := s.Refs(ctx, "refs/")
		if err != nil {
			t.Fatal(err)
		}
		if len(refs) != 3 || refs[0].Name != "refs/heads/main" || refs[1].Name != "refs/internal/HEAD" || refs[2].Name != "refs/workingsets/heads/main" {
			t.Fatalf("refs after Init: %v", refs)
		}
		if bs, err := r.Branches(ctx); err != nil || !slices.Equal(bs, []string{"main"}) {
			t.Fatalf("Branches = %v, %v", bs, err)
		}
		if _, err := r.Branch(ctx, "nope"); !errors.Is(err, ErrBranchNotFound) {
			t.Fatalf("Branch(nope): %v", err)
		}
		if _, err := r.WorkingSet(ctx, "nope"); !errors.Is(err, ErrBranchNotFound) {
			t.Fatalf("WorkingSet(nope): %v", err)
		}
		if _, err := r.Branch(ctx, "bad..name"); err == nil {
			t.Fatal("invalid branch name accepted")
		}
		head, _ := r.Branch(ctx, "main")
		if err := r.CreateBranch(ctx, "dev", head); err != nil {
			t.Fatal(err)
		}
		if err := r.CreateBranch(ctx, "dev", head); !errors.Is(err, ErrConflict) || !errors.Is(err, ErrBranchExists) {
			t.Fatalf("CreateBranch twice: %v", err)
		}
		ws, err := r.WorkingSet(ctx, "dev")
		if err != nil || ws.Working().Hash() != head.RootHash() || ws.Staged().Hash() != head.RootHash() {
			t.Fatalf("dev working set: %v", err)
		}
		if bs, _ := r.Branches(ctx); !slices.Equal(bs, []string{"dev", "main"}) {
			t.Fatalf("Branches = %v", bs)
		}
	})
}

// TestWorkingSetSurvivesRestart: uncommitted changes written with UpdateWorkingSet are
// there after closing and reopening a Pebble store (Durability).
func TestWorkingSetSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openPebble(t, dir)
	r := mustInit(t, s)
	ws, err := r.WorkingSet(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, 3000) // several prolly levels
	for i := range ids {
		ids[i] = int64(i)
	}
	work, err := ws.Working().PutTable(ctx, newSimpleTable(t, r.NodeStore(), "t", ids...))
	if err != nil {
		t.Fatal(err)
	}
	staged, err := ws.Staged().PutTable(ctx, newSimpleTable(t, r.NodeStore(), "s", 1))
	if err != nil {
		t.Fatal(err)
	}
	nws := ws.WithWorking(work).WithStaged(staged)
	if err := r.UpdateWorkingSet(ctx, "main", ws, nws); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openPebble(t, dir)
	defer s.Close()
	r, err = Open(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.WorkingSet(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	if got.Hash() != nws.Hash() {
		t.Fatal("working set changed across restart")
	}
	tb, ok, err := got.Working().Table(ctx, "T")
	if err != nil || !ok || tb.Rows().Count() != 3000 {
		t.Fatalf("table after restart: %v %v", ok, err)
	}
	n := 0
	if err := tb.Rows().Walk(ctx, func(*prolly.Node) error { n++; return nil }); err != nil || n < 2 {
		t.Fatalf("walking rows after restart: %d nodes, %v", n, err)
	}
	if !got.Staged().HasTable("s") || got.Staged().HasTable("t") {
		t.Fatal("staged root wrong after restart")
	}
}

// TestUpdateWorkingSetConflict: two writers start from the same working set; one wins,
// the other gets ErrConflict and, retrying from a fresh read, keeps both changes. Then
// many goroutines each add a table with retries: none is lost (Compare-and-swap).
func TestUpdateWorkingSetConflict(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, open func() storage.Store) {
		r := mustInit(t, open())
		ns := r.NodeStore()
		base, _ := r.WorkingSet(ctx, "main")
		addTable := func(ws WorkingSet, name string) WorkingSet {
			root, err := ws.Working().PutTable(ctx, newSimpleTable(t, ns, name, 1))
			if err != nil {
				t.Fatal(err)
			}
			return ws.WithWorking(root)
		}
		a, b := addTable(base, "a"), addTable(base, "b")
		if err := r.UpdateWorkingSet(ctx, "main", base, a); err != nil {
			t.Fatal(err)
		}
		if err := r.UpdateWorkingSet(ctx, "main", base, b); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale update: %v", err)
		}
		cur, _ := r.WorkingSet(ctx, "main")
		if cur.Hash() != a.Hash() {
			t.Fatal("the losing update changed the working set")
		}
		if err := r.UpdateWorkingSet(ctx, "main", cur, addTable(cur, "b")); err != nil {
			t.Fatal(err)
		}
		cur, _ = r.WorkingSet(ctx, "main")
		if got := cur.Working().TableNames(); !slices.Equal(got, []string{"a", "b"}) {
			t.Fatalf("tables %v", got)
		}

		const writers, each = 6, 5
		var wg sync.WaitGroup
		var mu sync.Mutex
		conflicts := 0
		errs := make(chan error, writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					name := fmt.Sprintf("w%d_%d", w, i)
					for {
						ws, err := r.WorkingSet(ctx, "main")
						if err != nil {
							errs <- err
							return
						}
						tb, err := NewTable(ctx, ns, simpleSchema(name))
						if err != nil {
							errs <- err
							return
						}
						root, err := ws.Working().PutTable(ctx, tb)
						if err != nil {
							errs <- err
							return
						}
						err = r.UpdateWorkingSet(ctx, "main", ws, ws.WithWorking(root))
						if errors.Is(err, ErrConflict) {
							mu.Lock()
							conflicts++
							mu.Unlock()
							continue
						}
						if err != nil {
							errs <- err
							return
						}
						break
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		cur, _ = r.WorkingSet(ctx, "main")
		if n := len(cur.Working().TableNames()); n != 2+writers*each {
			t.Fatalf("%d tables, want %d: an update was lost", n, 2+writers*each)
		}
		t.Logf("%d conflicts retried", conflicts)
	})
}

// TestMergeBaseRandomDAG checks MergeBase against a brute-force model on random commit
// graphs with merges and unrelated roots.
func TestMergeBaseRandomDAG(t *testing.T) {
	ctx := context.Background()
	rng := seededRand(t)
	for round := range 20 {
		s := memstore.New()
		r := mustInit(t, s)
		empty, _ := EmptyRoot(ctx, r.NodeStore())
		var commits []Commit
		parentsOf := map[hash.Hash][]hash.Hash{}
		n := 10 + rng.IntN(60)
		for i := range n {
			var ps []Commit
			if i > 0 && rng.IntN(12) != 0 {
				k := 1 + rng.IntN(3)
				for range k {
					p := commits[len(commits)-1-rng.IntN(min(len(commits), 8))]
					if !slices.ContainsFunc(ps, func(c Commit) bool { return c.Hash() == p.Hash() }) {
						ps = append(ps, p)
					}
				}
			}
			c, err := NewCommit(empty.Hash(), ps, testAuthor, testAuthor, fmt.Sprintf("r%d c%d", round, i))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Put(ctx, c.Chunk()); err != nil {
				t.Fatal(err)
			}
			commits = append(commits, c)
			parentsOf[c.Hash()] = c.Parents()
		}
		byHash := map[hash.Hash]Commit{}
		for _, c := range commits {
			byHash[c.Hash()] = c
		}
		ancestors := func(h hash.Hash) hash.Set {
			set := hash.NewSet()
			stack := []hash.Hash{h}
			for len(stack) > 0 {
				x := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if set.Has(x) {
					continue
				}
				set.Add(x)
				stack = append(stack, parentsOf[x]...)
			}
			return set
		}
		for range 40 {
			a, b := commits[rng.IntN(n)], commits[rng.IntN(n)]
			aa, ab := ancestors(a.Hash()), ancestors(b.Hash())
			var common []Commit
			for h := range aa {
				if ab.Has(h) {
					common = append(common, byHash[h])
				}
			}
			got, err := r.MergeBase(ctx, a, b)
			if len(common) == 0 {
				if !errors.Is(err, ErrNoMergeBase) {
					t.Fatalf("unrelated commits: got %v, %v", got.Hash(), err)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			want := slices.MinFunc(common, func(x, y Commit) int {
				if x.Height() != y.Height() {
					if x.Height() > y.Height() {
						return -1
					}
					return 1
				}
				return x.Hash().Compare(y.Hash())
			})
			if got.Hash() != want.Hash() {
				t.Fatalf("round %d: MergeBase(%s, %s) = %s, want %s", round, a.Hash(), b.Hash(), got.Hash(), want.Hash())
			}
			// best: no other common ancestor descends from it
			for _, c := range common {
				if c.Hash() != got.Hash() && ancestors(c.Hash()).Has(got.Hash()) {
					t.Fatalf("merge base %s is an ancestor of common ancestor %s", got.Hash(), c.Hash())
				}
			}
		}
	}
}

// TestChildHashesReachability builds a repository with branches, multi-level tables,
// indexes, commits and a merge state, marks every chunk reachable from the refs with
// ChildHashes, checks each exists, copies only those into a fresh store and reads the
// whole repository back from it (Garbage).
func TestChildHashesReachability(t *testing.T) {
	ctx := context.Background()
	src := memstore.New()
	r := mustInit(t, src)
	ns := r.NodeStore()
	head, _ := r.Branch(ctx, "main")
	ws, _ := r.WorkingSet(ctx, "main")
	ids := make([]int64, 4000)
	for i := range ids {
		ids[i] = int64(i)
	}
	big := newSimpleTable(t, ns, "big", ids...)
	idx := big.Rows() // reuse a multi-level tree as an index of a one-index table
	s := simpleSchema("indexed")
	s.Indexes = []Index{{Name: "by_v", Columns: []IndexColumn{{Name: "v"}}}}
	it, err := NewTable(ctx, ns, s)
	if err != nil {
		t.Fatal(err)
	}
	if it, err = it.WithIndex(ctx, "by_v", idx); err != nil {
		t.Fatal(err)
	}
	root, _ := ws.Working().PutTable(ctx, big)
	root, _ = root.PutTable(ctx, it)
	c1, err := NewCommit(root.Hash(), []Commit{head}, testAuthor, testAuthor, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Commit(ctx, []storage.Chunk{c1.Chunk()}, []storage.RefUpdate{{Name: "refs/heads/main", Old: head.Hash(), New: c1.Hash()}}); err != nil {
		t.Fatal(err)
	}
	if err := r.CreateBranch(ctx, "dev", c1); err != nil {
		t.Fatal(err)
	}
	other, _ := root.RemoveTable(ctx, "big")
	c2, _ := NewCommit(other.Hash(), []Commit{c1}, testAuthor, testAuthor, "c2")
	if err := src.Put(ctx, c2.Chunk()); err != nil {
		t.Fatal(err)
	}
	nws := ws.WithWorking(root).WithMerge(MergeState{Commit: c2.Hash(), PreMergeWorking: ws.Working().Hash()})
	if err := r.UpdateWorkingSet(ctx, "main", ws, nws); err != nil {
		t.Fatal(err)
	}
	// some garbage that must not be needed
	_ = newSimpleTable(t, ns, "garbage", 1, 2, 3)

	refs, err := src.Refs(ctx, "refs/")
	if err != nil {
		t.Fatal(err)
	}
	reach := hash.NewSet()
	var chunks []storage.Chunk
	var stack []hash.Hash
	for _, rf := range refs {
		stack = append(stack, rf.Hash)
	}
	kinds := map[string]int{}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if reach.Has(h) {
			continue
		}
		reach.Add(h)
		data, err := src.Get(ctx, h)
		if err != nil {
			t.Fatalf("reachable chunk %s missing: %v", h, err)
		}
		if k, ok := ChunkKind(data); ok {
			kinds[k.String()]++
		} else {
			kinds["prolly"]++
		}
		chunks = append(chunks, storage.NewChunk(data))
		kids, err := ChildHashes(data)
		if err != nil {
			t.Fatal(err)
		}
		stack = append(stack, kids...)
	}
	t.Logf("reachable: %v", kinds)
	for _, k := range []string{"commit", "root", "table", "schema", "working set", "prolly"} {
		if kinds[k] == 0 {
			t.Errorf("no %s chunk reached", k)
		}
	}
	if kinds["commit"] != 3 { // initial, c1, c2 (through the merge state)
		t.Errorf("%d commits reached, want 3", kinds["commit"])
	}

	dst := memstore.New()
	var ups []storage.RefUpdate
	for _, rf := range refs {
		ups = append(ups, storage.RefUpdate{Name: rf.Name, New: rf.Hash})
	}
	if err := dst.Commit(ctx, chunks, ups); err != nil {
		t.Fatal(err)
	}
	r2, err := Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	branches, _ := r2.Branches(ctx)
	for _, b := range branches {
		c, err := r2.Branch(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		for {
			cr, err := r2.Root(ctx, c.RootHash())
			if err != nil {
				t.Fatal(err)
			}
			readRoot(t, cr)
			if len(c.Parents()) == 0 {
				break
			}
			if c, err = r2.Commit(ctx, c.Parents()[0]); err != nil {
				t.Fatal(err)
			}
		}
		w, err := r2.WorkingSet(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		readRoot(t, w.Working())
		readRoot(t, w.Staged())
		if m, ok := w.Merge(); ok {
			mc, err := r2.Commit(ctx, m.Commit)
			if err != nil {
				t.Fatal(err)
			}
			mr, err := r2.Root(ctx, mc.RootHash())
			if err != nil {
				t.Fatal(err)
			}
			readRoot(t, mr)
		}
	}
}

// readRoot reads every row and index entry of every table of root.
func readRoot(t *testing.T, root Root) {
	t.Helper()
	ctx := context.Background()
	for _, name := range root.TableNames() {
		tb, _, err := root.Table(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		maps := []prolly.Map{tb.Rows()}
		for _, m := range tb.Indexes() {
			maps = append(maps, m)
		}
		for _, m := range maps {
			it, err := m.Iter(ctx, prolly.All)
			if err != nil {
				t.Fatal(err)
			}
			n := uint64(0)
			for {
				if _, _, err := it.Next(ctx); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n != m.Count() {
				t.Fatalf("table %s: read %d of %d entries", name, n, m.Count())
			}
		}
	}
}
