package prolly

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"testing"
)

func collectDiffs(t testing.TB, from, to Map) []Diff {
	t.Helper()
	ctx := context.Background()
	d, err := DiffMaps(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	var out []Diff
	for {
		df, err := d.Next(ctx)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, df)
	}
}

func modelDiff(from, to model) []Diff {
	var out []Diff
	keys := model{}
	for k := range from {
		keys[k] = ""
	}
	for k := range to {
		keys[k] = ""
	}
	for _, k := range keys.sortedKeys() {
		fv, fok := from[k]
		tv, tok := to[k]
		switch {
		case fok && !tok:
			out = append(out, Diff{Type: Removed, Key: []byte(k), From: []byte(fv)})
		case !fok && tok:
			out = append(out, Diff{Type: Added, Key: []byte(k), To: []byte(tv)})
		case fv != tv:
			out = append(out, Diff{Type: Modified, Key: []byte(k), From: []byte(fv), To: []byte(tv)})
		}
	}
	return out
}

func diffString(ds []Diff) string {
	var b bytes.Buffer
	for _, d := range ds {
		fmt.Fprintf(&b, "%s %x %x %x\n", d.Type, d.Key, d.From, d.To)
	}
	return b.String()
}

// mutate returns a copy of md with about n random inserts, updates and deletes.
func mutate(r *rand.Rand, md model, n, keySpace int) model {
	out := model{}
	for k, v := range md {
		out[k] = v
	}
	for i := 0; i < n; i++ {
		k := string(key(r.Intn(keySpace)))
		if r.Intn(3) == 0 {
			delete(out, k)
		} else {
			out[k] = string(val(r.Int(), 8+r.Intn(40)))
		}
	}
	return out
}

// TestDiffModel checks DiffMaps against a map-based model on random pairs of maps, from
// identical to disjoint, with trees of different heights.
func TestDiffModel(t *testing.T) {
	t.Logf("seed %d", testSeed)
	r := rand.New(rand.NewSource(testSeed))
	ns := newTestNS(t)
	cases := 300
	if testing.Short() {
		cases = 50
	}
	for c := 0; c < cases; c++ {
		space := 10 + r.Intn(30000)
		from := mutate(r, model{}, r.Intn(space), space)
		changes := []int{0, 1, 5, r.Intn(space + 1)}[r.Intn(4)]
		to := mutate(r, from, changes, space)
		mf, mt := build(t, ns, from), build(t, ns, to)
		got, want := diffString(collectDiffs(t, mf, mt)), diffString(modelDiff(from, to))
		if got != want {
			t.Fatalf("case %d: diff mismatch\n got: %.2000s\nwant: %.2000s", c, got, want)
		}
	}
}

const bigN = 1_000_000

func bigMap(t testing.TB, ns *NodeStore, n int) Map {
	t.Helper()
	ctx := context.Background()
	b := NewBuilder(ns, nil)
	for i := 0; i < n; i++ {
		if err := b.Add(ctx, key(i*4), val(i, 16)); err != nil {
			t.Fatal(err)
		}
	}
	m, err := b.Finish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDiffCost checks Structural sharing for diffs: two 1M-entry maps differing in 10
// entries are diffed by reading O(10 x height) nodes, and exactly those 10 changes come out.
func TestDiffCost(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1M-entry map")
	}
	ctx := context.Background()
	t.Logf("seed %d", testSeed)
	r := rand.New(rand.NewSource(testSeed))
	ns := newTestNS(t)
	from := bigMap(t, ns, bigN)
	e := from.Edit()
	want := map[string]DiffType{}
	for len(want) < 10 {
		i := r.Intn(bigN)
		switch len(want) % 3 {
		case 0:
			_ = e.Put(key(i*4), val(i+1, 16))
			want[string(key(i*4))] = Modified
		case 1:
			e.Delete(key(i * 4))
			want[string(key(i*4))] = Removed
		default:
			_ = e.Put(key(i*4+1), val(i, 16))
			want[string(key(i*4+1))] = Added
		}
	}
	to, err := e.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ns.ResetStats()
	got := collectDiffs(t, from, to)
	reads := ns.Stats().Reads
	if len(got) != 10 {
		t.Fatalf("got %d changes, want 10:\n%s", len(got), diffString(got))
	}
	for _, d := range got {
		if want[string(d.Key)] != d.Type {
			t.Fatalf("unexpected change %s %x", d.Type, d.Key)
		}
	}
	h := from.Height()
	// Each change costs at most a few nodes per level on each side (the changed path, plus
	// a neighbour where a boundary moved).
	limit := int64(10 * h * 6)
	t.Logf("height %d, nodes read %d (limit %d)", h, reads, limit)
	if reads > limit {
		t.Fatalf("diff of 10 changes read %d nodes, want <= %d", reads, limit)
	}
}
