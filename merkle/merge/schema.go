package merge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
)

// Options tune Merge, CherryPick and Revert.
type Options struct {
	// Record makes schema conflicts and constraint violations part of the Result
	// (Result.SchemaConflicts, Result.Violations) instead of failing the merge with a
	// *SchemaConflictError or *ViolationError. The merged root then keeps ours' version
	// of every table in schema conflict.
	Record bool
	// ColumnDefault returns the value a row gets for column col of sch when it comes
	// from a side whose version of the table lacks the column (a column added on the
	// other side), as a tuple of the one field tuple.NewDesc(sch.Columns[col].Type); a
	// nil tuple is NULL. The SQL layer evaluates the column's DEFAULT as ALTER TABLE ...
	// ADD COLUMN does. When nil, a nullable column without a default gets NULL, and any
	// other column added on one side while the other changed rows is a schema conflict.
	ColumnDefault func(ctx context.Context, sch repo.Schema, col int) ([]byte, error)
	// CheckRow returns the positions (in sch.Checks) of the enforced CHECK constraints
	// the row (key, val) of a table of schema sch violates (false, not NULL). When set
	// (with Record), the rows a merge adds or changes in a table both sides changed are
	// checked, and all its rows when the merge changed its checks; violations are
	// recorded.
	CheckRow func(ctx context.Context, sch repo.Schema, key, val []byte) ([]int, error)
}

func options(opts []Options) Options {
	if len(opts) == 0 {
		return Options{}
	}
	return opts[0]
}

// mergeSchemas merges the schemas of one table three-way, by folded name of column,
// once the columns one side renamed (columnRenames) are renamed on the other sides too,
// index and check: an element changed (added, dropped or redefined) on one side takes
// that side's version; one changed identically on both is kept; one changed
// differently on both sides is a conflict, as is any change of the primary key, a
// column whose encoding changed on one side (the other side's rows would need a type
// conversion) and a generated column added on one side. It returns the merged schema,
// or a description of the conflict.
func mergeSchemas(b, o, t repo.Schema) (repo.Schema, string) {
	ro, rt := columnRenames(b, o), columnRenames(b, t)
	if len(ro)+len(rt) > 0 {
		if why := renameCollisions(b, o, t, ro, rt); len(why) > 0 {
			return repo.Schema{}, strings.Join(why, "; ")
		}
		b, o, t = renameColumns(renameColumns(b, ro), rt), renameColumns(o, rt), renameColumns(t, ro)
	}
	if !slices.Equal(pkNames(b), pkNames(o)) || !slices.Equal(pkNames(b), pkNames(t)) {
		return repo.Schema{}, "primary key changed"
	}
	m := o.Clone()
	var why []string
	// Columns.
	cols, reason := mergeNamed(b.Columns, o.Columns, t.Columns, func(c repo.Column) string { return c.Name })
	why = append(why, describe("column", reason)...)
	for _, c := range cols {
		if slices.ContainsFunc(reason, func(nc namedConflict) bool { return strings.EqualFold(nc.name, c.Name) }) {
			continue
		}
		bi, oi, ti := b.Column(c.Name), o.Column(c.Name), t.Column(c.Name)
		if bi >= 0 && oi >= 0 && ti >= 0 && (!reflect.DeepEqual(b.Columns[bi].Type, c.Type) || !reflect.DeepEqual(o.Columns[oi].Type, c.Type) || !reflect.DeepEqual(t.Columns[ti].Type, c.Type)) {
			why = append(why, fmt.Sprintf("column %q changed type on one side (rows of the other side would need converting)", c.Name))
		}
		if c.Generated != "" && (oi < 0 || ti < 0 || !reflect.DeepEqual(o.Columns[oi], t.Columns[ti])) {
			why = append(why, fmt.Sprintf("generated column %q added or changed on one side", c.Name))
		}
	}
	why = append(why, renames(b, o)...)
	why = append(why, renames(b, t)...)
	m.Columns = cols
	m.PrimaryKey = nil
	for _, p := range o.PrimaryKey {
		m.PrimaryKey = append(m.PrimaryKey, m.Column(o.Columns[p].Name))
	}
	ixs, reason := mergeNamed(b.Indexes, o.Indexes, t.Indexes, func(ix repo.Index) string { return ix.Name })
	why = append(why, describe("index", reason)...)
	m.Indexes = ixs
	cks, reason := mergeNamed(b.Checks, o.Checks, t.Checks, func(c repo.Check) string { return c.Name })
	why = append(why, describe("check", reason)...)
	m.Checks = cks
	var ok bool
	if m.Collation, ok = merge3(b.Collation, o.Collation, t.Collation); !ok {
		why = append(why, "table collation changed differently on both sides")
	}
	if m.Comment, ok = merge3(b.Comment, o.Comment, t.Comment); !ok {
		why = append(why, "table comment changed differently on both sides")
	}
	if m.TargetRowSize, ok = merge3(b.TargetRowSize, o.TargetRowSize, t.TargetRowSize); !ok {
		why = append(why, "table option TARGET_ROW_SIZE changed differently on both sides")
	}
	if len(why) > 0 {
		return repo.Schema{}, strings.Join(why, "; ")
	}
	if err := m.Validate(); err != nil {
		return repo.Schema{}, "the combined schema is invalid: " + err.Error()
	}
	return m, ""
}

