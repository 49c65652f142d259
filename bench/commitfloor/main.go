// Command commitfloor measures the floor under a durable single-row write on this machine:
// what one synced commit costs before any SQL work, so that bench/sysbench.sh can set
// MariaDB's write medians against it in the same run.
//
// It times, one call after another on one goroutine (as sysbench's single client does):
//
//   - overwrite: a 4 KiB pwrite over already-written blocks of a preallocated file, then
//     fdatasync. This is how a redo log such as InnoDB's commits (a fixed-size file, written
//     in place), and the least a durable commit costs on this filesystem.
//   - append: a 200-byte write at the end of a growing file, then fdatasync; the file's
//     size changes, so the sync also writes the inode. This is a write-ahead log before
//     its file is recycled.
//   - pebble-0: pebblestore.Store.Commit with one ref update and no chunks: Pebble's synced
//     batch, dsql's durability unit (ARCHITECTURE.md, Durability), at its smallest.
//   - pebble-10k: the same with two new 5 KiB chunks: what an autocommit UPDATE of one row of
//     a 10,000-row table commits (a leaf and an internal node of the primary tree, about
//     10 KiB; bench/README.md).
//   - pebble-10k-append: pebble-10k with Pebble's own WAL layout (pebblestore
//     Options.AppendWAL), where every commit appends past the file's written end; the
//     difference from pebble-10k is what the store's "WAL in place" invariant saves.
//
// It prints each one's median and quartiles in milliseconds, one line each, in the form
// "commitfloor <name> median_ms p25_ms p75_ms". Usage:
//
//	go run ./bench/commitfloor -dir /tmp/floor -n 2000
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"golang.org/x/sys/unix"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/pebblestore"
)

func main() {
	dir := flag.String("dir", "", "directory for the test files (on the filesystem to measure); made if missing, emptied first")
	n := flag.Int("n", 2000, "timed calls per measurement")
	flag.Parse()
	if *dir == "" || *n < 10 {
		fmt.Fprintln(os.Stderr, "usage: commitfloor -dir DIR [-n N (>= 10)]")
		os.Exit(2)
	}
	if err := run(*dir, *n); err != nil {
		fmt.Fprintln(os.Stderr, "commitfloor:", err)
		os.Exit(1)
	}
}

func run(dir string, n int) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, m := range []struct {
		name string
		fn   func(dir string, n int) ([]time.Duration, error)
	}{
		{"overwrite", overwrite},
		{"append", appendSync},
		{"pebble-0", func(d string, n int) ([]time.Duration, error) { return pebbleCommits(d, n, 0, false) }},
		{"pebble-10k", func(d string, n int) ([]time.Duration, error) { return pebbleCommits(d, n, 2, false) }},
		{"pebble-10k-append", func(d string, n int) ([]time.Duration, error) { return pebbleCommits(d, n, 2, true) }},
	} {
		ds, err := m.fn(filepath.Join(dir, m.name), n)
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		slices.Sort(ds)
		q := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))]) / 1e6 }
		fmt.Printf("commitfloor %-17s %.3f %.3f %.3f\n", m.name, q(0.5), q(0.25), q(0.75))
	}
	return nil
}

// overwrite times 4 KiB pwrite + fdatasync over the written blocks of an 8 MiB file.
func overwrite(path string, n int) ([]time.Duration, error) {
	const size = 8 << 20
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.WriteAt(make([]byte, size), 0); err != nil {
		return nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, err
	}
	buf := make([]byte, 4096)
	out := make([]time.Duration, n)
	for i := range out {
		buf[0] = byte(i)
		t := time.Now()
		if _, err := f.WriteAt(buf, int64(i*len(buf))%size); err != nil {
			return nil, err
		}
		if err := unix.Fdatasync(int(f.Fd())); err != nil {
			return nil, err
		}
		out[i] = time.Since(t)
	}
	return out, nil
}

// appendSync times a 200-byte append + fdatasync to a file that grows.
func appendSync(path string, n int) ([]time.Duration, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 200)
	out := make([]time.Duration, n)
	for i := range out {
		t := time.Now()
		if _, err := f.Write(buf); err != nil {
			return nil, err
		}
		if err := unix.Fdatasync(int(f.Fd())); err != nil {
			return nil, err
		}
		out[i] = time.Since(t)
	}
	return out, nil
}

// pebbleCommits times n synced Commits of a fresh store, each with chunks new chunks of
// 5 KiB of random digits and one ref update naming the last of them (or, with no chunks,
// alternating between two chunks Put before the timing). appendWAL sets
// pebblestore.Options.AppendWAL.
func pebbleCommits(dir string, n, chunks int, appendWAL bool) ([]time.Duration, error) {
	ctx := context.Background()
	s, err := pebblestore.Open(dir, pebblestore.Options{AppendWAL: appendWAL})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(1, uint64(chunks)))
	chunk := func() storage.Chunk {
		b := make([]byte, 5<<10)
		for i := range b {
			b[i] = '0' + byte(rng.IntN(10))
		}
		return storage.NewChunk(b)
	}
	fixed := []storage.Chunk{chunk(), chunk()}
	if err := s.Commit(ctx, fixed, nil); err != nil {
		return nil, err
	}
	var cur hash.Hash
	out := make([]time.Duration, n)
	for i := range out {
		var cs []storage.Chunk
		next := fixed[i%2].Hash
		for range chunks {
			cs = append(cs, chunk())
			next = cs[len(cs)-1].Hash
		}
		t := time.Now()
		if err := s.Commit(ctx, cs, []storage.RefUpdate{{Name: "refs/heads/main", Old: cur, New: next}}); err != nil {
			return nil, err
		}
		out[i] = time.Since(t)
		cur = next
	}
	return out, nil
}
