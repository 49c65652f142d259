package pebblestore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// TestRefCacheMatchesPebble: Ref answers from the ref cache after the first read and after
// every Commit; each answer equals what Pebble holds (dbReadRef), for sets, moves,
// deletes, absent refs and refused compare-and-swaps, and after reopening.
func TestRefCacheMatchesPebble(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	s := mustOpen(t, "db", Options{FS: fs})
	check := func(name string, want hash.Hash) {
		t.Helper()
		h, ok, err := s.Ref(ctx, name)
		if err != nil || h != want || ok != !want.IsEmpty() {
			t.Fatalf("Ref(%s) = %s, %v, %v; want %s", name, h, ok, err, want)
		}
		dh, dok, err := s.dbReadRef(name)
		if err != nil || dh != h || dok != ok {
			t.Fatalf("Pebble holds %s, %v, %v for %s; the cache says %s, %v", dh, dok, err, name, h, ok)
		}
		if e, _, cached := s.refs.get(name); !cached || e.h != h || e.ok != ok {
			t.Fatalf("cache entry of %s = %v, %v", name, e, cached)
		}
	}
	chunk := func(i int) hash.Hash {
		data := []byte(fmt.Sprintf("chunk %d", i))
		h := hash.Of(data)
		if err := s.Put(ctx, storage.Chunk{Hash: h, Data: data}); err != nil {
			t.Fatal(err)
		}
		return h
	}
	a, b := chunk(1), chunk(2)
	check("refs/heads/main", hash.Hash{}) // absent, cached as absent
	if err := s.Commit(ctx, nil, []storage.RefUpdate{{Name: "refs/heads/main", New: a}}); err != nil {
		t.Fatal(err)
	}
	check("refs/heads/main", a)
	// A refused compare-and-swap changes nothing, cache included.
	err := s.Commit(ctx, nil, []storage.RefUpdate{{Name: "refs/heads/main", Old: b, New: b}})
	if !errors.Is(err, storage.ErrRefConflict) {
		t.Fatalf("stale Old: %v", err)
	}
	check("refs/heads/main", a)
	if err := s.Commit(ctx, nil, []storage.RefUpdate{{Name: "refs/heads/main", Old: a, New: b}, {Name: "refs/heads/dev", New: a}}); err != nil {
		t.Fatal(err)
	}
	check("refs/heads/main", b)
	check("refs/heads/dev", a)
	if err := s.Commit(ctx, nil, []storage.RefUpdate{{Name: "refs/heads/dev", Old: a}}); err != nil {
		t.Fatal(err)
	}
	check("refs/heads/dev", hash.Hash{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, "db", Options{FS: fs})
	defer s.Close()
	check("refs/heads/main", b)
	check("refs/heads/dev", hash.Hash{})
}

// TestRefCacheConcurrentReaders: readers that miss the cache while Commits move a ref
// never install a value older than the last Commit's (run with -race): once every Commit
// is done, each ref reads as its final value.
func TestRefCacheConcurrentReaders(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, "db", Options{FS: vfs.NewMem()})
	defer s.Close()
	const refs, moves = 8, 50
	hs := make([]hash.Hash, moves+1)
	for i := range hs {
		data := []byte(fmt.Sprintf("value %d", i))
		hs[i] = hash.Of(data)
		if err := s.Put(ctx, storage.Chunk{Hash: hs[i], Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	name := func(r int) string { return fmt.Sprintf("refs/heads/b%d", r) }
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if i%7 == 0 {
					s.refs.reset() // force misses that race with Commits
				}
				if _, _, err := s.Ref(ctx, name(i%refs)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for m := 1; m <= moves; m++ {
		for r := 0; r < refs; r++ {
			u := storage.RefUpdate{Name: name(r), Old: hs[m-1], New: hs[m]}
			if m == 1 {
				u.Old = hash.Hash{}
			}
			if err := s.Commit(ctx, nil, []storage.RefUpdate{u}); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(stop)
	wg.Wait()
	for r := 0; r < refs; r++ {
		if h, ok, err := s.Ref(ctx, name(r)); err != nil || !ok || h != hs[moves] {
			t.Fatalf("Ref(%s) = %s, %v, %v; want %s", name(r), h, ok, err, hs[moves])
		}
	}
}
