package backend

import (
	"github.com/cockroachdb/apd/v3"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression/function"
)

// CEIL and FLOOR never change their argument.
//
// GMS's CEIL, CEILING and FLOOR of a DECIMAL round the *apd.Decimal their argument
// evaluated to in place (sql.DecimalCtx.Ceil(num, num)). When the argument is a column,
// that value is the row's own: `SELECT x, CEIL(x), x` showed the rounded value in the
// third column, and `UPDATE t SET note = 'n' WHERE FLOOR(x) = 5` wrote the rounded x back
// to the table. Invariant "functions never change their arguments' values": the function
// provider (exactsum.go) builds these three over decimalCopy, which hands GMS's function
// a copy of a DECIMAL value. TestCeilFloorKeepArgument.

// decimalSafeFunctions are CEIL, CEILING and FLOOR over decimalCopy.
var decimalSafeFunctions = map[string]sql.Function{
	"ceil": sql.Function1{Name: "ceil", Fn: func(ctx *sql.Context, e sql.Expression) sql.Expression {
		return function.NewCeil(ctx, &decimalCopy{child: e})
	}},
	"ceiling": sql.Function1{Name: "ceiling", Fn: func(ctx *sql.Context, e sql.Expression) sql.Expression {
		return function.NewCeil(ctx, &decimalCopy{child: e})
	}},
	"floor": sql.Function1{Name: "floor", Fn: func(ctx *sql.Context, e sql.Expression) sql.Expression {
		return function.NewFloor(ctx, &decimalCopy{child: e})
	}},
}

// decimalCopy is child, whose DECIMAL values it hands over as copies. It prints as
// child does. Immutable.
type decimalCopy struct {
	child sql.Expression
}

var (
	_ sql.Expression         = (*decimalCopy)(nil)
	_ sql.CollationCoercible = (*decimalCopy)(nil)
)

func (d *decimalCopy) Eval(ctx *sql.Context, row sql.Row) (any, error) {
	v, err := d.child.Eval(ctx, row)
	if x, ok := v.(*apd.Decimal); ok && err == nil {
		return new(apd.Decimal).Set(x), nil
	}
	return v, err
}

func (d *decimalCopy) Resolved() bool                      { return d.child.Resolved() }
func (d *decimalCopy) String() string                      { return d.child.String() }
func (d *decimalCopy) DebugString(ctx *sql.Context) string { return sql.DebugString(ctx, d.child) }
func (d *decimalCopy) Type(ctx *sql.Context) sql.Type      { return d.child.Type(ctx) }
func (d *decimalCopy) IsNullable(ctx *sql.Context) bool    { return d.child.IsNullable(ctx) }
func (d *decimalCopy) Children() []sql.Expression          { return []sql.Expression{d.child} }
func (d *decimalCopy) CollationCoercibility(ctx *sql.Context) (sql.CollationID, byte) {
	return sql.GetCoercibility(ctx, d.child)
}

func (d *decimalCopy) WithChildren(_ *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	if len(children) != 1 {
		return nil, sql.ErrInvalidChildrenNumber.New(d, len(children), 1)
	}
	return &decimalCopy{child: children[0]}, nil
}
