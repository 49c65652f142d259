package repo

import (
	"context"
	"fmt"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/storage"
)

// Table is one table: its Schema, its row map (key KeyDesc, value ValueDesc), one map per
// secondary index (key IndexKeyDesc(i), empty values) and its AUTO_INCREMENT counter.
//
// A Table is an immutable value, safe to share between goroutines. Its chunk (and its
// schema's) are Put into the NodeStore's ChunkStore when the value is made; they become
// durable with the storage.Commit that moves a ref to a root reaching them.
type Table struct {
	schema           Schema
	schemaHash       hash.Hash
	keyDesc, valDesc tuple.Desc
	rows             prolly.Map
	indexes          []prolly.Map // parallel to schema.Indexes
	autoInc          uint64
	hash             hash.Hash
}

// Table chunk (kind 0xC3):
//
//	+------+-------------+-----------+----------------+-------------------------------+
//	| 0xC3 | schema hash | rows root | auto_increment | index roots: uvarint n,       |
//	|      | 20 B        | 20 B      | uvarint        | n x 20 B (schema index order) |
//	+------+-------------+-----------+----------------+-------------------------------+
//
// Child hashes: the schema chunk, the rows tree root, every index tree root.

type tableData struct {
	schema, rows hash.Hash
	autoInc      uint64
	indexes      []hash.Hash
}

func encodeTableData(td tableData) []byte {
	e := newEncoder(KindTable)
	e.hash(td.schema)
	e.hash(td.rows)
	e.uvarint(td.autoInc)
	e.uvarint(uint64(len(td.indexes)))
	for _, h := range td.indexes {
		e.hash(h)
	}
	return e.b
}

func decodeTableData(chunk []byte) (tableData, error) {
	d := newDecoder(chunk, KindTable)
	td := tableData{schema: d.hash(), rows: d.hash(), autoInc: d.uvarint()}
	if n := d.count(hash.ByteLen); n > 0 {
		td.indexes = make([]hash.Hash, n)
		for i := range td.indexes {
			td.indexes[i] = d.hash()
		}
	}
	return td, d.finish(func() []byte { return encodeTableData(td) })
}

// putChunk buffers data in ns's chunk store and returns its address.
func putChunk(ctx context.Context, ns *prolly.NodeStore, data []byte) (hash.Hash, error) {
	c := storage.NewChunk(data)
	if err := ns.ChunkStore().Put(ctx, c); err != nil {
		return hash.Hash{}, fmt.Errorf("repo: writing chunk: %w", err)
	}
	return c.Hash, nil
}

// NewTable returns an empty table with schema sch (validated), writing its chunks to ns.
func NewTable(ctx context.Context, ns *prolly.NodeStore, sch Schema) (Table, error) {
	if err := sch.Validate(); err != nil {
		return Table{}, err
	}
	t, err := tableWithSchema(ctx, ns, sch)
	if err != nil {
		return Table{}, err
	}
	if t.rows, err = prolly.NewEmpty(ctx, ns, t.keyDesc.Compare); err != nil {
		return Table{}, err
	}
	t.indexes = make([]prolly.Map, len(sch.Indexes))
	for i := range sch.Indexes {
		if t.indexes[i], err = emptyIndex(ctx, ns, sch, i); err != nil {
			return Table{}, err
		}
	}
	return t.store(ctx)
}

func emptyIndex(ctx context.Context, ns *prolly.NodeStore, sch Schema, i int) (prolly.Map, error) {
	kd, err := sch.IndexKeyDesc(i)
	if err != nil {
		return prolly.Map{}, err
	}
	return prolly.NewEmpty(ctx, ns, kd.Compare)
}

// tableWithSchema returns a Table holding sch (already validated) with its descriptors and
// schema chunk written, and no maps.
func tableWithSchema(ctx context.Context, ns *prolly.NodeStore, sch Schema) (Table, error) {
	t := Table{schema: sch}
	var err error
	if t.keyDesc, err = sch.KeyDesc(); err != nil {
		return Table{}, err
	}
	if t.valDesc, err = sch.ValueDesc(); err != nil {
		return Table{}, err
	}
	if t.schemaHash, err = putChunk(ctx, ns, encodeSchema(sch)); err != nil {
		return Table{}, err
	}
	return t, nil
}

