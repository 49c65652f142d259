package backend

import (
	"slices"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// SHOW WARNINGS lists the warnings in the order they were raised.
//
// MySQL lists a statement's warnings oldest first (row 1's before row 2's, a row's
// columns left to right), and SHOW WARNINGS LIMIT n shows the first n. GMS's planner
// builds the list from the session's Warnings(), which is newest first. warningOrderRule
// reverses it. It is idempotent: it reverses only a list whose first warning is the
// session's newest (a list already in order starts with the oldest; a list of one is the
// same either way). TestShowWarningsOrder.

const warningOrderRuleID analyzer.RuleId = 1_000_060

func init() {
	appendOnceAfterAll(analyzer.Rule{Id: warningOrderRuleID, Apply: warningOrderRule})
}

func warningOrderRule(ctx *sql.Context, _ *analyzer.Analyzer, n sql.Node, _ *plan.Scope, _ analyzer.RuleSelector, _ *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
	return transform.Node(ctx, n, func(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
		sw, ok := n.(plan.ShowWarnings)
		if !ok || len(sw) < 2 || ctx.Session == nil {
			return n, transform.SameTree, nil
		}
		newest := ctx.Session.Warnings()
		if len(newest) == 0 || sw[0] != newest[0] {
			return n, transform.SameTree, nil
		}
		out := slices.Clone(sw)
		slices.Reverse(out)
		return plan.ShowWarnings(out), transform.NewTree, nil
	})
}
