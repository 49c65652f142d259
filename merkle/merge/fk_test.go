package merge

import (
	"context"
	"strings"
	"testing"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/storage/memstore"
)

func intCol(name string) repo.Column {
	return repo.Column{Name: name, SQLType: "bigint", Type: tuple.Field{Enc: tuple.Int64Enc, Nullable: name != "id"}}
}

// fkRoot returns a root with tables p (id, code, UNIQUE uc (code) unless noIndex) and c
// (id and the columns cCols), and the foreign keys fks.
func fkRoot(t *testing.T, cCols []string, noIndex bool, fks ...repo.ForeignKey) repo.Root {
	t.Helper()
	ctx := context.Background()
	ns := prolly.NewNodeStore(memstore.New(), 0)
	root, err := repo.EmptyRoot(ctx, ns)
	if err != nil {
		t.Fatal(err)
	}
	p := repo.Schema{Name: "p", Columns: []repo.Column{intCol("id"), intCol("code")}, PrimaryKey: []int{0}}
	if !noIndex {
		p.Indexes = []repo.Index{{Name: "uc", Columns: []repo.IndexColumn{{Name: "code"}}, Unique: true}}
	}
	c := repo.Schema{Name: "c", Columns: []repo.Column{intCol("id")}, PrimaryKey: []int{0}}
	for _, n := range cCols {
		c.Columns = append(c.Columns, intCol(n))
	}
	for _, sch := range []repo.Schema{p, c} {
		tb, err := repo.NewTable(ctx, ns, sch)
		if err != nil {
			t.Fatal(err)
		}
		if root, err = root.PutTable(ctx, tb); err != nil {
			t.Fatal(err)
		}
	}
	for _, fk := range fks {
		if root, err = root.PutForeignKey(ctx, fk); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// A foreign key the merged root cannot hold (its column, parent table, parent column or
// parent index is gone) is removed with a schema conflict on its table naming the side
// that made it; a valid key stays.
func TestDropDanglingForeignKeys(t *testing.T) {
	ctx := context.Background()
	fkA := repo.ForeignKey{Name: "fk_a", Table: "c", Columns: []string{"a"}, ParentTable: "p", ParentColumns: []string{"id"}}
	fkCode := repo.ForeignKey{Name: "fk_code", Table: "c", Columns: []string{"a"}, ParentTable: "p", ParentColumns: []string{"code"}}
	for _, tc := range []struct {
		name      string
		base, out repo.Root
		want      string // "" : the key stays
	}{
		{"valid key stays", fkRoot(t, []string{"a"}, false), fkRoot(t, []string{"a"}, false, fkA), ""},
		{"key on a renamed column", fkRoot(t, []string{"a"}, false), fkRoot(t, []string{"b"}, false, fkA),
			"foreign key fk_a (c (a) REFERENCES p (id)) from ours: column a of c was dropped or renamed on theirs; the merged root leaves the key out"},
		{"parent index dropped", fkRoot(t, []string{"a"}, false), fkRoot(t, []string{"a"}, true, fkCode),
			"foreign key fk_code (c (a) REFERENCES p (code)) from ours: the index of p on (code) that the key needs was dropped on theirs; the merged root leaves the key out"},
		{"parent index kept", fkRoot(t, []string{"a"}, false), fkRoot(t, []string{"a"}, false, fkCode), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// ours made the key: ours is the merged root here.
			out, conflicts, err := dropDanglingForeignKeys(ctx, tc.base, tc.out, tc.out, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, kept := out.ForeignKey(tc.out.ForeignKeys()[0].Name)
			if tc.want == "" {
				if !kept || len(conflicts) != 0 {
					t.Fatalf("kept %v, conflicts %v", kept, conflicts)
				}
				return
			}
			if kept || len(conflicts) != 1 || conflicts[0].Table != "c" || conflicts[0].Reason != tc.want {
				t.Fatalf("kept %v, conflicts %+v", kept, conflicts)
			}
		})
	}
}

func TestHasIndexOn(t *testing.T) {
	sch := repo.Schema{Columns: []repo.Column{intCol("id"), intCol("a"), intCol("b"), intCol("s")}, PrimaryKey: []int{0},
		Indexes: []repo.Index{{Name: "ab", Columns: []repo.IndexColumn{{Name: "a"}, {Name: "b"}}}, {Name: "sp", Columns: []repo.IndexColumn{{Name: "s", Prefix: 4}}}}}
	for cols, want := range map[string]bool{"id": true, "a": true, "a,b": true, "B,a": true, "b": false, "s": false, "id,a": false} {
		if got := hasIndexOn(sch, strings.Split(cols, ",")); got != want {
			t.Errorf("hasIndexOn(%s) = %v, want %v", cols, got, want)
		}
	}
}

// Whether a foreign key is resolved is no part of its definition: a key both sides hold
// alike is resolved in the merge if either side resolved it, and a resolution never
// makes a conflict.
func TestMergeForeignKeysCarriesResolution(t *testing.T) {
	ctx := context.Background()
	def := repo.ForeignKey{Name: "fk_a", Table: "c", Columns: []string{"a"}, ParentTable: "p", ParentColumns: []string{"id"}}
	un := def
	un.Unresolved = true
	cascade := un
	cascade.OnDelete = repo.FKCascade
	root := func(fks ...repo.ForeignKey) repo.Root { return fkRoot(t, []string{"a"}, false, fks...) }
	for _, tc := range []struct {
		name               string
		base, ours, theirs repo.Root
		want               *repo.ForeignKey // nil: no key
	}{
		{"theirs resolved it", root(un), root(un), root(def), &def},
		{"ours resolved it", root(un), root(def), root(un), &def},
		{"both resolved it", root(un), root(def), root(def), &def},
		{"neither resolved it", root(un), root(un), root(un), &un},
		{"both added it, theirs resolved", root(), root(un), root(def), &def},
		{"both added it, ours resolved", root(), root(def), root(un), &def},
		{"theirs added it resolved", root(), root(), root(def), &def},
		{"theirs added it unresolved", root(), root(), root(un), &un},
		{"ours redefined it, theirs resolved the old one", root(un), root(cascade), root(def), &cascade},
		{"ours dropped it, theirs resolved it", root(un), root(), root(def), nil},
		{"theirs redefined it, ours resolved the old one", root(un), root(def), root(cascade), &cascade},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, conflicts, err := mergeForeignKeys(ctx, tc.base, tc.ours, tc.theirs, tc.ours)
			if err != nil {
				t.Fatal(err)
			}
			if len(conflicts) != 0 {
				t.Fatalf("conflicts %+v", conflicts)
			}
			got, ok := out.ForeignKey("fk_a")
			switch {
			case tc.want == nil && ok:
				t.Fatalf("merged root has %+v, want no key", got)
			case tc.want != nil && !ok:
				t.Fatalf("merged root has no key, want %+v", *tc.want)
			case tc.want != nil && (!SameForeignKey(got, true, *tc.want, true) || got.Unresolved != tc.want.Unresolved):
				t.Fatalf("merged key %+v, want %+v", got, *tc.want)
			}
		})
	}
	// Redefined differently on both sides is still a conflict.
	restrict := def
	restrict.OnDelete = repo.FKRestrict
	if _, conflicts, err := mergeForeignKeys(ctx, root(un), root(restrict), root(cascade), root(restrict)); err != nil || len(conflicts) != 1 {
		t.Fatalf("redefined on both sides: conflicts %+v, err %v", conflicts, err)
	}
}
