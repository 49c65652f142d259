package backend

import (
	"math"
	"math/bits"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	"github.com/dolthub/vitess/go/vt/sqlparser"
)

// Bad input that GMS accepts silently where MySQL 8.0 fails the statement (installed by
// server.NewEngine and the enginetest harness with InstallStrictChecks).
//
// strictBuilder, a priority builder of the exec builder, makes these statements fail as in
// MySQL instead of changing data silently (and wraps assignments to numeric and string
// columns in a check, assignrange.go, and the source of an INSERT or REPLACE in one,
// insertcheck.go: values that do not fit their column, with MySQL's errors and warnings):
//
//   - Integer overflow. GMS computes +, - and * of two integers in int64 or uint64 and
//     lets the result wrap around, so UPDATE t SET b = b + 1 stored -9223372036854775808
//     in a BIGINT holding 9223372036854775807. MySQL fails with 1690 (22003) "BIGINT
//     value is out of range" (BIGINT UNSIGNED for an unsigned result: if either operand
//     is unsigned, as CAST(1 AS UNSIGNED) - 2, unless sql_mode has
//     NO_UNSIGNED_SUBTRACTION and the operation is a subtraction; GMS computes one
//     unsigned and one signed operand in BIGINT). In every statement but DDL such an
//     operation is replaced by checkedArith, which computes it exactly and fails with
//     1690 when the result does not fit: in all the expressions of INSERT, REPLACE and
//     UPDATE at once (values, SET, WHERE, ON DUPLICATE KEY UPDATE, the SELECT of INSERT
//     ... SELECT, triggers), in the expressions of any other node (SELECT, DELETE, SET)
//     as it is built (a subquery's plan, built when it is evaluated, included).
//   - Division by zero. GMS's /, DIV, % and MOD of a zero divisor yield NULL with warning
//     1365 whatever the sql_mode. MySQL 8.0's default sql_mode (STRICT_TRANS_TABLES,
//     ERROR_FOR_DIVISION_BY_ZERO) makes it an error, 1365 (22012) "Division by 0", in a
//     statement that changes data (INSERT, REPLACE, UPDATE without IGNORE); with IGNORE,
//     without strict mode or without ERROR_FOR_DIVISION_BY_ZERO it is NULL, as in a SELECT.
//     Under that sql_mode, every outermost arithmetic expression holding a division (of
//     such a statement) is wrapped in divChecked, which fails when the expression added
//     warning 1365. (The server's default sql_mode is MySQL 8.0's, server.DefaultSQLMode;
//     GMS's own default lacks ERROR_FOR_DIVISION_BY_ZERO, and under such a mode a division
//     by zero stores NULL, as in MySQL.)
//   - A second primary key. ALTER TABLE t ADD COLUMN c INT PRIMARY KEY (or MODIFY COLUMN c
//     INT PRIMARY KEY) on a table that has a primary key without c is error 1068 (42000)
//     in MySQL; GMS passes the column on and the key was dropped silently. (CREATE TABLE
//     with two keys is refused by onePrimaryKeyRule and Database.CreateTable.)
//
// The checks fail the statement while it runs, before the row is written, so the
// statement changes nothing (the table editor discards the statement's edits, as for any
// error).

// strictBuilder is the exec builder's priority builder that applies the checks above
// (through base, which calls it again for the rewritten tree: that one is built by next,
// or by base itself).
type strictBuilder struct {
	base sql.NodeExecBuilder // the builder it is the priority builder of
	next sql.NodeExecBuilder // the priority builder before it (nil: none)
}

