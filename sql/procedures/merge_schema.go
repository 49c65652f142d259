package procedures

import (
	"context"
	"fmt"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/planbuilder"

	"github.com/dsqldb/dsql/merkle/merge"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// mergeOptions are the merge options of the SQL procedures: schema conflicts and
// constraint violations are recorded, and a column added on one side gets, in the other
// side's rows, its DEFAULT evaluated as ALTER TABLE ... ADD COLUMN does (NULL, or the
// type's zero value for a NOT NULL column without a default).
func mergeOptions(sctx *sql.Context) merge.Options {
	return merge.Options{Record: true, ColumnDefault: func(_ context.Context, sch repo.Schema, col int) ([]byte, error) {
		return columnDefault(sctx, sch.Columns[col])
	}, CheckRow: newCheckEvaluator(sctx).CheckRow}
}

// columnDefault returns column c's default as a one-field tuple (nil: NULL).
func columnDefault(ctx *sql.Context, c repo.Column) ([]byte, error) {
	typ, err := typeconv.TypeFor(c.SQLType)
	if err != nil {
		return nil, err
	}
	var v any
	switch {
	case c.Default != "":
		dv, err := planbuilder.StringToColumnDefaultValue(ctx, c.Default)
		if err != nil {
			return nil, err
		}
		if dv.Expr == nil || !dv.Expr.Resolved() {
			return nil, fmt.Errorf("default %s is not a constant", c.Default)
		}
		if v, err = dv.Expr.Eval(ctx, nil); err != nil {
			return nil, err
		}
	case !c.Nullable():
		v = typ.Zero()
	}
	if v == nil {
		if !c.Nullable() {
			return nil, fmt.Errorf("NOT NULL column without a value")
		}
		return nil, nil
	}
	cv, _, err := typ.Convert(ctx, v)
	if err != nil {
		return nil, err
	}
	d, err := tuple.NewDesc(c.Type)
	if err != nil {
		return nil, err
	}
	b := tuple.NewBuilder(d)
	if err := typeconv.PutValue(b, 0, typ, cv); err != nil {
		return nil, err
	}
	return b.Build()
}

// unresolvedParts describes what a merge (or cherry-pick) left to resolve, for the
// messages of dsql_merge: row conflicts, schema conflicts and constraint violations.
func unresolvedParts(res merge.Result) []string {
	var parts []string
	if res.HasConflicts() {
		parts = append(parts, "conflicts in "+tableList(res.ConflictedTables()))
	}
	if len(res.SchemaConflicts) > 0 {
		var ds []string
		for _, c := range res.SchemaConflicts {
			ds = append(ds, c.Table+" ("+c.Reason+")")
		}
		parts = append(parts, "schema conflicts in "+strings.Join(ds, ", "))
	}
	if len(res.Violations) > 0 {
		var ds []string
		for i, v := range res.UniqueViolations {
			if i == 5 {
				ds = append(ds, fmt.Sprintf("and %d more", len(res.UniqueViolations)-i))
				break
			}
			ds = append(ds, fmt.Sprintf("unique index %s.%s: several rows have %s", v.Table, v.Index, v.Value))
		}
		for _, v := range res.ViolationNotes {
			ds = append(ds, v)
		}
		parts = append(parts, "constraint violations in "+tableList(res.ViolationTables())+" ("+strings.Join(ds, "; ")+")")
	}
	return parts
}

// unresolvedMessage is dsql_merge's message for a merge kept with unresolved conflicts,
// schema conflicts or violations.
func unresolvedMessage(res merge.Result) string {
	var parts []string
	if res.HasConflicts() {
		tables := tableList(res.ConflictedTables())
		parts = append(parts, fmt.Sprintf("CONFLICT (content): Merge conflict in %s; fix them (dsql_conflicts_%s, dsql_conflicts_resolve)", tables, res.Conflicts[0].Table))
	}
	if len(res.SchemaConflicts) > 0 {
		tables := tableList(res.SchemaConflictTables())
		parts = append(parts, fmt.Sprintf("CONFLICT (schema): Merge conflict in %s; see dsql_schema_conflicts, keep one side's table with dsql_conflicts_resolve('--ours'|'--theirs', '%s')", tables, res.SchemaConflicts[0].Table))
	}
	if len(res.Violations) > 0 {
		tables := tableList(res.ViolationTables())
		parts = append(parts, fmt.Sprintf("CONSTRAINT VIOLATION: Merge created constraint violations in %s; fix the rows and delete them from dsql_constraint_violations_%s", tables, res.Violations[0].Table))
	}
	return strings.Join(parts, "; ") + ", then dsql_commit, or dsql_merge('--abort')"
}

// numUnresolved is dsql_merge's conflicts count: conflicted rows, tables in schema
// conflict and recorded violations.
func numUnresolved(res merge.Result) int64 {
	return int64(res.NumConflicts()) + int64(len(res.SchemaConflicts)) + int64(res.NumViolations())
}

// unresolvedStateError is dsql_commit's refusal of a merge state with schema conflicts or
// violations ("" when there are none).
func unresolvedStateError(ms repo.MergeState) string {
	var parts []string
	if len(ms.SchemaConflicts) > 0 {
		names := make([]string, len(ms.SchemaConflicts))
		for i, c := range ms.SchemaConflicts {
			names[i] = c.Table
		}
		parts = append(parts, fmt.Sprintf("unresolved schema conflicts in %s; see dsql_schema_conflicts and keep one side's table with CALL dsql_conflicts_resolve('--ours'|'--theirs', '%s')", tableList(names), names[0]))
	}
	if len(ms.Violations) > 0 {
		names := make([]string, len(ms.Violations))
		for i, v := range ms.Violations {
			names[i] = v.Table
		}
		parts = append(parts, fmt.Sprintf("unresolved constraint violations in %s; fix the rows and delete their entries from dsql_constraint_violations_%s", tableList(names), names[0]))
	}
	return strings.Join(parts, "; ")
}
