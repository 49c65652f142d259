package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/sqltypes"
)

// Out-of-range and too long values assigned by UPDATE (applied by strictBuilder,
// strict.go).
//
// GMS converts the value of an assignment to a column (UPDATE ... SET c = v, INSERT ...
// ON DUPLICATE KEY UPDATE c = v, SET NEW.c = v in a trigger) to the column's type and
// drops the conversion's "out of range" verdict, so UPDATE t SET tiny = 1000 silently
// stores 127. An INSERT of the same value fails (GMS checks the range there), and so
// does MySQL's UPDATE: error 1264. strictBuilder, the exec builder's priority builder,
// wraps the value of every assignment to a numeric or string column in rangeChecked
// (UPDATE and INSERT nodes, and a trigger body's SET), which numbers the rows it is
// evaluated for and applies fitColumn (insertcheck.go), as an INSERT does:
//
//   - A number out of range fails with 1264 (22003) "Out of range value for column 'c'
//     at row N; 1000 does not fit tinyint: ..."; with IGNORE the value is clamped to the
//     type's range with Warning 1264 "Out of range value for column 'c' at row N", as
//     MySQL does.
//   - A string too long for its column: with IGNORE it is cut to the column's length with
//     Warning 1265 "Data truncated for column 'c' at row N" (GMS cut it by bytes with
//     Note 1105); without, 1406 "Data too long for column 'c' at row N" (row 1: GMS's
//     error, which MySQLError gives MySQL's text). Only trailing spaces too many: cut,
//     with Note 1265.
//
// N counts the rows the assignment was evaluated for in this statement (the rows
// UPDATE matches, NULLs included; MySQL counts the rows it reads, the same where the
// WHERE clause selects the rows read). A trigger's SET is built again for every row: its
// N, and whether IGNORE applies, are those of the statement that fired it, from the
// note that statement left (statementRow, columntext.go). Each assignment also records
// its last value there, so that an error GMS raises for it later (a bad date, a string
// that is no number, an ENUM value) gets MySQL's text with the column and row.

// wrapAssignments wraps the value of every assignment to a numeric or string column in
// n (ignore: the statement has IGNORE).
func wrapAssignments(ctx *sql.Context, n sql.Node, ignore, trigger bool) (sql.Node, *assignNote, transform.TreeIdentity, error) {
	note := &assignNote{ignore: ignore}
	out, same, err := transform.NodeExprsWithOpaque(ctx, n, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
		return transform.Expr(ctx, e, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
			sf, ok := e.(*expression.SetField)
			if !ok {
				return e, transform.SameTree, nil
			}

			gf, ok := sf.LeftChild.(*expression.GetField)
			if !ok || !checkedColumnType(gf.Type(ctx)) {
				return e, transform.SameTree, nil
			}
			if _, done := sf.RightChild.(*rangeChecked); done {
				return e, transform.SameTree, nil
			}
			st := &assignState{name: gf.Name(), typ: gf.Type(ctx)}
			note.assigns = append(note.assigns, st)
			return expression.NewSetField(gf, &rangeChecked{child: sf.RightChild, typ: gf.Type(ctx), idx: gf.Index(), name: gf.Name(), ignore: ignore, trigger: trigger, state: st}), transform.NewTree, nil
		})
	})
	return out, note, same, err
}

// checkedColumnType reports whether rangeChecked checks assignments to a column of type
// t: numbers and the string types stringTooLong knows; dates, times, ENUM and SET are
// wrapped for their assignState only (GMS checks their values; columntext.go words its
// errors).
func checkedColumnType(t sql.Type) bool {
	if sql.IsNumberType(t) || types.IsDecimal(t) {
		return true
	}
	switch t.Type() {
	case sqltypes.Char, sqltypes.VarChar, sqltypes.Text, sqltypes.Binary, sqltypes.VarBinary, sqltypes.Blob,
		sqltypes.Date, sqltypes.Datetime, sqltypes.Timestamp, sqltypes.Time, sqltypes.Enum, sqltypes.Set:
		return true
	}
	return false
}

// rangeChecked evaluates to its child's value, or fails if that value does not fit typ
// (the type of the assigned column name, column idx of the row); with ignore it
// evaluates to the nearest value that fits instead and adds a warning (fitColumn).
// rows counts its evaluations, one per row (its copies share it): a
// rangeChecked belongs to one execution of one statement (strictBuilder makes it as
// the statement is built).
type rangeChecked struct {
	child  sql.Expression
	typ    sql.Type
	idx    int
	name   string
	ignore bool
	// trigger: the assignment is a trigger's SET NEW.c = v, built again for every row,
	// whose row is the statement's (statementRow)
	trigger bool
	state   *assignState // shared by its copies; nil: row 1
}

var _ sql.Expression = (*rangeChecked)(nil)

func (r *rangeChecked) Eval(ctx *sql.Context, row sql.Row) (any, error) {
	v, err := r.child.Eval(ctx, row)
	if err != nil {
		return v, err
	}
	n := int64(1)
	if r.state != nil {
		r.state.rows++
		r.state.last = v
		n = r.state.rows
	}
	ignore := r.ignore
	if r.trigger {
		n, ignore = statementRow(ctx)
	}
	if v == nil {
		return v, nil
	}
	nv, err := fitColumn(ctx, r.typ, r.name, v, n, ignore, true)
	if err != nil {
		return nil, err
	}
	if nv != nil {
		return nv, nil
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
