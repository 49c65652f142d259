package backend

import (
	"fmt"
	"strings"
	"sync"

	"github.com/cockroachdb/apd/v3"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/expression/function/aggregation"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/vt/proto/query"
)

// Exact SUM and AVG.
//
// GMS's SUM and AVG (aggregation.Sum, aggregation.Avg) are DOUBLE whatever their argument:
// their buffers add integers as float64 (so a BIGINT sum past 2^53 loses its last digits)
// and their type is types.Float64 even for a DECIMAL argument. MySQL computes SUM and AVG
// of an exact argument (an integer type, DECIMAL, BIT, YEAR) exactly, as a DECIMAL:
//
//   - SUM(x) is DECIMAL(min(p+22, 65), s), where p and s are the precision and scale of
//     x (an integer type's p is its number of digits: TINYINT 3, SMALLINT 5, MEDIUMINT 8,
//     INT 10, BIGINT 19, BIGINT UNSIGNED 20, YEAR 4, BIT(n) n);
//   - AVG(x) is DECIMAL(min(p+i, 65), min(s+i, 30)), i = @@div_precision_increment (4),
//     the exact sum divided by the count and rounded half away from zero to that scale;
//   - over no rows, or only NULLs, both are NULL;
//   - a sum with more integer digits than its type holds (only possible when p+22 > 65)
//     fails with ER_DATA_OUT_OF_RANGE (1690, 22003).
//
// SUM and AVG of anything else (FLOAT, DOUBLE, strings, dates, JSON) stay DOUBLE, computed
// by GMS's own buffers. Both hold for GROUP BY groups, DISTINCT, HAVING and ORDER BY (the
// planner builds those aggregates from the same function) and the window forms.
//
// The functions are installed as analyzer.ExternalFunctionProvider, which GMS's catalog
// asks before its built-in registry: every plan the planner builds from then on (text and
// prepared statements, and so the server's cached plans) holds exactSum nodes, with the
// right result type from the start, so expressions over them (SUM(a)+1, SUM(a)/2) and the
// columns sent to clients (NEWDECIMAL with MySQL's precision and scale) follow from it.
// The provider is process-wide; installExactAggregates is idempotent and keeps any
// provider set before it for the other names.

var exactAggregatesOnce sync.Once

// installExactAggregates makes SUM and AVG exact (see above) for every catalog in the
// process. Safe to call more than once and from many goroutines.
func installExactAggregates() {
	exactAggregatesOnce.Do(func() {
		analyzer.ExternalFunctionProvider = exactFunctions{next: analyzer.ExternalFunctionProvider}
	})
}

// exactFunctions is the backend's function provider, asked before GMS's registry. It
// provides "sum" and "avg" (here), the nullable aggregates (nullagg.go), the date and
// time functions (timefuncs.go), CEIL/CEILING/FLOOR over copies (decimalcopy.go),
// COALESCE (coalesce.go) and the string functions that count characters (strfuncs.go);
// other names go to next (when set), then to GMS's registry.
type exactFunctions struct {
	next sql.FunctionProvider
}

var _ sql.FunctionProvider = exactFunctions{}

var (
	sumFunction = sql.Function1{Name: "sum", Fn: func(ctx *sql.Context, e sql.Expression) sql.Expression {
		return &exactSum{gms: aggregation.NewSum(e)}
	}}
	avgFunction = sql.Function1{Name: "avg", Fn: func(ctx *sql.Context, e sql.Expression) sql.Expression {
		return &exactSum{gms: aggregation.NewAvg(e), avg: true}
	}}
)

// Function implements sql.FunctionProvider.
func (p exactFunctions) Function(ctx *sql.Context, schema, name string) (sql.Function, bool) {
	switch strings.ToLower(name) {
	case "sum":
		return sumFunction, true
	case "avg":
		return avgFunction, true
	}
	if f, ok := nullableFunctionsByName[strings.ToLower(name)]; ok {
		return f, true
	}
	if f, ok := timeFunction(name); ok { // timefuncs.go
		return f, true
	}
	if f, ok := decimalSafeFunctions[strings.ToLower(name)]; ok { // decimalcopy.go
		return f, true
	}
	if strings.EqualFold(name, "coalesce") { // coalesce.go
		return coalesceFunction, true
	}
	if f, ok := stringFunction(name); ok { // strfuncs.go
		return f, true
	}
	if p.next != nil {
		return p.next.Function(ctx, schema, name)
	}
	return nil, false
}

// gmsAggregate is what both aggregation.Sum and aggregation.Avg are.
type gmsAggregate interface {
	sql.Aggregation
	sql.FunctionExpression
	sql.CollationCoercible
}

