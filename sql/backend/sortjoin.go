package backend

import (
	"fmt"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// An ORDER BY over a derived table or view that joins is not dropped for an index.
//
// GMS's replaceIdxSort carries a Sort down into a SubqueryAlias (a derived table or a
// view), translating its columns through the alias, and on into a join below it, where
// it drops the Sort when one side's index seems to give the order. Through a
// SubqueryAlias that match is wrong: in
//
//	SELECT * FROM (SELECT * FROM (SELECT s.id AS sid, t.id AS tid FROM t JOIN s ON s.tid = t.id) v
//	  ORDER BY sid DESC LIMIT 2) d
//
// the ORDER BY sid DESC was dropped and the merge join's order (by t.id) decided which
// two rows the LIMIT kept (GMS's in-memory backend does the same; a view that joins
// behaves alike). And for a descending ORDER BY over a merge join the rule reversed the
// merge join's index scans, which then lost rows: with t2.x and t1.a indexed (and
// duplicates on both sides),
//
//	SELECT t2.id, t1.id FROM t2 JOIN t1 ON t1.a = t2.x ORDER BY t2.x DESC
//
// returned 2231 rows of the 2279 that the same query with ASC returns (GMS's in-memory
// backend too). InstallPlannerFixes wraps the rule: every SubqueryAlias whose query
// holds a join, and every merge join under a descending Sort, is hidden from it behind a
// sortJoinBarrier, so the Sort above it stays (and the merge join runs forward). A
// SubqueryAlias's own query is analyzed on its own (finalizeSubqueries), where the rule
// still uses indexes for the query's own ORDER BY.
func sortAboveJoinViewRule(rule analyzer.RuleFunc) analyzer.RuleFunc {
	return func(ctx *sql.Context, a *analyzer.Analyzer, n sql.Node, scope *plan.Scope, sel analyzer.RuleSelector, qf *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
		hidden, same, err := hideJoins(ctx, n, false, false)
		if err != nil {
			return n, transform.SameTree, err
		}
		if same {
			return rule(ctx, a, n, scope, sel, qf)
		}
		out, _, err := rule(ctx, a, hidden, scope, sel, qf)
		if err != nil {
			return n, transform.SameTree, err
		}
		out, err = unhideJoins(ctx, out)
		if err != nil {
			return n, transform.SameTree, err
		}
		return out, transform.NewTree, nil
	}
}

// hideJoins puts a sortJoinBarrier over every SubqueryAlias of n whose query holds a
// join, and over every merge join under a descending Sort, when a Sort is above it
// (sorted; desc: the lowest Sort with one direction is descending, as replaceIdxSort
// decides). It reports whether n is unchanged. It walks every child, also those of
// SubqueryAliases. A node that does not take a barrier as its child (ShowCreateTable
// takes only a SubqueryAlias) keeps its child unhidden.
func hideJoins(ctx *sql.Context, n sql.Node, sorted, desc bool) (sql.Node, bool, error) {
	switch n := n.(type) {
	case *plan.SubqueryAlias:
		if sorted && holdsJoin(n.Child) {
			return &sortJoinBarrier{child: n}, false, nil
		}
	case *plan.JoinNode:
		if sorted && desc && n.Op.IsMerge() {
			return &sortJoinBarrier{child: n}, false, nil
		}
	case *plan.Sort:
		sorted = true
		if sc := n.SortConditions; len(sc) > 0 && oneDirection(sc) {
			desc = sc[0].Order == sql.Descending
		}
	}
	children := n.Children()
	var out []sql.Node
	for i, c := range children {
		nc, same, err := hideJoins(ctx, c, sorted, desc)
		if err != nil {
			return nil, false, err
		}
		if same {
			continue
		}
		if out == nil {
			out = append([]sql.Node(nil), children...)
		}
		out[i] = nc
	}
	if out == nil {
		return n, true, nil
	}
	nn, err := n.WithChildren(ctx, out...)
	if err != nil {
		for i, c := range out {
			if _, ok := c.(*sortJoinBarrier); ok {
				out[i] = children[i]
			}
		}
		if nn, err = n.WithChildren(ctx, out...); err != nil {
			return n, true, nil
		}
	}
	return nn, false, nil
}

func oneDirection(sc sql.SortConditions) bool {
	for _, c := range sc {
		if c.Order != sc[0].Order {
			return false
		}
	}
	return true
}

// unhideJoins replaces every sortJoinBarrier of n by its child, walking every child.
func unhideJoins(ctx *sql.Context, n sql.Node) (sql.Node, error) {
	if b, ok := n.(*sortJoinBarrier); ok {
		return b.child, nil
	}
	children := n.Children()
	var out []sql.Node
	for i, c := range children {
		nc, err := unhideJoins(ctx, c)
		if err != nil {
			return nil, err
		}
		if nc == c {
			continue
		}
		if out == nil {
			out = append([]sql.Node(nil), children...)
		}
		out[i] = nc
	}
	if out == nil {
		return n, nil
	}
	return n.WithChildren(ctx, out...)
}

// holdsJoin reports whether n has a JoinNode outside nested SubqueryAliases (those are
// hidden on their own).
func holdsJoin(n sql.Node) bool {
	found := false
	transform.Inspect(n, func(c sql.Node) bool {
		switch c.(type) {
		case *plan.JoinNode:
			found = true
		case *plan.SubqueryAlias:
			return false
		}
		return !found
	})
	return found
}

// sortJoinBarrier hides a SubqueryAlias from replaceIdxSort, which does not descend into
// node types it does not know. It exists only while that rule runs.
type sortJoinBarrier struct {
	child sql.Node
}

var _ sql.Node = (*sortJoinBarrier)(nil)

func (b *sortJoinBarrier) Resolved() bool                     { return b.child.Resolved() }
func (b *sortJoinBarrier) IsReadOnly() bool                   { return b.child.IsReadOnly() }
func (b *sortJoinBarrier) String() string                     { return b.child.String() }
func (b *sortJoinBarrier) Schema(ctx *sql.Context) sql.Schema { return b.child.Schema(ctx) }
func (b *sortJoinBarrier) Children() []sql.Node               { return []sql.Node{b.child} }

func (b *sortJoinBarrier) WithChildren(ctx *sql.Context, children ...sql.Node) (sql.Node, error) {
	if len(children) != 1 {
		return nil, fmt.Errorf("backend: sortJoinBarrier takes 1 child, got %d", len(children))
	}
	return &sortJoinBarrier{child: children[0]}, nil
}
