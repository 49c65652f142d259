package backend

import (
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// Temporal values in number and string contexts of expressions.
//
// MySQL turns a DATE, DATETIME, TIMESTAMP or TIME value used as a number into its
// numeric form (DATE '2023-01-05' is 20230105, DATETIME(3) '2023-01-05 10:20:30.500' is
// 20230105102030.500, TIME '10:20:30' is 102030) and one used as a string into its
// canonical text in its own type ('2023-01-05' for a DATE): the forms ALTER TABLE uses
// (altertemporal.go). GMS's expressions see a DATE as a time.Time and lose its type, so
//
//	CAST(d AS SIGNED)            gave the Unix time 1672876800 (MySQL 20230105)
//	CAST(d AS DECIMAL(12,2))     0.00                          (20230105.00)
//	d + 0, d * 1                 20230105000000                (20230105)
//	tm + 0, CAST(tm AS SIGNED)   0                             (102030)
//	CONCAT('on ', d)             'on 2023-01-05 00:00:00'      ('on 2023-01-05')
//	LENGTH(d), d LIKE '%-05'     19, false                     (10, true)
//
// wrapTemporalArgs, applied to every expression of every node the strict checks wrap as
// GMS's exec builder builds it (strictWrapper.expr, strict.go: so simple SELECTs, whose
// short analysis runs none of the backend's analyzer rules, and cached prepared plans
// get it too), wraps such a value in temporalAs, which hands over MySQL's form where GMS
// would convert it: the argument of a CAST/CONVERT to a number or string type,
// an operand of + - * / DIV % (not date arithmetic with INTERVAL), the arguments of the
// string functions of stringArgFunctions, and the left side of LIKE. Invariant
// "temporal values convert by their MySQL forms" (with altertemporal.go);
// TestTemporalExpressions. Comparisons (d = 20230105) and INSERT ... SELECT of a
// temporal column into a number column are still GMS's.

// stringArgFunctions are the functions whose arguments MySQL reads as strings.
var stringArgFunctions = map[string]bool{
	"concat": true, "concat_ws": true, "left": true, "right": true, "substring": true,
	"substr": true, "mid": true, "substring_index": true, "length": true, "octet_length": true,
	"char_length": true, "character_length": true, "lower": true, "upper": true, "lcase": true,
	"ucase": true, "replace": true, "lpad": true, "rpad": true, "trim": true, "ltrim": true,
	"rtrim": true, "instr": true, "locate": true, "reverse": true, "repeat": true,
	"insert": true, "hex": true, "md5": true, "sha1": true, "sha": true, "sha2": true,
	"crc32": true, "to_base64": true, "quote": true, "ascii": true, "strcmp": true,
}

// wrapTemporalArgs returns e with its temporal arguments in MySQL's forms (see above).
func wrapTemporalArgs(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
	// What e's arguments become: the common case (no such parent) returns before
	// Children, which allocates for many expressions.
	const (
		castArgs  = iota // every argument: to the CAST's type
		arithArgs        // every argument: a number
		likeLeft         // the left argument: a string
		strArgs          // every argument: a string
	)
	var kind int
	var castTo sql.Type
	switch x := e.(type) {
	case *expression.Convert:
		kind, castTo = castArgs, x.Type(ctx)
	case *expression.Arithmetic:
		kind = arithArgs
	case *expression.Like:
		kind = likeLeft
	case sql.FunctionExpression:
		if !stringArgFunctions[x.FunctionName()] && !stringArgFunctions[strings.ToLower(x.FunctionName())] {
			return e, transform.SameTree, nil
		}
		kind = strArgs
	default:
		return e, transform.SameTree, nil
	}
	kids := e.Children()
	var out []sql.Expression
	for i, k := range kids {
		kt := k.Type(ctx)
		if !isTemporalValue(kt) {
			if _, ok := k.(*expression.Interval); ok && kind == arithArgs {
				return e, transform.SameTree, nil // date arithmetic: GMS's
			}
			continue
		}
		var t sql.Type
		switch kind {
		case castArgs:
			t = castTo
		case arithArgs:
			t = numericTarget(ctx, kt)
		case likeLeft:
			if i == 0 {
				t = types.LongText
			}
		case strArgs:
			t = types.LongText
		}
		if t == nil || temporalTarget(kt, t) == targetNone {
			continue
		}
		if out == nil {
			out = append([]sql.Expression(nil), kids...)
		}
		out[i] = &temporalAs{child: k, to: t}
	}
	if out == nil {
		return e, transform.SameTree, nil
	}
	ne, err := e.WithChildren(ctx, out...)
	if err != nil {
		return e, transform.SameTree, err
	}
	return ne, transform.NewTree, nil
}

// isTemporalValue reports whether t is DATE, DATETIME, TIMESTAMP or TIME (YEAR is a
// number already).
func isTemporalValue(t sql.Type) bool {
	return types.IsTime(t) || types.IsTimespan(t)
}

// numericTarget is the type a value of temporal type from has as a number: BIGINT, or a
// DECIMAL with the type's fractional digits.
func numericTarget(ctx *sql.Context, from sql.Type) sql.Type {
	if dt, ok := from.(sql.DatetimeType); ok && from.Type() != types.Date.Type() && dt.Precision() > 0 {
		return types.MustCreateDecimalType(14+uint8(dt.Precision()), uint8(dt.Precision()))
	}
	if types.IsTimespan(from) {
		return types.MustCreateDecimalType(16, 6) // GMS's TIME keeps microseconds
	}
	return types.Int64
}

// temporalAs is child, a temporal expression, handing over its values in the form MySQL
// converts them to type to (temporalForm). Immutable.
type temporalAs struct {
	child sql.Expression
	to    sql.Type
}

var _ sql.Expression = (*temporalAs)(nil)

func (t *temporalAs) Resolved() bool                 { return t.child.Resolved() }
func (t *temporalAs) IsNullable(c *sql.Context) bool { return t.child.IsNullable(c) }
func (t *temporalAs) Children() []sql.Expression     { return []sql.Expression{t.child} }
func (t *temporalAs) String() string                 { return t.child.String() }

// Type implements sql.Expression: the form's type (a string type, BIGINT or DECIMAL).
func (t *temporalAs) Type(ctx *sql.Context) sql.Type {
	switch temporalTarget(t.child.Type(ctx), t.to) {
	case targetString:
		return types.LongText
	case targetInt:
		return types.Int64
	case targetFloat:
		return types.Float64
	}
	return numericTarget(ctx, t.child.Type(ctx))
}

// WithChildren implements sql.Expression.
func (t *temporalAs) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	if len(children) != 1 {
		return nil, sql.ErrInvalidChildrenNumber.New(t, len(children), 1)
	}
	return &temporalAs{child: children[0], to: t.to}, nil
}

// Eval implements sql.Expression.
func (t *temporalAs) Eval(ctx *sql.Context, row sql.Row) (interface{}, error) {
	v, err := t.child.Eval(ctx, row)
	if err != nil || v == nil {
		return v, err
	}
	f, ok := temporalForm(v, t.child.Type(ctx), t.to)
	if !ok {
		return v, nil
	}
	if s, ok := f.(string); ok && temporalTarget(t.child.Type(ctx), t.to) == targetDecimal {
		d, _, err := apd.NewFromString(s) // GMS's DECIMAL values are *apd.Decimal
		if err != nil {
			return nil, err
		}
		return d, nil
	}
	return f, nil
}