// exactSum is SUM(x) (avg false) or AVG(x) (avg true). It wraps GMS's node, which keeps
// the argument, the window and the column id and prints as GMS's does, and computes the
// result itself when the argument's type is exact (exactArg); otherwise it is GMS's.
// Like every expression it is immutable: the With methods return copies.
type exactSum struct {
	gms gmsAggregate
	avg bool
}

var (
	_ sql.Aggregation        = (*exactSum)(nil)
	_ sql.FunctionExpression = (*exactSum)(nil)
	_ sql.CollationCoercible = (*exactSum)(nil)
)

func (e *exactSum) child() sql.Expression { return e.gms.Children()[0] }

// resultType is the DECIMAL type of e's result, or false when e's argument is not exact.
func (e *exactSum) resultType(ctx *sql.Context) (sql.DecimalType, bool) {
	p, s, ok := exactArg(ctx, e.child().Type(ctx))
	if !ok {
		return nil, false
	}
	if e.avg {
		inc := divPrecisionIncrement(ctx)
		p, s = min(p+inc, types.DecimalTypeMaxPrecision), min(s+inc, types.DecimalTypeMaxScale)
	} else {
		p = min(p+22, types.DecimalTypeMaxPrecision)
	}
	t, err := types.CreateDecimalType(uint8(p), uint8(s))
	if err != nil {
		return nil, false
	}
	return t, true
}

// exactArg is the precision and scale MySQL gives an argument of type t of SUM or AVG,
// or false when t is not an exact type.
func exactArg(ctx *sql.Context, t sql.Type) (precision, scale int, ok bool) {
	if dt, isDec := t.(sql.DecimalType); isDec && types.IsDecimal(t) {
		return int(dt.Precision()), int(dt.Scale()), true
	}
	if bt, isBit := t.(types.BitType); isBit && types.IsBit(t) {
		return int(bt.NumberOfBits()), 0, true
	}
	if t.Type() == query.Type_YEAR {
		return 4, 0, true
	}
	if d, ok := integerDigits(t); ok {
		return d, 0, true
	}
	return 0, 0, false
}

// integerDigits is the number of decimal digits of an integer type's widest value
// (TINYINT 3, SMALLINT 5, MEDIUMINT 8, INT 10, BIGINT 19, BIGINT UNSIGNED 20), the
// precision MySQL gives it in DECIMAL arithmetic; false for any other type.
func integerDigits(t sql.Type) (int, bool) {
	switch t.Type() {
	case query.Type_INT8, query.Type_UINT8:
		return 3, true
	case query.Type_INT16, query.Type_UINT16:
		return 5, true
	case query.Type_INT24, query.Type_UINT24:
		return 8, true
	case query.Type_INT32, query.Type_UINT32:
		return 10, true
	case query.Type_INT64:
		return 19, true
	case query.Type_UINT64:
		return 20, true
	}
	return 0, false
}

// divPrecisionIncrement is the session's @@div_precision_increment (4 when unset).
func divPrecisionIncrement(ctx *sql.Context) int {
	if ctx == nil || ctx.Session == nil {
		return 4
	}
	v, err := ctx.GetSessionVariable(ctx, "div_precision_increment")
	if err != nil {
		return 4
	}
	switch n := v.(type) {
	case int64:
		return int(n)
	case uint64:
		return int(n)
	case int:
		return n
	case int8:
		return int(n)
	case int32:
		return int(n)
	}
	return 4
}

func (e *exactSum) wrap(gms sql.Expression) *exactSum {
	return &exactSum{gms: gms.(gmsAggregate), avg: e.avg}
}

// Type implements sql.Expression.
func (e *exactSum) Type(ctx *sql.Context) sql.Type {
	if t, ok := e.resultType(ctx); ok {
		return t
	}
	return e.gms.Type(ctx)
}

// IsNullable implements sql.Expression: over no rows both are NULL.
func (e *exactSum) IsNullable(*sql.Context) bool { return true }

func (e *exactSum) Resolved() bool                    { return e.gms.Resolved() }
func (e *exactSum) String() string                    { return e.gms.String() }
func (e *exactSum) DebugString(c *sql.Context) string { return sql.DebugString(c, e.gms) }
func (e *exactSum) Children() []sql.Expression        { return e.gms.Children() }
func (e *exactSum) FunctionName() string              { return e.gms.FunctionName() }
func (e *exactSum) Description() string               { return e.gms.Description() }
func (e *exactSum) Id() sql.ColumnId                  { return e.gms.Id() }
func (e *exactSum) Window() *sql.WindowDefinition     { return e.gms.Window() }