func merge3[T comparable](b, o, t T) (T, bool) {
	switch {
	case o == t, b == t:
		return o, true
	case b == o:
		return t, true
	}
	return o, false
}

func pkNames(s repo.Schema) []string {
	out := make([]string, len(s.PrimaryKey))
	for i, o := range s.PrimaryKey {
		out[i] = strings.ToLower(s.Columns[o].Name) + " " + s.Columns[o].Type.String()
	}
	return out
}

type namedConflict struct{ name, why string }

func describe(what string, cs []namedConflict) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = fmt.Sprintf("%s %q %s", what, c.name, c.why)
	}
	return out
}

// mergeNamed merges three lists of named elements three-way by folded name. The result
// keeps ours' order, with the elements only theirs has placed after their predecessor in
// theirs' list (and after the elements only ours added there).
func mergeNamed[T any](b, o, t []T, name func(T) string) ([]T, []namedConflict) {
	find := func(xs []T, n string) (T, bool) {
		for _, x := range xs {
			if strings.EqualFold(name(x), n) {
				return x, true
			}
		}
		var z T
		return z, false
	}
	same := func(x T, inX bool, y T, inY bool) bool { return inX == inY && (!inX || reflect.DeepEqual(x, y)) }
	pick := func(n string) (T, bool, string) {
		bx, inB := find(b, n)
		ox, inO := find(o, n)
		tx, inT := find(t, n)
		switch {
		case same(ox, inO, tx, inT), same(bx, inB, tx, inT):
			return ox, inO, ""
		case same(bx, inB, ox, inO):
			return tx, inT, ""
		case !inB:
			return ox, inO, "added on both sides with different definitions"
		case !inO || !inT:
			return ox, inO, "dropped on one side and changed on the other"
		}
		return ox, inO, "changed differently on both sides"
	}
	var out []T
	var conflicts []namedConflict
	for _, x := range o {
		v, in, why := pick(name(x))
		if why != "" {
			conflicts = append(conflicts, namedConflict{name(x), why})
		}
		if in {
			out = append(out, v)
		}
	}
	for i, x := range t {
		if _, inO := find(o, name(x)); inO {
			continue
		}
		v, in, why := pick(name(x))
		if why != "" {
			conflicts = append(conflicts, namedConflict{name(x), why})
		}
		if !in {
			continue
		}
		at := 0 // after theirs' nearest predecessor present in out
		for j := i - 1; j >= 0; j-- {
			if k := slices.IndexFunc(out, func(y T) bool { return strings.EqualFold(name(y), name(t[j])) }); k >= 0 {
				at = k + 1
				break
			}
		}
		for at < len(out) { // after ours' own additions there
			if _, inT := find(t, name(out[at])); inT {
				break
			}
			at++
		}
		out = slices.Insert(out, at, v)
	}
	return out, conflicts
}

// converter rewrites rows of one version of a table into the merged schema: columns
// are matched by folded name; columns the version lacks get their default.
type converter struct {
	from, to repo.Schema
	fkd, fvd tuple.Desc
	tkd, tvd tuple.Desc
	cd       tuple.Desc // to's ColumnsDesc (keyless keys)
	// src[o] for column o of to: its ordinal in from, or -1.
	src      []int
	defaults []any // value of column o of to when src[o] < 0
}

