package prolly

import (
	"bytes"
	"context"
	"io"
)

// DiffType says how an entry changed.
type DiffType uint8

const (
	// Added: the key is only in the "to" map.
	Added DiffType = iota + 1
	// Removed: the key is only in the "from" map.
	Removed
	// Modified: the key is in both with different values.
	Modified
)

func (t DiffType) String() string {
	switch t {
	case Added:
		return "added"
	case Removed:
		return "removed"
	case Modified:
		return "modified"
	}
	return "unknown"
}

// Diff is one changed entry. From is nil for Added, To is nil for Removed. The slices alias
// node bytes: valid forever, never to be modified.
type Diff struct {
	Type     DiffType
	Key      []byte
	From, To []byte
}

// DiffIter streams the differences between two maps in key order. Not safe for concurrent
// use.
//
// It walks both trees together and compares whole subtrees by their child entries (key and
// hash) wherever both walks stand at the start of a subtree, skipping identical subtrees
// without reading them. Because chunk boundaries resynchronise shortly after any change,
// the nodes it reads are proportional to the number of changes times the tree height, not
// to the size of the maps (Structural sharing).
type DiffIter struct {
	a, b *cursor
	cmp  Compare
	lvl  int
}

// DiffMaps returns an iterator over the changes that turn from into to. Both maps must use
// the same key order.
func DiffMaps(ctx context.Context, from, to Map) (*DiffIter, error) {
	d := &DiffIter{a: newCursor(from.ns, from.root), b: newCursor(to.ns, to.root), cmp: from.cmp}
	if from.root.hash == to.root.hash {
		d.a.idx[0] = from.root.Len() // both ended: no differences
		d.b.idx[0] = to.root.Len()
		return d, nil
	}
	d.lvl = min(from.root.level, to.root.level)
	if err := d.a.descend(ctx, d.lvl, false); err != nil {
		return nil, err
	}
	if err := d.b.descend(ctx, d.lvl, false); err != nil {
		return nil, err
	}
	return d, nil
}

// Next returns the next change, or io.EOF when there are no more.
func (d *DiffIter) Next(ctx context.Context) (Diff, error) {
	for {
		aok, bok := d.a.valid(), d.b.valid()
		if !aok && !bok {
			return Diff{}, io.EOF
		}
		if d.lvl > 0 {
			if aok && bok && bytes.Equal(d.a.value(), d.b.value()) && sameKey(d.cmp, d.a.key(), d.b.key()) {
				// Identical subtrees: skip both without reading them.
				if err := d.advance(ctx, true, true); err != nil {
					return Diff{}, err
				}
				continue
			}
			if aok {
				if err := d.a.push(ctx, false); err != nil {
					return Diff{}, err
				}
			}
			if bok {
				if err := d.b.push(ctx, false); err != nil {
					return Diff{}, err
				}
			}
			d.lvl--
			continue
		}
		var c int
		switch {
		case !bok:
			c = -1
		case !aok:
			c = 1
		default:
			// Most keys met in a diff are the same entry in both maps: equal bytes spare
			// the map's (slower) Compare.
			if ak, bk := d.a.key(), d.b.key(); !bytes.Equal(ak, bk) {
				c = d.cmp(ak, bk)
			}
		}
		var out Diff
		switch {
		case c < 0:
			out = Diff{Type: Removed, Key: d.a.key(), From: d.a.value()}
			if err := d.advance(ctx, true, false); err != nil {
				return Diff{}, err
			}
			return out, nil
		case c > 0:
			out = Diff{Type: Added, Key: d.b.key(), To: d.b.value()}
			if err := d.advance(ctx, false, true); err != nil {
				return Diff{}, err
			}
			return out, nil
		}
		same := bytes.Equal(d.a.value(), d.b.value())
		if !same {
			out = Diff{Type: Modified, Key: d.b.key(), From: d.a.value(), To: d.b.value()}
		}
		if err := d.advance(ctx, true, true); err != nil {
			return Diff{}, err
		}
		if !same {
			return out, nil
		}
	}
}

// sameKey reports whether a and b are the same key: equal bytes, or equal under cmp.
func sameKey(cmp Compare, a, b []byte) bool {
	return bytes.Equal(a, b) || cmp(a, b) == 0
}

// advance moves the chosen cursors to their next entries at the current level and then
// climbs while both stand at the start of a node, so that the next comparison is of whole
// subtrees.
func (d *DiffIter) advance(ctx context.Context, a, b bool) error {
	if a {
		if err := d.a.next(ctx); err != nil {
			return err
		}
	}
	if b {
		if err := d.b.next(ctx); err != nil {
			return err
		}
	}
	for d.a.valid() && d.b.valid() && d.a.atNodeStart() && d.b.atNodeStart() &&
		len(d.a.path) > 1 && len(d.b.path) > 1 {
		d.a.pop()
		d.b.pop()
		d.lvl++
	}
	return nil
}
