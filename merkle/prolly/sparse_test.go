package prolly

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
)

// TestHistoryIndependenceSparse checks the Editor against the Builder on the edits a
// table sees: few, scattered changes to a large map of fixed-width keys and values, many
// of them value updates that keep the value's size (the Editor copies the entries around
// such an edit without re-applying the split rule, see rechunker.existing). It covers
// fixed and variable widths, lengths needing one- and two-byte uvarints, and inserts,
// deletes and resizing updates mixed in.
func TestHistoryIndependenceSparse(t *testing.T) {
	ctx := context.Background()
	t.Logf("seed %d", testSeed)
	r := rand.New(rand.NewSource(testSeed))
	ns := newTestNS(t)
	type shape struct {
		n, width int
		varied   bool // values of several widths from the start
	}
	shapes := []shape{{20000, 8, false}, {30000, 16, true}, {3000, 200, false}, {2000, 150, true}, {400, 8, false}}
	if testing.Short() {
		shapes = shapes[2:]
	}
	for si, sh := range shapes {
		t.Run(fmt.Sprintf("n%d_w%d", sh.n, sh.width), func(t *testing.T) {
			width := func() int {
				if sh.varied && r.Intn(2) == 0 {
					return sh.width + 1 + r.Intn(3)
				}
				return sh.width
			}
			md := model{}
			for i := range sh.n {
				md[string(key(2*i))] = string(val(r.Int(), width()))
			}
			m := build(t, ns, md)
			for round := range 30 {
				e := m.Edit()
				edits := 1 + r.Intn(40)
				if round%10 == 9 {
					edits = 1
				}
				for range edits {
					k := key(2 * r.Intn(sh.n))
					switch x := r.Intn(10); {
					case x < 6: // same-size update
						if _, ok := md[string(k)]; ok {
							v := val(r.Int(), len(md[string(k)]))
							md[string(k)] = string(v)
							if err := e.Put(k, v); err != nil {
								t.Fatal(err)
							}
						}
					case x < 7: // resizing update
						v := val(r.Int(), width()+r.Intn(3))
						md[string(k)] = string(v)
						if err := e.Put(k, v); err != nil {
							t.Fatal(err)
						}
					case x < 8:
						delete(md, string(k))
						e.Delete(k)
					default: // insert between existing keys
						k = key(2*r.Intn(sh.n) + 1)
						v := val(r.Int(), width())
						md[string(k)] = string(v)
						if err := e.Put(k, v); err != nil {
							t.Fatal(err)
						}
					}
				}
				var err error
				if m, err = e.Flush(ctx); err != nil {
					t.Fatal(err)
				}
				if want := build(t, ns, md); m.Hash() != want.Hash() {
					checkAgainst(t, m, md)
					t.Fatalf("shape %d round %d: edited root %s != built root %s", si, round, m.Hash(), want.Hash())
				}
			}
			checkAgainst(t, m, md)
		})
	}
}
