package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/plan"
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
// sort above it must not change that order. sortFixRule (sortbarrier.go) wraps the rule:
// every Limit and Offset under a Sort is hidden from it behind a sortBarrier (after the
// rule has run on the Limit's own subtree, so that a sort below the Limit still uses an
// index), and unwrapped again afterwards. The Sort above stays; it sorts the Limit's
// few rows.

// limitUnderSort picks a Limit or an Offset under a Sort (sortFixRule runs the rule on
// its subtree before hiding it).
func limitUnderSort(n sql.Node, sorted, _ bool) bool {
	switch n.(type) {
	case *plan.Limit, *plan.Offset:
		return sorted
	}
	return false
}
