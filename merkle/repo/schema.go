package repo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/storage"
)

// MaxIdentifierLen is MySQL's limit on table, column, index and constraint names.
const MaxIdentifierLen = 64

// Schema describes one table. It is a plain value: the SQL layer builds it; Validate
// checks it. A Schema obtained from a Table shares its slices with the Table and must not
// be modified; Clone it to derive a new schema.
type Schema struct {
	Name    string   // table name, case preserved
	Columns []Column // in table order
	// PrimaryKey lists the ordinals (into Columns) of the primary-key columns in key order.
	// Empty means a keyless table (see the package doc, "Keyless tables").
	PrimaryKey []int
	Indexes    []Index // secondary indexes, in declaration order
	Checks     []Check
	Collation  string // table default collation, e.g. "utf8mb4_0900_bin"
	Comment    string
	// TargetRowSize is the table option TARGET_ROW_SIZE (alias TOAST_TUPLE_TARGET) in
	// bytes, kept for SHOW CREATE TABLE; 0 means none. It does not change how rows are
	// stored.
	TargetRowSize uint64
}

// Column is one column of a Schema.
type Column struct {
	Name string
	// SQLType is the column type as the SQL layer spells it, e.g. "varchar(20)",
	// "decimal(10,2) unsigned". It is kept verbatim for SHOW CREATE TABLE.
	SQLType string
	// Type is the tuple encoding of the column's values; Type.Nullable is the column's
	// nullability.
	Type          tuple.Field
	Default       string // default expression text; "" means no default
	AutoIncrement bool
	Comment       string
	// Generated is the generation expression text of a generated column ("" for an
	// ordinary column); GeneratedStored tells STORED from VIRTUAL.
	Generated       string
	GeneratedStored bool
	// OnUpdate is the ON UPDATE expression text (e.g. "CURRENT_TIMESTAMP(3)"): the value
	// an UPDATE gives the column when it changes another column of the row and does not
	// set this one; "" means none.
	OnUpdate string
}

// Nullable reports whether the column accepts NULL.
func (c Column) Nullable() bool { return c.Type.Nullable }

// Index is a secondary index of a Schema.
type Index struct {
	Name    string
	Columns []IndexColumn
	Unique  bool
	Comment string
}

// IndexColumn is one column of an index: a column name and an optional prefix length in
// characters (String) or bytes (Bytes); 0 indexes the whole value.
type IndexColumn struct {
	Name   string
	Prefix int
}

// Check is a CHECK constraint.
type Check struct {
	Name     string
	Expr     string
	Enforced bool
}

func foldName(s string) string { return strings.ToLower(s) }

// Clone returns a deep copy of s.
func (s Schema) Clone() Schema {
	c := s
	c.Columns = slices.Clone(s.Columns)
	c.PrimaryKey = slices.Clone(s.PrimaryKey)
	c.Indexes = slices.Clone(s.Indexes)
	for i := range c.Indexes {
		c.Indexes[i].Columns = slices.Clone(s.Indexes[i].Columns)
	}
	c.Checks = slices.Clone(s.Checks)
	return c
}

// Column returns the ordinal of the column named name (case-insensitive), or -1.
func (s Schema) Column(name string) int {
	f := foldName(name)
	for i, c := range s.Columns {
		if foldName(c.Name) == f {
			return i
		}
	}
	return -1
}

// Index returns the ordinal of the index named name (case-insensitive), or -1.
func (s Schema) Index(name string) int {
	f := foldName(name)
	for i, ix := range s.Indexes {
		if foldName(ix.Name) == f {
			return i
		}
	}
	return -1
}

// Keyless reports whether the table has no primary key.
func (s Schema) Keyless() bool { return len(s.PrimaryKey) == 0 }

// keylessKeyField is the key of a keyless table's row map: the row hash.
var keylessKeyField = tuple.Field{Enc: tuple.BytesEnc}

// keylessCountField is the first value field of a keyless table: the number of copies.
var keylessCountField = tuple.Field{Enc: tuple.Uint64Enc}

