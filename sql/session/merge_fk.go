package session

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/merge"
	"github.com/dsqldb/dsql/merkle/repo"
)

// mergeForeignKeys merges the foreign keys of theirs into out (the merge of the tables,
// which carries ours' foreign keys) three-way against base, by folded name: a foreign key
// changed (added, dropped or redefined) on one side only takes that side's version; one
// changed differently on both sides is error 1213. Whether a key is resolved
// (repo.ForeignKey.Unresolved) is no part of its definition: a key both sides hold with
// the same definition is resolved in out if either side resolved it.
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
		if merge.SameForeignKey(bf, inB, tf, inT) || merge.SameForeignKey(of, inO, tf, inT) {
			// theirs did not change it, or both made the same change; a resolution
			// theirs made of the key out holds carries over
			var err error
			if out, err = merge.KeepResolution(ctx, out, tf, inT); err != nil {
				return repo.Root{}, err
			}
			continue
		}
		if !merge.SameForeignKey(bf, inB, of, inO) {
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
