package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/rowexec"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// Out-of-range values assigned by UPDATE (installed by server.NewEngine and the
// enginetest harness with InstallAssignmentRangeChecks).
//
// GMS converts the value of an assignment to a column (UPDATE ... SET c = v, INSERT ...
// ON DUPLICATE KEY UPDATE c = v, SET NEW.c = v in a trigger) to the column's type and
// drops the conversion's "out of range" verdict, so UPDATE t SET tiny = 1000 silently
// stores 127. An INSERT of the same value fails (GMS checks the range there), and so
// does MySQL's UPDATE: error 1264. rangeBuilder, the exec builder's priority builder,
// wraps the value of every assignment to a numeric column in rangeChecked, which fails
// with the error GMS's INSERT gives; with IGNORE the value is clamped to the type's range
// with warning 1264, as MySQL does.

// rangeBuilder is the exec builder's priority builder: it builds an UPDATE, an INSERT
// (its ON DUPLICATE KEY UPDATE) or a SET statement of a trigger body whose assignments
// to numeric columns are wrapped in rangeChecked (through base, which calls it again for
// the wrapped tree: that one is built by next, or by base itself).
type rangeBuilder struct {
	base sql.NodeExecBuilder // the builder it is the priority builder of
	next sql.NodeExecBuilder // the priority builder before it (nil: none)
}

func (b rangeBuilder) Build(ctx *sql.Context, n sql.Node, row sql.Row) (sql.RowIter, error) {
	ignore := false
	switch x := n.(type) {
	case *plan.Update:
		ignore = x.Ignore
	case *plan.InsertInto:
		ignore = x.Ignore
	}
	switch n.(type) {
	case *plan.Update, *plan.InsertInto, *plan.Set: // Set: a trigger's SET NEW.c = v
		wrapped, same, err := wrapAssignments(ctx, n, ignore)
		if err != nil {
			return nil, err
		}
		if same == transform.NewTree {
			return b.base.Build(ctx, wrapped, row)
		}
	}
	if b.next == nil {
		return nil, nil
	}
	return b.next.Build(ctx, n, row)
}

// wrapAssignments wraps the value of every assignment to a numeric column in n (ignore:
// the statement has IGNORE).
func wrapAssignments(ctx *sql.Context, n sql.Node, ignore bool) (sql.Node, transform.TreeIdentity, error) {
	return transform.NodeExprsWithOpaque(ctx, n, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
		return transform.Expr(ctx, e, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
			sf, ok := e.(*expression.SetField)
			if !ok {
				return e, transform.SameTree, nil
			}

			gf, ok := sf.LeftChild.(*expression.GetField)
			if !ok || !sql.IsNumberType(gf.Type(ctx)) {
				return e, transform.SameTree, nil
			}
			if _, done := sf.RightChild.(*rangeChecked); done {
				return e, transform.SameTree, nil
			}
			return expression.NewSetField(gf, &rangeChecked{child: sf.RightChild, typ: gf.Type(ctx), idx: gf.Index(), name: gf.Name(), ignore: ignore}), transform.NewTree, nil
		})
	})
}

// rangeChecked evaluates to its child's value, or fails if that value is out of the
// range of typ (the type of the assigned column name, column idx of the row); with
// ignore it evaluates to the nearest value in range instead and adds warning 1264.
type rangeChecked struct {
	child  sql.Expression
	typ    sql.Type
	idx    int
	name   string
	ignore bool
}

var _ sql.Expression = (*rangeChecked)(nil)

func (r *rangeChecked) Eval(ctx *sql.Context, row sql.Row) (any, error) {
	v, err := r.child.Eval(ctx, row)
	if err != nil || v == nil {
		return v, err
	}
	var inRange sql.ConvertInRange
	var clamped any
	if rt, ok := r.typ.(sql.RoundingNumberType); ok {
		clamped, inRange, err = rt.ConvertRound(ctx, v)
	} else {
		clamped, inRange, err = r.typ.Convert(ctx, v)
	}
	if err == nil && inRange != sql.InRange {
		if r.ignore && clamped != nil {
			ctx.Warn(1264, "Out of range value for column '%s' at row 1", r.name)
			return clamped, nil
		}
		return nil, sql.NewWrappedTypeConversionError(v, r.idx, sql.ErrValueOutOfRange.New(v, r.typ))
	}
	return v, nil // other conversion failures are reported by SetField as before
}

func (r *rangeChecked) Resolved() bool                   { return r.child.Resolved() }
func (r *rangeChecked) String() string                   { return r.child.String() }
func (r *rangeChecked) Type(ctx *sql.Context) sql.Type   { return r.child.Type(ctx) }
func (r *rangeChecked) IsNullable(ctx *sql.Context) bool { return r.child.IsNullable(ctx) }
func (r *rangeChecked) Children() []sql.Expression       { return []sql.Expression{r.child} }
func (r *rangeChecked) CollationCoercibility(ctx *sql.Context) (sql.CollationID, byte) {
	return sql.GetCoercibility(ctx, r.child)
}

func (r *rangeChecked) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	if len(children) != 1 {
		return nil, sql.ErrInvalidChildrenNumber.New(r, len(children), 1)
	}
	c := *r
	c.child = children[0]
	return &c, nil
}

// InstallAssignmentRangeChecks makes b, an engine's exec builder, check the range of
// assignments to numeric columns (server.NewEngine calls it; so does the enginetest
// harness, whose engines GMS builds).
//
// It is here, not in server/, so that sql/enginetest can install it without depending on
// the server.
func InstallAssignmentRangeChecks(b *rowexec.BaseBuilder) {
	b.PriorityBuilder = rangeBuilder{base: b, next: b.PriorityBuilder}
}
