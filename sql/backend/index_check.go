package backend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
)

// ErrIndexInconsistent marks a secondary index that disagrees with its table's rows.
var ErrIndexInconsistent = errors.New("backend: index inconsistent with rows")

// CheckIndexes checks every table of root with CheckTableIndexes (tests use it; there is
// no `dsql fsck` command yet).
func CheckIndexes(ctx context.Context, root repo.Root) error {
	var errs []error
	for _, name := range root.TableNames() {
		t, ok, err := root.Table(ctx, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ok {
			errs = append(errs, CheckTableIndexes(ctx, t))
		}
	}
	return errors.Join(errs...)
}

// CheckTableIndexes checks that every secondary index map of t holds exactly one entry
// per row (per distinct row of a keyless table) with the key the SQL layer writes for it,
// that no entry points at a missing row, and that unique indexes hold no two entries with
// equal non-NULL index columns. Errors wrap ErrIndexInconsistent and name the table, the
// index and the first offending key.
func CheckTableIndexes(ctx context.Context, t repo.Table) error {
	m, err := newTableMeta("", t.Schema())
	if err != nil {
		return err
	}
	ixs, err := m.indexes()
	if err != nil {
		return err
	}
	var errs []error
	for _, ix := range ixs {
		if ix.primary {
			continue
		}
		mp, ok := t.Index(ix.name)
		if !ok {
			errs = append(errs, fmt.Errorf("%w: table %q: no map for index %q", ErrIndexInconsistent, t.Name(), ix.name))
			continue
		}
		errs = append(errs, checkIndex(ctx, m, ix, t.Rows(), mp))
	}
	return errors.Join(errs...)
}

func checkIndex(ctx context.Context, m *tableMeta, ix *indexMeta, rows, mp prolly.Map) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: table %q index %q: %s", ErrIndexInconsistent, m.name, ix.name, fmt.Sprintf(format, args...))
	}
	it, err := rows.Iter(ctx, prolly.All)
	if err != nil {
		return err
	}
	var want [][]byte
	for {
		k, v, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		row, err := m.decodeStored(k, v)
		if err != nil {
			return bad("row %x does not decode: %v", k, err)
		}
		ik, err := m.indexKey(ix, row, k)
		if err != nil {
			return bad("row %x: %v", k, err)
		}
		want = append(want, ik)
	}
	cmp := ix.kd.Compare
	slices.SortFunc(want, func(a, b []byte) int { return cmp(a, b) })
	got, err := mp.Iter(ctx, prolly.All)
	if err != nil {
		return err
	}
	n := len(ix.cols)
	var prev []byte
	for i := 0; ; i++ {
		k, v, err := got.Next(ctx)
		if err == io.EOF {
			if i < len(want) {
				return bad("%d rows have no entry, the first %x", len(want)-i, want[i])
			}
			return nil
		}
		if err != nil {
			return err
		}
		if len(v) != 0 {
			return bad("entry %x has a value", k)
		}
		if i >= len(want) {
			return bad("entry %x points at no row", k)
		}
		if c := cmp(k, want[i]); c != 0 {
			if c < 0 {
				return bad("entry %x points at no row", k)
			}
			return bad("row entry %x is missing", want[i])
		}
		if ix.unique && prev != nil && !nullInPrefix(ix.kd, k, n) && comparePrefix(ix.kd, prev, k, n) == 0 {
			return bad("unique index has two entries %x and %x", prev, k)
		}
		prev = k
	}
}
