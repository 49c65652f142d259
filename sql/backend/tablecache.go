package backend

import (
	"context"
	"sync"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
)

// tableCache keeps recently loaded repo.Tables by node store and table address, so that
// the many reads of one table while GMS plans and runs a statement (GetTableInsensitive,
// RowCount and DataLength for costing, PartitionRows or a lookup) decode its chunk and
// schema once instead of every time: repo.Root.Table reads and decodes both chunks on each
// call, which was a third of a point select's CPU time.
//
// A repo.Table is an immutable value and its address fixes its content, so an entry
// never goes stale; the node store is part of the key because equal addresses in two
// repositories name equal bytes but must read from their own store. The cache is bounded
// (it is emptied when full: a working set has few tables, and a write makes one new
// version per statement) and safe for concurrent use.
type tableCache struct {
	mu struct {
		sync.Mutex
		m map[tableCacheKey]repo.Table
	}
}

type tableCacheKey struct {
	ns *prolly.NodeStore
	h  hash.Hash
}

// tableCacheSize bounds the number of cached tables.
const tableCacheSize = 512

var tables tableCache

// get returns the table named name in root (case-insensitive); ok=false if none.
func (c *tableCache) get(ctx context.Context, root repo.Root, name string) (repo.Table, bool, error) {
	h, ok := root.TableHash(name)
	if !ok {
		return repo.Table{}, false, nil
	}
	k := tableCacheKey{ns: root.NodeStore(), h: h}
	c.mu.Lock()
	t, ok := c.mu.m[k]
	c.mu.Unlock()
	if ok {
		return t, true, nil
	}
	t, ok, err := root.Table(ctx, name)
	if err != nil || !ok {
		return t, ok, err
	}
	c.mu.Lock()
	if c.mu.m == nil || len(c.mu.m) >= tableCacheSize {
		c.mu.m = make(map[tableCacheKey]repo.Table)
	}
	c.mu.m[k] = t
	c.mu.Unlock()
	return t, true, nil
}
