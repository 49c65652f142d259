package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
)

// A merge join only compares columns in the order their indexes give.
//
// GMS's optimizeJoins plans a merge join for an equality whose sides each read one
// column of an indexed table, walking both indexes in order and advancing the side whose
// key is smaller. That is right only when each side's value never decreases as its
// column increases, and GMS's test (isWeaklyMonotonic) accepts every arithmetic
// operator but "-": a MOD, a DIV or a multiplication by a negative number, or a % goes
// up and down along the index. With t1.a and t2.x indexed,
//
//	SELECT t1.id, t2.id FROM t1 JOIN t2 ON t2.x = t1.a MOD 7
//
// lost every pair after the first wrap of t1.a MOD 7 (413 of MariaDB's 2506 rows; GMS's
// in-memory backend does the same). mergeJoinRule wraps the rule: a merge join whose
// comparison has a side other than columns, literals and sums of them (the only
// operator that keeps the order of every column it adds) becomes the plain inner or
// left join of the same children and condition, which compares every pair of rows.
// Merge joins on plain columns (and col + constant) stay.

// mergeJoinRule returns rule (GMS's optimizeJoins) followed by the demotion of the merge
// joins it planned over a comparison that is not order-preserving.
func mergeJoinRule(rule analyzer.RuleFunc) analyzer.RuleFunc {
	return thenFix(rule, demoteMergeJoins)
}

// demoteMergeJoins returns n with every merge join over a comparison that is not
// order-preserving replaced by its nested-loop counterpart. It walks every child, those
// of a SubqueryAlias included.
func demoteMergeJoins(ctx *sql.Context, n sql.Node) (sql.Node, bool, error) {
	n, changed, err := mapChildren(ctx, n, func(_ int, c sql.Node) (sql.Node, bool, error) {
		return demoteMergeJoins(ctx, c)
	})
	if err != nil {
		return nil, false, err
	}
	j, ok := n.(*plan.JoinNode)
	if !ok || !j.Op.IsMerge() || j.Filter == nil {
		return n, changed, nil
	}
	var op plan.JoinType
	switch j.Op {
	case plan.JoinTypeMerge:
		op = plan.JoinTypeInner
	case plan.JoinTypeLeftOuterMerge:
		op = plan.JoinTypeLeftOuter
	default:
		return n, changed, nil
	}
	cmp := expression.SplitConjunction(ctx, j.Filter)[0]
	if orderPreservingComparison(cmp) {
		return n, changed, nil
	}
	demoted := *j
	demoted.Op = op
	return &demoted, true, nil
}

// orderPreservingComparison reports whether e, a merge join's comparison, compares two
// sides that each never decrease as the index they are read by increases.
func orderPreservingComparison(e sql.Expression) bool {
	bin, ok := e.(interface {
		Left() sql.Expression
		Right() sql.Expression
	})
	if !ok {
		return false
	}
	return orderPreserving(bin.Left()) && orderPreserving(bin.Right())
}

// orderPreserving reports whether e is built of columns and literals with + only
// (a tuple of such, for a merge join over several columns).
func orderPreserving(e sql.Expression) bool {
	switch e := e.(type) {
	case *expression.GetField, *expression.Literal:
		return true
	case expression.Tuple:
		for _, c := range e {
			if !orderPreserving(c) {
				return false
			}
		}
		return true
	case *expression.Arithmetic:
		return e.Operator() == "+" && orderPreserving(e.Left()) && orderPreserving(e.Right())
	}
	return false
}
