package prolly

import (
	"bytes"
	"fmt"
	"math/rand"
	"sort"
	"testing"
)

// TestEditBufModel: editBuf, in its sorted-slice form and after it moves to a B-tree,
// agrees with a plain map on every get, its length and its key-ordered listing, over
// seeded random puts (repeats of a key replace the earlier edit) and clears.
func TestEditBufModel(t *testing.T) {
	t.Logf("seed %d", testSeed)
	r := rand.New(rand.NewSource(testSeed))
	for round := range 200 {
		b := editBuf{cmp: bytes.Compare}
		model := map[string]edit{}
		n := 1 + r.Intn(3*smallEdits)
		keys := 1 + r.Intn(2*n)
		for op := range n {
			k := []byte(fmt.Sprintf("k%04d", r.Intn(keys)))
			ed := edit{key: k, val: []byte{byte(op)}, cnt: 1, del: r.Intn(4) == 0}
			b.put(ed)
			model[string(k)] = ed
			probe := []byte(fmt.Sprintf("k%04d", r.Intn(keys+1)))
			got, ok := b.get(probe)
			want, wok := model[string(probe)]
			if ok != wok || (ok && (!bytes.Equal(got.val, want.val) || got.del != want.del)) {
				t.Fatalf("round %d op %d: get(%s) = %v %v, want %v %v", round, op, probe, got, ok, want, wok)
			}
			if b.len() != len(model) {
				t.Fatalf("round %d op %d: len %d, want %d", round, op, b.len(), len(model))
			}
		}
		if (b.tree != nil) != (len(model) > smallEdits) {
			t.Fatalf("round %d: %d edits, tree %v", round, len(model), b.tree != nil)
		}
		want := make([]string, 0, len(model))
		for k := range model {
			want = append(want, k)
		}
		sort.Strings(want)
		got := b.sorted()
		if len(got) != len(want) {
			t.Fatalf("round %d: sorted has %d edits, want %d", round, len(got), len(want))
		}
		for i, ed := range got {
			if string(ed.key) != want[i] || !bytes.Equal(ed.val, model[want[i]].val) {
				t.Fatalf("round %d: sorted[%d] = %s, want %s", round, i, ed.key, want[i])
			}
		}
		b.clear()
		if b.len() != 0 || b.tree != nil {
			t.Fatalf("round %d: not empty after clear", round)
		}
		if _, ok := b.get([]byte("k0000")); ok {
			t.Fatalf("round %d: get after clear found an edit", round)
		}
	}
}
