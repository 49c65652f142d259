package backend

import (
	"fmt"
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/shopspring/decimal"
)

// Temporal values in ALTER TABLE ... MODIFY/CHANGE COLUMN.
//
// MySQL converts the values of a DATE, DATETIME, TIMESTAMP, TIME or YEAR column whose
// type changes to a number or a string through the value's own forms (the invariant
// "temporal values convert by their MySQL forms"):
//
//   - to an integer, DECIMAL, FLOAT/DOUBLE or BIT: its numeric form, YYYYMMDD for a DATE,
//     YYYYMMDDhhmmss[.ffffff] for a DATETIME or TIMESTAMP, [-]hhmmss[.ffffff] for a TIME,
//     the year for a YEAR; an integer target gets it rounded to whole seconds (MySQL's
//     TIME_to_ulonglong_datetime_round; MariaDB truncates instead);
//   - to a string type (CHAR, VARCHAR, TEXT, BINARY, VARBINARY, BLOB), ENUM or SET: its
//     canonical text in its own type, '2023-01-05' for a DATE, '2023-01-05 10:20:30.500'
//     for a DATETIME(3), '-110:20:30' for a TIME, '0000' for YEAR 0;
//   - the zero date is 0 and '0000-00-00' ('0000-00-00 00:00:00').
//
// GMS's Type.Convert takes a time.Time to its Unix seconds for numbers, to a DATETIME's
// text for strings (a DATE '2023-01-05' became '2023-01-05 00:00:00', too long for a
// CHAR(10)), and refuses it for DECIMAL; a TIME it refuses for numbers. alterConvert
// feeds GMS's conversion the MySQL form instead. GMS converts the rows of a MODIFY
// itself (sql.RewritableTable): RewriteInserter marks the Table it was called on
// (Table.alter), whose scan then hands over the changed column's values in their MySQL
// form; the rewriter clears the mark when it closes. ModifyColumn (sql.AlterableTable)
// calls alterConvert directly. Temporal-to-temporal and other conversions are GMS's.

// alterConversion marks a Table whose scan feeds a MODIFY COLUMN rewrite: the values of
// column col (of type from) are handed over in the form that converts to type to as in
// MySQL.
type alterConversion struct {
	col      int
	from, to sql.Type
}

// newAlterConversion returns the conversion for a change of column oldCol (at ordinal
// col) to newCol; nil when GMS's conversion is right as it is.
func newAlterConversion(col int, oldCol, newCol *sql.Column) *alterConversion {
	if col < 0 || oldCol == nil || newCol == nil || oldCol.Type.Equals(newCol.Type) {
		return nil
	}
	if temporalTarget(oldCol.Type, newCol.Type) == targetNone {
		return nil
	}
	return &alterConversion{col: col, from: oldCol.Type, to: newCol.Type}
}

// alterConvIter hands over the rows of a scan with one column's values in their MySQL
// form (alterConversion).
type alterConvIter struct {
	sql.RowIter
	c *alterConversion
}

func (it *alterConvIter) Next(ctx *sql.Context) (sql.Row, error) {
	row, err := it.RowIter.Next(ctx)
	if err != nil || it.c.col >= len(row) {
		return row, err
	}
	if v, ok := temporalForm(row[it.c.col], it.c.from, it.c.to); ok {
		row[it.c.col] = v
	}
	return row, nil
}

// alterConvert converts v, a value of a column of type from, to type to, as MySQL's
// ALTER TABLE does (temporal values by their MySQL forms, the rest by GMS's
// TypeAwareConversion).
func alterConvert(ctx *sql.Context, v any, from, to sql.Type) (any, sql.ConvertInRange, error) {
	if f, ok := temporalForm(v, from, to); ok {
		v = f
	}
	return types.TypeAwareConversion(ctx, v, from, to)
}

type targetKind int

const (
	targetNone targetKind = iota
	targetInt             // integer and BIT: the numeric form rounded to seconds
	targetDecimal
	targetFloat
	targetString // string types, ENUM, SET: the canonical text
)

