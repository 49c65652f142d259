package pebblestore

import (
	"bytes"
	"context"
	"math/rand"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/dsqldb/dsql/storage"
)

// TestValueSeparation checks the store's value-separation policy (valueSeparation, "Tuning"
// in the package doc): after a flush and a full compaction, chunks of separateMinSize
// bytes or more live in blob files and the small ones in the sstables, and every chunk
// reads back byte for byte, before and after a reopen. With inlineValues nothing is
// separated, so the test would notice if the policy stopped being installed.
func TestValueSeparation(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewSource(7))
	g := newRowGen(7)
	var chunks []storage.Chunk
	for i := 0; i < 600; i++ {
		size := 4096
		if i%3 == 0 {
			size = 64 + r.Intn(separateMinSize-64) // stays in the sstable
		}
		chunks = append(chunks, storage.NewChunk(g.chunk(size)))
	}
	for _, inline := range []bool{false, true} {
		fs := vfs.NewMem()
		opts := Options{FS: fs, inlineValues: inline}
		s := mustOpen(t, "db", opts)
		if err := s.Commit(ctx, chunks, []storage.RefUpdate{{Name: "r", New: chunks[0].Hash}}); err != nil {
			t.Fatal(err)
		}
		if err := s.Compact(ctx); err != nil {
			t.Fatal(err)
		}
		m := s.db.Metrics()
		if inline && m.BlobFiles.LiveCount != 0 {
			t.Fatalf("inlineValues: %d blob files, want none", m.BlobFiles.LiveCount)
		}
		if !inline {
			if m.BlobFiles.LiveCount == 0 {
				t.Fatalf("no blob file after compaction: the value-separation policy is not installed")
			}
			// Pebble counts a few bytes of its own per value; the small chunks
			// (about 57 KB) must not be there.
			var big, nbig uint64
			for i, c := range chunks {
				if i%3 != 0 {
					big += uint64(len(c.Data))
					nbig++
				}
			}
			// Stats counts the blob files on disk (Pebble's DiskSpaceUsage does not).
			st, err := s.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.DiskBytes < int64(m.BlobFiles.LiveSize+m.Table.Local.LiveSize) {
				t.Fatalf("Stats: DiskBytes %d, less than the blob files' %d bytes and the tables' %d", st.DiskBytes, m.BlobFiles.LiveSize, m.Table.Local.LiveSize)
			}
			if v := m.BlobFiles.ValueSize; v < big || v > big+64*nbig {
				t.Fatalf("blob files hold %d value bytes, want the %d bytes of the %d chunks of %d bytes or more", v, big, nbig, separateMinSize)
			}
		}
		for reopen := 0; reopen < 2; reopen++ {
			for _, c := range chunks {
				got, err := s.Get(ctx, c.Hash)
				if err != nil {
					t.Fatalf("inline=%v reopen=%d: Get(%s): %v", inline, reopen, c.Hash, err)
				}
				if !bytes.Equal(got, c.Data) {
					t.Fatalf("inline=%v reopen=%d: Get(%s) returned other bytes", inline, reopen, c.Hash)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = mustOpen(t, "db", opts)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
