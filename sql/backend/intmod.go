package backend

import (
	"fmt"
	"strings"
	"sync"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// Integer MOD.
//
// GMS computes MOD (both `a % b`, `a MOD b` and MOD(a, b): an expression.Mod) of two
// integers as a DECIMAL: SELECT -3 % 3 and MOD(5, 5) * -1 send "-0", a hash join on
// k.r = n MOD 4 does not find a -0 key as 0, and converting k.r to the MOD's narrow
// DECIMAL type for the join fails with ER_WARN_DATA_OUT_OF_RANGE (1264) once k.r >= 10.
// MySQL's MOD of two integer operands is an integer (intMod):
//
//   - its type is BIGINT, or BIGINT UNSIGNED when the dividend is unsigned;
//   - its value has the sign of the dividend (-7 % 3 = -1, 7 % -3 = 1) and is never -0;
//   - MOD by 0 is NULL with warning ER_DIVISION_BY_ZERO (1365), as GMS's;
//   - a NULL operand gives NULL.
//
// MOD with a DECIMAL operand stays GMS's DECIMAL, with a float or a string GMS's DOUBLE.
// DIV is GMS's expression.IntDiv, already a BIGINT.
//
// intModRule replaces every expression.Mod of the plan (in subqueries and derived tables
// too) by an intMod before the wrapped rule (validateExprSem, early in the
// once-before batch, so before CREATE TABLE ... SELECT takes its column types and before
// join planning builds hash-join keys). An intMod decides on each call of Type and Eval
// whether its operands are integers, so one whose operand is a bind variable is right
// once the variable is bound. MOD(a, b) is also made an intMod when the planner builds it,
// through the function provider (intModFunctions, chained in front of the one set
// before), so that the columns of a derived table computing MOD(a, b) are typed BIGINT
// from the start; references to a derived table's `a % b` column keep the type GMS gave
// them (DECIMAL(n,0)) and convert the integer value to it.

var intModOnce sync.Once

// installIntMod installs the "mod" function provider (once per process) and intModBuilder
// as a priority builder of a's exec builder (once per analyzer).
func installIntMod(a *analyzer.Analyzer) {
	intModOnce.Do(func() {
		analyzer.ExternalFunctionProvider = intModFunctions{next: analyzer.ExternalFunctionProvider}
	})
	b := a.ExecBuilder
	for p := b.PriorityBuilder; p != nil; {
		switch x := p.(type) {
		case intModBuilder:
			return
		case padSpaceBuilder:
			p = x.next
			continue
		}
		break
	}
	b.PriorityBuilder = intModBuilder{base: b, next: b.PriorityBuilder}
}

// intModBuilder is a priority builder of the exec builder: a node whose own expressions
// hold a GMS Mod is built by base with them intMods (base calls it again for the new node,
// which has none left, and that goes on to next). It covers GMS's short analyses of a
// simple SELECT (a Project over a Filter over one table, or none), a single-table UPDATE
// or DELETE and an INSERT ... VALUES, which run none of the rules InstallPlannerFixes
// wraps: there the values are intMod's, and a Project's result columns take their types
// (retypeColumns).
type intModBuilder struct {
	base sql.NodeExecBuilder // the builder it is the priority builder of
	next sql.NodeExecBuilder // the priority builder before it (nil: none)
}

func (b intModBuilder) Build(ctx *sql.Context, n sql.Node, row sql.Row) (sql.RowIter, error) {
	if ex, ok := n.(sql.Expressioner); ok && hasMod(ctx, ex.Expressions()) {
		nn, same, err := transform.OneNodeExpressions(ctx, n, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
			if m, ok := e.(*expression.Mod); ok && integerMod(ctx, m) {
				return &intMod{gms: m}, transform.NewTree, nil
			}
			return e, transform.SameTree, nil
		})
		if err != nil {
			return nil, err
		}
		if same == transform.NewTree {
			if p, ok := n.(*plan.Project); ok {
				retypeColumns(ctx, p, nn.(*plan.Project))
			}
			return b.base.Build(ctx, nn, row)
		}
	}
	if b.next == nil {
		return nil, nil
	}
	return b.next.Build(ctx, n, row)
}

