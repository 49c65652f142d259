package prolly

import (
	"context"
	"errors"
	"math/rand"
	"testing"
)

// modelMerge is the reference three-way merge: theirs' changes applied to ours, keys
// changed by both sides resolved by resolve (called only when the outcomes differ).
func modelMerge(base, ours, theirs model, resolve func(k string) (string, bool)) (model, int) {
	out := model{}
	for k, v := range ours {
		out[k] = v
	}
	keys := model{}
	for _, m := range []model{base, ours, theirs} {
		for k := range m {
			keys[k] = ""
		}
	}
	collisions := 0
	for k := range keys {
		bv, bok := base[k]
		ov, ook := ours[k]
		tv, tok := theirs[k]
		theirsChanged := bok != tok || bv != tv
		oursChanged := bok != ook || bv != ov
		switch {
		case !theirsChanged:
		case !oursChanged:
			if tok {
				out[k] = tv
			} else {
				delete(out, k)
			}
		case ook == tok && ov == tv:
		default:
			collisions++
			if v, ok := resolve(k); ok {
				out[k] = v
			} else {
				delete(out, k)
			}
		}
	}
	return out, collisions
}

// TestMergeModel runs random three-way merges (inserts, updates and deletes on both sides,
// overlapping and not) against modelMerge, with three collision policies.
func TestMergeModel(t *testing.T) {
	ctx := context.Background()
	t.Logf("seed %d", testSeed)
	r := rand.New(rand.NewSource(testSeed))
	ns := newTestNS(t)
	cases := 300
	if testing.Short() {
		cases = 40
	}
	for c := 0; c < cases; c++ {
		space := 20 + r.Intn(20000)
		base := mutate(r, model{}, r.Intn(space), space)
		ours := mutate(r, base, []int{0, 3, r.Intn(space/2 + 1)}[r.Intn(3)], space)
		theirs := mutate(r, base, []int{0, 3, r.Intn(space/2 + 1)}[r.Intn(3)], space)
		if r.Intn(5) == 0 { // same edits on both sides: convergent
			for k, v := range mutate(r, model{}, 5, space) {
				ours[k], theirs[k] = v, v
			}
		}
		policy := c % 3
		var resolveModel func(string) (string, bool)
		var resolve CollisionFunc
		switch policy {
		case 0:
			resolveModel = func(k string) (string, bool) { v, ok := ours[k]; return v, ok }
			resolve = KeepOurs
		case 1:
			resolveModel = func(k string) (string, bool) { v, ok := theirs[k]; return v, ok }
			resolve = func(c Collision) (Resolution, error) { return Resolution{Value: c.Theirs, Delete: !c.InTheirs}, nil }
		default:
			resolveModel = func(k string) (string, bool) { return "resolved:" + k, true }
			resolve = func(c Collision) (Resolution, error) {
				if string(c.Ours) != ours[string(c.Key)] || string(c.Theirs) != theirs[string(c.Key)] || string(c.Base) != base[string(c.Key)] {
					return Resolution{}, errors.New("collision carries wrong values")
				}
				return Resolution{Value: []byte("resolved:" + string(c.Key))}, nil
			}
		}
		want, wantCollisions := modelMerge(base, ours, theirs, resolveModel)
		mb, mo, mt := build(t, ns, base), build(t, ns, ours), build(t, ns, theirs)
		got, st, err := Merge(ctx, mb, mo, mt, resolve)
		if err != nil {
			t.Fatalf("case %d: %v", c, err)
		}
		if st.Collisions != wantCollisions {
			t.Fatalf("case %d: %d collisions, model has %d", c, st.Collisions, wantCollisions)
		}
		if got.Hash() != build(t, ns, want).Hash() {
			checkAgainst(t, got, want)
			t.Fatalf("case %d: merged root differs from the model's", c)
		}
	}
}

func TestMergeAbortsOnCollisionError(t *testing.T) {
	ctx := context.Background()
	ns := newTestNS(t)
	base := model{"a": "1", "b": "1"}
	ours := model{"a": "2", "b": "1"}
	theirs := model{"a": "3", "b": "2"}
	boom := errors.New("conflict")
	_, _, err := Merge(ctx, build(t, ns, base), build(t, ns, ours), build(t, ns, theirs),
		func(Collision) (Resolution, error) { return Resolution{}, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the callback's error", err)
	}
}

// TestMergeCost: merging two disjoint 1,000-entry edits of a 1M-entry map reads and writes
// nodes in proportion to the edits, and the result equals a model merge.
func TestMergeCost(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1M-entry map")
	}
	ctx := context.Background()
	ns := newTestNS(t)
	base := bigMap(t, ns, bigN)
	r := rand.New(rand.NewSource(testSeed))
	eo, et := base.Edit(), base.Edit()
	for i := 0; i < 1000; i++ {
		k := r.Intn(bigN / 2)
		_ = eo.Put(key(k*4), val(k+7, 16))
		k = bigN/2 + r.Intn(bigN/2)
		_ = et.Put(key(k*4), val(k+9, 16))
	}
	ours, _ := eo.Flush(ctx)
	theirs, _ := et.Flush(ctx)
	ns.ResetStats()
	merged, st, err := Merge(ctx, base, ours, theirs, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := ns.Stats()
	t.Logf("applied %d, nodes read %d, written %d", st.Applied, s.Reads, s.Writes)
	if want := len(collectDiffs(t, base, theirs)); st.Collisions != 0 || st.Applied != want {
		t.Fatalf("stats %+v, want %d applied and no collisions", st, want)
	}
	// Check: merged = theirs' changes on top of ours: diff(ours, merged) == diff(base, theirs).
	if diffString(collectDiffs(t, ours, merged)) != diffString(collectDiffs(t, base, theirs)) {
		t.Fatal("merge result does not carry exactly theirs' changes")
	}
	if limit := int64(1000 * base.Height() * 8); s.Reads > limit {
		t.Fatalf("merge read %d nodes, want <= %d", s.Reads, limit)
	}
}
