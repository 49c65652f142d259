package repo

import (
	"context"
	"sync"
	"testing"

	"github.com/dsqldb/dsql/storage"
)

// TestWorkingSetChunkMemo: a working set's chunk is encoded once and shared by its copies;
// every With... method and ClearMerge gives a value whose chunk is that of its own
// fields (as the zero-memo encoding computes it), however often the original was
// encoded before; concurrent Chunk calls agree (run with -race).
func TestWorkingSetChunkMemo(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, open func() storage.Store) {
		r := mustInit(t, open())
		ns := r.NodeStore()
		ws, err := r.WorkingSet(ctx, DefaultBranch)
		if err != nil {
			t.Fatal(err)
		}
		root := ws.Working()
		other, err := root.PutTable(ctx, newSimpleTable(t, ns, "simple", 1, 2))
		if err != nil {
			t.Fatal(err)
		}
		plain := func(w WorkingSet) storage.Chunk { w.memo = nil; return w.Chunk() }
		check := func(what string, w WorkingSet) {
			t.Helper()
			var wg sync.WaitGroup
			hs := make([]storage.Chunk, 4)
			for i := range hs {
				wg.Add(1)
				go func() { defer wg.Done(); hs[i] = w.Chunk() }()
			}
			wg.Wait()
			want := plain(w)
			for _, c := range hs {
				if c.Hash != want.Hash || string(c.Data) != string(want.Data) || w.Hash() != want.Hash {
					t.Fatalf("%s: chunk %s, its fields encode to %s", what, c.Hash, want.Hash)
				}
			}
		}
		check("loaded", ws)
		w1 := ws.WithWorking(other)
		check("WithWorking", w1)
		if w1.Hash() == ws.Hash() {
			t.Fatal("WithWorking kept the old hash")
		}
		w2 := w1.WithStaged(other)
		check("WithStaged", w2)
		w3 := w2.WithMerge(MergeState{Commit: root.Hash(), PreMergeWorking: root.Hash()})
		check("WithMerge", w3)
		w4 := w3.ClearMerge()
		check("ClearMerge", w4)
		if w4.Hash() != w2.Hash() || w3.Hash() == w2.Hash() {
			t.Fatal("ClearMerge should give back the hash before WithMerge")
		}
		check("NewWorkingSet", NewWorkingSet(other, root))
		check("zero", WorkingSet{working: root, staged: root})
		if err := r.UpdateWorkingSet(ctx, DefaultBranch, ws, w2); err != nil {
			t.Fatal(err)
		}
		back, err := r.WorkingSet(ctx, DefaultBranch)
		if err != nil || back.Hash() != w2.Hash() {
			t.Fatalf("read back %v, %v", back.Hash(), err)
		}
	})
}