// retypeColumns gives the columns of p's schema the types of fixed's projections (p with
// intMods in place of GMS's Mods) where they differ, in place: the statement's result
// columns, which the server describes to the client after building the iterator, are the
// schema of the analyzed plan, and a Project keeps the schema it computed first (in the
// short analysis, with the Mods' DECIMAL(n,0)) for every later call. So SELECT a % 3
// FROM t sends a BIGINT column, as MySQL. The new types are the types of the values the
// built iterator returns; a plan a session runs again has them already.
func retypeColumns(ctx *sql.Context, p, fixed *plan.Project) {
	sch := p.Schema(ctx)
	if len(sch) != len(fixed.Projections) {
		return
	}
	for i, e := range fixed.Projections {
		if t := e.Type(ctx); !t.Equals(sch[i].Type) {
			sch[i].Type = t
		}
	}
}

// integerMod reports whether m's operands are both integers, the only MOD that becomes an
// intMod. Other operands keep GMS's Mod itself, not wrapped: GMS's division sizes its
// scale by walking nested *expression.Mod nodes, and `1/2/3%4/5/6` lost digits through
// the wrapper (0.00555556; MySQL 0.0055555555555556).
func integerMod(ctx *sql.Context, m *expression.Mod) bool {
	return types.IsInteger(m.LeftChild.Type(ctx)) && types.IsInteger(m.RightChild.Type(ctx))
}

// hasMod reports whether one of es holds a GMS Mod.
func hasMod(ctx *sql.Context, es []sql.Expression) bool {
	for _, e := range es {
		if transform.InspectExpr(ctx, e, func(ctx *sql.Context, e sql.Expression) bool {
			m, ok := e.(*expression.Mod)
			return ok && integerMod(ctx, m)
		}) {
			return true
		}
	}
	return false
}

// intModRule returns rule preceded by the replacement of GMS's MOD by intMod (see above).
func intModRule(rule analyzer.RuleFunc) analyzer.RuleFunc { return fixFirst(replaceMods, rule) }

// replaceMods returns n with every expression.Mod, in n and in its subqueries, an intMod.
func replaceMods(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
	return transform.NodeExprsWithOpaque(ctx, n, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
		switch e := e.(type) {
		case *expression.Mod:
			if !integerMod(ctx, e) {
				return e, transform.SameTree, nil
			}
			return &intMod{gms: e}, transform.NewTree, nil
		case *plan.Subquery:
			q, same, err := replaceMods(ctx, e.Query)
			if err != nil || same {
				return e, transform.SameTree, err
			}
			return e.WithQuery(q), transform.NewTree, nil
		}
		return e, transform.SameTree, nil
	})
}

// intModFunctions provides "mod" as an intMod; other names go to next (when set).
type intModFunctions struct {
	next sql.FunctionProvider
}

var _ sql.FunctionProvider = intModFunctions{}

var modFunction = sql.FunctionN{Name: "mod", Fn: func(ctx *sql.Context, args ...sql.Expression) (sql.Expression, error) {
	if len(args) != 2 {
		return nil, sql.ErrInvalidArgumentNumber.New("mod", "2", len(args))
	}
	m := expression.NewMod(args[0], args[1])
	if !integerMod(ctx, m) {
		return m, nil
	}
	return &intMod{gms: m}, nil
}}

// Function implements sql.FunctionProvider.
func (p intModFunctions) Function(ctx *sql.Context, schema, name string) (sql.Function, bool) {
	if strings.EqualFold(name, "mod") {
		return modFunction, true
	}
	if p.next != nil {
		return p.next.Function(ctx, schema, name)
	}
	return nil, false
}

// intMod is MOD of two integers (see above); with other operands it is GMS's Mod, which
// it wraps (and prints as). Immutable: WithChildren returns a new one.
type intMod struct {
	gms *expression.Mod
}

var (
	_ sql.Expression          = (*intMod)(nil)
	_ sql.FunctionExpression  = (*intMod)(nil)
	_ sql.CollationCoercible  = (*intMod)(nil)
	_ expression.ArithmeticOp = (*intMod)(nil)
)

