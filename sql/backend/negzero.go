package backend

import (
	"fmt"

	"github.com/cockroachdb/apd/v3"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/expression/function"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// A DECIMAL zero is never negative.
//
// GMS's DECIMAL values are apd.Decimals, which keep the sign of a zero: a product of a
// zero and a negative number (SELECT 0.0 * -1, SUM(0) * -1) and a negative number
// rounded to zero (ROUND(-0.4), ROUND(-0.04, 1)) are -0, which prints "-0.0", "-0". MySQL
// (decimal_mul, decimal_round; MariaDB 10.11 agrees) makes such a zero positive: 0.0, 0.
// A -0 stored into a DECIMAL column was already 0 (the column's conversion drops the
// sign), and -0 compares equal to 0, so only what a query shows differs.
//
// negZeroBuilder, a priority builder of the exec builder (installed by
// installDecimalFixes), builds every Project, Filter, Having, GroupBy and Window with its
// DECIMAL multiplications and DECIMAL ROUNDs (but not those that are an operand of an
// arithmetic operator) wrapped in positiveZero, which turns a -0
// result into 0 and leaves every other value (and NULL) as it is. Doing it when the plan
// is built into row iterators covers GMS's short analysis of a simple SELECT (which runs
// none of the rules an integrator can wrap), prepared statements (whose parameters have
// their types by then), subqueries and UNION arms (built by the same builder), and plans
// the server caches. The analyzed plan itself is unchanged (EXPLAIN shows GMS's). Other
// sources of -0 are left: MOD (-1.0 % 1 is -0.0 in MariaDB too) and DOUBLE arithmetic
// (0e0 * -1), whose -0 MySQL prints too.

// negZeroBuilder is a priority builder of the exec builder (see above): a node it
// rewrites is built by base (which calls it again for the new node, which has nothing
// left to wrap, and goes on to next).
type negZeroBuilder struct {
	base sql.NodeExecBuilder // the builder it is the priority builder of
	next sql.NodeExecBuilder // the priority builder before it (nil: none)
}

var _ sql.NodeExecBuilder = negZeroBuilder{}

// Build implements sql.NodeExecBuilder.
func (b negZeroBuilder) Build(ctx *sql.Context, n sql.Node, row sql.Row) (sql.RowIter, error) {
	switch n.(type) {
	case *plan.Project, *plan.Filter, *plan.Having, *plan.GroupBy, *plan.Window:
		// Each top-level expression once (wrapNegativeZero walks it; transform's
		// walkers would visit a wrapped child again).
		exprs := n.(sql.Expressioner).Expressions()
		var out []sql.Expression
		for i, e := range exprs {
			ne, same, err := wrapNegativeZero(ctx, e)
			if err != nil {
				return nil, err
			}
			if !same && out == nil {
				out = append([]sql.Expression(nil), exprs...)
			}
			if out != nil {
				out[i] = ne
			}
		}
		if out != nil {
			nn, err := n.(sql.Expressioner).WithExpressions(ctx, out...)
			if err != nil {
				return nil, err
			}
			return b.base.Build(ctx, nn, row)
		}
	}
	if b.next == nil {
		return nil, nil
	}
	return b.next.Build(ctx, n, row)
}

// installNegZero installs negZeroBuilder as the priority builder of a's exec builder.
func installNegZero(a *analyzer.Analyzer) {
	b := a.ExecBuilder
	if _, done := b.PriorityBuilder.(negZeroBuilder); done {
		return
	}
	b.PriorityBuilder = negZeroBuilder{base: b, next: b.PriorityBuilder}
}

// wrapNegativeZero wraps e's DECIMAL multiplications and ROUNDs (see above), except
// the direct operands of an arithmetic operator (GMS's division computes its scale from
// nested arithmetic operands: 24/3/2*1/2/3; and -0 + 0 is 0 anyway). An existing
// positiveZero is left as it is. Subqueries are left to their own build.
func wrapNegativeZero(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
	return wrapNegativeZeroIn(ctx, e, false)
}

// wrapNegativeZeroIn is wrapNegativeZero; operand reports whether e is a direct operand
// of an arithmetic operator (then e itself is not wrapped).
func wrapNegativeZeroIn(ctx *sql.Context, e sql.Expression, operand bool) (sql.Expression, transform.TreeIdentity, error) {
	if _, ok := e.(*positiveZero); ok {
		return e, transform.SameTree, nil
	}
	var isArith bool
	switch e.(type) {
	case *expression.Arithmetic, *expression.Div, *expression.IntDiv, *expression.Mod:
		isArith = true
	}
	same := transform.SameTree
	if children := e.Children(); len(children) > 0 {
		newChildren := make([]sql.Expression, len(children))
		for i, c := range children {
			nc, s, err := wrapNegativeZeroIn(ctx, c, isArith)
			if err != nil {
				return e, transform.SameTree, err
			}
			newChildren[i] = nc
			same = same && s
		}
		if !same {
			ne, err := e.WithChildren(ctx, newChildren...)
			if err != nil {
				return e, transform.SameTree, err
			}
			e = ne
		}
	}
	if !operand && mayMakeNegativeZero(ctx, e) {
		return &positiveZero{UnaryExpressionStub: expression.UnaryExpressionStub{Child: e}}, transform.NewTree, nil
	}
	return e, same, nil
}

// mayMakeNegativeZero reports whether e is a DECIMAL multiplication or ROUND.
func mayMakeNegativeZero(ctx *sql.Context, e sql.Expression) bool {
	switch e := e.(type) {
	case *expression.Arithmetic:
		if e.Operator() != "*" {
			return false
		}
	case *function.Round:
	default:
		return false
	}
	return e.Resolved() && types.IsDecimal(e.Type(ctx))
}

// positiveZero is its child, with a -0 DECIMAL result made 0. Like every expression it
// is immutable.
type positiveZero struct {
	expression.UnaryExpressionStub
}

var (
	_ sql.Expression         = (*positiveZero)(nil)
	_ sql.CollationCoercible = (*positiveZero)(nil)
)

// Type implements sql.Expression.
func (p *positiveZero) Type(ctx *sql.Context) sql.Type { return p.Child.Type(ctx) }

// Eval implements sql.Expression.
func (p *positiveZero) Eval(ctx *sql.Context, row sql.Row) (interface{}, error) {
	v, err := p.Child.Eval(ctx, row)
	if err != nil {
		return nil, err
	}
	switch d := v.(type) {
	case *apd.Decimal:
		if d.Negative && d.IsZero() {
			var out apd.Decimal
			out.Set(d)
			out.Negative = false
			return &out, nil
		}
	case apd.Decimal:
		if d.Negative && d.IsZero() {
			var out apd.Decimal
			out.Set(&d)
			out.Negative = false
			return &out, nil
		}
	}
	return v, nil
}

// CollationCoercibility implements sql.CollationCoercible.
func (p *positiveZero) CollationCoercibility(ctx *sql.Context) (sql.CollationID, byte) {
	return sql.GetCoercibility(ctx, p.Child)
}

// WithChildren implements sql.Expression.
func (p *positiveZero) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	if len(children) != 1 {
		return nil, sql.ErrInvalidChildrenNumber.New(p, len(children), 1)
	}
	return &positiveZero{UnaryExpressionStub: expression.UnaryExpressionStub{Child: children[0]}}, nil
}

// String implements sql.Expression: the child's text (column names stay MySQL's).
func (p *positiveZero) String() string { return p.Child.String() }

// DebugString implements sql.Expression.
func (p *positiveZero) DebugString(ctx *sql.Context) string {
	return fmt.Sprintf("positivezero(%s)", sql.DebugString(ctx, p.Child))
}

// IsNullable implements sql.Expression.
func (p *positiveZero) IsNullable(ctx *sql.Context) bool { return p.Child.IsNullable(ctx) }
