package backend

import (
	"github.com/dolthub/go-mysql-server/sql/analyzer"
)

// installResultFixes wraps the GMS analyzer rules that notin.go, unionoffset.go and
// sortjoin.go correct: unnestInSubqueries (NOT IN over a NULL), finalizeUnions (a
// UNION's OFFSET before its ORDER BY) and replaceIdxSort (an ORDER BY over a joining
// derived table or view dropped). Called by InstallPlannerFixes before it wraps
// replaceIdxSort again (sortlimit.go). Each rule is wrapped once, in
// every batch that holds it; a copy of the batch's rule slice is changed (the slice may
// be shared with other analyzers).
func installResultFixes(a *analyzer.Analyzer) {
	wraps := map[string]func(analyzer.RuleFunc) analyzer.RuleFunc{
		"unnestInSubqueries": notInSubqueryRule,
		"finalizeUnions":     unionOffsetRule,
		"replaceIdxSort":     sortAboveJoinViewRule,
	}
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
