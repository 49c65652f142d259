package repo

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// TestRoundTripEveryKind writes a schema, table, root, commit and working set (with merge
// state) to each real store, makes them durable with a ref, reopens the store and reads
// every one back (Content addressing, Durability).
func TestRoundTripEveryKind(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, open func() storage.Store) {
		s := open()
		r := mustInit(t, s)
		ns := r.NodeStore()
		rich, err := NewTable(ctx, ns, richSchema("Rich"))
		if err != nil {
			t.Fatal(err)
		}
		rich, err = rich.WithAutoIncrement(ctx, 42)
		if err != nil {
			t.Fatal(err)
		}
		// an index entry, to see index maps survive
		kd, _ := rich.Schema().IndexKeyDesc(0)
		kb := tuple.NewBuilder(kd)
		kb.PutString(0, "ann")
		kb.PutInt(1, 7)
		k, err := kb.Build()
		if err != nil {
			t.Fatal(err)
		}
		ed := rich.Indexes()["by_name"].Edit()
		if err := ed.Put(k, nil); err != nil {
			t.Fatal(err)
		}
		im, err := ed.Flush(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rich, err = rich.WithIndex(ctx, "BY_NAME", im); err != nil {
			t.Fatal(err)
		}
		simple := newSimpleTable(t, ns, "simple", 1, 2, 3)
		ws0, err := r.WorkingSet(ctx, DefaultBranch)
		if err != nil {
			t.Fatal(err)
		}
		root := ws0.Working()
		for _, tb := range []Table{rich, simple} {
			if root, err = root.PutTable(ctx, tb); err != nil {
				t.Fatal(err)
			}
		}
		fk := ForeignKey{Name: "fk1", Table: "simple", Columns: []string{"v"}, ParentTable: "Rich", ParentColumns: []string{"id"}, OnUpdate: FKCascade, OnDelete: FKSetNull}
		if root, err = root.PutForeignKey(ctx, fk); err != nil {
			t.Fatal(err)
		}
		if !root.HasForeignKeyOn("SIMPLE") || !root.HasForeignKeyOn("rich") || root.HasForeignKeyOn("other") {
			t.Fatal("HasForeignKeyOn: want the child and the parent table (any case), and no other")
		}
		head, err := r.Branch(ctx, DefaultBranch)
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewCommit(root.Hash(), []Commit{head}, testAuthor, testAuthor, "two tables")
		if err != nil {
			t.Fatal(err)
		}
		ws := NewWorkingSet(root, ws0.Staged()).WithMerge(MergeState{Commit: c.Hash(), PreMergeWorking: ws0.Working().Hash()})
		// the merge state references c: the commit chunk travels with the ref update
		if err := s.Put(ctx, c.Chunk()); err != nil {
			t.Fatal(err)
		}
		if err := r.UpdateWorkingSet(ctx, DefaultBranch, ws0, ws); err != nil {
			t.Fatal(err)
		}
		s.Close()

		s = open()
		r, err = Open(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		ws2, err := r.WorkingSet(ctx, DefaultBranch)
		if err != nil {
			t.Fatal(err)
		}
		if ws2.Hash() != ws.Hash() {
			t.Fatalf("working set hash %s, want %s", ws2.Hash(), ws.Hash())
		}
		ms, ok := ws2.Merge()
		if !ok || ms.Commit != c.Hash() || ms.PreMergeWorking != ws0.Working().Hash() {
			t.Fatalf("merge state %+v %v", ms, ok)
		}
		root2 := ws2.Working()
		if root2.Hash() != root.Hash() || !reflect.DeepEqual(root2.ForeignKeys(), []ForeignKey{fk}) {
			t.Fatalf("root differs: %v", root2.ForeignKeys())
		}
		rich2, ok, err := root2.Table(ctx, "rich")
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if rich2.Hash() != rich.Hash() || rich2.AutoIncrement() != 42 || rich2.Name() != "Rich" {
			t.Fatalf("table differs")
		}
		if !reflect.DeepEqual(rich2.Schema(), richSchema("Rich")) {
			t.Fatalf("schema differs:\n%+v\n%+v", rich2.Schema(), richSchema("Rich"))
		}
		if got, _ := rich2.Index("by_name"); got.Count() != 1 || got.Hash() != im.Hash() {
			t.Fatalf("index lost")
		}
		simple2, _, err := root2.Table(ctx, "SIMPLE")
		if err != nil || simple2.Rows().Count() != 3 || simple2.Rows().Hash() != simple.Rows().Hash() {
			t.Fatalf("rows lost: %v", err)
		}
		c2, err := r.Commit(ctx, c.Hash())
		if err != nil {
			t.Fatal(err)
		}
		if c2.Hash() != c.Hash() || c2.Message() != "two tables" || c2.Height() != 2 ||
			!c2.Author().Time.Equal(testAuthor.Time) || c2.Parents()[0] != head.Hash() {
			t.Fatalf("commit differs: %+v", c2)
		}
		if _, off := c2.Author().Time.Zone(); off != 2*3600 {
			t.Fatalf("zone offset %d", off)
		}
	})
}

