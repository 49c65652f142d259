package prolly

import (
	"context"
	"fmt"
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
	edits editBuf
}

// Edit returns an Editor over m.
func (m Map) Edit() *Editor {
	return &Editor{m: m, edits: editBuf{cmp: m.cmp}}
}

// Put sets key to val, replacing any earlier edit of the same key.
func (e *Editor) Put(key, val []byte) error {
	if entrySize(len(key), len(val)) > MaxEntrySize {
		return fmt.Errorf("%w: %d-byte key and %d-byte value exceed %d bytes", ErrEntryTooLarge, len(key), len(val), MaxEntrySize)
	}
	// One allocation holds the copies of both (the edit keeps them until Flush).
	buf := make([]byte, len(key)+len(val))
	n := copy(buf, key)
	copy(buf[n:], val)
	e.edits.put(edit{key: buf[:n:n], val: buf[n:], cnt: 1})
	return nil
}

// Delete removes key (a no-op if it is absent).
func (e *Editor) Delete(key []byte) {
	e.edits.put(edit{key: clone(key), del: true})
}

// Get returns the value of key as the Editor would leave it: pending edits first, then the
// Map.
func (e *Editor) Get(ctx context.Context, key []byte) ([]byte, bool, error) {
	if ed, ok := e.edits.get(key); ok {
		if ed.del {
			return nil, false, nil
		}
		return ed.val, true, nil
	}
	return e.m.Get(ctx, key)
}

// Pending returns the number of buffered edits.
func (e *Editor) Pending() int { return e.edits.len() }

// Flush applies the buffered edits and returns the new Map. The Editor then edits the new
// Map, with no pending edits.
func (e *Editor) Flush(ctx context.Context) (Map, error) {
	m, err := e.m.apply(ctx, e.edits.sorted())
	if err != nil {
		return Map{}, err
	}
	e.m = m
	e.edits.clear()
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
	var olds []*Node
	w := getNodeWriter(level)
	defer putNodeWriter(w)
	r := rechunker{ctx: ctx, ns: m.ns, cmp: cmp, ch: chunker{w: w}}
	for i := 0; i < len(edits); {
		// Regions start at increasing keys: the first seek is from the root, the others
		// only climb as far as they must.
		var err error
		if i == 0 {
			err = c.seek(ctx, cmp, edits[i].key, level, true)
		} else {
			err = c.seekForward(ctx, cmp, edits[i].key, level)
		}
		if err != nil {
			return nil, nil, false, err
		}
		olds, r.news = olds[:0], r.news[:0]
		for {
			n := c.node()
			last := c.isLastNode()
			j := len(edits)
			if !last {
				hi := n.lastKey()
				for j = i; j < len(edits) && cmp(edits[j].key, hi) <= 0; j++ {
				}
			}
			if err := r.node(n, edits[i:j]); err != nil {
				return nil, nil, false, err
			}
			i = j
			olds = append(olds, n)
			if last {
				if !r.ch.empty() {
					nd, err := r.ch.emit(ctx, m.ns)
					if err != nil {
						return nil, nil, false, err
					}
					r.news = append(r.news, nd)
				}
				break
			}
			if r.ch.empty() {
				break // synchronized: the new chunking ends where an old node ends
			}
			if ok, err := c.nextNode(ctx); err != nil || !ok {
				return nil, nil, false, fmt.Errorf("prolly: level %d ended before its last node: %w", level, err)
			}
		}
		news := r.news
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

// rechunker re-chunks one region of a level: the entries of old nodes with edits
// applied, cut by the split rule into new nodes.
type rechunker struct {
	ctx  context.Context
	ns   *NodeStore
	cmp  Compare
	ch   chunker
	news []*Node // nodes emitted in the current region
}

// add appends one entry, applying the split rule.
func (r *rechunker) add(k, v []byte, cnt uint64) error {
	if r.ch.add(k, v, cnt) {
		n, err := r.ch.emit(r.ctx, r.ns)
		if err != nil {
			return err
		}
		r.news = append(r.news, n)
	}
	return nil
}

// node feeds the entries of n, with edits (sorted, keys within n's range or, for the
// level's last node, beyond it) applied, in key order.
func (r *rechunker) node(n *Node, edits []edit) error {
	ni, off := 0, 0
	var err error
	for _, e := range edits {
		p := searchFrom(n, r.cmp, e.key, ni)
		if off, err = r.existing(n, ni, p, off); err != nil {
			return err
		}
		ni = p
		if ni < n.Len() && sameKey(r.cmp, e.key, n.Key(ni)) {
			off += entrySize(len(n.Key(ni)), len(n.Value(ni)))
			ni++
		}
		if !e.del {
			if err := r.add(e.key, e.val, e.cnt); err != nil {
				return err
			}
		}
	}
	_, err = r.existing(n, ni, n.Len(), off)
	return err
}

// existing feeds the unchanged entries [a, b) of n. off is the encoded size of n's
// entries before a: the split rule's state at entry a when n was built, as every node
// starts right after a boundary (or at the start of its level). Whenever the chunker's
// state equals it, the rule decides every following entry of n exactly as it did then
// (it looks only at the entry's key and the size since the last boundary), so no entry
// but n's last can end a node, and those entries are copied in one run without hashing
// their keys. It returns the encoded size of n's entries before b.
func (r *rechunker) existing(n *Node, a, b int, off int) (int, error) {
	for a < b {
		if r.ch.size == off {
			if end := min(b, n.Len()-1); a < end {
				r.ch.addRun(n, a, end)
				off = r.ch.size
				a = end
				continue
			}
		}
		k, v := n.Key(a), n.Value(a)
		off += entrySize(len(k), len(v))
		if err := r.add(k, v, n.entryCount(a)); err != nil {
			return 0, err
		}
		a++
	}
	return off, nil
}

// searchFrom returns the index of the first entry of n at or after lo whose key is >= key
// (n.Len() if none).
func searchFrom(n *Node, cmp Compare, key []byte, lo int) int {
	hi := n.Len()
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
