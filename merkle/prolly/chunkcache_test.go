package prolly

import (
	"context"
	"errors"
	"testing"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// countingStore counts the Gets that reach the store.
type countingStore struct {
	storage.ChunkStore
	gets int
}

func (s *countingStore) Get(ctx context.Context, h hash.Hash) ([]byte, error) {
	s.gets++
	return s.ChunkStore.Get(ctx, h)
}

func TestChunkCache(t *testing.T) {
	ctx := context.Background()
	cs := &countingStore{ChunkStore: memstore.New()}
	c := newChunkCache(cs, 4*chunkCacheMaxChunk)
	put := func(n int, b byte) hash.Hash {
		data := make([]byte, n)
		for i := range data {
			data[i] = b
		}
		ch := storage.NewChunk(data)
		if err := c.Put(ctx, ch); err != nil {
			t.Fatal(err)
		}
		return ch.Hash
	}
	get := func(h hash.Hash, wantGets int) {
		t.Helper()
		data, err := c.Get(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		if hash.Of(data) != h {
			t.Fatalf("Get(%s) returned other bytes", h)
		}
		if cs.gets != wantGets {
			t.Fatalf("store Gets = %d, want %d", cs.gets, wantGets)
		}
	}
	small := put(100, 1)
	get(small, 1)
	get(small, 1) // cached
	big := put(chunkCacheMaxChunk+1, 2)
	get(big, 2)
	get(big, 3) // too big to cache
	// Filling the cache evicts the oldest chunk first and keeps the size bounded.
	var hs []hash.Hash
	for i := 0; i < 8; i++ {
		hs = append(hs, put(chunkCacheMaxChunk, byte(10+i)))
	}
	n := cs.gets
	for _, h := range hs {
		n++
		get(h, n)
	}
	if c.mu.size > c.capacity {
		t.Fatalf("cache holds %d bytes, capacity %d", c.mu.size, c.capacity)
	}
	get(hs[7], n)   // newest: cached
	get(small, n+1) // evicted
	// Misses are not cached.
	if _, err := c.Get(ctx, hash.Of([]byte("absent"))); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Get of an absent chunk: %v", err)
	}
	if _, ok := c.mu.m[hash.Of([]byte("absent"))]; ok {
		t.Fatal("a miss was cached")
	}
}