// Eval implements sql.Expression; like every aggregate, it is evaluated through buffers.
func (e *exactSum) Eval(ctx *sql.Context, row sql.Row) (interface{}, error) {
	return e.gms.Eval(ctx, row)
}

// CollationCoercibility implements sql.CollationCoercible.
func (e *exactSum) CollationCoercibility(ctx *sql.Context) (sql.CollationID, byte) {
	return e.gms.CollationCoercibility(ctx)
}

// WithChildren implements sql.Expression.
func (e *exactSum) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	n, err := e.gms.WithChildren(ctx, children...)
	if err != nil {
		return nil, err
	}
	return e.wrap(n), nil
}

// WithId implements sql.IdExpression.
func (e *exactSum) WithId(id sql.ColumnId) sql.IdExpression { return e.wrap(e.gms.WithId(id)) }

// WithWindow implements sql.WindowAdaptableExpression.
func (e *exactSum) WithWindow(ctx *sql.Context, w *sql.WindowDefinition) sql.WindowAdaptableExpression {
	return e.wrap(e.gms.WithWindow(ctx, w))
}

// NewBuffer implements sql.Aggregation.
func (e *exactSum) NewBuffer(ctx *sql.Context) (sql.AggregationBuffer, error) {
	t, ok := e.resultType(ctx)
	if !ok {
		return e.gms.NewBuffer(ctx)
	}
	child, err := transform.Clone(ctx, e.child())
	if err != nil {
		return nil, err
	}
	return &exactSumBuffer{expr: child, argType: e.child().Type(ctx), typ: t, avg: e.avg, name: e.String(), sum: new(apd.Decimal)}, nil
}

// NewWindowFunction implements sql.WindowAdaptableExpression.
func (e *exactSum) NewWindowFunction(ctx *sql.Context) (sql.WindowFunction, error) {
	gmsFn, err := e.gms.NewWindowFunction(ctx)
	t, ok := e.resultType(ctx)
	if err != nil || !ok {
		return gmsFn, err
	}
	child, err := transform.Clone(ctx, e.child())
	if err != nil {
		return nil, err
	}
	return &exactSumWindow{gms: gmsFn, expr: child, argType: e.child().Type(ctx), typ: t, avg: e.avg, name: e.String()}, nil
}

// exactCtx adds and divides exactly: 200 digits hold any sum of DECIMAL(65,30) values
// and enough of a quotient to round it correctly (exactResult).
var exactCtx = func() *apd.Context {
	c := apd.BaseContext.WithPrecision(200)
	c.Rounding = apd.RoundHalfUp
	return c
}()

// toDecimal converts a value of an exact argument of type t to a decimal.
func toDecimal(t sql.Type, v interface{}) (*apd.Decimal, error) {
	switch n := v.(type) {
	case *apd.Decimal:
		return n, nil
	case int8:
		return apd.New(int64(n), 0), nil
	case int16:
		return apd.New(int64(n), 0), nil
	case int32:
		return apd.New(int64(n), 0), nil
	case int64:
		return apd.New(n, 0), nil
	case int:
		return apd.New(int64(n), 0), nil
	case uint8:
		return apd.New(int64(n), 0), nil
	case uint16:
		return apd.New(int64(n), 0), nil
	case uint32:
		return apd.New(int64(n), 0), nil
	case uint64:
		return types.DecimalFromUint64(n), nil
	case uint:
		return types.DecimalFromUint64(uint64(n)), nil
	case bool:
		if n {
			return apd.New(1, 0), nil
		}
		return apd.New(0, 0), nil
	}
	if dt, ok := t.(sql.DecimalType); ok && types.IsDecimal(t) {
		return dt.ConvertToDecimal(v)
	}
	return types.InternalDecimalType.ConvertToDecimal(v)
}

// exactResult is the sum (avg false) or the average of count values summing to sum, as a
// value of t; nil when count is 0. A value with more integer digits than t holds is
// error 1690, naming the aggregate (name).
func exactResult(sum *apd.Decimal, count int64, t sql.DecimalType, avg bool, name string) (interface{}, error) {
	if count == 0 {
		return nil, nil
	}
	res := new(apd.Decimal)
	if avg {
		if _, err := exactCtx.Quo(res, sum, apd.New(count, 0)); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	} else {
		res.Set(sum)
	}
	if _, err := exactCtx.Quantize(res, res, -int32(t.Scale())); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	intDigits := res.NumDigits() + int64(res.Exponent)
	if limit := int64(t.Precision()) - int64(t.Scale()); intDigits > limit && !res.IsZero() {
		return nil, mysql.NewSQLError(mysql.ERDataOutOfRange, "22003",
			"DECIMAL value is out of range in '%s': the result has %d digits before the decimal point and %s holds %d; sum a narrower column, or CAST the argument AS DOUBLE for an approximate result",
			name, intDigits, strings.ToUpper(t.String()), limit)
	}
	return res, nil
}

