package backend

import (
	"bytes"
	"context"
	"io"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/google/btree"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
)

// indexEdits holds a statement's pending edits of a table's secondary index maps, kept
// in step with its row edits (tableEdit.ed) by the table editor: each insert, update and
// delete edits every index in the same statement, so statement atomicity covers indexes
// too (DiscardChanges drops both).
//
// For unique indexes, pending holds the statement's live new entries with no NULL in the
// index columns, ordered by the index columns alone, so that a unique check sees the
// statement's own earlier writes with collation-aware equality. Not safe for concurrent
// use.
type indexEdits struct {
	meta    *tableMeta
	ixs     []*indexMeta // secondary indexes, schema order
	base    []prolly.Map
	eds     []*prolly.Editor
	pending []*btree.BTreeG[[]byte] // per index; nil for non-unique indexes
}

// indexes returns the statement's index edits of the table, starting them lazily.
func (te *tableEdit) indexes(db *Database) (*indexEdits, error) {
	if te.ix != nil {
		return te.ix, nil
	}
	m, err := db.meta(te.base)
	if err != nil {
		return nil, err
	}
	all, err := m.indexes()
	if err != nil {
		return nil, err
	}
	ie := &indexEdits{meta: m}
	for _, ix := range all {
		if ix.primary {
			continue
		}
		mp, ok := te.base.Index(ix.name)
		if !ok {
			continue
		}
		ie.ixs = append(ie.ixs, ix)
		ie.base = append(ie.base, mp)
		ie.eds = append(ie.eds, mp.Edit())
		var bt *btree.BTreeG[[]byte]
		if ix.unique {
			kd, n := ix.kd, len(ix.cols)
			bt = btree.NewG(16, func(a, b []byte) bool { return comparePrefix(kd, a, b, n) < 0 })
		}
		ie.pending = append(ie.pending, bt)
	}
	te.ix = ie
	return ie, nil
}

// keys returns the key of row's entry in every index (rowKey: its row-map key).
func (ie *indexEdits) keys(row sql.Row, rowKey []byte) ([][]byte, error) {
	out := make([][]byte, len(ie.ixs))
	for i, ix := range ie.ixs {
		k, err := ie.meta.indexKey(ix, row, rowKey)
		if err != nil {
			return nil, err
		}
		out[i] = k
	}
	return out, nil
}

// check returns sql.NewUniqueKeyErr (with the existing row) if an entry of newKeys would
// collide in a unique index with a live entry other than the one in ignore (the entries
// of the row being updated; nil for an insert).
func (ie *indexEdits) check(ctx context.Context, te *tableEdit, row sql.Row, newKeys, ignore [][]byte) error {
	for i, ix := range ie.ixs {
		if !ix.unique {
			continue
		}
		nk, n := newKeys[i], len(ix.cols)
		if nullInPrefix(ix.kd, nk, n) {
			continue
		}
		var skip []byte
		if ignore != nil {
			skip = ignore[i]
		}
		other, found, err := ie.live(ctx, i, nk, skip)
		if err != nil {
			return err
		}
		if !found {
			continue
		}
		existing, err := te.rowAt(ctx, ie.meta, ix, other)
		if err != nil {
			return err
		}
		return dupKeyErr(ctx, ie.meta, ix, row, existing)
	}
	return nil
}

