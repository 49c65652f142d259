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
// join in the plan the rule returns, less those a Filter over the lookups still
// applies. The conjuncts hold for every row of that side in the query as written, so
// the Filter removes the wrongly returned rows and nothing else. The same holds on the
// right side of a LEFT JOIN (a RIGHT JOIN is one with its sides swapped) and of a semi
// join (EXISTS): the Filter is where the table's ON conditions were. GMS was only seen
// to lose conditions of inner and semi joins (it keeps an outer join's ON conditions
// in the join and plans no concat join for them), but every lookup join is corrected.

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

// refilterConcatJoins returns n with a Filter above the right side of every concat join
// of the conjuncts filters holds for the looked-up table that the lookups do not apply
// themselves, and whether it added one.
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
	id, kept, ok := concatTable(ctx, j.Right())
	if !ok {
		return n, changed, nil
	}
	var lost []sql.Expression
	for _, f := range filters[id] {
		if !kept[f.String()] {
			lost = append(lost, f)
		}
	}
	if len(lost) == 0 {
		return n, changed, nil
	}
	right := plan.NewFilter(ctx, expression.JoinAnd(lost...), j.Right())
	nj, err := j.WithChildren(ctx, j.Left(), right)
	if err != nil {
		return nil, false, err
	}
	return nj, true, nil
}

// concatTable returns the id of the table a concat join's right side n looks up, and
// the conjuncts of the Filters over its lookups (by their text), when n is a Concat of
// index lookups under a TransformedNamedNode and maybe a TableAlias.
func concatTable(ctx *sql.Context, n sql.Node) (sql.TableId, map[string]bool, bool) {
	if a, ok := n.(*plan.TableAlias); ok {
		n = a.Child
	}
	t, ok := n.(*plan.TransformedNamedNode)
	if !ok {
		return 0, nil, false
	}
	if _, ok := t.Child.(*plan.Concat); !ok {
		return 0, nil, false
	}
	var id sql.TableId
	kept := map[string]bool{}
	transform.Inspect(t.Child, func(n sql.Node) bool {
		switch n := n.(type) {
		case *plan.IndexedTableAccess:
			if id == 0 {
				id = n.Id()
			}
		case *plan.Filter:
			for _, f := range expression.SplitConjunction(ctx, n.Expression) {
				kept[f.String()] = true
			}
		}
		return true
	})
	return id, kept, id != 0
}
