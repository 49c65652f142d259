package prolly

import (
	"bytes"
	"context"
	"io"
)

// Collision describes a key changed on both sides of a merge in different ways. The InX
// flags say whether the key exists in each version; the byte slices alias node bytes.
type Collision struct {
	Key                      []byte
	Base, Ours, Theirs       []byte
	InBase, InOurs, InTheirs bool
}

// Resolution is the outcome a CollisionFunc chooses for a key: a value, or deletion.
type Resolution struct {
	Value  []byte
	Delete bool
}

// KeepOurs resolves a collision in favour of ours.
func KeepOurs(c Collision) (Resolution, error) {
	return Resolution{Value: c.Ours, Delete: !c.InOurs}, nil
}

// CollisionFunc decides a collision. Returning an error aborts the merge.
type CollisionFunc func(Collision) (Resolution, error)

// MergeStats counts what a Merge did.
type MergeStats struct {
	Applied    int // changes from theirs applied to ours
	Convergent int // keys both sides changed the same way
	Collisions int // keys passed to the CollisionFunc
}

// mergeFlushEvery bounds the Editor's buffered edits during a large merge.
const mergeFlushEvery = 1 << 16

// Change is one change a merge makes to ours: Key goes from Old (ours' value; InOld is
// false if ours has no such key) to New (InNew is false if the key is deleted). The
// slices alias node bytes or the CollisionFunc's result and must not be modified.
type Change struct {
	Key, Old, New []byte
	InOld, InNew  bool
}

// ChangeFunc is told about every change a merge makes, in key order. Returning an error
// aborts the merge.
type ChangeFunc func(Change) error

// Merge performs a three-way merge: every change from base to theirs is applied to ours,
// except for keys that ours also changed. A key both sides changed identically is left as
// ours has it; otherwise onCollision decides (nil: KeepOurs). The result shares every
// subtree that neither side changed, and the cost is proportional to the number of
// changes, not the size of the maps (both diffs skip identical subtrees).
func Merge(ctx context.Context, base, ours, theirs Map, onCollision CollisionFunc) (Map, MergeStats, error) {
	switch {
	case base.Hash() == theirs.Hash() || ours.Hash() == theirs.Hash():
		return ours, MergeStats{}, nil
	case base.Hash() == ours.Hash():
		return theirs, MergeStats{}, nil // fast-forward
	}
	ed, st, err := MergeEdit(ctx, base, ours, theirs, onCollision, nil)
	if err != nil {
		return Map{}, st, err
	}
	m, err := ed.Flush(ctx)
	return m, st, err
}