func (b strictBuilder) Build(ctx *sql.Context, n sql.Node, row sql.Row) (sql.RowIter, error) {
	var ignore bool
	switch x := n.(type) {
	case *insertChecked: // insertcheck.go
		child, err := b.base.Build(ctx, x.child, row)
		if err != nil {
			return nil, err
		}
		return &insertCheckIter{n: x, child: child}, nil
	case *plan.AddColumn:
		if err := checkAddedPrimaryKey(x.TargetSchema(), x.Column(), ""); err != nil {
			return nil, err
		}
	case *plan.ModifyColumn:
		if err := checkAddedPrimaryKey(x.TargetSchema(), x.NewColumn(), x.Column()); err != nil {
			return nil, err
		}
	case *plan.Update:
		ignore = x.Ignore
	case *plan.InsertInto:
		ignore = x.Ignore
	}
	switch n.(type) {
	case *plan.Update, *plan.InsertInto:
		w := strictWrapper{divByZero: !ignore && divisionByZeroIsError(ctx)}
		wrapped, same, err := w.node(ctx, n)
		if err != nil {
			return nil, err
		}
		if ins, ok := wrapped.(*plan.InsertInto); ok { // its source is no child
			src, sameSrc, err := w.node(ctx, ins.Source)
			if err != nil {
				return nil, err
			}
			if sameSrc == transform.NewTree {
				wrapped, same = ins.WithSource(src), transform.NewTree
			}
		}
		wrapped, assigned, sameAssign, err := wrapAssignments(ctx, wrapped, ignore, false) // assignrange.go
		if err != nil {
			return nil, err
		}
		var note columnNote // columntext.go
		if len(assigned.assigns) > 0 {
			note = assigned
		}
		if ins, ok := wrapped.(*plan.InsertInto); ok { // insertcheck.go
			if ins, changed := checkInsertSource(ctx, ins); changed {
				wrapped, same = ins, transform.NewTree
				rows := ins.Source.(*insertChecked).note
				if note != nil {
					note = notes2{rows, note}
				} else {
					note = rows
				}
			}
		}
		if note != nil { // this statement's first pass (the second finds it done)
			leaveNote(ctx, note)
		}
		if same == transform.NewTree || sameAssign == transform.NewTree {
			return b.base.Build(ctx, wrapped, row)
		}
	case sql.SchemaTarget, *plan.CreateTrigger, *plan.CreateProcedure, *plan.CreateView, *plan.CreateEvent:
		// DDL: expressions kept for later (defaults, bodies) are left as they are
	default:
		wrapped, same, err := strictWrapper{}.own(ctx, n)
		if err != nil {
			return nil, err
		}
		if _, ok := n.(*plan.Set); ok { // a trigger's SET NEW.c = v (assignrange.go)
			var sameAssign transform.TreeIdentity
			if wrapped, _, sameAssign, err = wrapAssignments(ctx, wrapped, false, true); err != nil {
				return nil, err
			}
			if sameAssign == transform.NewTree {
				same = transform.NewTree
			}
		}
		if same == transform.NewTree {
			if wrapped, err = withDescribedColumns(ctx, n, wrapped); err != nil { // unsignedarith.go
				return nil, err
			}
			return b.base.Build(ctx, wrapped, row)
		}
	}
	if b.next == nil {
		return nil, nil
	}
	return b.next.Build(ctx, n, row)
}

// InstallStrictChecks makes a, an engine's analyzer, apply dsql's checks of integer
// overflow, division by zero, out-of-range assignments (assignrange.go) and second
// primary keys (strictBuilder, installed as the priority builder of a's exec builder, and
// onePrimaryKeyRule). server.NewEngine calls it; so does the enginetest harness, whose
// engines GMS builds.
func InstallStrictChecks(a *analyzer.Analyzer) {
	b := a.ExecBuilder
	b.PriorityBuilder = strictBuilder{base: b, next: b.PriorityBuilder}
	first := a.Batches[0]
	first.Rules = append([]analyzer.Rule{{Id: onePrimaryKeyRuleID, Apply: onePrimaryKeyRule}}, first.Rules...)
	last := a.Batches[len(a.Batches)-1]
	rules := append([]analyzer.Rule(nil), last.Rules...) // the slice may be shared
	last.Rules = append(rules, analyzer.Rule{Id: overflowRuleID, Apply: overflowRule})
}

