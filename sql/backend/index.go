package backend

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/types"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// primaryName is the name GMS and MySQL give the primary-key index.
const primaryName = "PRIMARY"

// indexMeta is the SQL view of one index of a table schema: the PRIMARY key of the row
// map or a secondary index (repo.Schema.Indexes[pos]). It is immutable and shared by every
// Table value of that schema.
//
// A secondary index's map has key IndexKeyDesc(pos): the index columns (prefix-truncated
// for prefix indexes), then the primary-key columns not in the index (or, for a keyless
// table, the row hash), and empty values.
type indexMeta struct {
	name    string
	primary bool
	pos     int // position in repo.Schema.Indexes (secondary)
	unique  bool
	comment string
	cols    []int // table ordinals of the index columns, in index order
	prefix  []int // prefix length per index column (0: the whole value)
	// ext are the table ordinals of every key field that is a column: cols, then the
	// primary-key columns not in cols (ExtendedExpressions order). Keyless tables: cols.
	ext []int
	// pkField[k] is the key field holding primary-key column k (PK order); keyless
	// tables: one entry, the field holding the row hash.
	pkField []int
	kd      tuple.Desc
	// boundDesc[j] is the one-field Desc (nullable) of key field j that range bounds are
	// encoded with; the zero Desc if it cannot be built.
	boundDesc []tuple.Desc
}

// setBoundDescs fills ix.boundDesc from ix.kd.
func (ix *indexMeta) setBoundDescs() {
	ix.boundDesc = make([]tuple.Desc, ix.kd.Len())
	for j := range ix.boundDesc {
		f := ix.kd.Field(j)
		f.Nullable = true
		if d, err := tuple.NewDesc(f); err == nil {
			ix.boundDesc[j] = d
		}
	}
}

// hasPrefix reports whether any index column is prefix-truncated.
func (ix *indexMeta) hasPrefix() bool {
	return slices.ContainsFunc(ix.prefix, func(p int) bool { return p > 0 })
}

// newIndexMetas returns the PRIMARY index (tables with a primary key) and every secondary
// index of rs, in that order.
func newIndexMetas(m *tableMeta) ([]*indexMeta, error) {
	rs := m.rsch
	var out []*indexMeta
	if !m.keyless {
		pk := &indexMeta{name: primaryName, primary: true, unique: true, cols: slices.Clone(rs.PrimaryKey),
			prefix: make([]int, len(rs.PrimaryKey)), ext: slices.Clone(rs.PrimaryKey), kd: m.codec.KeyDesc()}
		for k := range rs.PrimaryKey {
			pk.pkField = append(pk.pkField, k)
		}
		pk.setBoundDescs()
		out = append(out, pk)
	}
	for i, ix := range rs.Indexes {
		kd, err := rs.IndexKeyDesc(i)
		if err != nil {
			return nil, err
		}
		im := &indexMeta{name: ix.Name, pos: i, unique: ix.Unique, comment: ix.Comment, kd: kd}
		for _, ic := range ix.Columns {
			o := rs.Column(ic.Name)
			if o < 0 {
				return nil, fmt.Errorf("backend: table %q index %q: no column %q", rs.Name, ix.Name, ic.Name)
			}
			im.cols = append(im.cols, o)
			im.prefix = append(im.prefix, ic.Prefix)
		}
		im.ext = slices.Clone(im.cols)
		if m.keyless {
			im.pkField = []int{len(im.cols)}
		} else {
			for _, o := range rs.PrimaryKey {
				if j := slices.Index(im.cols, o); j >= 0 {
					im.pkField = append(im.pkField, j)
					continue
				}
				im.pkField = append(im.pkField, len(im.ext))
				im.ext = append(im.ext, o)
			}
		}
		im.setBoundDescs()
		out = append(out, im)
	}
	return out, nil
}

// truncatePrefix cuts v to n characters (strings) or bytes (binary values).
func truncatePrefix(v any, n int, enc tuple.Encoding) any {
	if n <= 0 || v == nil {
		return v
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
		i, k := 0, 0
		for i < len(x) && k < n {
			_, w := utf8.DecodeRuneInString(x[i:])
			i += w
			k++
		}
		return x[:i]
	case []byte:
		if enc == tuple.StringEnc && utf8.RuneCount(x) > n {
			i, k := 0, 0
			for i < len(x) && k < n {
				_, w := utf8.DecodeRune(x[i:])
				i += w
				k++
			}
			return x[:i]
		}
		if len(x) > n {
			return x[:n]
		}
	}
	return v
}

