package prolly

import (
	"context"
	"fmt"

	"github.com/google/btree"
)

// edit is one change at some level of a tree: at level 0 a put or delete of a map entry; at
// level L > 0 a put or delete of the entry describing a level L-1 node (cnt is its count).
type edit struct {
	key, val []byte
	cnt      uint64
	del      bool
}

// Editor buffers puts and deletes against a Map and applies them in one pass with Flush,
// producing a new Map that shares every unchanged node with the old one (Structural
// sharing). The edited Map itself never changes (Immutability). An Editor is not safe for
// concurrent use; keys and values passed to it are copied.
type Editor struct {
	m     Map
	edits *btree.BTreeG[edit]
}

// Edit returns an Editor over m.
func (m Map) Edit() *Editor {
	cmp := m.cmp
	return &Editor{m: m, edits: btree.NewG(32, func(a, b edit) bool { return cmp(a.key, b.key) < 0 })}
}

// Put sets key to val, replacing any earlier edit of the same key.
func (e *Editor) Put(key, val []byte) error {
	if entrySize(len(key), len(val)) > MaxEntrySize {
		return fmt.Errorf("%w: %d-byte key and %d-byte value exceed %d bytes", ErrEntryTooLarge, len(key), len(val), MaxEntrySize)
	}
	e.edits.ReplaceOrInsert(edit{key: clone(key), val: clone(val), cnt: 1})
	return nil
}

// Delete removes key (a no-op if it is absent).
func (e *Editor) Delete(key []byte) {
	e.edits.ReplaceOrInsert(edit{key: clone(key), del: true})
}

// Get returns the value of key as the Editor would leave it: pending edits first, then the
// Map.
func (e *Editor) Get(ctx context.Context, key []byte) ([]byte, bool, error) {
	if ed, ok := e.edits.Get(edit{key: key}); ok {
		if ed.del {
			return nil, false, nil
		}
		return ed.val, true, nil
	}
	return e.m.Get(ctx, key)
}

// Pending returns the number of buffered edits.
func (e *Editor) Pending() int { return e.edits.Len() }

// Flush applies the buffered edits and returns the new Map. The Editor then edits the new
// Map, with no pending edits.
func (e *Editor) Flush(ctx context.Context) (Map, error) {
	edits := make([]edit, 0, e.edits.Len())
	e.edits.Ascend(func(ed edit) bool { edits = append(edits, ed); return true })
	m, err := e.m.apply(ctx, edits)
	if err != nil {
		return Map{}, err
	}
	e.m = m
	e.edits.Clear(false)
	return m, nil
}

func clone(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return append(make([]byte, 0, len(b)), b...)
}

// apply rewrites the tree level by level. At each level it re-chunks only the regions that
// contain edits: a region starts at the first node holding an edited key (the boundary
// before that node cannot have moved, since nothing before it changed) and ends at the first
// old node boundary where the new chunking also has a boundary, after which the old and new
// sequences are identical. The replaced nodes become edits of the parent level.
func (m Map) apply(ctx context.Context, edits []edit) (Map, error) {
	for level := 0; len(edits) > 0; level++ {
		if level < m.root.level {
			var err error
			if edits, _, _, err = m.rewriteLevel(ctx, level, edits); err != nil {
				return Map{}, err
			}
			continue
		}
		_, top, changed, err := m.rewriteLevel(ctx, level, edits)
		if err != nil || !changed {
			return m, err
		}
		var root *Node
		switch len(top) {
		case 0:
			return NewEmpty(ctx, m.ns, m.cmp)
		case 1:
			root = top[0]
		default:
			tb := newTreeBuilder(m.ns, level+1)
			for _, n := range top {
				if err := tb.addNode(ctx, level+1, n); err != nil {
					return Map{}, err
				}
			}
			if root, err = tb.finish(ctx); err != nil {
				return Map{}, err
			}
		}
		// The canonical root is the lowest level with a single node.
		for root.level > 0 && root.Len() == 1 {
			if root, err = m.ns.Read(ctx, root.Child(0)); err != nil {
				return Map{}, err
			}
		}
		return Map{root: root, ns: m.ns, cmp: m.cmp}, nil
	}
	return m, nil
}