// KeyDesc returns the key descriptor of the primary row map: the primary-key columns in
// key order, or for a keyless table one Bytes field holding KeylessKey of the row.
func (s Schema) KeyDesc() (tuple.Desc, error) {
	if s.Keyless() {
		return tuple.NewDesc(keylessKeyField)
	}
	fs := make([]tuple.Field, 0, len(s.PrimaryKey))
	for _, o := range s.PrimaryKey {
		if o < 0 || o >= len(s.Columns) {
			return tuple.Desc{}, fmt.Errorf("%w: table %q: primary-key ordinal %d out of range", ErrInvalidSchema, s.Name, o)
		}
		fs = append(fs, s.Columns[o].Type)
	}
	return s.desc(fs, "primary key")
}

// ValueDesc returns the value descriptor of the primary row map: every non-primary-key
// column in table order; for a keyless table a Uint64 count of copies followed by every
// column.
func (s Schema) ValueDesc() (tuple.Desc, error) {
	var fs []tuple.Field
	if s.Keyless() {
		fs = append(fs, keylessCountField)
	}
	for i, c := range s.Columns {
		if !slices.Contains(s.PrimaryKey, i) {
			fs = append(fs, c.Type)
		}
	}
	return s.desc(fs, "row value")
}

// ColumnsDesc returns a descriptor of every column in table order (the tuple KeylessKey
// hashes).
func (s Schema) ColumnsDesc() (tuple.Desc, error) {
	fs := make([]tuple.Field, len(s.Columns))
	for i, c := range s.Columns {
		fs[i] = c.Type
	}
	return s.desc(fs, "columns")
}

// KeylessKey returns the row-map key of a keyless table's row: a one-field tuple (see
// KeyDesc) holding the hash of columns, the row's tuple built with ColumnsDesc.
func KeylessKey(columns tuple.Tuple) (tuple.Tuple, error) {
	d, err := tuple.NewDesc(keylessKeyField)
	if err != nil {
		return nil, err
	}
	h := hash.Of(columns)
	b := tuple.NewBuilder(d)
	b.PutBytes(0, h[:])
	return b.Build()
}

// IndexKeyDesc returns the key descriptor of index i's map: the index columns in index
// order, then the primary-key columns not already in the index (for a keyless table, the
// row hash). Index maps have empty values. Prefix lengths do not change the encoding:
// the SQL layer truncates prefixed values before building keys.
func (s Schema) IndexKeyDesc(i int) (tuple.Desc, error) {
	if i < 0 || i >= len(s.Indexes) {
		return tuple.Desc{}, fmt.Errorf("%w: table %q has no index %d", ErrInvalid, s.Name, i)
	}
	ix := s.Indexes[i]
	var fs []tuple.Field
	var used []int
	for _, ic := range ix.Columns {
		o := s.Column(ic.Name)
		if o < 0 {
			return tuple.Desc{}, fmt.Errorf("%w: table %q index %q: no column %q", ErrInvalidSchema, s.Name, ix.Name, ic.Name)
		}
		fs = append(fs, s.Columns[o].Type)
		used = append(used, o)
	}
	if s.Keyless() {
		fs = append(fs, keylessKeyField)
	}
	for _, o := range s.PrimaryKey {
		if !slices.Contains(used, o) {
			fs = append(fs, s.Columns[o].Type)
		}
	}
	return s.desc(fs, "index "+ix.Name)
}

func (s Schema) desc(fs []tuple.Field, what string) (tuple.Desc, error) {
	d, err := tuple.NewDesc(fs...)
	if err != nil {
		return tuple.Desc{}, fmt.Errorf("%w: table %q %s: %w", ErrInvalidSchema, s.Name, what, err)
	}
	return d, nil
}

func checkIdent(what, name string) error {
	if name == "" {
		return fmt.Errorf("%s name is empty", what)
	}
	if len([]rune(name)) > MaxIdentifierLen {
		return fmt.Errorf("%s name %q is longer than %d characters", what, name, MaxIdentifierLen)
	}
	if strings.ContainsRune(name, 0) {
		return fmt.Errorf("%s name %q contains a NUL character", what, name)
	}
	return nil
}

