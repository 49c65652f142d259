package backend

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/vitess/go/mysql"
)

// A schema change keeps what the foreign keys referencing the table need.
//
// Invariant "referenced columns stay": an ALTER TABLE of a parent table (a table other
// tables' foreign keys reference, or its own) fails, changing nothing, when it would drop
// a referenced column (MySQL's 1829, "Cannot drop column 'code': needed in a foreign key
// constraint 'ch_ibfk_1' of table 'ch'") or leave the referenced columns without an index
// that starts with them, as DROP PRIMARY KEY does when the primary key was that index
// (MySQL's 1553, "Cannot drop index 'PRIMARY': needed in a foreign key constraint").
// GMS checked neither on the parent side: the ALTER succeeded and every later write of
// the child or the parent failed (1452, or "column ... in foreign key ... cannot be
// found"). The child side (dropping a foreign key's own column, 1828; dropping its
// index) is GMS's check. checkReferencedKeys runs for every rewrite of the table
// (RewriteInserter: DROP/MODIFY/CHANGE COLUMN, DROP/ADD PRIMARY KEY) and for the direct
// DropColumn and DropPrimaryKey; TestAlterReferencedColumns.

const (
	erFKColumnCannotDropParent = 1829 // ER_FK_COLUMN_CANNOT_DROP_CHILD: a column a child table's key references
	erDropIndexFK              = 1553 // ER_DROP_INDEX_FK
)

// checkReferencedKeys returns MySQL's error when changing t's schema from old to next
// (renames: folded old column names to new ones) would break a foreign key referencing
// t, else nil.
func (t *Table) checkReferencedKeys(ctx *sql.Context, old, next sql.PrimaryKeySchema, renames map[string]string) error {
	fks, err := t.GetReferencedForeignKeys(ctx)
	if err != nil || len(fks) == 0 {
		return err
	}
	oldKey, nextKey := keyNames(old, nil), keyNames(next, nil)
	keyChanged := !equalFold(keyNames(old, renames), nextKey)
	for _, fk := range fks {
		cols := make([]string, len(fk.ParentColumns))
		for i, c := range fk.ParentColumns {
			name := c
			if n, ok := renames[strings.ToLower(c)]; ok {
				name = n
			}
			if next.Schema.IndexOfColName(name) < 0 {
				return mysql.NewSQLError(erFKColumnCannotDropParent, "HY000",
					"Cannot drop column '%s': needed in a foreign key constraint '%s' of table '%s'; drop the foreign key first (ALTER TABLE %s DROP FOREIGN KEY %s)",
					c, fk.Name, fk.Table, fk.Table, fk.Name)
			}
			cols[i] = name
		}
		if !keyChanged || !hasPrefixFold(oldKey, fk.ParentColumns) || hasPrefixFold(nextKey, cols) {
			continue
		}
		// The primary key was an index the foreign key could use, and the new one is not:
		// another index must start with the referenced columns.
		if _, ok, err := plan.FindFKIndexWithPrefix(ctx, t, fk.ParentColumns, false, "PRIMARY"); err != nil {
			return err
		} else if !ok {
			return mysql.NewSQLError(erDropIndexFK, "HY000",
				"Cannot drop index 'PRIMARY': needed in a foreign key constraint ('%s' of table '%s' references %s); add an index on those columns first, or drop the foreign key",
				fk.Name, fk.Table, strings.Join(fk.ParentColumns, ", "))
		}
	}
	return nil
}

// keyNames returns the names of ps's primary-key columns, renamed by renames.
func keyNames(ps sql.PrimaryKeySchema, renames map[string]string) []string {
	out := make([]string, 0, len(ps.PkOrdinals))
	for _, o := range ps.PkOrdinals {
		if o < 0 || o >= len(ps.Schema) {
			continue
		}
		name := ps.Schema[o].Name
		if n, ok := renames[strings.ToLower(name)]; ok {
			name = n
		}
		out = append(out, name)
	}
	return out
}

func equalFold(a, b []string) bool {
	return len(a) == len(b) && hasPrefixFold(a, b)
}

// hasPrefixFold reports whether names starts with prefix, ignoring case.
func hasPrefixFold(names, prefix []string) bool {
	if len(prefix) > len(names) {
		return false
	}
	for i, p := range prefix {
		if !strings.EqualFold(names[i], p) {
			return false
		}
	}
	return true
}
