package prolly

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand"
	"sort"
	"testing"

	"github.com/dsqldb/dsql/storage/memstore"
)

// testSeed is logged by every randomized test; change it (or read it from a failure log)
// to reproduce a case.
const testSeed = 20261125

func newTestNS(t testing.TB) *NodeStore {
	st := memstore.New()
	t.Cleanup(func() { st.Close() })
	return NewNodeStore(st, 256<<20)
}

func key(i int) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(i))
	return b[:]
}

func val(i, width int) []byte {
	b := make([]byte, max(width, 8))
	binary.LittleEndian.PutUint64(b[:8], uint64(i)*2654435761)
	return b[:width]
}

// model is the simple reference the tree is checked against.
type model map[string]string

func (md model) sortedKeys() []string {
	ks := make([]string, 0, len(md))
	for k := range md {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func build(t testing.TB, ns *NodeStore, md model) Map {
	t.Helper()
	ctx := context.Background()
	b := NewBuilder(ns, nil)
	for _, k := range md.sortedKeys() {
		if err := b.Add(ctx, []byte(k), []byte(md[k])); err != nil {
			t.Fatal(err)
		}
	}
	m, err := b.Finish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func checkAgainst(t testing.TB, m Map, md model) {
	t.Helper()
	ctx := context.Background()
	if m.Count() != uint64(len(md)) {
		t.Fatalf("Count = %d, model has %d", m.Count(), len(md))
	}
	it, err := m.Iter(ctx, All)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range md.sortedKeys() {
		gk, gv, err := it.Next(ctx)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if string(gk) != k || string(gv) != md[k] {
			t.Fatalf("entry %d: got %x=%x want %x=%x", i, gk, gv, k, md[k])
		}
	}
	if _, _, err := it.Next(ctx); err != io.EOF {
		t.Fatalf("iterator not exhausted: %v", err)
	}
}

func TestBuildGetIter(t *testing.T) {
	ctx := context.Background()
	ns := newTestNS(t)
	md := model{}
	for i := 0; i < 20000; i++ {
		md[string(key(i*2))] = string(val(i, 24))
	}
	m := build(t, ns, md)
	if m.Height() < 2 {
		t.Fatalf("height %d, want a multi-level tree", m.Height())
	}
	checkAgainst(t, m, md)
	for i := 0; i < 40000; i++ {
		v, ok, err := m.Get(ctx, key(i))
		if err != nil {
			t.Fatal(err)
		}
		want, wok := md[string(key(i))]
		if ok != wok || (ok && string(v) != want) {
			t.Fatalf("Get(%d) = %x,%v want %x,%v", i, v, ok, want, wok)
		}
	}
	// Ranges, both directions, with every bound kind.
	r := rand.New(rand.NewSource(testSeed))
	keys := md.sortedKeys()
	for n := 0; n < 300; n++ {
		lo, hi := r.Intn(40010)-5, r.Intn(40010)-5
		if lo > hi {
			lo, hi = hi, lo
		}
		rg := Range{Start: key(max(lo, 0)), End: key(max(hi, 0)), StartExclusive: r.Intn(2) == 0, EndInclusive: r.Intn(2) == 0, Reverse: r.Intn(2) == 0}
		if r.Intn(8) == 0 {
			rg.Start = nil
		}
		if r.Intn(8) == 0 {
			rg.End = nil
		}
		var want []string
		for _, k := range keys {
			if rg.aboveStart(bytes.Compare, []byte(k)) && rg.belowEnd(bytes.Compare, []byte(k)) {
				want = append(want, k)
			}
		}
		if rg.Reverse {
			for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
				want[i], want[j] = want[j], want[i]
			}
		}
		it, err := m.Iter(ctx, rg)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for {
			k, _, err := it.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, string(k))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("range %+v: got %d keys, want %d", rg, len(got), len(want))
		}
	}
	// Ordinals.
	for n := 0; n < 200; n++ {
		o := uint64(r.Intn(len(keys) + 3))
		it, err := m.IterOrdinal(ctx, o, o+5)
		if err != nil {
			t.Fatal(err)
		}
		for j := o; j < o+5; j++ {
			k, _, err := it.Next(ctx)
			if j >= uint64(len(keys)) {
				if err != io.EOF {
					t.Fatalf("ordinal %d past end: %v", j, err)
				}
				break
			}
			if err != nil || string(k) != keys[j] {
				t.Fatalf("ordinal %d: got %x (%v) want %x", j, k, err, keys[j])
			}
			got, err := m.Ordinal(ctx, k)
			if err != nil || got != j {
				t.Fatalf("Ordinal(%x) = %d, %v; want %d", k, got, err, j)
			}
		}
	}
}

// TestHistoryIndependence checks the History independence invariant: the same set of
// entries gives the same root hash whatever the order and batching of the edits that
// produced it, including deletes of entries that were inserted along the way.
func TestHistoryIndependence(t *testing.T) {
	ctx := context.Background()
	t.Logf("seed %d", testSeed)
	r := rand.New(rand.NewSource(testSeed))
	ns := newTestNS(t)
	cases := 2000
	if testing.Short() {
		cases = 200
	}
	for c := 0; c < cases; c++ {
		n := r.Intn(400)
		switch {
		case c%100 == 0:
			n = 20000 + r.Intn(20000) // three levels
		case c%10 == 0:
			n = 1000 + r.Intn(4000)
		}
		width := 1 + r.Intn(60)
		md := model{}
		for len(md) < n {
			k := make([]byte, 1+r.Intn(12))
			r.Read(k)
			md[string(k)] = string(val(r.Int(), width+r.Intn(4)))
		}
		want := build(t, ns, md)
		// Start from a random other map (some shared keys, some extra keys to delete).
		start := model{}
		for k := range md {
			if r.Intn(3) == 0 {
				start[k] = "stale"
			}
		}
		for i := 0; i < n/3; i++ {
			k := make([]byte, 1+r.Intn(12))
			r.Read(k)
			if _, ok := md[string(k)]; !ok {
				start[string(k)] = "extra"
			}
		}
		m := build(t, ns, start)
		var ops []func(*Editor) error
		for k, v := range md {
			k, v := k, v
			ops = append(ops, func(e *Editor) error { return e.Put([]byte(k), []byte(v)) })
		}
		for k := range start {
			if _, ok := md[k]; !ok {
				k := k
				ops = append(ops, func(e *Editor) error { e.Delete([]byte(k)); return nil })
			}
		}
		r.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
		for len(ops) > 0 {
			batch := 1 + r.Intn(len(ops))
			if r.Intn(4) == 0 {
				batch = 1 + r.Intn(min(len(ops), 8))
			}
			e := m.Edit()
			for _, op := range ops[:batch] {
				if err := op(e); err != nil {
					t.Fatal(err)
				}
			}
			ops = ops[batch:]
			var err error
			if m, err = e.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if m.Hash() != want.Hash() {
			checkAgainst(t, m, md)
			t.Fatalf("case %d (n=%d): edited root %s != built root %s (heights %d, %d)", c, n, m.Hash(), want.Hash(), m.Height(), want.Height())
		}
		if c%50 == 0 {
			checkAgainst(t, m, md)
		}
	}
}