// indexKey returns the key of row's entry in secondary index ix; rowKey is the row's
// key in the row map (used for keyless tables' row hash).
func (m *tableMeta) indexKey(ix *indexMeta, row sql.Row, rowKey []byte) ([]byte, error) {
	b := tuple.NewBuilder(ix.kd)
	for j, o := range ix.ext {
		v := row[o]
		if j < len(ix.cols) {
			v = truncatePrefix(v, ix.prefix[j], ix.kd.Field(j).Enc)
		}
		if err := typeconv.PutValue(b, j, m.sch.Schema[o].Type, v); err != nil {
			return nil, fmt.Errorf("index %q column %q: %w", ix.name, m.sch.Schema[o].Name, err)
		}
	}
	if m.keyless {
		h, ok := m.rowKeyDesc().GetBytes(rowKey, 0)
		if !ok {
			return nil, fmt.Errorf("backend: table %q: keyless row key without a hash", m.name)
		}
		b.PutBytes(len(ix.cols), h)
	}
	return b.Build()
}

// rowKeyDesc is the key descriptor of the row map.
func (m *tableMeta) rowKeyDesc() tuple.Desc {
	if m.keyless {
		d, _ := repo.Schema{}.KeyDesc() // keyless: one Bytes field
		return d
	}
	return m.codec.KeyDesc()
}

// rowKeyOf returns the row-map key of the row an entry of index ix points at.
func (m *tableMeta) rowKeyOf(ix *indexMeta, key []byte) ([]byte, error) {
	if ix.primary {
		return key, nil
	}
	if m.keyless {
		h, ok := ix.kd.GetBytes(key, ix.pkField[0])
		if !ok {
			return nil, fmt.Errorf("backend: table %q index %q: entry without a row hash", m.name, ix.name)
		}
		b := tuple.NewBuilder(m.rowKeyDesc())
		b.PutBytes(0, h)
		return b.Build()
	}
	b := tuple.NewBuilder(m.codec.KeyDesc())
	for k, o := range m.sch.PkOrdinals {
		typ := m.sch.Schema[o].Type
		v, err := typeconv.GetValue(ix.kd, key, ix.pkField[k], typ)
		if err != nil {
			return nil, err
		}
		if err := typeconv.PutValue(b, k, typ, v); err != nil {
			return nil, err
		}
	}
	return b.Build()
}

// rowKey returns the row-map key of a row (keyless: its hash key).
func (m *tableMeta) rowKey(row sql.Row) ([]byte, error) {
	if m.keyless {
		k, _, err := m.encodeKeyless(row, 1)
		return k, err
	}
	k, _, err := m.encodePK(row)
	return k, err
}

// Index is a sql.Index of a Table: PRIMARY or a secondary index. It is immutable.
type Index struct {
	db, table string
	meta      *tableMeta
	ix        *indexMeta
	exprs     []sql.Expression // GetField per ext column, at table ordinals
}

var (
	_ sql.Index         = (*Index)(nil)
	_ sql.OrderedIndex  = (*Index)(nil)
	_ sql.ExtendedIndex = (*Index)(nil)
)

func newIndex(db string, m *tableMeta, ix *indexMeta) *Index {
	idx := &Index{db: db, table: m.name, meta: m, ix: ix}
	for _, o := range ix.ext {
		c := m.sch.Schema[o]
		idx.exprs = append(idx.exprs, expression.NewGetFieldWithTable(o, 0, c.Type, db, m.name, c.Name, c.Nullable))
	}
	return idx
}

// ID implements sql.Index.
func (i *Index) ID() string { return i.ix.name }

// Database implements sql.Index.
func (i *Index) Database() string { return i.db }

// Table implements sql.Index.
func (i *Index) Table() string { return i.table }

// Expressions implements sql.Index: "table.column" per index column.
func (i *Index) Expressions() []string {
	out := make([]string, len(i.ix.cols))
	for j := range i.ix.cols {
		out[j] = i.exprs[j].String()
	}
	return out
}

// ExtendedExpressions implements sql.ExtendedIndex.
func (i *Index) ExtendedExpressions(*sql.Context) []string {
	out := make([]string, len(i.exprs))
	for j, e := range i.exprs {
		out[j] = e.String()
	}
	return out
}

// IsUnique implements sql.Index.
func (i *Index) IsUnique() bool { return i.ix.unique }

