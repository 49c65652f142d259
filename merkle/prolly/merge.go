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

// Merge performs a three-way merge: every change from base to theirs is applied to ours,
// except for keys that ours also changed. A key both sides changed identically is left as
// ours has it; otherwise onCollision decides (nil: KeepOurs). The result shares every
// subtree that neither side changed, and the cost is proportional to the number of
// changes, not the size of the maps (both diffs skip identical subtrees).
func Merge(ctx context.Context, base, ours, theirs Map, onCollision CollisionFunc) (Map, MergeStats, error) {
	var st MergeStats
	if onCollision == nil {
		onCollision = KeepOurs
	}
	switch {
	case base.Hash() == theirs.Hash() || ours.Hash() == theirs.Hash():
		return ours, st, nil
	case base.Hash() == ours.Hash():
		return theirs, st, nil // fast-forward
	}
	dt, err := DiffMaps(ctx, base, theirs)
	if err != nil {
		return Map{}, st, err
	}
	do, err := DiffMaps(ctx, base, ours)
	if err != nil {
		return Map{}, st, err
	}
	cmp := ours.cmp
	ed := ours.Edit()
	var od Diff
	oursDone := false
	nextOurs := func() error {
		var err error
		od, err = do.Next(ctx)
		if err == io.EOF {
			oursDone = true
			return nil
		}
		return err
	}
	if err := nextOurs(); err != nil {
		return Map{}, st, err
	}
	for {
		td, err := dt.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return Map{}, st, err
		}
		for !oursDone && cmp(od.Key, td.Key) < 0 {
			if err := nextOurs(); err != nil {
				return Map{}, st, err
			}
		}
		if oursDone || cmp(od.Key, td.Key) > 0 {
			st.Applied++
			if err := applyDiff(ed, td); err != nil {
				return Map{}, st, err
			}
		} else {
			// Both sides changed this key.
			if od.Type == td.Type && (td.Type == Removed || bytes.Equal(od.To, td.To)) {
				st.Convergent++
			} else {
				st.Collisions++
				c := Collision{Key: td.Key, Base: td.From, InBase: td.Type != Added,
					Ours: od.To, InOurs: od.Type != Removed, Theirs: td.To, InTheirs: td.Type != Removed}
				res, err := onCollision(c)
				if err != nil {
					return Map{}, st, err
				}
				switch {
				case res.Delete && c.InOurs:
					ed.Delete(td.Key)
				case !res.Delete && (!c.InOurs || !bytes.Equal(res.Value, c.Ours)):
					if err := ed.Put(td.Key, res.Value); err != nil {
						return Map{}, st, err
					}
				}
			}
			if err := nextOurs(); err != nil {
				return Map{}, st, err
			}
		}
		if ed.Pending() >= mergeFlushEvery {
			if _, err := ed.Flush(ctx); err != nil {
				return Map{}, st, err
			}
		}
	}
	m, err := ed.Flush(ctx)
	return m, st, err
}

func applyDiff(ed *Editor, d Diff) error {
	if d.Type == Removed {
		ed.Delete(d.Key)
		return nil
	}
	return ed.Put(d.Key, d.To)
}
