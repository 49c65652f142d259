package prolly

import "context"

// IterFrom returns an ascending iterator that starts at the first key for which before
// returns false and runs to the end of the map; the caller stops it. before must be
// monotone over the map's order: true for a (possibly empty) prefix of the keys and false
// for every key after. It lets callers seek by a partial key (the leading fields of a
// tuple, say) that the map's Compare cannot express as a single key.
func (m Map) IterFrom(ctx context.Context, before func(key []byte) bool) (*Iter, error) {
	it := &Iter{m: m, c: newCursor(m.ns, m.root), remaining: ^uint64(0)}
	cmp := func(k, _ []byte) int {
		if before(k) {
			return -1
		}
		return 0
	}
	if err := it.c.seek(ctx, cmp, nil, 0, false); err != nil {
		return nil, err
	}
	return it, nil
}

// IterBackFrom returns a descending iterator that starts at the last key for which after
// returns false and runs to the start of the map; the caller stops it. after must be
// monotone: false for a prefix of the keys and true for every key after it.
func (m Map) IterBackFrom(ctx context.Context, after func(key []byte) bool) (*Iter, error) {
	it := &Iter{m: m, c: newCursor(m.ns, m.root), r: Range{Reverse: true}, remaining: ^uint64(0)}
	cmp := func(k, _ []byte) int {
		if after(k) {
			return 0
		}
		return -1
	}
	if err := it.c.seek(ctx, cmp, nil, 0, false); err != nil {
		return nil, err
	}
	// The cursor stands on the first key after the range (or past the end): step back.
	if err := it.c.prev(ctx); err != nil {
		return nil, err
	}
	return it, nil
}
