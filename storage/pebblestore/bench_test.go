package pebblestore

import (
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/golang/snappy"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// Benchmarks run on the real filesystem (t.TempDir), where fsync costs what it costs.
// "Uncached" means Pebble's block cache is disabled (1 byte): each Get reads and
// decompresses its block, but the OS page cache still holds the files.

const benchChunkSize = 4096

func benchChunks(seed int64, n int) []storage.Chunk {
	g := newRowGen(seed)
	cs := make([]storage.Chunk, n)
	for i := range cs {
		cs[i] = storage.NewChunk(g.chunk(benchChunkSize))
	}
	return cs
}

// BenchmarkPutCommit1000 measures Put of 1,000 4 KiB chunks and one synced Commit naming
// the last of them: the cost of committing a ~4 MiB transaction.
func BenchmarkPutCommit1000(b *testing.B) {
	ctx := context.Background()
	s := mustOpen(b, filepath.Join(b.TempDir(), "db"), Options{})
	defer s.Close()
	g := newRowGen(1)
	var prev hash.Hash
	b.SetBytes(1000 * benchChunkSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cs := make([]storage.Chunk, 1000)
		for j := range cs {
			cs[j] = storage.NewChunk(g.chunk(benchChunkSize))
		}
		b.StartTimer()
		for _, c := range cs {
			if err := s.Put(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		last := cs[len(cs)-1].Hash
		if err := s.Commit(ctx, nil, []storage.RefUpdate{{Name: "refs/heads/main", Old: prev, New: last}}); err != nil {
			b.Fatal(err)
		}
		prev = last
	}
}

// BenchmarkCommitSmall measures the fixed cost of a synced Commit: one ref update, no
// chunk data.
func BenchmarkCommitSmall(b *testing.B) {
	ctx := context.Background()
	s := mustOpen(b, filepath.Join(b.TempDir(), "db"), Options{})
	defer s.Close()
	cs := benchChunks(2, 2)
	if err := s.PutMany(ctx, cs); err != nil {
		b.Fatal(err)
	}
	var cur hash.Hash
	for i := 0; i < b.N; i++ {
		next := cs[i%2].Hash
		if err := s.Commit(ctx, nil, []storage.RefUpdate{{Name: "refs/heads/main", Old: cur, New: next}}); err != nil {
			b.Fatal(err)
		}
		cur = next
	}
}

// readFixture is a store on disk holding readChunks committed and compacted chunks.
type readFixture struct {
	dir    string
	chunks []storage.Chunk
}

const readChunks = 20000 // ~80 MiB of row data

var (
	readFixtureOnce sync.Once
	readFixtureVal  readFixture
	readFixtureErr  error
)

func getReadFixture(b *testing.B) readFixture {
	readFixtureOnce.Do(func() {
		fixtureDir, readFixtureErr = os.MkdirTemp("", "pebblestore-bench-")
		if readFixtureErr != nil {
			return
		}
		readFixtureVal = readFixture{dir: filepath.Join(fixtureDir, "db"), chunks: benchChunks(3, readChunks)}
		readFixtureErr = fillAndCompact(readFixtureVal.dir, Options{}, readFixtureVal.chunks)
	})
	if readFixtureErr != nil {
		b.Fatal(readFixtureErr)
	}
	return readFixtureVal
}

// fillAndCompact writes chunks to a new store in dir, commits, and compacts everything
// into the bottom level, the steady state of a long-lived store.
func fillAndCompact(dir string, opts Options, chunks []storage.Chunk) error {
	ctx := context.Background()
	opts.Logger = quietLogger
	s, err := Open(dir, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.PutMany(ctx, chunks); err != nil {
		return err
	}
	if err := s.Commit(ctx, nil, []storage.RefUpdate{{Name: "r", New: chunks[0].Hash}}); err != nil {
		return err
	}
	if err := s.db.Flush(); err != nil {
		return err
	}
	return s.db.Compact(ctx, []byte{0}, []byte{0xff}, true)
}

func benchGet(b *testing.B, cacheSize int64) {
	ctx := context.Background()
	f := getReadFixture(b)
	s := mustOpen(b, f.dir, Options{CacheSize: cacheSize})
	defer s.Close()
	r := rand.New(rand.NewSource(1))
	if cacheSize > 1 { // warm the block cache
		for _, c := range f.chunks {
			if _, err := s.Get(ctx, c.Hash); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.SetBytes(benchChunkSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := f.chunks[r.Intn(len(f.chunks))]
		if _, err := s.Get(ctx, c.Hash); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetCached(b *testing.B)   { benchGet(b, 512<<20) }
func BenchmarkGetUncached(b *testing.B) { benchGet(b, 1) }

func BenchmarkHas(b *testing.B) {
	ctx := context.Background()
	f := getReadFixture(b)
	s := mustOpen(b, f.dir, Options{})
	defer s.Close()
	r := rand.New(rand.NewSource(1))
	for _, tc := range []struct {
		name    string
		present bool
	}{{"present", true}, {"absent", false}} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				h := f.chunks[r.Intn(len(f.chunks))].Hash
				if !tc.present {
					h[0] ^= 0xff
				}
				ok, err := s.Has(ctx, h)
				if err != nil || ok != tc.present {
					b.Fatalf("Has = %v, %v", ok, err)
				}
			}
		})
	}
}

// BenchmarkGetMany1000 measures GetMany of 1,000 random committed chunks (block cache
// warm), i.e. loading a subtree.
func BenchmarkGetMany1000(b *testing.B) {
	ctx := context.Background()
	f := getReadFixture(b)
	s := mustOpen(b, f.dir, Options{CacheSize: 512 << 20})
	defer s.Close()
	r := rand.New(rand.NewSource(1))
	for _, c := range f.chunks {
		if _, err := s.Get(ctx, c.Hash); err != nil {
			b.Fatal(err)
		}
	}
	hs := make([]hash.Hash, 1000)
	b.SetBytes(1000 * benchChunkSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range hs {
			hs[j] = f.chunks[r.Intn(len(f.chunks))].Hash
		}
		n := 0
		var mu sync.Mutex
		if err := s.GetMany(ctx, hs, func(storage.Chunk) { mu.Lock(); n++; mu.Unlock() }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompression compares data-block compression and block sizes on row-like 4 KiB
// chunks (rowGen), compacted into the bottom level. It reports disk bytes per raw byte
// ("disk/raw"), and the same for a Dolt-style estimate ("dolt/raw": each chunk
// snappy-compressed on its own plus 32 bytes of per-chunk index and checksum, as in
// Dolt's table files); the timed loop is an uncached Get.
func BenchmarkCompression(b *testing.B) {
	chunks := benchChunks(4, 8000) // ~32 MiB
	var raw, dolt int64
	for _, c := range chunks {
		raw += int64(len(c.Data))
		dolt += int64(len(snappy.Encode(nil, c.Data))) + 32
	}
	for _, v := range []struct {
		name   string
		comp   *sstable.CompressionProfile
		block  int
		inline bool // no value separation
	}{
		{"snappy-4K", sstable.SnappyCompression, 4 << 10, false},
		{"minlz-4K", sstable.MinLZCompression, 4 << 10, false},
		{"zstd3-4K", sstable.ZstdCompression, 4 << 10, false},
		{"minlz-16K", sstable.MinLZCompression, 16 << 10, false},
		{"zstd1-16K", sstable.BalancedCompression, 16 << 10, false},
		{"zstd3-16K", sstable.ZstdCompression, 16 << 10, false},
		{"zstd3-16K-inline", sstable.ZstdCompression, 16 << 10, true},
		{"zstd3-32K", sstable.ZstdCompression, 32 << 10, false},
		{"zstd3-64K", sstable.ZstdCompression, 64 << 10, false},
		{"default", nil, 0, false},
	} {
		b.Run(v.name, func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "db")
			opts := Options{compression: v.comp, blockSize: v.block, inlineValues: v.inline}
			start := time.Now()
			if err := fillAndCompact(dir, opts, chunks); err != nil {
				b.Fatal(err)
			}
			write := time.Since(start)
			opts.CacheSize = 1
			s := mustOpen(b, dir, opts)
			defer s.Close()
			st, err := s.Stats(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			r := rand.New(rand.NewSource(1))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.Get(context.Background(), chunks[r.Intn(len(chunks))].Hash); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.DiskBytes)/float64(raw), "disk/raw")
			b.ReportMetric(float64(dolt)/float64(raw), "dolt/raw")
			b.ReportMetric(float64(raw)/write.Seconds()/(1<<20), "write-MB/s")
		})
	}
}

// fixtureDir holds fixtures shared by several benchmarks (b.TempDir is removed at the
// end of each one); TestMain removes it.
var fixtureDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		_ = os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}
