package backend

import (
	"fmt"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// An ORDER BY is never satisfied by reading below a LIMIT in reverse.
//
// GMS's replaceIdxSort rule drops a Sort when the rows under it can come from an index
// in the sort's order, reversing the index scan for a descending sort. It carries the
// Sort down through Project, Filter, SubqueryAlias, Limit and Offset nodes, so in
//
//	SELECT id FROM (SELECT * FROM t ORDER BY id LIMIT 3) d ORDER BY id DESC
//
// the outer DESC reversed the scan under the inner LIMIT, which then kept the last three
// rows instead of the first three: 4, 3, 2 instead of MySQL's 3, 2, 1 (GMS's in-memory
// backend does the same). A Limit or Offset picks rows by the order of its input, so a
// sort above it must not change that order. InstallPlannerFixes wraps the rule: every
// Limit and Offset under a Sort is hidden from it behind a sortBarrier (after the rule
// has run on the Limit's own subtree, so that a sort below the Limit still uses an
// index), and unwrapped again afterwards. The Sort above stays; it sorts the Limit's
// few rows.

// InstallPlannerFixes corrects GMS analyzer rules that return wrong rows (above). It is
// installed by server.NewEngine and by the enginetest harness.
func InstallPlannerFixes(a *analyzer.Analyzer) {
	installResultFixes(a) // NOT IN over NULLs, UNION OFFSET, sorts over joins (plannerwrap.go)
	for bi, b := range a.Batches {
		for ri, r := range b.Rules {
			if r.Id.String() != "replaceIdxSort" {
				continue
			}
			rules := append([]analyzer.Rule(nil), b.Rules...) // the slice may be shared
			rules[ri] = analyzer.Rule{Id: r.Id, Apply: sortAboveLimitRule(r.Apply)}
			a.Batches[bi].Rules = rules
			return
		}
	}
}

// sortAboveLimitRule returns rule (GMS's replaceIdxSort) applied with every Limit and
// Offset that has a Sort above it hidden behind a sortBarrier.
func sortAboveLimitRule(rule analyzer.RuleFunc) analyzer.RuleFunc {
	var apply analyzer.RuleFunc
	apply = func(ctx *sql.Context, a *analyzer.Analyzer, n sql.Node, scope *plan.Scope, sel analyzer.RuleSelector, qf *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
		hidden, same, err := hideLimits(ctx, n, false, func(l sql.Node) (sql.Node, transform.TreeIdentity, error) {
			return apply(ctx, a, l, scope, sel, qf)
		})
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
		out, err = unhideLimits(ctx, out)
		return out, transform.NewTree, err
	}
	return apply
}

// unhideLimits replaces every sortBarrier of n by its child. It walks every child,
// also those of opaque nodes (a SubqueryAlias), which transform.Node skips.
func unhideLimits(ctx *sql.Context, n sql.Node) (sql.Node, error) {
	if b, ok := n.(*sortBarrier); ok {
		return unhideLimits(ctx, b.child)
	}
	children := n.Children()
	var out []sql.Node
	for i, c := range children {
		nc, err := unhideLimits(ctx, c)
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

// hideLimits replaces each Limit or Offset of n that has a Sort above it (sorted: n is
// under a Sort) by a sortBarrier over that node as inner (the rule on its own subtree)
// returns it. It reports SameTree if n has no such node.
func hideLimits(ctx *sql.Context, n sql.Node, sorted bool, inner func(sql.Node) (sql.Node, transform.TreeIdentity, error)) (sql.Node, bool, error) {
	switch n.(type) {
	case *plan.Limit, *plan.Offset:
		if sorted {
			l, _, err := inner(n)
			if err != nil {
				return nil, false, err
			}
			return &sortBarrier{child: l}, false, nil
		}
	case *plan.Sort:
		sorted = true
	}
	children := n.Children()
	var out []sql.Node
	for i, c := range children {
		nc, same, err := hideLimits(ctx, c, sorted, inner)
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
		return nil, false, err
	}
	return nn, false, nil
}

// sortBarrier hides its child from replaceIdxSort, which does not descend into node
// types it does not know. It exists only while that rule runs.
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