func newConverter(ctx context.Context, from repo.Table, to repo.Schema, opts Options) (*converter, string, error) {
	c := &converter{from: from.Schema(), to: to, fkd: from.KeyDesc(), fvd: from.ValueDesc()}
	var err error
	if c.tkd, err = to.KeyDesc(); err != nil {
		return nil, "", err
	}
	if c.tvd, err = to.ValueDesc(); err != nil {
		return nil, "", err
	}
	if c.cd, err = to.ColumnsDesc(); err != nil {
		return nil, "", err
	}
	c.src = make([]int, len(to.Columns))
	c.defaults = make([]any, len(to.Columns))
	for o, col := range to.Columns {
		c.src[o] = c.from.Column(col.Name)
		if c.src[o] >= 0 {
			continue
		}
		switch {
		case opts.ColumnDefault != nil:
			tup, err := opts.ColumnDefault(ctx, to, o)
			if err != nil {
				return nil, fmt.Sprintf("column %q added on one side: cannot compute its default for the other side's rows: %v", col.Name, err), nil
			}
			if tup != nil {
				d, err := tuple.NewDesc(col.Type)
				if err != nil {
					return nil, "", err
				}
				vals, err := d.Values(tup)
				if err != nil {
					return nil, "", fmt.Errorf("column %q default: %w", col.Name, err)
				}
				if len(vals) > 0 {
					c.defaults[o] = vals[0]
				}
			}
		case col.Nullable() && col.Default == "":
		default:
			return nil, fmt.Sprintf("column %q added on one side: its default for the other side's rows is unknown here", col.Name), nil
		}
	}
	return c, "", nil
}

// columns returns the values of every column of from for the row (key, val), in from's
// column order, and the keyless count (1 for a keyed table).
func (c *converter) columns(key, val []byte) ([]any, uint64, error) {
	kv, err := c.fkd.Values(key)
	if err != nil {
		return nil, 0, err
	}
	vv, err := c.fvd.Values(val)
	if err != nil {
		return nil, 0, err
	}
	out := make([]any, len(c.from.Columns))
	n := uint64(1)
	if c.from.Keyless() {
		if len(vv) > 0 {
			if u, ok := vv[0].(uint64); ok {
				n = u
			}
		}
		for o := range out {
			if 1+o < len(vv) {
				out[o] = vv[1+o]
			}
		}
		return out, n, nil
	}
	for p, o := range c.from.PrimaryKey {
		if p < len(kv) {
			out[o] = kv[p]
		}
	}
	v := 0
	for o := range c.from.Columns {
		if slices.Contains(c.from.PrimaryKey, o) {
			continue
		}
		if v < len(vv) {
			out[o] = vv[v]
		}
		v++
	}
	return out, n, nil
}

// row converts one row; for a keyless table the key is recomputed from the columns.
func (c *converter) row(key, val []byte) ([]byte, []byte, uint64, error) {
	cols, n, err := c.columns(key, val)
	if err != nil {
		return nil, nil, 0, err
	}
	vals := make([]any, len(c.to.Columns))
	for o := range c.to.Columns {
		if c.src[o] >= 0 {
			vals[o] = cols[c.src[o]]
			if isCharColumn(c.to.Columns[o]) && (c.to.Keyless() || !slices.Contains(c.to.PrimaryKey, o)) {
				vals[o] = trimChar(vals[o]) // charpad.go
			}
		} else {
			vals[o] = c.defaults[o]
		}
	}
	build := func(d tuple.Desc, vs []any) ([]byte, error) {
		b := tuple.NewBuilder(d)
		for i, v := range vs {
			if v != nil {
				b.Put(i, v)
			}
		}
		return b.Build()
	}
	if c.to.Keyless() {
		all, err := build(c.cd, vals)
		if err != nil {
			return nil, nil, 0, err
		}
		k, err := repo.KeylessKey(all)
		if err != nil {
			return nil, nil, 0, err
		}
		v, err := build(c.tvd, append([]any{n}, vals...))
		return k, v, n, err
	}
	var vs []any
	for o := range c.to.Columns {
		if !slices.Contains(c.to.PrimaryKey, o) {
			vs = append(vs, vals[o])
		}
	}
	v, err := build(c.tvd, vs)
	return key, v, n, err
}

