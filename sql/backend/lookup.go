package backend

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/shopspring/decimal"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// IndexedAccess implements sql.IndexAddressable: a table scanning lookup's ranges.
func (t *Table) IndexedAccess(_ *sql.Context, lookup sql.IndexLookup) sql.IndexedTable {
	if _, ok := lookup.Index.(*Index); !ok {
		return nil
	}
	return &IndexedTable{Table: t, lookup: lookup}
}

// IndexedTable is a Table read through an index lookup: the rows of the lookup's ranges,
// in index order (descending if the lookup is reverse).
//
// Ranges become prolly scans. Within one range the leading index columns that the range
// pins to a single value, and the bounds of the next column, give the scan's start (a
// seek) and its end; bounds of later columns are checked on each index entry. Bound values
// are converted to the column type and used inclusively, so the scan returns a superset
// of the range even where the conversion is lossy (2.5 for an INT column), and every row
// is then checked against its range (GMS's range filter expression) so the result is
// exact. A secondary index's entries lead to rows by primary key (row hash for keyless
// tables).
//
// An IndexedTable is immutable; its iterators belong to one statement.
type IndexedTable struct {
	*Table
	lookup sql.IndexLookup
}

var (
	_ sql.IndexedTable   = (*IndexedTable)(nil)
	_ sql.ProjectedTable = (*IndexedTable)(nil)
)

// WithProjections implements sql.ProjectedTable, keeping the lookup.
func (t *IndexedTable) WithProjections(ctx *sql.Context, names []string) (sql.Table, error) {
	nt, err := t.Table.WithProjections(ctx, names)
	if err != nil {
		return nil, err
	}
	return &IndexedTable{Table: nt.(*Table), lookup: t.lookup}, nil
}

type lookupPartition struct{ lookup sql.IndexLookup }

func (lookupPartition) Key() []byte { return []byte("lookup") }

// LookupPartitions implements sql.IndexedTable: one partition holding the lookup.
func (t *IndexedTable) LookupPartitions(_ *sql.Context, lookup sql.IndexLookup) (sql.PartitionIter, error) {
	return sql.PartitionsToPartitionIter(lookupPartition{lookup}), nil
}

// Partitions implements sql.Table: the partition of the table's own lookup.
func (t *IndexedTable) Partitions(ctx *sql.Context) (sql.PartitionIter, error) {
	return t.LookupPartitions(ctx, t.lookup)
}

// PartitionRows implements sql.Table.
func (t *IndexedTable) PartitionRows(ctx *sql.Context, p sql.Partition) (sql.RowIter, error) {
	lp, ok := p.(lookupPartition)
	if !ok {
		return t.Table.PartitionRows(ctx, p)
	}
	return t.Table.lookupRows(ctx, lp.lookup)
}

// lookupRows returns the rows of lookup's ranges.
func (t *Table) lookupRows(ctx *sql.Context, lookup sql.IndexLookup) (sql.RowIter, error) {
	_, _, rt, err := t.current(ctx)
	if err != nil {
		return nil, err
	}
	return t.lookupRowsIn(ctx, rt, lookup)
}

