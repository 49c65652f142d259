package repo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/prolly"
)

// Root is the state of one database at one moment: its tables by name and its foreign
// keys. Views, triggers and stored procedures are rows of an ordinary table
// (dsql_schemas) and need nothing special here.
//
// A Root is an immutable value, safe to share between goroutines; Put*, Remove* and
// Rename* return new Roots (whose chunks are Put into the store, see Table). Table names
// are case-preserving and case-insensitive (see the package doc, "Table names").
type Root struct {
	ns     *prolly.NodeStore
	tables []rootEntry // sorted by folded name
	fks    []ForeignKey
	hash   hash.Hash
}

type rootEntry struct {
	name  string
	hash  hash.Hash
	table *Table // set when the table is known in memory (put into this root); else nil
}

// ForeignKey is a FOREIGN KEY constraint: Columns of Table reference ParentColumns of
// ParentTable.
//
// Unresolved marks a key created while foreign_key_checks=0 that has not been validated
// since: the SQL layer checks its parent, columns and existing child rows when it is first
// used with checks on, and then stores it resolved. The zero value is resolved, and so is
// every key read from a chunk written before the flag existed.
type ForeignKey struct {
	Name          string
	Table         string
	Columns       []string
	ParentTable   string
	ParentColumns []string
	OnUpdate      FKAction
	OnDelete      FKAction
	Unresolved    bool
}

// FKAction is a referential action. The values are stored.
type FKAction uint8

// The referential actions. FKDefault is "not specified" (MySQL treats it as RESTRICT).
const (
	FKDefault FKAction = iota
	FKRestrict
	FKCascade
	FKSetNull
	FKNoAction
	FKSetDefault
	numFKActions
)

func (a FKAction) String() string {
	switch a {
	case FKDefault:
		return "DEFAULT"
	case FKRestrict:
		return "RESTRICT"
	case FKCascade:
		return "CASCADE"
	case FKSetNull:
		return "SET NULL"
	case FKNoAction:
		return "NO ACTION"
	case FKSetDefault:
		return "SET DEFAULT"
	}
	return fmt.Sprintf("FKAction(%d)", uint8(a))
}

func (fk ForeignKey) clone() ForeignKey {
	fk.Columns = slices.Clone(fk.Columns)
	fk.ParentColumns = slices.Clone(fk.ParentColumns)
	return fk
}

// Validate checks the shape of fk (names present, matching non-empty column lists, known
// actions). Whether the tables and columns exist is the SQL layer's check: MySQL allows
// dangling references while foreign_key_checks=0.
func (fk ForeignKey) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: foreign key %q: %s", ErrInvalid, fk.Name, fmt.Sprintf(format, args...))
	}
	if err := checkIdent("foreign key", fk.Name); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if fk.Table == "" || fk.ParentTable == "" {
		return bad("child and parent table names are required")
	}
	if len(fk.Columns) == 0 || len(fk.Columns) != len(fk.ParentColumns) {
		return bad("has %d child and %d parent columns; they must be equal in number and at least one", len(fk.Columns), len(fk.ParentColumns))
	}
	if fk.OnUpdate >= numFKActions || fk.OnDelete >= numFKActions {
		return bad("unknown referential action")
	}
	return nil
}

// Root chunk (kind 0xC2):
//
//	+------+----------------------------------------+----------------------+
//	| 0xC2 | tables: uvarint n, n x                 | foreign keys:        |
//	|      |   (name str | table hash 20 B)        | uvarint m, m x fk    |
//	+------+----------------------------------------+----------------------+
//
//	tables sorted by strings.ToLower(name), strictly increasing (names unique when folded)
//	fk: name str | table str | columns list of str | parent table str |
//	    parent columns list of str | on update byte | on delete byte
//	on update byte: the FKAction, plus fkUnresolvedBit (0x80) for an unresolved key
//	foreign keys sorted by strings.ToLower(name), strictly increasing
//
// The unresolved bit was added without a new kind byte or storage.FormatVersion: a
// resolved key keeps exactly its former bytes (so existing roots keep their hashes and
// read as resolved), and only a root holding an unresolved key depends on it (a build
// without it refuses such a root as corrupt, "unknown referential action").
//
// Child hashes: every table hash.

// fkUnresolvedBit is set in a foreign key's on-update byte when the key is unresolved.
const fkUnresolvedBit = 0x80

type rootData struct {
	tables []rootEntry
	fks    []ForeignKey
}