// Validate checks s and returns an error wrapping ErrInvalidSchema that names the first
// problem: empty or duplicate (case-insensitive) names, a column type tuple refuses, a bad
// primary key (out of range, repeated or nullable column), more than one or a non-integer
// AUTO_INCREMENT column, an index on a missing column or with a bad prefix, a generated
// column with a default, an unknown collation.
func (s Schema) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: table %q: %s", ErrInvalidSchema, s.Name, fmt.Sprintf(format, args...))
	}
	if err := checkIdent("table", s.Name); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidSchema, err)
	}
	if len(s.Columns) == 0 {
		return bad("no columns; a table needs at least one column")
	}
	seen := map[string]bool{}
	autoInc := -1
	for i, c := range s.Columns {
		if err := checkIdent("column", c.Name); err != nil {
			return bad("column %d: %v", i, err)
		}
		if seen[foldName(c.Name)] {
			return bad("duplicate column name %q (names are case-insensitive)", c.Name)
		}
		seen[foldName(c.Name)] = true
		if c.SQLType == "" {
			return bad("column %q has no SQL type text", c.Name)
		}
		if _, err := tuple.NewDesc(c.Type); err != nil {
			return bad("column %q: %v", c.Name, err)
		}
		if c.Generated != "" && c.Default != "" {
			return bad("generated column %q cannot have a default", c.Name)
		}
		if c.Generated != "" && c.OnUpdate != "" {
			return bad("generated column %q cannot have an ON UPDATE expression", c.Name)
		}
		if c.Generated == "" && c.GeneratedStored {
			return bad("column %q is marked STORED but has no generation expression", c.Name)
		}
		if c.AutoIncrement {
			if autoInc >= 0 {
				return bad("columns %q and %q are both AUTO_INCREMENT; a table has at most one", s.Columns[autoInc].Name, c.Name)
			}
			autoInc = i
			if e := c.Type.Enc; !(e >= tuple.Int8Enc && e <= tuple.Float64Enc) {
				return bad("AUTO_INCREMENT column %q is %v; it must be an integer or floating-point column", c.Name, e)
			}
		}
	}
	inPK := map[int]bool{}
	for _, o := range s.PrimaryKey {
		if o < 0 || o >= len(s.Columns) {
			return bad("primary-key ordinal %d out of range (table has %d columns)", o, len(s.Columns))
		}
		if inPK[o] {
			return bad("column %q appears twice in the primary key", s.Columns[o].Name)
		}
		inPK[o] = true
		if s.Columns[o].Nullable() {
			return bad("primary-key column %q is nullable; primary-key columns must be NOT NULL", s.Columns[o].Name)
		}
	}
	seenIx := map[string]bool{}
	for _, ix := range s.Indexes {
		if err := checkIdent("index", ix.Name); err != nil {
			return bad("%v", err)
		}
		if foldName(ix.Name) == "primary" {
			return bad("index name %q is reserved for the primary key", ix.Name)
		}
		if seenIx[foldName(ix.Name)] {
			return bad("duplicate index name %q", ix.Name)
		}
		seenIx[foldName(ix.Name)] = true
		if len(ix.Columns) == 0 {
			return bad("index %q has no columns", ix.Name)
		}
		cols := map[int]bool{}
		for _, ic := range ix.Columns {
			o := s.Column(ic.Name)
			if o < 0 {
				return bad("index %q names column %q, which does not exist", ix.Name, ic.Name)
			}
			if cols[o] {
				return bad("index %q lists column %q twice", ix.Name, ic.Name)
			}
			cols[o] = true
			if ic.Prefix < 0 {
				return bad("index %q column %q has a negative prefix length", ix.Name, ic.Name)
			}
			if e := s.Columns[o].Type.Enc; ic.Prefix > 0 && e != tuple.StringEnc && e != tuple.BytesEnc {
				return bad("index %q column %q: a prefix length applies only to string and binary columns, not %v", ix.Name, ic.Name, e)
			}
		}
	}
	seenCk := map[string]bool{}
	for _, ck := range s.Checks {
		if err := checkIdent("check constraint", ck.Name); err != nil {
			return bad("%v", err)
		}
		if seenCk[foldName(ck.Name)] {
			return bad("duplicate check constraint name %q", ck.Name)
		}
		seenCk[foldName(ck.Name)] = true
		if ck.Expr == "" {
			return bad("check constraint %q has no expression", ck.Name)
		}
	}
	if s.Collation != "" {
		if _, ok := tuple.CollationByName(s.Collation); !ok {
			return bad("unknown table collation %q (the SQL layer registers its collations with tuple.RegisterCollation)", s.Collation)
		}
	}
	for _, f := range []func() (tuple.Desc, error){s.KeyDesc, s.ValueDesc} {
		if _, err := f(); err != nil {
			return err
		}
	}
	for i := range s.Indexes {
		if _, err := s.IndexKeyDesc(i); err != nil {
			return err
		}
	}
	return nil
}

