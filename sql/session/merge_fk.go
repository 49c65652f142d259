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
		if sameFK(bf, inB, tf, inT) || sameFK(of, inO, tf, inT) {
			// theirs did not change it, or both made the same change; a resolution
			// theirs made of the key out holds carries over
			var err error
			if out, err = keepResolution(ctx, out, tf, inT); err != nil {
				return repo.Root{}, err
			}
			continue
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

// keepResolution returns out with its foreign key of the same name and definition as
// theirs (tf, if inT) marked resolved if theirs is resolved and out's is not.
func keepResolution(ctx *sql.Context, out repo.Root, tf repo.ForeignKey, inT bool) (repo.Root, error) {
	if !inT || tf.Unresolved {
		return out, nil
	}
	cur, ok := out.ForeignKey(tf.Name)
	if !ok || !cur.Unresolved || !sameFK(cur, true, tf, true) {
		return out, nil
	}
	cur.Unresolved = false
	return out.PutForeignKey(ctx, cur)
}

// sameFK reports whether a (if inA) and b (if inB) are the same foreign key definition, or
// both absent; whether each is resolved does not matter.
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