func encodeRootData(rd rootData) []byte {
	e := newEncoder(KindRoot)
	e.uvarint(uint64(len(rd.tables)))
	for _, t := range rd.tables {
		e.str(t.name)
		e.hash(t.hash)
	}
	e.uvarint(uint64(len(rd.fks)))
	for _, fk := range rd.fks {
		e.str(fk.Name)
		e.str(fk.Table)
		e.strs(fk.Columns)
		e.str(fk.ParentTable)
		e.strs(fk.ParentColumns)
		onUpdate := byte(fk.OnUpdate)
		if fk.Unresolved {
			onUpdate |= fkUnresolvedBit
		}
		e.byte(onUpdate)
		e.byte(byte(fk.OnDelete))
	}
	return e.b
}

func decodeRootData(chunk []byte) (rootData, error) {
	d := newDecoder(chunk, KindRoot)
	var rd rootData
	if n := d.count(1 + hash.ByteLen); n > 0 {
		rd.tables = make([]rootEntry, n)
		for i := range rd.tables {
			rd.tables[i] = rootEntry{name: d.str(), hash: d.hash()}
			if d.err == nil && i > 0 && foldName(rd.tables[i-1].name) >= foldName(rd.tables[i].name) {
				d.fail("table %q is out of order or duplicated", rd.tables[i].name)
			}
		}
	}
	if n := d.count(7); n > 0 {
		rd.fks = make([]ForeignKey, n)
		for i := range rd.fks {
			fk := &rd.fks[i]
			fk.Name = d.str()
			fk.Table = d.str()
			fk.Columns = d.strs()
			fk.ParentTable = d.str()
			fk.ParentColumns = d.strs()
			onUpdate := d.byte()
			fk.Unresolved = onUpdate&fkUnresolvedBit != 0
			fk.OnUpdate = FKAction(onUpdate &^ fkUnresolvedBit)
			fk.OnDelete = FKAction(d.byte())
			if d.err == nil {
				if err := fk.Validate(); err != nil {
					d.fail("%v", err)
				} else if i > 0 && foldName(rd.fks[i-1].Name) >= foldName(fk.Name) {
					d.fail("foreign key %q is out of order or duplicated", fk.Name)
				}
			}
		}
	}
	return rd, d.finish(func() []byte { return encodeRootData(rd) })
}

// EmptyRoot returns the Root with no tables and no foreign keys, writing its chunk to ns.
func EmptyRoot(ctx context.Context, ns *prolly.NodeStore) (Root, error) {
	return Root{ns: ns}.store(ctx)
}

func (r Root) store(ctx context.Context) (Root, error) {
	h, err := putChunk(ctx, r.ns, encodeRootData(rootData{tables: r.tables, fks: r.fks}))
	if err != nil {
		return Root{}, err
	}
	r.hash = h
	return r, nil
}

func loadRoot(ctx context.Context, ns *prolly.NodeStore, h hash.Hash) (Root, error) {
	data, err := ns.ChunkStore().Get(ctx, h)
	if err != nil {
		return Root{}, fmt.Errorf("repo: reading root %s: %w", h, err)
	}
	rd, err := decodeRootData(data)
	if err != nil {
		return Root{}, err
	}
	return Root{ns: ns, tables: rd.tables, fks: rd.fks, hash: h}, nil
}

// Hash returns the address of the root's chunk: equal roots have equal hashes.
func (r Root) Hash() hash.Hash { return r.hash }

// NodeStore returns the store the root reads its tables from.
func (r Root) NodeStore() *prolly.NodeStore { return r.ns }

func (r Root) find(name string) (int, bool) {
	f := foldName(name)
	return slices.BinarySearchFunc(r.tables, f, func(e rootEntry, f string) int {
		return strings.Compare(foldName(e.name), f)
	})
}

// Table returns the table named name (case-insensitive); ok=false if there is none.
func (r Root) Table(ctx context.Context, name string) (t Table, ok bool, err error) {
	i, found := r.find(name)
	if !found {
		return Table{}, false, nil
	}
	e := r.tables[i]
	if e.table != nil {
		return *e.table, true, nil
	}
	t, err = loadTable(ctx, r.ns, e.hash)
	if err != nil {
		return Table{}, false, fmt.Errorf("repo: table %q: %w", e.name, err)
	}
	return t, true, nil
}

// TableHash returns the address of the table named name (case-insensitive): two roots
// hold the same table iff the hashes are equal, which lets diffs skip unchanged tables.
func (r Root) TableHash(name string) (hash.Hash, bool) {
	i, ok := r.find(name)
	if !ok {
		return hash.Hash{}, false
	}
	return r.tables[i].hash, true
}

// HasTable reports whether a table named name (case-insensitive) exists.
func (r Root) HasTable(name string) bool {
	_, ok := r.find(name)
	return ok
}

// TableNames returns the table names as stored (case preserved), sorted by folded name.
func (r Root) TableNames() []string {
	names := make([]string, len(r.tables))
	for i, e := range r.tables {
		names[i] = e.name
	}
	return names
}

