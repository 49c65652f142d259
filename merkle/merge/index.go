package merge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
)

// UpdateRows returns t with its row map replaced by rows and every secondary index
// edited to match: for each row that differs between t's rows and rows, the entries of
// its old version are deleted and those of its new version added. The cost follows the
// number of changed rows (one diff of the two row maps), not the table's size. t's
// indexes must be consistent with t's rows. If the new rows give two rows the same value
// of a unique index (NULLs apart), it fails with a *ViolationError (checked with one
// seek per entry added to a unique index), returning the updated table along with it
// (Merge with Options.Record keeps it and records the violations).
func UpdateRows(ctx context.Context, t repo.Table, rows prolly.Map) (repo.Table, error) {
	old := t.Rows()
	nt, err := t.WithRows(ctx, rows)
	if err != nil {
		return repo.Table{}, err
	}
	if len(t.Schema().Indexes) == 0 || old.Hash() == rows.Hash() {
		return nt, nil
	}
	x, err := newIndexEdits(t)
	if err != nil {
		return repo.Table{}, err
	}
	d, err := prolly.DiffMaps(ctx, old, rows)
	if err != nil {
		return repo.Table{}, err
	}
	for {
		df, err := d.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return repo.Table{}, err
		}
		if err := x.change(ctx, df.Key, df.From, df.To); err != nil {
			return repo.Table{}, err
		}
	}
	maps, err := flushAll(ctx, x.eds)
	if err != nil {
		return repo.Table{}, err
	}
	return x.finish(ctx, nt, maps)
}

// indexFlushEvery bounds the edits an indexEdits editor buffers.
const indexFlushEvery = 1 << 16

// indexEdits keeps the secondary indexes of a table in step with changes of its rows:
// for each changed row, the entries of its old version are deleted and those of its new
// version put.
type indexEdits struct {
	sch   repo.Schema
	ib    *indexBuilder
	eds   []*prolly.Editor // one per index, over the table's index maps
	added [][][]byte       // entries put into unique indexes, per index
}

// newIndexEdits returns an indexEdits over t's indexes (t's indexes must be consistent
// with its rows).
func newIndexEdits(t repo.Table) (*indexEdits, error) {
	sch := t.Schema()
	ib, err := newIndexBuilder(sch, t.KeyDesc(), t.ValueDesc())
	if err != nil {
		return nil, err
	}
	x := &indexEdits{sch: sch, ib: ib, eds: make([]*prolly.Editor, len(sch.Indexes)), added: make([][][]byte, len(sch.Indexes))}
	for i, ix := range sch.Indexes {
		m, ok := t.Index(ix.Name)
		if !ok {
			return nil, fmt.Errorf("merge: table %q has no map for index %q", sch.Name, ix.Name)
		}
		x.eds[i] = m.Edit()
	}
	return x, nil
}