// convertRows returns t's row map rewritten into the converter's schema. Keyed rows keep
// their keys (the primary key is the same on every side), so they stream in order;
// keyless rows are re-keyed, rows that become identical adding up their counts.
func (c *converter) convertRows(ctx context.Context, t repo.Table) (prolly.Map, error) {
	it, err := t.Rows().Iter(ctx, prolly.All)
	if err != nil {
		return prolly.Map{}, err
	}
	ns := t.Rows().NodeStore()
	if !c.to.Keyless() {
		b := prolly.NewBuilder(ns, c.tkd.Compare)
		for {
			k, v, err := it.Next(ctx)
			if err == io.EOF {
				return b.Finish(ctx)
			}
			if err != nil {
				return prolly.Map{}, err
			}
			_, nv, _, err := c.row(k, v)
			if err != nil {
				return prolly.Map{}, err
			}
			if err := b.Add(ctx, k, nv); err != nil {
				return prolly.Map{}, err
			}
		}
	}
	empty, err := prolly.NewEmpty(ctx, ns, c.tkd.Compare)
	if err != nil {
		return prolly.Map{}, err
	}
	ed := empty.Edit()
	for {
		k, v, err := it.Next(ctx)
		if err == io.EOF {
			return ed.Flush(ctx)
		}
		if err != nil {
			return prolly.Map{}, err
		}
		nk, nv, n, err := c.row(k, v)
		if err != nil {
			return prolly.Map{}, err
		}
		if cur, found, err := ed.Get(ctx, nk); err != nil {
			return prolly.Map{}, err
		} else if found {
			old, _ := c.tvd.GetUint(cur, 0)
			if nv, err = withCount(c.tvd, nv, old+n); err != nil {
				return prolly.Map{}, err
			}
		}
		if err := ed.Put(nk, nv); err != nil {
			return prolly.Map{}, err
		}
	}
}

// converted is one table's three versions rewritten into the merged schema.
type converted struct{ base, ours, theirs repo.Table }

