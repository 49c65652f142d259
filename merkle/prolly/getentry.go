package prolly

import "context"

// GetEntry is Get that also returns the key as it is stored. Under a collation where
// different bytes compare equal ('abc' and 'ABC' under a case-insensitive one, 'a' and
// 'a ' under PAD SPACE) the stored key may differ from the key asked for; a caller that
// decodes the existing row (INSERT ... ON DUPLICATE KEY UPDATE) must use the stored one.
// The returned slices must not be modified; they stay valid as long as the Map's nodes.
func (m Map) GetEntry(ctx context.Context, key []byte) (stored, val []byte, found bool, err error) {
	n := m.root
	for n.level > 0 {
		i := search(n, m.cmp, key)
		if i == n.Len() {
			return nil, nil, false, nil
		}
		if n, err = m.ns.Read(ctx, n.Child(i)); err != nil {
			return nil, nil, false, err
		}
	}
	i := search(n, m.cmp, key)
	if i < n.Len() && m.cmp(n.Key(i), key) == 0 {
		return n.Key(i), n.Value(i), true, nil
	}
	return nil, nil, false, nil
}

// GetEntry returns the stored key and value of key as the Editor would leave them:
// pending edits first, then the Map (see Map.GetEntry).
func (e *Editor) GetEntry(ctx context.Context, key []byte) (stored, val []byte, found bool, err error) {
	if ed, ok := e.edits.get(key); ok {
		if ed.del {
			return nil, nil, false, nil
		}
		return ed.key, ed.val, true, nil
	}
	return e.m.GetEntry(ctx, key)
}
