package session

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// countingStore counts chunk reads.
type countingStore struct {
	storage.Store
	gets atomic.Int64
}

func (s *countingStore) Get(ctx context.Context, h hash.Hash) ([]byte, error) {
	s.gets.Add(1)
	return s.Store.Get(ctx, h)
}

// TestWorkingSetCache: a load with the ref unchanged reads no chunk; a working set
// changed behind the cache's back (another Repo on the same store, as another process
// would) is seen at the next load.
func TestWorkingSetCache(t *testing.T) {
	ctx := context.Background()
	mem := memstore.New()
	cs := &countingStore{Store: mem}
	r1, err := repo.Init(ctx, cs, repo.Signature{Name: "t", Email: "t@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	branch, err := r1.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workingSets.load(ctx, r1, branch)
	if err != nil {
		t.Fatal(err)
	}
	before := cs.gets.Load()
	again, err := workingSets.load(ctx, r1, branch)
	if err != nil {
		t.Fatal(err)
	}
	if again.Hash() != ws.Hash() || cs.gets.Load() != before {
		t.Fatalf("unchanged ref: hash %s vs %s, %d chunk reads", again.Hash(), ws.Hash(), cs.gets.Load()-before)
	}

	// Another writer moves the working set.
	r2, err := repo.Open(ctx, mem)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := r2.WorkingSet(ctx, branch)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := repo.NewTable(ctx, r2.NodeStore(), repo.Schema{Name: "t",
		Columns:    []repo.Column{{Name: "id", SQLType: "bigint", Type: tuple.Field{Enc: tuple.Int64Enc}}},
		PrimaryKey: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	root, err := cur.Working().PutTable(ctx, tb)
	if err != nil {
		t.Fatal(err)
	}
	next := cur.WithWorking(root)
	if err := r2.UpdateWorkingSet(ctx, branch, cur, next); err != nil {
		t.Fatal(err)
	}
	got, err := workingSets.load(ctx, r1, branch)
	if err != nil {
		t.Fatal(err)
	}
	if got.Hash() != next.Hash() || !got.Working().HasTable("t") {
		t.Fatalf("after another writer's update: got %s, want %s", got.Hash(), next.Hash())
	}

	// A commit through the cache's put is served from it.
	cur = got
	next = cur.WithStaged(cur.Working())
	if err := r1.UpdateWorkingSet(ctx, branch, cur, next); err != nil {
		t.Fatal(err)
	}
	workingSets.put(r1, branch, next)
	before = cs.gets.Load()
	if got, err = workingSets.load(ctx, r1, branch); err != nil || got.Hash() != next.Hash() || cs.gets.Load() != before {
		t.Fatalf("after put: %v, hash %s want %s, %d chunk reads", err, got.Hash(), next.Hash(), cs.gets.Load()-before)
	}

	// A missing branch fails as repo.WorkingSet does.
	if _, err := workingSets.load(ctx, r1, "nope"); err == nil {
		t.Fatal("no error for a missing branch")
	}
}
