package pebblestore

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/storetest"
)

// TestWALZeroAhead checks invariant "WAL in place" on a real directory and on crash
// clones: the live WAL file is filled with zeros past its last record (so a Commit's
// append overwrites written blocks), at most walZeroStep past it; the zeros are read as
// the log's end, so every acknowledged Commit is there after a reopen and after a crash
// that keeps only synced data; and WAL files Pebble recycles (small memtables, many
// rotations) keep working.
func TestWALZeroAhead(t *testing.T) {
	ctx := context.Background()
	seed := storetest.Seed(t)
	r := rand.New(rand.NewSource(seed))

	t.Run("disk", func(t *testing.T) {
		dir := t.TempDir()
		s := mustOpen(t, dir, Options{})
		refs := map[string]hash.Hash{}
		for i := range 300 { // ~3 MiB of log: several zero-ahead extensions
			c := storetest.RandomChunk(r, 10<<10)
			name := fmt.Sprintf("refs/heads/b%d", i%7)
			if err := s.Commit(ctx, []storage.Chunk{c}, []storage.RefUpdate{{Name: name, Old: refs[name], New: c.Hash}}); err != nil {
				t.Fatal(err)
			}
			refs[name] = c.Hash
		}
		size, zeros := liveWAL(t, dir)
		if zeros == 0 || zeros > walZeroStep {
			t.Errorf("live WAL ends in %d zero bytes (size %d), want 1..%d: the file is not filled ahead of Pebble's writes", zeros, size, walZeroStep)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s = mustOpen(t, dir, Options{})
		defer s.Close()
		checkRefs(t, s, refs)
	})

	t.Run("crash", func(t *testing.T) {
		fs := vfs.NewCrashableMem()
		// A 256 KiB memtable makes Pebble rotate and recycle WAL files every ~25 commits.
		s := mustOpen(t, "db", Options{FS: fs, memTableSize: 256 << 10})
		refs := map[string]hash.Hash{}
		for i := range 400 {
			c := storetest.RandomChunk(r, 1+r.Intn(20<<10))
			name := fmt.Sprintf("b%d", r.Intn(5))
			if err := s.Commit(ctx, []storage.Chunk{c}, []storage.RefUpdate{{Name: name, Old: refs[name], New: c.Hash}}); err != nil {
				t.Fatal(err)
			}
			refs[name] = c.Hash
			if i%97 == 0 || i == 399 {
				clone := fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0})
				s2 := mustOpen(t, "db", Options{FS: clone, memTableSize: 256 << 10})
				checkRefs(t, s2, refs)
				if err := s2.Close(); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

// liveWAL returns the size of the newest WAL file in dir and how many zero bytes end it.
func liveWAL(t *testing.T, dir string) (size, zeros int64) {
	t.Helper()
	logs, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil || len(logs) == 0 {
		t.Fatalf("no WAL file in %s (%v)", dir, err)
	}
	newest := logs[0]
	for _, l := range logs {
		if strings.Compare(filepath.Base(l), filepath.Base(newest)) > 0 {
			newest = l
		}
	}
	b, err := os.ReadFile(newest)
	if err != nil {
		t.Fatal(err)
	}
	i := len(b)
	for i > 0 && b[i-1] == 0 {
		i--
	}
	return int64(len(b)), int64(len(b) - i)
}

// checkRefs checks that s has exactly the refs in want and that each names a readable chunk.
func checkRefs(t *testing.T, s *Store, want map[string]hash.Hash) {
	t.Helper()
	ctx := context.Background()
	for name, h := range want {
		got, ok, err := s.Ref(ctx, name)
		if err != nil || !ok {
			t.Fatalf("ref %s: found %v, %v", name, ok, err)
		}
		if got != h {
			t.Fatalf("ref %s = %s, want %s (an acknowledged Commit was lost)", name, got, h)
		}
		b, err := s.Get(ctx, h)
		if err != nil {
			t.Fatalf("chunk %s of ref %s: %v", h, name, err)
		}
		if hash.Of(b) != h {
			t.Fatalf("chunk %s of ref %s has the wrong bytes", h, name)
		}
	}
}
