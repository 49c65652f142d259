package merge

import (
	"context"
	"io"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/storage/memstore"
)

// The schema-change model: theirs adds a column c (BIGINT NULL, default 7 for the rows
// it does not set) and an index on it, ours drops the index b_only; both change rows.
// The merge must equal the row model merged over three cells, with base's and ours' rows
// holding c's default, and every index must match its rows.

type mrow3 = [3]cell
type mtable3 = map[int64]mrow3

const cDefault = 7

func theirSchema() repo.Schema {
	s := modelSchema()
	s.Columns = append(s.Columns, repo.Column{Name: "c", SQLType: "bigint", Type: tuple.Field{Enc: tuple.Int64Enc, Nullable: true}, Default: "7"})
	s.Indexes = append(s.Indexes, repo.Index{Name: "c_ix", Columns: []repo.IndexColumn{{Name: "c"}}})
	return s
}

func ourSchema() repo.Schema {
	s := modelSchema()
	s.Indexes = s.Indexes[:1]
	return s
}

// build3 returns a root holding table t of schema sch (2 or 3 value columns) with rows m,
// indexes built from the rows.
func build3(t *testing.T, ns *prolly.NodeStore, sch repo.Schema, m mtable3) repo.Root {
	t.Helper()
	ctx := context.Background()
	tb, err := repo.NewTable(ctx, ns, sch)
	if err != nil {
		t.Fatal(err)
	}
	ed := tb.Rows().Edit()
	for id, r := range m {
		kb := tuple.NewBuilder(tb.KeyDesc())
		kb.PutInt(0, id)
		k, _ := kb.Build()
		vb := tuple.NewBuilder(tb.ValueDesc())
		for i := 0; i < tb.ValueDesc().Len(); i++ {
			if r[i] != nil {
				vb.PutInt(i, *r[i])
			}
		}
		v, err := vb.Build()
		if err != nil {
			t.Fatal(err)
		}
		if err := ed.Put(k, v); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := ed.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tb, err = UpdateRows(ctx, tb, rows); err != nil {
		t.Fatal(err)
	}
	root, err := repo.EmptyRoot(ctx, ns)
	if err != nil {
		t.Fatal(err)
	}
	if root, err = root.PutTable(ctx, tb); err != nil {
		t.Fatal(err)
	}
	return root
}

func read3(t *testing.T, root repo.Root) (mtable3, repo.Table) {
	t.Helper()
	ctx := context.Background()
	tb, _, err := root.Table(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	out := mtable3{}
	it, _ := tb.Rows().Iter(ctx, prolly.All)
	for {
		k, v, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		id, _ := tb.KeyDesc().GetInt(k, 0)
		var r mrow3
		for i := 0; i < tb.ValueDesc().Len(); i++ {
			if x, ok := tb.ValueDesc().GetInt(v, i); ok {
				r[i] = i64(x)
			}
		}
		out[id] = r
	}
	return out, tb
}

// checkIndexes3 compares every index of tb with entries built from rows.
func checkIndexes3(t *testing.T, tb repo.Table, rows mtable3) {
	t.Helper()
	ctx := context.Background()
	sch := tb.Schema()
	for i, ix := range sch.Indexes {
		kd, _ := sch.IndexKeyDesc(i)
		var want [][]byte
		for id, r := range rows {
			b := tuple.NewBuilder(kd)
			for j, c := range ix.Columns {
				if v := r[sch.Column(c.Name)-1]; v != nil {
					b.PutInt(j, *v)
				}
			}
			b.PutInt(len(ix.Columns), id)
			k, err := b.Build()
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, k)
		}
		sort.Slice(want, func(x, y int) bool { return kd.Compare(want[x], want[y]) < 0 })
		m, _ := tb.Index(ix.Name)
		var got [][]byte
		it, _ := m.Iter(ctx, prolly.All)
		for {
			k, _, err := it.Next(ctx)
			if err == io.EOF {
				break
			}
			got = append(got, slices.Clone(k))
		}
		if len(got) != len(want) {
			t.Fatalf("index %s: %d entries, want %d", ix.Name, len(got), len(want))
		}
		for x := range got {
			if kd.Compare(got[x], want[x]) != 0 {
				t.Fatalf("index %s entry %d: %s, want %s", ix.Name, x, kd.Format(got[x]), kd.Format(want[x]))
			}
		}
	}
}

// modelMerge3 is modelMerge over three cells.
func modelMerge3(base, ours, theirs mtable3) (mtable3, []int64) {
	out := mtable3{}
	var conflicts []int64
	keys := map[int64]bool{}
	for _, m := range []mtable3{base, ours, theirs} {
		for k := range m {
			keys[k] = true
		}
	}
	eq := func(x mrow3, inX bool, y mrow3, inY bool) bool {
		return inX == inY && (!inX || (sameCell(x[0], y[0]) && sameCell(x[1], y[1]) && sameCell(x[2], y[2])))
	}
	for k := range keys {
		b, inB := base[k]
		o, inO := ours[k]
		th, inT := theirs[k]
		switch {
		case eq(b, inB, th, inT), eq(o, inO, th, inT):
			if inO {
				out[k] = o
			}
		case eq(b, inB, o, inO):
			if inT {
				out[k] = th
			}
		case inB && inO && inT:
			var m mrow3
			ok := true
			for i := range m {
				switch {
				case sameCell(o[i], th[i]), sameCell(b[i], th[i]):
					m[i] = o[i]
				case sameCell(b[i], o[i]):
					m[i] = th[i]
				default:
					ok = false
				}
			}
			if ok {
				out[k] = m
			} else {
				out[k] = o
				conflicts = append(conflicts, k)
			}
		default:
			if inO {
				out[k] = o
			}
			conflicts = append(conflicts, k)
		}
	}
	slices.Sort(conflicts)
	return out, conflicts
}

func widen(m mtable, c cell) mtable3 {
	out := mtable3{}
	for k, r := range m {
		out[k] = mrow3{r[0], r[1], c}
	}
	return out
}

func TestMergeSchemaChangeRandomAgainstModel(t *testing.T) {
	rng := seededRand(t)
	ctx := context.Background()
	ns := prolly.NewNodeStore(memstore.New(), 0)
	opts := Options{Record: true, ColumnDefault: func(_ context.Context, sch repo.Schema, col int) ([]byte, error) {
		d, _ := tuple.NewDesc(sch.Columns[col].Type)
		b := tuple.NewBuilder(d)
		b.PutInt(0, cDefault)
		return b.Build()
	}}
	var totalConflicts, totalCellMerged, totalC int
	defer func() {
		if !t.Failed() && (totalConflicts == 0 || totalCellMerged == 0 || totalC == 0) {
			t.Errorf("the random cases never produced a conflict (%d), a cell-wise merge (%d) or a set c (%d)", totalConflicts, totalCellMerged, totalC)
		}
	}()
	for iter := range 100 {
		keys := 5 + rng.IntN(200)
		base := mutate(rng, mtable{}, keys, keys)
		ours := mutate(rng, base, rng.IntN(keys/2+1), keys)
		theirs2 := mutate(rng, base, rng.IntN(keys/2+1), keys)
		// Theirs sets c on some rows it changed or added; the others hold the default.
		theirs := widen(theirs2, i64(cDefault))
		for k, r := range theirs {
			if b, ok := base[k]; (!ok || !sameCell(b[0], r[0]) || !sameCell(b[1], r[1])) && rng.IntN(2) == 0 {
				r[2] = i64(int64(rng.IntN(3)))
				theirs[k] = r
			}
		}
		// Odd iterations swap the roles: ours adds the column and index, theirs drops b_only
		// (the merge then applies theirs' converted changes onto ours' rows).
		swap := iter%2 == 1
		var want mtable3
		var wantConflicts []int64
		var res Result
		var err error
		if !swap {
			want, wantConflicts = modelMerge3(widen(base, i64(cDefault)), widen(ours, i64(cDefault)), theirs)
			res, err = Merge(ctx, build3(t, ns, modelSchema(), widen(base, nil)), build3(t, ns, ourSchema(), widen(ours, nil)), build3(t, ns, theirSchema(), theirs), opts)
		} else {
			want, wantConflicts = modelMerge3(widen(base, i64(cDefault)), theirs, widen(ours, i64(cDefault)))
			res, err = Merge(ctx, build3(t, ns, modelSchema(), widen(base, nil)), build3(t, ns, theirSchema(), theirs), build3(t, ns, ourSchema(), widen(ours, nil)), opts)
		}
		if err != nil {
			t.Fatalf("iteration %d: %v", iter, err)
		}
		if len(res.SchemaConflicts) > 0 || len(res.Violations) > 0 {
			t.Fatalf("iteration %d: schema conflicts %+v, violations %d", iter, res.SchemaConflicts, len(res.Violations))
		}
		for _, st := range res.Stats {
			totalConflicts += st.Conflicts
			totalCellMerged += st.CellMerged
		}
		got, tb := read3(t, res.Root)
		for _, r := range got {
			if r[2] != nil && *r[2] != cDefault {
				totalC++
			}
		}
		if n := len(tb.Schema().Columns); n != 4 || len(tb.Schema().Indexes) != 2 {
			t.Fatalf("iteration %d: merged schema has %d columns, indexes %v", iter, n, tb.Schema().Indexes)
		}
		if len(got) != len(want) {
			t.Fatalf("iteration %d: %d rows, want %d", iter, len(got), len(want))
		}
		for k, w := range want {
			g, ok := got[k]
			if !ok || g != w && !(sameCell(g[0], w[0]) && sameCell(g[1], w[1]) && sameCell(g[2], w[2])) {
				t.Fatalf("iteration %d: row %d = %v (%v), want %v", iter, k, g, ok, w)
			}
		}
		checkIndexes3(t, tb, got)
		var gotConflicts []int64
		for _, c := range res.Conflicts {
			it, _ := c.Keys.Iter(ctx, prolly.All)
			for {
				k, _, err := it.Next(ctx)
				if err == io.EOF {
					break
				}
				id, _ := tb.KeyDesc().GetInt(k, 0)
				gotConflicts = append(gotConflicts, id)
			}
		}
		if !slices.Equal(gotConflicts, wantConflicts) {
			t.Fatalf("iteration %d: conflicts %v, want %v", iter, gotConflicts, wantConflicts)
		}
		if len(wantConflicts) > 0 && !res.hasConv {
			t.Fatalf("iteration %d: conflicts without converted versions", iter)
		}
	}
}

// renamed returns modelSchema (id, a, b, indexes ab and b_only) edited by f.
func renamed(f func(s *repo.Schema)) repo.Schema {
	s := modelSchema().Clone()
	f(&s)
	return s
}

func TestColumnRenames(t *testing.T) {
	bigint := func(name string) repo.Column {
		return repo.Column{Name: name, SQLType: "bigint", Type: tuple.Field{Enc: tuple.Int64Enc, Nullable: true}}
	}
	for _, tc := range []struct {
		name string
		edit func(s *repo.Schema)
		want map[string]string
	}{
		{"none", func(*repo.Schema) {}, nil},
		{"a renamed", func(s *repo.Schema) { s.Columns[1].Name = "x" }, map[string]string{"a": "x"}},
		{"both renamed", func(s *repo.Schema) { s.Columns[1].Name, s.Columns[2].Name = "x", "y" }, map[string]string{"a": "x", "b": "y"}},
		{"primary key renamed", func(s *repo.Schema) { s.Columns[0].Name = "pk" }, map[string]string{"id": "pk"}},
		{"renamed with a new type is a drop and an add", func(s *repo.Schema) {
			s.Columns[1] = repo.Column{Name: "x", SQLType: "int", Type: tuple.Field{Enc: tuple.Int32Enc, Nullable: true}}
		}, nil},
		{"renamed with a new default is a drop and an add", func(s *repo.Schema) { s.Columns[1].Name, s.Columns[1].Default = "x", "1" }, nil},
		{"dropped, and one alike added elsewhere", func(s *repo.Schema) { s.Columns = append(slices.Delete(s.Columns, 1, 2), bigint("x")) }, nil},
		{"dropped, and two alike added in its place: ambiguous", func(s *repo.Schema) {
			s.Columns = slices.Insert(slices.Delete(s.Columns, 1, 2), 1, bigint("x"), bigint("y"))
		}, nil},
		{"renamed, and a column added before it", func(s *repo.Schema) {
			s.Columns[1].Name = "x"
			s.Columns = slices.Insert(s.Columns, 0, bigint("c"))
			s.PrimaryKey = []int{1}
		}, map[string]string{"a": "x"}},
		{"renamed, and the alike column after it dropped: ambiguous", func(s *repo.Schema) {
			s.Columns[1].Name = "x"
			s.Columns = s.Columns[:2]
		}, nil},
	} {
		got := columnRenames(modelSchema(), renamed(tc.edit))
		if len(got) != len(tc.want) {
			t.Errorf("%s: renames %v, want %v", tc.name, got, tc.want)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: renames %v, want %v", tc.name, got, tc.want)
			}
		}
	}
}