// lookupRowsIn returns the rows of lookup's ranges in rt (a version of the table).
func (t *Table) lookupRowsIn(ctx *sql.Context, rt repo.Table, lookup sql.IndexLookup) (sql.RowIter, error) {
	m, err := t.db.meta(rt)
	if err != nil {
		return nil, err
	}
	ixs, err := m.indexes()
	if err != nil {
		return nil, err
	}
	var ix *indexMeta
	for _, x := range ixs {
		if x.name == lookup.Index.ID() {
			ix = x
		}
	}
	if ix == nil {
		return nil, sql.ErrIndexNotFound.New(lookup.Index.ID())
	}
	it := &lookupIter{meta: m, ix: ix, rows: rt.Rows(), reverse: lookup.IsReverse}
	// Every tuple fetch decodes is a prolly map's (node bytes, which never change) or a
	// key rowKeyOf built for this row alone, so strings may alias them.
	it.arena.Immutable = true
	if p := t.proj; p != nil {
		if m != t.meta { // another version of the table: resolve the names again
			if p, err = m.project(p.names); err != nil {
				return nil, err
			}
		}
		it.setProjection(p)
	}
	if ix.primary {
		it.scan = rt.Rows()
	} else if mp, ok := rt.Index(ix.name); ok {
		it.scan = mp
	} else {
		return nil, sql.ErrIndexNotFound.New(ix.name)
	}
	if lookup.IsEmptyRange {
		return it, nil
	}
	ranges, ok := lookup.Ranges.(sql.MySQLRangeCollection)
	if !ok {
		return nil, fmt.Errorf("backend: index %q: unsupported lookup ranges %T", ix.name, lookup.Ranges)
	}
	idx := newIndex(t.db.name, m, ix)
	// GMS does not order a lookup's ranges; index order needs them by lower bound (they do
	// not overlap).
	ranges = slices.Clone(ranges)
	var cmpErr error
	slices.SortStableFunc(ranges, func(a, b sql.MySQLRange) int {
		for j := 0; j < len(a) && j < len(b); j++ {
			c, err := a[j].LowerBound.Compare(ctx, b[j].LowerBound, a[j].Typ)
			if err != nil && cmpErr == nil {
				cmpErr = err
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	if cmpErr != nil {
		return nil, cmpErr
	}
	for _, r := range ranges {
		sp, err := newRangeScan(ctx, m, ix, r)
		if err != nil {
			return nil, err
		}
		if sp == nil {
			continue
		}
		if !sp.exact { // an exact scan needs no filter
			if sp.filter, err = expression.NewRangeFilterExpr(ctx, idx.exprs, []sql.MySQLRange{r}); err != nil {
				return nil, err
			}
			// Under a PAD SPACE collation the filter compares as storage orders and as
			// the plan's filters do (padspace.go).
			if sp.filter, _, err = padSpaceExpr(ctx, sp.filter); err != nil {
				return nil, err
			}
		}
		it.scans = append(it.scans, sp)
	}
	if len(it.scans) > 1 && ix.hasPadSpace(m) {
		it.seen = map[string]struct{}{}
	}
	if it.reverse {
		for i, j := 0, len(it.scans)-1; i < j; i, j = i+1, j-1 {
			it.scans[i], it.scans[j] = it.scans[j], it.scans[i]
		}
	}
	return it, nil
}

// boundKind is the kind of one end of a column's interval.
type boundKind uint8

const (
	unbounded boundKind = iota // -inf (lower; NULL included) or +inf (upper)
	afterNull                  // lower: every non-NULL value
	nullOnly                   // upper: NULL only
	value                      // lower or upper: raw, inclusive
)

type bound struct {
	kind boundKind
	raw  []byte // encoded field value (kind value)
}

// rangeScan is one range of a lookup as a scan of an index map: fields [0, pinned) equal
// the pins, field pinned lies in [lo[pinned], hi[pinned]] (these decide where the scan
// starts and ends), later fields are checked per entry.
type rangeScan struct {
	kd     tuple.Desc
	fields []tuple.Field // kd's fields [0, len(lo)), read once
	lo, hi []bound
	pinned int
	filter sql.Expression // the range as GMS's filter on full rows
	// exact: the scan's bounds are the range's, so every entry the scan accepts (pos 0
	// and inTail) is in the range and the filter need not run. True when every cut is
	// closed (or infinite, or about NULL) and its key encodes without loss.
	exact bool
}

// newRangeScan translates r for index ix; nil if the range is empty.
func newRangeScan(ctx *sql.Context, m *tableMeta, ix *indexMeta, r sql.MySQLRange) (*rangeScan, error) {
	if len(r) > len(ix.ext) {
		return nil, fmt.Errorf("backend: index %q: range over %d columns, index has %d", ix.name, len(r), len(ix.ext))
	}
	sp := &rangeScan{kd: ix.kd, lo: make([]bound, len(r)), hi: make([]bound, len(r)), fields: make([]tuple.Field, len(r))}
	for j := range sp.fields {
		sp.fields[j] = ix.kd.Field(j)
	}
	sp.exact = true
	for j, rce := range r {
		col := m.sch.Schema[ix.ext[j]]
		prefix := 0
		if j < len(ix.prefix) {
			prefix = ix.prefix[j]
		}
		// enc encodes a cut's key; closed reports whether the range includes the key
		// itself, which the scan (inclusive at both ends) then matches exactly.
		enc := func(k any, closed bool) bound {
			b, exact := encodeBound(ctx, ix.kd.Field(j), ix.boundDesc[j], col.Type, prefix, k)
			sp.exact = sp.exact && exact && closed
			return b
		}
		switch c := rce.LowerBound.(type) {
		case sql.AboveAll:
			return nil, nil
		case sql.AboveNull:
			sp.lo[j] = bound{kind: afterNull}
		case sql.Below:
			sp.lo[j] = enc(c.Key, true)
		case sql.Above:
			sp.lo[j] = enc(c.Key, false)
		case sql.BelowNull:
		default:
			sp.exact = false
		}
		switch c := rce.UpperBound.(type) {
		case sql.BelowNull:
			return nil, nil
		case sql.AboveNull:
			sp.hi[j] = bound{kind: nullOnly}
		case sql.Below:
			sp.hi[j] = enc(c.Key, false)
		case sql.Above:
			sp.hi[j] = enc(c.Key, true)
		case sql.AboveAll:
		default:
			sp.exact = false
		}
	}
	for sp.pinned < len(r) && sp.isPoint(sp.pinned) {
		sp.pinned++
	}
	return sp, nil
}

// isPoint reports whether column j's interval is a single value (or only NULL).
func (sp *rangeScan) isPoint(j int) bool {
	lo, hi := sp.lo[j], sp.hi[j]
	if lo.kind == unbounded && hi.kind == nullOnly {
		return true
	}
	return lo.kind == value && hi.kind == value && cmpRaw(&sp.fields[j], lo.raw, hi.raw) == 0
}

// encodeBound encodes a range cut's key as field f of a column of type typ (prefix: its
// index prefix length), or returns an unbounded bound when the key cannot stand for the
// column's order (a string for a number column, say) or does not convert. exact reports
// that the encoded value orders exactly as the key does against the column's values (so
// far only for integer keys of integer columns, which convert without loss or not at
// all); otherwise the bound only widens the scan and the range filter decides.
//
// d is the one-field Desc of f made nullable (the zero Desc: built here).
func encodeBound(ctx *sql.Context, f tuple.Field, d tuple.Desc, typ sql.Type, prefix int, k any) (_ bound, exact bool) {
	if k == nil {
		return bound{}, false
	}
	_, isStr := k.(string)
	_, isBytes := k.([]byte)
	switch f.Enc {
	case tuple.StringEnc, tuple.BytesEnc:
		if !isStr && !isBytes {
			return bound{}, false
		}
	case tuple.EnumEnc, tuple.SetEnc, tuple.JSONEnc:
		return bound{}, false
	case tuple.DateEnc, tuple.TimeEnc, tuple.DatetimeEnc, tuple.TimestampEnc:
	default: // numbers, BIT, YEAR
		switch k.(type) {
		case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64, decimal.Decimal, bool:
		default:
			return bound{}, false
		}
	}
	v, inRange, err := typ.Convert(ctx, k)
	if err != nil || inRange != sql.InRange || v == nil {
		return bound{}, false
	}
	v = truncatePrefix(v, prefix, f.Enc)
	if d.Len() != 1 {
		f.Nullable = true
		if d, err = tuple.NewDesc(f); err != nil {
			return bound{}, false
		}
	}
	b := tuple.NewBuilder(d)
	if err := typeconv.PutValue(b, 0, typ, v); err != nil {
		return bound{}, false
	}
	t, err := b.Build()
	if err != nil {
		return bound{}, false
	}
	raw, ok := d.Raw(t, 0)
	if !ok {
		return bound{}, false
	}
	return bound{kind: value, raw: raw}, prefix == 0 && isIntEnc(f.Enc) && isGoInt(k) && sameInt(k, v)
}

func isIntEnc(e tuple.Encoding) bool {
	switch e {
	case tuple.Int8Enc, tuple.Int16Enc, tuple.Int24Enc, tuple.Int32Enc, tuple.Int64Enc,
		tuple.Uint8Enc, tuple.Uint16Enc, tuple.Uint24Enc, tuple.Uint32Enc, tuple.Uint64Enc:
		return true
	}
	return false
}

func isGoInt(k any) bool {
	switch k.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return true
	}
	return false
}

// sameInt reports whether the Go integers a and b are the same number.
func sameInt(a, b any) bool {
	ai, aNeg, ok := intParts(a)
	if !ok {
		return false
	}
	bi, bNeg, ok := intParts(b)
	return ok && ai == bi && aNeg == bNeg
}

// intParts returns the magnitude and sign of a Go integer.
func intParts(v any) (mag uint64, neg bool, ok bool) {
	var i int64
	switch x := v.(type) {
	case int:
		i = int64(x)
	case int8:
		i = int64(x)
	case int16:
		i = int64(x)
	case int32:
		i = int64(x)
	case int64:
		i = x
	case uint:
		return uint64(x), false, true
	case uint8:
		return uint64(x), false, true
	case uint16:
		return uint64(x), false, true
	case uint32:
		return uint64(x), false, true
	case uint64:
		return x, false, true
	default:
		return 0, false, false
	}
	if i < 0 {
		return uint64(-(i + 1)) + 1, true, true
	}
	return uint64(i), false, true
}

// cmpRaw compares two encoded values of field f.
func cmpRaw(f *tuple.Field, a, b []byte) int {
	if f.Collation != nil && !f.Collation.Bytewise() {
		return f.Collation.Compare(a, b)
	}
	return bytes.Compare(a, b)
}

// pos places key relative to the scan's window: -1 before it, +1 after it, 0 inside. It
// is monotone in key order.
func (sp *rangeScan) pos(key []byte) int {
	for j := 0; j < sp.pinned; j++ {
		f, ok := sp.kd.Raw(key, j)
		lo := sp.lo[j]
		if lo.kind != value { // NULL only
			if ok {
				return 1
			}
			continue
		}
		if !ok {
			return -1
		}
		if c := cmpRaw(&sp.fields[j], f, lo.raw); c != 0 {
			return c
		}
	}
	if j := sp.pinned; j < len(sp.lo) {
		f, ok := sp.kd.Raw(key, j)
		switch lo := sp.lo[j]; lo.kind {
		case afterNull:
			if !ok {
				return -1
			}
		case value:
			if !ok || cmpRaw(&sp.fields[j], f, lo.raw) < 0 {
				return -1
			}
		}
		switch hi := sp.hi[j]; hi.kind {
		case nullOnly:
			if ok {
				return 1
			}
		case value:
			if ok && cmpRaw(&sp.fields[j], f, hi.raw) > 0 {
				return 1
			}
		}
	}
	return 0
}

// inTail reports whether the fields after the window's column lie in their intervals.
func (sp *rangeScan) inTail(key []byte) bool {
	for j := sp.pinned + 1; j < len(sp.lo); j++ {
		f, ok := sp.kd.Raw(key, j)
		fd := &sp.fields[j]
		switch lo := sp.lo[j]; lo.kind {
		case afterNull:
			if !ok {
				return false
			}
		case value:
			if !ok || cmpRaw(fd, f, lo.raw) < 0 {
				return false
			}
		}
		switch hi := sp.hi[j]; hi.kind {
		case nullOnly:
			if ok {
				return false
			}
		case value:
			if ok && cmpRaw(fd, f, hi.raw) > 0 {
				return false
			}
		}
	}
	return true
}

// lookupIter streams the rows of a lookup's range scans. Not safe for concurrent use.
type lookupIter struct {
	meta *tableMeta
	ix   *indexMeta
	// With a projection, only the columns need (the projected ones and the index's, which
	// the range filters read) are decoded, at their schema ordinals; covering means they
	// are all whole values in the index key (field coverField[i] holds column need[i]), so
	// a secondary index's entries give the rows without reading the row map.
	proj       *projection
	need       []int
	covering   bool
	coverField []int
	rows       prolly.Map // the row map
	scan       prolly.Map // the map scanned: rows (PRIMARY) or the index's
	reverse    bool
	scans      []*rangeScan
	cur        *prolly.Iter
	sp         *rangeScan
	pending    sql.Row // keyless: the row being repeated
	repeat     uint64
	// seen holds the index entries returned, when several ranges over a PAD SPACE column
	// may overlap in storage (padspace_lookup.go); nil otherwise.
	seen map[string]struct{}
	// arena holds the memory of the rows returned (typeconv.Arena): one per scan.
	arena typeconv.Arena
}

func (it *lookupIter) Next(ctx *sql.Context) (sql.Row, error) {
	if it.repeat > 0 {
		it.repeat--
		return it.pending.Copy(), nil
	}
	for {
		if it.cur == nil {
			if len(it.scans) == 0 {
				return nil, io.EOF
			}
			it.sp, it.scans = it.scans[0], it.scans[1:]
			sp := it.sp
			var err error
			if it.reverse {
				it.cur, err = it.scan.IterBackFrom(ctx, func(k []byte) bool { return sp.pos(k) > 0 })
			} else {
				it.cur, err = it.scan.IterFrom(ctx, func(k []byte) bool { return sp.pos(k) < 0 })
			}
			if err != nil {
				return nil, err
			}
		}
		k, v, err := it.cur.Next(ctx)
		if err == io.EOF {
			it.cur = nil
			continue
		}
		if err != nil {
			return nil, err
		}
		p := it.sp.pos(k)
		if (p > 0 && !it.reverse) || (p < 0 && it.reverse) {
			it.cur = nil
			continue
		}
		if p != 0 || !it.sp.inTail(k) {
			continue
		}
		if it.seen != nil {
			if _, dup := it.seen[string(k)]; dup {
				continue
			}
		}
		// With an exact range and a projection, no filter reads the row: fetch decodes
		// the projected columns straight into the row returned (no whole-schema row).
		direct := it.sp.exact && it.proj != nil && !it.meta.keyless
		row, n, err := it.fetch(ctx, k, v, direct)
		if err != nil {
			return nil, err
		}
		if row == nil {
			continue
		}
		if !it.sp.exact {
			ok, err := sql.EvaluateCondition(ctx, it.sp.filter, row)
			if err != nil {
				return nil, err
			}
			if !sql.IsTrue(ok) {
				continue
			}
		}
		if it.seen != nil {
			it.seen[string(k)] = struct{}{}
		}
		if !direct {
			row = it.proj.projectRow(row)
		}
		if n > 1 {
			it.pending, it.repeat = row, n-1
		}
		return row, nil
	}
}

// setProjection makes the iterator decode only what projection p and the range filters
// need, from the index entries alone if the index covers it.
func (it *lookupIter) setProjection(p *projection) {
	m, ix := it.meta, it.ix
	it.proj = p
	it.need = slices.Clone(p.cols)
	for _, o := range ix.ext {
		if !slices.Contains(it.need, o) {
			it.need = append(it.need, o)
		}
	}
	if ix.primary || m.keyless {
		return
	}
	it.coverField = make([]int, len(it.need))
	for i, o := range it.need {
		j := slices.Index(ix.ext, o)
		if j < 0 || (j < len(ix.prefix) && ix.prefix[j] > 0) {
			return
		}
		enc, err := typeconv.Encoding(m.sch.Schema[o].Type)
		if err != nil || ix.kd.Field(j).Enc != enc {
			return
		}
		it.coverField[i] = j
	}
	it.covering = true
}

// fetch returns the row of entry (k, v) of the scanned map and its number of copies:
// with a projection, a row of the whole schema holding the columns it.need, or, if
// direct (a projection, and the table has a primary key), the projected row itself.
func (it *lookupIter) fetch(ctx *sql.Context, k, v []byte, direct bool) (sql.Row, uint64, error) {
	m := it.meta
	if it.covering {
		cols, width := it.need, len(m.sch.Schema)
		if direct {
			// need starts with the projected columns (setProjection).
			cols, width = it.need[:len(it.proj.cols)], len(it.proj.cols)
		}
		row := it.arena.Row(width)
		for i, o := range cols {
			val, err := typeconv.GetValueIn(&it.arena, it.ix.kd, k, it.coverField[i], m.sch.Schema[o].Type)
			if err != nil {
				return nil, 0, fmt.Errorf("backend: table %q index %q column %q: %w", m.name, it.ix.name, m.sch.Schema[o].Name, err)
			}
			if direct {
				row[i] = val
			} else {
				row[o] = val
			}
		}
		return row, 1, nil
	}
	if !it.ix.primary {
		rk, err := m.rowKeyOf(it.ix, k)
		if err != nil {
			return nil, 0, err
		}
		rv, ok, err := it.rows.Get(ctx, rk)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			return nil, 0, fmt.Errorf("backend: table %q index %q: entry points at a missing row", m.name, it.ix.name)
		}
		k, v = rk, rv
	}
	if m.keyless {
		return m.decodeKeyless(v)
	}
	if direct {
		row, err := m.codec.DecodeColumnsIn(&it.arena, k, v, it.proj.cols, false)
		return row, 1, err
	}
	if it.proj != nil {
		row, err := m.codec.DecodeColumnsIn(&it.arena, k, v, it.need, true)
		return row, 1, err
	}
	row, err := m.codec.DecodeIn(&it.arena, k, v)
	return row, 1, err
}

func (it *lookupIter) Close(*sql.Context) error { return nil }
