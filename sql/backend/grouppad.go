package backend

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/plan"
)

// GROUP BY puts strings equal under a PAD SPACE collation in one group.
//
// Under a PAD SPACE collation (utf8mb4_general_ci, utf8mb4_bin, utf8mb4_unicode_ci,
// latin1_*, ...) MySQL's GROUP BY puts 'a' and 'a ' in one group, shown as the first row
// read; under a NO PAD one (MySQL 8's default utf8mb4_0900_ai_ci, utf8mb4_0900_bin) they
// are two groups. GMS's grouping iterator hashes each grouping value by its collation's
// weights, which keep the trailing spaces, so they were two groups under PAD SPACE too.
// Invariant "PAD SPACE groups": distinctBuilder (distinct.go) runs a plan.GroupBy with a
// grouping expression of a text type under a PAD SPACE collation as a copy whose such
// expressions are wrapped in a padKey, which drops the value's trailing spaces (U+0020
// only, as collatedHasher does). The grouping expressions only make the group's hash
// key; the columns shown come from the selected expressions, so a group shows its first
// row's own spelling. Not covered: ORDER BY and hash joins keep GMS's comparison. Tests:
// server TestSetOpCollation.

// padGroupBy returns g with its PAD SPACE grouping expressions wrapped in a padKey, and
// whether it has one.
func padGroupBy(ctx *sql.Context, g *plan.GroupBy) (*plan.GroupBy, bool) {
	var keys []sql.Expression
	for i, e := range g.GroupByExprs {
		if _, done := e.(*padKey); done || !isPadSpaceText(e.Type(ctx)) {
			continue
		}
		if keys == nil {
			keys = append([]sql.Expression(nil), g.GroupByExprs...)
		}
		keys[i] = &padKey{e}
	}
	if keys == nil {
		return g, false
	}
	ng := *g
	ng.GroupByExprs = keys
	return &ng, true
}

// padKey is a grouping expression of a PAD SPACE text type without its value's trailing
// spaces. It is made as a plan is built for execution, never seen by the analyzer.
type padKey struct {
	sql.Expression
}

var _ sql.Expression = (*padKey)(nil)

// Eval implements sql.Expression.
func (p *padKey) Eval(ctx *sql.Context, row sql.Row) (any, error) {
	v, err := p.Expression.Eval(ctx, row)
	if s, ok := v.(string); ok && err == nil {
		return strings.TrimRight(s, " "), nil
	}
	return v, err
}

// WithChildren implements sql.Expression.
func (p *padKey) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	e, err := p.Expression.WithChildren(ctx, children...)
	if err != nil {
		return nil, err
	}
	return &padKey{e}, nil
}
