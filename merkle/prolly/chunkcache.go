package prolly

import (
	"context"
	"sync"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// chunkCacheMaxChunk is the largest chunk chunkCache keeps: it is for the small
// metadata chunks (tables, schemas, roots) read on every statement, not for tree nodes,
// which the node cache holds decoded.
const chunkCacheMaxChunk = 16 << 10

// chunkCache is a storage.ChunkStore that serves Get of small chunks from memory and
// passes every other call to the store. It is bounded in bytes and evicts in insertion
// order (FIFO); safe for concurrent use.
type chunkCache struct {
	storage.ChunkStore
	capacity int
	mu       struct {
		sync.Mutex
		m     map[hash.Hash][]byte
		order []hash.Hash // insertion order; order[head:] are live
		head  int
		size  int
	}
}

var _ storage.ChunkStore = (*chunkCache)(nil)

// newChunkCache returns a cache of about capacity bytes over cs, or nil if capacity is
// too small to be useful.
func newChunkCache(cs storage.ChunkStore, capacity int) *chunkCache {
	if capacity < chunkCacheMaxChunk {
		return nil
	}
	c := &chunkCache{ChunkStore: cs, capacity: capacity}
	c.mu.m = make(map[hash.Hash][]byte)
	return c
}

// Get implements storage.ChunkStore.
func (c *chunkCache) Get(ctx context.Context, h hash.Hash) ([]byte, error) {
	c.mu.Lock()
	data, ok := c.mu.m[h]
	c.mu.Unlock()
	if ok {
		return data, nil
	}
	data, err := c.ChunkStore.Get(ctx, h)
	if err != nil || len(data) > chunkCacheMaxChunk {
		return data, err
	}
	c.put(h, data)
	return data, nil
}

// clear drops every cached chunk.
func (c *chunkCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.m = make(map[hash.Hash][]byte)
	c.mu.order, c.mu.head, c.mu.size = nil, 0, 0
}

func (c *chunkCache) put(h hash.Hash, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.mu.m[h]; ok {
		return
	}
	for c.mu.size+len(data) > c.capacity && c.mu.head < len(c.mu.order) {
		old := c.mu.order[c.mu.head]
		c.mu.head++
		c.mu.size -= len(c.mu.m[old])
		delete(c.mu.m, old)
	}
	if c.mu.head > len(c.mu.order)/2 { // compact the queue
		c.mu.order = append(c.mu.order[:0], c.mu.order[c.mu.head:]...)
		c.mu.head = 0
	}
	c.mu.m[h] = data
	c.mu.order = append(c.mu.order, h)
	c.mu.size += len(data)
}