// PutTable returns r with t stored under t.Name(), replacing a table of the same folded
// name (the stored name then takes t's case).
func (r Root) PutTable(ctx context.Context, t Table) (Root, error) {
	if t.hash.IsEmpty() {
		return Root{}, fmt.Errorf("%w: PutTable of a zero Table; make tables with NewTable", ErrInvalid)
	}
	e := rootEntry{name: t.Name(), hash: t.hash, table: &t}
	i, found := r.find(e.name)
	tables := slices.Clone(r.tables)
	if found {
		tables[i] = e
	} else {
		tables = slices.Insert(tables, i, e)
	}
	r.tables = tables
	return r.store(ctx)
}

// RemoveTable returns r without the named tables (case-insensitive); ErrTableNotFound if
// one does not exist. Foreign keys are left alone: dropping them is the SQL layer's
// decision (MySQL refuses to drop a referenced parent unless foreign_key_checks=0).
func (r Root) RemoveTable(ctx context.Context, names ...string) (Root, error) {
	tables := slices.Clone(r.tables)
	for _, n := range names {
		nr := Root{tables: tables}
		i, ok := nr.find(n)
		if !ok {
			return Root{}, fmt.Errorf("%w: %q", ErrTableNotFound, n)
		}
		tables = slices.Delete(tables, i, i+1)
	}
	r.tables = tables
	return r.store(ctx)
}

// RenameTable returns r with table from renamed to to (which may differ from from only
// in case). The table's schema name changes with it, and foreign keys naming the table
// (as child or parent) are updated. ErrTableNotFound if from does not exist,
// ErrTableExists if another table is named to.
func (r Root) RenameTable(ctx context.Context, from, to string) (Root, error) {
	t, ok, err := r.Table(ctx, from)
	if err != nil {
		return Root{}, err
	}
	if !ok {
		return Root{}, fmt.Errorf("%w: %q", ErrTableNotFound, from)
	}
	if foldName(from) != foldName(to) && r.HasTable(to) {
		return Root{}, fmt.Errorf("%w: cannot rename %q to %q", ErrTableExists, from, to)
	}
	sch := t.Schema().Clone()
	sch.Name = to
	nt, err := t.WithSchema(ctx, sch)
	if err != nil {
		return Root{}, err
	}
	if r, err = r.RemoveTable(ctx, from); err != nil {
		return Root{}, err
	}
	fks := make([]ForeignKey, len(r.fks))
	for i, fk := range r.fks {
		fk = fk.clone()
		if foldName(fk.Table) == foldName(from) {
			fk.Table = to
		}
		if foldName(fk.ParentTable) == foldName(from) {
			fk.ParentTable = to
		}
		fks[i] = fk
	}
	r.fks = fks
	return r.PutTable(ctx, nt)
}

// ForeignKeys returns every foreign key, sorted by folded name. The slice is the caller's;
// the column slices inside are shared and must not be modified.
func (r Root) ForeignKeys() []ForeignKey { return slices.Clone(r.fks) }

// HasForeignKeyOn reports whether a foreign key has table (case-insensitive) as its
// child or parent table, without copying the list.
func (r Root) HasForeignKeyOn(table string) bool {
	for _, fk := range r.fks {
		if strings.EqualFold(fk.Table, table) || strings.EqualFold(fk.ParentTable, table) {
			return true
		}
	}
	return false
}

// ForeignKey returns the foreign key named name (case-insensitive).
func (r Root) ForeignKey(name string) (ForeignKey, bool) {
	i, ok := r.findFK(name)
	if !ok {
		return ForeignKey{}, false
	}
	return r.fks[i], true
}

func (r Root) findFK(name string) (int, bool) {
	f := foldName(name)
	return slices.BinarySearchFunc(r.fks, f, func(fk ForeignKey, f string) int {
		return strings.Compare(foldName(fk.Name), f)
	})
}

// PutForeignKey returns r with fk added, replacing a foreign key of the same folded name.
func (r Root) PutForeignKey(ctx context.Context, fk ForeignKey) (Root, error) {
	if err := fk.Validate(); err != nil {
		return Root{}, err
	}
	fk = fk.clone()
	i, found := r.findFK(fk.Name)
	fks := slices.Clone(r.fks)
	if found {
		fks[i] = fk
	} else {
		fks = slices.Insert(fks, i, fk)
	}
	r.fks = fks
	return r.store(ctx)
}

// RemoveForeignKey returns r without the named foreign key; ErrForeignKeyNotFound if
// there is none.
func (r Root) RemoveForeignKey(ctx context.Context, name string) (Root, error) {
	i, found := r.findFK(name)
	if !found {
		return Root{}, fmt.Errorf("%w: %q", ErrForeignKeyNotFound, name)
	}
	r.fks = slices.Delete(slices.Clone(r.fks), i, i+1)
	return r.store(ctx)
}
