package systables

import (
	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
)

// SchemaConflictsTable is dsql_schema_conflicts without its prefix.
const SchemaConflictsTable = "schema_conflicts"

// newSchemaConflictsTable is dsql_schema_conflicts: one row per table (or foreign key)
// whose schema changes the merge in progress could not combine, with its CREATE TABLE
// in the merge base, ours (the pre-merge working root) and theirs (the merged commit),
// NULL where the table does not exist, and why. The merged working root keeps ours'
// table; CALL dsql_conflicts_resolve('--ours'|'--theirs', table) settles it.
func newSchemaConflictsTable(db *backend.Database, name string) sql.Table {
	cols := []column{
		{name: "table_name", typ: textType, pk: true},
		{name: "base_schema", typ: textType, nullable: true},
		{name: "our_schema", typ: textType, nullable: true},
		{name: "their_schema", typ: textType, nullable: true},
		{name: "description", typ: textType},
	}
	return newTable(name, db.Name(), cols, func(ctx *sql.Context) (sql.RowIter, error) {
		_, ms, ok, err := mergeState(ctx, db)
		if err != nil || !ok || len(ms.SchemaConflicts) == 0 {
			return sql.RowsToRowIter(), err
		}
		r := db.Repo()
		mc, err := r.Commit(ctx, ms.Commit)
		if err != nil {
			return nil, err
		}
		var roots [3]repo.Root
		for i, h := range []hash.Hash{ms.Base, ms.PreMergeWorking, mc.RootHash()} {
			if roots[i], err = r.Root(ctx, h); err != nil {
				return nil, err
			}
		}
		rows := make([]sql.Row, 0, len(ms.SchemaConflicts))
		for _, sc := range ms.SchemaConflicts {
			row := sql.Row{sc.Table}
			for _, root := range roots {
				t, found, err := root.Table(ctx, sc.Table)
				if err != nil {
					return nil, err
				}
				if found {
					row = append(row, createTableStatement(t.Schema()))
				} else {
					row = append(row, nil)
				}
			}
			rows = append(rows, append(row, sc.Description))
		}
		return sql.RowsToRowIter(rows...), nil
	})
}
