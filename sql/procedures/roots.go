package procedures

import (
	"context"
	"sort"
	"strings"

	"github.com/dsqldb/dsql/merkle/repo"
)

// copyTables returns dst with each named table set to its version in src: put if src has
// it, removed if not. Foreign keys follow their child table: those of the named tables
// in dst are replaced by those in src.
func copyTables(ctx context.Context, dst, src repo.Root, names []string) (repo.Root, error) {
	var err error
	moved := map[string]bool{}
	for _, n := range names {
		moved[strings.ToLower(n)] = true
		t, ok, err := src.Table(ctx, n)
		if err != nil {
			return repo.Root{}, err
		}
		switch {
		case ok:
			if h, has := dst.TableHash(n); has && h == t.Hash() {
				continue
			}
			if dst, err = dst.PutTable(ctx, t); err != nil {
				return repo.Root{}, err
			}
		case dst.HasTable(n):
			if dst, err = dst.RemoveTable(ctx, n); err != nil {
				return repo.Root{}, err
			}
		}
	}
	for _, fk := range dst.ForeignKeys() {
		if moved[strings.ToLower(fk.Table)] {
			if dst, err = dst.RemoveForeignKey(ctx, fk.Name); err != nil {
				return repo.Root{}, err
			}
		}
	}
	for _, fk := range src.ForeignKeys() {
		if moved[strings.ToLower(fk.Table)] {
			if dst, err = dst.PutForeignKey(ctx, fk); err != nil {
				return repo.Root{}, err
			}
		}
	}
	return dst, nil
}

// changedTables returns the tables (names as in a, else b) whose versions differ between
// roots a and b, including tables present in only one of them, sorted case-insensitively.
// Tables whose foreign keys differ count as changed.
func changedTables(a, b repo.Root) []string {
	seen := map[string]string{}
	for _, n := range b.TableNames() {
		seen[strings.ToLower(n)] = n
	}
	for _, n := range a.TableNames() {
		seen[strings.ToLower(n)] = n
	}
	var out []string
	for k, n := range seen {
		ha, inA := a.TableHash(k)
		hb, inB := b.TableHash(k)
		if inA != inB || ha != hb || !sameForeignKeys(a, b, k) {
			out = append(out, n)
		}
	}
	sortFolded(out)
	return out
}

// sortFolded sorts table names case-insensitively, as Root lists them.
func sortFolded(names []string) {
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
}

// sameForeignKeys reports whether a and b have the same foreign keys on child table t.
func sameForeignKeys(a, b repo.Root, t string) bool {
	fa, fb := foreignKeysOf(a, t), foreignKeysOf(b, t)
	if len(fa) != len(fb) {
		return false
	}
	for i := range fa {
		if !equalFK(fa[i], fb[i]) {
			return false
		}
	}
	return true
}

func foreignKeysOf(r repo.Root, t string) []repo.ForeignKey {
	var out []repo.ForeignKey
	for _, fk := range r.ForeignKeys() {
		if strings.EqualFold(fk.Table, t) {
			out = append(out, fk)
		}
	}
	return out
}

// equalFK reports whether a and b are the same foreign key, resolved alike: a working root
// whose key was resolved (validated on first use) differs from one whose key was not.
func equalFK(a, b repo.ForeignKey) bool {
	return a.Name == b.Name && a.Table == b.Table && a.ParentTable == b.ParentTable &&
		a.OnUpdate == b.OnUpdate && a.OnDelete == b.OnDelete && a.Unresolved == b.Unresolved &&
		strings.Join(a.Columns, "\x00") == strings.Join(b.Columns, "\x00") &&
		strings.Join(a.ParentColumns, "\x00") == strings.Join(b.ParentColumns, "\x00")
}

// sameTable reports whether roots a and b hold the same version of table t (or both lack
// it), foreign keys included.
func sameTable(a, b repo.Root, t string) bool {
	ha, inA := a.TableHash(t)
	hb, inB := b.TableHash(t)
	return inA == inB && ha == hb && sameForeignKeys(a, b, t)
}
