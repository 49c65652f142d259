package repo

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// FuzzChildHashes feeds arbitrary bytes to every decoder: none may panic, every refusal
// wraps storage.ErrCorrupt, and every accepted repo chunk re-encodes to the same bytes
// (exactly one encoding per value).
func FuzzChildHashes(f *testing.F) {
	ctx := context.Background()
	ns := prolly.NewNodeStore(memstore.New(), 0)
	empty, _ := EmptyRoot(ctx, ns)
	tb, _ := NewTable(ctx, ns, richSchema("t"))
	root, _ := empty.PutTable(ctx, tb)
	root, _ = root.PutForeignKey(ctx, ForeignKey{Name: "f", Table: "t", Columns: []string{"id"}, ParentTable: "t", ParentColumns: []string{"id"}})
	unresolved, _ := root.PutForeignKey(ctx, ForeignKey{Name: "g", Table: "t", Columns: []string{"id"}, ParentTable: "u", ParentColumns: []string{"id"}, OnUpdate: FKCascade, Unresolved: true})
	c, _ := NewCommit(root.Hash(), nil, testAuthor, testAuthor, "m")
	ws := NewWorkingSet(root, empty).WithMerge(MergeState{Commit: c.Hash(), PreMergeWorking: empty.Hash()})
	for _, seed := range [][]byte{
		encodeSchema(richSchema("t")), encodeSchema(onUpdateSchema()), encodeTableData(tb.data()), encodeRootData(rootData{tables: root.tables, fks: root.fks}),
		encodeRootData(rootData{tables: unresolved.tables, fks: unresolved.fks}),
		c.Chunk().Data, ws.Chunk().Data, tb.Rows().Root().Bytes(), {0xC1}, {},
		encodeTagData(tagData{commit: c.Hash(), name: "v1", tagger: testAuthor.canonical(), message: "m"}),
		encodeHead("main"), encodeConfig([]configEntry{{"k", "v"}}),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ChildHashes(data)
		if err != nil {
			if !errors.Is(err, storage.ErrCorrupt) {
				t.Fatalf("error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		k, ok := ChunkKind(data)
		if !ok {
			return
		}
		var again []byte
		switch k {
		case KindSchema:
			s, _ := decodeSchema(data)
			again = encodeSchema(s)
		case KindTable:
			td, _ := decodeTableData(data)
			again = encodeTableData(td)
		case KindRoot:
			rd, _ := decodeRootData(data)
			again = encodeRootData(rd)
		case KindCommit:
			c, _ := decodeCommit(data)
			again = c.Chunk().Data
		case KindWorkingSet:
			wd, _ := decodeWorkingSetData(data)
			again = encodeWorkingSetData(wd)
		case KindTag:
			td, _ := decodeTagData(data)
			again = encodeTagData(td)
		case KindHead:
			name, _ := decodeHead(data)
			again = encodeHead(name)
		case KindConfig:
			es, _ := decodeConfig(data)
			again = encodeConfig(es)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("%v chunk accepted but re-encodes differently", k)
		}
	})
}
