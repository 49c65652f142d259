package prolly

import (
	"context"
	"errors"
	"math/rand"
	"sort"
	"testing"

	"github.com/dsqldb/dsql/storage"
)

// TestStructuralSharing: changing one entry of a 1M-entry map writes about one new node per
// level. An update that keeps the value's size writes at most one node per level (height),
// since boundaries depend only on keys and entry sizes. A change that moves a boundary (a
// value that changes size, an insert, a delete) usually still writes height nodes; rarely a
// split or join spills into a neighbour or cascades up a level, so those must average at
// most height + 1 and never exceed 2 x height + 1.
func TestStructuralSharing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1M-entry map")
	}
	ctx := context.Background()
	t.Logf("seed %d", testSeed)
	r := rand.New(rand.NewSource(testSeed))
	ns := newTestNS(t)
	m := bigMap(t, ns, bigN)
	h := int64(m.Height())
	kinds := []string{"same-size update", "resizing update", "insert", "delete"}
	limits := []int64{h, 2*h + 1, 2*h + 1, 2*h + 1}
	var worst, total [4]int64
	const perKind = 300
	for i := 0; i < perKind*4; i++ {
		kind := i % 4
		e := m.Edit()
		k := r.Intn(bigN)
		switch kind {
		case 0:
			_ = e.Put(key(k*4), val(k+i, 16))
		case 1:
			_ = e.Put(key(k*4), val(k, 16+1+r.Intn(40)))
		case 2:
			_ = e.Put(key(k*4+2), val(k, 16))
		default:
			e.Delete(key(k * 4))
		}
		ns.ResetStats()
		next, err := e.Flush(ctx)
		if err != nil {
			t.Fatal(err)
		}
		w := ns.Stats().Writes
		worst[kind] = max(worst[kind], w)
		total[kind] += w
		if w > limits[kind] {
			t.Errorf("%s %d wrote %d nodes, want <= %d (height %d)", kinds[kind], i, w, limits[kind], h)
		}
		m = next
	}
	for kind := range kinds {
		mean := float64(total[kind]) / perKind
		t.Logf("%-16s height %d: mean %.2f nodes written, worst %d", kinds[kind], h, mean, worst[kind])
		if mean > float64(h+1) {
			t.Errorf("%s: mean %.2f nodes written, want <= height+1 = %d", kinds[kind], mean, h+1)
		}
	}
}

// TestNodeSizes reports the node size distribution of a 1M-entry map and checks the split
// rule's bounds: no node above MaxNodeSize, no node but a level's last below MinNodeSize,
// mean near TargetNodeSize.
func TestNodeSizes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1M-entry map")
	}
	ctx := context.Background()
	ns := newTestNS(t)
	m := bigMap(t, ns, bigN)
	var leaves []int
	small := 0
	err := m.Walk(ctx, func(n *Node) error {
		if n.Size() > MaxNodeSize || n.Size() > ForceNodeSize+64 {
			t.Errorf("node %s is %d bytes", n.Hash(), n.Size())
		}
		if n.level == 0 {
			leaves = append(leaves, n.Size())
			if n.Size() < MinNodeSize {
				small++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Ints(leaves)
	sum := 0
	for _, s := range leaves {
		sum += s
	}
	mean := sum / len(leaves)
	pct := func(p float64) int { return leaves[int(p*float64(len(leaves)-1))] }
	t.Logf("%d leaves: mean %d B, min %d, p10 %d, p50 %d, p90 %d, p99 %d, max %d", len(leaves), mean,
		leaves[0], pct(.1), pct(.5), pct(.9), pct(.99), leaves[len(leaves)-1])
	if small > 1 {
		t.Errorf("%d leaves below MinNodeSize; only the last may be", small)
	}
	if mean < TargetNodeSize*85/100 || mean > TargetNodeSize*115/100 {
		t.Errorf("mean leaf size %d, want within 15%% of %d", mean, TargetNodeSize)
	}
}

// TestGoldenRootHash pins the node format, the split rule and the hash function (Content
// addressing): if this changes, every stored tree changes, which needs a new
// storage.FormatVersion.
func TestGoldenRootHash(t *testing.T) {
	ctx := context.Background()
	ns := newTestNS(t)
	b := NewBuilder(ns, nil)
	for i := 0; i < 100000; i++ {
		if err := b.Add(ctx, key(i), val(i, 12)); err != nil {
			t.Fatal(err)
		}
	}
	m, err := b.Finish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	empty, err := NewEmpty(ctx, ns, nil)
	if err != nil {
		t.Fatal(err)
	}
	const wantRoot, wantEmpty = "iuv0tm0fktbqgkcid2j2e3tiu44mtfgu", "tooa7nusmimmahmbnf79j97msgjlhvtj"
	if got := m.Hash().String(); got != wantRoot {
		t.Errorf("root of 100,000 entries = %s, want %s", got, wantRoot)
	}
	if got := empty.Hash().String(); got != wantEmpty {
		t.Errorf("empty map = %s, want %s", got, wantEmpty)
	}
}

func TestBuilderErrors(t *testing.T) {
	ctx := context.Background()
	ns := newTestNS(t)
	b := NewBuilder(ns, nil)
	if err := b.Add(ctx, key(2), nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(ctx, key(2), nil); !errors.Is(err, ErrUnsorted) {
		t.Fatalf("duplicate key: %v, want ErrUnsorted", err)
	}
	if _, err := b.Finish(ctx); !errors.Is(err, ErrUnsorted) {
		t.Fatalf("Finish after error: %v", err)
	}
	b = NewBuilder(ns, nil)
	if err := b.Add(ctx, key(1), make([]byte, MaxEntrySize)); !errors.Is(err, ErrEntryTooLarge) {
		t.Fatalf("huge entry: %v, want ErrEntryTooLarge", err)
	}
	m, _ := NewEmpty(ctx, ns, nil)
	if err := m.Edit().Put(key(1), make([]byte, MaxEntrySize)); !errors.Is(err, ErrEntryTooLarge) {
		t.Fatalf("huge entry via Editor: %v", err)
	}
}

func TestLoadMissingAndCorrupt(t *testing.T) {
	ctx := context.Background()
	ns := newTestNS(t)
	m := build(t, ns, model{"a": "1"})
	if _, err := Load(ctx, ns, m.Hash(), nil); err != nil {
		t.Fatal(err)
	}
	bogus := storage.NewChunk([]byte{0x01, 0x05, 0xff})
	if err := ns.ChunkStore().Put(ctx, bogus); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, ns, bogus.Hash, nil); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("corrupt node: %v, want ErrCorrupt", err)
	}
	if _, err := Load(ctx, NewNodeStore(ns.ChunkStore(), -1), [20]byte{1}, nil); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("missing node: %v, want ErrNotFound", err)
	}
}

// FuzzDecodeNode: arbitrary bytes never panic the node decoder, and anything it accepts
// can be read entry by entry.
func FuzzDecodeNode(f *testing.F) {
	w := nodeWriter{}
	w.add([]byte("k"), []byte("v"))
	f.Add(w.finish())
	w = nodeWriter{level: 1}
	w.add([]byte("k"), encodeRef(nil, [20]byte{9}, 3))
	f.Add(w.finish())
	f.Add([]byte{0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := decodeNode([20]byte{}, data)
		if err != nil {
			return
		}
		for i := 0; i < n.Len(); i++ {
			_, _ = n.Key(i), n.Value(i)
		}
		_ = n.Count()
		_ = n.Children()
	})
}