// live finds a live entry of index i whose index columns equal nk's, other than skip.
func (ie *indexEdits) live(ctx context.Context, i int, nk, skip []byte) ([]byte, bool, error) {
	ix := ie.ixs[i]
	kd, n := ix.kd, len(ix.cols)
	same := func(k []byte) bool { return skip != nil && kd.Compare(k, skip) == 0 }
	if k, ok := ie.pending[i].Get(nk); ok && !same(k) {
		return k, true, nil
	}
	it, err := ie.base[i].IterFrom(ctx, func(k []byte) bool { return comparePrefix(kd, k, nk, n) < 0 })
	if err != nil {
		return nil, false, err
	}
	for {
		k, _, err := it.Next(ctx)
		if err == io.EOF {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		if comparePrefix(kd, k, nk, n) != 0 {
			return nil, false, nil
		}
		if same(k) {
			continue
		}
		if _, ok, err := ie.eds[i].Get(ctx, k); err != nil {
			return nil, false, err
		} else if ok {
			return k, true, nil
		}
	}
}

// put adds the entries keys (one per index).
func (ie *indexEdits) put(keys [][]byte) error {
	for i, k := range keys {
		if err := ie.eds[i].Put(k, nil); err != nil {
			return err
		}
		ie.pendingPut(i, k)
	}
	return nil
}

// del removes the entries keys (one per index).
func (ie *indexEdits) del(keys [][]byte) {
	for i, k := range keys {
		ie.eds[i].Delete(k)
		ie.pendingDel(i, k)
	}
}

// move replaces the entries oldKeys by newKeys (one per index). An entry that stays the
// same (no indexed column changed) is not edited, so that flushing the statement does not
// rewrite an unchanged index; pending changes as for a delete and a put.
func (ie *indexEdits) move(oldKeys, newKeys [][]byte) error {
	for i, nk := range newKeys {
		if ok := oldKeys[i]; !bytes.Equal(ok, nk) {
			ie.eds[i].Delete(ok)
			if err := ie.eds[i].Put(nk, nil); err != nil {
				return err
			}
		}
		ie.pendingDel(i, oldKeys[i])
		ie.pendingPut(i, nk)
	}
	return nil
}

// pendingPut records the live new entry k of unique index i.
func (ie *indexEdits) pendingPut(i int, k []byte) {
	if bt := ie.pending[i]; bt != nil && !nullInPrefix(ie.ixs[i].kd, k, len(ie.ixs[i].cols)) {
		bt.ReplaceOrInsert(bytes.Clone(k))
	}
}

// pendingDel forgets the entry k of unique index i.
func (ie *indexEdits) pendingDel(i int, k []byte) {
	if bt := ie.pending[i]; bt != nil {
		if cur, ok := bt.Get(k); ok && ie.ixs[i].kd.Compare(cur, k) == 0 {
			bt.Delete(k)
		}
	}
}

// rowAt returns the row (as the statement sees it) that entry key of index ix points at.
func (te *tableEdit) rowAt(ctx context.Context, m *tableMeta, ix *indexMeta, key []byte) (sql.Row, error) {
	rk, err := m.rowKeyOf(ix, key)
	if err != nil {
		return nil, err
	}
	v, ok, err := te.ed.Get(ctx, rk)
	if err != nil || !ok {
		return nil, err
	}
	return m.decodeStored(rk, v)
}

// indexInsert checks row against the unique indexes and adds its index entries; rowKey
// is its row-map key. It changes nothing if it fails.
func (e *tableEditor) indexInsert(ctx context.Context, te *tableEdit, row sql.Row, rowKey []byte) error {
	ie, err := te.indexes(e.t.db)
	if err != nil || len(ie.ixs) == 0 {
		return err
	}
	keys, err := ie.keys(row, rowKey)
	if err != nil {
		return err
	}
	if err := ie.check(ctx, te, row, keys, nil); err != nil {
		return err
	}
	return ie.put(keys)
}

// indexDelete removes row's index entries.
func (e *tableEditor) indexDelete(te *tableEdit, row sql.Row, rowKey []byte) error {
	ie, err := te.indexes(e.t.db)
	if err != nil || len(ie.ixs) == 0 {
		return err
	}
	keys, err := ie.keys(row, rowKey)
	if err != nil {
		return err
	}
	ie.del(keys)
	return nil
}

// indexUpdate moves a row's index entries from old (row-map key oldKey) to new (newKey),
// after checking new against the unique indexes (ignoring old's own entries). It changes
// nothing if it fails.
func (e *tableEditor) indexUpdate(ctx context.Context, te *tableEdit, old sql.Row, oldKey []byte, new sql.Row, newKey []byte) error {
	ie, err := te.indexes(e.t.db)
	if err != nil || len(ie.ixs) == 0 {
		return err
	}
	oldKeys, err := ie.keys(old, oldKey)
	if err != nil {
		return err
	}
	newKeys, err := ie.keys(new, newKey)
	if err != nil {
		return err
	}
	if err := ie.check(ctx, te, new, newKeys, oldKeys); err != nil {
		return err
	}
	return ie.move(oldKeys, newKeys)
}

// indexCheckUpdate checks new against the unique indexes, ignoring old's own entries
// (keyless updates, which then delete and insert).
func (e *tableEditor) indexCheckUpdate(ctx context.Context, te *tableEdit, old, new sql.Row) error {
	ie, err := te.indexes(e.t.db)
	if err != nil || len(ie.ixs) == 0 {
		return err
	}
	m := ie.meta
	oldKey, err := m.rowKey(old)
	if err != nil {
		return err
	}
	newKey, err := m.rowKey(new)
	if err != nil {
		return err
	}
	oldKeys, err := ie.keys(old, oldKey)
	if err != nil {
		return err
	}
	newKeys, err := ie.keys(new, newKey)
	if err != nil {
		return err
	}
	return ie.check(ctx, te, new, newKeys, oldKeys)
}

// flushIndexes flushes the pending index edits and appends the new index maps to dst,
// for one repo.Table.WithEdits with the row map.
func (te *tableEdit) flushIndexes(ctx context.Context, dst []repo.IndexMap) ([]repo.IndexMap, error) {
	if te.ix == nil {
		return dst, nil
	}
	for i, ed := range te.ix.eds {
		if ed.Pending() == 0 {
			continue
		}
		mp, err := ed.Flush(ctx)
		if err != nil {
			return nil, err
		}
		dst = append(dst, repo.IndexMap{Name: te.ix.ixs[i].name, Map: mp})
	}
	te.ix = nil
	return dst, nil
}

// clearIndexes returns t with every index map empty (TRUNCATE).
func clearIndexes(ctx context.Context, t repo.Table) (repo.Table, error) {
	for name, mp := range t.Indexes() {
		if mp.Count() == 0 {
			continue
		}
		empty, err := prolly.NewEmpty(ctx, mp.NodeStore(), mp.Compare())
		if err != nil {
			return repo.Table{}, err
		}
		if t, err = t.WithIndex(ctx, name, empty); err != nil {
			return repo.Table{}, err
		}
	}
	return t, nil
}
