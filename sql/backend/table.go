package backend

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// Table is one table of a Database as a GMS table. The value holds only the table's name
// and schema; rows are always read from the session's current root, so a Table never
// serves stale data within its transaction. If the table's columns have changed since the
// value was made, a scan still gives the value's columns, found by name (staleLayout).
//
// A Table is immutable and safe for concurrent use; the editors and iterators it returns
// belong to one statement of one session.
type Table struct {
	db   *Database
	meta *tableMeta
	proj *projection // the columns GMS asked for (WithProjections); nil: all
	// alter: set while this Table's scan feeds GMS's rewrite of a MODIFY COLUMN whose
	// values convert by their MySQL forms (altertemporal.go); nil otherwise.
	alter *alterConversion
}

// projection is the subset of a table's columns that its rows carry
// (sql.ProjectedTable): GMS prunes the columns a query does not use, so scans decode
// fewer values and an index lookup whose columns are all in the index reads no rows.
type projection struct {
	names []string   // as GMS gave them
	cols  []int      // schema ordinals, in projection order
	sch   sql.Schema // the projected schema
}

var (
	_ sql.Table              = (*Table)(nil)
	_ sql.PrimaryKeyTable    = (*Table)(nil)
	_ sql.CommentedTable     = (*Table)(nil)
	_ sql.TargetRowSizeTable = (*Table)(nil)
	_ sql.InsertableTable    = (*Table)(nil)
	_ sql.UpdatableTable     = (*Table)(nil)
	_ sql.DeletableTable     = (*Table)(nil)
	_ sql.ReplaceableTable   = (*Table)(nil)
	_ sql.TruncateableTable  = (*Table)(nil)
	_ sql.AutoIncrementTable = (*Table)(nil)
	_ sql.StatisticsTable    = (*Table)(nil)
	_ sql.ProjectedTable     = (*Table)(nil)
)

// Name implements sql.Nameable.
func (t *Table) Name() string { return t.meta.name }

// String implements fmt.Stringer.
func (t *Table) String() string { return t.meta.name }

// Schema implements sql.Table: the projected columns if the table has a projection.
func (t *Table) Schema(*sql.Context) sql.Schema {
	if t.proj != nil {
		return t.proj.sch
	}
	return t.meta.sch.Schema
}

// WithProjections implements sql.ProjectedTable: a Table whose rows hold only the named
// columns, in that order (none: rows of no columns).
func (t *Table) WithProjections(_ *sql.Context, names []string) (sql.Table, error) {
	nt := *t
	p, err := t.meta.project(names)
	if err != nil {
		return nil, err
	}
	nt.proj = p
	return &nt, nil
}

// Projections implements sql.ProjectedTable.
func (t *Table) Projections() []string {
	if t.proj == nil {
		return nil
	}
	return t.proj.names
}

// project resolves projected column names (nil: no projection).
func (m *tableMeta) project(names []string) (*projection, error) {
	if names == nil {
		return nil, nil
	}
	p := &projection{names: slices.Clone(names), cols: make([]int, len(names)), sch: make(sql.Schema, len(names))}
	for i, n := range names {
		o := m.sch.Schema.IndexOfColName(n)
		if o < 0 {
			return nil, sql.ErrTableColumnNotFound.New(m.name, n)
		}
		p.cols[i], p.sch[i] = o, m.sch.Schema[o]
	}
	return p, nil
}

// projectRow returns the projected values of row, a row of the whole schema (p nil: row).
func (p *projection) projectRow(row sql.Row) sql.Row {
	if p == nil {
		return row
	}
	out := make(sql.Row, len(p.cols))
	for i, o := range p.cols {
		out[i] = row[o]
	}
	return out
}

// PrimaryKeySchema implements sql.PrimaryKeyTable.
func (t *Table) PrimaryKeySchema(*sql.Context) sql.PrimaryKeySchema { return t.meta.sch }

// Collation implements sql.Table.
func (t *Table) Collation() sql.CollationID { return t.meta.collation }

// Comment implements sql.CommentedTable.
func (t *Table) Comment() string { return t.meta.rsch.Comment }

// HasTargetRowSize implements sql.TargetRowSizeTable: whether the table was created with
// TARGET_ROW_SIZE (SHOW CREATE TABLE then shows it).
func (t *Table) HasTargetRowSize() bool { return t.meta.rsch.TargetRowSize != 0 }

