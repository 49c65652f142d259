package repo

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

func TestRootTables(t *testing.T) {
	ctx := context.Background()
	ns := prolly.NewNodeStore(memstore.New(), 0)
	r, err := EmptyRoot(ctx, ns)
	if err != nil {
		t.Fatal(err)
	}
	empty := r
	for _, n := range []string{"Orders", "items", "Zeta", "alpha"} {
		if r, err = r.PutTable(ctx, newSimpleTable(t, ns, n, 1)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := r.TableNames(), []string{"alpha", "items", "Orders", "Zeta"}; !slices.Equal(got, want) {
		t.Fatalf("TableNames = %v, want %v", got, want)
	}
	// Case-insensitive lookup, case-preserving names.
	for _, n := range []string{"orders", "ORDERS", "Orders"} {
		tb, ok, err := r.Table(ctx, n)
		if err != nil || !ok || tb.Name() != "Orders" {
			t.Fatalf("Table(%q) = %q %v %v", n, tb.Name(), ok, err)
		}
	}
	if _, ok, _ := r.Table(ctx, "nope"); ok {
		t.Fatal("found a missing table")
	}
	// Putting "ORDERS" replaces "Orders" and takes the new case.
	r2, err := r.PutTable(ctx, newSimpleTable(t, ns, "ORDERS", 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(r2.TableNames(), "ORDERS") || len(r2.TableNames()) != 4 {
		t.Fatalf("replace by folded name: %v", r2.TableNames())
	}
	if !slices.Contains(r.TableNames(), "Orders") {
		t.Fatal("the old root changed (Immutability)")
	}
	// Rename, with foreign keys following, and a case-only rename.
	fk := ForeignKey{Name: "fk_items", Table: "items", Columns: []string{"v"}, ParentTable: "orders", ParentColumns: []string{"id"}}
	if r, err = r.PutForeignKey(ctx, fk); err != nil {
		t.Fatal(err)
	}
	r3, err := r.RenameTable(ctx, "ORDERS", "purchases")
	if err != nil {
		t.Fatal(err)
	}
	if r3.HasTable("orders") || !r3.HasTable("Purchases") {
		t.Fatalf("rename: %v", r3.TableNames())
	}
	tb, _, _ := r3.Table(ctx, "purchases")
	if tb.Name() != "purchases" || tb.Rows().Count() != 1 {
		t.Fatalf("renamed table: %q, %d rows", tb.Name(), tb.Rows().Count())
	}
	if got, _ := r3.ForeignKey("FK_ITEMS"); got.ParentTable != "purchases" {
		t.Fatalf("foreign key not renamed: %+v", got)
	}
	if got, _ := r.ForeignKey("fk_items"); got.ParentTable != "orders" {
		t.Fatal("the old root's foreign key changed")
	}
	r4, err := r3.RenameTable(ctx, "purchases", "PURCHASES")
	if err != nil || !slices.Contains(r4.TableNames(), "PURCHASES") {
		t.Fatalf("case-only rename: %v %v", r4.TableNames(), err)
	}
	if _, err := r3.RenameTable(ctx, "purchases", "ITEMS"); !errors.Is(err, ErrTableExists) {
		t.Fatalf("rename onto existing: %v", err)
	}
	if _, err := r3.RenameTable(ctx, "gone", "x"); !errors.Is(err, ErrTableNotFound) {
		t.Fatalf("rename missing: %v", err)
	}
	// Remove.
	if _, err := r.RemoveTable(ctx, "items", "nope"); !errors.Is(err, ErrTableNotFound) {
		t.Fatalf("remove missing: %v", err)
	}
	r5, err := r.RemoveTable(ctx, "ITEMS", "orders", "zeta", "Alpha")
	if err != nil {
		t.Fatal(err)
	}
	if len(r5.TableNames()) != 0 {
		t.Fatalf("left %v", r5.TableNames())
	}
	if r5, err = r5.RemoveForeignKey(ctx, "Fk_Items"); err != nil {
		t.Fatal(err)
	}
	if r5.Hash() != empty.Hash() {
		t.Fatal("root emptied by removal differs from the empty root")
	}
	if _, err := r5.RemoveForeignKey(ctx, "fk_items"); !errors.Is(err, ErrForeignKeyNotFound) {
		t.Fatalf("remove missing fk: %v", err)
	}
	// A loaded root (no in-memory tables) answers the same.
	lr, err := loadRoot(ctx, ns, r.Hash())
	if err != nil {
		t.Fatal(err)
	}
	tb, ok, err := lr.Table(ctx, "ALPHA")
	if err != nil || !ok || tb.Name() != "alpha" {
		t.Fatalf("loaded root lookup: %v %v", ok, err)
	}
}

func TestForeignKeyValidate(t *testing.T) {
	ctx := context.Background()
	r, _ := EmptyRoot(ctx, prolly.NewNodeStore(memstore.New(), 0))
	for _, fk := range []ForeignKey{
		{},
		{Name: "f", Table: "a", ParentTable: "b"},
		{Name: "f", Table: "a", Columns: []string{"x"}, ParentTable: "b", ParentColumns: []string{"x", "y"}},
		{Name: "f", Table: "a", Columns: []string{"x"}, ParentTable: "b", ParentColumns: []string{"x"}, OnDelete: 99},
	} {
		if _, err := r.PutForeignKey(ctx, fk); !errors.Is(err, ErrInvalid) {
			t.Errorf("PutForeignKey(%+v) = %v", fk, err)
		}
	}
}

func TestSchemaValidate(t *testing.T) {
	ok := richSchema("t")
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(s *Schema){
		"name is empty":         func(s *Schema) { s.Name = "" },
		"longer than 64":        func(s *Schema) { s.Name = strings.Repeat("x", 65) },
		"no columns":            func(s *Schema) { s.Columns = nil },
		"duplicate column":      func(s *Schema) { s.Columns[1].Name = "ID" },
		"no SQL type":           func(s *Schema) { s.Columns[1].SQLType = "" },
		"column \"Name\"":       func(s *Schema) { s.Columns[1].Type.Collation = nil },
		"cannot have a default": func(s *Schema) { s.Columns[4].Default = "1" },
		"STORED":                func(s *Schema) { s.Columns[1].GeneratedStored = true },
		"both AUTO_INCREMENT": func(s *Schema) {
			s.Columns[2].AutoIncrement = true
			s.Columns[2].Type = tuple.Field{Enc: tuple.Int32Enc}
		},
		"must be an integer":   func(s *Schema) { s.Columns[0].AutoIncrement = false; s.Columns[1].AutoIncrement = true },
		"out of range":         func(s *Schema) { s.PrimaryKey = []int{9} },
		"twice in the primary": func(s *Schema) { s.PrimaryKey = []int{0, 0} },
		"is nullable":          func(s *Schema) { s.PrimaryKey = []int{0, 1} },
		"reserved":             func(s *Schema) { s.Indexes[0].Name = "primary" },
		"duplicate index":      func(s *Schema) { s.Indexes[1].Name = "BY_NAME" },
		"has no columns":       func(s *Schema) { s.Indexes[0].Columns = nil },
		"does not exist":       func(s *Schema) { s.Indexes[0].Columns[0].Name = "nope" },
		"lists column":         func(s *Schema) { s.Indexes[1].Columns[1].Name = "PRICE" },
		"prefix length":        func(s *Schema) { s.Indexes[1].Columns[0].Prefix = 3 },
		"duplicate check":      func(s *Schema) { s.Checks[1].Name = "POS" },
		"no expression":        func(s *Schema) { s.Checks[0].Expr = "" },
		"table collation":      func(s *Schema) { s.Collation = "klingon_ci" },
	}
	for want, mutate := range cases {
		s := richSchema("t")
		mutate(&s)
		err := s.Validate()
		if !errors.Is(err, ErrInvalidSchema) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
}

func TestDescs(t *testing.T) {
	s := richSchema("t")
	kd, _ := s.KeyDesc()
	vd, _ := s.ValueDesc()
	if kd.Len() != 1 || kd.Field(0).Enc != tuple.Int64Enc || vd.Len() != 4 || vd.Field(0).Enc != tuple.StringEnc {
		t.Fatalf("key %v value %v", kd, vd)
	}
	// index (price, at) then the PK column id
	id, _ := s.IndexKeyDesc(1)
	if id.Len() != 3 || id.Field(0).Enc != tuple.DecimalEnc || id.Field(2).Enc != tuple.Int64Enc {
		t.Fatalf("index desc %v", id)
	}
	// an index that already contains the PK does not repeat it
	s.Indexes = append(s.Indexes, Index{Name: "by_id_name", Columns: []IndexColumn{{Name: "name"}, {Name: "id"}}})
	if id, _ := s.IndexKeyDesc(2); id.Len() != 2 {
		t.Fatalf("index with PK: %v", id)
	}
	// keyless: hash key, count + every column
	s.PrimaryKey = nil
	kd, _ = s.KeyDesc()
	vd, _ = s.ValueDesc()
	id, _ = s.IndexKeyDesc(0)
	if kd.Len() != 1 || kd.Field(0).Enc != tuple.BytesEnc || vd.Len() != 6 || vd.Field(0).Enc != tuple.Uint64Enc || id.Len() != 2 {
		t.Fatalf("keyless: key %v value %v index %v", kd, vd, id)
	}
	cd, _ := s.ColumnsDesc()
	b := tuple.NewBuilder(cd)
	b.PutInt(0, 1)
	row, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	k, err := KeylessKey(row)
	if err != nil || kd.Validate(k) != nil {
		t.Fatalf("KeylessKey: %v", err)
	}
	if _, err := s.IndexKeyDesc(5); !errors.Is(err, ErrInvalid) {
		t.Fatalf("IndexKeyDesc out of range: %v", err)
	}
}

func TestTableWithSchema(t *testing.T) {
	ctx := context.Background()
	ns := prolly.NewNodeStore(memstore.New(), 0)
	tb := newSimpleTable(t, ns, "t", 1, 2)
	s := tb.Schema().Clone()
	s.Columns = append(s.Columns, Column{Name: "w", SQLType: "int", Type: tuple.Field{Enc: tuple.Int32Enc, Nullable: true}})
	s.Indexes = []Index{{Name: "by_v", Columns: []IndexColumn{{Name: "v"}}}}
	t2, err := tb.WithSchema(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if t2.Rows().Hash() != tb.Rows().Hash() || t2.SchemaHash() == tb.SchemaHash() || len(t2.Indexes()) != 1 {
		t.Fatal("WithSchema lost rows or did not add the index")
	}
	// old rows (trailing NULL trimmed) are valid under the new value desc
	it, _ := t2.Rows().Iter(ctx, prolly.All)
	_, v, err := it.Next(ctx)
	if err != nil || t2.ValueDesc().Validate(v) != nil {
		t.Fatalf("row after adding a column: %v", err)
	}
	if _, err := t2.WithIndex(ctx, "nope", t2.Rows()); !errors.Is(err, ErrInvalid) {
		t.Fatalf("WithIndex unknown: %v", err)
	}
	bad := s.Clone()
	bad.Columns = nil
	if _, err := tb.WithSchema(ctx, bad); !errors.Is(err, ErrInvalidSchema) {
		t.Fatalf("WithSchema invalid: %v", err)
	}
}

// TestForeignKeyUnresolvedEncoding pins the unresolved flag of a foreign key: a resolved
// key is written exactly as before the flag existed (so stored roots keep their hashes
// and decode as resolved), an unresolved one sets bit 0x80 of its on-update byte and
// round-trips through the store, and other high bits are refused.
func TestForeignKeyUnresolvedEncoding(t *testing.T) {
	ctx := context.Background()
	fk := ForeignKey{Name: "fk", Table: "c", Columns: []string{"p"}, ParentTable: "p", ParentColumns: []string{"id"},
		OnUpdate: FKCascade, OnDelete: FKSetNull}
	// The layout before the flag, built by hand.
	old := []byte{byte(KindRoot), 0, 1, 2, 'f', 'k', 1, 'c', 1, 1, 'p', 1, 'p', 1, 2, 'i', 'd', byte(FKCascade), byte(FKSetNull)}
	if got := encodeRootData(rootData{fks: []ForeignKey{fk}}); !slices.Equal(got, old) {
		t.Fatalf("resolved key encodes as % x, want the pre-flag % x", got, old)
	}
	rd, err := decodeRootData(old)
	if err != nil || len(rd.fks) != 1 || rd.fks[0].Unresolved || rd.fks[0].OnUpdate != FKCascade {
		t.Fatalf("pre-flag chunk decodes as %+v, %v", rd.fks, err)
	}
	un := fk
	un.Unresolved = true
	b := encodeRootData(rootData{fks: []ForeignKey{un}})
	if b[len(b)-2] != byte(FKCascade)|0x80 || len(b) != len(old) {
		t.Fatalf("unresolved key encodes as % x", b)
	}
	if rd, err = decodeRootData(b); err != nil || !equalFKs(rd.fks, []ForeignKey{un}) {
		t.Fatalf("unresolved key decodes as %+v, %v", rd.fks, err)
	}
	for _, bad := range []byte{0x40 | byte(FKCascade), 0x80 | byte(numFKActions)} {
		c := slices.Clone(old)
		c[len(c)-2] = bad
		if _, err := decodeRootData(c); !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("on-update byte %#x: %v", bad, err)
		}
	}

	// Through a store: the flag survives, changes the root's hash, and clearing it gives
	// back the resolved root's hash.
	ns := prolly.NewNodeStore(memstore.New(), 0)
	empty, err := EmptyRoot(ctx, ns)
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := empty.PutForeignKey(ctx, fk)
	if err != nil {
		t.Fatal(err)
	}
	unresolved, err := resolved.PutForeignKey(ctx, un)
	if err != nil {
		t.Fatal(err)
	}
	if unresolved.Hash() == resolved.Hash() {
		t.Fatal("the flag does not change the root hash")
	}
	loaded, err := loadRoot(ctx, ns, unresolved.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := loaded.ForeignKey("FK"); !got.Unresolved || got.OnUpdate != FKCascade {
		t.Fatalf("loaded %+v", got)
	}
	// RenameTable keeps the flag.
	if got, _ := mustRename(t, loaded, ns).ForeignKey("fk"); !got.Unresolved || got.ParentTable != "q" {
		t.Fatalf("renamed %+v", got)
	}
	back, err := unresolved.PutForeignKey(ctx, fk)
	if err != nil {
		t.Fatal(err)
	}
	if back.Hash() != resolved.Hash() {
		t.Fatal("resolving the key does not give back the resolved root")
	}
}

func equalFKs(a, b []ForeignKey) bool {
	return slices.EqualFunc(a, b, func(x, y ForeignKey) bool {
		return x.Name == y.Name && x.Table == y.Table && slices.Equal(x.Columns, y.Columns) &&
			x.ParentTable == y.ParentTable && slices.Equal(x.ParentColumns, y.ParentColumns) &&
			x.OnUpdate == y.OnUpdate && x.OnDelete == y.OnDelete && x.Unresolved == y.Unresolved
	})
}

// mustRename puts a table "p" into r and renames it to "q".
func mustRename(t *testing.T, r Root, ns *prolly.NodeStore) Root {
	t.Helper()
	ctx := context.Background()
	r, err := r.PutTable(ctx, newSimpleTable(t, ns, "p", 1))
	if err != nil {
		t.Fatal(err)
	}
	if r, err = r.RenameTable(ctx, "p", "q"); err != nil {
		t.Fatal(err)
	}
	return r
}
