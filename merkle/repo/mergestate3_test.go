package repo

import (
	"slices"
	"testing"

	"github.com/dsqldb/dsql/merkle/hash"
)

// TestMergeStateLayout3 pins the third merge-state layout: written only for a state with
// schema conflicts, violations or converted roots (so layout-2 states keep their hashes),
// round-tripping every field and listing the violation maps and non-zero converted roots
// as children.
func TestMergeStateLayout3(t *testing.T) {
	h := func(s string) hash.Hash { return hash.Of([]byte(s)) }
	v2 := &MergeState{Commit: h("c"), PreMergeWorking: h("p"), Base: h("base"), Conflicts: []TableConflicts{{Table: "a", Keys: h("ka")}}}
	if b := encodeWorkingSetData(workingSetData{working: h("w"), staged: h("s"), merge: v2}); b[41] != 2 {
		t.Fatalf("layout-2 state written as layout %d", b[41])
	}
	ms := *v2
	ms.SchemaConflicts = SortSchemaConflicts([]SchemaConflict{{Table: "u", Description: "why"}, {Table: "T", Description: "because"}})
	ms.Violations = SortViolations([]TableViolations{{Table: "v", Map: h("vv")}, {Table: "b", Map: h("vb")}})
	ms.ConvertedOurs = h("co")
	wd := workingSetData{working: h("w"), staged: h("s"), merge: &ms}
	b := encodeWorkingSetData(wd)
	if b[41] != 3 {
		t.Fatalf("layout flag = %d", b[41])
	}
	got, err := decodeWorkingSetData(b)
	if err != nil {
		t.Fatal(err)
	}
	g := got.merge
	if !slices.Equal(g.SchemaConflicts, ms.SchemaConflicts) || !slices.Equal(g.Violations, ms.Violations) ||
		g.ConvertedOurs != ms.ConvertedOurs || g.ConvertedBase != (hash.Hash{}) || !slices.Equal(g.Conflicts, ms.Conflicts) {
		t.Fatalf("round trip: %+v", g)
	}
	if !g.Unresolved() {
		t.Fatal("Unresolved = false")
	}
	kids, err := ChildHashes(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []hash.Hash{h("w"), h("s"), h("c"), h("p"), h("base"), h("ka"), h("vb"), h("vv"), h("co")}
	if !slices.Equal(kids, want) {
		t.Fatalf("children %v, want %v", kids, want)
	}
	// Only schema conflicts: still layout 3, no base needed.
	only := MergeState{Commit: h("c"), PreMergeWorking: h("p"), SchemaConflicts: []SchemaConflict{{Table: "t", Description: "x"}}}
	b = encodeWorkingSetData(workingSetData{working: h("w"), staged: h("s"), merge: &only})
	if got, err := decodeWorkingSetData(b); err != nil || len(got.merge.SchemaConflicts) != 1 {
		t.Fatalf("schema-conflicts-only state: %v", err)
	}
}
