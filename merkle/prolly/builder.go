package prolly

import (
	"bytes"
	"context"
	"errors"
	"fmt"
)

// ErrEntryTooLarge is returned for a key plus value larger than MaxEntrySize.
var ErrEntryTooLarge = errors.New("prolly: entry too large")

// ErrUnsorted is returned by Builder.Add for a key not greater than the previous one.
var ErrUnsorted = errors.New("prolly: keys out of order")

// chunker accumulates the entries of one level and applies the split rule.
type chunker struct {
	w     *nodeWriter
	size  int
	count uint64 // leaf entries under the pending node
}

// add appends an entry (covering cnt leaf entries) and reports whether the node ends here.
func (c *chunker) add(k, v []byte, cnt uint64) bool {
	s0 := c.size
	c.size += entrySize(len(k), len(v))
	c.w.add(k, v)
	c.count += cnt
	return isBoundary(k, c.w.level, s0, c.size)
}

// addRun appends entries [a, b) of n without applying the split rule to them: the
// caller knows none of them ends a node (see rechunker.existing).
func (c *chunker) addRun(n *Node, a, b int) {
	c.size += c.w.addRun(n, a, b)
	c.count += n.entriesCount(a, b)
}

func (c *chunker) empty() bool { return c.w.n == 0 }

// emit writes the pending entries as a node.
func (c *chunker) emit(ctx context.Context, ns *NodeStore) (*Node, error) {
	c.size, c.count = 0, 0
	return ns.writeNode(ctx, c.w)
}

// levelState is one level of a treeBuilder.
type levelState struct {
	ch      chunker
	held    *Node // the level's first node, pushed to the parent once a second one exists
	emitted int
}

// treeBuilder builds the levels of a tree bottom-up from a stream of entries at level base.
// It implements the canonical shape: each level is chunked by the split rule, and the root
// is the first level that has exactly one node. Not safe for concurrent use.
type treeBuilder struct {
	ns     *NodeStore
	base   int
	levels []*levelState
}

func newTreeBuilder(ns *NodeStore, base int) *treeBuilder {
	return &treeBuilder{ns: ns, base: base}
}

func (b *treeBuilder) level(l int) *levelState {
	for len(b.levels) <= l-b.base {
		w := newNodeWriter(b.base + len(b.levels))
		ls := &levelState{ch: chunker{w: &w}}
		b.levels = append(b.levels, ls)
	}
	return b.levels[l-b.base]
}

// add appends an entry at level l covering cnt leaf entries.
func (b *treeBuilder) add(ctx context.Context, l int, k, v []byte, cnt uint64) error {
	ls := b.level(l)
	if ls.ch.add(k, v, cnt) {
		return b.flush(ctx, l)
	}
	return nil
}

// addNode appends a finished node as an entry of level l (its parent level).
func (b *treeBuilder) addNode(ctx context.Context, l int, n *Node) error {
	var ref [32]byte
	return b.add(ctx, l, n.lastKey(), encodeRef(ref[:0], n.hash, n.Count()), n.Count())
}

// flush ends the pending node of level l.
func (b *treeBuilder) flush(ctx context.Context, l int) error {
	ls := b.level(l)
	n, err := ls.ch.emit(ctx, b.ns)
	if err != nil {
		return err
	}
	ls.emitted++
	if ls.emitted == 1 {
		ls.held = n
		return nil
	}
	if ls.held != nil {
		if err := b.addNode(ctx, l+1, ls.held); err != nil {
			return err
		}
		ls.held = nil
	}
	return b.addNode(ctx, l+1, n)
}

// finish flushes every level and returns the root, or nil if no entry was ever added
// (the caller decides what an empty result means).
func (b *treeBuilder) finish(ctx context.Context) (*Node, error) {
	for l := b.base; ; l++ {
		ls := b.level(l)
		if !ls.ch.empty() {
			if err := b.flush(ctx, l); err != nil {
				return nil, err
			}
		}
		switch ls.emitted {
		case 0:
			return nil, nil
		case 1:
			return ls.held, nil
		}
	}
}

// Builder builds a Map from entries in strictly increasing key order: the fast path for
// imports. It writes each node once, as soon as it is complete, so its memory use is
// bounded by the tree height, not the number of entries. Not safe for concurrent use.
type Builder struct {
	ns   *NodeStore
	cmp  Compare
	tb   *treeBuilder
	last []byte
	n    uint64
	err  error
}

// NewBuilder returns a Builder writing through ns, ordering keys with cmp (nil: bytes.Compare).
func NewBuilder(ns *NodeStore, cmp Compare) *Builder {
	if cmp == nil {
		cmp = bytes.Compare
	}
	return &Builder{ns: ns, cmp: cmp, tb: newTreeBuilder(ns, 0)}
}

// Add appends an entry. key must be greater than the previous key. key and val are copied.
func (b *Builder) Add(ctx context.Context, key, val []byte) error {
	if b.err != nil {
		return b.err
	}
	if entrySize(len(key), len(val)) > MaxEntrySize {
		return fmt.Errorf("%w: %d-byte key and %d-byte value exceed %d bytes", ErrEntryTooLarge, len(key), len(val), MaxEntrySize)
	}
	if b.n > 0 && b.cmp(b.last, key) >= 0 {
		b.err = fmt.Errorf("%w: entry %d has key %x, not greater than the previous key %x", ErrUnsorted, b.n, key, b.last)
		return b.err
	}
	b.last = append(b.last[:0], key...)
	b.n++
	if err := b.tb.add(ctx, 0, key, val, 1); err != nil {
		b.err = err
	}
	return b.err
}

// Finish writes the remaining nodes and returns the Map. The Builder must not be used after.
func (b *Builder) Finish(ctx context.Context) (Map, error) {
	if b.err != nil {
		return Map{}, b.err
	}
	root, err := b.tb.finish(ctx)
	if err != nil {
		return Map{}, err
	}
	if root == nil {
		return NewEmpty(ctx, b.ns, b.cmp)
	}
	return Map{root: root, ns: b.ns, cmp: b.cmp}, nil
}