func TestMergeSchemasWithRenames(t *testing.T) {
	b := modelSchema()
	renameA := renamed(func(s *repo.Schema) {
		s.Columns[1].Name = "x"
		s.Indexes[0].Columns[0].Name = "x"
	})
	// Theirs adds an index on a and a column c: both follow ours' rename.
	theirs := renamed(func(s *repo.Schema) {
		s.Columns = append(s.Columns, repo.Column{Name: "c", SQLType: "bigint", Type: tuple.Field{Enc: tuple.Int64Enc, Nullable: true}})
		s.Indexes = append(s.Indexes, repo.Index{Name: "a_ix", Columns: []repo.IndexColumn{{Name: "a"}}})
	})
	m, why := mergeSchemas(b, renameA, theirs)
	if why != "" {
		t.Fatalf("conflict: %s", why)
	}
	var names []string
	for _, c := range m.Columns {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"id", "x", "b", "c"}) {
		t.Errorf("merged columns %v", names)
	}
	if i := m.Index("a_ix"); i < 0 || m.Indexes[i].Columns[0].Name != "x" {
		t.Errorf("index a_ix does not follow the rename: %+v", m.Indexes)
	}
	if i := m.Index("ab"); i < 0 || m.Indexes[i].Columns[0].Name != "x" {
		t.Errorf("index ab does not follow the rename: %+v", m.Indexes)
	}
	// The same with the sides swapped.
	if m2, why := mergeSchemas(b, theirs, renameA); why != "" || m2.Column("x") != 1 || m2.Column("a") >= 0 {
		t.Errorf("swapped: %v %q", m2.Columns, why)
	}

	for _, tc := range []struct {
		name   string
		theirs repo.Schema
		want   string
	}{
		{"renamed differently", renamed(func(s *repo.Schema) { s.Columns[1].Name = "y" }), `column "a" renamed to "x" on one side and to "y" on the other`},
		{"dropped", renamed(func(s *repo.Schema) { s.Columns = slices.Delete(s.Columns, 1, 2); s.Indexes = s.Indexes[1:] }), `column "a" renamed to "x" on one side and dropped on the other`},
		{"redefined", renamed(func(s *repo.Schema) { s.Columns[1].Comment = "changed" }), `column "a" renamed to "x" on one side and changed on the other`},
		{"new column of the new name", renamed(func(s *repo.Schema) {
			s.Columns = append(s.Columns, repo.Column{Name: "X", SQLType: "int", Type: tuple.Field{Enc: tuple.Int32Enc, Nullable: true}})
		}), `column "a" renamed to "x" on one side while the other added a column "X"`},
		{"check using the old name", renamed(func(s *repo.Schema) { s.Checks = []repo.Check{{Name: "pos", Expr: "(`a` > 0)", Enforced: true}} }),
			`check "pos" added or changed on one side uses column "a", renamed to "x" on the other`},
	} {
		_, why := mergeSchemas(b, renameA, tc.theirs)
		if !strings.Contains(why, tc.want) {
			t.Errorf("%s: conflict %q, want it to contain %q", tc.name, why, tc.want)
		}
	}
	// A check that only mentions a longer name is no collision.
	if _, why := mergeSchemas(b, renameA, renamed(func(s *repo.Schema) {
		s.Checks = []repo.Check{{Name: "pos", Expr: "(b_a > 0 or ab > 0)", Enforced: true}}
	})); why != "" {
		t.Errorf("check without the column: conflict %q", why)
	}
}