// Analyzer rules added by InstallStrictChecks.
const (
	onePrimaryKeyRuleID analyzer.RuleId = 1_000_003
	overflowRuleID      analyzer.RuleId = 1_000_004
)

// overflowRule, the analyzer's last rule, makes the integer operations of a statement
// that is not DDL checkedArith once, subqueries included, so that strictBuilder finds
// nothing left to rewrite when it builds a node again and again (the inner side of a
// join, a correlated subquery: once per row). The analyzer skips its batches for simple
// statements (a SELECT of one table, an INSERT of values, a one-table UPDATE or DELETE),
// which strictBuilder rewrites as they are built, once.
func overflowRule(ctx *sql.Context, _ *analyzer.Analyzer, n sql.Node, _ *plan.Scope, _ analyzer.RuleSelector, qFlags *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
	if qFlags != nil && qFlags.IsSet(sql.QFlagDDL) {
		return n, transform.SameTree, nil
	}
	switch n.(type) {
	case sql.SchemaTarget, *plan.CreateTrigger, *plan.CreateProcedure, *plan.CreateView, *plan.CreateEvent:
		return n, transform.SameTree, nil
	}
	return strictWrapper{}.node(ctx, n)
}

// onePrimaryKeyRule, the analyzer's first rule, refuses a CREATE TABLE with two primary
// keys (checkOnePrimaryKey) before GMS's analysis of CREATE TABLE ... SELECT makes one
// composite key of every column flagged as a key: Database.CreateTable no longer sees
// the second key there.
func onePrimaryKeyRule(ctx *sql.Context, _ *analyzer.Analyzer, n sql.Node, _ *plan.Scope, _ analyzer.RuleSelector, _ *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
	if ct, ok := n.(*plan.CreateTable); ok {
		if err := checkOnePrimaryKey(ct.PkSchema()); err != nil {
			return nil, transform.SameTree, err
		}
	}
	return n, transform.SameTree, nil
}

// divisionByZeroIsError reports whether the session's sql_mode makes a division by zero
// in a statement that changes data an error: strict mode and ERROR_FOR_DIVISION_BY_ZERO
// (TRADITIONAL holds both).
func divisionByZeroIsError(ctx *sql.Context) bool {
	m := sql.LoadSqlMode(ctx)
	return m.Strict() && (m.ModeEnabled(sql.ErrorForDivisionByZero) || m.ModeEnabled(sql.Traditional))
}

// checkAddedPrimaryKey fails with 1068 if col, the column added (or, for modified
// non-empty, the new definition of column modified) to a table of schema sch, is declared
// PRIMARY KEY while the table has a primary key it is not part of.
func checkAddedPrimaryKey(sch sql.Schema, col *sql.Column, modified string) error {
	if col == nil || !col.PrimaryKey {
		return nil
	}
	hasKey := false
	for _, c := range sch {
		if !c.PrimaryKey {
			continue
		}
		if modified != "" && strings.EqualFold(c.Name, modified) {
			return nil // MODIFY of a key column keeps the key
		}
		hasKey = true
	}
	if hasKey {
		return sql.ErrMultiplePrimaryKeysDefined.New()
	}
	return nil
}

// strictWrapper rewrites the expressions of a plan: integer +, - and * become
// checkedArith; with divByZero, outermost arithmetic expressions holding a division are
// wrapped in divChecked. A rewritten plan is left as it is (SameTree).
type strictWrapper struct {
	divByZero bool
}

// node rewrites the expressions of every node of n (opaque nodes included).
func (w strictWrapper) node(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
	return transform.NodeWithOpaque(ctx, n, w.own)
}

