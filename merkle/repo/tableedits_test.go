package repo

import (
	"context"
	"errors"
	"testing"

	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/storage"
)

// TestWithEdits: one WithEdits of rows, an index and the counter gives the table (same
// hash, same maps, same counter) that WithRows, WithIndex and WithAutoIncrement in a row
// give, and it reads back; no change returns the table itself; an unknown index is
// ErrInvalid.
func TestWithEdits(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, open func() storage.Store) {
		s := open()
		r := mustInit(t, s)
		ns := r.NodeStore()
		base, err := NewTable(ctx, ns, richSchema("Rich"))
		if err != nil {
			t.Fatal(err)
		}
		kd, _ := base.Schema().IndexKeyDesc(0)
		kb := tuple.NewBuilder(kd)
		kb.PutString(0, "ann")
		kb.PutInt(1, 7)
		k, err := kb.Build()
		if err != nil {
			t.Fatal(err)
		}
		ed := base.Indexes()["by_name"].Edit()
		if err := ed.Put(k, nil); err != nil {
			t.Fatal(err)
		}
		im, err := ed.Flush(ctx)
		if err != nil {
			t.Fatal(err)
		}
		simple := newSimpleTable(t, ns, "simple", 1, 2, 3) // any non-empty map will do as rows
		rows := simple.Rows()

		chain, err := base.WithRows(ctx, rows)
		if err != nil {
			t.Fatal(err)
		}
		if chain, err = chain.WithIndex(ctx, "by_name", im); err != nil {
			t.Fatal(err)
		}
		if chain, err = chain.WithAutoIncrement(ctx, 42); err != nil {
			t.Fatal(err)
		}

		got, err := base.WithEdits(ctx, TableEdits{Rows: &rows, Indexes: []IndexMap{{Name: "BY_NAME", Map: im}}, AutoInc: 42, SetAutoInc: true})
		if err != nil {
			t.Fatal(err)
		}
		if got.Hash() != chain.Hash() || got.AutoIncrement() != 42 || got.Rows().Hash() != rows.Hash() ||
			got.Indexes()["by_name"].Hash() != im.Hash() || base.Indexes()["by_name"].Hash() == im.Hash() {
			t.Fatalf("WithEdits gave table %s, the chain %s (or changed base)", got.Hash(), chain.Hash())
		}
		loaded, ok, err := func() (Table, bool, error) {
			ws, err := r.WorkingSet(ctx, DefaultBranch)
			if err != nil {
				return Table{}, false, err
			}
			root, err := ws.Working().PutTable(ctx, got)
			if err != nil {
				return Table{}, false, err
			}
			return root.Table(ctx, "rich")
		}()
		if err != nil || !ok || loaded.Hash() != got.Hash() {
			t.Fatalf("reading the table back: %v %v", ok, err)
		}

		same, err := got.WithEdits(ctx, TableEdits{AutoInc: 42, SetAutoInc: true})
		if err != nil || same.Hash() != got.Hash() {
			t.Fatalf("no-op WithEdits: %s, %v", same.Hash(), err)
		}
		if _, err := base.WithEdits(ctx, TableEdits{Indexes: []IndexMap{{Name: "nope", Map: im}}}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("unknown index: %v, want ErrInvalid", err)
		}
	})
}