func TestMentions(t *testing.T) {
	for _, tc := range []struct {
		expr, name string
		want       bool
	}{
		{"(`a` > 0)", "a", true}, {"a>0", "A", true}, {"(ab > 0)", "a", false}, {"(b_a + a_b)", "a", false},
		{"x + a", "a", true}, {"", "a", false}, {"aa + a", "a", true},
	} {
		if got := mentions(tc.expr, tc.name); got != tc.want {
			t.Errorf("mentions(%q, %q) = %v", tc.expr, tc.name, got)
		}
	}
}

// BenchmarkMergeRename100k merges a branch that renamed column b (ALTER TABLE t RENAME
// COLUMN b TO bb: only the schema changes) and changed 1,000 rows into one that changed
// 1,000 other rows of a 100,000-row table: the renamed side's rows are already in the
// merged layout, so only ours' 1,000 changes are applied onto them.
func BenchmarkMergeRename100k(b *testing.B) { benchMergeRename(b, 100_000, true) }

// BenchmarkMergeRename1M is the same merge on a 1,000,000-row table.
func BenchmarkMergeRename1M(b *testing.B) { benchMergeRename(b, 1_000_000, true) }

// BenchmarkMergeNoRename1M is the same merge without the rename, for comparison.
func BenchmarkMergeNoRename1M(b *testing.B) { benchMergeRename(b, 1_000_000, false) }