// mergeTableSchemas merges a table whose schema differs between the sides: the merged
// schema (mergeSchemas) is given. When ours' or theirs' rows are already laid out as the
// merged schema's (the side that made the change, typically), the other side's changes
// since base (one diff of its maps) are converted row by row and applied onto them with
// the rules of mergeKeyed, so the cost follows the changes; otherwise (and for keyless
// tables) each version whose layout differs has all its rows converted and the rows
// merge as in mergeTable. The merged table starts from the index maps of the side the
// rows were applied onto (ours when every version is converted): its indexes whose
// definition the merged schema keeps are updated incrementally; the others (added or
// redefined on the other side, or of a keyless table whose columns changed) are built
// from the merged rows. why is non-empty (and the table unmerged) when a default cannot
// be computed. cv (every version converted) is filled only when rows conflict.
func mergeTableSchemas(ctx context.Context, bt, ot, tt repo.Table, m repo.Schema, opts Options) (mt repo.Table, st TableStats, ck prolly.Map, cv converted, vs []Violation, why string, err error) {
	st = TableStats{Table: ot.Name()}
	if bt, ot, tt, err = withRenamedColumns(ctx, bt, ot, tt); err != nil {
		return
	}
	if sch := ot.Schema(); reflect.DeepEqual(sch, m) && reflect.DeepEqual(bt.Schema(), m) && reflect.DeepEqual(tt.Schema(), m) {
		// Only column names differed (renames): the rows merge as in mergeTable, and a
		// table with conflicts records its versions, already in the merged layout.
		if mt, st, ck, vs, err = mergeTable(ctx, bt, ot, tt); err == nil && ck.Count() > 0 {
			cv = converted{base: bt, ours: ot, theirs: tt}
		}
		return
	}
	var convs [3]*converter // nil: already in the merged layout
	for i, t := range []repo.Table{bt, ot, tt} {
		if sameRowLayout(t.Schema(), m) {
			continue
		}
		if convs[i], why, err = newConverter(ctx, t, m, opts); err != nil || why != "" {
			return
		}
	}
	conv := func(i int, t repo.Table) (repo.Table, error) {
		nt, err := t.WithSchema(ctx, m)
		if err != nil || convs[i] == nil {
			return nt, err
		}
		rows, err := convs[i].convertRows(ctx, t)
		if err != nil {
			return repo.Table{}, err
		}
		return nt.WithRows(ctx, rows)
	}
	convertAll := func() error {
		var err error
		for i, p := range []struct {
			src repo.Table
			dst *repo.Table
		}{{bt, &cv.base}, {ot, &cv.ours}, {tt, &cv.theirs}} {
			if *p.dst, err = conv(i, p.src); err != nil {
				return err
			}
		}
		return nil
	}
	kd, err := m.KeyDesc()
	if err != nil {
		return
	}
	vd, err := m.ValueDesc()
	if err != nil {
		return
	}
	if ck, err = prolly.NewEmpty(ctx, ot.Rows().NodeStore(), kd.Compare); err != nil {
		return
	}
	// src is the table whose index maps the merged table starts from, srcRows its rows in
	// the merged layout.
	src, srcRows := ot, ot.Rows()
	var rows prolly.Map
	switch {
	case !m.Keyless() && convs[1] == nil:
		rows, ck, err = mergeByDiff(ctx, bt, tt, convs[0], convs[2], ot.Rows(), true, vd, ck, &st)
	case !m.Keyless() && convs[2] == nil:
		src, srcRows = tt, tt.Rows()
		rows, ck, err = mergeByDiff(ctx, bt, ot, convs[0], convs[1], tt.Rows(), false, vd, ck, &st)
	default:
		if err = convertAll(); err != nil {
			return
		}
		srcRows = cv.ours.Rows()
		if m.Keyless() {
			rows, err = mergeKeyless(ctx, cv.base.Rows(), cv.ours.Rows(), cv.theirs.Rows(), vd, &st)
		} else {
			rows, ck, err = mergeKeyed(ctx, cv.base.Rows(), cv.ours.Rows(), cv.theirs.Rows(), vd, ck, &st)
		}
	}
	if err != nil {
		return
	}
	if ck.Count() > 0 && cv.ours.Name() == "" {
		if err = convertAll(); err != nil {
			return
		}
	}
	// Indexes kept from src: same definition, and (keyless) the same columns.
	keep := func(ix repo.Index) bool {
		j := src.Schema().Index(ix.Name)
		if j < 0 || !reflect.DeepEqual(src.Schema().Indexes[j], ix) {
			return false
		}
		return !m.Keyless() || reflect.DeepEqual(src.Schema().Columns, m.Columns)
	}
	m1 := m.Clone()
	m1.Indexes = slices.DeleteFunc(m1.Indexes, func(ix repo.Index) bool { return !keep(ix) })
	// src with the kept indexes: its index maps are still right for its rows.
	t1, err := src.WithSchema(ctx, m1)
	if err != nil {
		return
	}
	if t1, err = t1.WithRows(ctx, srcRows); err != nil {
		return
	}
	if t1, vs, err = updateRowsViolations(ctx, t1, rows); err != nil {
		return
	}
	if mt, err = t1.WithSchema(ctx, m); err != nil {
		return
	}
	for i, ix := range m.Indexes {
		if keep(ix) {
			continue
		}
		var built prolly.Map
		var ivs []Violation
		if built, ivs, err = buildIndex(ctx, mt, i); err != nil {
			return
		}
		vs = append(vs, ivs...)
		if mt, err = mt.WithIndex(ctx, ix.Name, built); err != nil {
			return
		}
	}
	if ai := max(ot.AutoIncrement(), tt.AutoIncrement()); ai != mt.AutoIncrement() {
		mt, err = mt.WithAutoIncrement(ctx, ai)
	}
	return
}

