package merge

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dsqldb/dsql/merkle/repo"
)

// mergeForeignKeys merges the foreign keys of theirs into out (which carries ours') three
// way against base, by folded name: one changed (added, dropped or redefined) on one side
// only takes that side's version; one changed differently on both sides is a schema
// conflict. Whether a key is resolved (repo.ForeignKey.Unresolved) is no part of its
// definition: a key both sides hold with the same definition is resolved in out if either
// side resolved it.
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
		if SameForeignKey(bf, inB, tf, inT) || SameForeignKey(of, inO, tf, inT) {
			// theirs did not change it, or both made the same change; a resolution
			// theirs made of the key out holds carries over
			var err error
			if out, err = KeepResolution(ctx, out, tf, inT); err != nil {
				return repo.Root{}, nil, err
			}
			continue
		}
		if !SameForeignKey(bf, inB, of, inO) {
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
	return dropDanglingForeignKeys(ctx, base, ours, out, conflicts)
}

// dropDanglingForeignKeys removes from the merged root out every foreign key that names
// a table, column or parent index the merge left out (one side added or changed the key
// while the other renamed or dropped what it names), recording a schema conflict on the
// key's table for each: the merged root never holds a foreign key it cannot enforce.
func dropDanglingForeignKeys(ctx context.Context, base, ours, out repo.Root, conflicts []SchemaConflict) (repo.Root, []SchemaConflict, error) {
	for _, fk := range out.ForeignKeys() {
		problem, err := danglingReason(ctx, out, fk)
		if err != nil {
			return repo.Root{}, nil, err
		}
		if problem == "" {
			continue
		}
		// The side that made the key as it is: ours if ours changed it since base.
		bf, inB := base.ForeignKey(fk.Name)
		of, inO := ours.ForeignKey(fk.Name)
		side, other := "theirs", "ours"
		if SameForeignKey(of, inO, fk, true) && !SameForeignKey(bf, inB, of, inO) {
			side, other = "ours", "theirs"
		}
		if out, err = out.RemoveForeignKey(ctx, fk.Name); err != nil {
			return repo.Root{}, nil, err
		}
		table := fk.Table
		if t, ok, err := out.Table(ctx, fk.Table); err != nil {
			return repo.Root{}, nil, err
		} else if ok {
			table = t.Name()
		}
		conflicts = append(conflicts, SchemaConflict{Table: table, Reason: fmt.Sprintf(
			"foreign key %s (%s (%s) REFERENCES %s (%s)) from %s: %s on %s; the merged root leaves the key out",
			fk.Name, fk.Table, strings.Join(fk.Columns, ", "), fk.ParentTable, strings.Join(fk.ParentColumns, ", "),
			side, problem, other)})
	}
	return out, conflicts, nil
}

// danglingReason says what fk names that root lacks ("" if nothing): its table or
// columns, its parent table or columns, or an index of the parent starting with the
// parent columns.
func danglingReason(ctx context.Context, root repo.Root, fk repo.ForeignKey) (string, error) {
	child, ok, err := root.Table(ctx, fk.Table)
	if err != nil {
		return "", err
	}
	if !ok {
		return fmt.Sprintf("table %s was dropped or renamed", fk.Table), nil
	}
	for _, c := range fk.Columns {
		if child.Schema().Column(c) < 0 {
			return fmt.Sprintf("column %s of %s was dropped or renamed", c, fk.Table), nil
		}
	}
	parent, ok, err := root.Table(ctx, fk.ParentTable)
	if err != nil {
		return "", err
	}
	if !ok {
		return fmt.Sprintf("referenced table %s was dropped or renamed", fk.ParentTable), nil
	}
	psch := parent.Schema()
	for _, c := range fk.ParentColumns {
		if psch.Column(c) < 0 {
			return fmt.Sprintf("referenced column %s of %s was dropped or renamed", c, fk.ParentTable), nil
		}
	}
	if !hasIndexOn(psch, fk.ParentColumns) {
		return fmt.Sprintf("the index of %s on (%s) that the key needs was dropped", fk.ParentTable, strings.Join(fk.ParentColumns, ", ")), nil
	}
	return "", nil
}

// hasIndexOn reports whether sch has an index (its primary key or a secondary index)
// whose first len(cols) columns are cols, in any order, each indexed whole.
func hasIndexOn(sch repo.Schema, cols []string) bool {
	want := map[string]bool{}
	for _, c := range cols {
		want[strings.ToLower(c)] = true
	}
	covers := func(names []string) bool {
		if len(names) < len(want) {
			return false
		}
		for _, n := range names[:len(want)] {
			if !want[strings.ToLower(n)] {
				return false
			}
		}
		return true
	}
	pk := make([]string, len(sch.PrimaryKey))
	for i, o := range sch.PrimaryKey {
		pk[i] = sch.Columns[o].Name
	}
	if covers(pk) {
		return true
	}
	for _, ix := range sch.Indexes {
		var names []string
		for _, c := range ix.Columns {
			if c.Prefix != 0 {
				break
			}
			names = append(names, c.Name)
		}
		if covers(names) {
			return true
		}
	}
	return false
}

// KeepResolution returns out with its foreign key of the same name and definition as
// theirs (tf, if inT) marked resolved if theirs is resolved and out's is not (a key both
// sides hold with one definition is resolved if either side resolved it; version merges
// here and transaction merges in sql/session share the rule).
func KeepResolution(ctx context.Context, out repo.Root, tf repo.ForeignKey, inT bool) (repo.Root, error) {
	if !inT || tf.Unresolved {
		return out, nil
	}
	cur, ok := out.ForeignKey(tf.Name)
	if !ok || !cur.Unresolved || !SameForeignKey(cur, true, tf, true) {
		return out, nil
	}
	cur.Unresolved = false
	return out.PutForeignKey(ctx, cur)
}

// SameForeignKey reports whether a (if inA) and b (if inB) are the same foreign key
// definition, or both absent; whether each is resolved does not matter.
func SameForeignKey(a repo.ForeignKey, inA bool, b repo.ForeignKey, inB bool) bool {
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
