package prolly

import "github.com/google/btree"

// editBuf holds an Editor's pending edits in key order, one per key (a later edit of a key
// replaces the earlier). Up to smallEdits edits live in a sorted slice, which is what a
// one-row statement needs: no B-tree, free list or comparison closure to allocate. Past
// that they move to a B-tree, so bulk edits stay O(log n) each. Not safe for concurrent use.
type editBuf struct {
	cmp   Compare
	small []edit // sorted by key; unused once tree is set
	tree  *btree.BTreeG[edit]
}

// smallEdits is the most edits kept in the sorted slice.
const smallEdits = 32

// find returns the index of the first small edit whose key is >= key, and whether it is
// equal.
func (b *editBuf) find(key []byte) (int, bool) {
	lo, hi := 0, len(b.small)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if b.cmp(b.small[m].key, key) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(b.small) && b.cmp(b.small[lo].key, key) == 0
}

// put adds ed, replacing any edit of the same key.
func (b *editBuf) put(ed edit) {
	if b.tree != nil {
		b.tree.ReplaceOrInsert(ed)
		return
	}
	i, found := b.find(ed.key)
	if found {
		b.small[i] = ed
		return
	}
	if len(b.small) < smallEdits {
		b.small = append(b.small, edit{})
		copy(b.small[i+1:], b.small[i:])
		b.small[i] = ed
		return
	}
	cmp := b.cmp
	b.tree = btree.NewG(32, func(x, y edit) bool { return cmp(x.key, y.key) < 0 })
	for _, s := range b.small {
		b.tree.ReplaceOrInsert(s)
	}
	b.tree.ReplaceOrInsert(ed)
	b.small = nil
}

// get returns the pending edit of key.
func (b *editBuf) get(key []byte) (edit, bool) {
	if b.tree != nil {
		return b.tree.Get(edit{key: key})
	}
	if i, found := b.find(key); found {
		return b.small[i], true
	}
	return edit{}, false
}

// len returns the number of pending edits.
func (b *editBuf) len() int {
	if b.tree != nil {
		return b.tree.Len()
	}
	return len(b.small)
}

// sorted returns the edits in key order. The slice is valid until the next put or clear.
func (b *editBuf) sorted() []edit {
	if b.tree == nil {
		return b.small
	}
	edits := make([]edit, 0, b.tree.Len())
	b.tree.Ascend(func(ed edit) bool { edits = append(edits, ed); return true })
	return edits
}

// clear drops every edit.
func (b *editBuf) clear() {
	clear(b.small) // keep no key or value alive
	b.small, b.tree = b.small[:0], nil
}
