package prolly

import (
	"context"
	"io"
	"log/slog"
	"math/rand"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/pebblestore"
)

// Benchmarks for the figures the storage foundation promises. Run with
//
//	go test -run '^$' -bench . -benchtime 3x ./merkle/prolly/     (1M-entry builds)
//
// Narrow rows: an 8-byte key and a 16-byte value.

func BenchmarkBuild1M(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		ns := newTestNS(b)
		bl := NewBuilder(ns, nil)
		v := make([]byte, 16)
		for j := 0; j < bigN; j++ {
			v[0] = byte(j)
			if err := bl.Add(ctx, key(j), v); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := bl.Finish(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(bigN)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkGetCached(b *testing.B) {
	ctx := context.Background()
	ns := newTestNS(b)
	m := bigMap(b, ns, bigN)
	r := rand.New(rand.NewSource(testSeed))
	keys := make([][]byte, 4096)
	for i := range keys {
		keys[i] = key(r.Intn(bigN) * 4)
	}
	for _, k := range keys { // warm the cache
		_, _, _ = m.Get(ctx, k)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, err := m.Get(ctx, keys[i%len(keys)]); !ok || err != nil {
			b.Fatal("missing key", err)
		}
	}
}

func BenchmarkEdit1Flush(b *testing.B) {
	ctx := context.Background()
	ns := newTestNS(b)
	m := bigMap(b, ns, bigN)
	r := rand.New(rand.NewSource(testSeed))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e := m.Edit()
		k := r.Intn(bigN)
		_ = e.Put(key(k*4), val(k+i, 16))
		var err error
		if m, err = e.Flush(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDiff10Of1M(b *testing.B) {
	ctx := context.Background()
	ns := newTestNS(b)
	from := bigMap(b, ns, bigN)
	r := rand.New(rand.NewSource(testSeed))
	e := from.Edit()
	for i := 0; i < 10; i++ {
		k := r.Intn(bigN)
		_ = e.Put(key(k*4), val(k+1, 16))
	}
	to, _ := e.Flush(ctx)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := DiffMaps(ctx, from, to)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			if _, err := d.Next(ctx); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 10 {
			b.Fatalf("%d changes", n)
		}
	}
}

func BenchmarkMergeDisjoint1000(b *testing.B) {
	ctx := context.Background()
	ns := newTestNS(b)
	base := bigMap(b, ns, bigN)
	r := rand.New(rand.NewSource(testSeed))
	eo, et := base.Edit(), base.Edit()
	for i := 0; i < 1000; i++ {
		k := r.Intn(bigN)
		_ = eo.Put(key(k*4+1), val(k, 16))
		_ = et.Put(key(k*4+2), val(k, 16))
	}
	ours, _ := eo.Flush(ctx)
	theirs, _ := et.Flush(ctx)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := Merge(ctx, base, ours, theirs, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEdit1FlushCommitPebble is the storage half of an autocommit UPDATE: one put
// into a 100k-entry map, Flush (writing the path's nodes into pebblestore's buffer) and
// a synced Commit moving a ref to the new root (on Pebble's in-memory filesystem).
func BenchmarkEdit1FlushCommitPebble(b *testing.B) {
	ctx := context.Background()
	st, err := pebblestore.Open("db", pebblestore.Options{FS: vfs.NewMem(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ns := NewNodeStore(st, 0)
	const n = 100_000
	bl := NewBuilder(ns, nil)
	for j := 0; j < n; j++ {
		if err := bl.Add(ctx, key(j*4), val(j, 100)); err != nil {
			b.Fatal(err)
		}
	}
	m, err := bl.Finish(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Commit(ctx, nil, []storage.RefUpdate{{Name: "refs/heads/main", New: m.Hash()}}); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewSource(testSeed))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e := m.Edit()
		k := r.Intn(n)
		_ = e.Put(key(k*4), val(k+i, 100))
		next, err := e.Flush(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Commit(ctx, nil, []storage.RefUpdate{{Name: "refs/heads/main", Old: m.Hash(), New: next.Hash()}}); err != nil {
			b.Fatal(err)
		}
		m = next
	}
}