// mergeByDiff merges the rows of a keyed table when one side's rows (target: ours' if
// targetIsOurs, else theirs') are already in the merged layout: each change the other
// side made since base (a diff of base's and other's maps, in their own layouts) is
// converted (cb, co; nil: already in the merged layout) and applied onto target with
// mergeKeyed's rules: taken if target did not change the row, merged cell by cell if
// both did, a conflict (ours kept, key recorded in ck) otherwise.
func mergeByDiff(ctx context.Context, base, other repo.Table, cb, co *converter, target prolly.Map, targetIsOurs bool, vd tuple.Desc, ck prolly.Map, st *TableStats) (prolly.Map, prolly.Map, error) {
	convVal := func(c *converter, k, v []byte) ([]byte, error) {
		if v == nil || c == nil {
			return v, nil
		}
		_, nv, _, err := c.row(k, v)
		return nv, err
	}
	eq := func(x, y []byte) bool { return (x == nil) == (y == nil) && bytes.Equal(x, y) }
	d, err := prolly.DiffMaps(ctx, base.Rows(), other.Rows())
	if err != nil {
		return prolly.Map{}, prolly.Map{}, err
	}
	ed, ced := target.Edit(), ck.Edit()
	set := func(k, v []byte, present bool) error {
		switch {
		case v != nil:
			return ed.Put(k, v)
		case present:
			ed.Delete(k)
		}
		return nil
	}
	for {
		df, err := d.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return prolly.Map{}, prolly.Map{}, err
		}
		b, err := convVal(cb, df.Key, df.From)
		if err != nil {
			return prolly.Map{}, prolly.Map{}, err
		}
		x, err := convVal(co, df.Key, df.To)
		if err != nil {
			return prolly.Map{}, prolly.Map{}, err
		}
		if eq(b, x) {
			continue // no change once converted
		}
		tv, inT, err := ed.Get(ctx, df.Key)
		if err != nil {
			return prolly.Map{}, prolly.Map{}, err
		}
		if !inT {
			tv = nil
		}
		switch {
		case eq(tv, b): // target did not change the row: take the other side's change
			st.Applied++
			if err := set(df.Key, x, inT); err != nil {
				return prolly.Map{}, prolly.Map{}, err
			}
			continue
		case eq(tv, x):
			st.Convergent++
			continue
		}
		ours, theirs := tv, x
		if !targetIsOurs {
			ours, theirs = x, tv
		}
		if b != nil && ours != nil && theirs != nil {
			merged, ok, err := MergeCells(vd, b, ours, theirs)
			if err != nil {
				return prolly.Map{}, prolly.Map{}, err
			}
			if ok {
				st.CellMerged++
				if err := set(df.Key, merged, inT); err != nil {
					return prolly.Map{}, prolly.Map{}, err
				}
				continue
			}
		}
		st.Conflicts++
		if err := ced.Put(df.Key, nil); err != nil {
			return prolly.Map{}, prolly.Map{}, err
		}
		if err := set(df.Key, ours, inT); err != nil {
			return prolly.Map{}, prolly.Map{}, err
		}
	}
	rows, err := ed.Flush(ctx)
	if err != nil {
		return prolly.Map{}, prolly.Map{}, err
	}
	ck, err = ced.Flush(ctx)
	return rows, ck, err
}

// buildIndex builds index i of t from t's rows and reports the values of a unique index
// that several rows hold (NULLs apart).
func buildIndex(ctx context.Context, t repo.Table, i int) (prolly.Map, []Violation, error) {
	sch := t.Schema()
	ib, err := newIndexBuilder(sch, t.KeyDesc(), t.ValueDesc())
	if err != nil {
		return prolly.Map{}, nil, err
	}
	kd := ib.kds[i]
	var entries [][]byte
	it, err := t.Rows().Iter(ctx, prolly.All)
	if err != nil {
		return prolly.Map{}, nil, err
	}
	for {
		k, v, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return prolly.Map{}, nil, err
		}
		ks, err := ib.keys(k, v)
		if err != nil {
			return prolly.Map{}, nil, err
		}
		entries = append(entries, ks[i])
	}
	slices.SortFunc(entries, kd.Compare)
	b := prolly.NewBuilder(t.Rows().NodeStore(), kd.Compare)
	var vs []Violation
	ix := sch.Indexes[i]
	n := len(ix.Columns)
	samePrefix := func(x, y []byte) bool {
		for f := 0; f < n; f++ {
			if kd.CompareField(f, x, y) != 0 {
				return false
			}
		}
		return true
	}
	for j := 0; j < len(entries); j++ {
		if j > 0 && kd.Compare(entries[j-1], entries[j]) == 0 {
			continue
		}
		if err := b.Add(ctx, entries[j], []byte{}); err != nil {
			return prolly.Map{}, nil, err
		}
		if ix.Unique && !hasNull(kd, entries[j], n) && (j == 0 || !samePrefix(entries[j-1], entries[j])) {
			e := j + 1
			for e < len(entries) && samePrefix(entries[j], entries[e]) {
				e++
			}
			if e-j > 1 {
				vs = append(vs, Violation{Table: sch.Name, Index: ix.Name, Value: prefixString(kd, entries[j], n), Entries: slices.Clone(entries[j:e])})
			}
		}
	}
	m, err := b.Finish(ctx)
	return m, vs, err
}

// sameRowLayout reports whether rows of schema a are rows of schema b as they are: the
// same columns (by folded name, in order, with the same encodings) and primary key, and
// no column that is CHAR in b but not in a (its values must lose their trailing spaces:
// charpad.go).
func sameRowLayout(a, b repo.Schema) bool {
	if len(a.Columns) != len(b.Columns) || !slices.Equal(a.PrimaryKey, b.PrimaryKey) {
		return false
	}
	for i := range a.Columns {
		if !strings.EqualFold(a.Columns[i].Name, b.Columns[i].Name) || !reflect.DeepEqual(a.Columns[i].Type, b.Columns[i].Type) {
			return false
		}
		if isCharColumn(b.Columns[i]) && !isCharColumn(a.Columns[i]) {
			return false
		}
	}
	return true
}