// MergeEdit is Merge leaving its result in an Editor over ours: flushing it gives the
// merged map (the caller can flush it alongside other work). onChange, if not nil, is
// told about every change made to ours, so that a caller can keep other maps derived
// from ours (secondary indexes) in step without diffing ours against the result. To
// bound memory on large merges the Editor may have been flushed along the way. Unlike
// Merge it has no fast-forward path: when ours equals base every change of theirs goes
// through the Editor (and onChange).
func MergeEdit(ctx context.Context, base, ours, theirs Map, onCollision CollisionFunc, onChange ChangeFunc) (*Editor, MergeStats, error) {
	var st MergeStats
	if onCollision == nil {
		onCollision = KeepOurs
	}
	ed := ours.Edit()
	if base.Hash() == theirs.Hash() || ours.Hash() == theirs.Hash() {
		return ed, st, nil
	}
	dt, err := DiffMaps(ctx, base, theirs)
	if err != nil {
		return nil, st, err
	}
	// Whether ours changed a key theirs changed is read from ours itself: ours changed it
	// iff its value differs from base's (the diff's From). A forward-only cursor finds
	// each key, reading only ours' nodes where theirs changed something, which the
	// Editor reads anyway to rewrite them.
	og := newForwardGetter(ours)
	for {
		td, err := dt.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, st, err
		}
		ov, inO, err := og.get(ctx, td.Key)
		if err != nil {
			return nil, st, err
		}
		inB, inT := td.Type != Added, td.Type != Removed
		if inO == inB && (!inO || bytes.Equal(ov, td.From)) {
			// Only theirs changed this key: ours still has base's value.
			st.Applied++
			if err := applyDiff(ed, td); err != nil {
				return nil, st, err
			}
			if onChange != nil {
				ch := Change{Key: td.Key, Old: td.From, InOld: inB, New: td.To, InNew: inT}
				if err := onChange(ch); err != nil {
					return nil, st, err
				}
			}
		} else if inO == inT && (!inT || bytes.Equal(ov, td.To)) {
			st.Convergent++ // both sides made the same change
		} else {
			st.Collisions++
			c := Collision{Key: td.Key, Base: td.From, InBase: inB, Ours: ov, InOurs: inO, Theirs: td.To, InTheirs: inT}
			res, err := onCollision(c)
			if err != nil {
				return nil, st, err
			}
			changed := false
			switch {
			case res.Delete && c.InOurs:
				ed.Delete(td.Key)
				changed = true
			case !res.Delete && (!c.InOurs || !bytes.Equal(res.Value, c.Ours)):
				if err := ed.Put(td.Key, res.Value); err != nil {
					return nil, st, err
				}
				changed = true
			}
			if changed && onChange != nil {
				ch := Change{Key: td.Key, Old: c.Ours, InOld: c.InOurs, New: res.Value, InNew: !res.Delete}
				if ch.InNew && ch.New == nil {
					ch.New = []byte{}
				}
				if err := onChange(ch); err != nil {
					return nil, st, err
				}
			}
		}
		if ed.Pending() >= mergeFlushEvery {
			if _, err := ed.Flush(ctx); err != nil {
				return nil, st, err
			}
		}
	}
	return ed, st, nil
}

// forwardGetter looks up keys of a map in increasing order with one cursor that only
// moves forward: each lookup climbs only as far as the current path must, so a run of
// nearby keys costs about one binary search each.
type forwardGetter struct {
	m       Map
	c       *cursor
	started bool
	end     bool // every later key is past the map's last key
}

func newForwardGetter(m Map) *forwardGetter { return &forwardGetter{m: m, c: newCursor(m.ns, m.root)} }

// get returns key's value. Keys must be passed in strictly increasing order.
func (g *forwardGetter) get(ctx context.Context, key []byte) ([]byte, bool, error) {
	if g.end {
		return nil, false, nil
	}
	c, cmp := g.c, g.m.cmp
	if !g.started {
		g.started = true
		if err := c.seek(ctx, cmp, key, 0, false); err != nil {
			return nil, false, err
		}
	} else {
		// Climb to the lowest node whose range still reaches key, then descend.
		j := c.bottom()
		for j > 0 && cmp(c.path[j].lastKey(), key) < 0 {
			j--
		}
		for {
			n := c.path[j]
			i := searchFrom(n, cmp, key, max(c.idx[j], 0))
			if i == n.Len() { // only at the root: key is past the last key
				g.end = true
				return nil, false, nil
			}
			c.idx[j] = i
			if j == c.bottom() {
				break
			}
			child, err := c.ns.Read(ctx, n.Child(i))
			if err != nil {
				return nil, false, err
			}
			j++
			c.path[j], c.idx[j] = child, 0
		}
	}
	if !c.valid() {
		g.end = true
		return nil, false, nil
	}
	if !sameKey(cmp, c.key(), key) {
		return nil, false, nil
	}
	return c.value(), true, nil
}

// applyDiff applies d to ed. d's slices alias node bytes (immutable, and valid entries of
// a map), so the Editor keeps them without copying or checking them.
func applyDiff(ed *Editor, d Diff) error {
	if d.Type == Removed {
		ed.edits.put(edit{key: d.Key, del: true})
		return nil
	}
	ed.edits.put(edit{key: d.Key, val: d.To, cnt: 1})
	return nil
}
