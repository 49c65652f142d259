package repo

import (
	"errors"
	"slices"
	"testing"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// TestMergeStateLayouts pins the two merge-state layouts of the working-set chunk: a
// state without base or conflicts keeps layout 1 (so chunks written before layout 2
// existed still decode to the same value and hash), one with conflicts uses layout 2,
// and both round-trip, list their children and refuse non-canonical forms.
func TestMergeStateLayouts(t *testing.T) {
	h := func(s string) hash.Hash { return hash.Of([]byte(s)) }
	old := workingSetData{working: h("w"), staged: h("s"), merge: &MergeState{Commit: h("c"), PreMergeWorking: h("p")}}
	b1 := encodeWorkingSetData(old)
	if b1[41] != 1 || len(b1) != 1+20+20+1+40 {
		t.Fatalf("layout 1 changed: % x", b1)
	}
	cs := SortConflicts([]TableConflicts{{Table: "b", Keys: h("kb")}, {Table: "A", Keys: h("ka")}})
	v2 := workingSetData{working: h("w"), staged: h("s"), merge: &MergeState{Commit: h("c"), PreMergeWorking: h("p"), Base: h("base"), Conflicts: cs}}
	b2 := encodeWorkingSetData(v2)
	if b2[41] != 2 {
		t.Fatalf("layout 2 flag = %d", b2[41])
	}
	for _, c := range []struct {
		data []byte
		want workingSetData
	}{{b1, old}, {b2, v2}} {
		got, err := decodeWorkingSetData(c.data)
		if err != nil {
			t.Fatal(err)
		}
		if got.merge.Commit != c.want.merge.Commit || got.merge.Base != c.want.merge.Base || !slices.Equal(got.merge.Conflicts, c.want.merge.Conflicts) {
			t.Fatalf("round trip: got %+v want %+v", got.merge, c.want.merge)
		}
	}
	kids, err := ChildHashes(b2)
	if err != nil {
		t.Fatal(err)
	}
	want := []hash.Hash{h("w"), h("s"), h("c"), h("p"), h("base"), h("ka"), h("kb")}
	if !slices.Equal(kids, want) {
		t.Fatalf("children %v, want %v", kids, want)
	}
	// Unsorted tables and a layout-2 state that layout 1 could hold are refused.
	unsorted := workingSetData{working: h("w"), staged: h("s"), merge: &MergeState{Commit: h("c"), PreMergeWorking: h("p"), Conflicts: []TableConflicts{{Table: "b"}, {Table: "a"}}}}
	e := newEncoder(KindWorkingSet)
	e.hash(h("w"))
	e.hash(h("s"))
	e.byte(2)
	e.hash(h("c"))
	e.hash(h("p"))
	e.hash(hash.Hash{})
	e.uvarint(0)
	for _, bad := range [][]byte{encodeWorkingSetData(unsorted), e.b, append(slices.Clone(b2[:41]), 3)} {
		if _, err := decodeWorkingSetData(bad); !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("decode(% x) = %v, want ErrCorrupt", bad, err)
		}
	}
}