// Schema chunk (kind 0xC4):
//
//	+------+------+---------+---------+---------+--------+-----------+---------+
//	| 0xC4 | name | columns | pk      | indexes | checks | collation | comment |
//	|      | str  | list    | list of | list    | list   | str       | str     |
//	|      |      |         | uvarint |         |        |           |         |
//	+------+------+---------+---------+---------+--------+-----------+---------+
//
// followed, only when some table option has a non-default value, by an options section
// (absent otherwise, so schemas without options keep the bytes and hashes they had before
// the section existed; a decoder that finds no bytes after the comment reads defaults):
//
//	+----------------+-----------------+
//	| options layout | target_row_size |
//	| 1 B (= 1)      | uvarint, > 0    |
//	+----------------+-----------------+
//
// A later option gets a new layout byte (2, ...) that writes every field of the layouts
// before it, used only when the new option is set; decoders refuse layouts they do not
// know. Layout 2 adds the columns' ON UPDATE expressions, one string per column in
// column order ("" for a column without one); it is written only when some column has
// one (layout 1 otherwise), and its target_row_size may then be 0:
//
//	+----------------+-----------------+--------------------------+
//	| options layout | target_row_size | on_update                |
//	| 1 B (= 2)      | uvarint         | str per column, in order |
//	+----------------+-----------------+--------------------------+
//
//	column: name str | sql type str | field | default str | auto_increment bool |
//	        comment str | generated str | generated stored bool
//	field:  encoding byte (tuple.Encoding) | nullable bool | collation name str ("" if none) |
//	        precision uvarint | scale uvarint | fsp uvarint | members uvarint | bits uvarint
//	index:  name str | columns list of (name str | prefix uvarint) | unique bool | comment str
//	check:  name str | expression str | enforced bool
//
// A schema chunk references no other chunk.

func encodeSchema(s Schema) []byte {
	e := newEncoder(KindSchema)
	e.str(s.Name)
	e.uvarint(uint64(len(s.Columns)))
	for _, c := range s.Columns {
		e.str(c.Name)
		e.str(c.SQLType)
		encodeField(e, c.Type)
		e.str(c.Default)
		e.bool(c.AutoIncrement)
		e.str(c.Comment)
		e.str(c.Generated)
		e.bool(c.GeneratedStored)
	}
	e.uvarint(uint64(len(s.PrimaryKey)))
	for _, o := range s.PrimaryKey {
		e.uvarint(uint64(o))
	}
	e.uvarint(uint64(len(s.Indexes)))
	for _, ix := range s.Indexes {
		e.str(ix.Name)
		e.uvarint(uint64(len(ix.Columns)))
		for _, ic := range ix.Columns {
			e.str(ic.Name)
			e.uvarint(uint64(ic.Prefix))
		}
		e.bool(ix.Unique)
		e.str(ix.Comment)
	}
	e.uvarint(uint64(len(s.Checks)))
	for _, ck := range s.Checks {
		e.str(ck.Name)
		e.str(ck.Expr)
		e.bool(ck.Enforced)
	}
	e.str(s.Collation)
	e.str(s.Comment)
	switch {
	case slices.ContainsFunc(s.Columns, func(c Column) bool { return c.OnUpdate != "" }):
		e.byte(schemaOptionsLayout2)
		e.uvarint(s.TargetRowSize)
		for _, c := range s.Columns {
			e.str(c.OnUpdate)
		}
	case s.TargetRowSize != 0:
		e.byte(schemaOptionsLayout1)
		e.uvarint(s.TargetRowSize)
	}
	return e.b
}