// change records that the row under key went from old to new (nil: absent).
func (x *indexEdits) change(ctx context.Context, key, old, new []byte) error {
	var oldKeys, newKeys [][]byte
	var err error
	if old != nil {
		if oldKeys, err = x.ib.keys(key, old); err != nil {
			return err
		}
	}
	if new != nil {
		if newKeys, err = x.ib.keys(key, new); err != nil {
			return err
		}
	}
	for i, ed := range x.eds {
		var ok, nk []byte
		if oldKeys != nil {
			ok = oldKeys[i]
		}
		if newKeys != nil {
			nk = newKeys[i]
		}
		if ok != nil && nk != nil && slices.Equal(ok, nk) {
			continue
		}
		if ok != nil {
			ed.Delete(ok)
		}
		if nk != nil {
			if err := ed.Put(nk, []byte{}); err != nil {
				return err
			}
			if x.sch.Indexes[i].Unique {
				x.added[i] = append(x.added[i], nk)
			}
		}
		if ed.Pending() >= indexFlushEvery {
			if _, err := ed.Flush(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// finish installs maps (the flushed editors, in index order) as nt's indexes and checks
// the unique indexes, failing with a *ViolationError along with the table.
func (x *indexEdits) finish(ctx context.Context, nt repo.Table, maps []prolly.Map) (repo.Table, error) {
	var err error
	for i, ix := range x.sch.Indexes {
		if nt, err = nt.WithIndex(ctx, ix.Name, maps[i]); err != nil {
			return repo.Table{}, err
		}
	}
	vs, err := checkUnique(ctx, x.sch, maps, x.added)
	if err != nil {
		return repo.Table{}, err
	}
	if len(vs) > 0 {
		return nt, &ViolationError{Violations: vs}
	}
	return nt, nil
}

// flushAll flushes every editor, each in its own goroutine (at most GOMAXPROCS at a
// time): the maps are independent, and the flushes (re-chunking and hashing the edited
// nodes) are most of an index update's cost.
func flushAll(ctx context.Context, eds []*prolly.Editor) ([]prolly.Map, error) {
	maps := make([]prolly.Map, len(eds))
	errs := make([]error, len(eds))
	if len(eds) == 1 || runtime.GOMAXPROCS(0) == 1 {
		for i, ed := range eds {
			if maps[i], errs[i] = ed.Flush(ctx); errs[i] != nil {
				return nil, errs[i]
			}
		}
		return maps, nil
	}
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, ed := range eds {
		if ed.Pending() == 0 {
			maps[i], errs[i] = ed.Flush(ctx)
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			maps[i], errs[i] = ed.Flush(ctx)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return maps, nil
}

// indexBuilder builds the index entries of a row from its row-map key and value, at the
// tuple level (the same keys the SQL layer writes: index columns, prefix-truncated,
// then the primary-key columns not in the index, or a keyless row's hash).
type indexBuilder struct {
	sch     repo.Schema
	kd, vd  tuple.Desc
	keyless bool
	// src[o] locates column o: in the key (true) or the value, at field index idx.
	inKey []bool
	idx   []int
	kds   []tuple.Desc
	// fields[i] lists, per key field of index i, the column ordinal (-1: the keyless row
	// hash) and the prefix length.
	fields [][]ixField
}

type ixField struct{ col, prefix int }

func newIndexBuilder(sch repo.Schema, kd, vd tuple.Desc) (*indexBuilder, error) {
	ib := &indexBuilder{sch: sch, kd: kd, vd: vd, keyless: sch.Keyless()}
	n := len(sch.Columns)
	ib.inKey, ib.idx = make([]bool, n), make([]int, n)
	if ib.keyless {
		for o := range sch.Columns {
			ib.idx[o] = 1 + o
		}
	} else {
		for p, o := range sch.PrimaryKey {
			ib.inKey[o], ib.idx[o] = true, p
		}
		v := 0
		for o := range sch.Columns {
			if !ib.inKey[o] {
				ib.idx[o] = v
				v++
			}
		}
	}
	for i, ix := range sch.Indexes {
		kd, err := sch.IndexKeyDesc(i)
		if err != nil {
			return nil, err
		}
		ib.kds = append(ib.kds, kd)
		var fs []ixField
		var used []int
		for _, ic := range ix.Columns {
			o := sch.Column(ic.Name)
			if o < 0 {
				return nil, fmt.Errorf("merge: table %q index %q: no column %q", sch.Name, ix.Name, ic.Name)
			}
			fs = append(fs, ixField{col: o, prefix: ic.Prefix})
			used = append(used, o)
		}
		if ib.keyless {
			fs = append(fs, ixField{col: -1})
		}
		for _, o := range sch.PrimaryKey {
			if !slices.Contains(used, o) {
				fs = append(fs, ixField{col: o})
			}
		}
		ib.fields = append(ib.fields, fs)
	}
	return ib, nil
}

// keys returns the entry of every index for the row (key, val).
func (ib *indexBuilder) keys(key, val []byte) ([][]byte, error) {
	kv, err := ib.kd.Values(key)
	if err != nil {
		return nil, err
	}
	vv, err := ib.vd.Values(val)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(ib.fields))
	for i, fs := range ib.fields {
		b := tuple.NewBuilder(ib.kds[i])
		for j, f := range fs {
			var v any
			switch {
			case f.col < 0:
				v = kv[0]
			case ib.inKey[f.col]:
				v = kv[ib.idx[f.col]]
			default:
				v = vv[ib.idx[f.col]]
			}
			if v == nil {
				continue
			}
			if f.prefix > 0 {
				v = truncate(v, f.prefix, ib.kds[i].Field(j).Enc)
			}
			b.Put(j, v)
		}
		k, err := b.Build()
		if err != nil {
			return nil, fmt.Errorf("merge: table %q index %q: %w", ib.sch.Name, ib.sch.Indexes[i].Name, err)
		}
		out[i] = k
	}
	return out, nil
}

// truncate cuts a prefix-indexed value to n characters (String) or bytes (Bytes).
func truncate(v any, n int, enc tuple.Encoding) any {
	x, ok := v.([]byte)
	if !ok {
		return v
	}
	if enc != tuple.StringEnc {
		if len(x) > n {
			return x[:n]
		}
		return x
	}
	i := 0
	for k := 0; i < len(x) && k < n; k++ {
		_, w := utf8.DecodeRune(x[i:])
		i += w
	}
	return x[:i]
}
