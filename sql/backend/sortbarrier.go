package backend

import (
	"fmt"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// Hiding nodes from GMS's replaceIdxSort.
//
// replaceIdxSort carries a Sort down the plan and does not descend into node types it
// does not know. The corrections of sortlimit.go and sortjoin.go hide the nodes it must
// not reach behind a sortBarrier for the length of one call of the rule
// (hideUnderSort), then take the barriers out again (unhideBarriers).

// sortFixRule returns rule (GMS's replaceIdxSort) applied, in one walk, with the nodes
// it must not reach hidden behind sortBarriers: a Limit or Offset under a Sort
// (limitUnderSort, sortlimit.go; the rule first runs on its subtree on its own), and a
// joining view or a merge join under a descending Sort (joinUnderSort, sortjoin.go).
func sortFixRule(rule analyzer.RuleFunc) analyzer.RuleFunc {
	var apply analyzer.RuleFunc
	apply = func(ctx *sql.Context, a *analyzer.Analyzer, n sql.Node, scope *plan.Scope, sel analyzer.RuleSelector, qf *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
		pick := func(n sql.Node, sorted, desc bool) bool {
			return limitUnderSort(n, sorted, desc) || joinUnderSort(n, sorted, desc)
		}
		ruleInsideLimit := func(h sql.Node) (sql.Node, error) {
			if !limitUnderSort(h, true, false) {
				return h, nil
			}
			out, _, err := apply(ctx, a, h, scope, sel, qf)
			return out, err
		}
		hidden, same, err := hideUnderSort(ctx, n, false, false, pick, ruleInsideLimit)
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
		if out, err = unhideBarriers(ctx, out); err != nil {
			return n, transform.SameTree, err
		}
		return out, transform.NewTree, nil
	}
	return apply
}

// hideUnderSort returns n with every node that pick chooses replaced by a sortBarrier
// over wrap(node) (wrap nil: the node itself). pick is told whether a Sort is above the
// node (sorted) and whether the lowest such Sort, when all its conditions go one way,
// is descending (desc); a hidden node's subtree is not walked. It walks every child,
// those of a SubqueryAlias included. A node that refuses a barrier as its child (a SHOW
// CREATE TABLE takes only a SubqueryAlias) keeps its children unhidden. same reports
// that n is unchanged.
func hideUnderSort(ctx *sql.Context, n sql.Node, sorted, desc bool, pick func(n sql.Node, sorted, desc bool) bool, wrap func(sql.Node) (sql.Node, error)) (out sql.Node, same bool, err error) {
	if pick(n, sorted, desc) {
		inner := n
		if wrap != nil {
			if inner, err = wrap(n); err != nil {
				return nil, false, err
			}
		}
		return &sortBarrier{child: inner}, false, nil
	}
	if s, ok := n.(*plan.Sort); ok {
		sorted = true
		if sc := s.SortConditions; len(sc) > 0 && oneDirection(sc) {
			desc = sc[0].Order == sql.Descending
		}
	}
	children := n.Children()
	var nc []sql.Node
	for i, c := range children {
		h, same, err := hideUnderSort(ctx, c, sorted, desc, pick, wrap)
		if err != nil {
			return nil, false, err
		}
		if same {
			continue
		}
		if nc == nil {
			nc = append([]sql.Node(nil), children...)
		}
		nc[i] = h
	}
	if nc == nil {
		return n, true, nil
	}
	nn, err := n.WithChildren(ctx, nc...)
	if err != nil {
		for i, c := range nc {
			if b, ok := c.(*sortBarrier); ok && children[i] == b.child {
				nc[i] = children[i]
			}
		}
		if nn, err = n.WithChildren(ctx, nc...); err != nil {
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

// unhideBarriers replaces every sortBarrier of n by its child. It walks every child,
// those of opaque nodes (a SubqueryAlias) included, which transform.Node skips.
func unhideBarriers(ctx *sql.Context, n sql.Node) (sql.Node, error) {
	if b, ok := n.(*sortBarrier); ok {
		return unhideBarriers(ctx, b.child)
	}
	children := n.Children()
	var out []sql.Node
	for i, c := range children {
		nc, err := unhideBarriers(ctx, c)
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

// sortBarrier hides its child from replaceIdxSort. It exists only while that rule
// runs.
type sortBarrier struct {
	child sql.Node
}

var _ sql.Node = (*sortBarrier)(nil)

func (b *sortBarrier) Resolved() bool                     { return b.child.Resolved() }
func (b *sortBarrier) IsReadOnly() bool                   { return b.child.IsReadOnly() }
func (b *sortBarrier) String() string                     { return b.child.String() }
func (b *sortBarrier) Schema(ctx *sql.Context) sql.Schema { return b.child.Schema(ctx) }
func (b *sortBarrier) Children() []sql.Node               { return []sql.Node{b.child} }

func (b *sortBarrier) WithChildren(ctx *sql.Context, children ...sql.Node) (sql.Node, error) {
	if len(children) != 1 {
		return nil, fmt.Errorf("backend: sortBarrier takes 1 child, got %d", len(children))
	}
	return &sortBarrier{child: children[0]}, nil
}
