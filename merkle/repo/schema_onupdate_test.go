package repo

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// Schema chunks of onUpdateSchema without its ON UPDATE expression, written by the
// encoder before Column.OnUpdate existed: without an options section, and with layout 1
// (TargetRowSize 4096).
const (
	oldSchemaChunk        = "c4026f750302696406626967696e7405000000000000000000000000017606626967696e74050100000000000000000000000263360974696d657374616d7013010000000000001143555252454e545f54494d455354414d5000000000010000000000"
	oldSchemaChunkLayout1 = oldSchemaChunk + "018020"
)

// onUpdateSchema is (id BIGINT PRIMARY KEY, v BIGINT, c6 TIMESTAMP DEFAULT
// CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP).
func onUpdateSchema() Schema {
	s := simpleSchema("ou")
	s.Columns = append(s.Columns, Column{Name: "c6", SQLType: "timestamp",
		Type: tuple.Field{Enc: tuple.TimestampEnc, Nullable: true}, Default: "CURRENT_TIMESTAMP", OnUpdate: "CURRENT_TIMESTAMP"})
	return s
}

// TestSchemaOnUpdate: Column.OnUpdate round-trips through layout 2 of the options
// section, with and without TargetRowSize; schemas without it keep the bytes the encoder
// wrote before the field existed, and those old chunks decode with no ON UPDATE;
// non-canonical layout-2 sections are refused.
func TestSchemaOnUpdate(t *testing.T) {
	s := onUpdateSchema()
	plain := s.Clone()
	plain.Columns[2].OnUpdate = ""
	old, _ := hex.DecodeString(oldSchemaChunk)
	oldL1, _ := hex.DecodeString(oldSchemaChunkLayout1)

	// Old chunks decode, with no ON UPDATE, and are what the encoder still writes.
	for name, chunk := range map[string][]byte{"no options": old, "layout 1": oldL1} {
		got, err := decodeSchema(chunk)
		if err != nil {
			t.Fatalf("%s: decode old chunk: %v", name, err)
		}
		for _, c := range got.Columns {
			if c.OnUpdate != "" {
				t.Errorf("%s: column %q has ON UPDATE %q", name, c.Name, c.OnUpdate)
			}
		}
		if !bytes.Equal(encodeSchema(got), chunk) {
			t.Errorf("%s: re-encoded %x, want the old bytes %x", name, encodeSchema(got), chunk)
		}
	}
	if !bytes.Equal(encodeSchema(plain), old) {
		t.Errorf("schema without ON UPDATE: %x, want the old bytes", encodeSchema(plain))
	}

	// Layout 2: target_row_size 0, then one string per column.
	b := encodeSchema(s)
	wantTail := []byte{schemaOptionsLayout2, 0, 0, 0, 17}
	wantTail = append(wantTail, "CURRENT_TIMESTAMP"...)
	if !bytes.Equal(b[:len(old)], old) || !bytes.Equal(b[len(old):], wantTail) {
		t.Fatalf("layout 2: %x, want %x + %x", b, old, wantTail)
	}
	for _, ts := range []uint64{0, 4096} {
		s.TargetRowSize = ts
		got, err := decodeSchema(encodeSchema(s))
		if err != nil || got.Columns[2].OnUpdate != "CURRENT_TIMESTAMP" || got.Columns[1].OnUpdate != "" || got.TargetRowSize != ts {
			t.Fatalf("round trip with TargetRowSize %d: %+v, %v", ts, got, err)
		}
	}
	if c := s.Clone(); c.Columns[2].OnUpdate != "CURRENT_TIMESTAMP" {
		t.Errorf("Clone lost OnUpdate")
	}

	for name, tail := range map[string][]byte{
		"layout 2 without any expression": {schemaOptionsLayout2, 0x80, 0x20, 0, 0, 0},
		"layout 2 short of a column":      {schemaOptionsLayout2, 0, 0, 0},
		"layout 2 trailing byte":          append(bytes.Clone(wantTail), 0),
	} {
		bad := append(bytes.Clone(old), tail...)
		if _, err := decodeSchema(bad); !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("%s: decode = %v, want ErrCorrupt", name, err)
		}
	}

	gen := onUpdateSchema()
	gen.Columns[2].Default = ""
	gen.Columns[2].Generated = "now()"
	if err := gen.Validate(); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("generated column with ON UPDATE: Validate = %v, want ErrInvalidSchema", err)
	}
}

// TestSchemaOnUpdateTable: a table's schema keeps its ON UPDATE through the store, and a
// changed ON UPDATE changes the schema hash (a schema change for diff and status).
func TestSchemaOnUpdateTable(t *testing.T) {
	ctx := context.Background()
	r := mustInit(t, memstore.New())
	s := onUpdateSchema()
	tb, err := NewTable(ctx, r.NodeStore(), s)
	if err != nil {
		t.Fatal(err)
	}
	plain := s.Clone()
	plain.Columns[2].OnUpdate = ""
	tp, err := NewTable(ctx, r.NodeStore(), plain)
	if err != nil {
		t.Fatal(err)
	}
	if tb.SchemaHash() == tp.SchemaHash() {
		t.Errorf("ON UPDATE does not change the schema hash")
	}
	got, err := loadTable(ctx, r.NodeStore(), tb.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if got.Schema().Columns[2].OnUpdate != "CURRENT_TIMESTAMP" {
		t.Errorf("loaded schema: %+v", got.Schema().Columns[2])
	}
}
