package backend

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/expression/function/aggregation"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// MIN or MAX of the primary key's first column over no rows is one row of NULL.
//
// GMS's replaceAgg turns SELECT MAX(pk) FROM t [WHERE <range of the primary key>] (one
// MIN or MAX of the first primary-key column, no GROUP BY) into Limit(1) over the
// projections over the table sorted by that column, which the index then reads from one
// end. Over no rows (an empty table, an empty range) that plan returns no row, where
// MySQL returns one row with the aggregate NULL (SELECT MAX(id) FROM empty_table, the
// way many applications find the next id). aggLimitRule replaces the rule: it keeps
// the GroupBy, and puts the Limit(1) over the sorted table under it, so the aggregate
// reads at most one row (the index still reads from the right end: replaceIdxSort runs
// next) and an empty input gives the GroupBy's NULL row. Invariant "one aggregate row":
// MIN or MAX of the primary key's first column without GROUP BY returns exactly one
// row; TestMinMaxEmpty checks such statements against their answers and their plans.
func aggLimitRule(analyzer.RuleFunc) analyzer.RuleFunc { return replaceAggKeepGroup }

func replaceAggKeepGroup(ctx *sql.Context, a *analyzer.Analyzer, node sql.Node, scope *plan.Scope, sel analyzer.RuleSelector, qFlags *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
	if !analyzer.FlagIsSet(qFlags, sql.QFlagAggregation) {
		return node, transform.SameTree, nil
	}
	return transform.Node(ctx, node, func(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
		gb, ok := n.(*plan.GroupBy)
		if !ok || len(gb.SelectDeps) != 1 || len(gb.GroupByExprs) != 0 {
			return n, transform.SameTree, nil
		}
		pk, err := primaryIndexUnder(ctx, gb.Child)
		if err != nil || pk == nil {
			return n, transform.SameTree, err
		}
		var by sql.SortCondition
		switch agg := unwrapAggregate(gb.SelectDeps[0]).(type) {
		case *aggregation.Max:
			by.Expr, by.Order = agg.Child, sql.Descending
		case *aggregation.Min:
			by.Expr, by.Order = agg.Child, sql.Ascending
		default:
			return n, transform.SameTree, nil
		}
		gf, ok := by.Expr.(*expression.GetField)
		if !ok {
			return n, transform.SameTree, nil
		}
		if cols := pk.Expressions(); len(cols) == 0 || !strings.EqualFold(cols[0], gf.String()) {
			return n, transform.SameTree, nil
		}
		var one sql.Node = plan.NewLimit(expression.NewLiteral(int64(1), types.Int64), plan.NewSort(sql.SortConditions{by}, gb.Child))
		// replaceIdxSort does not look under a GroupBy: run it (as installed, with its
		// fixes) on the Limit, so the index is read from the right end.
		if r, ok := ruleOf(a, "replaceIdxSort"); ok {
			if one, _, err = r(ctx, a, one, scope, sel, qFlags); err != nil {
				return n, transform.SameTree, err
			}
		}
		nn, err := gb.WithChildren(ctx, one)
		if err != nil {
			return n, transform.SameTree, err
		}
		return nn, transform.NewTree, nil
	})
}

// primaryIndexUnder returns the primary key index of the table n reads, when n is the
// table itself or an indexed access to it through that index (as replaceAgg accepts);
// nil otherwise.
func primaryIndexUnder(ctx *sql.Context, n sql.Node) (sql.Index, error) {
	switch t := n.(type) {
	case *plan.IndexedTableAccess:
		if _, ok := t.Table.(sql.IndexAddressableTable); ok && t.Index().ID() == "PRIMARY" {
			return t.Index(), nil
		}
	case *plan.ResolvedTable:
		if tbl, ok := t.UnderlyingTable().(sql.IndexAddressableTable); ok {
			idxs, err := tbl.GetIndexes(ctx)
			if err != nil {
				return nil, err
			}
			for _, idx := range idxs {
				if idx.ID() == "PRIMARY" {
					return idx, nil
				}
			}
		}
	}
	return nil, nil
}

// ruleOf returns the rule named id as a's batches hold it (the first found).
func ruleOf(a *analyzer.Analyzer, id string) (analyzer.RuleFunc, bool) {
	for _, b := range a.Batches {
		for _, r := range b.Rules {
			if r.Id.String() == id {
				return r.Apply, true
			}
		}
	}
	return nil, false
}
