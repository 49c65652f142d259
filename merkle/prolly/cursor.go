package prolly

import (
	"context"
)

// cursor is a position in a tree: a path of nodes from the root down to the cursor's level
// (the bottom of the path) and an entry index in each. At the bottom, idx in [0, Len) is a
// valid position; -1 or Len means the cursor ran off an end. Not safe for concurrent use.
type cursor struct {
	ns   *NodeStore
	path []*Node
	idx  []int
}

func newCursor(ns *NodeStore, root *Node) *cursor {
	return &cursor{ns: ns, path: []*Node{root}, idx: []int{0}}
}

func (c *cursor) bottom() int   { return len(c.path) - 1 }
func (c *cursor) node() *Node   { return c.path[len(c.path)-1] }
func (c *cursor) pos() int      { return c.idx[len(c.idx)-1] }
func (c *cursor) level() int    { return c.node().level }
func (c *cursor) key() []byte   { return c.node().Key(c.pos()) }
func (c *cursor) value() []byte { return c.node().Value(c.pos()) }

func (c *cursor) valid() bool {
	p := c.pos()
	return p >= 0 && p < c.node().Len()
}

// push loads the child of the current bottom entry and makes it the new bottom, at its
// first entry (last if last is true).
func (c *cursor) push(ctx context.Context, last bool) error {
	n, err := c.ns.Read(ctx, c.node().Child(c.pos()))
	if err != nil {
		return err
	}
	i := 0
	if last {
		i = n.Len() - 1
	}
	c.path = append(c.path, n)
	c.idx = append(c.idx, i)
	return nil
}

// pop removes the bottom of the path; the cursor then stands on the parent entry.
func (c *cursor) pop() {
	c.path = c.path[:len(c.path)-1]
	c.idx = c.idx[:len(c.idx)-1]
}

// descend pushes first (or last) children until the bottom is at level.
func (c *cursor) descend(ctx context.Context, level int, last bool) error {
	for c.level() > level {
		if last {
			c.idx[c.bottom()] = c.node().Len() - 1
		} else {
			c.idx[c.bottom()] = 0
		}
		if err := c.push(ctx, last); err != nil {
			return err
		}
	}
	return nil
}

// seek positions the cursor at level on the first entry whose key is >= key, choosing at
// each internal level the first child whose last key is >= key. If every key is smaller,
// then with clamp the cursor stands on the last entry of the last node; without it the
// cursor becomes invalid (past the end).
func (c *cursor) seek(ctx context.Context, cmp Compare, key []byte, level int, clamp bool) error {
	c.path, c.idx = c.path[:1], c.idx[:1]
	for {
		n := c.node()
		i := search(n, cmp, key)
		if i == n.Len() {
			if !clamp || n.Len() == 0 {
				c.idx[c.bottom()] = n.Len()
				// Invalid, but keep the path at the requested level so prev() works.
				for c.level() > level {
					c.idx[c.bottom()] = n.Len() - 1
					if err := c.push(ctx, true); err != nil {
						return err
					}
					n = c.node()
					c.idx[c.bottom()] = n.Len()
				}
				return nil
			}
			i = n.Len() - 1
		}
		c.idx[c.bottom()] = i
		if n.level == level {
			return nil
		}
		if err := c.push(ctx, false); err != nil {
			return err
		}
	}
}

// seekForward is seek with clamp for a cursor already positioned at level by an earlier
// seek, and a key greater than every key of the cursor's bottom node: it climbs only as
// far as the path must (to the lowest node whose range reaches key) and searches onwards
// from there, so a sequence of increasing keys costs little more than a walk.
func (c *cursor) seekForward(ctx context.Context, cmp Compare, key []byte, level int) error {
	j := c.bottom()
	for j > 0 && cmp(c.path[j].lastKey(), key) < 0 {
		j--
	}
	c.path, c.idx = c.path[:j+1], c.idx[:j+1]
	from := max(c.idx[j], 0)
	for {
		n := c.node()
		i := searchFrom(n, cmp, key, from)
		if i == n.Len() {
			i = n.Len() - 1 // only in the level's last node: clamp
		}
		c.idx[c.bottom()] = i
		if n.level == level {
			return nil
		}
		if err := c.push(ctx, false); err != nil {
			return err
		}
		from = 0
	}
}