// integers reports whether both operands are of integer types, and whether the dividend
// is unsigned.
func (m *intMod) integers(ctx *sql.Context) (ok, unsigned bool) {
	lt, rt := m.gms.LeftChild.Type(ctx), m.gms.RightChild.Type(ctx)
	if !types.IsInteger(lt) || !types.IsInteger(rt) {
		return false, false
	}
	return true, types.IsUnsigned(lt)
}

// Type implements sql.Expression.
func (m *intMod) Type(ctx *sql.Context) sql.Type {
	ok, unsigned := m.integers(ctx)
	switch {
	case !ok:
		return m.gms.Type(ctx)
	case unsigned:
		return types.Uint64
	default:
		return types.Int64
	}
}

// Eval implements sql.Expression.
func (m *intMod) Eval(ctx *sql.Context, row sql.Row) (interface{}, error) {
	ok, unsigned := m.integers(ctx)
	if !ok {
		return m.gms.Eval(ctx, row)
	}
	l, err := m.gms.LeftChild.Eval(ctx, row)
	if err != nil || l == nil {
		return nil, err
	}
	r, err := m.gms.RightChild.Eval(ctx, row)
	if err != nil || r == nil {
		return nil, err
	}
	lneg, lmag, err := intMagnitude(ctx, l)
	if err != nil {
		return nil, err
	}
	_, rmag, err := intMagnitude(ctx, r)
	if err != nil {
		return nil, err
	}
	if rmag == 0 {
		if ctx != nil && ctx.Session != nil {
			ctx.Session.Warn(&sql.Warning{Level: "Warning", Code: expression.ERDivisionByZero, Message: "Division by 0"})
		}
		return nil, nil
	}
	rem := lmag % rmag // < 2^63 when the dividend is signed: |dividend| <= 2^63
	switch {
	case unsigned && !lneg:
		return rem, nil
	case lneg:
		return -int64(rem), nil
	case rem > 1<<63-1:
		// a signed column holding an unsigned value: keep it exact
		return rem, nil
	default:
		return int64(rem), nil
	}
}

// intMagnitude returns v, an integer value, as its sign and absolute value (intParts,
// lookup.go), converting any other value to BIGINT first.
func intMagnitude(ctx *sql.Context, v interface{}) (neg bool, mag uint64, err error) {
	if mag, neg, ok := intParts(v); ok {
		return neg, mag, nil
	}
	c, _, err := types.Int64.Convert(ctx, v)
	if err != nil {
		return false, 0, err
	}
	mag, neg, _ = intParts(c)
	return neg, mag, nil
}

// Resolved implements sql.Expression.
func (m *intMod) Resolved() bool { return m.gms.Resolved() }

// IsNullable implements sql.Expression.
func (m *intMod) IsNullable(ctx *sql.Context) bool { return true }

// Children implements sql.Expression.
func (m *intMod) Children() []sql.Expression { return m.gms.Children() }

// WithChildren implements sql.Expression.
func (m *intMod) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	if len(children) != 2 {
		return nil, sql.ErrInvalidChildrenNumber.New(m, len(children), 2)
	}
	return &intMod{gms: expression.NewMod(children[0], children[1])}, nil
}

// String implements sql.Expression, as GMS's Mod prints.
func (m *intMod) String() string { return m.gms.String() }

// DebugString implements sql.DebugStringer.
func (m *intMod) DebugString(ctx *sql.Context) string {
	return fmt.Sprintf("intMod%s", m.gms.DebugString(ctx))
}

// FunctionName implements sql.FunctionExpression.
func (m *intMod) FunctionName() string { return m.gms.FunctionName() }

// Description implements sql.FunctionExpression.
func (m *intMod) Description() string { return m.gms.Description() }

// CollationCoercibility implements sql.CollationCoercible.
func (m *intMod) CollationCoercibility(ctx *sql.Context) (sql.CollationID, byte) {
	return m.gms.CollationCoercibility(ctx)
}

// Left, Right, SetOpCount and Operator implement expression.ArithmeticOp (GMS counts
// the operators of nested arithmetic for the scale of a division).
func (m *intMod) Left() sql.Expression  { return m.gms.LeftChild }
func (m *intMod) Right() sql.Expression { return m.gms.RightChild }
func (m *intMod) SetOpCount(i int32)    { m.gms.SetOpCount(i) }
func (m *intMod) Operator() string      { return m.gms.Operator() }