// The layouts of the schema chunk's options section: 1 has the table options, 2 adds
// the columns' ON UPDATE expressions.
const (
	schemaOptionsLayout1 = 1
	schemaOptionsLayout2 = 2
)

func encodeField(e *encoder, f tuple.Field) {
	e.byte(byte(f.Enc))
	e.bool(f.Nullable)
	if f.Collation != nil {
		e.str(f.Collation.Name())
	} else {
		e.str("")
	}
	e.uvarint(uint64(f.Precision))
	e.uvarint(uint64(f.Scale))
	e.uvarint(uint64(f.FSP))
	e.uvarint(uint64(f.Members))
	e.uvarint(uint64(f.Bits))
}

func decodeField(d *decoder) tuple.Field {
	f := tuple.Field{Enc: tuple.Encoding(d.byte()), Nullable: d.bool()}
	if name := d.str(); name != "" && d.err == nil {
		c, ok := tuple.CollationByName(name)
		if !ok {
			d.fail("unknown collation %q (register it with tuple.RegisterCollation before reading)", name)
		} else if c.Name() != name {
			d.fail("collation name %q is not canonical (%q)", name, c.Name())
		}
		f.Collation = c
	}
	f.Precision = d.int(1 << 16)
	f.Scale = d.int(1 << 16)
	f.FSP = d.int(1 << 16)
	f.Members = d.int(1 << 20)
	f.Bits = d.int(1 << 16)
	return f
}

const maxSchemaInt = 1 << 31

func decodeSchema(chunk []byte) (Schema, error) {
	d := newDecoder(chunk, KindSchema)
	var s Schema
	s.Name = d.str()
	if n := d.count(8); n > 0 {
		s.Columns = make([]Column, n)
		for i := range s.Columns {
			c := &s.Columns[i]
			c.Name = d.str()
			c.SQLType = d.str()
			c.Type = decodeField(d)
			c.Default = d.str()
			c.AutoIncrement = d.bool()
			c.Comment = d.str()
			c.Generated = d.str()
			c.GeneratedStored = d.bool()
		}
	}
	if n := d.count(1); n > 0 {
		s.PrimaryKey = make([]int, n)
		for i := range s.PrimaryKey {
			s.PrimaryKey[i] = d.int(maxSchemaInt)
		}
	}
	if n := d.count(4); n > 0 {
		s.Indexes = make([]Index, n)
		for i := range s.Indexes {
			ix := &s.Indexes[i]
			ix.Name = d.str()
			if m := d.count(2); m > 0 {
				ix.Columns = make([]IndexColumn, m)
				for j := range ix.Columns {
					ix.Columns[j] = IndexColumn{Name: d.str(), Prefix: d.int(maxSchemaInt)}
				}
			}
			ix.Unique = d.bool()
			ix.Comment = d.str()
		}
	}
	if n := d.count(3); n > 0 {
		s.Checks = make([]Check, n)
		for i := range s.Checks {
			s.Checks[i] = Check{Name: d.str(), Expr: d.str(), Enforced: d.bool()}
		}
	}
	s.Collation = d.str()
	s.Comment = d.str()
	if d.err == nil && d.pos < len(d.b) {
		switch layout := d.byte(); layout {
		case schemaOptionsLayout1:
			s.TargetRowSize = d.uvarint()
		case schemaOptionsLayout2:
			s.TargetRowSize = d.uvarint()
			for i := range s.Columns {
				s.Columns[i].OnUpdate = d.str()
			}
		default:
			d.fail("unknown options layout %d (written by a newer dsql?)", layout)
		}
	}
	if err := d.finish(func() []byte { return encodeSchema(s) }); err != nil {
		return Schema{}, err
	}
	if err := s.Validate(); err != nil {
		return Schema{}, fmt.Errorf("%w: schema chunk: %w", storage.ErrCorrupt, err)
	}
	return s, nil
}
