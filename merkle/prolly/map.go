package prolly

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/dsqldb/dsql/merkle/hash"
)

// Compare orders keys: negative if a < b, zero if equal, positive if a > b. It must be a
// total order that never changes for stored data (see the package doc, "Stability").
// nil means bytes.Compare.
type Compare func(a, b []byte) int

// Map is an immutable sorted map from keys to values stored as a prolly tree. It is a value:
// copy it freely and use it from many goroutines. Edits go through an Editor, whose Flush
// returns a new Map. Keys and values returned by a Map alias cached node bytes: they stay
// valid forever and must not be modified.
type Map struct {
	root *Node
	ns   *NodeStore
	cmp  Compare
}

// NewEmpty returns the empty map (writing the empty leaf to ns).
func NewEmpty(ctx context.Context, ns *NodeStore, cmp Compare) (Map, error) {
	w := nodeWriter{}
	n, err := ns.write(ctx, w.finish())
	if err != nil {
		return Map{}, err
	}
	return Map{root: n, ns: ns, cmp: orBytes(cmp)}, nil
}

// Load returns the map whose root node has address h.
func Load(ctx context.Context, ns *NodeStore, h hash.Hash, cmp Compare) (Map, error) {
	n, err := ns.Read(ctx, h)
	if err != nil {
		return Map{}, fmt.Errorf("prolly: loading map %s: %w", h, err)
	}
	return Map{root: n, ns: ns, cmp: orBytes(cmp)}, nil
}

func orBytes(cmp Compare) Compare {
	if cmp == nil {
		return bytes.Compare
	}
	return cmp
}

// Hash returns the address of the root node: two maps with equal hashes hold equal entries.
func (m Map) Hash() hash.Hash { return m.root.hash }

// Count returns the number of entries.
func (m Map) Count() uint64 { return m.root.Count() }

// Height returns the number of levels (1 for a map held in one leaf).
func (m Map) Height() int { return m.root.level + 1 }

// NodeStore returns the store the map reads from.
func (m Map) NodeStore() *NodeStore { return m.ns }

// Compare returns the map's key order.
func (m Map) Compare() Compare { return m.cmp }

// Root returns the root node (for inspection and garbage collection).
func (m Map) Root() *Node { return m.root }

// Get returns the value stored under key.
func (m Map) Get(ctx context.Context, key []byte) (val []byte, found bool, err error) {
	n := m.root
	for n.level > 0 {
		i := search(n, m.cmp, key)
		if i == n.Len() {
			return nil, false, nil
		}
		if n, err = m.ns.Read(ctx, n.Child(i)); err != nil {
			return nil, false, err
		}
	}
	i := search(n, m.cmp, key)
	if i < n.Len() && m.cmp(n.Key(i), key) == 0 {
		return n.Value(i), true, nil
	}
	return nil, false, nil
}

// Has reports whether key is present.
func (m Map) Has(ctx context.Context, key []byte) (bool, error) {
	_, ok, err := m.Get(ctx, key)
	return ok, err
}

// Range selects keys for iteration. A nil Start or End is unbounded on that side (an empty
// non-nil slice is a real key). By default Start is inclusive and End exclusive.
type Range struct {
	Start, End     []byte
	StartExclusive bool
	EndInclusive   bool
	Reverse        bool // iterate from the high end down
}

// All is the Range of every key, ascending.
var All = Range{}

func (r Range) aboveStart(cmp Compare, k []byte) bool {
	if r.Start == nil {
		return true
	}
	c := cmp(k, r.Start)
	return c > 0 || (c == 0 && !r.StartExclusive)
}

func (r Range) belowEnd(cmp Compare, k []byte) bool {
	if r.End == nil {
		return true
	}
	c := cmp(k, r.End)
	return c < 0 || (c == 0 && r.EndInclusive)
}

// Iter iterates over a Map's entries. Not safe for concurrent use.
type Iter struct {
	m         Map
	c         *cursor
	r         Range
	remaining uint64 // for ordinal iterators; ^0 otherwise
	started   bool
}

// Iter returns an iterator over the keys in r, in ascending order (descending if
// r.Reverse).
func (m Map) Iter(ctx context.Context, r Range) (*Iter, error) {
	it := &Iter{m: m, c: newCursor(m.ns, m.root), r: r, remaining: ^uint64(0)}
	var err error
	if !r.Reverse {
		if r.Start == nil {
			err = it.c.descend(ctx, 0, false)
		} else {
			err = it.c.seek(ctx, m.cmp, r.Start, 0, false)
			if err == nil && r.StartExclusive && it.c.valid() && m.cmp(it.c.key(), r.Start) == 0 {
				err = it.c.next(ctx)
			}
		}
	} else {
		if r.End == nil {
			err = it.c.descend(ctx, 0, true)
			if err == nil && m.root.Len() > 0 {
				it.c.idx[it.c.bottom()] = it.c.node().Len() - 1
			}
		} else {
			err = it.c.seek(ctx, m.cmp, r.End, 0, false)
			if err == nil {
				if !it.c.valid() || m.cmp(it.c.key(), r.End) > 0 || !r.EndInclusive {
					err = it.c.prev(ctx)
				}
			}
		}
	}
	if err != nil {
		return nil, err
	}
	return it, nil
}

// IterOrdinal returns an ascending iterator over the entries with ordinal positions in
// [start, end): seek by ordinal costs one root-to-leaf descent.
func (m Map) IterOrdinal(ctx context.Context, start, end uint64) (*Iter, error) {
	it := &Iter{m: m, c: newCursor(m.ns, m.root)}
	if end > m.Count() {
		end = m.Count()
	}
	if start < end {
		it.remaining = end - start
	}
	if err := it.c.seekOrdinal(ctx, start); err != nil {
		return nil, err
	}
	return it, nil
}

// Next returns the next entry, or io.EOF after the last.
func (it *Iter) Next(ctx context.Context) (key, val []byte, err error) {
	if it.started {
		if it.r.Reverse {
			err = it.c.prev(ctx)
		} else {
			err = it.c.next(ctx)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	it.started = true
	if it.remaining == 0 || !it.c.valid() {
		return nil, nil, io.EOF
	}
	k := it.c.key()
	if it.r.Reverse {
		if !it.r.aboveStart(it.m.cmp, k) {
			return nil, nil, io.EOF
		}
	} else if !it.r.belowEnd(it.m.cmp, k) {
		return nil, nil, io.EOF
	}
	it.remaining--
	return k, it.c.value(), nil
}

// Ordinal returns the position key has (or would have) in the map: the number of keys
// smaller than key.
func (m Map) Ordinal(ctx context.Context, key []byte) (uint64, error) {
	c := newCursor(m.ns, m.root)
	if err := c.seek(ctx, m.cmp, key, 0, false); err != nil {
		return 0, err
	}
	if !c.valid() {
		return m.Count(), nil
	}
	return c.ordinal(), nil
}

// Walk calls fn for every node of the map, parents before children, each distinct node
// once. It is how consistency checks and (later) garbage collection see a tree.
func (m Map) Walk(ctx context.Context, fn func(n *Node) error) error {
	seen := hash.NewSet()
	var walk func(n *Node) error
	walk = func(n *Node) error {
		if seen.Has(n.hash) {
			return nil
		}
		seen.Add(n.hash)
		if err := fn(n); err != nil {
			return err
		}
		for i := 0; n.level > 0 && i < n.Len(); i++ {
			c, err := m.ns.Read(ctx, n.Child(i))
			if err != nil {
				return err
			}
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(m.root)
}