func (t Table) data() tableData {
	td := tableData{schema: t.schemaHash, rows: t.rows.Hash(), autoInc: t.autoInc}
	td.indexes = make([]hash.Hash, len(t.indexes))
	for i, m := range t.indexes {
		td.indexes[i] = m.Hash()
	}
	return td
}

// store writes t's chunk and returns t with its hash set.
func (t Table) store(ctx context.Context) (Table, error) {
	h, err := putChunk(ctx, t.rows.NodeStore(), encodeTableData(t.data()))
	if err != nil {
		return Table{}, err
	}
	t.hash = h
	return t, nil
}

// loadTable reads the table with address h.
func loadTable(ctx context.Context, ns *prolly.NodeStore, h hash.Hash) (Table, error) {
	data, err := ns.ChunkStore().Get(ctx, h)
	if err != nil {
		return Table{}, fmt.Errorf("repo: reading table %s: %w", h, err)
	}
	td, err := decodeTableData(data)
	if err != nil {
		return Table{}, err
	}
	sdata, err := ns.ChunkStore().Get(ctx, td.schema)
	if err != nil {
		return Table{}, fmt.Errorf("repo: reading schema %s of table %s: %w", td.schema, h, err)
	}
	sch, err := decodeSchema(sdata)
	if err != nil {
		return Table{}, err
	}
	if len(td.indexes) != len(sch.Indexes) {
		return Table{}, fmt.Errorf("%w: table %s has %d index maps but its schema %d indexes", storage.ErrCorrupt, h, len(td.indexes), len(sch.Indexes))
	}
	t := Table{schema: sch, schemaHash: td.schema, autoInc: td.autoInc, hash: h}
	if t.keyDesc, err = sch.KeyDesc(); err != nil {
		return Table{}, err
	}
	if t.valDesc, err = sch.ValueDesc(); err != nil {
		return Table{}, err
	}
	if t.rows, err = prolly.Load(ctx, ns, td.rows, t.keyDesc.Compare); err != nil {
		return Table{}, err
	}
	t.indexes = make([]prolly.Map, len(td.indexes))
	for i, ih := range td.indexes {
		kd, err := sch.IndexKeyDesc(i)
		if err != nil {
			return Table{}, err
		}
		if t.indexes[i], err = prolly.Load(ctx, ns, ih, kd.Compare); err != nil {
			return Table{}, err
		}
	}
	return t, nil
}

// Hash returns the address of the table's chunk: equal tables have equal hashes.
func (t Table) Hash() hash.Hash { return t.hash }

// Schema returns the table's schema. It shares slices with t: do not modify it (Clone).
func (t Table) Schema() Schema { return t.schema }

// Name returns the table's name (Schema().Name).
func (t Table) Name() string { return t.schema.Name }

// SchemaHash returns the address of the schema chunk: two tables have equal schemas iff
// their schema hashes are equal.
func (t Table) SchemaHash() hash.Hash { return t.schemaHash }

// KeyDesc and ValueDesc describe the row map's keys and values (see Schema.KeyDesc).
func (t Table) KeyDesc() tuple.Desc   { return t.keyDesc }
func (t Table) ValueDesc() tuple.Desc { return t.valDesc }

// Rows returns the primary row map.
func (t Table) Rows() prolly.Map { return t.rows }

// AutoIncrement returns the next AUTO_INCREMENT value (0 if the table has never had one).
func (t Table) AutoIncrement() uint64 { return t.autoInc }

// Index returns the map of the index named name (case-insensitive).
func (t Table) Index(name string) (prolly.Map, bool) {
	i := t.schema.Index(name)
	if i < 0 {
		return prolly.Map{}, false
	}
	return t.indexes[i], true
}

// Indexes returns every index map by index name. The map is the caller's.
func (t Table) Indexes() map[string]prolly.Map {
	m := make(map[string]prolly.Map, len(t.indexes))
	for i, ix := range t.schema.Indexes {
		m[ix.Name] = t.indexes[i]
	}
	return m
}