// temporalTarget is the kind of form a value of temporal type from takes on its way to
// type to; targetNone when from is not temporal or to is neither a number nor a string.
func temporalTarget(from, to sql.Type) targetKind {
	if !types.IsTime(from) && !types.IsTimespan(from) && !types.IsYear(from) {
		return targetNone
	}
	switch {
	case types.IsInteger(to), types.IsBit(to):
		return targetInt
	case types.IsDecimal(to):
		return targetDecimal
	case types.IsFloat(to):
		return targetFloat
	case types.IsText(to), types.IsEnum(to), types.IsSet(to):
		if types.IsJSON(to) {
			return targetNone
		}
		return targetString
	}
	return targetNone
}

// temporalForm returns v, a value of temporal type from, in the form MySQL converts to
// type to (see above); ok=false when v is not such a value or GMS's conversion is right.
func temporalForm(v any, from, to sql.Type) (any, bool) {
	k := temporalTarget(from, to)
	if k == targetNone || v == nil {
		return nil, false
	}
	switch x := v.(type) {
	case time.Time:
		return datetimeForm(x, from, k), true
	case types.Timespan:
		return timespanForm(int64(x), k), true
	case int16:
		if !types.IsYear(from) {
			return nil, false
		}
		if k == targetString {
			return fmt.Sprintf("%04d", x), true
		}
		return nil, false // a YEAR is its number already
	}
	return nil, false
}

// datetimeForm is the MySQL form of t, a DATE, DATETIME or TIMESTAMP value, for a
// target of kind k.
func datetimeForm(t time.Time, from sql.Type, k targetKind) any {
	date := from.Type() == types.Date.Type()
	fsp := 0
	if dt, ok := from.(sql.DatetimeType); ok && !date {
		fsp = dt.Precision()
	}
	zero := t.Equal(types.ZeroTime)
	t = t.UTC()
	if k == targetString {
		if zero {
			if date {
				return "0000-00-00"
			}
			return "0000-00-00 00:00:00" + fraction(0, fsp)
		}
		if date {
			return t.Format("2006-01-02")
		}
		return fmt.Sprintf("%04d-%s", t.Year(), t.Format("01-02 15:04:05")) + fraction(int64(t.Nanosecond()/1000), fsp)
	}
	if zero {
		return numericForm(0, 0, k)
	}
	if k == targetInt {
		t = t.Round(time.Second)
	}
	n := int64(t.Year())*10000 + int64(t.Month())*100 + int64(t.Day())
	if !date {
		n = n*1000000 + int64(t.Hour())*10000 + int64(t.Minute())*100 + int64(t.Second())
	}
	return numericForm(n, int64(t.Nanosecond()/1000), k)
}

// timespanForm is the MySQL form of a TIME value of us microseconds for a target of kind k.
func timespanForm(us int64, k targetKind) any {
	neg := us < 0
	if neg {
		us = -us
	}
	if k == targetInt {
		us = (us + 500000) / 1000000 * 1000000
	}
	secs, frac := us/1000000, us%1000000
	h, m, s := secs/3600, secs/60%60, secs%60
	if k == targetString {
		str := fmt.Sprintf("%02d:%02d:%02d", h, m, s)
		if frac != 0 { // GMS's TIME has no precision of its own: show what is stored
			str += strings.TrimRight(fraction(frac, 6), "0")
		}
		if neg {
			str = "-" + str
		}
		return str
	}
	n := h*10000 + m*100 + s
	if neg {
		n, frac = -n, -frac
	}
	return numericForm(n, frac, k)
}

// numericForm is the number n + frac/1e6 as a value for a target of kind k.
func numericForm(n, frac int64, k targetKind) any {
	d := decimal.New(n, 0).Add(decimal.New(frac, -6))
	switch k {
	case targetInt:
		return n
	case targetFloat:
		f, _ := d.Float64()
		return f
	}
	return d.String() // GMS's DECIMAL takes numbers as text (it keeps apd decimals)
}

// fraction is the fractional part of us microseconds with fsp digits ("" for fsp 0).
func fraction(us int64, fsp int) string {
	if fsp <= 0 {
		return ""
	}
	return "." + fmt.Sprintf("%06d", us)[:min(fsp, 6)]
}
