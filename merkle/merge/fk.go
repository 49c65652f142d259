package merge

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/dsqldb/dsql/merkle/repo"
)

// mergeForeignKeys merges the foreign keys of theirs into out (which carries ours') three
// way against base, by folded name: one changed (added, dropped or redefined) on one side
// only takes that side's version; one changed differently on both sides is a schema
// conflict.
func mergeForeignKeys(ctx context.Context, base, ours, theirs, out repo.Root) (repo.Root, []SchemaConflict, error) {
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
	sort.Strings(keys)
	var conflicts []SchemaConflict
	for _, k := range keys {
		bf, inB := base.ForeignKey(k)
		of, inO := ours.ForeignKey(k)
		tf, inT := theirs.ForeignKey(k)
		if sameFK(bf, inB, tf, inT) || sameFK(of, inO, tf, inT) {
			continue
		}
		if !sameFK(bf, inB, of, inO) {
			conflicts = append(conflicts, SchemaConflict{Table: names[k], Reason: "foreign key changed differently on both sides"})
			continue
		}
		var err error
		if inT {
			if _, ok := out.ForeignKey(k); ok {
				if out, err = out.RemoveForeignKey(ctx, k); err != nil {
					return repo.Root{}, nil, err
				}
			}
			out, err = out.PutForeignKey(ctx, tf)
		} else if _, ok := out.ForeignKey(k); ok {
			out, err = out.RemoveForeignKey(ctx, k)
		}
		if err != nil {
			return repo.Root{}, nil, err
		}
	}
	return out, conflicts, nil
}

func sameFK(a repo.ForeignKey, inA bool, b repo.ForeignKey, inB bool) bool {
	if inA != inB {
		return false
	}
	if !inA {
		return true
	}
	return a.Name == b.Name && strings.EqualFold(a.Table, b.Table) && strings.EqualFold(a.ParentTable, b.ParentTable) &&
		slices.Equal(a.Columns, b.Columns) && slices.Equal(a.ParentColumns, b.ParentColumns) &&
		a.OnUpdate == b.OnUpdate && a.OnDelete == b.OnDelete
}