// own rewrites the expressions of n itself (not of its children), each from its root, so
// that an expression knows whether its parent is an arithmetic operation.
func (w strictWrapper) own(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
	ne, ok := n.(sql.Expressioner)
	if !ok {
		return n, transform.SameTree, nil
	}
	exprs := ne.Expressions()
	var out []sql.Expression
	for i, e := range exprs {
		ne, changed, err := w.expr(ctx, e, false)
		if err != nil {
			return nil, transform.SameTree, err
		}
		if changed {
			if out == nil {
				out = append([]sql.Expression(nil), exprs...)
			}
			out[i] = ne
		}
	}
	if out == nil {
		return n, transform.SameTree, nil
	}
	nn, err := ne.WithExpressions(ctx, out...)
	if err != nil {
		return nil, transform.SameTree, err
	}
	return nn, transform.NewTree, nil
}

// isArith reports whether e is an arithmetic operation (its decimal scale is computed
// with the operations around it, which must therefore stay next to each other).
func isArith(e sql.Expression) bool {
	switch e.(type) {
	case expression.ArithmeticOp, *checkedArith:
		return true
	}
	return false
}

// expr rewrites e (underArith: its parent is an arithmetic operation) and reports whether
// anything changed.
func (w strictWrapper) expr(ctx *sql.Context, e sql.Expression, underArith bool) (sql.Expression, bool, error) {
	switch x := e.(type) {
	case *divChecked:
		return e, false, nil
	case *plan.Subquery: // its plan is no expression child
		q, same, err := w.node(ctx, x.Query)
		if err != nil || same == transform.SameTree {
			return e, false, err
		}
		return x.WithQuery(q), true, nil
	}
	children := e.Children()
	arith := isArith(e)
	var out []sql.Expression
	for i, c := range children {
		nc, changed, err := w.expr(ctx, c, arith)
		if err != nil {
			return nil, false, err
		}
		if changed {
			if out == nil {
				out = append([]sql.Expression(nil), children...)
			}
			out[i] = nc
		}
	}
	changed := out != nil
	if changed {
		var err error
		if e, err = e.WithChildren(ctx, out...); err != nil {
			return nil, false, err
		}
	}
	if te, same, err := wrapTemporalArgs(ctx, e); err != nil { // temporalexpr.go
		return nil, false, err
	} else if same == transform.NewTree {
		e, changed = te, true
	}
	if a, ok := e.(*expression.Arithmetic); ok {
		if c := newCheckedArith(ctx, a); c != nil {
			e, changed = c, true
		}
	}
	if w.divByZero && !underArith && isArith(e) && holdsDivision(e) {
		e, changed = &divChecked{child: e}, true
	}
	return e, changed, nil
}

// holdsDivision reports whether the arithmetic expression e divides: /, DIV, % or MOD in
// e or in one of the arithmetic operations it is made of.
func holdsDivision(e sql.Expression) bool {
	switch e.(type) {
	case *expression.Div, *expression.IntDiv, *expression.Mod, *intMod:
		return true
	}
	if !isArith(e) {
		return false
	}
	for _, c := range e.Children() {
		if holdsDivision(c) {
			return true
		}
	}
	return false
}

// ER_DIVISION_BY_ZERO, ER_DATA_OUT_OF_RANGE
const (
	erDivisionByZero = 1365
	erDataOutOfRange = 1690
)

// divChecked evaluates to its child's value, or fails with 1365 if evaluating the child
// added warning 1365 (a division by zero, which GMS answers with NULL).
type divChecked struct {
	child sql.Expression
}

var _ sql.Expression = (*divChecked)(nil)

func (d *divChecked) Eval(ctx *sql.Context, row sql.Row) (any, error) {
	before := ctx.Session.WarningCount()
	v, err := d.child.Eval(ctx, row)
	if err != nil || ctx.Session.WarningCount() == before {
		return v, err
	}
	// The child added n warnings: the first n of Warnings, the most recent first.
	n := int(ctx.Session.WarningCount()) - int(before)
	for i, w := range ctx.Session.Warnings() {
		if i >= n {
			break
		}
		if w.Code == erDivisionByZero {
			return nil, mysql.NewSQLError(erDivisionByZero, "22012", "Division by 0")
		}
	}
	return v, nil
}

