package backend

import (
	"github.com/cockroachdb/apd/v3"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression/function"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// COALESCE of DECIMALs is a DECIMAL that holds every argument.
//
// MySQL types COALESCE(a, b, ...) of exact numbers (integers and DECIMALs) as the DECIMAL
// with the most integer digits and the most decimals of its arguments. GMS's COALESCE took
// the type of its last DECIMAL argument, so the common COALESCE(SUM(amount), 0.00) was a
// DECIMAL(3,2): a sum of 19 failed with 1264 "Out of range", and COALESCE(AVG(v), 0.0)
// rounded 3.1667 to 3.2. coalesceExpr is GMS's COALESCE with MySQL's type for that case
// (installed by the function provider, exactsum.go); any other mix of types keeps GMS's.
// TestCoalesceDecimal.

var coalesceFunction = sql.FunctionN{Name: "coalesce", Fn: func(ctx *sql.Context, args ...sql.Expression) (sql.Expression, error) {
	e, err := function.NewCoalesce(ctx, args...)
	if err != nil {
		return nil, err
	}
	return &coalesceExpr{Coalesce: e.(*function.Coalesce)}, nil
}}

// coalesceExpr is GMS's COALESCE with MySQL's type for exact numbers. Immutable.
type coalesceExpr struct {
	*function.Coalesce
}

var _ sql.FunctionExpression = (*coalesceExpr)(nil)

// Type implements sql.Expression: MySQL's DECIMAL when every typed argument is an exact
// number and one is a DECIMAL, else GMS's type.
func (c *coalesceExpr) Type(ctx *sql.Context) sql.Type {
	intDigits, scale, decimal := 0, 0, false
	for _, a := range c.Children() {
		t := a.Type(ctx)
		if t == nil || t == types.Null {
			continue
		}
		if dt, ok := t.(sql.DecimalType); ok {
			decimal = true
			intDigits = max(intDigits, int(dt.Precision())-int(dt.Scale()))
			scale = max(scale, int(dt.Scale()))
			continue
		}
		if d, ok := integerDigits(t); ok {
			intDigits = max(intDigits, d)
			continue
		}
		return c.Coalesce.Type(ctx)
	}
	if !decimal {
		return c.Coalesce.Type(ctx)
	}
	scale = min(scale, types.DecimalTypeMaxScale)
	p := min(intDigits+scale, types.DecimalTypeMaxPrecision)
	return types.MustCreateDecimalType(uint8(p), uint8(scale))
}

// Eval implements sql.Expression: the first non-NULL argument, as a value of Type.
func (c *coalesceExpr) Eval(ctx *sql.Context, row sql.Row) (any, error) {
	for _, a := range c.Children() {
		if a == nil {
			continue
		}
		v, err := a.Eval(ctx, row)
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		t := c.Type(ctx)
		if !types.IsEnum(t) && !types.IsSet(t) {
			if v, _, err = t.Convert(ctx, v); err != nil {
				return nil, err
			}
		}
		if dt, ok := t.(sql.DecimalType); ok {
			if d, ok := v.(*apd.Decimal); ok { // written with the type's decimals (19.00)
				q := new(apd.Decimal)
				if _, err := exactCtx.Quantize(q, d, -int32(dt.Scale())); err == nil { // (exactsum.go: GMS's DecimalCtx has no precision)
					v = q
				}
			}
		}
		return v, nil
	}
	return nil, nil
}

// WithChildren implements sql.Expression.
func (c *coalesceExpr) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	e, err := c.Coalesce.WithChildren(ctx, children...)
	if err != nil {
		return nil, err
	}
	return &coalesceExpr{Coalesce: e.(*function.Coalesce)}, nil
}