// IsSpatial implements sql.Index.
func (i *Index) IsSpatial() bool { return false }

// IsFullText implements sql.Index.
func (i *Index) IsFullText() bool { return false }

// IsVector implements sql.Index.
func (i *Index) IsVector() bool { return false }

// Comment implements sql.Index.
func (i *Index) Comment() string { return i.ix.comment }

// IndexType implements sql.Index.
func (i *Index) IndexType() string { return "BTREE" }

// IsGenerated implements sql.Index.
func (i *Index) IsGenerated() bool { return false }

// ColumnExpressionTypes implements sql.Index.
func (i *Index) ColumnExpressionTypes(ctx *sql.Context) []sql.ColumnExpressionType {
	return i.cets(ctx, len(i.ix.cols))
}

// ExtendedColumnExpressionTypes implements sql.ExtendedIndex.
func (i *Index) ExtendedColumnExpressionTypes(ctx *sql.Context) []sql.ColumnExpressionType {
	return i.cets(ctx, len(i.exprs))
}

func (i *Index) cets(ctx *sql.Context, n int) []sql.ColumnExpressionType {
	out := make([]sql.ColumnExpressionType, n)
	for j := 0; j < n; j++ {
		out[j] = sql.ColumnExpressionType{Expression: i.exprs[j].String(), Type: i.exprs[j].Type(ctx)}
	}
	return out
}

// CanSupport implements sql.Index: every MySQL range.
func (i *Index) CanSupport(_ *sql.Context, ranges ...sql.Range) bool {
	for _, r := range ranges {
		if _, ok := r.(sql.MySQLRange); !ok {
			return false
		}
	}
	return true
}

// CanSupportOrderBy implements sql.Index (vector distance ordering: no).
func (i *Index) CanSupportOrderBy(sql.Expression) bool { return false }

