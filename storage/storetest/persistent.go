package storetest

import (
	"context"
	"errors"
	"math/rand"
	"testing"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// RunPersistent runs the tests that only make sense for a store that survives Close.
// newLocation makes a fresh, empty location (a directory, a filesystem) for one subtest
// and returns an Opener that opens the store at that location; the suite calls it
// several times, closing the previous store first.
func RunPersistent(t *testing.T, newLocation func(t *testing.T) Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"ReopenSeesCommitted", testReopenSeesCommitted},
		{"UncommittedMayBeDropped", testUncommittedMayBeDropped},
		{"RandomHistoryAcrossReopens", testRandomHistory},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newLocation(t)) })
	}
}

func closeStore(t *testing.T, s storage.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// testReopenSeesCommitted checks Durability across a clean Close: chunks Put before a
// Commit, chunks passed to it and its ref updates are all there after reopening.
func testReopenSeesCommitted(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	buffered, passed, other := TextChunk("buffered before commit"), TextChunk("passed to commit"), TextChunk("other")
	if err := s.Put(ctx, buffered); err != nil {
		t.Fatal(err)
	}
	commit(t, s, []storage.Chunk{passed, other},
		storage.RefUpdate{Name: "refs/heads/main", New: buffered.Hash},
		storage.RefUpdate{Name: "refs/heads/dev", New: passed.Hash},
		storage.RefUpdate{Name: "gone", New: other.Hash})
	commit(t, s, nil, storage.RefUpdate{Name: "gone", Old: other.Hash})
	closeStore(t, s)

	s = open(t)
	defer closeStore(t, s)
	mustRef(t, s, "refs/heads/main", buffered.Hash)
	mustRef(t, s, "refs/heads/dev", passed.Hash)
	mustRef(t, s, "gone", hash.Hash{})
	for _, c := range []storage.Chunk{buffered, passed, other} {
		mustGet(t, s, c)
	}
	refs, err := s.Refs(ctx, "")
	if err != nil || len(refs) != 2 {
		t.Fatalf("Refs after reopen = %v, %v; want the 2 committed refs and nothing internal", refs, err)
	}
}

// testUncommittedMayBeDropped: a chunk Put but never committed is either gone after
// reopening or intact; never wrong.
func testUncommittedMayBeDropped(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	c := TextChunk("never committed")
	if err := s.Put(ctx, c); err != nil {
		t.Fatal(err)
	}
	closeStore(t, s)
	s = open(t)
	defer closeStore(t, s)
	b, err := s.Get(ctx, c.Hash)
	switch {
	case errors.Is(err, storage.ErrNotFound):
	case err != nil:
		t.Fatalf("Get uncommitted chunk after reopen: %v", err)
	case string(b) != string(c.Data):
		t.Fatalf("uncommitted chunk came back with wrong bytes")
	}
}

// testRandomHistory applies a seeded random sequence of Puts and Commits (creates,
// swaps, deletes, conflicts), closing and reopening between rounds, and checks the store
// against a model of the refs after every reopen.
func testRandomHistory(t *testing.T, open Opener) {
	ctx := context.Background()
	r := rand.New(rand.NewSource(Seed(t)))
	model := map[string]hash.Hash{}
	chunks := map[hash.Hash][]byte{}
	names := []string{"refs/heads/main", "refs/heads/dev", "refs/tags/v1", "ws/main", "ws/dev"}
	for round := 0; round < 5; round++ {
		s := open(t)
		for name, h := range model {
			mustRef(t, s, name, h)
			mustGet(t, s, storage.Chunk{Hash: h, Data: chunks[h]})
		}
		for op := 0; op < 40; op++ {
			var pending []storage.Chunk
			for i := r.Intn(4); i > 0; i-- {
				c := RandomChunk(r, 1+r.Intn(6000))
				pending = append(pending, c)
				if r.Intn(2) == 0 {
					if err := s.Put(ctx, c); err != nil {
						t.Fatal(err)
					}
				}
			}
			var passed []storage.Chunk
			for _, c := range pending {
				if r.Intn(2) == 0 {
					passed = append(passed, c)
				}
			}
			var ups []storage.RefUpdate
			wantConflict := false
			for _, i := range r.Perm(len(names))[:1+r.Intn(3)] {
				name := names[i]
				u := storage.RefUpdate{Name: name, Old: model[name]}
				if r.Intn(10) == 0 { // stale expectation
					u.Old = hash.Of([]byte{byte(r.Intn(256))})
					wantConflict = true
				}
				if len(pending) > 0 && r.Intn(5) != 0 {
					u.New = pending[r.Intn(len(pending))].Hash
				} else if r.Intn(2) == 0 && len(chunks) > 0 {
					for h := range chunks {
						u.New = h
						break
					}
				}
				ups = append(ups, u)
			}
			err := s.Commit(ctx, passed, ups)
			// A pending chunk that was neither Put nor passed is missing.
			held := map[hash.Hash]bool{}
			for h := range chunks {
				held[h] = true
			}
			for _, c := range passed {
				held[c.Hash] = true
			}
			// Chunks Put in this op count as held too; recompute from what we did.
			wantMissing := false
			for _, u := range ups {
				if !u.New.IsEmpty() && !held[u.New] {
					if ok, _ := s.Has(ctx, u.New); !ok {
						wantMissing = true
					}
				}
			}
			switch {
			case wantConflict:
				if !errors.Is(err, storage.ErrRefConflict) {
					t.Fatalf("round %d op %d: err = %v, want ErrRefConflict", round, op, err)
				}
				continue
			case wantMissing:
				if !errors.Is(err, storage.ErrMissingChunk) {
					t.Fatalf("round %d op %d: err = %v, want ErrMissingChunk", round, op, err)
				}
				continue
			case err != nil:
				t.Fatalf("round %d op %d: Commit: %v", round, op, err)
			}
			for _, u := range ups {
				if u.New.IsEmpty() {
					delete(model, u.Name)
					continue
				}
				model[u.Name] = u.New
				for _, c := range pending {
					if c.Hash == u.New {
						chunks[c.Hash] = c.Data
					}
				}
			}
		}
		closeStore(t, s)
	}
	s := open(t)
	defer closeStore(t, s)
	for _, name := range names {
		mustRef(t, s, name, model[name])
		if h := model[name]; !h.IsEmpty() {
			mustGet(t, s, storage.Chunk{Hash: h, Data: chunks[h]})
		}
	}
}
