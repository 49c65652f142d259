package backend

import (
	"fmt"
	"sync"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
)

// MySQL's texts for a value that does not fit its column, with the column and the row
// (ColumnErrorText; the server applies it with MySQLErrorFor).
//
// GMS fails an INSERT, REPLACE or UPDATE of a value its column cannot take with errors
// that name neither the column nor the row ("300 out of range for tinyint", "error:
// 'abc' is not a valid value for 'tinyint'", "Incorrect datetime value: 'xx'", "value z
// is not valid for this Enum"). MySQL says "Out of range value for column 'a' at row 1",
// "Incorrect integer value: 'abc' for column 'a' at row 2", and so on. GMS's errors keep
// their kinds and texts inside the engine (GMS's own tests and callers match them);
// instead, the statement leaves a note for its session (a columnNote) saying where it
// was: an INSERT or REPLACE the last row it gave GMS (insertCheckIter) and its number, an
// UPDATE the last value of each assignment (rangeChecked) and the number of the row
// matched. When the statement's error reaches the client (the server's MySQLErrorFor),
// the note finds the first value of that row its column's type refuses and, if GMS's
// error has the code that value's refusal has, the client gets MySQL's error for it:
//
//   - 1264 (22003) Out of range value for column 'c' at row N
//   - 1366 (HY000) Incorrect integer value: 'abc' for column 'c' at row N (decimal,
//     double for DECIMAL, FLOAT and DOUBLE)
//   - 1292 (22007) Incorrect date value: 'xx' for column 'c' at row N (datetime for
//     DATETIME and TIMESTAMP, time for TIME)
//   - 1265 (01000) Data truncated for column 'c' at row N (ENUM, SET)
//
// each followed by a hint ("; store a number"). 1406 "Data too long for column 'c' at row
// N" needs no note: dsql's checks fail rows after the first themselves, and mysqlText
// rewords GMS's error in row 1. 1048 needs no note: GMS names the column ("column name 'n' is
// non-nullable ..."), which mysqlText rewords as "Column 'n' cannot be null". A session
// has at most one note, replaced by the next statement that makes one and dropped when
// the server starts a statement (ForgetColumnNotes), so a note never outlives its
// statement's error.

// columnNote says where a statement was when it failed: resolve returns MySQL's error
// for code, or nil if the statement's position does not explain such an error.
type columnNote interface {
	resolve(ctx *sql.Context, code int) *mysql.SQLError
}

// notes holds the note of each session (uint32 session ID, the connection ID: a
// notedAt), with the context of the statement that made it.
var notes sync.Map

type notedAt struct {
	ctx  *sql.Context
	note columnNote
}

// leaveNote makes note the note of ctx's session.
func leaveNote(ctx *sql.Context, note columnNote) {
	if ctx == nil || ctx.Session == nil {
		return
	}
	notes.Store(ctx.Session.ID(), notedAt{ctx: ctx, note: note})
}

// ForgetColumnNotes drops the note of session id (the server calls it as a statement
// ends and as a connection closes).
func ForgetColumnNotes(id uint32) { notes.Delete(id) }

// MySQLErrorFor is MySQLError for the error of a statement of session id: an error about
// a value that does not fit its column gets MySQL's text with the column and row when
// the statement left a note. It drops the note.
func MySQLErrorFor(id uint32, err error) error {
	err = MySQLError(err)
	v, ok := notes.LoadAndDelete(id)
	se, isSQL := err.(*mysql.SQLError)
	if !ok || !isSQL {
		return err
	}
	switch se.Num {
	case erWarnDataOutOfRange, erTruncatedWrongValueForField, erTruncatedWrongValue, erWarnDataTruncated, erDupEntry:
		// (1406 has its row already: insertcheck.go, assignrange.go, mysqlText)
	default:
		return err
	}
	n := v.(notedAt)
	if me := n.note.resolve(n.ctx, se.Num); me != nil && me.Num == se.Num {
		me.Query = se.Query
		return me
	}
	return err
}

// ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, ER_TRUNCATED_WRONG_VALUE
const (
	erTruncatedWrongValueForField = 1366
	erTruncatedWrongValue         = 1292
)

// ColumnErrorText returns MySQL's error for v, the value of column name (of type typ)
// in row n of a statement, if typ refuses it (the way strict mode refuses it), or nil if
// typ takes it. A NULL takes no check here.
func ColumnErrorText(ctx *sql.Context, typ sql.Type, name string, v any, n int64) *mysql.SQLError {
	if v == nil {
		return nil
	}
	if blank, ok := blankString(v); ok && blankNumberColumn(typ) { // strictconv.go
		me := blankNumberError(typ, name, blank, n)
		me.Message += "; store a number"
		return me
	}
	if sql.IsNumberType(typ) {
		if _, out := numberOutOfRange(ctx, typ, v); out {
			return outOfRange(name, n, v, typ)
		}
	}
	if _, tooLong, spaces := stringTooLong(ctx, typ, v); tooLong && !spaces {
		return dataTooLong(name, n, typ).(*mysql.SQLError)
	}
	var err error
	if rt, ok := typ.(sql.RoundingNumberType); ok {
		_, _, err = rt.ConvertRound(ctx, v)
	} else {
		_, _, err = typ.Convert(ctx, v)
	}
	if err == nil {
		return nil
	}
	switch {
	case types.ErrConvertingToEnum.Is(err), sql.ErrInvalidSetValue.Is(err), sql.ErrConvertingToSet.Is(err):
		return mysql.NewSQLError(erWarnDataTruncated, "01000", "Data truncated for column '%s' at row %d; store one of the column's values (SHOW CREATE TABLE lists them)", name, n)
	case types.ErrLengthBeyondLimit.Is(err):
		return dataTooLong(name, n, typ).(*mysql.SQLError)
	case sql.ErrValueOutOfRange.Is(err), types.ErrConvertToDecimalLimit.Is(err):
		return outOfRange(name, n, v, typ)
	}
	if word := timeWord(typ); word != "" {
		return mysql.NewSQLError(erTruncatedWrongValue, "22007", "Incorrect %s value: '%s' for column '%s' at row %d; write it as %s", word, valueText(v), name, n, timeForm(word))
	}
	if sql.IsNumberType(typ) || types.IsDecimal(typ) {
		return mysql.NewSQLError(erTruncatedWrongValueForField, "HY000", "Incorrect %s value: '%s' for column '%s' at row %d; store a number", numberWord(typ), valueText(v), name, n)
	}
	return nil
}

