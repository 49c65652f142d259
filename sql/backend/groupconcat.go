package backend

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/expression/function/aggregation"
)

// GROUP_CONCAT(DISTINCT ...) compares strings under their collation.
//
// MySQL's GROUP_CONCAT(DISTINCT name) keeps one value of each group of values equal
// under the argument's collation: under the default utf8mb4_0900_ai_ci, 'alice' and
// 'ALICE' give 'alice' (the first one read). GMS's GroupConcat buffer drops a value whose
// text it has seen, so both spellings were concatenated. Invariant "collated
// GROUP_CONCAT(DISTINCT)": countDistinctRule (countdistinct.go) replaces every
// aggregation.GroupConcat with DISTINCT (not a window's) whose arguments include a
// string under a collation that is not bytewise with a collatedGroupConcat, whose buffer
// hashes each row's arguments with SELECT DISTINCT's collatedHasher (each string by its
// collation's weights, a PAD SPACE column's without trailing spaces) and hands GMS's
// buffer only the first row of each hash; GMS's buffer does the rest (NULLs skipped,
// ORDER BY, SEPARATOR, group_concat_max_len). Tests: server TestSetOpCollation.

// collatedGroupConcatOf returns e as a collatedGroupConcat if it is a GROUP_CONCAT to
// replace (see above).
func collatedGroupConcatOf(ctx *sql.Context, e sql.Expression) (sql.Expression, bool) {
	g, ok := e.(*aggregation.GroupConcat)
	if !ok || g.Window() != nil {
		return e, false
	}
	// GroupConcat keeps DISTINCT unexported; its String starts "group_concat(distinct "
	// with it (the parser's DISTINCT text) and "group_concat(" and an argument without.
	if !strings.HasPrefix(g.String(), "group_concat(distinct ") {
		return e, false
	}
	if !hasCollatedString(argSchema(ctx, g.OutputExpressions())) {
		return e, false
	}
	return &collatedGroupConcat{g}, true
}

// collatedGroupConcat is GMS's GroupConcat whose buffer compares the arguments under
// their collations (see above). Everything else, its type, name and EXPLAIN text
// included, is GroupConcat's.
type collatedGroupConcat struct {
	*aggregation.GroupConcat
}

var _ sql.Aggregation = (*collatedGroupConcat)(nil)
var _ sql.OrderedAggregation = (*collatedGroupConcat)(nil)

// WithChildren implements sql.Expression.
func (c *collatedGroupConcat) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	e, err := c.GroupConcat.WithChildren(ctx, children...)
	if err != nil {
		return nil, err
	}
	return &collatedGroupConcat{e.(*aggregation.GroupConcat).WithId(c.Id()).(*aggregation.GroupConcat)}, nil
}

// WithId implements sql.IdExpression.
func (c *collatedGroupConcat) WithId(id sql.ColumnId) sql.IdExpression {
	return &collatedGroupConcat{c.GroupConcat.WithId(id).(*aggregation.GroupConcat)}
}

// NewBuffer implements sql.Aggregation.
func (c *collatedGroupConcat) NewBuffer(ctx *sql.Context) (sql.AggregationBuffer, error) {
	inner, err := c.GroupConcat.NewBuffer(ctx)
	if err != nil {
		return nil, err
	}
	exprs, err := cloneExprs(ctx, c.OutputExpressions())
	if err != nil {
		return nil, err
	}
	return &collatedConcatBuffer{
		inner:  inner,
		exprs:  exprs,
		hasher: newCollatedHasher(argSchema(ctx, exprs)),
		seen:   map[uint64]struct{}{},
		vals:   make(sql.Row, len(exprs)),
	}, nil
}

// collatedConcatBuffer hands inner (GMS's buffer) the first row of each group of rows
// whose arguments are equal under their collations, and the rows with a NULL argument
// (which inner skips).
type collatedConcatBuffer struct {
	inner  sql.AggregationBuffer
	exprs  []sql.Expression
	hasher *collatedHasher
	seen   map[uint64]struct{}
	vals   sql.Row
}

// Update implements sql.AggregationBuffer.
func (b *collatedConcatBuffer) Update(ctx *sql.Context, row sql.Row) error {
	for i, e := range b.exprs {
		v, err := e.Eval(ctx, row)
		if err != nil {
			return err
		}
		if v == nil {
			return b.inner.Update(ctx, row)
		}
		b.vals[i] = v
	}
	h, err := b.hasher.HashOf(ctx, b.vals)
	if err != nil {
		return err
	}
	if _, dup := b.seen[h]; dup {
		return nil
	}
	b.seen[h] = struct{}{}
	return b.inner.Update(ctx, row)
}

// Eval implements sql.AggregationBuffer.
func (b *collatedConcatBuffer) Eval(ctx *sql.Context) (any, error) { return b.inner.Eval(ctx) }

// Dispose implements sql.AggregationBuffer.
func (b *collatedConcatBuffer) Dispose(ctx *sql.Context) {
	b.inner.Dispose(ctx)
	for _, e := range b.exprs {
		expression.Dispose(ctx, e)
	}
}
