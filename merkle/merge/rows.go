package merge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
)

// mergeKeyed merges the row maps of a table with a primary key, recording conflicted
// keys in ck (returned updated).
func mergeKeyed(ctx context.Context, base, ours, theirs prolly.Map, vd tuple.Desc, ck prolly.Map, st *TableStats) (prolly.Map, prolly.Map, error) {
	ced := ck.Edit()
	rows, ms, err := prolly.Merge(ctx, base, ours, theirs, resolveCells(vd, ced, st))
	if err != nil {
		return prolly.Map{}, prolly.Map{}, err
	}
	st.Applied += ms.Applied
	st.Convergent += ms.Convergent
	if ck, err = ced.Flush(ctx); err != nil {
		return prolly.Map{}, prolly.Map{}, err
	}
	return rows, ck, nil
}

// mergeKeyedTable merges the rows of a table with a primary key whose schema is the same
// on all three sides and updates its secondary indexes from the merge's own changes
// (each row the merge changes in ours has its old entries deleted and its new ones put),
// without diffing ours' rows against the result. The rows and every index are flushed
// in parallel. Conflicted keys go into ck (returned updated). Like UpdateRows it fails
// with a *ViolationError, along with the merged table, if a unique index gets a
// duplicate.
func mergeKeyedTable(ctx context.Context, base, ours, theirs repo.Table, ck prolly.Map, st *TableStats) (repo.Table, prolly.Map, error) {
	ced := ck.Edit()
	var x *indexEdits
	var onChange prolly.ChangeFunc
	if len(ours.Schema().Indexes) > 0 {
		var err error
		if x, err = newIndexEdits(ours); err != nil {
			return repo.Table{}, prolly.Map{}, err
		}
		onChange = func(c prolly.Change) error {
			var old, new []byte
			if c.InOld {
				old = nonNil(c.Old)
			}
			if c.InNew {
				new = nonNil(c.New)
			}
			return x.change(ctx, c.Key, old, new)
		}
	}
	red, ms, err := prolly.MergeEdit(ctx, base.Rows(), ours.Rows(), theirs.Rows(), resolveCells(ours.ValueDesc(), ced, st), onChange)
	if err != nil {
		return repo.Table{}, prolly.Map{}, err
	}
	st.Applied += ms.Applied
	st.Convergent += ms.Convergent
	eds := []*prolly.Editor{red, ced}
	if x != nil {
		eds = append(eds, x.eds...)
	}
	maps, err := flushAll(ctx, eds)
	if err != nil {
		return repo.Table{}, prolly.Map{}, err
	}
	rows, ck := maps[0], maps[1]
	if rows.Hash() == ours.Rows().Hash() {
		return ours, ck, nil
	}
	t, err := ours.WithRows(ctx, rows)
	if err != nil {
		return repo.Table{}, prolly.Map{}, err
	}
	if x != nil {
		t, err = x.finish(ctx, t, maps[2:])
	}
	return t, ck, err
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// resolveCells returns the CollisionFunc of a keyed merge: a row both sides changed is
// merged cell by cell (MergeCells); if that fails (the same cell changed differently,
// delete vs modify, added twice differently) the key goes into ced and ours is kept.
func resolveCells(vd tuple.Desc, ced *prolly.Editor, st *TableStats) prolly.CollisionFunc {
	return func(c prolly.Collision) (prolly.Resolution, error) {
		keepOurs := prolly.Resolution{Value: c.Ours, Delete: !c.InOurs}
		if c.InBase && c.InOurs && c.InTheirs {
			merged, ok, err := MergeCells(vd, c.Base, c.Ours, c.Theirs)
			if err != nil {
				return prolly.Resolution{}, err
			}
			if ok {
				st.CellMerged++
				return prolly.Resolution{Value: merged}, nil
			}
		}
		st.Conflicts++
		if err := ced.Put(c.Key, nil); err != nil {
			return prolly.Resolution{}, err
		}
		return keepOurs, nil
	}
}

// MergeCells merges one row changed on both sides column by column: a field changed on
// one side only takes that side's value, a field changed identically on both is kept.
// ok is false if some field was changed to different values on both sides (a conflict).
// base, ours and theirs are value tuples of vd.
func MergeCells(vd tuple.Desc, base, ours, theirs []byte) (merged []byte, ok bool, err error) {
	n := vd.Len()
	pick := make([]int, n) // 0 ours, 1 theirs
	changed := false
	for i := 0; i < n; i++ {
		b, bok := vd.Raw(base, i)
		o, ook := vd.Raw(ours, i)
		t, tok := vd.Raw(theirs, i)
		eq := func(x []byte, xok bool, y []byte, yok bool) bool { return xok == yok && bytes.Equal(x, y) }
		switch {
		case eq(o, ook, t, tok), eq(b, bok, t, tok):
			// ours' value is right
		case eq(b, bok, o, ook):
			pick[i] = 1
			changed = true
		default:
			return nil, false, nil
		}
	}
	if !changed {
		return ours, true, nil
	}
	ov, err := vd.Values(ours)
	if err != nil {
		return nil, false, err
	}
	tv, err := vd.Values(theirs)
	if err != nil {
		return nil, false, err
	}
	b := tuple.NewBuilder(vd)
	for i := 0; i < n; i++ {
		v := ov[i]
		if pick[i] == 1 {
			v = tv[i]
		}
		if v != nil {
			b.Put(i, v)
		}
	}
	merged, err = b.Build()
	return merged, err == nil, err
}

// ErrNegativeCount is returned by MergeKeylessCounts in strict mode when ours and theirs
// together remove more copies of a keyless row than base had (both deleted it).
var ErrNegativeCount = errors.New("merge: a keyless row was deleted on both sides")

// mergeKeyless applies theirs' change of every distinct row's count (since base) to ours;
// a count never goes below zero (both sides deleted the row).
func mergeKeyless(ctx context.Context, base, ours, theirs prolly.Map, vd tuple.Desc, st *TableStats) (prolly.Map, error) {
	m, n, err := MergeKeylessCounts(ctx, base, ours, theirs, vd, false)
	st.Applied += n
	return m, err
}

// MergeKeylessCounts merges the row maps of a keyless table (values start with a
// uint64 count, field 0 of vd): theirs' change of every distinct row's count since base
// is added to ours' count. A version merge (not strict) takes a change both sides made
// identically once; a transaction merge (strict) adds both (two transactions that each
// inserted a copy leave two copies). A count that would go below zero is clamped to zero (both
// sides deleted the row: version merges), or, if strict, fails with an error wrapping
// ErrNegativeCount (transaction merges, where it means two transactions deleted the same
// copy). It also returns the number of rows of theirs' diff applied to ours (0 when one
// side is unchanged and the other is taken whole). Cost follows the diff of base and
// theirs.
func MergeKeylessCounts(ctx context.Context, base, ours, theirs prolly.Map, vd tuple.Desc, strict bool) (prolly.Map, int, error) {
	if base.Hash() == theirs.Hash() {
		return ours, 0, nil
	}
	if base.Hash() == ours.Hash() {
		return theirs, 0, nil // only theirs changed (counts cannot go below zero)
	}
	if ours.Hash() == theirs.Hash() && !strict {
		return ours, 0, nil // the same change on both sides: a version merge takes it once
	}
	d, err := prolly.DiffMaps(ctx, base, theirs)
	if err != nil {
		return prolly.Map{}, 0, err
	}
	ed := ours.Edit()
	count := func(v []byte) int64 {
		if v == nil {
			return 0
		}
		n, _ := vd.GetUint(v, 0)
		return int64(n)
	}
	applied := 0
	for {
		df, err := d.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return prolly.Map{}, 0, err
		}
		applied++
		cur, found, err := ed.Get(ctx, df.Key)
		if err != nil {
			return prolly.Map{}, 0, err
		}
		n := count(cur) + count(df.To) - count(df.From)
		if n < 0 && strict {
			return prolly.Map{}, 0, ErrNegativeCount
		}
		if n <= 0 {
			if found {
				ed.Delete(df.Key)
			}
			continue
		}
		src := df.To
		if src == nil {
			src = cur
		}
		if src == nil {
			return prolly.Map{}, 0, fmt.Errorf("merge: keyless row without columns")
		}
		val, err := withCount(vd, src, uint64(n))
		if err != nil {
			return prolly.Map{}, 0, err
		}
		if !found || !bytes.Equal(val, cur) {
			if err := ed.Put(df.Key, val); err != nil {
				return prolly.Map{}, 0, err
			}
		}
	}
	m, err := ed.Flush(ctx)
	return m, applied, err
}

// withCount returns keyless value v with its count (field 0) replaced by n.
func withCount(vd tuple.Desc, v []byte, n uint64) ([]byte, error) {
	vals, err := vd.Values(v)
	if err != nil {
		return nil, err
	}
	b := tuple.NewBuilder(vd)
	b.PutUint(0, n)
	for i := 1; i < vd.Len(); i++ {
		if vals[i] != nil {
			b.Put(i, vals[i])
		}
	}
	return b.Build()
}
