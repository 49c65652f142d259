package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/expression/function/aggregation"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// COUNT(DISTINCT ...) compares strings under their collation.
//
// MySQL counts the distinct values of COUNT(DISTINCT name) as its collation sees them:
// under the default utf8mb4_0900_ai_ci, 'alice', 'Alice' and 'ALICE' count once. GMS's
// CountDistinct buffer hashes each value's text, so they counted three times. Invariant
// "collated COUNT(DISTINCT)": countDistinctRule, appended to GMS's OnceAfterAll by init,
// replaces every aggregation.CountDistinct over an argument of a string type under a
// collation that is not bytewise with a collatedCountDistinct, whose buffer hashes the
// arguments as SELECT DISTINCT does (collatedHasher: each string by its collation's
// weights, a PAD SPACE column's without trailing spaces). Rows with a NULL argument are
// skipped, as before. COUNT(DISTINCT ...) OVER (window) keeps GMS's. The rule also
// replaces GROUP_CONCAT(DISTINCT ...) (groupconcat.go). Tests: server
// TestDistinctCollation.

const countDistinctRuleID analyzer.RuleId = 1_000_070

// init appends countDistinctRule to GMS's OnceAfterAll (appendOnceAfterAll).
func init() {
	appendOnceAfterAll(analyzer.Rule{Id: countDistinctRuleID, Apply: countDistinctRule})
}

func countDistinctRule(ctx *sql.Context, a *analyzer.Analyzer, node sql.Node, scope *plan.Scope, sel analyzer.RuleSelector, qFlags *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
	if !analyzer.FlagIsSet(qFlags, sql.QFlagAggregation) {
		return node, transform.SameTree, nil
	}
	return transform.NodeExprsWithOpaque(ctx, node, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
		if gc, ok := collatedGroupConcatOf(ctx, e); ok {
			return gc, transform.NewTree, nil // groupconcat.go
		}
		cd, ok := e.(*aggregation.CountDistinct)
		if !ok || cd.Window() != nil {
			return e, transform.SameTree, nil
		}
		if !hasCollatedString(argSchema(ctx, cd.Children())) {
			return e, transform.SameTree, nil
		}
		return &collatedCountDistinct{cd}, transform.NewTree, nil
	})
}

// argSchema is a schema of one column per argument, of its type.
func argSchema(ctx *sql.Context, args []sql.Expression) sql.Schema {
	sch := make(sql.Schema, len(args))
	for i, e := range args {
		sch[i] = &sql.Column{Name: e.String(), Type: e.Type(ctx), Nullable: true}
	}
	return sch
}

// collatedCountDistinct is GMS's CountDistinct whose buffer compares the arguments under
// their collations (see the comment at the top). Everything else, its type, name and
// EXPLAIN text included, is CountDistinct's.
type collatedCountDistinct struct {
	*aggregation.CountDistinct
}

var _ sql.Aggregation = (*collatedCountDistinct)(nil)

// WithChildren implements sql.Expression.
func (c *collatedCountDistinct) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	return &collatedCountDistinct{aggregation.NewCountDistinct(children...)}, nil
}

// WithId implements sql.IdExpression.
func (c *collatedCountDistinct) WithId(id sql.ColumnId) sql.IdExpression {
	return &collatedCountDistinct{c.CountDistinct.WithId(id).(*aggregation.CountDistinct)}
}

// NewBuffer implements sql.Aggregation.
func (c *collatedCountDistinct) NewBuffer(ctx *sql.Context) (sql.AggregationBuffer, error) {
	exprs, err := cloneExprs(ctx, c.Children())
	if err != nil {
		return nil, err
	}
	return &collatedCountBuffer{
		exprs:  exprs,
		hasher: newCollatedHasher(argSchema(ctx, exprs)),
		seen:   map[uint64]struct{}{},
		vals:   make(sql.Row, len(exprs)),
	}, nil
}

// collatedCountBuffer counts the distinct argument tuples without a NULL.
type collatedCountBuffer struct {
	exprs  []sql.Expression
	hasher *collatedHasher
	seen   map[uint64]struct{}
	vals   sql.Row
}

// Update implements sql.AggregationBuffer.
func (b *collatedCountBuffer) Update(ctx *sql.Context, row sql.Row) error {
	for i, e := range b.exprs {
		v, err := e.Eval(ctx, row)
		if err != nil {
			return err
		}
		if v == nil {
			return nil
		}
		b.vals[i] = v
	}
	h, err := b.hasher.HashOf(ctx, b.vals)
	if err != nil {
		return err
	}
	b.seen[h] = struct{}{}
	return nil
}

// Eval implements sql.AggregationBuffer.
func (b *collatedCountBuffer) Eval(ctx *sql.Context) (any, error) {
	return int64(len(b.seen)), nil
}

// Dispose implements sql.AggregationBuffer.
func (b *collatedCountBuffer) Dispose(ctx *sql.Context) {
	for _, e := range b.exprs {
		expression.Dispose(ctx, e)
	}
}

// cloneExprs returns copies of args for one aggregation buffer (an expression may keep
// state while it is evaluated).
func cloneExprs(ctx *sql.Context, args []sql.Expression) ([]sql.Expression, error) {
	exprs := make([]sql.Expression, len(args))
	for i, e := range args {
		cl, err := transform.Clone(ctx, e)
		if err != nil {
			return nil, err
		}
		exprs[i] = cl
	}
	return exprs, nil
}