// TestCanonicalEncoding checks that equal values get equal hashes however they were
// built, and that decoders refuse every other byte string (Content addressing).
func TestCanonicalEncoding(t *testing.T) {
	ctx := context.Background()
	ns := prolly.NewNodeStore(memstore.New(), 0)
	// Tables put in different orders give the same root.
	a, b, c := newSimpleTable(t, ns, "a", 1), newSimpleTable(t, ns, "B", 2), newSimpleTable(t, ns, "c", 3)
	r1, _ := EmptyRoot(ctx, ns)
	r2 := r1
	for _, tb := range []Table{a, b, c} {
		r1, _ = r1.PutTable(ctx, tb)
	}
	for _, tb := range []Table{c, a, b, a} {
		r2, _ = r2.PutTable(ctx, tb)
	}
	if r1.Hash() != r2.Hash() {
		t.Fatalf("root hash depends on insertion order")
	}
	// Removing what was added gives back the empty root.
	r3, err := r1.RemoveTable(ctx, "A", "b", "C")
	if err != nil {
		t.Fatal(err)
	}
	empty, _ := EmptyRoot(ctx, ns)
	if r3.Hash() != empty.Hash() {
		t.Fatalf("empty root after removes differs")
	}
	// The same rows reached through different edits give the same table.
	t1 := newSimpleTable(t, ns, "t", 1, 2, 3)
	t2 := fillSimple(t, newSimpleTable(t, ns, "t", 3), 2, 1)
	if t1.Hash() != t2.Hash() {
		t.Fatalf("table hash depends on edit history")
	}
	// Nanoseconds and zone names do not leak into a commit.
	sig1 := Signature{Name: "x", Email: "y", Time: time.Date(2020, 1, 1, 0, 0, 0, 1234567, time.FixedZone("A", 3600))}
	sig2 := sig1
	sig2.Time = sig1.Time.Truncate(time.Microsecond).In(time.FixedZone("B", 3600))
	c1, _ := NewCommit(empty.Hash(), nil, sig1, sig1, "m")
	c2, _ := NewCommit(empty.Hash(), nil, sig2, sig2, "m")
	if c1.Hash() != c2.Hash() {
		t.Fatalf("commit hash depends on nanoseconds or zone name")
	}

	// Every chunk kind: decoding accepts the encoding, refuses truncations, trailing
	// bytes and a non-minimal varint.
	ws := NewWorkingSet(r1, empty).WithMerge(MergeState{Commit: c1.Hash(), PreMergeWorking: empty.Hash()})
	chunks := map[Kind][]byte{
		KindSchema:     encodeSchema(richSchema("r")),
		KindTable:      encodeTableData(t1.data()),
		KindRoot:       encodeRootData(rootData{tables: r1.tables, fks: []ForeignKey{{Name: "f", Table: "a", Columns: []string{"id"}, ParentTable: "b", ParentColumns: []string{"id"}}}}),
		KindCommit:     c1.Chunk().Data,
		KindWorkingSet: ws.Chunk().Data,
		KindTag:        encodeTagData(tagData{commit: c1.Hash(), name: "v1", tagger: sig1.canonical(), message: "m"}),
		KindHead:       encodeHead("main"),
		KindConfig:     encodeConfig([]configEntry{{"a", "1"}, {"b", ""}}),
	}
	for k, data := range chunks {
		if _, err := ChildHashes(data); err != nil {
			t.Errorf("%v: %v", k, err)
		}
		if got, ok := ChunkKind(data); !ok || got != k {
			t.Errorf("ChunkKind = %v %v, want %v", got, ok, k)
		}
		for n := 0; n < len(data); n++ {
			if _, err := ChildHashes(data[:n]); !errors.Is(err, storage.ErrCorrupt) {
				t.Errorf("%v truncated to %d bytes: %v", k, n, err)
			}
		}
		if _, err := ChildHashes(append(append([]byte(nil), data...), 0)); !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("%v with a trailing byte: %v", k, err)
		}
	}
	// A non-minimal varint (height 1 as 0x81 0x00) is refused.
	cd := c1.Chunk().Data
	bad := append(append(append([]byte(nil), cd[:1+hash.ByteLen]...), 0x81, 0x00), cd[1+hash.ByteLen+1:]...)
	if _, err := decodeCommit(bad); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("non-canonical varint accepted: %v", err)
	}
	// A root with tables out of order is refused.
	swapped := encodeRootData(rootData{tables: []rootEntry{r1.tables[1], r1.tables[0]}})
	if _, err := decodeRootData(swapped); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("unsorted root accepted: %v", err)
	}
	for _, k := range []byte{0x41, 0xC0, 0xC9, 0xFF} {
		if _, err := ChildHashes([]byte{k, 0}); !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("kind %#x: %v", k, err)
		}
	}
	if _, err := ChildHashes(nil); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("empty chunk: %v", err)
	}
}

// TestGoldenHashes pins the encodings: a change here changes every stored hash and needs
// a new storage.FormatVersion (Content addressing).
func TestGoldenHashes(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	r := mustInit(t, s)
	head, err := r.Branch(ctx, DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	const (
		wantRoot   = "7v73tps1io9ieefi0kqaeieabirbbtuc"
		wantCommit = "ps3tlu98s8dp5a2orf1npeasaqt97okj"
	)
	if got := head.RootHash().String(); got != wantRoot {
		t.Errorf("empty root hash %s, want %s", got, wantRoot)
	}
	if got := head.Hash().String(); got != wantCommit {
		t.Errorf("initial commit hash %s, want %s", got, wantCommit)
	}
	if head.Message() != InitMessage || head.Height() != 1 || len(head.Parents()) != 0 {
		t.Errorf("initial commit %+v", head)
	}
}