// exactSumBuffer sums the non-NULL values of expr exactly. Not safe for concurrent use
// (GMS gives each group its own buffer).
type exactSumBuffer struct {
	expr    sql.Expression
	argType sql.Type
	typ     sql.DecimalType
	avg     bool
	name    string
	sum     *apd.Decimal
	count   int64
}

var _ sql.AggregationBuffer = (*exactSumBuffer)(nil)

// Update implements sql.AggregationBuffer.
func (b *exactSumBuffer) Update(ctx *sql.Context, row sql.Row) error {
	v, err := b.expr.Eval(ctx, row)
	if err != nil || v == nil {
		return err
	}
	d, err := toDecimal(b.argType, v)
	if err != nil {
		return err
	}
	if _, err := exactCtx.Add(b.sum, b.sum, d); err != nil {
		return fmt.Errorf("%s: %w", b.name, err)
	}
	b.count++
	return nil
}

// Eval implements sql.AggregationBuffer.
func (b *exactSumBuffer) Eval(*sql.Context) (interface{}, error) {
	return exactResult(b.sum, b.count, b.typ, b.avg, b.name)
}

// Dispose implements sql.Disposable.
func (b *exactSumBuffer) Dispose(ctx *sql.Context) { expression.Dispose(ctx, b.expr) }

// exactSumWindow is the window form: prefix sums (and counts of non-NULL values) over a
// partition, so a frame's sum is the difference of two, exactly. gms, GMS's window
// function for the same window, provides the framer. Not safe for concurrent use.
type exactSumWindow struct {
	gms     sql.WindowFunction
	expr    sql.Expression
	argType sql.Type
	typ     sql.DecimalType
	avg     bool
	name    string

	start  int            // the partition's first row in the buffer
	sums   []*apd.Decimal // sums[i]: the sum of the partition's rows [0, i)
	counts []int64        // counts[i]: the non-NULL values among them
}

var _ sql.WindowFunction = (*exactSumWindow)(nil)

// DefaultFramer implements sql.WindowFunction.
func (w *exactSumWindow) DefaultFramer() sql.WindowFramer { return w.gms.DefaultFramer() }

// Dispose implements sql.Disposable.
func (w *exactSumWindow) Dispose(ctx *sql.Context) {
	expression.Dispose(ctx, w.expr)
	w.gms.Dispose(ctx)
}

// StartPartition implements sql.WindowFunction.
func (w *exactSumWindow) StartPartition(ctx *sql.Context, interval sql.WindowInterval, buf sql.WindowBuffer) error {
	expression.Dispose(ctx, w.expr)
	n := interval.End - interval.Start
	w.start = interval.Start
	w.sums = make([]*apd.Decimal, n+1)
	w.counts = make([]int64, n+1)
	w.sums[0] = new(apd.Decimal)
	for i := 0; i < n; i++ {
		w.sums[i+1], w.counts[i+1] = w.sums[i], w.counts[i]
		v, err := w.expr.Eval(ctx, buf[interval.Start+i])
		if err != nil {
			return err
		}
		if v == nil {
			continue
		}
		d, err := toDecimal(w.argType, v)
		if err != nil {
			return err
		}
		s := new(apd.Decimal)
		if _, err := exactCtx.Add(s, w.sums[i], d); err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
		w.sums[i+1], w.counts[i+1] = s, w.counts[i]+1
	}
	return nil
}

// Compute implements sql.WindowFunction.
func (w *exactSumWindow) Compute(ctx *sql.Context, interval sql.WindowInterval, buf sql.WindowBuffer) (interface{}, error) {
	lo, hi := interval.Start-w.start, interval.End-w.start
	if lo < 0 || hi >= len(w.sums) || lo >= hi {
		return nil, nil
	}
	sum := new(apd.Decimal)
	if _, err := exactCtx.Sub(sum, w.sums[hi], w.sums[lo]); err != nil {
		return nil, fmt.Errorf("%s: %w", w.name, err)
	}
	return exactResult(sum, w.counts[hi]-w.counts[lo], w.typ, w.avg, w.name)
}
