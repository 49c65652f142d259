package server

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// groupByRuleName is the name (RuleId.String) of GMS's ONLY_FULL_GROUP_BY check.
const groupByRuleName = "validateGroupBy"

// fixGroupByValidation makes a's ONLY_FULL_GROUP_BY check accept what MySQL accepts next
// to an aggregate: functions without arguments (DATABASE(), NOW(), CURRENT_USER(), ...),
// system and user variables and parameters.
//
// GMS's check (analyzer validateGroupBy) takes every leaf of a selected expression that
// is not a literal, an aggregate or a subquery for a column that is neither grouped nor
// aggregated, so it refuses SELECT COUNT(*), DATABASE() FROM t with error 1140 where
// MySQL (for which such expressions are constant, so functionally dependent on any
// grouping) runs it. The wrapped check runs on a copy of the plan in which those leaves
// are NULL literals; the plan itself is left as it is. Column references are checked
// as before.
func fixGroupByValidation(a *analyzer.Analyzer) {
	for _, b := range a.Batches {
		for i, r := range b.Rules {
			if r.Id.String() != groupByRuleName {
				continue
			}
			check := r.Apply
			rules := append([]analyzer.Rule(nil), b.Rules...) // b.Rules may be shared
			rules[i].Apply = func(ctx *sql.Context, a *analyzer.Analyzer, n sql.Node, scope *plan.Scope, sel analyzer.RuleSelector, qFlags *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
				if !analyzer.FlagIsSet(qFlags, sql.QFlagAggregation) {
					return n, transform.SameTree, nil
				}
				constant, same, err := constantLeavesAsLiterals(ctx, n)
				if err != nil || same {
					return check(ctx, a, n, scope, sel, qFlags)
				}
				if _, _, err := check(ctx, a, constant, scope, sel, qFlags); err != nil {
					return n, transform.SameTree, err
				}
				return n, transform.SameTree, nil
			}
			b.Rules = rules
		}
	}
}

// constantLeavesAsLiterals returns n with every constant leaf (see isConstantLeaf) of its
// projections, groupings and orderings replaced by a NULL literal.
func constantLeavesAsLiterals(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
	return transform.NodeExprsWithNodeWithOpaque(ctx, n, func(ctx *sql.Context, node sql.Node, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
		switch node.(type) {
		case *plan.Project, *plan.GroupBy, *plan.Sort:
		default:
			return e, transform.SameTree, nil
		}
		if !isConstantLeaf(e) {
			return e, transform.SameTree, nil
		}
		return expression.NewLiteral(nil, types.Null), transform.NewTree, nil
	})
}

// isConstantLeaf reports whether e, an expression without children, has one value for
// the whole statement as far as grouping goes: a function called without arguments, a
// system or user variable, a parameter.
func isConstantLeaf(e sql.Expression) bool {
	if len(e.Children()) != 0 {
		return false
	}
	switch e.(type) {
	case sql.Aggregation, sql.WindowAggregation, *plan.Subquery, *expression.Literal:
		return false // GMS's check handles these already
	case *expression.SystemVar, *expression.UserVar, *expression.BindVar, *expression.ProcedureParam:
		return true
	case sql.FunctionExpression:
		return true
	}
	return false
}
