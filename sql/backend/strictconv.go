package backend

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"

	"github.com/dsqldb/dsql/sql/typeconv"
)

// Values GMS converts silently where MySQL's strict mode refuses them (applied by
// fitColumn, insertcheck.go, to every value an INSERT, REPLACE or UPDATE writes, and by
// the ALTER TABLE rewrite, alter.go).
//
//   - A blank string (empty, or only spaces, tabs and line breaks) for a number column.
//     GMS stores 0. MySQL refuses it in strict mode: 1366 (HY000) "Incorrect integer
//     value: '' for column 'a' at row 1" (decimal for DECIMAL), and 1265 (01000) "Data
//     truncated for column 'f' at row 1" for FLOAT and DOUBLE (MySQL's Field_double
//     reports a string that holds no number as truncated). With IGNORE, or without
//     strict mode, 0 is stored with the same text as a warning. ALTER TABLE ... MODIFY
//     of a string column holding a blank value to a number type fails the same way in
//     strict mode (GMS's rewrite converts the value to 0 before dsql sees the row, so
//     checkBlankToNumber reads the table first) and leaves the table as it was.
//   - The zero date under sql_mode NO_ZERO_DATE (MySQL 8.0's default has it). GMS stores
//     '0000-00-00' (or 0, or a zero date read from another column) in a DATE, DATETIME
//     or TIMESTAMP column whatever the sql_mode. MySQL refuses it in strict mode: 1292
//     (22007) "Incorrect datetime value: '0000-00-00' for column 'dt' at row 1" (date
//     for DATE); with IGNORE or without strict mode it stores it with Warning 1264 "Out
//     of range value for column 'dt' at row 1". Likewise ALTER TABLE ... ADD COLUMN of
//     a DATE or DATETIME NOT NULL column without a default, whose rows would hold the
//     zero date, fails on a table that has rows (MySQL 8.0's copy_data_between_tables:
//     1292 "Incorrect datetime value: '0000-00-00 00:00:00' for column 'c' at row 1").
//   - A character the column's character set cannot hold (日 for a latin1 or ascii
//     column, an emoji for utf8mb3). GMS keeps strings as UTF-8 and stored it; the row
//     then failed every function that encodes it in the column's character set (HEX:
//     "unable to re-encode string"). MySQL refuses it in strict mode: 1366 (HY000)
//     "Incorrect string value: '\xE6\x97\xA5\xE6\x9C\xAC...' for column 's' at row 1"
//     (up to 6 bytes from the first such character); with IGNORE or without strict
//     mode it stores '?' for each such character with that text as a warning. ALTER
//     TABLE ... MODIFY/CHANGE to such a character set checks every row the same way
//     (the rewriter, alter.go), and the tuple encoding refuses what is left
//     (typeconv.Unrepresentable), so no path stores a value its column cannot read.
//
// Strict mode is STRICT_TRANS_TABLES or STRICT_ALL_TABLES (every dsql table is
// transactional); IGNORE turns the errors into warnings as in MySQL.

// isStrict reports whether the statement of ctx, which has IGNORE if ignore, refuses a
// value its column cannot hold (strict mode, no IGNORE).
func isStrict(ctx *sql.Context, ignore bool) bool {
	return !ignore && sql.LoadSqlMode(ctx).Strict()
}

// blankString reports whether v is a string (or bytes) holding no character but
// spaces, tabs and line breaks, as MySQL's number parsers skip them. It allocates
// nothing.
func blankString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, isBlank(x)
	case []byte:
		if isBlank(x) {
			return string(x), true
		}
	}
	return "", false
}

func isBlank[S string | []byte](s S) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
		default:
			return false
		}
	}
	return true
}

// blankNumberColumn reports whether typ is a number type whose column refuses a blank
// string in strict mode (integers, DECIMAL, FLOAT, DOUBLE).
func blankNumberColumn(typ sql.Type) bool {
	return types.IsInteger(typ) || types.IsDecimal(typ) || types.IsFloat(typ)
}

