package merge

import (
	"context"
	"testing"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/storage/memstore"
)

// BenchmarkSchemaMerge200k merges a branch that added a column (every row rewritten, as
// ALTER TABLE does) and changed 1,000 rows into one that changed 1,000 other rows of a
// 200,000-row table: only ours' 1,000 changes are converted and applied.
func BenchmarkSchemaMerge200k(b *testing.B) { benchSchemaMerge(b, 200_000) }

// BenchmarkSchemaMerge1M is the same merge on a 1,000,000-row table.
func BenchmarkSchemaMerge1M(b *testing.B) { benchSchemaMerge(b, 1_000_000) }

func benchSchemaMerge(b *testing.B, n int) {
	ctx := context.Background()
	ns := prolly.NewNodeStore(memstore.New(), 0)
	const changed = 1000
	t := &testing.T{}
	empty, err := repo.NewTable(ctx, ns, modelSchema())
	if err != nil {
		b.Fatal(err)
	}
	base := bulkTable(b, empty, n, func(id int64) mrow { return mrow{i64(id % 97), i64(id % 89)} })
	step := int64(n / changed)
	ed := base.Rows().Edit()
	for i := range changed {
		id := int64(i) * step
		k, v := encodeRow(t, base, id, mrow{i64(-id), i64(id % 89)})
		if err := ed.Put(k, v); err != nil {
			b.Fatal(err)
		}
	}
	rows, _ := ed.Flush(ctx)
	ours, err := UpdateRows(ctx, base, rows)
	if err != nil {
		b.Fatal(err)
	}
	// Theirs: ALTER TABLE t ADD COLUMN c BIGINT NULL, then 1,000 other rows changed.
	sch := modelSchema()
	sch.Columns = append(sch.Columns, repo.Column{Name: "c", SQLType: "bigint", Type: tuple.Field{Enc: tuple.Int64Enc, Nullable: true}})
	c, why, err := newConverter(ctx, base, sch, Options{})
	if err != nil || why != "" {
		b.Fatal(err, why)
	}
	conv, err := c.convertRows(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	theirs, err := base.WithSchema(ctx, sch)
	if err != nil {
		b.Fatal(err)
	}
	if theirs, err = theirs.WithRows(ctx, conv); err != nil {
		b.Fatal(err)
	}
	for i, ix := range sch.Indexes {
		m, _, err := buildIndex(ctx, theirs, i)
		if err != nil {
			b.Fatal(err)
		}
		if theirs, err = theirs.WithIndex(ctx, ix.Name, m); err != nil {
			b.Fatal(err)
		}
	}
	ted := theirs.Rows().Edit()
	for i := range changed {
		id := int64(i)*step + 1
		kb := tuple.NewBuilder(theirs.KeyDesc())
		kb.PutInt(0, id)
		k, _ := kb.Build()
		vb := tuple.NewBuilder(theirs.ValueDesc())
		vb.PutInt(0, id%97)
		vb.PutInt(1, -id)
		vb.PutInt(2, id)
		v, _ := vb.Build()
		if err := ted.Put(k, v); err != nil {
			b.Fatal(err)
		}
	}
	trows, _ := ted.Flush(ctx)
	if theirs, err = UpdateRows(ctx, theirs, trows); err != nil {
		b.Fatal(err)
	}
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
	}
}
