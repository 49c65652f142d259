package prolly

import (
	"bytes"
	"context"
	"io"
	"math/rand"
	"sort"
	"testing"

	"github.com/dsqldb/dsql/merkle/tuple"
)

// TestCustomOrder checks that every operation uses the map's Compare, not byte order: a
// (varchar utf8mb4_0900_ai_ci, int) key from merkle/tuple, where 'ABC' and 'abc' are the
// same key and byte order differs from key order.
func TestCustomOrder(t *testing.T) {
	ctx := context.Background()
	t.Logf("seed %d", testSeed)
	r := rand.New(rand.NewSource(testSeed))
	desc, err := tuple.NewDesc(
		tuple.Field{Enc: tuple.StringEnc, Collation: tuple.Utf8mb40900AICI},
		tuple.Field{Enc: tuple.Int32Enc},
	)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(s string, i int) []byte {
		b := tuple.NewBuilder(desc)
		b.PutString(0, s)
		b.PutInt(1, int64(i))
		tup, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		return tup
	}
	words := []string{"apple", "Banana", "cherry", "Éclair", "eclair", "zebra", "Zulu", "mango", "Mango", "ångström"}
	ns := newTestNS(t)
	cmp := Compare(desc.Compare)
	type kv struct{ k, v []byte }
	var entries []kv
	seen := map[string]bool{}
	for len(entries) < 5000 {
		w, i := words[r.Intn(len(words))], r.Intn(1000)
		k := mk(w, i)
		dup := false
		// Keys equal under the collation are the same key: keep the first spelling.
		canon := string(mk(canonical(w), i))
		if seen[canon] {
			dup = true
		}
		if !dup {
			seen[canon] = true
			entries = append(entries, kv{k, val(i, 10)})
		}
	}
	sort.Slice(entries, func(i, j int) bool { return cmp(entries[i].k, entries[j].k) < 0 })
	b := NewBuilder(ns, cmp)
	for _, e := range entries {
		if err := b.Add(ctx, e.k, e.v); err != nil {
			t.Fatal(err)
		}
	}
	built, err := b.Finish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The same entries inserted in random order give the same tree.
	m, _ := NewEmpty(ctx, ns, cmp)
	perm := r.Perm(len(entries))
	for len(perm) > 0 {
		n := min(len(perm), 1+r.Intn(700))
		e := m.Edit()
		for _, p := range perm[:n] {
			_ = e.Put(entries[p].k, entries[p].v)
		}
		perm = perm[n:]
		if m, err = e.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if m.Hash() != built.Hash() {
		t.Fatal("edited map differs from built map under a collation order")
	}
	// A lookup with a different spelling of the same key finds the entry.
	for _, e := range entries[:200] {
		s, _ := desc.GetString(e.k, 0)
		i, _ := desc.GetInt(e.k, 1)
		alt := mk(flipCase(string(s)), int(i))
		v, ok, err := m.Get(ctx, alt)
		if err != nil || !ok || !bytes.Equal(v, e.v) {
			t.Fatalf("Get(%q) with flipped case: %v %v", s, ok, err)
		}
	}
	// Iteration follows the collation order; deleting by another spelling works.
	it, _ := m.Iter(ctx, All)
	var prev []byte
	for {
		k, _, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if prev != nil && cmp(prev, k) >= 0 {
			t.Fatal("iteration out of collation order")
		}
		prev = k
	}
	e := m.Edit()
	s, _ := desc.GetString(entries[0].k, 0)
	i, _ := desc.GetInt(entries[0].k, 1)
	e.Delete(mk(flipCase(string(s)), int(i)))
	m2, err := e.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Count() != m.Count()-1 {
		t.Fatalf("delete by other spelling: count %d, want %d", m2.Count(), m.Count()-1)
	}
	ds := collectDiffs(t, m, m2)
	if len(ds) != 1 || ds[0].Type != Removed || !bytes.Equal(ds[0].Key, entries[0].k) {
		t.Fatalf("diff after delete: %s", diffString(ds))
	}
}

func flipCase(s string) string {
	out := []rune(s)
	for i, c := range out {
		switch {
		case c >= 'a' && c <= 'z':
			out[i] = c - 32
		case c >= 'A' && c <= 'Z':
			out[i] = c + 32
		}
	}
	return string(out)
}

// canonical folds the test words so that collation-equal spellings collide.
func canonical(s string) string {
	switch s {
	case "Éclair":
		return "eclair"
	case "Mango":
		return "mango"
	}
	return s
}
