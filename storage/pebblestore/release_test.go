package pebblestore

import (
	"context"
	"fmt"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/dsqldb/dsql/storage"
)

// TestReleaseMemory: ReleaseMemory empties the block cache, and every chunk reads back
// the same afterwards (through Pebble, refilling the cache); after Close it does nothing.
func TestReleaseMemory(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, "db", Options{FS: vfs.NewMem()})
	var chunks []storage.Chunk
	for i := range 2000 {
		chunks = append(chunks, storage.NewChunk([]byte(fmt.Sprintf("chunk %d %0200d", i, i))))
	}
	if err := s.Commit(ctx, chunks, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Flush(); err != nil { // into sstables: reads go through the block cache
		t.Fatal(err)
	}
	read := func() {
		t.Helper()
		for _, c := range chunks {
			got, err := s.Get(ctx, c.Hash)
			if err != nil || string(got) != string(c.Data) {
				t.Fatalf("Get %s: %q, %v", c.Hash, got, err)
			}
		}
	}
	read()
	if s.cache.Size() == 0 {
		t.Fatal("nothing in the block cache after the reads: the test cannot see a release")
	}
	s.ReleaseMemory()
	if n := s.cache.Size(); n != 0 {
		t.Fatalf("block cache holds %d bytes after ReleaseMemory", n)
	}
	read()
	if s.cache.Size() == 0 {
		t.Fatal("the block cache did not refill")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s.ReleaseMemory() // closed: no effect, no panic
}
