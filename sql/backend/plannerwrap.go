package backend

import (
	"github.com/dolthub/go-mysql-server/sql/analyzer"
)

// InstallPlannerFixes corrects the GMS analyzer rules that return wrong rows, by wrapping
// them: unnestInSubqueries (NOT IN over a NULL, notin.go), finalizeUnions (a UNION's
// OFFSET before its ORDER BY, unionoffset.go) and replaceIdxSort (an ORDER BY dropped or
// reversed where it must stay: under a LIMIT, sortlimit.go; over a joining view or a
// merge join, sortjoin.go; both through sortFixRule, sortbarrier.go). Each rule is
// wrapped in every batch that holds it, in a copy of the batch's rule slice (the slice
// may be shared with other analyzers). It is installed by server.NewEngine and by the
// enginetest harness.
func InstallPlannerFixes(a *analyzer.Analyzer) {
	installDecimalFixes(a)   // MySQL's UNION column types, no DECIMAL -0 (uniontype.go, negzero.go)
	installExactAggregates() // exact SUM and AVG of exact types, for every catalog (exactsum.go)
	wraps := map[string]func(analyzer.RuleFunc) analyzer.RuleFunc{
		"unnestInSubqueries": notInSubqueryRule,
		"finalizeUnions":     unionOffsetRule,
		"replaceIdxSort":     sortFixRule,
		"optimizeJoins":      mergeJoinRule,
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
