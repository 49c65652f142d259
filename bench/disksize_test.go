// Package bench holds dsql's measurements that need several layers at once. The storage
// figures (sizes on disk) are tests that log what they measure, so `go test -v ./bench/`
// prints them; the workload scripts against MariaDB live beside them.
package bench

import (
	"context"
	"encoding/binary"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/pebblestore"
)

func dirSize(t *testing.T, dir string) int64 {
	var n int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDiskSize measures the bytes on disk of a 1,000,000-row map of narrow rows (an 8-byte
// key and a 16-byte value: 24 MB of raw row data), then after 10 more versions that each
// change 100 random rows, all kept reachable by refs. It checks loose bounds so a format
// regression fails, and logs the figures.
func TestDiskSize(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 1M rows to Pebble")
	}
	ctx := context.Background()
	dir := t.TempDir()
	st, err := pebblestore.Open(dir, pebblestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ns := prolly.NewNodeStore(st, 0)
	const rows = 1_000_000
	r := rand.New(rand.NewSource(20261125))
	b := prolly.NewBuilder(ns, nil)
	var k [8]byte
	v := make([]byte, 16)
	for i := 0; i < rows; i++ {
		binary.BigEndian.PutUint64(k[:], uint64(i))
		binary.LittleEndian.PutUint64(v, uint64(i)*0x9e3779b97f4a7c15) // incompressible-ish
		binary.LittleEndian.PutUint64(v[8:], uint64(r.Int63n(1_000_000)))
		if err := b.Add(ctx, k[:], v); err != nil {
			t.Fatal(err)
		}
	}
	m, err := b.Finish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(ctx, nil, []storage.RefUpdate{{Name: "refs/heads/v0", New: m.Hash()}}); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		// Compact, close and reopen (which deletes files the compaction made obsolete), so
		// the figure is the live data as it rests on disk: no WAL backlog, no overlapping
		// files.
		if err := st.Compact(ctx); err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		// The reopened store deletes obsolete files in the background; close it again so
		// nothing changes the directory while it is measured, then open it for the test.
		if st, err = pebblestore.Open(dir, pebblestore.Options{}); err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		n := dirSize(t, dir)
		if st, err = pebblestore.Open(dir, pebblestore.Options{}); err != nil {
			t.Fatal(err)
		}
		ns = prolly.NewNodeStore(st, 0)
		return n
	}
	raw := int64(rows * 24)
	base := size()
	t.Logf("1M rows (24 B each, %d MB raw): %.1f MB on disk, %.1f B/row, %.2fx raw", raw>>20, float64(base)/1e6, float64(base)/rows, float64(base)/float64(raw))
	if base > 2*raw {
		t.Errorf("1M narrow rows take %d bytes on disk, more than twice the raw %d", base, raw)
	}
	if m, err = prolly.Load(ctx, ns, m.Hash(), nil); err != nil {
		t.Fatal(err)
	}
	for ver := 1; ver <= 10; ver++ {
		e := m.Edit()
		for j := 0; j < 100; j++ {
			binary.BigEndian.PutUint64(k[:], uint64(r.Intn(rows)))
			binary.LittleEndian.PutUint64(v, r.Uint64())
			if err := e.Put(k[:], v); err != nil {
				t.Fatal(err)
			}
		}
		if m, err = e.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		ref := "refs/heads/v" + string(rune('0'+ver%10))
		if ver == 10 {
			ref = "refs/heads/v10"
		}
		if err := st.Commit(ctx, nil, []storage.RefUpdate{{Name: ref, New: m.Hash()}}); err != nil {
			t.Fatal(err)
		}
	}
	after := size()
	growth := after - base
	perVersion := growth / 10
	t.Logf("after 10 versions x 100 changed rows: %.1f MB on disk (+%.2f MB, %.0f KB per version, %.1f KB per changed row)",
		float64(after)/1e6, float64(growth)/1e6, float64(perVersion)/1e3, float64(perVersion)/100/1e3)
	// Each changed row rewrites about one node per level (~4 KiB each, before compression).
	if limit := int64(10 * 100 * m.Height() * prolly.TargetNodeSize * 2); growth > limit {
		t.Errorf("10 versions of 100 rows grew the store by %d bytes, want <= %d", growth, limit)
	}
	st.Close()
}