// updateRowsViolations is UpdateRows returning its unique-index violations instead of
// failing with them.
func updateRowsViolations(ctx context.Context, t repo.Table, rows prolly.Map) (repo.Table, []Violation, error) {
	nt, err := UpdateRows(ctx, t, rows)
	var ve *ViolationError
	if errors.As(err, &ve) {
		return nt, ve.Violations, nil
	}
	return nt, nil, err
}

// renames reports the columns side s dropped while adding one of the same encoding (a
// rename, most likely, whose values the merge could not carry over to the other side's
// rows).
func renames(b, s repo.Schema) []string {
	var out []string
	for _, bc := range b.Columns {
		if s.Column(bc.Name) >= 0 {
			continue
		}
		for _, sc := range s.Columns {
			if b.Column(sc.Name) < 0 && reflect.DeepEqual(bc.Type, sc.Type) {
				out = append(out, fmt.Sprintf("column %q dropped and column %q of the same type added on one side (a rename is not merged: the other side's values would be lost)", bc.Name, sc.Name))
				break
			}
		}
	}
	return out
}

// Column renames. Columns carry no identity but their name, so a rename is recognised
// from the schemas alone (columnRenames). The columns only base has (dropped by side s)
// and those only s has (added) are grouped by gap: the number of columns both have that
// come before them. In a gap with as many dropped as added columns, the i-th dropped
// column c and the i-th added column d are a rename of c to d when they are alike in
// everything but the name (encoding, SQL type, default, auto-increment, comment,
// generation expression); a gap with unequal counts is ambiguous and has no renames (its
// columns are dropped and added, as they would be without this rule). Such a pair is
// merged as a rename: the other versions' column c is renamed d (with the index columns
// naming it), so that the other side's values of c land in d. Anything else a side did
// with c or d collides (renameCollisions).

// columnRenames returns the renames of b's columns that s made (see above): folded old
// name -> new name.
func columnRenames(b, s repo.Schema) map[string]string {
	// The columns only b has and those only s has, grouped by gap: the number of columns
	// both have that come before them.
	gaps := func(x, y repo.Schema) map[int][]int {
		out := map[int][]int{}
		common := 0
		for i, c := range x.Columns {
			if y.Column(c.Name) >= 0 {
				common++
				continue
			}
			out[common] = append(out[common], i)
		}
		return out
	}
	dropped := gaps(b, s)
	if len(dropped) == 0 {
		return nil
	}
	added := gaps(s, b)
	var out map[string]string
	for g, ds := range dropped {
		as := added[g]
		if len(as) != len(ds) {
			continue // ambiguous (or none)
		}
		for i, bi := range ds {
			if alike(b.Columns[bi], s.Columns[as[i]]) {
				if out == nil {
					out = map[string]string{}
				}
				out[strings.ToLower(b.Columns[bi].Name)] = s.Columns[as[i]].Name
			}
		}
	}
	return out
}

// alike reports whether two columns are the same but for their names.
func alike(x, y repo.Column) bool {
	x.Name, y.Name = "", ""
	return reflect.DeepEqual(x, y)
}

// renameColumns returns s with its columns renamed by ren (folded old name -> new name),
// and the index columns that name them; s itself is not modified. Check and generation
// expressions are left as they are (renameCollisions refuses the merges that would need
// them rewritten).
func renameColumns(s repo.Schema, ren map[string]string) repo.Schema {
	if len(ren) == 0 {
		return s
	}
	s = s.Clone()
	for i, c := range s.Columns {
		if n, ok := ren[strings.ToLower(c.Name)]; ok {
			s.Columns[i].Name = n
		}
	}
	for i, ix := range s.Indexes {
		cols := slices.Clone(ix.Columns)
		for j, ic := range cols {
			if n, ok := ren[strings.ToLower(ic.Name)]; ok {
				cols[j].Name = n
			}
		}
		s.Indexes[i].Columns = cols
	}
	return s
}

