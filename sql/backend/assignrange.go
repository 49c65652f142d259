package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/vitess/go/mysql"
)

// Out-of-range values assigned by UPDATE (applied by strictBuilder, strict.go).
//
// GMS converts the value of an assignment to a column (UPDATE ... SET c = v, INSERT ...
// ON DUPLICATE KEY UPDATE c = v, SET NEW.c = v in a trigger) to the column's type and
// drops the conversion's "out of range" verdict, so UPDATE t SET tiny = 1000 silently
// stores 127. An INSERT of the same value fails (GMS checks the range there), and so
// does MySQL's UPDATE: error 1264. strictBuilder, the exec builder's priority builder,
// wraps the value of every assignment to a numeric column in rangeChecked (UPDATE and
// INSERT nodes, and a trigger body's SET), which fails with 1264 naming the column, the value and the type;
// with IGNORE the value is clamped to the type's range with warning 1264, as MySQL does.

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
		return nil, mysql.NewSQLError(1264, "22003", "Out of range value for column '%s': %v does not fit %s; store a value in the column type's range, or widen the column (ALTER TABLE ... MODIFY)", r.name, v, r.typ.String())
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
