package dataio

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// Secondary indexes are built after the rows, from the finished row map, with the same
// layout sql/backend uses (see its index.go): the key is the index columns (prefix-
// truncated) then the primary-key columns not among them, the value empty. The keys of
// every index are collected in one pass over the rows, sorted with bounded memory and
// written with prolly.Builder; backend.CheckIndexes verifies the result in the tests.

type indexBuild struct {
	ix     repo.Index
	cols   []int // table ordinals of the index columns
	prefix []int
	ext    []int // cols, then the primary-key columns not in cols
	kd     tuple.Desc
	b      *tuple.Builder
	s      *sorter
	dupErr error
}

func buildIndexes(ctx *sql.Context, im *importer, t repo.Table) (repo.Table, error) {
	rs := im.rs
	if len(rs.Indexes) == 0 {
		return t, nil
	}
	ns := t.Rows().NodeStore()
	memLimit := im.opts.MemLimit
	if memLimit <= 0 {
		memLimit = 256 << 20
	}
	memLimit = max(memLimit/len(rs.Indexes), 8<<20)
	var ibs []*indexBuild
	for i, ix := range rs.Indexes {
		kd, err := rs.IndexKeyDesc(i)
		if err != nil {
			return repo.Table{}, err
		}
		ib := &indexBuild{ix: ix, kd: kd, b: tuple.NewBuilder(kd)}
		for _, ic := range ix.Columns {
			o := rs.Column(ic.Name)
			if o < 0 {
				return repo.Table{}, fmt.Errorf("dataio: index %q: no column %q", ix.Name, ic.Name)
			}
			ib.cols = append(ib.cols, o)
			ib.prefix = append(ib.prefix, ic.Prefix)
		}
		ib.ext = slices.Clone(ib.cols)
		for _, o := range rs.PrimaryKey {
			if !slices.Contains(ib.cols, o) {
				ib.ext = append(ib.ext, o)
			}
		}
		ib.s = newSorter(ns, kd.Compare, memLimit, im.opts.TempDir, false, func(a, b entry) error { return nil })
		ibs = append(ibs, ib)
	}
	defer func() {
		for _, ib := range ibs {
			ib.s.close()
		}
	}()
	it, err := t.Rows().Iter(ctx, prolly.All)
	if err != nil {
		return repo.Table{}, err
	}
	var row sql.Row
	for {
		k, v, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return repo.Table{}, err
		}
		if row, err = im.codec.Decode(k, v, row); err != nil {
			return repo.Table{}, err
		}
		for _, ib := range ibs {
			ik, err := ib.key(im.sch, row)
			if err != nil {
				return repo.Table{}, err
			}
			if err := ib.s.add(ctx, entry{k: ik}); err != nil {
				return repo.Table{}, err
			}
		}
	}
	for _, ib := range ibs {
		m, err := ib.finish(ctx, im, ns)
		if err != nil {
			return repo.Table{}, err
		}
		if t, err = t.WithIndex(ctx, ib.ix.Name, m); err != nil {
			return repo.Table{}, err
		}
	}
	return t, nil
}

func (ib *indexBuild) key(sch sql.Schema, row sql.Row) ([]byte, error) {
	for j, o := range ib.ext {
		v := row[o]
		if j < len(ib.cols) {
			v = truncatePrefix(v, ib.prefix[j], ib.kd.Field(j).Enc)
		}
		if err := typeconv.PutValue(ib.b, j, sch[o].Type, v); err != nil {
			return nil, fmt.Errorf("index %q column %q: %w", ib.ix.Name, sch[o].Name, err)
		}
	}
	return ib.b.Build()
}

// finish builds the index map, checking uniqueness (NULLs never collide).
func (ib *indexBuild) finish(ctx context.Context, im *importer, ns *prolly.NodeStore) (prolly.Map, error) {
	src, err := ib.s.finish(ctx)
	if err != nil {
		return prolly.Map{}, err
	}
	if ms, ok := src.(*mapSource); ok && ms.built && !ib.ix.Unique {
		return ms.m, nil
	}
	n := len(ib.cols)
	b := prolly.NewBuilder(ns, ib.kd.Compare)
	var prev []byte
	for {
		e, err := src.next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return prolly.Map{}, err
		}
		if ib.ix.Unique && prev != nil && !nullInPrefix(ib.kd, e.k, n) && comparePrefix(ib.kd, prev, e.k, n) == 0 {
			return prolly.Map{}, fmt.Errorf("%w: duplicate entry %s for unique index %q: the file has two rows with these values", ErrImport, im.prefixString(ib, e.k), ib.ix.Name)
		}
		if err := b.Add(ctx, e.k, nil); err != nil {
			return prolly.Map{}, err
		}
		prev = e.k
	}
	return b.Finish(ctx)
}

func (im *importer) prefixString(ib *indexBuild, k []byte) string {
	var parts []string
	for j, o := range ib.cols {
		v, err := typeconv.GetValue(ib.kd, k, j, im.sch[o].Type)
		if err != nil {
			return "?"
		}
		parts = append(parts, fmt.Sprint(formatValue(v)))
	}
	return "'" + strings.Join(parts, "-") + "'"
}

func nullInPrefix(d tuple.Desc, k []byte, n int) bool {
	for i := 0; i < n; i++ {
		if d.IsNull(k, i) {
			return true
		}
	}
	return false
}

// comparePrefix compares the first n fields of two keys.
func comparePrefix(d tuple.Desc, a, b []byte, n int) int {
	for i := 0; i < n; i++ {
		if c := d.CompareField(i, a, b); c != 0 {
			return c
		}
	}
	return 0
}

// truncatePrefix cuts v to n characters (strings) or bytes (binary values), as
// sql/backend does for prefix indexes.
func truncatePrefix(v any, n int, enc tuple.Encoding) any {
	if n <= 0 || v == nil {
		return v
	}
	cut := func(s string) string {
		i, k := 0, 0
		for i < len(s) && k < n {
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w
			k++
		}
		return s[:i]
	}
	switch x := v.(type) {
	case string:
		if enc == tuple.BytesEnc {
			if len(x) > n {
				return x[:n]
			}
			return x
		}
		if utf8.RuneCountInString(x) <= n {
			return x
		}
		return cut(x)
	case []byte:
		if enc == tuple.StringEnc && utf8.RuneCount(x) > n {
			return []byte(cut(string(x)))
		}
		if len(x) > n {
			return x[:n]
		}
	}
	return v
}