// outOfRange is MySQL's 1264 for v in column name of type typ, row n.
func outOfRange(name string, n int64, v any, typ sql.Type) *mysql.SQLError {
	return mysql.NewSQLError(erWarnDataOutOfRange, "22003", "Out of range value for column '%s' at row %d; %s does not fit %s: store a value in the column type's range, or widen the column (ALTER TABLE ... MODIFY)", name, n, valueText(v), typ.String())
}

// valueText is v as MySQL quotes it in an error.
func valueText(v any) string {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// numberWord is the type MySQL names in 1366 for a number column.
func numberWord(typ sql.Type) string {
	switch {
	case types.IsDecimal(typ):
		return "decimal"
	case types.IsFloat(typ):
		return "double"
	}
	return "integer"
}

// timeWord is the type MySQL names in 1292 for a time column ("" for others).
func timeWord(typ sql.Type) string {
	switch typ.Type() {
	case sqltypes.Date:
		return "date"
	case sqltypes.Datetime, sqltypes.Timestamp:
		return "datetime"
	case sqltypes.Time:
		return "time"
	}
	return ""
}

func timeForm(word string) string {
	switch word {
	case "date":
		return "'YYYY-MM-DD'"
	case "time":
		return "'HH:MM:SS'"
	}
	return "'YYYY-MM-DD HH:MM:SS'"
}

// rowNote is the note of an INSERT or REPLACE: the last row insertCheckIter gave GMS
// (the table's row after any outer scope's values) and its number. Written as the
// statement runs, read (by resolve) once it has failed.
type rowNote struct {
	ignore bool
	dst    sql.Schema
	row    sql.Row
	n      int64
}

func (r *rowNote) resolve(ctx *sql.Context, code int) *mysql.SQLError {
	off := len(r.row) - len(r.dst)
	if r.row == nil || off < 0 {
		return nil
	}
	for i, col := range r.dst {
		if me := ColumnErrorText(ctx, col.Type, col.Name, r.row[off+i], r.n); me != nil {
			if me.Num != code {
				return nil // GMS failed on this value with another error
			}
			return me
		}
	}
	return nil
}

// assignNote is the note of an UPDATE (or INSERT ... ON DUPLICATE KEY UPDATE): its
// assignments, each with the last value assigned and the row it was for, in order.
type assignNote struct {
	ignore  bool
	assigns []*assignState
}

// assignState is one assignment's position: its column and the last value it
// evaluated to in row rows (the rows matched so far). It belongs to one execution of one
// statement: written as the statement runs, read (by resolve) once it has failed.
type assignState struct {
	name string
	typ  sql.Type
	rows int64
	last any
}

func (a *assignNote) resolve(ctx *sql.Context, code int) *mysql.SQLError {
	for _, s := range a.assigns {
		if me := ColumnErrorText(ctx, s.typ, s.name, s.last, s.rows); me != nil && me.Num == code {
			return me
		}
	}
	return nil
}

// notes2 is the note of a statement with both kinds (INSERT ... ON DUPLICATE KEY
// UPDATE): the row inserted, else the assignments.
type notes2 [2]columnNote

func (ns notes2) resolve(ctx *sql.Context, code int) *mysql.SQLError {
	for _, n := range ns {
		if me := n.resolve(ctx, code); me != nil {
			return me
		}
	}
	return nil
}

// statementRow is where the statement of ctx's session is, for an assignment in a
// trigger's body (built again for every row): the number of the row after the last one
// an INSERT gave GMS (a BEFORE trigger runs first), of the row an UPDATE's assignments
// were last evaluated for (1 if the statement left no note); ignore: the statement has
// IGNORE, which its triggers' assignments follow as MySQL's do.
func statementRow(ctx *sql.Context) (n int64, ignore bool) {
	if ctx == nil || ctx.Session == nil {
		return 1, false
	}
	v, ok := notes.Load(ctx.Session.ID())
	if !ok {
		return 1, false
	}
	return noteRow(v.(notedAt).note)
}

func noteRow(n columnNote) (int64, bool) {
	switch x := n.(type) {
	case *rowNote:
		return x.n + 1, x.ignore
	case *assignNote:
		var r int64
		for _, s := range x.assigns {
			r = max(r, s.rows)
		}
		return max(r, 1), x.ignore
	case notes2:
		return noteRow(x[0])
	case dupNoted:
		if x.base != nil {
			return noteRow(x.base)
		}
	}
	return 1, false
}
