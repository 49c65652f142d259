package session

import (
	"slices"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
)

// mergeForeignKeys merges the foreign keys of theirs into out (the merge of the tables,
// which carries ours' foreign keys) three-way against base, by folded name: a foreign key
// changed (added, dropped or redefined) on one side only takes that side's version; one
// changed differently on both sides is error 1213.
func mergeForeignKeys(ctx *sql.Context, base, ours, theirs, out repo.Root) (repo.Root, error) {
	names := map[string]string{}
	for _, r := range []repo.Root{base, ours, theirs} {
		for _, fk := range r.ForeignKeys() {
			names[strings.ToLower(fk.Name)] = fk.Name
		}
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sortStrings(keys)
	for _, k := range keys {
		bf, inB := base.ForeignKey(k)
		of, inO := ours.ForeignKey(k)
		tf, inT := theirs.ForeignKey(k)
		if sameFK(bf, inB, tf, inT) || sameFK(of, inO, tf, inT) {
			continue // theirs did not change it, or both made the same change
		}
		if !sameFK(bf, inB, of, inO) {
			return repo.Root{}, deadlock("foreign key %q was changed by this and a concurrent transaction", names[k])
		}
		var err error
		if inT {
			if inO {
				if out, err = out.RemoveForeignKey(ctx, k); err != nil {
					return repo.Root{}, err
				}
			}
			out, err = out.PutForeignKey(ctx, tf)
		} else if _, ok := out.ForeignKey(k); ok {
			out, err = out.RemoveForeignKey(ctx, k)
		}
		if err != nil {
			return repo.Root{}, err
		}
	}
	return out, nil
}

func sameFK(a repo.ForeignKey, inA bool, b repo.ForeignKey, inB bool) bool {
	if inA != inB {
		return false
	}
	if !inA {
		return true
	}
	return a.Name == b.Name && a.Table == b.Table && a.ParentTable == b.ParentTable &&
		slices.Equal(a.Columns, b.Columns) && slices.Equal(a.ParentColumns, b.ParentColumns) &&
		a.OnUpdate == b.OnUpdate && a.OnDelete == b.OnDelete
}