func (d *divChecked) Resolved() bool                      { return d.child.Resolved() }
func (d *divChecked) String() string                      { return d.child.String() }
func (d *divChecked) DebugString(ctx *sql.Context) string { return sql.DebugString(ctx, d.child) }
func (d *divChecked) Type(ctx *sql.Context) sql.Type      { return d.child.Type(ctx) }
func (d *divChecked) IsNullable(ctx *sql.Context) bool    { return d.child.IsNullable(ctx) }
func (d *divChecked) Children() []sql.Expression          { return []sql.Expression{d.child} }
func (d *divChecked) CollationCoercibility(ctx *sql.Context) (sql.CollationID, byte) {
	return sql.GetCoercibility(ctx, d.child)
}

func (d *divChecked) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	if len(children) != 1 {
		return nil, sql.ErrInvalidChildrenNumber.New(d, len(children), 1)
	}
	return &divChecked{child: children[0]}, nil
}

// checkedArith is an integer +, - or * (an *expression.Arithmetic of two integer
// operands, whose result GMS computes as BIGINT or BIGINT UNSIGNED) that fails with 1690
// when the exact result does not fit instead of wrapping around. It stands in the tree
// for the operation (its children are the operation's operands).
//
// The result must fit MySQL's result type (unsignedResult): BIGINT UNSIGNED if either
// operand is unsigned, BIGINT otherwise, and BIGINT for a subtraction under sql_mode
// NO_UNSIGNED_SUBTRACTION. So CAST(1 AS UNSIGNED) - 2 fails with 1690 "BIGINT UNSIGNED
// value is out of range" as in MySQL, where GMS computes one unsigned and one signed
// operand in BIGINT (and returned -1). The type is checkedArith's Type, so the columns
// of a result and the operations around it see it; the session's sql_mode is read when
// the operation is made checked (a plan cached for one sql_mode is not reused under
// another: server/prepared.go).
type checkedArith struct {
	a   *expression.Arithmetic
	op  byte     // '+', '-' or '*'
	typ sql.Type // types.Int64 or types.Uint64: MySQL's result type (unsignedResult)
	// gms computes the operation as GMS does, from a row of the two operands' values:
	// for operand values that are not Go integers.
	gms *expression.Arithmetic
}

var _ sql.Expression = (*checkedArith)(nil)

// unsignedResult reports whether MySQL computes the integer operation op ('+', '-' or
// '*') of operands of types lt and rt in BIGINT UNSIGNED: if either operand is unsigned,
// except for a subtraction under sql_mode NO_UNSIGNED_SUBTRACTION (then BIGINT, so that
// CAST(0 AS UNSIGNED) - 1 is -1).
func unsignedResult(ctx *sql.Context, op byte, lt, rt sql.Type) bool {
	if !types.IsUnsigned(lt) && !types.IsUnsigned(rt) {
		return false
	}
	return op != '-' || !sql.LoadSqlMode(ctx).ModeEnabled(sql.NoUnsignedSubtraction)
}

// newCheckedArith returns the checked form of a, or nil if a is not an operation on two
// integers.
func newCheckedArith(ctx *sql.Context, a *expression.Arithmetic) *checkedArith {
	var op byte
	switch a.Op {
	case sqlparser.PlusStr:
		op = '+'
	case sqlparser.MinusStr:
		op = '-'
	case sqlparser.MultStr:
		op = '*'
	default:
		return nil
	}
	lt, rt := a.Left().Type(ctx), a.Right().Type(ctx)
	if !types.IsInteger(lt) || !types.IsInteger(rt) {
		return nil
	}
	switch a.Type(ctx).Type() {
	case sqltypes.Int64, sqltypes.Uint64:
	default:
		return nil
	}
	typ := sql.Type(types.Int64)
	if unsignedResult(ctx, op, lt, rt) {
		typ = types.Uint64
	}
	gms := expression.NewArithmetic(expression.NewGetField(0, lt, "l", true), expression.NewGetField(1, rt, "r", true), a.Op)
	return &checkedArith{a: a, op: op, typ: typ, gms: gms}
}

