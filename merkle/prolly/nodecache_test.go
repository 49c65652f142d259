package prolly

import (
	"fmt"
	"testing"

	"github.com/dsqldb/dsql/merkle/hash"
)

// cacheTestNode returns a distinct leaf of about size bytes.
func cacheTestNode(t *testing.T, i, size int) *Node {
	t.Helper()
	w := newNodeWriter(0)
	w.add([]byte(fmt.Sprintf("key%08d", i)), make([]byte, size))
	data := w.finish()
	n, err := decodeNode(hash.Of(data), data)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNodeCacheRepeatedScan: a working set that fits in the cache, read over and over
// (after a larger set of nodes that are never read again, as after a bulk build), ends up
// entirely cached, while the cache stays within its bound. The CLOCK once moved each new
// node to the hand when it evicted, so the newest unread node was the next victim and a
// repeated scan missed on every pass.
func TestNodeCacheRepeatedScan(t *testing.T) {
	const capacity = 16 * cacheShards * 5000 // about 16 nodes of 5,000 bytes per shard
	c := newNodeCache(capacity)
	for i := range 2000 { // never read again
		c.put(cacheTestNode(t, 1_000_000+i, 4800))
	}
	set := make([]*Node, 160) // about 10 nodes per shard: fits
	for i := range set {
		set[i] = cacheTestNode(t, i, 4800)
	}
	misses := 0
	for pass := range 10 {
		misses = 0
		for _, n := range set {
			if c.get(n.hash) == nil {
				misses++
				c.put(n)
			}
			if b := c.bytes(); b > capacity {
				t.Fatalf("pass %d: cache holds %d bytes, bound %d", pass, b, capacity)
			}
		}
	}
	if misses > len(set)/20 {
		t.Fatalf("last pass over a working set that fits: %d misses of %d", misses, len(set))
	}
	// A node read since the last sweep outlives nodes that were not.
	hot := set[0]
	for i := range 200 {
		c.get(hot.hash)
		c.put(cacheTestNode(t, 2_000_000+i, 4800))
	}
	if c.get(hot.hash) == nil {
		t.Fatal("a node read between insertions was evicted")
	}
}
