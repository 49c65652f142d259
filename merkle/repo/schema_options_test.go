package repo

import (
	"bytes"
	"errors"
	"testing"

	"github.com/dsqldb/dsql/storage"
)

// TestSchemaOptionsSection: TargetRowSize round-trips through the options section; a
// schema without options is encoded exactly as before the section existed (no trailing
// bytes, so old chunks decode and keep their hashes); non-canonical and unknown layouts
// are refused.
func TestSchemaOptionsSection(t *testing.T) {
	plain := richSchema("r")
	withOpt := richSchema("r")
	withOpt.TargetRowSize = 4096
	pb, ob := encodeSchema(plain), encodeSchema(withOpt)
	if !bytes.Equal(ob[:len(pb)], pb) || !bytes.Equal(ob[len(pb):], []byte{schemaOptionsLayout1, 0x80, 0x20}) {
		t.Fatalf("options section: plain %x, with option %x", pb, ob)
	}
	got, err := decodeSchema(ob)
	if err != nil || got.TargetRowSize != 4096 || got.Comment != plain.Comment {
		t.Fatalf("decode with option: %+v, %v", got, err)
	}
	got, err = decodeSchema(pb)
	if err != nil || got.TargetRowSize != 0 {
		t.Fatalf("decode without option: %+v, %v", got, err)
	}
	for name, tail := range map[string][]byte{
		"zero target row size": {schemaOptionsLayout1, 0},
		"unknown layout":       {2, 1},
		"layout only":          {schemaOptionsLayout1},
		"trailing byte":        {schemaOptionsLayout1, 1, 0},
	} {
		bad := append(bytes.Clone(pb), tail...)
		if _, err := decodeSchema(bad); !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("%s: decode = %v, want ErrCorrupt", name, err)
		}
	}
	if c := withOpt.Clone(); c.TargetRowSize != 4096 {
		t.Errorf("Clone lost TargetRowSize")
	}
}
