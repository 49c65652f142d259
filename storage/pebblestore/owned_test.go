package pebblestore

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// TestPutOwned: PutOwned stores an Addressed chunk under the address storage.Address
// computed (it cannot be handed a wrong one), and an owned chunk is readable at once and
// durable with the next Commit. Put still refuses a chunk whose hash is wrong.
func TestPutOwned(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	s := mustOpen(t, "db", Options{FS: fs})
	data := []byte("owned chunk")
	h := hash.Of(data)
	bad := storage.Chunk{Hash: hash.Of([]byte("other")), Data: []byte("not it")}
	if err := s.Put(ctx, bad); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("Put of a bad chunk: %v", err)
	}
	if ok, _ := s.Has(ctx, bad.Hash); ok {
		t.Fatal("a refused chunk is held")
	}
	a := storage.Address(data)
	if a.Hash() != h || !bytes.Equal(a.Chunk().Data, data) {
		t.Fatalf("Address(%q) = %s", data, a.Hash())
	}
	if err := s.PutOwned(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, h)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if err := s.Commit(ctx, nil, []storage.RefUpdate{{Name: "refs/heads/main", New: h}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, "db", Options{FS: fs})
	defer s.Close()
	if got, err = s.Get(ctx, h); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("after reopening: Get = %q, %v", got, err)
	}
}