// GetTargetRowSize implements sql.TargetRowSizeTable.
func (t *Table) GetTargetRowSize() uint64 { return t.meta.rsch.TargetRowSize }

// current returns the table as the session's transaction sees it now.
func (t *Table) current(ctx *sql.Context) (Session, repo.Root, repo.Table, error) {
	s, root, err := t.db.root(ctx)
	if err != nil {
		return nil, repo.Root{}, repo.Table{}, err
	}
	rt, ok, err := tables.get(ctx, root, t.meta.name)
	if err != nil {
		return nil, repo.Root{}, repo.Table{}, err
	}
	if !ok {
		return nil, repo.Root{}, repo.Table{}, sql.ErrTableNotFound.New(t.meta.name)
	}
	return s, root, rt, nil
}

// RowCount implements sql.StatisticsTable (exact for tables with a primary key; the
// number of distinct rows for keyless tables).
func (t *Table) RowCount(ctx *sql.Context) (uint64, bool, error) {
	_, _, rt, err := t.current(ctx)
	if err != nil {
		return 0, false, err
	}
	return rt.Rows().Count(), !t.meta.keyless, nil
}

// DataLength implements sql.StatisticsTable (an estimate).
func (t *Table) DataLength(ctx *sql.Context) (uint64, error) {
	n, _, err := t.RowCount(ctx)
	return n * 64, err
}

// partition is the whole table as the session saw it when GMS asked for the partitions
// (when it built the scan: a cursor reads the rows of its OPEN, not of its first FETCH).
type partition struct{ rt *repo.Table }

func (partition) Key() []byte { return []byte("all") }

// Partitions implements sql.Table: one partition, the whole row map as of now.
func (t *Table) Partitions(ctx *sql.Context) (sql.PartitionIter, error) {
	_, _, rt, err := t.current(ctx)
	if err != nil {
		return nil, err
	}
	return sql.PartitionsToPartitionIter(partition{rt: &rt}), nil
}

// PartitionRows implements sql.Table: a streaming scan of the row map in key order.
func (t *Table) PartitionRows(ctx *sql.Context, p sql.Partition) (sql.RowIter, error) {
	var rt repo.Table
	if pp, ok := p.(partition); ok && pp.rt != nil {
		rt = *pp.rt
	} else {
		_, _, cur, err := t.current(ctx)
		if err != nil {
			return nil, err
		}
		rt = cur
	}
	it, err := rt.Rows().Iter(ctx, prolly.All)
	if err != nil {
		return nil, err
	}
	r := &rowIter{meta: t.meta, proj: t.proj, it: it}
	r.arena.Immutable = true // the map's tuples are node bytes, which never change
	if cm, err := t.db.meta(rt); err != nil {
		return nil, err
	} else if cm != t.meta && !sameRowLayout(cm.rsch, t.meta.rsch) {
		r.meta, r.proj, r.remap = cm, nil, t.staleLayout(cm)
	}
	if t.alter != nil && t.proj == nil {
		return &alterConvIter{RowIter: r, c: t.alter}, nil
	}
	return r, nil
}

// staleLayout returns, for a Table value whose table's columns have changed since it was
// resolved (cur is the table as stored now), the ordinal in cur of each column its rows
// are to carry (-1: the column is gone; NULL).
//
// Within one statement GMS reads a table through the value it resolved before the
// statement's earlier clauses altered it: ALTER TABLE checks a new CHECK constraint on the
// existing rows through the table resolved when the statement was planned, with the
// check bound to that table's columns plus, for a column's inline check (ADD COLUMN k INT
// CHECK (k > 0)), the new column after them. Such a read therefore gives the columns of
// the resolved table (its projection, if any), found by name in the rows as they are now,
// and, without a projection, the columns added since after them. Decoding the new rows
// with the old codec would misread them; giving them in the new order would shift a check
// bound to the old order onto the wrong columns.
func (t *Table) staleLayout(cur *tableMeta) []int {
	sch := t.meta.sch.Schema
	if t.proj != nil {
		sch = t.proj.sch
	}
	used := make([]bool, len(cur.sch.Schema))
	out := make([]int, 0, len(cur.sch.Schema))
	for _, c := range sch {
		o := cur.sch.Schema.IndexOfColName(c.Name)
		if o >= 0 {
			used[o] = true
		}
		out = append(out, o)
	}
	if t.proj == nil {
		for o, u := range used {
			if !u {
				out = append(out, o)
			}
		}
	}
	return out
}

