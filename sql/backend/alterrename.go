package backend

import (
	"reflect"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// ALTER TABLE ... RENAME [TO] with other clauses renames last.
//
// MySQL applies an ALTER TABLE's clauses as one change, so `ALTER TABLE r1 RENAME r2, ADD
// COLUMN w INT` renames r1 and adds w whatever the clauses' order. GMS plans a
// multi-clause ALTER TABLE as a Block of one node per clause, run in the written order,
// each naming the table as the statement did; a RENAME before another clause left that
// clause looking for r1 ("table not found: r1", 1146) after r1 had been renamed.
// alterRenameRule moves the renames of such a Block after its other clauses. Only a
// Block that is the statement itself is touched (GMS makes one only for a multi-clause
// ALTER TABLE; a procedure's body is a Block under its BEGIN ... END, never the root),
// and only RenameTable nodes GMS built from an ALTER TABLE clause. TestAlterRenameWithOtherClauses.

const alterRenameRuleID analyzer.RuleId = 1_000_050

func init() {
	appendOnceAfterAll(analyzer.Rule{Id: alterRenameRuleID, Apply: alterRenameRule})
}

func alterRenameRule(ctx *sql.Context, _ *analyzer.Analyzer, n sql.Node, _ *plan.Scope, _ analyzer.RuleSelector, _ *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
	b, ok := n.(*plan.Block)
	if !ok {
		return n, transform.SameTree, nil
	}
	var renames, others []sql.Node
	for _, c := range b.Children() {
		if r, ok := c.(*plan.RenameTable); ok && renameFromAlterTable(r) {
			renames = append(renames, c)
		} else {
			others = append(others, c)
		}
	}
	if len(renames) == 0 || len(others) == 0 {
		return n, transform.SameTree, nil
	}
	if isRenameTail(b.Children(), len(renames)) {
		return n, transform.SameTree, nil // already last
	}
	nb, err := b.WithChildren(ctx, append(others, renames...)...)
	if err != nil {
		return n, transform.SameTree, err
	}
	return nb, transform.NewTree, nil
}

// isRenameTail reports whether the last n of kids are ALTER TABLE renames.
func isRenameTail(kids []sql.Node, n int) bool {
	for _, c := range kids[len(kids)-n:] {
		if r, ok := c.(*plan.RenameTable); !ok || !renameFromAlterTable(r) {
			return false
		}
	}
	return true
}

// alterTblDefField is the index of RenameTable's unexported alterTblDef, which GMS sets
// for the RENAME clause of an ALTER TABLE (and not for RENAME TABLE); -1 if GMS has no
// such field (then no rename is moved).
var alterTblDefField = func() int {
	f, ok := reflect.TypeOf(plan.RenameTable{}).FieldByName("alterTblDef")
	if !ok || f.Type.Kind() != reflect.Bool || len(f.Index) != 1 {
		return -1
	}
	return f.Index[0]
}()

// renameFromAlterTable reports whether r is an ALTER TABLE's RENAME clause.
func renameFromAlterTable(r *plan.RenameTable) bool {
	if alterTblDefField < 0 {
		return false
	}
	return reflect.ValueOf(r).Elem().Field(alterTblDefField).Bool()
}
