package prolly

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// NodeStore reads and writes tree nodes through a storage.ChunkStore, keeping recently used
// decoded nodes in a cache bounded in bytes. It is safe for use by many goroutines; it does
// not own the ChunkStore (closing the store is the caller's job).
type NodeStore struct {
	cs    storage.ChunkStore
	cache *nodeCache

	reads  atomic.Int64 // nodes requested through Read (cache hits included)
	loads  atomic.Int64 // nodes fetched from the ChunkStore (cache misses)
	writes atomic.Int64 // nodes written
}

// DefaultCacheBytes is the node cache size used when NewNodeStore is given 0.
const DefaultCacheBytes = 64 << 20

// NewNodeStore returns a NodeStore over cs with a cache of about cacheBytes (0 means
// DefaultCacheBytes; a negative value disables caching).
func NewNodeStore(cs storage.ChunkStore, cacheBytes int) *NodeStore {
	if cacheBytes == 0 {
		cacheBytes = DefaultCacheBytes
	}
	if cacheBytes < 0 {
		cacheBytes = 0
	}
	return &NodeStore{cs: cs, cache: newNodeCache(cacheBytes)}
}

// ChunkStore returns the underlying store.
func (ns *NodeStore) ChunkStore() storage.ChunkStore { return ns.cs }

// Read returns the node with address h.
func (ns *NodeStore) Read(ctx context.Context, h hash.Hash) (*Node, error) {
	ns.reads.Add(1)
	if n := ns.cache.get(h); n != nil {
		return n, nil
	}
	ns.loads.Add(1)
	data, err := ns.cs.Get(ctx, h)
	if err != nil {
		return nil, fmt.Errorf("prolly: reading node %s: %w", h, err)
	}
	n, err := decodeNode(h, data)
	if err != nil {
		return nil, err
	}
	ns.cache.put(n)
	return n, nil
}

// write stores encoded node bytes and returns the decoded node.
func (ns *NodeStore) write(ctx context.Context, data []byte) (*Node, error) {
	h := hash.Of(data)
	if n := ns.cache.get(h); n != nil {
		return n, nil // already stored (cached nodes were read from or written to cs)
	}
	n, err := decodeNode(h, data)
	if err != nil {
		return nil, err // a bug in the writer; never store a node we cannot read back
	}
	if err := ns.cs.Put(ctx, storage.Chunk{Hash: h, Data: data}); err != nil {
		return nil, fmt.Errorf("prolly: writing node %s: %w", h, err)
	}
	ns.writes.Add(1)
	ns.cache.put(n)
	return n, nil
}

// NodeStoreStats counts node traffic since the NodeStore was made (or since ResetStats).
type NodeStoreStats struct {
	Reads  int64 // nodes requested (cache hits and misses)
	Loads  int64 // nodes fetched from the chunk store
	Writes int64 // nodes written
	Cached int64 // bytes in the cache now
}

// Stats returns the counters.
func (ns *NodeStore) Stats() NodeStoreStats {
	return NodeStoreStats{Reads: ns.reads.Load(), Loads: ns.loads.Load(), Writes: ns.writes.Load(), Cached: ns.cache.bytes()}
}

// ResetStats zeroes the counters (not the cache).
func (ns *NodeStore) ResetStats() {
	ns.reads.Store(0)
	ns.loads.Store(0)
	ns.writes.Store(0)
}

// nodeCache is a sharded LRU of decoded nodes bounded by their estimated memory size.
type nodeCache struct {
	shards [cacheShards]cacheShard
}

const cacheShards = 16

type cacheShard struct {
	mu struct {
		sync.Mutex
		entries map[hash.Hash]*list.Element
		lru     list.List // front = most recent; values are *Node
		size    int
	}
	capacity int
}

func newNodeCache(capacity int) *nodeCache {
	c := &nodeCache{}
	for i := range c.shards {
		c.shards[i].capacity = capacity / cacheShards
		c.shards[i].mu.entries = make(map[hash.Hash]*list.Element)
	}
	return c
}

func (c *nodeCache) shard(h hash.Hash) *cacheShard { return &c.shards[h[0]%cacheShards] }

func (c *nodeCache) get(h hash.Hash) *Node {
	s := c.shard(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.mu.entries[h]; ok {
		s.mu.lru.MoveToFront(e)
		return e.Value.(*Node)
	}
	return nil
}

func (c *nodeCache) put(n *Node) {
	s := c.shard(n.hash)
	sz := n.memSize()
	if sz > s.capacity {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.mu.entries[n.hash]; ok {
		s.mu.lru.MoveToFront(e)
		return
	}
	s.mu.entries[n.hash] = s.mu.lru.PushFront(n)
	s.mu.size += sz
	for s.mu.size > s.capacity {
		e := s.mu.lru.Back()
		old := e.Value.(*Node)
		s.mu.lru.Remove(e)
		delete(s.mu.entries, old.hash)
		s.mu.size -= old.memSize()
	}
}

func (c *nodeCache) bytes() int64 {
	var t int64
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		t += int64(s.mu.size)
		s.mu.Unlock()
	}
	return t
}
