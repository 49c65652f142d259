package prolly

import (
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
	cs     storage.ChunkStore
	cache  *nodeCache
	chunks *chunkCache // ChunkStore(): cs with small chunks' Gets cached

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
	return &NodeStore{cs: cs, cache: newNodeCache(cacheBytes), chunks: newChunkCache(cs, cacheBytes/16)}
}

// ChunkStore returns the underlying store, with the Gets of small chunks (the table,
// schema and root chunks that every statement reads) served from a cache bounded in bytes:
// chunks are content-addressed, so a cached chunk never goes stale. Every other call
// goes straight to the store. Callers must not modify the bytes Get returns.
func (ns *NodeStore) ChunkStore() storage.ChunkStore {
	if ns.chunks == nil {
		return ns.cs
	}
	return ns.chunks
}

// Read returns the node with address h.
func (ns *NodeStore) Read(ctx context.Context, h hash.Hash) (*Node, error) {
	ns.reads.Add(1)
	if n := ns.cache.get(h); n != nil {
		return n, nil
	}
	ns.loads.Add(1)
	var data []byte
	var err error
	if sg, ok := ns.cs.(sharedGetter); ok {
		data, err = sg.GetShared(ctx, h) // the node keeps the store's bytes and never modifies them
	} else {
		data, err = ns.cs.Get(ctx, h)
	}
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

// ownedPutter is implemented by chunk stores that can keep a chunk's bytes without
// copying them (pebblestore): the caller promises never to modify them, which holds for
// a node's bytes (Immutability).
type ownedPutter interface {
	PutOwned(ctx context.Context, a storage.Addressed) error
}

// sharedGetter is implemented by chunk stores that can return a chunk's stored bytes
// without copying them (memstore); the caller must never modify them, which holds for a
// node's bytes (Immutability).
type sharedGetter interface {
	GetShared(ctx context.Context, h hash.Hash) ([]byte, error)
}

// write stores encoded node bytes and returns the decoded node.
func (ns *NodeStore) write(ctx context.Context, data []byte) (*Node, error) {
	a := storage.Address(data)
	if n := ns.cache.get(a.Hash()); n != nil {
		return n, nil // already stored (cached nodes were read from or written to cs)
	}
	n, err := decodeNode(a.Hash(), data)
	if err != nil {
		return nil, err // a bug in the writer; never store a node we cannot read back
	}
	return ns.store(ctx, n, a)
}

// writeNode stores the node w holds, resets w and returns the node. It lays the node
// out from the lengths w kept instead of decoding the bytes it just encoded (the
// write path of every Editor flush and Builder).
func (ns *NodeStore) writeNode(ctx context.Context, w *nodeWriter) (*Node, error) {
	data := w.encode()
	a := storage.Address(data)
	if n := ns.cache.get(a.Hash()); n != nil {
		w.reset()
		return n, nil // already stored (cached nodes were read from or written to cs)
	}
	n, err := w.node(a.Hash(), data)
	w.reset()
	if err != nil {
		return nil, err // a bug in the writer; never store a node we cannot read back
	}
	return ns.store(ctx, n, a)
}

// store puts n's bytes, a (addressed once, by the caller), into the chunk store and
// caches n.
func (ns *NodeStore) store(ctx context.Context, n *Node, a storage.Addressed) (*Node, error) {
	var err error
	if op, ok := ns.cs.(ownedPutter); ok {
		err = op.PutOwned(ctx, a) // data is the node's: immutable from now on
	} else {
		err = ns.cs.Put(ctx, a.Chunk())
	}
	if err != nil {
		return nil, fmt.Errorf("prolly: writing node %s: %w", a.Hash(), err)
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

// Release drops every cached node and chunk, so that their memory can go back to the
// operating system (a server that has been idle for a while does that). The caches refill
// on demand; nothing else changes.
func (ns *NodeStore) Release() {
	if ns.cache != nil {
		ns.cache.clear()
	}
	if ns.chunks != nil {
		ns.chunks.clear()
	}
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

// nodeCache is a sharded CLOCK cache of decoded nodes bounded by their estimated memory
// size. A hit takes a shared lock and sets a flag; eviction sweeps a ring with a hand,
// giving every node hit since the last sweep a second chance (an approximation of LRU
// without moving list elements on every read). A new node takes the slot freed by the
// eviction, just behind the hand, so it stays at least one revolution of the hand (other
// nodes' insertions) before it can be evicted: long enough for the next pass of a
// repeated scan whose nodes fit in the cache to hit it.
type nodeCache struct {
	shards [cacheShards]cacheShard
}

const cacheShards = 16

type cacheEntry struct {
	node *Node
	hit  atomic.Bool
}

type cacheShard struct {
	mu struct {
		sync.RWMutex
		entries map[hash.Hash]*cacheEntry
		ring    []*cacheEntry // nil slots are free (listed in free)
		free    []int
		hand    int
		size    int
	}
	capacity int
}

func newNodeCache(capacity int) *nodeCache {
	c := &nodeCache{}
	for i := range c.shards {
		c.shards[i].capacity = capacity / cacheShards
		c.shards[i].mu.entries = make(map[hash.Hash]*cacheEntry)
	}
	return c
}

func (c *nodeCache) shard(h hash.Hash) *cacheShard { return &c.shards[h[0]%cacheShards] }

func (c *nodeCache) get(h hash.Hash) *Node {
	s := c.shard(h)
	s.mu.RLock()
	e := s.mu.entries[h]
	s.mu.RUnlock()
	if e == nil {
		return nil
	}
	if !e.hit.Load() {
		e.hit.Store(true)
	}
	return e.node
}

func (c *nodeCache) put(n *Node) {
	s := c.shard(n.hash)
	sz := n.memSize()
	if sz > s.capacity {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.mu.entries[n.hash]; ok {
		return
	}
	// Live entries exist whenever size > 0, and each step either evicts one or clears a
	// hit flag, so the sweep ends.
	for s.mu.size+sz > s.capacity && s.mu.size > 0 {
		if s.mu.hand >= len(s.mu.ring) {
			s.mu.hand = 0
		}
		e := s.mu.ring[s.mu.hand]
		switch {
		case e == nil:
		case e.hit.Load():
			e.hit.Store(false)
		default:
			s.mu.ring[s.mu.hand] = nil
			s.mu.free = append(s.mu.free, s.mu.hand)
			delete(s.mu.entries, e.node.hash)
			s.mu.size -= e.node.memSize()
		}
		s.mu.hand++
	}
	e := &cacheEntry{node: n}
	s.mu.entries[n.hash] = e
	if k := len(s.mu.free); k > 0 {
		s.mu.ring[s.mu.free[k-1]] = e
		s.mu.free = s.mu.free[:k-1]
	} else {
		s.mu.ring = append(s.mu.ring, e)
	}
	s.mu.size += sz
}

// clear drops every entry.
func (c *nodeCache) clear() {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		s.mu.entries = make(map[hash.Hash]*cacheEntry)
		s.mu.ring, s.mu.free, s.mu.hand, s.mu.size = nil, nil, 0, 0
		s.mu.Unlock()
	}
}

func (c *nodeCache) bytes() int64 {
	var t int64
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		t += int64(s.mu.size)
		s.mu.RUnlock()
	}
	return t
}