func benchMergeRename(b *testing.B, n int, rename bool) {
	ctx := context.Background()
	ns := prolly.NewNodeStore(memstore.New(), 0)
	const changed = 1000
	empty, err := repo.NewTable(ctx, ns, modelSchema())
	if err != nil {
		b.Fatal(err)
	}
	kd, vd := empty.KeyDesc(), empty.ValueDesc()
	enc := func(id, a, bv int64) ([]byte, []byte) {
		kb := tuple.NewBuilder(kd)
		kb.PutInt(0, id)
		k, _ := kb.Build()
		vb := tuple.NewBuilder(vd)
		vb.PutInt(0, a)
		vb.PutInt(1, bv)
		v, _ := vb.Build()
		return k, v
	}
	bld := prolly.NewBuilder(ns, kd.Compare)
	for id := int64(0); id < int64(n); id++ {
		k, v := enc(id, id%97, id%89)
		if err := bld.Add(ctx, k, v); err != nil {
			b.Fatal(err)
		}
	}
	rows, err := bld.Finish(ctx)
	if err != nil {
		b.Fatal(err)
	}
	base, err := empty.WithRows(ctx, rows)
	if err != nil {
		b.Fatal(err)
	}
	for i, ix := range base.Schema().Indexes {
		m, _, err := buildIndex(ctx, base, i)
		if err != nil {
			b.Fatal(err)
		}
		if base, err = base.WithIndex(ctx, ix.Name, m); err != nil {
			b.Fatal(err)
		}
	}
	step := int64(n / changed)
	edit := func(t repo.Table, off int64) repo.Table {
		ed := t.Rows().Edit()
		for i := range changed {
			id := int64(i)*step + off
			k, v := enc(id, -id, id%89)
			if err := ed.Put(k, v); err != nil {
				b.Fatal(err)
			}
		}
		rows, err := ed.Flush(ctx)
		if err != nil {
			b.Fatal(err)
		}
		nt, err := UpdateRows(ctx, t, rows)
		if err != nil {
			b.Fatal(err)
		}
		return nt
	}
	ours := edit(base, 0)
	theirs, bcol := base, "b"
	if rename {
		bcol = "bb"
		if theirs, err = base.WithSchema(ctx, renamed(func(s *repo.Schema) {
			s.Columns[2].Name = "bb"
			s.Indexes[0].Columns[1].Name = "bb"
			s.Indexes[1].Columns[0].Name = "bb"
		})); err != nil {
			b.Fatal(err)
		}
	}
	theirs = edit(theirs, 1)
	root := func(t repo.Table) repo.Root {
		r, _ := repo.EmptyRoot(ctx, ns)
		r, _ = r.PutTable(ctx, t)
		return r
	}
	br, or, tr := root(base), root(ours), root(theirs)
	b.ResetTimer()
	for range b.N {
		res, err := Merge(ctx, br, or, tr, Options{Record: true})
		if err != nil || res.Unresolved() {
			b.Fatal(err, res.SchemaConflicts)
		}
		mt, _, _ := res.Root.Table(ctx, "t")
		if mt.Schema().Column(bcol) != 2 || mt.Rows().Count() != uint64(n) {
			b.Fatalf("merged %v, %d rows", mt.Schema().Columns, mt.Rows().Count())
		}
	}
}
