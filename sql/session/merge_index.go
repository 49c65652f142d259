package session

import (
	"io"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
)

// mergeIndexes merges every secondary index of a table three-way, the same way as its
// rows, and puts the results into t (which holds the merged rows). Index keys end with
// the primary key, so two transactions' entries collide only if they changed the same row,
// which the row merge has already refused; a collision here is therefore a 1213 too.
//
// Each transaction checked its unique indexes against its own snapshot only, so two of
// them can insert different rows with the same unique value. After merging, every entry
// theirs added to a unique index is looked up by its unique prefix in the merged index: a
// second live entry is a uniqueness violation only the combination produced, reported as
// 1213 so the client retries (and then gets the duplicate-key error from the statement).
func mergeIndexes(ctx *sql.Context, t, base, ours, theirs repo.Table) (repo.Table, error) {
	sch := t.Schema()
	for i, ix := range sch.Indexes {
		bm, _ := base.Index(ix.Name)
		om, _ := ours.Index(ix.Name)
		tm, _ := theirs.Index(ix.Name)
		merged, _, err := prolly.Merge(ctx, bm, om, tm, func(prolly.Collision) (prolly.Resolution, error) {
			return prolly.Resolution{}, deadlock("table %q, index %q: an entry was changed by this and a concurrent transaction", sch.Name, ix.Name)
		})
		if err != nil {
			return repo.Table{}, err
		}
		if ix.Unique && merged.Hash() != om.Hash() && merged.Hash() != tm.Hash() {
			kd, err := sch.IndexKeyDesc(i)
			if err != nil {
				return repo.Table{}, err
			}
			if err := checkUniqueAfterMerge(ctx, sch.Name, ix.Name, kd, len(ix.Columns), bm, tm, merged); err != nil {
				return repo.Table{}, err
			}
		}
		if merged.Hash() != om.Hash() {
			if t, err = t.WithIndex(ctx, ix.Name, merged); err != nil {
				return repo.Table{}, err
			}
		}
	}
	return t, nil
}

// checkUniqueAfterMerge fails with 1213 if an entry that theirs added to a unique index
// shares its first n fields (the indexed columns) with another entry of merged. Entries
// with a NULL in those fields never collide (MySQL's rule for unique indexes).
func checkUniqueAfterMerge(ctx *sql.Context, table, index string, kd tuple.Desc, n int, base, theirs, merged prolly.Map) error {
	d, err := prolly.DiffMaps(ctx, base, theirs)
	if err != nil {
		return err
	}
	prefix := func(a, b []byte) int {
		for j := 0; j < n; j++ {
			if c := kd.CompareField(j, a, b); c != 0 {
				return c
			}
		}
		return 0
	}
	for {
		df, err := d.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if df.Type == prolly.Removed || hasNullPrefix(kd, df.Key, n) {
			continue
		}
		key := df.Key
		it, err := merged.IterFrom(ctx, func(k []byte) bool { return prefix(k, key) < 0 })
		if err != nil {
			return err
		}
		same := 0
		for same < 2 {
			k, _, err := it.Next(ctx)
			if err == io.EOF || (err == nil && prefix(k, key) != 0) {
				break
			}
			if err != nil {
				return err
			}
			same++
		}
		if same > 1 {
			return deadlock("table %q, unique index %q: a concurrent transaction inserted the same value (%s)", table, index, kd.Format(key))
		}
	}
}

func hasNullPrefix(kd tuple.Desc, k []byte, n int) bool {
	for j := 0; j < n; j++ {
		if kd.IsNull(k, j) {
			return true
		}
	}
	return false
}
