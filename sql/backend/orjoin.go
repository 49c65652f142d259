package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// A lookup join over an OR keeps the filters of the table it looks up.
//
// GMS's optimizeJoins plans a join whose condition is an OR of equalities, each on an
// indexed column of the right table, as a lookup join whose right side is a Concat of
// one index lookup per branch (a "concat join"). The right side it replaces may be a
// Filter on that table (a WHERE or ON conjunct on the table alone, placed there by
// pushFilters) that the planner turned into a static index range scan: a conjunct the
// range covers exactly is dropped from the Filter. A plain lookup join then plans the
// Filter over a table scan instead (GMS's fixConflicts); a concat join does not, and
// building its lookups replaces the range scan with the lookups, so the conjunct was
// lost. With t2 indexed on (x, s),
//
//	SELECT t2.id, t1.id FROM t2 JOIN t1 ON (t1.b = t2.x OR t1.c = t2.s) AND t1.a > 25 WHERE t2.x = 22
//
// looked up t2 by (22, t1.c) and by t1.b and returned the rows found by t1.b whatever
// their x (GMS's in-memory backend does the same). concatFilterRule wraps optimizeJoins:
// it notes the conjuncts of every Filter that sits on one table (through aliases,
// filters and DISTINCT) in the plan the rule is given, and puts those of the
// looked-up table back, as a Filter above the Concat, on the right side of every concat
// join in the plan the rule returns. The conjuncts hold for every row of that side in
// the query as written, so the Filter changes no result but the lost rows; where the
// lookups kept a Filter of their own it is applied twice.

// joinPlanRule returns rule (GMS's optimizeJoins) with both of its corrections: merge
// joins over comparisons that are not order-preserving demoted (mergejoin.go), then
// the filters of concat joins put back.
func joinPlanRule(rule analyzer.RuleFunc) analyzer.RuleFunc {
	return concatFilterRule(mergeJoinRule(rule))
}

// concatFilterRule returns rule (GMS's optimizeJoins, with its own wrappers) with the
// filters its concat joins lose put back.
func concatFilterRule(rule analyzer.RuleFunc) analyzer.RuleFunc {
	return func(ctx *sql.Context, a *analyzer.Analyzer, n sql.Node, scope *plan.Scope, sel analyzer.RuleSelector, qf *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
		filters := tableFilters(ctx, n)
		out, same, err := rule(ctx, a, n, scope, sel, qf)
		if err != nil || len(filters) == 0 {
			return out, same, err
		}
		fixed, changed, err := refilterConcatJoins(ctx, out, filters)
		if err != nil || !changed {
			return out, same, err
		}
		return fixed, transform.NewTree, nil
	}
}

// tableFilters returns the conjuncts of the Filters of n that each sit on one table,
// by the id of that table. It does not descend into SubqueryAliases (analyzed on
// their own) or expressions.
func tableFilters(ctx *sql.Context, n sql.Node) map[sql.TableId][]sql.Expression {
	var out map[sql.TableId][]sql.Expression
	transform.Inspect(n, func(n sql.Node) bool {
		switch n := n.(type) {
		case *plan.SubqueryAlias:
			return false
		case *plan.Filter:
			if id, ok := filteredTable(n.Child); ok {
				if out == nil {
					out = map[sql.TableId][]sql.Expression{}
				}
				out[id] = append(out[id], expression.SplitConjunction(ctx, n.Expression)...)
			}
		}
		return true
	})
	return out
}

// filteredTable returns the id of the table n reads, when n is a table under nothing
// but aliases, filters and DISTINCT.
func filteredTable(n sql.Node) (sql.TableId, bool) {
	for {
		switch c := n.(type) {
		case *plan.ResolvedTable:
			return c.Id(), c.Id() != 0
		case *plan.TableAlias:
			n = c.Child
		case *plan.Filter:
			n = c.Child
		case *plan.Distinct:
			n = c.Child
		default:
			return 0, false
		}
	}
}

// refilterConcatJoins returns n with a Filter of the conjuncts filters holds for the
// looked-up table above the right side of every concat join, and whether it added one.
func refilterConcatJoins(ctx *sql.Context, n sql.Node, filters map[sql.TableId][]sql.Expression) (sql.Node, bool, error) {
	if _, ok := n.(*plan.SubqueryAlias); ok {
		return n, false, nil
	}
	n, changed, err := mapChildren(ctx, n, func(_ int, c sql.Node) (sql.Node, bool, error) {
		return refilterConcatJoins(ctx, c, filters)
	})
	if err != nil {
		return nil, false, err
	}
	j, ok := n.(*plan.JoinNode)
	if !ok || !j.Op.IsLookup() {
		return n, changed, nil
	}
	id, ok := concatTable(j.Right())
	if !ok || len(filters[id]) == 0 {
		return n, changed, nil
	}
	right := plan.NewFilter(ctx, expression.JoinAnd(filters[id]...), j.Right())
	nj, err := j.WithChildren(ctx, j.Left(), right)
	if err != nil {
		return nil, false, err
	}
	return nj, true, nil
}

// concatTable returns the id of the table a concat join's right side n looks up: n is
// a Concat of index lookups, under a TransformedNamedNode and maybe a TableAlias.
func concatTable(n sql.Node) (sql.TableId, bool) {
	if a, ok := n.(*plan.TableAlias); ok {
		n = a.Child
	}
	t, ok := n.(*plan.TransformedNamedNode)
	if !ok {
		return 0, false
	}
	if _, ok := t.Child.(*plan.Concat); !ok {
		return 0, false
	}
	var id sql.TableId
	transform.Inspect(t.Child, func(n sql.Node) bool {
		if ita, ok := n.(*plan.IndexedTableAccess); ok && id == 0 {
			id = ita.Id()
		}
		return id == 0
	})
	return id, id != 0
}
