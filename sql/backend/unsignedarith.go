package backend

import (
	"math"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
)

// The result columns of a simple SELECT with unsigned arithmetic.
//
// checkedArith (strict.go) computes an integer operation with an unsigned operand in
// BIGINT UNSIGNED (a subtraction under NO_UNSIGNED_SUBTRACTION in BIGINT), as MySQL
// does, and says so in its Type. For most statements it replaces the operation during
// analysis (overflowRule), so the result's columns have its type too. GMS's analyzer
// skips that batch for a simple SELECT of one table (a "simpleSelect" plan), whose
// operations strictBuilder replaces as the Project is built: the column descriptions
// sent to the client then come from GMS's types (BIGINT for one unsigned and one signed
// operand, BIGINT UNSIGNED for two unsigned ones), and a value outside that type would
// be clamped or wrap around on its way to the client. columnTyped keeps such a column
// honest: its values are returned in the described type, and one that does not fit
// fails with 1690 instead. (MySQL returns it; so does dsql wherever the analyzer
// replaced the operation.)

// describedColumns wraps each projection of p, the Project being built, whose integer type
// (BIGINT or BIGINT UNSIGNED) differs from the analyzed plan's column (orig, the
// analyzed Project's schema), in columnTyped; nil if none does.
func describedColumns(ctx *sql.Context, orig sql.Schema, projs []sql.Expression) ([]sql.Expression, error) {
	if len(orig) != len(projs) {
		return nil, nil
	}
	var out []sql.Expression
	for i, e := range projs {
		was, is := orig[i].Type.Type(), e.Type(ctx).Type()
		if was == is || (was != sqltypes.Int64 && was != sqltypes.Uint64) || (is != sqltypes.Int64 && is != sqltypes.Uint64) {
			continue
		}
		if out == nil {
			out = append([]sql.Expression(nil), projs...)
		}
		if a, ok := e.(*expression.Alias); ok {
			ne, err := a.WithChildren(ctx, &columnTyped{child: a.Child, unsigned: was == sqltypes.Uint64})
			if err != nil {
				return nil, err
			}
			out[i] = ne
		} else {
			out[i] = &columnTyped{child: e, unsigned: was == sqltypes.Uint64}
		}
	}
	return out, nil
}

// withDescribedColumns applies describedColumns to n if it is a Project (built from analyzed, the
// node as analyzed).
func withDescribedColumns(ctx *sql.Context, analyzed, n sql.Node) (sql.Node, error) {
	p, ok := n.(*plan.Project)
	if !ok {
		return n, nil
	}
	projs, err := describedColumns(ctx, analyzed.Schema(ctx), p.Projections)
	if err != nil || projs == nil {
		return n, err
	}
	return p.WithExpressions(ctx, projs...)
}

// columnTyped evaluates its integer child as a BIGINT (unsigned: BIGINT UNSIGNED), the
// type its result column is described with: a value outside it fails with 1690.
type columnTyped struct {
	child    sql.Expression
	unsigned bool
}

var _ sql.Expression = (*columnTyped)(nil)

func (c *columnTyped) Eval(ctx *sql.Context, row sql.Row) (any, error) {
	v, err := c.child.Eval(ctx, row)
	if err != nil || v == nil {
		return v, err
	}
	switch x := v.(type) {
	case uint64:
		if !c.unsigned {
			if x > math.MaxInt64 {
				return nil, c.outOfRange("BIGINT")
			}
			return int64(x), nil
		}
	case int64:
		if c.unsigned {
			if x < 0 {
				return nil, c.outOfRange("BIGINT UNSIGNED")
			}
			return uint64(x), nil
		}
	}
	return v, nil
}

func (c *columnTyped) outOfRange(typ string) error {
	return mysql.NewSQLError(erDataOutOfRange, "22003", "%s value is out of range in '%s'; dsql describes this result column as %s (a simple SELECT of one table): CAST the expression (AS SIGNED or AS UNSIGNED) to read the value", typ, c.child.String(), typ)
}

func (c *columnTyped) Resolved() bool                      { return c.child.Resolved() }
func (c *columnTyped) String() string                      { return c.child.String() }
func (c *columnTyped) DebugString(ctx *sql.Context) string { return sql.DebugString(ctx, c.child) }
func (c *columnTyped) IsNullable(ctx *sql.Context) bool    { return c.child.IsNullable(ctx) }
func (c *columnTyped) Children() []sql.Expression          { return []sql.Expression{c.child} }
func (c *columnTyped) CollationCoercibility(ctx *sql.Context) (sql.CollationID, byte) {
	return sql.GetCoercibility(ctx, c.child)
}

func (c *columnTyped) Type(ctx *sql.Context) sql.Type {
	if c.unsigned {
		return types.Uint64
	}
	return types.Int64
}

func (c *columnTyped) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	if len(children) != 1 {
		return nil, sql.ErrInvalidChildrenNumber.New(c, len(children), 1)
	}
	return &columnTyped{child: children[0], unsigned: c.unsigned}, nil
}
