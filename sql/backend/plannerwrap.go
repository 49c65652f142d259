package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// InstallPlannerFixes corrects the GMS analyzer rules that return wrong rows, by wrapping
// them: unnestInSubqueries (NOT IN over a NULL, notin.go), finalizeUnions (a UNION's
// OFFSET before its ORDER BY, unionoffset.go), replaceIdxSort (an ORDER BY dropped or
// reversed where it must stay: under a LIMIT, sortlimit.go; over a joining view or a
// merge join, sortjoin.go; both through sortFixRule, sortbarrier.go) and optimizeJoins
// (a merge join over an order-breaking comparison, mergejoin.go; a filter a lookup join
// over an OR lost, orjoin.go; both through joinPlanRule); replaceAgg is replaced
// (MIN/MAX of the primary key over no rows, aggempty.go). Each rule is
// wrapped in every batch that holds it, in a copy of the batch's rule slice (the slice
// may be shared with other analyzers). It is installed by server.NewEngine and by the
// enginetest harness.
func InstallPlannerFixes(a *analyzer.Analyzer) {
	installDecimalFixes(a)   // MySQL's UNION column types, no DECIMAL -0 (uniontype.go, negzero.go)
	installExactAggregates() // exact SUM and AVG of exact types, for every catalog (exactsum.go)
	wraps := map[string]func(analyzer.RuleFunc) analyzer.RuleFunc{
		"unnestInSubqueries": notInSubqueryRule,
		"finalizeUnions":     unionOffsetRule,
		"resolveUnions":      unionSortRule, // a UNION's ORDER BY finds its column (unionsort.go)
		"replaceIdxSort":     sortFixRule,
		"replaceAgg":         aggLimitRule, // MIN/MAX of no rows is a NULL row (aggempty.go)
		"optimizeJoins":      joinPlanRule,
		"flattenDistinct":    windowFrameRule,
		"pushFilters":        outerJoinRule,
		"validateExprSem":    intModRule, // MOD of integers is a BIGINT (intmod.go)
	}
	installPadSpace(a) // PAD SPACE string comparisons (padspace.go)
	installIntMod(a)   // MOD of integers as a BIGINT in GMS's short analyses (intmod.go)
	for bi, b := range a.Batches {
		var rules []analyzer.Rule
		for ri, r := range b.Rules {
			wrap, ok := wraps[r.Id.String()]
			if !ok {
				continue
			}
			if rules == nil {
				rules = append([]analyzer.Rule(nil), b.Rules...)
			}
			rules[ri] = analyzer.Rule{Id: r.Id, Apply: wrap(r.Apply)}
		}
		if rules != nil {
			a.Batches[bi].Rules = rules
		}
	}
}

// mapChildren returns n with each child c at position i replaced by f(i, c) where f
// reports a change (n itself when none does), and whether anything changed. The walk
// shape of every plan correction here that rewrites bottom-up.
func mapChildren(ctx *sql.Context, n sql.Node, f func(i int, c sql.Node) (sql.Node, bool, error)) (sql.Node, bool, error) {
	children := n.Children()
	var nc []sql.Node
	for i, c := range children {
		d, changed, err := f(i, c)
		if err != nil {
			return nil, false, err
		}
		if !changed {
			continue
		}
		if nc == nil {
			nc = append([]sql.Node(nil), children...)
		}
		nc[i] = d
	}
	if nc == nil {
		return n, false, nil
	}
	nn, err := n.WithChildren(ctx, nc...)
	if err != nil {
		return nil, false, err
	}
	return nn, true, nil
}

// thenFix returns rule followed by fix, a correction of the plan rule returns; fix
// reports whether it changed the plan. An error of rule or fix is returned as it is.
func thenFix(rule analyzer.RuleFunc, fix func(*sql.Context, sql.Node) (sql.Node, bool, error)) analyzer.RuleFunc {
	return func(ctx *sql.Context, a *analyzer.Analyzer, n sql.Node, scope *plan.Scope, sel analyzer.RuleSelector, qf *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
		out, same, err := rule(ctx, a, n, scope, sel, qf)
		if err != nil {
			return out, same, err
		}
		fixed, changed, err := fix(ctx, out)
		if err != nil || !changed {
			return out, same, err
		}
		return fixed, transform.NewTree, nil
	}
}

// fixFirst returns rule preceded by fix, a rewrite of the plan rule is given (so that
// rule sees the corrected plan). An error of fix or rule is returned as it is.
func fixFirst(fix func(*sql.Context, sql.Node) (sql.Node, transform.TreeIdentity, error), rule analyzer.RuleFunc) analyzer.RuleFunc {
	return func(ctx *sql.Context, a *analyzer.Analyzer, n sql.Node, scope *plan.Scope, sel analyzer.RuleSelector, qf *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
		fixed, same, err := fix(ctx, n)
		if err != nil {
			return n, transform.SameTree, err
		}
		out, same2, err := rule(ctx, a, fixed, scope, sel, qf)
		if err != nil {
			return out, same2, err
		}
		return out, same && same2, nil
	}
}

// appendOnceAfterAll adds r at the end of GMS's OnceAfterAll, the rules every analyzer and
// the short batch lists of plain statements run last, in a copy of the slice (it may be
// shared). Called from init functions, before any analyzer is made; rules added so run
// in the order of their files' names.
func appendOnceAfterAll(r analyzer.Rule) {
	rules := append([]analyzer.Rule(nil), analyzer.OnceAfterAll...)
	analyzer.OnceAfterAll = append(rules, r)
}
