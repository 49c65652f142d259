package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
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
// backend too). sortFixRule (sortbarrier.go) wraps the rule: every SubqueryAlias whose query
// holds a join, and every merge join under a descending Sort, is hidden from it behind
// a sortBarrier (sortbarrier.go), so the Sort above it stays (and the merge join runs
// forward). A SubqueryAlias's own query is analyzed on its own (finalizeSubqueries),
// where the rule still uses indexes for the query's own ORDER BY.
// joinUnderSort picks, under a Sort (sorted), a SubqueryAlias whose query holds a join,
// and under a descending Sort (desc) a merge join.
func joinUnderSort(n sql.Node, sorted, desc bool) bool {
	switch n := n.(type) {
	case *plan.SubqueryAlias:
		return sorted && holdsJoin(n.Child)
	case *plan.JoinNode:
		return sorted && desc && n.Op.IsMerge()
	}
	return false
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