// renameCollisions describes what the other side did that a rename of one side cannot be
// merged with: renaming the same column differently, dropping or redefining it, adding a
// column of the new name, or adding or changing a check or generated column whose
// expression names the old one (expressions are text, not rewritten here).
func renameCollisions(b, o, t repo.Schema, ro, rt map[string]string) []string {
	var why []string
	one := func(ren, otherRen map[string]string, other repo.Schema, first bool) {
		olds := make([]string, 0, len(ren))
		for old := range ren {
			olds = append(olds, old)
		}
		slices.Sort(olds)
		for _, old := range olds {
			n := ren[old]
			oldName := b.Columns[b.Column(old)].Name
			if n2, ok := otherRen[old]; ok {
				if !strings.EqualFold(n, n2) && first { // reported once
					why = append(why, fmt.Sprintf("column %q renamed to %q on one side and to %q on the other", oldName, n, n2))
				}
				continue
			}
			for o2, n2 := range otherRen {
				if strings.EqualFold(n2, old) && o2 != old {
					why = append(why, fmt.Sprintf("column %q renamed to %q on one side while the other renamed %q to %q", oldName, n, b.Columns[b.Column(o2)].Name, n2))
				}
			}
			switch oc := other.Column(old); {
			case oc < 0:
				why = append(why, fmt.Sprintf("column %q renamed to %q on one side and dropped on the other", oldName, n))
				continue
			case !reflect.DeepEqual(other.Columns[oc], b.Columns[b.Column(old)]):
				why = append(why, fmt.Sprintf("column %q renamed to %q on one side and changed on the other", oldName, n))
			}
			if other.Column(n) >= 0 {
				why = append(why, fmt.Sprintf("column %q renamed to %q on one side while the other added a column %q", oldName, n, other.Columns[other.Column(n)].Name))
			}
			for _, ck := range other.Checks {
				if bi := slices.IndexFunc(b.Checks, func(x repo.Check) bool { return strings.EqualFold(x.Name, ck.Name) }); bi >= 0 && b.Checks[bi] == ck {
					continue
				}
				if mentions(ck.Expr, old) {
					why = append(why, fmt.Sprintf("check %q added or changed on one side uses column %q, renamed to %q on the other", ck.Name, oldName, n))
				}
			}
			for _, c := range other.Columns {
				if c.Generated == "" || !mentions(c.Generated, old) {
					continue
				}
				if bi := b.Column(c.Name); bi >= 0 && reflect.DeepEqual(b.Columns[bi], c) {
					continue
				}
				why = append(why, fmt.Sprintf("generated column %q added or changed on one side uses column %q, renamed to %q on the other", c.Name, oldName, n))
			}
		}
	}
	one(ro, rt, t, true)
	one(rt, ro, o, false)
	return why
}

// mentions reports whether the expression text expr contains name as a whole word
// (folded), quoted or not; string literals are not told apart, so it may say yes for a
// literal: the caller treats yes as a conflict, the safe side.
func mentions(expr, name string) bool {
	e, n := strings.ToLower(expr), strings.ToLower(name)
	word := func(r byte) bool {
		return r == '_' || r == '$' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 0x80
	}
	for i := 0; ; {
		j := strings.Index(e[i:], n)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(n)
		if (j == 0 || !word(e[j-1])) && (end == len(e) || !word(e[end])) {
			return true
		}
		i = j + 1
	}
}

// withRenamedColumns returns the three versions of a table with the columns one side
// renamed (columnRenames) renamed in the other versions' schemas. Only names change, so
// rows and index maps are kept as they are.
func withRenamedColumns(ctx context.Context, bt, ot, tt repo.Table) (repo.Table, repo.Table, repo.Table, error) {
	b := bt.Schema()
	ro, rt := columnRenames(b, ot.Schema()), columnRenames(b, tt.Schema())
	if len(ro)+len(rt) == 0 {
		return bt, ot, tt, nil
	}
	rename := func(t repo.Table, ren ...map[string]string) (repo.Table, error) {
		s := t.Schema()
		for _, r := range ren {
			s = renameColumns(s, r)
		}
		if len(s.Columns) == 0 || reflect.DeepEqual(s, t.Schema()) {
			return t, nil
		}
		return t.WithSchema(ctx, s)
	}
	var err error
	if bt, err = rename(bt, ro, rt); err != nil {
		return bt, ot, tt, err
	}
	if ot, err = rename(ot, rt); err != nil {
		return bt, ot, tt, err
	}
	tt, err = rename(tt, ro)
	return bt, ot, tt, err
}
