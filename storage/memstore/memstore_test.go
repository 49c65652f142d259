package memstore_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
	"github.com/dsqldb/dsql/storage/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storage.Store { return memstore.New() })
}

// TestOwnedAndShared: Put refuses a bad chunk and stores nothing; PutOwned stores an
// Addressed chunk under its address and keeps the caller's slice; GetShared returns the
// stored slice, Get a copy.
func TestOwnedAndShared(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()
	bad := storage.Chunk{Hash: hash.Of([]byte("other")), Data: []byte("not it")}
	if err := s.Put(ctx, bad); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("Put of a bad chunk: %v", err)
	}
	if ok, _ := s.Has(ctx, bad.Hash); ok {
		t.Fatal("a refused chunk is held")
	}
	data := []byte("owned chunk")
	h := hash.Of(data)
	if err := s.PutOwned(ctx, storage.Address(data)); err != nil {
		t.Fatal(err)
	}
	shared, err := s.GetShared(ctx, h)
	if err != nil || !bytes.Equal(shared, data) || &shared[0] != &data[0] {
		t.Fatalf("GetShared = %q, %v (want the owned slice itself)", shared, err)
	}
	got, err := s.Get(ctx, h)
	if err != nil || !bytes.Equal(got, data) || &got[0] == &data[0] {
		t.Fatalf("Get = %q, %v (want a copy)", got, err)
	}
	if _, err := s.GetShared(ctx, bad.Hash); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("GetShared of an absent chunk: %v", err)
	}
}
