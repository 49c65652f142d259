package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression/function/aggregation"
)

// Nullable aggregates.
//
// MIN, MAX, STD/STDDEV/STDDEV_POP/STDDEV_SAMP, VARIANCE/VAR_POP/VAR_SAMP and
// JSON_ARRAYAGG are NULL over no rows (an empty table, an empty range, an empty window
// frame), whatever their argument. GMS's nodes for them say they are never NULL, so a
// result column of MAX(id) reached clients with the NOT_NULL flag (MySQL and MariaDB
// leave it off), and typed drivers that trust the flag mis-read the NULL. GMS's
// JSON_ARRAYAGG also returned '[]' over no rows where MySQL returns NULL.
//
// nullableAgg wraps GMS's node for each of these names (installed by the same function
// provider as exact SUM and AVG, exactsum.go), so every plan the planner builds holds
// the wrapper from the start and the columns over it are nullable. It computes nothing
// itself except JSON_ARRAYAGG's NULL over no rows. GROUP_CONCAT, which GMS's planner
// builds without asking the provider, keeps GMS's flag (NOT_NULL when its arguments
// are); its value is NULL over no rows as MySQL's is.
//
// Rules that recognise these aggregates by type look through the wrapper
// (unwrapAggregate): replaceAgg's replacement in aggempty.go, and the window framing of
// windowframe.go.

// nullableFunctions are the names given nullableAgg, with GMS's constructor of each.
var nullableFunctions = map[string]func(sql.Expression) gmsAggregate{
	"max":           func(e sql.Expression) gmsAggregate { return aggregation.NewMax(e) },
	"min":           func(e sql.Expression) gmsAggregate { return aggregation.NewMin(e) },
	"std":           func(e sql.Expression) gmsAggregate { return aggregation.NewStdDevPop(e) },
	"stddev":        func(e sql.Expression) gmsAggregate { return aggregation.NewStdDevPop(e) },
	"stddev_pop":    func(e sql.Expression) gmsAggregate { return aggregation.NewStdDevPop(e) },
	"stddev_samp":   func(e sql.Expression) gmsAggregate { return aggregation.NewStdDevSamp(e) },
	"variance":      func(e sql.Expression) gmsAggregate { return aggregation.NewVarPop(e) },
	"var_pop":       func(e sql.Expression) gmsAggregate { return aggregation.NewVarPop(e) },
	"var_samp":      func(e sql.Expression) gmsAggregate { return aggregation.NewVarSamp(e) },
	"json_arrayagg": func(e sql.Expression) gmsAggregate { return aggregation.NewJsonArray(e) },
}

// nullableFunctionsByName holds the sql.Function the provider returns for each name of
// nullableFunctions.
var nullableFunctionsByName = func() map[string]sql.Function {
	m := make(map[string]sql.Function, len(nullableFunctions))
	for name, mk := range nullableFunctions {
		m[name] = nullableFunction(name, mk)
	}
	return m
}()

// nullableFunction is the sql.Function for name, made by mk.
func nullableFunction(name string, mk func(sql.Expression) gmsAggregate) sql.Function {
	emptyNull := name == "json_arrayagg"
	return sql.Function1{Name: name, Fn: func(ctx *sql.Context, e sql.Expression) sql.Expression {
		return &nullableAgg{gms: mk(e), emptyNull: emptyNull}
	}}
}

// nullableAgg is one of GMS's aggregates (gms), nullable. emptyNull makes its value over
// no rows NULL (JSON_ARRAYAGG). Immutable like every expression: the With methods return
// copies.
type nullableAgg struct {
	gms       gmsAggregate
	emptyNull bool
}

var (
	_ sql.Aggregation        = (*nullableAgg)(nil)
	_ sql.FunctionExpression = (*nullableAgg)(nil)
	_ sql.CollationCoercible = (*nullableAgg)(nil)
)

// unwrapAggregate returns the GMS aggregate e wraps when e is one of the backend's
// wrappers (nullableAgg), else e.
func unwrapAggregate(e sql.Expression) sql.Expression {
	if n, ok := e.(*nullableAgg); ok {
		return n.gms
	}
	return e
}

func (e *nullableAgg) wrap(gms sql.Expression) *nullableAgg {
	return &nullableAgg{gms: gms.(gmsAggregate), emptyNull: e.emptyNull}
}

// IsNullable implements sql.Expression: over no rows the value is NULL.
func (e *nullableAgg) IsNullable(*sql.Context) bool { return true }

func (e *nullableAgg) Type(ctx *sql.Context) sql.Type                      { return e.gms.Type(ctx) }
func (e *nullableAgg) Resolved() bool                                      { return e.gms.Resolved() }
func (e *nullableAgg) String() string                                      { return e.gms.String() }
func (e *nullableAgg) DebugString(c *sql.Context) string                   { return sql.DebugString(c, e.gms) }
func (e *nullableAgg) Children() []sql.Expression                          { return e.gms.Children() }
func (e *nullableAgg) FunctionName() string                                { return e.gms.FunctionName() }
func (e *nullableAgg) Description() string                                 { return e.gms.Description() }
func (e *nullableAgg) Id() sql.ColumnId                                    { return e.gms.Id() }
func (e *nullableAgg) Window() *sql.WindowDefinition                       { return e.gms.Window() }
func (e *nullableAgg) Eval(c *sql.Context, r sql.Row) (interface{}, error) { return e.gms.Eval(c, r) }

// CollationCoercibility implements sql.CollationCoercible.
func (e *nullableAgg) CollationCoercibility(ctx *sql.Context) (sql.CollationID, byte) {
	return e.gms.CollationCoercibility(ctx)
}

// WithChildren implements sql.Expression.
func (e *nullableAgg) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	n, err := e.gms.WithChildren(ctx, children...)
	if err != nil {
		return nil, err
	}
	return e.wrap(n), nil
}

// WithId implements sql.IdExpression.
func (e *nullableAgg) WithId(id sql.ColumnId) sql.IdExpression { return e.wrap(e.gms.WithId(id)) }

// WithWindow implements sql.WindowAdaptableExpression.
func (e *nullableAgg) WithWindow(ctx *sql.Context, w *sql.WindowDefinition) sql.WindowAdaptableExpression {
	return e.wrap(e.gms.WithWindow(ctx, w))
}

// NewBuffer implements sql.Aggregation.
func (e *nullableAgg) NewBuffer(ctx *sql.Context) (sql.AggregationBuffer, error) {
	b, err := e.gms.NewBuffer(ctx)
	if err != nil || !e.emptyNull {
		return b, err
	}
	return &emptyNullBuffer{AggregationBuffer: b}, nil
}

// NewWindowFunction implements sql.WindowAdaptableExpression.
func (e *nullableAgg) NewWindowFunction(ctx *sql.Context) (sql.WindowFunction, error) {
	return e.gms.NewWindowFunction(ctx)
}

// emptyNullBuffer is NULL until it has seen a row. Not safe for concurrent use (GMS
// gives each group its own buffer).
type emptyNullBuffer struct {
	sql.AggregationBuffer
	rows bool
}

func (b *emptyNullBuffer) Update(ctx *sql.Context, row sql.Row) error {
	b.rows = true
	return b.AggregationBuffer.Update(ctx, row)
}

func (b *emptyNullBuffer) Eval(ctx *sql.Context) (interface{}, error) {
	if !b.rows {
		return nil, nil
	}
	return b.AggregationBuffer.Eval(ctx)
}