func (c *checkedArith) Eval(ctx *sql.Context, row sql.Row) (any, error) {
	l, err := c.a.Left().Eval(ctx, row)
	if err != nil || l == nil {
		return nil, err
	}
	r, err := c.a.Right().Eval(ctx, row)
	if err != nil || r == nil {
		return nil, err
	}
	lmag, ln, lok := intParts(l)
	rmag, rn, rok := intParts(r)
	if !lok || !rok {
		v, err := c.gms.Eval(ctx, sql.Row{l, r})
		if err != nil || v == nil {
			return v, err
		}
		if lmag, ln, lok = intParts(v); !lok {
			return v, nil
		}
		return c.fit(ln, lmag, false) // GMS's result in the result type
	}
	var neg bool
	var mag uint64
	overflow := false // |result| >= 1<<64
	switch c.op {
	case '*':
		hi, lo := bits.Mul64(lmag, rmag)
		neg, mag, overflow = ln != rn, lo, hi != 0
	case '-':
		rn = !rn
		fallthrough
	case '+':
		if ln == rn {
			var carry uint64
			mag, carry = bits.Add64(lmag, rmag, 0)
			neg, overflow = ln, carry != 0
		} else if lmag >= rmag {
			neg, mag = ln, lmag-rmag
		} else {
			neg, mag = rn, rmag-lmag
		}
	}
	if mag == 0 {
		neg = false
	}
	return c.fit(neg, mag, overflow)
}

// fit returns the result of magnitude mag (negative: neg; overflow: |result| >= 1<<64)
// as a value of c's result type, or fails with 1690 if it does not fit.
func (c *checkedArith) fit(neg bool, mag uint64, overflow bool) (any, error) {
	if c.typ == types.Uint64 {
		if overflow || neg {
			return nil, c.outOfRange("BIGINT UNSIGNED")
		}
		return mag, nil
	}
	switch {
	case overflow, neg && mag > 1<<63, !neg && mag > math.MaxInt64:
		return nil, c.outOfRange("BIGINT")
	case neg:
		return int64(-mag), nil // two's complement: -(1<<63) is MinInt64
	}
	return int64(mag), nil
}

func (c *checkedArith) outOfRange(typ string) error {
	return mysql.NewSQLError(erDataOutOfRange, "22003", "%s value is out of range in '%s'", typ, c.a.String())
}

func (c *checkedArith) Resolved() bool                      { return c.a.Resolved() }
func (c *checkedArith) String() string                      { return c.a.String() }
func (c *checkedArith) DebugString(ctx *sql.Context) string { return c.a.DebugString(ctx) }
func (c *checkedArith) Type(ctx *sql.Context) sql.Type      { return c.typ }
func (c *checkedArith) IsNullable(ctx *sql.Context) bool    { return c.a.IsNullable(ctx) }
func (c *checkedArith) Children() []sql.Expression          { return c.a.Children() }
func (c *checkedArith) CollationCoercibility(ctx *sql.Context) (sql.CollationID, byte) {
	return c.a.CollationCoercibility(ctx)
}

func (c *checkedArith) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	a, err := c.a.WithChildren(ctx, children...)
	if err != nil {
		return nil, err
	}
	if a, ok := a.(*expression.Arithmetic); ok {
		if nc := newCheckedArith(ctx, a); nc != nil {
			return nc, nil
		}
	}
	return a, nil
}