// rewriteLevel applies sorted edits to the nodes of one level. Below the root it returns the
// edits for the parent level; at the root's level it returns the new top-level nodes and
// whether anything changed.
func (m Map) rewriteLevel(ctx context.Context, level int, edits []edit) (parent []edit, top []*Node, changed bool, err error) {
	cmp := m.cmp
	c := newCursor(m.ns, m.root)
	var olds, news []*Node
	w := getNodeWriter(level)
	defer putNodeWriter(w)
	ch := chunker{w: w}
	for i := 0; i < len(edits); {
		if err := c.seek(ctx, cmp, edits[i].key, level, true); err != nil {
			return nil, nil, false, err
		}
		olds, news = olds[:0], news[:0]
		add := func(k, v []byte, cnt uint64) error {
			if ch.add(k, v, cnt) {
				n, err := ch.emit(ctx, m.ns)
				if err != nil {
					return err
				}
				news = append(news, n)
			}
			return nil
		}
		for {
			n := c.node()
			last := c.isLastNode()
			j := len(edits)
			if !last {
				hi := n.lastKey()
				for j = i; j < len(edits) && cmp(edits[j].key, hi) <= 0; j++ {
				}
			}
			if err := mergeInto(n, edits[i:j], cmp, add); err != nil {
				return nil, nil, false, err
			}
			i = j
			olds = append(olds, n)
			if last {
				if !ch.empty() {
					nd, err := ch.emit(ctx, m.ns)
					if err != nil {
						return nil, nil, false, err
					}
					news = append(news, nd)
				}
				break
			}
			if ch.empty() {
				break // synchronized: the new chunking ends where an old node ends
			}
			if ok, err := c.nextNode(ctx); err != nil || !ok {
				return nil, nil, false, fmt.Errorf("prolly: level %d ended before its last node: %w", level, err)
			}
		}
		if sameNodes(olds, news) {
			continue
		}
		changed = true
		if level == m.root.level {
			return nil, append([]*Node(nil), news...), true, nil
		}
		parent = appendParentEdits(parent, olds, news, cmp)
	}
	return parent, nil, changed, nil
}

// mergeInto feeds the entries of n, with edits applied, to add in key order.
func mergeInto(n *Node, edits []edit, cmp Compare, add func(k, v []byte, cnt uint64) error) error {
	ni, ei := 0, 0
	for ni < n.Len() || ei < len(edits) {
		if ei < len(edits) && (ni >= n.Len() || cmp(edits[ei].key, n.Key(ni)) <= 0) {
			e := edits[ei]
			ei++
			if ni < n.Len() && cmp(e.key, n.Key(ni)) == 0 {
				ni++
			}
			if e.del {
				continue
			}
			if err := add(e.key, e.val, e.cnt); err != nil {
				return err
			}
			continue
		}
		cnt := uint64(1)
		if n.level > 0 {
			cnt = n.childCount(ni)
		}
		if err := add(n.Key(ni), n.Value(ni), cnt); err != nil {
			return err
		}
		ni++
	}
	return nil
}

func sameNodes(a, b []*Node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].hash != b[i].hash {
			return false
		}
	}
	return true
}

// appendParentEdits turns "olds were replaced by news" into parent-level edits in key order:
// a delete of each old node's entry and a put of each new node's entry (a put wins over a
// delete of the same key).
func appendParentEdits(dst []edit, olds, news []*Node, cmp Compare) []edit {
	i, j := 0, 0
	for i < len(olds) || j < len(news) {
		var c int
		switch {
		case i == len(olds):
			c = 1
		case j == len(news):
			c = -1
		default:
			c = cmp(olds[i].lastKey(), news[j].lastKey())
		}
		if c < 0 {
			dst = append(dst, edit{key: olds[i].lastKey(), del: true})
			i++
			continue
		}
		if c == 0 {
			i++
		}
		n := news[j]
		dst = append(dst, edit{key: n.lastKey(), val: encodeRef(nil, n.hash, n.Count()), cnt: n.Count()})
		j++
	}
	return dst
}
