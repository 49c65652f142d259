package backend

import (
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
// Offset that has a Sort above it hidden behind a sortBarrier (sortbarrier.go), after
// the rule has run on the Limit's own subtree.
func sortAboveLimitRule(rule analyzer.RuleFunc) analyzer.RuleFunc {
	var apply analyzer.RuleFunc
	apply = func(ctx *sql.Context, a *analyzer.Analyzer, n sql.Node, scope *plan.Scope, sel analyzer.RuleSelector, qf *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
		limitUnderSort := func(n sql.Node, sorted, _ bool) bool {
			switch n.(type) {
			case *plan.Limit, *plan.Offset:
				return sorted
			}
			return false
		}
		ruleInside := func(l sql.Node) (sql.Node, error) {
			out, _, err := apply(ctx, a, l, scope, sel, qf)
			return out, err
		}
		hidden, same, err := hideUnderSort(ctx, n, false, false, limitUnderSort, ruleInside)
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
		out, err = unhideBarriers(ctx, out)
		return out, transform.NewTree, err
	}
	return apply
}
