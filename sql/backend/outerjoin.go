package backend

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
)

// A LEFT JOIN whose NULL rows a later inner join's condition rejects is an inner join.
//
// GMS's join planner (optimizeJoins) may reorder
//
//	SELECT ... FROM t1 LEFT JOIN t2 ON t2.t1id = t1.id JOIN k ON k.q = t1.c AND k.r = t2.x
//
// into (t1 JOIN k ON k.q = t1.c) LEFT JOIN t2, and then loses the condition k.r = t2.x:
// 1885 rows where MySQL returns 72 (GMS's in-memory backend does the same). The
// condition rejects every row the LEFT JOIN adds with t2's columns NULL (k.r = NULL is
// never true), so, as MySQL's optimizer does, the LEFT JOIN may be planned as an inner
// join, whose conditions GMS's reordering keeps. outerJoinRule wraps pushFilters (which
// runs just before optimizeJoins): a LEFT JOIN anywhere under an inner join becomes an
// inner join when a conjunct of the inner join's condition is a comparison (=, <>, <,
// <=, >, >=; not <=>) with a side that is a column of the LEFT JOIN's right side, or
// arithmetic or a function such as ABS on one (NULL in, NULL out). Conditions that can hold on a NULL (<=>, IS
// NULL, COALESCE, OR) leave the LEFT JOIN as it is, and so does a WHERE clause.

// outerJoinRule returns rule (GMS's pushFilters) followed by simplifyOuterJoins.
func outerJoinRule(rule analyzer.RuleFunc) analyzer.RuleFunc {
	return thenFix(rule, func(ctx *sql.Context, n sql.Node) (sql.Node, bool, error) {
		return simplifyOuterJoins(ctx, n, nil)
	})
}

// simplifyOuterJoins returns n with every plain LEFT JOIN whose right side a condition
// of rejecting (the conjuncts of the inner joins above it) rejects NULLs of made an
// inner join. It does not descend into SubqueryAliases (analyzed on their own).
func simplifyOuterJoins(ctx *sql.Context, n sql.Node, rejecting []sql.Expression) (sql.Node, bool, error) {
	if _, ok := n.(*plan.SubqueryAlias); ok {
		return n, false, nil
	}
	j, isJoin := n.(*plan.JoinNode)
	below := rejecting
	switch {
	case !isJoin:
		if _, ok := n.(*plan.Filter); !ok && len(n.Children()) != 1 {
			below = nil // conditions only pass through Filters and single-child nodes
		}
	case j.Op == plan.JoinTypeInner && j.Filter != nil:
		below = append(append([]sql.Expression(nil), rejecting...), expression.SplitConjunction(ctx, j.Filter)...)
	case j.Op.IsInner(), j.Op == plan.JoinTypeLeftOuter:
		// the left side of a LEFT JOIN gets the conditions above; its right side none
	default:
		below = nil
	}
	var demote bool
	if isJoin && j.Op == plan.JoinTypeLeftOuter && len(rejecting) > 0 {
		demote = rejectsNulls(ctx, rejecting, j.Right().Schema(ctx))
		if demote {
			// the conditions above now also reject the left side's joined rows
			below = append(append([]sql.Expression(nil), rejecting...), expression.SplitConjunction(ctx, j.Filter)...)
		}
	}
	n, changed, err := mapChildren(ctx, n, func(i int, c sql.Node) (sql.Node, bool, error) {
		rej := below
		if isJoin && j.Op == plan.JoinTypeLeftOuter && !demote && i == 1 {
			rej = nil // the right side of a kept LEFT JOIN: its NULL rows are wanted
		}
		return simplifyOuterJoins(ctx, c, rej)
	})
	if err != nil {
		return nil, false, err
	}
	if demote {
		nj := *n.(*plan.JoinNode)
		nj.Op = plan.JoinTypeInner
		return &nj, true, nil
	}
	return n, changed, nil
}

// nullPropagating names functions that are NULL when any argument is.
var nullPropagating = map[string]bool{
	"abs": true, "sign": true, "length": true, "upper": true, "lower": true, "left": true,
	"right": true, "substring": true, "concat": true, "replace": true, "lpad": true, "rpad": true,
}

// rejectsNulls reports whether one of conds is false or NULL whenever every column of
// sch is NULL: a comparison other than <=> with a side that is a column of sch, or
// arithmetic or a NULL-propagating function (nullPropagating) of one.
func rejectsNulls(ctx *sql.Context, conds []sql.Expression, sch sql.Schema) bool {
	tables := map[string]bool{}
	for _, c := range sch {
		tables[strings.ToLower(c.Source)] = true
	}
	var nullIn func(e sql.Expression) bool
	nullIn = func(e sql.Expression) bool {
		switch e := e.(type) {
		case *expression.GetField:
			return tables[strings.ToLower(e.Table())]
		case *expression.Arithmetic, *expression.Mod, *intMod, *expression.IntDiv, *expression.UnaryMinus:
		case sql.FunctionExpression:
			if !nullPropagating[strings.ToLower(e.FunctionName())] {
				return false
			}
		default:
			return false
		}
		for _, c := range e.Children() {
			if nullIn(c) {
				return true
			}
		}
		return false
	}
	for _, c := range conds {
		var l, r sql.Expression
		switch c := c.(type) {
		case *expression.Equals:
			l, r = c.Left(), c.Right()
		case *expression.LessThan:
			l, r = c.Left(), c.Right()
		case *expression.LessThanOrEqual:
			l, r = c.Left(), c.Right()
		case *expression.GreaterThan:
			l, r = c.Left(), c.Right()
		case *expression.GreaterThanOrEqual:
			l, r = c.Left(), c.Right()
		case *expression.Not:
			if eq, ok := c.Child.(*expression.Equals); ok { // <>
				l, r = eq.Left(), eq.Right()
			}
		}
		if l != nil && (nullIn(l) || nullIn(r)) {
			return true
		}
	}
	return false
}