// search returns the index of the first entry of n whose key is >= key (n.Len() if none).
func search(n *Node, cmp Compare, key []byte) int {
	lo, hi := 0, n.Len()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if cmp(n.Key(m), key) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// next moves to the next entry at the bottom level, crossing into the next node if needed.
// At the end the cursor becomes invalid.
func (c *cursor) next(ctx context.Context) error {
	b := c.bottom()
	c.idx[b]++
	if c.idx[b] < c.path[b].Len() {
		return nil
	}
	j := b - 1
	for j >= 0 && c.idx[j]+1 >= c.path[j].Len() {
		j--
	}
	if j < 0 {
		c.idx[b] = c.path[b].Len()
		return nil
	}
	c.idx[j]++
	for k := j + 1; k <= b; k++ {
		n, err := c.ns.Read(ctx, c.path[k-1].Child(c.idx[k-1]))
		if err != nil {
			return err
		}
		c.path[k], c.idx[k] = n, 0
	}
	return nil
}

// prev moves to the previous entry at the bottom level. Before the start the cursor
// becomes invalid.
func (c *cursor) prev(ctx context.Context) error {
	b := c.bottom()
	if c.idx[b] > c.path[b].Len() {
		c.idx[b] = c.path[b].Len()
	}
	c.idx[b]--
	if c.idx[b] >= 0 {
		return nil
	}
	j := b - 1
	for j >= 0 && c.idx[j] <= 0 {
		j--
	}
	if j < 0 {
		c.idx[b] = -1
		return nil
	}
	c.idx[j]--
	for k := j + 1; k <= b; k++ {
		n, err := c.ns.Read(ctx, c.path[k-1].Child(c.idx[k-1]))
		if err != nil {
			return err
		}
		c.path[k], c.idx[k] = n, n.Len()-1
	}
	return nil
}

// nextNode moves to the first entry of the next node at the bottom level. It reports
// false (leaving the cursor invalid) if the current node is the last of its level.
func (c *cursor) nextNode(ctx context.Context) (bool, error) {
	b := c.bottom()
	c.idx[b] = c.path[b].Len() - 1
	if err := c.next(ctx); err != nil {
		return false, err
	}
	return c.valid(), nil
}

// isLastNode reports whether the bottom node is the last node of its level.
func (c *cursor) isLastNode() bool {
	for j := 0; j < c.bottom(); j++ {
		if c.idx[j] != c.path[j].Len()-1 {
			return false
		}
	}
	return true
}

// atNodeStart reports whether the cursor is on the first entry of its bottom node.
func (c *cursor) atNodeStart() bool { return c.pos() == 0 }

// ordinal returns the number of leaf entries before the cursor's position. At a leaf, that
// is the entry's index in the map; at level L it is the index of the subtree's first entry.
func (c *cursor) ordinal() uint64 {
	var o uint64
	for j := 0; j < c.bottom(); j++ {
		o += c.path[j].cumBefore(c.idx[j])
	}
	n := c.node()
	if n.level == 0 {
		o += uint64(c.pos())
	} else {
		o += n.cumBefore(c.pos())
	}
	return o
}

// seekOrdinal positions a leaf cursor on the entry with ordinal o (invalid if o >= Count).
func (c *cursor) seekOrdinal(ctx context.Context, o uint64) error {
	c.path, c.idx = c.path[:1], c.idx[:1]
	for {
		n := c.node()
		if o >= n.Count() { // only possible at the root: past the end
			c.idx[c.bottom()] = n.Len()
			return nil
		}
		if n.level == 0 {
			c.idx[c.bottom()] = int(o)
			return nil
		}
		lo, hi := 0, n.Len()
		for lo < hi { // first child whose cumulative count exceeds o
			m := int(uint(lo+hi) >> 1)
			if n.cum[m] <= o {
				lo = m + 1
			} else {
				hi = m
			}
		}
		o -= n.cumBefore(lo)
		c.idx[c.bottom()] = lo
		if err := c.push(ctx, false); err != nil {
			return err
		}
	}
}