// blankNumberError is MySQL's error (or warning text) for blank, a blank string stored
// in column name of type typ (a number type), in row n.
func blankNumberError(typ sql.Type, name, blank string, n int64) *mysql.SQLError {
	if types.IsFloat(typ) {
		return mysql.NewSQLError(erWarnDataTruncated, "01000", "Data truncated for column '%s' at row %d", name, n)
	}
	return mysql.NewSQLError(erTruncatedWrongValueForField, "HY000", "Incorrect %s value: '%s' for column '%s' at row %d", numberWord(typ), blank, name, n)
}

// fitBlankNumber handles blank, a blank string for column name of type typ (a number
// type) in row n: in strict mode it fails the statement; otherwise it warns and returns
// the type's zero, stored instead.
func fitBlankNumber(ctx *sql.Context, typ sql.Type, name, blank string, n int64, ignore bool) (any, error) {
	me := blankNumberError(typ, name, blank, n)
	if isStrict(ctx, ignore) {
		me.Message += "; store a number"
		return nil, me
	}
	ctx.Warn(me.Num, "%s", me.Message)
	zero, _, err := typ.Convert(ctx, typ.Zero())
	if err != nil {
		return nil, fmt.Errorf("zero of %s: %w", typ, err)
	}
	return zero, nil
}

// checkBlankToNumber is the check of ALTER TABLE ... MODIFY/CHANGE of column oldCol of
// table t (of schema sch) to newCol: if a string column becomes a number column, every
// blank value fails the statement in strict mode (MySQL's 1366 or 1265, named after the
// new column, at its row in key order) or adds a warning otherwise. It reads the table
// only for such a change.
func checkBlankToNumber(ctx *sql.Context, t sql.Table, sch sql.Schema, oldCol, newCol *sql.Column) error {
	if !types.IsText(oldCol.Type) || !blankNumberColumn(newCol.Type) {
		return nil
	}
	idx := sch.IndexOfColName(oldCol.Name)
	if idx < 0 {
		return nil
	}
	strict := isStrict(ctx, false)
	parts, err := t.Partitions(ctx)
	if err != nil {
		return err
	}
	it := sql.NewTableRowIter(ctx, t, parts)
	defer it.Close(ctx)
	for n := int64(1); ; n++ {
		row, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if idx >= len(row) {
			continue
		}
		blank, ok := blankString(row[idx])
		if !ok {
			continue
		}
		me := blankNumberError(newCol.Type, newCol.Name, blank, n)
		if strict {
			me.Message += "; store a number (UPDATE the blank values to a number or NULL first)"
			return me
		}
		ctx.Warn(me.Num, "%s", me.Message)
	}
}

// noZeroDate reports whether the sql_mode of ctx refuses the zero date (NO_ZERO_DATE, or
// TRADITIONAL, which holds it).
func noZeroDate(ctx *sql.Context) bool {
	m := sql.LoadSqlMode(ctx)
	return m.ModeEnabled("NO_ZERO_DATE") || m.ModeEnabled(sql.Traditional)
}

// isDateType reports whether typ is DATE, DATETIME or TIMESTAMP.
func isDateType(typ sql.Type) bool {
	switch typ.Type() {
	case sqltypes.Date, sqltypes.Datetime, sqltypes.Timestamp:
		return true
	}
	return false
}

// maybeZeroDate reports whether v, a value for a date column, may be the zero date: a
// string starting with 0 (after spaces), the integer 0 or a zero time. It allocates
// nothing, so that a date that cannot be zero costs no conversion.
func maybeZeroDate(v any) bool {
	switch x := v.(type) {
	case string:
		x = strings.TrimLeft(x, " ")
		return len(x) > 0 && x[0] == '0'
	case []byte:
		for _, c := range x {
			if c != ' ' {
				return c == '0'
			}
		}
		return false
	case time.Time:
		return x.Equal(types.ZeroTime)
	}
	mag, _, ok := intParts(v)
	return ok && mag == 0
}

