package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// A UNION's OFFSET skips rows of the sorted result.
//
// GMS keeps a UNION's (INTERSECT's, EXCEPT's) own ORDER BY, LIMIT and OFFSET in the
// SetOp node, and its executor skipped the OFFSET rows before sorting, so
//
//	SELECT a FROM t UNION SELECT b FROM s ORDER BY 1 LIMIT 2 OFFSET 1
//
// skipped the first row in the union's arbitrary order and then sorted the next two
// (GMS's in-memory backend does the same). InstallPlannerFixes wraps finalizeUnions:
// a SetOp with an ORDER BY and an OFFSET keeps its ORDER BY (a full sort) and loses its
// LIMIT and OFFSET to a Limit over an Offset above it, which skip and count rows of the
// sorted output. A SetOp with a LIMIT and no OFFSET is left alone (its top-N is right).
func unionOffsetRule(rule analyzer.RuleFunc) analyzer.RuleFunc {
	return func(ctx *sql.Context, a *analyzer.Analyzer, n sql.Node, scope *plan.Scope, sel analyzer.RuleSelector, qf *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
		out, same, err := rule(ctx, a, n, scope, sel, qf)
		if err != nil {
			return out, same, err
		}
		fixed, same2, err := transform.NodeWithCtx(ctx, out, nil, func(ctx *sql.Context, c transform.Context) (sql.Node, transform.TreeIdentity, error) {
			u, ok := c.Node.(*plan.SetOp)
			if !ok || u.Offset == nil || len(u.SortConditions) == 0 {
				return c.Node, transform.SameTree, nil
			}
			if _, ok := c.Parent.(*plan.RecursiveCte); ok {
				return c.Node, transform.SameTree, nil
			}
			var ret sql.Node = plan.NewOffset(u.Offset, u.WithLimit(nil).WithOffset(nil))
			if u.Limit != nil {
				ret = plan.NewLimit(u.Limit, ret)
			}
			return ret, transform.NewTree, nil
		})
		if err != nil {
			return out, same, err
		}
		return fixed, same && same2, nil
	}
}
