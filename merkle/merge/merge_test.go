package merge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/storage/memstore"
)

// The model: a table (id BIGINT PRIMARY KEY, a BIGINT NULL, b BIGINT NULL) with an index
// on (a, b); a row is [2]*int64 (nil = NULL).

type cell = *int64
type mrow = [2]cell
type mtable = map[int64]mrow

func seededRand(t *testing.T) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("DSQL_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("DSQL_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("seed %d (rerun with DSQL_SEED=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func i64(v int64) cell { return &v }

func sameCell(x, y cell) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }

func modelSchema() repo.Schema {
	return repo.Schema{
		Name: "t",
		Columns: []repo.Column{
			{Name: "id", SQLType: "bigint", Type: tuple.Field{Enc: tuple.Int64Enc}},
			{Name: "a", SQLType: "bigint", Type: tuple.Field{Enc: tuple.Int64Enc, Nullable: true}},
			{Name: "b", SQLType: "bigint", Type: tuple.Field{Enc: tuple.Int64Enc, Nullable: true}},
		},
		PrimaryKey: []int{0},
		Indexes:    []repo.Index{{Name: "ab", Columns: []repo.IndexColumn{{Name: "a"}, {Name: "b"}}}, {Name: "b_only", Columns: []repo.IndexColumn{{Name: "b"}}}},
	}
}

// build returns a root holding table t with rows m, built through UpdateRows from an
// empty table (so its indexes come from the code under test; checkIndexes verifies them
// independently).
func build(t *testing.T, ns *prolly.NodeStore, m mtable) repo.Root {
	t.Helper()
	ctx := context.Background()
	tb, err := repo.NewTable(ctx, ns, modelSchema())
	if err != nil {
		t.Fatal(err)
	}
	ed := tb.Rows().Edit()
	for id, r := range m {
		k, v := encodeRow(t, tb, id, r)
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

func encodeRow(t *testing.T, tb repo.Table, id int64, r mrow) ([]byte, []byte) {
	kb := tuple.NewBuilder(tb.KeyDesc())
	kb.PutInt(0, id)
	k, err := kb.Build()
	if err != nil {
		t.Fatal(err)
	}
	vb := tuple.NewBuilder(tb.ValueDesc())
	for i, c := range r {
		if c != nil {
			vb.PutInt(i, *c)
		}
	}
	v, err := vb.Build()
	if err != nil {
		t.Fatal(err)
	}
	return k, v
}

func readTable(t *testing.T, root repo.Root) (mtable, repo.Table) {
	t.Helper()
	ctx := context.Background()
	tb, ok, err := root.Table(ctx, "t")
	if err != nil || !ok {
		t.Fatalf("table t: %v %v", ok, err)
	}
	out := mtable{}
	it, err := tb.Rows().Iter(ctx, prolly.All)
	if err != nil {
		t.Fatal(err)
	}
	for {
		k, v, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		id, _ := tb.KeyDesc().GetInt(k, 0)
		var r mrow
		for i := range r {
			if x, ok := tb.ValueDesc().GetInt(v, i); ok {
				r[i] = i64(x)
			}
		}
		out[id] = r
	}
	return out, tb
}

// checkIndexes compares each index map with the entries built directly from the rows.
func checkIndexes(t *testing.T, tb repo.Table, rows mtable) {
	t.Helper()
	ctx := context.Background()
	sch := tb.Schema()
	for i, ix := range sch.Indexes {
		kd, _ := sch.IndexKeyDesc(i)
		var want [][]byte
		for id, r := range rows {
			b := tuple.NewBuilder(kd)
			j := 0
			for _, c := range ix.Columns {
				if v := r[sch.Column(c.Name)-1]; v != nil {
					b.PutInt(j, *v)
				}
				j++
			}
			b.PutInt(j, id)
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
			if err != nil {
				t.Fatal(err)
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

// modelMerge applies the package's rules to the model.
func modelMerge(base, ours, theirs mtable) (mtable, []int64) {
	out := mtable{}
	var conflicts []int64
	keys := map[int64]bool{}
	for _, m := range []mtable{base, ours, theirs} {
		for k := range m {
			keys[k] = true
		}
	}
	for k := range keys {
		b, inB := base[k]
		o, inO := ours[k]
		th, inT := theirs[k]
		eq := func(x mrow, inX bool, y mrow, inY bool) bool {
			return inX == inY && (!inX || (sameCell(x[0], y[0]) && sameCell(x[1], y[1])))
		}
		put := func(r mrow, in bool) {
			if in {
				out[k] = r
			}
		}
		switch {
		case eq(b, inB, th, inT), eq(o, inO, th, inT):
			put(o, inO)
		case eq(b, inB, o, inO):
			put(th, inT)
		case inB && inO && inT:
			var m mrow
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
			put(o, inO)
			conflicts = append(conflicts, k)
		}
	}
	slices.Sort(conflicts)
	return out, conflicts
}

func clone(m mtable) mtable {
	out := mtable{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func mutate(rng *rand.Rand, m mtable, n, keys int) mtable {
	m = clone(m)
	val := func() cell {
		if rng.IntN(6) == 0 {
			return nil
		}
		return i64(int64(rng.IntN(4)))
	}
	for range n {
		k := int64(rng.IntN(keys))
		r, ok := m[k]
		switch op := rng.IntN(5); {
		case !ok:
			m[k] = mrow{val(), val()}
		case op == 0:
			delete(m, k)
		case op <= 2:
			r[0] = val()
			m[k] = r
		default:
			r[1] = val()
			m[k] = r
		}
	}
	return m
}

func TestMergeRandomAgainstModel(t *testing.T) {
	rng := seededRand(t)
	ctx := context.Background()
	ns := prolly.NewNodeStore(memstore.New(), 0)
	var totalConflicts, totalCellMerged int
	defer func() {
		if !t.Failed() && (totalConflicts == 0 || totalCellMerged == 0) {
			t.Errorf("the random cases never produced a conflict (%d) or a cell-wise merge (%d)", totalConflicts, totalCellMerged)
		}
	}()
	for iter := range 200 {
		keys := 5 + rng.IntN(300)
		base := mutate(rng, mtable{}, keys, keys)
		ours := mutate(rng, base, rng.IntN(keys/2+1), keys)
		theirs := mutate(rng, base, rng.IntN(keys/2+1), keys)
		want, wantConflicts := modelMerge(base, ours, theirs)
		res, err := Merge(ctx, build(t, ns, base), build(t, ns, ours), build(t, ns, theirs))
		if err != nil {
			t.Fatalf("iteration %d: %v", iter, err)
		}
		for _, st := range res.Stats {
			totalConflicts += st.Conflicts
			totalCellMerged += st.CellMerged
		}
		got, tb := readTable(t, res.Root)
		if len(got) != len(want) {
			t.Fatalf("iteration %d: %d rows, want %d", iter, len(got), len(want))
		}
		for k, w := range want {
			g, ok := got[k]
			if !ok || !sameCell(g[0], w[0]) || !sameCell(g[1], w[1]) {
				t.Fatalf("iteration %d: row %d = %v (%v), want %v", iter, k, fmtRow(g), ok, fmtRow(w))
			}
		}
		checkIndexes(t, tb, got)
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
		// The merge of theirs into ours and of ours into theirs agree on clean rows.
		if len(wantConflicts) == 0 {
			rev, err := Merge(ctx, build(t, ns, base), build(t, ns, theirs), build(t, ns, ours))
			if err != nil {
				t.Fatal(err)
			}
			if rev.Root.Hash() != res.Root.Hash() {
				t.Fatalf("iteration %d: merge is not symmetric without conflicts", iter)
			}
		}
	}
}

func fmtRow(r mrow) string {
	s := func(c cell) string {
		if c == nil {
			return "NULL"
		}
		return strconv.FormatInt(*c, 10)
	}
	return fmt.Sprintf("(%s, %s)", s(r[0]), s(r[1]))
}

func TestMergeSchemaConflict(t *testing.T) {
	ctx := context.Background()
	ns := prolly.NewNodeStore(memstore.New(), 0)
	base := build(t, ns, mtable{1: {i64(1), i64(1)}})
	ours := build(t, ns, mtable{1: {i64(2), i64(1)}})
	tb, _, _ := base.Table(ctx, "t")
	sch := tb.Schema().Clone()
	sch.Columns = append(sch.Columns, repo.Column{Name: "c", SQLType: "bigint", Type: tuple.Field{Enc: tuple.Int64Enc, Nullable: true}})
	tt, err := tb.WithSchema(ctx, sch)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := base.PutTable(ctx, tt)
	if err != nil {
		t.Fatal(err)
	}
	// A nullable column added on their side merges with our row changes.
	res, err := Merge(ctx, base, ours, theirs)
	if err != nil {
		t.Fatal(err)
	}
	mt, _, _ := res.Root.Table(ctx, "t")
	if len(mt.Schema().Columns) != 4 || mt.Rows().Count() != 1 {
		t.Fatalf("merged schema %v, %d rows", mt.Schema().Columns, mt.Rows().Count())
	}
	k1, _ := encodeRow(t, mt, 1, mrow{})
	v, _, _ := mt.Rows().Get(ctx, k1)
	if got, _ := mt.ValueDesc().GetInt(v, 0); got != 2 || !mt.ValueDesc().IsNull(v, 2) {
		t.Fatalf("merged row %s", mt.ValueDesc().Format(v))
	}
	// The same column added with another type on our side is a schema conflict.
	sch2 := tb.Schema().Clone()
	sch2.Columns = append(sch2.Columns, repo.Column{Name: "c", SQLType: "int", Type: tuple.Field{Enc: tuple.Int32Enc, Nullable: true}})
	ot, _, _ := ours.Table(ctx, "t")
	ot2, err := ot.WithSchema(ctx, sch2)
	if err != nil {
		t.Fatal(err)
	}
	ours2, err := ours.PutTable(ctx, ot2)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Merge(ctx, base, ours2, theirs)
	var sc *SchemaConflictError
	if !errors.Is(err, ErrSchemaConflict) || !errors.As(err, &sc) || !slices.Equal(sc.Tables(), []string{"t"}) {
		t.Fatalf("err = %v", err)
	}
	// Recorded instead with Options.Record: ours' table is kept.
	rec, err := Merge(ctx, base, ours2, theirs, Options{Record: true})
	if err != nil || len(rec.SchemaConflicts) != 1 || rec.Root.Hash() != ours2.Hash() {
		t.Fatalf("recorded: %v %+v", err, rec.SchemaConflicts)
	}
	if ms := rec.State(hash.Hash{1}, ours2, base); len(ms.SchemaConflicts) != 1 || ms.Base != base.Hash() {
		t.Fatalf("state %+v", ms)
	}
	// A schema change on one side only, the other side not touching the table, merges.
	res, err = Merge(ctx, base, base, theirs)
	if err != nil || res.Root.Hash() != theirs.Hash() {
		t.Fatalf("one-sided schema change: %v", err)
	}
}