// fitZeroDate checks v, the value of column name (DATE, DATETIME or TIMESTAMP typ) in
// row n: under NO_ZERO_DATE the zero date fails the statement in strict mode and is
// stored with Warning 1264 otherwise. It returns nil (v as it is) or the error.
func fitZeroDate(ctx *sql.Context, typ sql.Type, name string, v any, n int64, ignore bool) (any, error) {
	if !maybeZeroDate(v) || !noZeroDate(ctx) {
		return nil, nil
	}
	cv, _, err := typ.Convert(ctx, v)
	if err != nil {
		return nil, nil // not a date: GMS reports it
	}
	if t, ok := cv.(time.Time); !ok || !t.Equal(types.ZeroTime) {
		return nil, nil
	}
	if isStrict(ctx, ignore) {
		text := valueText(v)
		if _, isTime := v.(time.Time); isTime {
			text = zeroDateText(typ)
		}
		return nil, zeroDateError(typ, name, text, n)
	}
	ctx.Warn(erWarnDataOutOfRange, "Out of range value for column '%s' at row %d", name, n)
	return nil, nil
}

// zeroDateText is the zero date as a value of typ reads.
func zeroDateText(typ sql.Type) string {
	if typ.Type() == sqltypes.Date {
		return "0000-00-00"
	}
	return "0000-00-00 00:00:00"
}

// zeroDateError is MySQL's 1292 for text, a zero date for column name of type typ in
// row n, with a hint.
func zeroDateError(typ sql.Type, name, text string, n int64) *mysql.SQLError {
	return mysql.NewSQLError(erTruncatedWrongValue, "22007", "Incorrect %s value: '%s' for column '%s' at row %d; store a real date or NULL (sql_mode NO_ZERO_DATE refuses the zero date)", timeWord(typ), text, name, n)
}

// addedZeroDate returns the error of ALTER TABLE ... ADD COLUMN col on a table with rows,
// or nil: a DATE or DATETIME NOT NULL column without a default fills the rows with the
// zero date, which strict mode with NO_ZERO_DATE refuses (MySQL 8.0 checks this when it
// copies the first row; TIMESTAMP is not checked, as in MySQL).
func addedZeroDate(ctx *sql.Context, col *sql.Column) error {
	if col == nil || col.Nullable || col.Default != nil || col.Generated != nil || col.AutoIncrement {
		return nil
	}
	switch col.Type.Type() {
	case sqltypes.Date, sqltypes.Datetime:
	default:
		return nil
	}
	if !isStrict(ctx, false) || !noZeroDate(ctx) {
		return nil
	}
	return zeroDateError(col.Type, col.Name, zeroDateText(col.Type), 1)
}

// fitCharset handles s, the value of column name (a string type typ) in row n, whose
// character at byte pos the column's character set cannot hold: in strict mode it fails
// the statement with MySQL's 1366; otherwise it warns and returns s with '?' for each
// such character.
func fitCharset(ctx *sql.Context, typ sql.Type, name, s string, pos int, n int64, ignore bool) (string, error) {
	text := (&typeconv.IncorrectStringError{Value: s[pos:]}).Error()
	if isStrict(ctx, ignore) {
		cs := ""
		if st, ok := typ.(sql.StringType); ok {
			cs = st.CharacterSet().String()
		}
		return "", mysql.NewSQLError(erTruncatedWrongValueForField, "HY000", "%s for column '%s' at row %d; store characters %s holds, or change the column's character set (ALTER TABLE ... MODIFY ... CHARACTER SET utf8mb4)", text, name, n, cs)
	}
	ctx.Warn(erTruncatedWrongValueForField, "%s for column '%s' at row %d", text, name, n)
	return typeconv.ReplaceUnrepresentable(typ, s, pos), nil
}
