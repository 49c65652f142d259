package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// A multi-table UPDATE over a LEFT JOIN leaves the missing side alone.
//
// In UPDATE a LEFT JOIN b ON ... SET b.x = ..., a row of a that matches no row of b
// joins a row of NULLs, which MySQL does not update (there is no such row). GMS's
// update-join iterator decides that by evaluating the join's condition on the joined
// row, and skips the NULL row only when the condition is not true. When the optimizer
// makes the join a lookup join, the condition the lookup already applied is gone from
// the join node (left as TRUE, or as the conjuncts about the left side only), so the
// NULL row passed and the backend was asked to update a row with a NULL primary key
// ("NULL in a non-nullable field"). updateJoinRule gives the condition of every outer
// join directly under an UPDATE's source one more conjunct: the right side's first
// primary-key column IS NOT NULL. A row the join found has a non-NULL primary key, so
// the join returns the same rows; the missing side's NULL row now fails the condition
// and is skipped. Invariant "no update of a missing row"; TestUpdateLeftJoinMissing.
// A right side without a primary key (a keyless table, a derived table) is left as it
// was, and so is a join nested on the left (a LEFT JOIN b LEFT JOIN c: only c's NULL
// row is guarded; GMS's iterator checks only the outermost join's condition, and b's
// guard cannot go there without turning b's misses into c's).

const updateJoinRuleID analyzer.RuleId = 1_000_040

func init() {
	appendOnceAfterAll(analyzer.Rule{Id: updateJoinRuleID, Apply: updateJoinRule})
}

func updateJoinRule(ctx *sql.Context, _ *analyzer.Analyzer, n sql.Node, _ *plan.Scope, _ analyzer.RuleSelector, _ *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
	return transform.Node(ctx, n, func(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
		uj, ok := n.(*plan.UpdateJoin)
		if !ok {
			return n, transform.SameTree, nil
		}
		src, ok := uj.Child.(*plan.UpdateSource)
		if !ok {
			return n, transform.SameTree, nil
		}
		// The update-join iterator evaluates the join's condition on the source's rows,
		// so only a join whose rows are the source's (no projection between) is fixed.
		var filters []*plan.Filter
		child := src.Child
		for {
			f, ok := child.(*plan.Filter)
			if !ok {
				break
			}
			filters = append(filters, f)
			child = f.Child
		}
		j, ok := child.(*plan.JoinNode)
		if !ok || !j.Op.IsLeftOuter() || j.Op.IsCross() {
			return n, transform.SameTree, nil
		}
		guard := presentGuard(ctx, j)
		if guard == nil {
			return n, transform.SameTree, nil
		}
		cond := guard
		if j.Filter != nil {
			// Idempotent: a plan analyzed again (a prepared statement) keeps one guard.
			for _, c := range expression.SplitConjunction(ctx, j.Filter) {
				if c.String() == guard.String() {
					return n, transform.SameTree, nil
				}
			}
			cond = expression.NewAnd(j.Filter, guard)
		}
		var out sql.Node = j.WithFilter(cond)
		for i := len(filters) - 1; i >= 0; i-- {
			nf, err := filters[i].WithChildren(ctx, out)
			if err != nil {
				return n, transform.SameTree, err
			}
			out = nf
		}
		ns, err := src.WithChildren(ctx, out)
		if err != nil {
			return n, transform.SameTree, err
		}
		nn, err := uj.WithChildren(ctx, ns)
		if err != nil {
			return n, transform.SameTree, err
		}
		return nn, transform.NewTree, nil
	})
}

// presentGuard returns "the right side's first primary-key column IS NOT NULL" over j's
// rows (left columns, then right), or nil if the right side has no primary key.
func presentGuard(ctx *sql.Context, j *plan.JoinNode) sql.Expression {
	left := len(j.Left().Schema(ctx))
	for i, c := range j.Right().Schema(ctx) {
		if c.PrimaryKey {
			gf := expression.NewGetFieldWithTable(left+i, 0, c.Type, c.DatabaseSource, c.Source, c.Name, true)
			return expression.NewNot(expression.NewIsNull(gf))
		}
	}
	return nil
}