// sameRowLayout reports whether rows of schemas a and b decode alike: the same columns
// (names, types, order) and primary key. Metadata (comments, checks, indexes, options)
// may differ.
func sameRowLayout(a, b repo.Schema) bool {
	if len(a.Columns) != len(b.Columns) || !slices.Equal(a.PrimaryKey, b.PrimaryKey) {
		return false
	}
	for i := range a.Columns {
		ca, cb := a.Columns[i], b.Columns[i]
		if ca.Name != cb.Name || ca.SQLType != cb.SQLType || ca.Type != cb.Type || ca.Generated != cb.Generated || ca.GeneratedStored != cb.GeneratedStored {
			return false
		}
	}
	return true
}

// rowIter streams rows of a prolly Iter. Not safe for concurrent use.
type rowIter struct {
	meta    *tableMeta
	proj    *projection
	remap   []int // a stale Table's layout (staleLayout); nil: meta's rows as they are
	it      *prolly.Iter
	pending sql.Row // keyless: the row being repeated
	repeat  uint64
	arena   typeconv.Arena // the memory of the rows returned
}

func (r *rowIter) Next(ctx *sql.Context) (sql.Row, error) {
	if r.repeat > 0 {
		r.repeat--
		return r.pending.Copy(), nil
	}
	k, v, err := r.it.Next(ctx)
	if err != nil {
		return nil, err // io.EOF included
	}
	if !r.meta.keyless {
		if r.proj != nil {
			return r.meta.codec.DecodeColumnsIn(&r.arena, k, v, r.proj.cols, false)
		}
		row, err := r.meta.codec.DecodeIn(&r.arena, k, v)
		if err != nil || r.remap == nil {
			return row, err
		}
		return remapRow(row, r.remap), nil
	}
	row, n, err := r.meta.decodeKeyless(v)
	if err != nil {
		return nil, err
	}
	if r.remap != nil {
		row = remapRow(row, r.remap)
	} else {
		row = r.proj.projectRow(row)
	}
	if n > 1 {
		r.pending, r.repeat = row, n-1
	}
	return row, nil
}

func remapRow(row sql.Row, remap []int) sql.Row {
	out := make(sql.Row, len(remap))
	for i, o := range remap {
		if o >= 0 {
			out[i] = row[o]
		}
	}
	return out
}

func (r *rowIter) Close(*sql.Context) error { return nil }

// decodeKeyless decodes a keyless value tuple: the count and the row.
func (m *tableMeta) decodeKeyless(v []byte) (sql.Row, uint64, error) {
	n, ok := m.kvalDesc.GetUint(v, 0)
	if !ok {
		return nil, 0, fmt.Errorf("backend: table %q: keyless row without a count", m.name)
	}
	row := make(sql.Row, len(m.sch.Schema))
	for i, c := range m.sch.Schema {
		val, err := typeconv.GetValue(m.kvalDesc, v, i+1, c.Type)
		if err != nil {
			return nil, 0, fmt.Errorf("column %q: %w", c.Name, err)
		}
		row[i] = val
	}
	return row, n, nil
}

// encodeKeyless returns the map key of a keyless row and its value with count n.
func (m *tableMeta) encodeKeyless(row sql.Row, n uint64) (key, val []byte, err error) {
	if len(row) != len(m.sch.Schema) {
		return nil, nil, fmt.Errorf("backend: table %q: row of %d values for %d columns", m.name, len(row), len(m.sch.Schema))
	}
	cb := tuple.NewBuilder(m.colsDesc)
	vb := tuple.NewBuilder(m.kvalDesc)
	vb.PutUint(0, n)
	for i, c := range m.sch.Schema {
		if err := typeconv.PutValue(cb, i, c.Type, row[i]); err != nil {
			return nil, nil, typeconv.ColumnError(c.Name, err)
		}
		if err := typeconv.PutValue(vb, i+1, c.Type, row[i]); err != nil {
			return nil, nil, typeconv.ColumnError(c.Name, err)
		}
	}
	cols, err := cb.Build()
	if err != nil {
		return nil, nil, err
	}
	if key, err = repo.KeylessKey(cols); err != nil {
		return nil, nil, err
	}
	if val, err = vb.Build(); err != nil {
		return nil, nil, err
	}
	return key, val, nil
}