// WithRows returns t with its row map replaced by rows (which must use KeyDesc's order).
func (t Table) WithRows(ctx context.Context, rows prolly.Map) (Table, error) {
	t.rows = rows
	return t.store(ctx)
}

// WithIndex returns t with the map of the index named name replaced by m.
func (t Table) WithIndex(ctx context.Context, name string, m prolly.Map) (Table, error) {
	i := t.schema.Index(name)
	if i < 0 {
		return Table{}, fmt.Errorf("%w: table %q has no index %q", ErrInvalid, t.schema.Name, name)
	}
	t.indexes = append([]prolly.Map(nil), t.indexes...)
	t.indexes[i] = m
	return t.store(ctx)
}

// WithAutoIncrement returns t with its AUTO_INCREMENT counter set to n.
func (t Table) WithAutoIncrement(ctx context.Context, n uint64) (Table, error) {
	t.autoInc = n
	return t.store(ctx)
}

// IndexMap names an index and its new map (TableEdits).
type IndexMap struct {
	Name string
	Map  prolly.Map
}

// TableEdits lists the parts of a table a statement changed, for WithEdits.
type TableEdits struct {
	Rows       *prolly.Map // the new row map; nil: unchanged
	Indexes    []IndexMap  // the new maps of these indexes
	AutoInc    uint64      // the new AUTO_INCREMENT counter, if SetAutoInc
	SetAutoInc bool
}

// WithEdits returns t with every change in e, writing one table chunk: the table
// WithRows, WithIndex and WithAutoIncrement in a row return, without the chunks of the
// intermediate tables (a statement's write path changes rows and indexes together).
// With no change it returns t as it is.
func (t Table) WithEdits(ctx context.Context, e TableEdits) (Table, error) {
	if e.Rows == nil && len(e.Indexes) == 0 && (!e.SetAutoInc || e.AutoInc == t.autoInc) {
		return t, nil
	}
	if e.Rows != nil {
		t.rows = *e.Rows
	}
	if len(e.Indexes) > 0 {
		t.indexes = append([]prolly.Map(nil), t.indexes...)
		for _, im := range e.Indexes {
			i := t.schema.Index(im.Name)
			if i < 0 {
				return Table{}, fmt.Errorf("%w: table %q has no index %q", ErrInvalid, t.schema.Name, im.Name)
			}
			t.indexes[i] = im.Map
		}
	}
	if e.SetAutoInc {
		t.autoInc = e.AutoInc
	}
	return t.store(ctx)
}

// WithSchema returns t with schema sch (validated). The row tree is kept and read with
// the new key order; an index keeps its map if an index of the same name has the same
// key descriptor in both schemas, and otherwise starts empty. If the change alters how
// existing rows or index entries are encoded, the caller rewrites them afterwards
// (WithRows, WithIndex): this package does not interpret rows.
func (t Table) WithSchema(ctx context.Context, sch Schema) (Table, error) {
	if err := sch.Validate(); err != nil {
		return Table{}, err
	}
	ns := t.rows.NodeStore()
	nt, err := tableWithSchema(ctx, ns, sch)
	if err != nil {
		return Table{}, err
	}
	nt.autoInc = t.autoInc
	if nt.rows, err = prolly.Load(ctx, ns, t.rows.Hash(), nt.keyDesc.Compare); err != nil {
		return Table{}, err
	}
	nt.indexes = make([]prolly.Map, len(sch.Indexes))
	for i, ix := range sch.Indexes {
		kd, err := sch.IndexKeyDesc(i)
		if err != nil {
			return Table{}, err
		}
		if j := t.schema.Index(ix.Name); j >= 0 {
			if okd, err := t.schema.IndexKeyDesc(j); err == nil && okd.Equal(kd) {
				if nt.indexes[i], err = prolly.Load(ctx, ns, t.indexes[j].Hash(), kd.Compare); err != nil {
					return Table{}, err
				}
				continue
			}
		}
		if nt.indexes[i], err = prolly.NewEmpty(ctx, ns, kd.Compare); err != nil {
			return Table{}, err
		}
	}
	return nt.store(ctx)
}