// CoversColumns implements sql.Index.
func (i *Index) CoversColumns(cols []string) bool {
	for _, c := range cols {
		found := false
		for j := range i.ix.cols {
			if strings.EqualFold(c, i.meta.sch.Schema[i.ix.cols[j]].Name) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// PrefixLengths implements sql.Index: nil unless a column is prefix-truncated.
func (i *Index) PrefixLengths() []uint16 {
	if !i.ix.hasPrefix() {
		return nil
	}
	out := make([]uint16, len(i.ix.prefix))
	for j, p := range i.ix.prefix {
		out[j] = uint16(p)
	}
	return out
}

// Order implements sql.OrderedIndex: entries are in ascending key order, except that
// an index with a prefix-truncated column orders only by the prefix ('abz' and 'aba'
// share the entry key 'ab'), so it offers no order to the planner: ORDER BY on such a
// column must sort rather than read the index in order.
//
// A unique index over a whole TEXT or BLOB column (no prefix length, which MySQL refuses
// and MariaDB accepts as a "long unique" key, a hash of the values) offers no order
// either, as in MariaDB and GMS's own engines: dsql's entry keys would give the order,
// but plans stay those of the engines such a schema comes from.
func (i *Index) Order(*sql.Context) sql.IndexOrder {
	if i.ix.hasPrefix() || i.hashedUnique() {
		return sql.IndexOrderNone
	}
	return sql.IndexOrderAsc
}

// Reversible implements sql.OrderedIndex: false when Order offers no order.
func (i *Index) Reversible(ctx *sql.Context) bool { return i.Order(ctx) != sql.IndexOrderNone }

// hashedUnique reports whether i is a unique secondary index with a whole TEXT or BLOB
// column.
func (i *Index) hashedUnique() bool {
	if !i.ix.unique || i.ix.primary {
		return false
	}
	for j, o := range i.ix.cols {
		if i.ix.prefix[j] == 0 && types.IsTextBlob(i.meta.sch.Schema[o].Type) {
			return true
		}
	}
	return false
}

var (
	_ sql.IndexAddressableTable = (*Table)(nil)
	_ sql.IndexAlterableTable   = (*Table)(nil)
)

// GetIndexes implements sql.IndexAddressable: PRIMARY (if the table has a primary key),
// then the secondary indexes sorted by name, as the session's transaction sees the table
// now (so an index created through this Table value is listed at once).
func (t *Table) GetIndexes(ctx *sql.Context) ([]sql.Index, error) {
	m := t.meta
	if _, _, rt, err := t.current(ctx); err == nil {
		if cm, err := t.db.meta(rt); err == nil {
			m = cm
		}
	}
	ixs, err := m.indexes()
	if err != nil {
		return nil, err
	}
	out := make([]sql.Index, 0, len(ixs))
	for _, ix := range ixs {
		out = append(out, newIndex(t.db.name, m, ix))
	}
	sort.SliceStable(out, func(a, b int) bool {
		pa, pb := out[a].ID() == primaryName, out[b].ID() == primaryName
		if pa != pb {
			return pa
		}
		return strings.ToLower(out[a].ID()) < strings.ToLower(out[b].ID())
	})
	return out, nil
}

// PreciseMatch implements sql.IndexAddressable: lookups return exactly the rows of their
// ranges (each row is checked against its range), so GMS may drop the filters a lookup
// covers. (GMS keeps them anyway for prefix indexes.)
func (t *Table) PreciseMatch() bool { return true }

// CreateIndex implements sql.IndexAlterableTable: the index is added to the schema and
// its map built from the table's rows (sorted in memory, written with prolly.Builder).
// A unique index over rows that violate it fails with sql.NewUniqueKeyErr.
func (t *Table) CreateIndex(ctx *sql.Context, def sql.IndexDef) error {
	if def.IsPrimary() {
		return sql.ErrUnsupportedFeature.New("adding a primary key to an existing table")
	}
	if def.IsFullText() || def.IsSpatial() || def.IsVector() {
		return sql.ErrUnsupportedFeature.New("FULLTEXT, SPATIAL and VECTOR indexes")
	}
	if def.Predicate != nil {
		return sql.ErrUnsupportedFeature.New("partial indexes")
	}
	s, root, rt, err := t.current(ctx)
	if err != nil {
		return err
	}
	rs := rt.Schema().Clone()
	if rs.Index(def.Name) >= 0 || strings.EqualFold(def.Name, primaryName) {
		return sql.ErrDuplicateKey.New(def.Name)
	}
	ix := repo.Index{Name: def.Name, Unique: def.IsUnique(), Comment: def.Comment}
	for _, c := range def.Columns {
		if c.Expression != nil || c.Name == "" {
			return sql.ErrUnsupportedFeature.New("functional index expressions")
		}
		o := rs.Column(c.Name)
		if o < 0 {
			return sql.ErrKeyColumnDoesNotExist.New(c.Name)
		}
		ix.Columns = append(ix.Columns, repo.IndexColumn{Name: rs.Columns[o].Name, Prefix: int(c.Length)})
	}
	rs.Indexes = append(rs.Indexes, ix)
	nt, err := rt.WithSchema(ctx, rs)
	if err != nil {
		return err
	}
	m, err := t.db.meta(nt)
	if err != nil {
		return err
	}
	ixs, err := m.indexes()
	if err != nil {
		return err
	}
	im := ixs[len(ixs)-1]
	built, err := buildIndex(ctx, m, im, nt.Rows())
	if err != nil {
		return err
	}
	if nt, err = nt.WithIndex(ctx, im.name, built); err != nil {
		return err
	}
	if root, err = root.PutTable(ctx, nt); err != nil {
		return err
	}
	return s.SetWorkingRoot(ctx, t.db, root)
}

// buildIndex builds the map of secondary index ix from rows: every entry is computed,
// sorted in memory, checked for unique violations and streamed into a prolly.Builder.
func buildIndex(ctx *sql.Context, m *tableMeta, ix *indexMeta, rows prolly.Map) (prolly.Map, error) {
	it, err := rows.Iter(ctx, prolly.All)
	if err != nil {
		return prolly.Map{}, err
	}
	var keys [][]byte
	for {
		k, v, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return prolly.Map{}, err
		}
		row, err := m.decodeStored(k, v)
		if err != nil {
			return prolly.Map{}, err
		}
		ik, err := m.indexKey(ix, row, k)
		if err != nil {
			return prolly.Map{}, err
		}
		keys = append(keys, ik)
	}
	cmp := ix.kd.Compare
	slices.SortFunc(keys, func(a, b []byte) int { return cmp(a, b) })
	n := len(ix.cols)
	b := prolly.NewBuilder(rows.NodeStore(), cmp)
	for i, k := range keys {
		if i > 0 && ix.unique && !nullInPrefix(ix.kd, k, n) && comparePrefix(ix.kd, keys[i-1], k, n) == 0 {
			existing, err := fetchRow(ctx, m, ix, rows, keys[i-1])
			if err != nil {
				return prolly.Map{}, err
			}
			row, err := fetchRow(ctx, m, ix, rows, k)
			if err != nil {
				return prolly.Map{}, err
			}
			return prolly.Map{}, dupKeyErr(ctx, m, ix, row, existing)
		}
		if i > 0 && cmp(keys[i-1], k) == 0 {
			continue
		}
		if err := b.Add(ctx, k, nil); err != nil {
			return prolly.Map{}, err
		}
	}
	return b.Finish(ctx)
}

// decodeStored decodes a row-map entry into a row (keyless: one copy).
func (m *tableMeta) decodeStored(k, v []byte) (sql.Row, error) {
	if m.keyless {
		row, _, err := m.decodeKeyless(v)
		return row, err
	}
	return m.codec.Decode(k, v, nil)
}

// fetchRow returns the row an entry of index ix points at.
func fetchRow(ctx context.Context, m *tableMeta, ix *indexMeta, rows prolly.Map, key []byte) (sql.Row, error) {
	rk, err := m.rowKeyOf(ix, key)
	if err != nil {
		return nil, err
	}
	v, ok, err := rows.Get(ctx, rk)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("backend: table %q index %q: entry points at a missing row", m.name, ix.name)
	}
	return m.decodeStored(rk, v)
}

// formatKey formats the index columns of row as GMS's duplicate-key errors show them.
func formatKey(row sql.Row, cols []int) string {
	var b strings.Builder
	b.WriteString("[")
	for i, o := range cols {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%v", row[o])
	}
	b.WriteString("]")
	return b.String()
}

// nullInPrefix reports whether any of the first n fields of k is NULL (NULLs never
// collide in a unique index).
func nullInPrefix(d tuple.Desc, k []byte, n int) bool {
	for j := 0; j < n; j++ {
		if d.IsNull(k, j) {
			return true
		}
	}
	return false
}

// comparePrefix compares the first n fields of a and b.
func comparePrefix(d tuple.Desc, a, b []byte, n int) int {
	for j := 0; j < n; j++ {
		if c := d.CompareField(j, a, b); c != 0 {
			return c
		}
	}
	return 0
}

// DropIndex implements sql.IndexAlterableTable.
func (t *Table) DropIndex(ctx *sql.Context, name string) error {
	if strings.EqualFold(name, primaryName) {
		return sql.ErrUnsupportedFeature.New("dropping the primary key")
	}
	s, root, rt, err := t.current(ctx)
	if err != nil {
		return err
	}
	rs := rt.Schema().Clone()
	i := rs.Index(name)
	if i < 0 {
		return sql.ErrIndexNotFound.New(name)
	}
	rs.Indexes = slices.Delete(rs.Indexes, i, i+1)
	nt, err := rt.WithSchema(ctx, rs)
	if err != nil {
		return err
	}
	if root, err = root.PutTable(ctx, nt); err != nil {
		return err
	}
	return s.SetWorkingRoot(ctx, t.db, root)
}

// RenameIndex implements sql.IndexAlterableTable (the index map is kept).
func (t *Table) RenameIndex(ctx *sql.Context, from, to string) error {
	s, root, rt, err := t.current(ctx)
	if err != nil {
		return err
	}
	rs := rt.Schema().Clone()
	i := rs.Index(from)
	if i < 0 {
		return sql.ErrIndexNotFound.New(from)
	}
	if j := rs.Index(to); (j >= 0 && j != i) || strings.EqualFold(to, primaryName) {
		return sql.ErrDuplicateKey.New(to)
	}
	old, _ := rt.Index(from)
	rs.Indexes[i].Name = to
	nt, err := rt.WithSchema(ctx, rs)
	if err != nil {
		return err
	}
	if nt, err = nt.WithIndex(ctx, to, old); err != nil {
		return err
	}
	if root, err = root.PutTable(ctx, nt); err != nil {
		return err
	}
	return s.SetWorkingRoot(ctx, t.db, root)
}

// indexCache computes a tableMeta's indexes once.
type indexCache struct {
	once sync.Once
	ixs  []*indexMeta
	err  error
}

// indexes returns the PRIMARY index (if any) and the secondary indexes of m's schema.
func (m *tableMeta) indexes() ([]*indexMeta, error) {
	m.ix.once.Do(func() { m.ix.ixs, m.ix.err = newIndexMetas(m) })
	return m.ix.ixs, m.ix.err
}