// encodePK returns the key and value tuples of a row of a primary-key table.
func (m *tableMeta) encodePK(row sql.Row) (key, val []byte, err error) {
	kb := tuple.NewBuilder(m.codec.KeyDesc())
	vb := tuple.NewBuilder(m.codec.ValueDesc())
	return m.codec.Encode(kb, vb, row)
}

// keyString formats the primary key of row as GMS's duplicate-key errors show it.
func (m *tableMeta) keyString(row sql.Row) string {
	var b strings.Builder
	b.WriteString("[")
	for i, o := range m.sch.PkOrdinals {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%v", row[o])
	}
	b.WriteString("]")
	return b.String()
}

// Truncate implements sql.TruncateableTable: the table gets an empty row map in the
// session's root at once (DDL-like; the statement's pending edits of it are dropped).
func (t *Table) Truncate(ctx *sql.Context) (int, error) {
	s, root, rt, err := t.current(ctx)
	if err != nil {
		return 0, err
	}
	n, err := countRows(ctx, t.meta, rt.Rows())
	if err != nil {
		return 0, err
	}
	empty, err := prolly.NewEmpty(ctx, root.NodeStore(), rt.KeyDesc().Compare)
	if err != nil {
		return 0, err
	}
	if rt, err = rt.WithRows(ctx, empty); err != nil {
		return 0, err
	}
	if rt, err = clearIndexes(ctx, rt); err != nil {
		return 0, err
	}
	if root, err = root.PutTable(ctx, rt); err != nil {
		return 0, err
	}
	if es, err := s.Edits(ctx, t.db); err == nil {
		es.drop(t.meta.name)
	}
	return int(n), s.SetWorkingRoot(ctx, t.db, root)
}

func countRows(ctx context.Context, m *tableMeta, rows prolly.Map) (uint64, error) {
	if !m.keyless {
		return rows.Count(), nil
	}
	it, err := rows.Iter(ctx, prolly.All)
	if err != nil {
		return 0, err
	}
	var total uint64
	for {
		_, v, err := it.Next(ctx)
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return 0, err
		}
		n, _ := m.kvalDesc.GetUint(v, 0)
		total += n
	}
}

// Inserter implements sql.InsertableTable.
func (t *Table) Inserter(*sql.Context) sql.RowInserter { return &tableEditor{t: t} }

// Updater implements sql.UpdatableTable.
func (t *Table) Updater(*sql.Context) sql.RowUpdater { return &tableEditor{t: t} }

// Deleter implements sql.DeletableTable.
func (t *Table) Deleter(*sql.Context) sql.RowDeleter { return &tableEditor{t: t} }

// Replacer implements sql.ReplaceableTable.
func (t *Table) Replacer(*sql.Context) sql.RowReplacer { return &tableEditor{t: t} }

// AutoIncrementSetter implements sql.AutoIncrementTable.
func (t *Table) AutoIncrementSetter(*sql.Context) sql.AutoIncrementSetter {
	return &tableEditor{t: t}
}

// SameTable reports whether u is the table t, as seen through the same database view and
// with the same schema (the same SQL view of it, column objects included): a plan built on
// t is still right for u. The server's cache of prepared point-select plans asks it with
// the table the current database resolves the name to now; any DDL, a branch whose table
// has another schema, a temporary table shadowing the name or another database answer
// false. Projections are ignored.
func (t *Table) SameTable(u sql.Table) bool {
	o, ok := u.(*Table)
	return ok && o.db == t.db && o.meta == t.meta
}

// WriteState fingerprints what, besides the table's own schema (SameTable), shapes the
// plan GMS makes of a write to it, in the session's current root: the triggers (and
// views and routines: the dsql_schemas table's hash) and whether a foreign key has the
// table as child or parent. A prepared write's cached plan (the server's) holds while
// SameTable and WriteState are unchanged.
type WriteState struct {
	schemas hash.Hash
	fk      bool
}

// HasForeignKeys reports whether a foreign key involved the table.
func (s WriteState) HasForeignKeys() bool { return s.fk }

// WriteState returns the table's WriteState in ctx's session.
func (t *Table) WriteState(ctx *sql.Context) (WriteState, error) {
	_, root, err := t.db.root(ctx)
	if err != nil {
		return WriteState{}, err
	}
	var s WriteState
	s.schemas, _ = root.TableHash(SchemasTable)
	s.fk = root.HasForeignKeyOn(t.meta.name)
	return s, nil
}
