package merge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
)

// ErrNoConflicts reports a table without recorded conflicts.
var ErrNoConflicts = errors.New("merge: table has no conflicts")

// ConflictTable is the recorded conflicts of one table of a merge in progress: the
// table's base, ours and theirs versions (the roots of the MergeState) and the keys of
// its conflicted rows. It is a value; its With* methods return new values.
type ConflictTable struct {
	Name               string
	Base, Ours, Theirs repo.Table
	InBase             bool // false when both sides created the table
	Keys               prolly.Map
}

// ConflictRow is one conflicted row: its key and its value in each version (nil where
// the row does not exist).
type ConflictRow struct {
	Key                []byte
	Base, Ours, Theirs []byte
}

// LoadConflicts reads the conflicts recorded in ms (in its order: by folded table name).
func LoadConflicts(ctx context.Context, r *repo.Repo, ms repo.MergeState) ([]ConflictTable, error) {
	if len(ms.Conflicts) == 0 {
		return nil, nil
	}
	mc, err := r.Commit(ctx, ms.Commit)
	if err != nil {
		return nil, err
	}
	theirs, err := r.Root(ctx, mc.RootHash())
	if err != nil {
		return nil, err
	}
	ours, err := r.Root(ctx, ms.PreMergeWorking)
	if err != nil {
		return nil, err
	}
	base, err := r.Root(ctx, ms.Base)
	if err != nil {
		return nil, err
	}
	var conv [3]repo.Root
	hasConv := ms.ConvertedOurs != (hash.Hash{})
	if hasConv {
		for i, h := range []hash.Hash{ms.ConvertedBase, ms.ConvertedOurs, ms.ConvertedTheirs} {
			if conv[i], err = r.Root(ctx, h); err != nil {
				return nil, err
			}
		}
	}
	out := make([]ConflictTable, 0, len(ms.Conflicts))
	for _, tc := range ms.Conflicts {
		ct := ConflictTable{Name: tc.Table}
		var ok bool
		if hasConv && conv[1].HasTable(tc.Table) {
			// A table whose schema the merge combined: its versions in the merged schema.
			ct.InBase = true
			for i, dst := range []*repo.Table{&ct.Base, &ct.Ours, &ct.Theirs} {
				if *dst, _, err = conv[i].Table(ctx, tc.Table); err != nil {
					return nil, err
				}
			}
			if ct.Keys, err = prolly.Load(ctx, r.NodeStore(), tc.Keys, ct.Ours.KeyDesc().Compare); err != nil {
				return nil, err
			}
			out = append(out, ct)
			continue
		}
		if ct.Ours, ok, err = ours.Table(ctx, tc.Table); err != nil || !ok {
			return nil, fmt.Errorf("merge: conflicts of table %q: not in the pre-merge root (%v)", tc.Table, err)
		}
		if ct.Theirs, ok, err = theirs.Table(ctx, tc.Table); err != nil || !ok {
			return nil, fmt.Errorf("merge: conflicts of table %q: not in the merged commit (%v)", tc.Table, err)
		}
		if ct.Base, ct.InBase, err = base.Table(ctx, tc.Table); err != nil {
			return nil, err
		}
		if !ct.InBase {
			if ct.Base, err = repo.NewTable(ctx, r.NodeStore(), ct.Ours.Schema()); err != nil {
				return nil, err
			}
		}
		if ct.Keys, err = prolly.Load(ctx, r.NodeStore(), tc.Keys, ct.Ours.KeyDesc().Compare); err != nil {
			return nil, err
		}
		out = append(out, ct)
	}
	return out, nil
}

// Find returns the conflicts of the table named name (case-insensitive) among cts.
func Find(cts []ConflictTable, name string) (ConflictTable, bool) {
	for _, ct := range cts {
		if strings.EqualFold(ct.Name, name) {
			return ct, true
		}
	}
	return ConflictTable{}, false
}

// Rows calls fn with every conflicted row in key order; fn returning false stops.
func (ct ConflictTable) Rows(ctx context.Context, fn func(ConflictRow) (bool, error)) error {
	it, err := ct.Keys.Iter(ctx, prolly.All)
	if err != nil {
		return err
	}
	for {
		k, _, err := it.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		row := ConflictRow{Key: k}
		for _, p := range []struct {
			m   prolly.Map
			dst *[]byte
		}{{ct.Base.Rows(), &row.Base}, {ct.Ours.Rows(), &row.Ours}, {ct.Theirs.Rows(), &row.Theirs}} {
			v, found, err := p.m.Get(ctx, k)
			if err != nil {
				return err
			}
			if found {
				*p.dst = v
			}
		}
		more, err := fn(row)
		if err != nil || !more {
			return err
		}
	}
}

// Without returns ct with the given keys resolved (removed from its conflicts).
func (ct ConflictTable) Without(ctx context.Context, keys ...[]byte) (ConflictTable, error) {
	ed := ct.Keys.Edit()
	for _, k := range keys {
		ed.Delete(k)
	}
	m, err := ed.Flush(ctx)
	if err != nil {
		return ConflictTable{}, err
	}
	ct.Keys = m
	return ct, nil
}

// WithConflicts returns ms with the conflict map of table name replaced by keys (the
// table's entry removed if keys is empty). ErrNoConflicts if ms has no entry for name.
func WithConflicts(ms repo.MergeState, name string, keys prolly.Map) (repo.MergeState, error) {
	i := slices.IndexFunc(ms.Conflicts, func(tc repo.TableConflicts) bool { return strings.EqualFold(tc.Table, name) })
	if i < 0 {
		return repo.MergeState{}, fmt.Errorf("%w: %q", ErrNoConflicts, name)
	}
	cs := slices.Clone(ms.Conflicts)
	if keys.Count() == 0 {
		cs = slices.Delete(cs, i, i+1)
	} else {
		cs[i].Keys = keys.Hash()
	}
	if len(cs) == 0 {
		cs = nil
	}
	ms.Conflicts = cs
	return ms, nil
}

// ResolveTheirs returns working with every conflicted row of ct set to theirs' version
// (deleted where theirs deleted it), indexes updated. The working table must still have
// the schema ours had at the merge.
func ResolveTheirs(ctx context.Context, working repo.Root, ct ConflictTable) (repo.Root, error) {
	wt, ok, err := working.Table(ctx, ct.Name)
	if err != nil {
		return repo.Root{}, err
	}
	if !ok {
		return repo.Root{}, fmt.Errorf("merge: table %q with conflicts was dropped", ct.Name)
	}
	if wt.SchemaHash() != ct.Ours.SchemaHash() {
		return repo.Root{}, fmt.Errorf("merge: table %q: its schema changed since the merge; resolve its conflicts by hand", ct.Name)
	}
	ed := wt.Rows().Edit()
	err = ct.Rows(ctx, func(r ConflictRow) (bool, error) {
		if r.Theirs == nil {
			ed.Delete(r.Key)
			return true, nil
		}
		return true, ed.Put(r.Key, r.Theirs)
	})
	if err != nil {
		return repo.Root{}, err
	}
	rows, err := ed.Flush(ctx)
	if err != nil {
		return repo.Root{}, err
	}
	if rows.Hash() == wt.Rows().Hash() {
		return working, nil
	}
	nt, err := UpdateRows(ctx, wt, rows)
	if err != nil {
		return repo.Root{}, err
	}
	return working.PutTable(ctx, nt)
}
