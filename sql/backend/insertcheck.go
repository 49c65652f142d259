package backend

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"

	"github.com/dsqldb/dsql/sql/typeconv"
)

// Values that do not fit their column, as MySQL reports them (applied by strictBuilder,
// strict.go, to INSERT and REPLACE; assignrange.go applies the same rules to UPDATE).
//
// GMS converts each row of an INSERT to the table's types in its insert iterator. With
// IGNORE it stores the nearest value that fits, as MySQL does, but reports it as
// "Note 1105 300 out of range for tinyint" (MySQL: Warning 1264 "Out of range value for
// column 'ti' at row 1"), and it cut a too long string by bytes, which split a
// multi-byte character (the row then failed) and reported Note 1105 (MySQL: Warning 1265
// "Data truncated for column 'c' at row 1"). insertChecked, the source of every INSERT
// and REPLACE but a LOAD DATA (sql/dataio reads those), numbers the rows and, before
// GMS sees a row:
//
//   - With IGNORE: a number out of its column's range becomes the nearest value in range
//     with Warning 1264 "Out of range value for column 'c' at row N" (a DECIMAL the
//     largest value of its precision and scale: 999.99 for DECIMAL(5,2), where GMS
//     stored 0); a string longer
//     than its column is cut to the column's length in characters (bytes for binary
//     types) with Warning 1265 "Data truncated for column 'c' at row N".
//   - A CHAR, VARCHAR or TEXT value too long only by trailing spaces is cut without an
//     error, with Note 1265 (none for CHAR), as MySQL does whatever the sql_mode.
//   - Without IGNORE, a string too long for its column in row N > 1 fails with 1406
//     (22001) "Data too long for column 'c' at row N; store at most L characters, or
//     widen the column (ALTER TABLE ... MODIFY)". In row 1 GMS's own error is left as it
//     is (callers and GMS's tests match its kind and text); MySQLError (mysqlerr.go)
//     gives the client the same MySQL text for it, "at row 1". Numbers out of range
//     fail with GMS's error and 1264 (the client gets MySQL's text, with the column and
//     the row, from the note insertChecked keeps: columntext.go).
//
// Everything else (a conversion error, JSON, ENUM and SET values) is left to GMS.

// erWarnDataTruncated and erDataTooLong: WARN_DATA_TRUNCATED, ER_DATA_TOO_LONG;
// erWarnDataOutOfRange: ER_WARN_DATA_OUT_OF_RANGE.
const (
	erWarnDataTruncated  = 1265
	erDataTooLong        = 1406
	erWarnDataOutOfRange = 1264
)

// insertChecked is the source of an INSERT or REPLACE into a table of schema dst: its
// child's rows (each the table's row, after any outer scope's values), checked and
// fixed as the comment above says.
type insertChecked struct {
	child  sql.Node
	dst    sql.Schema
	ignore bool
	note   *rowNote // where the statement is (columntext.go)
}

var _ sql.Node = (*insertChecked)(nil)

func (n *insertChecked) Resolved() bool                     { return n.child.Resolved() }
func (n *insertChecked) IsReadOnly() bool                   { return n.child.IsReadOnly() }
func (n *insertChecked) String() string                     { return n.child.String() }
func (n *insertChecked) Schema(ctx *sql.Context) sql.Schema { return n.child.Schema(ctx) }
func (n *insertChecked) Children() []sql.Node               { return []sql.Node{n.child} }

func (n *insertChecked) WithChildren(ctx *sql.Context, children ...sql.Node) (sql.Node, error) {
	if len(children) != 1 {
		return nil, sql.ErrInvalidChildrenNumber.New(n, len(children), 1)
	}
	c := *n
	c.child = children[0]
	return &c, nil
}

// checkInsertSource makes the source of ii, an INSERT or REPLACE, an insertChecked;
// false if it already is one or reads a LOAD DATA file.
func checkInsertSource(ctx *sql.Context, ii *plan.InsertInto) (*plan.InsertInto, bool) {
	for n := ii.Source; ; {
		switch x := n.(type) {
		case *insertChecked, *plan.LoadData:
			return ii, false
		case *plan.Project:
			n = x.Child
			continue
		}
		break
	}
	dst := ii.Destination.Schema(ctx)
	src := &insertChecked{child: ii.Source, dst: dst, ignore: ii.Ignore, note: &rowNote{dst: dst, ignore: ii.Ignore}}
	return ii.WithSource(src), true
}

// insertCheckIter is insertChecked's row iterator.
type insertCheckIter struct {
	n     *insertChecked
	child sql.RowIter
	row   int64 // rows read so far
}

func (it *insertCheckIter) Next(ctx *sql.Context) (sql.Row, error) {
	row, err := it.child.Next(ctx)
	if err != nil {
		return row, err
	}
	it.row++
	off := len(row) - len(it.n.dst)
	if off < 0 {
		return row, nil
	}
	var out sql.Row
	for i, col := range it.n.dst {
		v := row[off+i]
		if v == nil {
			continue
		}
		nv, err := fitColumn(ctx, col.Type, col.Name, v, it.row, it.n.ignore, false)
		if err != nil {
			return nil, err
		}
		if nv != nil {
			if out == nil {
				out = append(sql.Row(nil), row...)
			}
			out[off+i] = nv
		}
	}
	if out != nil {
		row = out
	}
	if it.n.note != nil {
		it.n.note.row, it.n.note.n = row, it.row
	}
	return row, nil
}

func (it *insertCheckIter) Close(ctx *sql.Context) error { return it.child.Close(ctx) }

// fitColumn checks v, the non-NULL value of column name (of type typ) in row n of the
// statement (ignore: it has IGNORE), and returns the value to store instead (nil: v as
// it is, GMS converts it), or the statement's error. numbers: check numbers too (else
// GMS's insert iterator does, without IGNORE).
func fitColumn(ctx *sql.Context, typ sql.Type, name string, v any, n int64, ignore, numbers bool) (any, error) {
	if blank, ok := blankString(v); ok && blankNumberColumn(typ) { // strictconv.go
		return fitBlankNumber(ctx, typ, name, blank, n, ignore)
	}
	if isDecimal := types.IsDecimal(typ); isDecimal || sql.IsNumberType(typ) {
		if !ignore && (!numbers || isDecimal) {
			return nil, nil // GMS fails (MySQLError gives its error MySQL's code)
		}
		var clamped any
		var out bool
		if isDecimal {
			clamped, out = decimalOutOfRange(ctx, typ, v)
		} else {
			clamped, out = numberOutOfRange(ctx, typ, v)
		}
		if !out {
			return nil, nil
		}
		if ignore {
			if clamped == nil {
				return nil, nil // no value in range: GMS stores the type's zero
			}
			ctx.Warn(erWarnDataOutOfRange, "Out of range value for column '%s' at row %d", name, n)
			return clamped, nil
		}
		return nil, outOfRange(name, n, v, typ)
	}
	if isDateType(typ) {
		if text, ok := numberDate(v); ok { // 20230105 is 2023-01-05 (numberdate.go)
			if nv, err := fitZeroDate(ctx, typ, name, text, n, ignore); err != nil || nv != nil {
				return nv, err
			}
			return text, nil
		}
		return fitZeroDate(ctx, typ, name, v, n, ignore) // strictconv.go
	}
	var fixed any // v with '?' for the characters the column cannot hold (strictconv.go)
	if s, ok := v.(string); ok && textType(typ) {
		if pos := typeconv.Unrepresentable(typ, s); pos >= 0 {
			r, err := fitCharset(ctx, typ, name, s, pos, n, ignore)
			if err != nil {
				return nil, err
			}
			v, fixed = r, r
		}
	}
	cut, tooLong, spaces := stringTooLong(ctx, typ, v)
	switch {
	case !tooLong:
		return fixed, nil
	case spaces:
		if typ.Type() != sqltypes.Char {
			ctx.Session.Warn(&sql.Warning{Level: "Note", Code: erWarnDataTruncated, Message: fmt.Sprintf("Data truncated for column '%s' at row %d", name, n)})
		}
		return cut, nil
	case ignore:
		ctx.Warn(erWarnDataTruncated, "Data truncated for column '%s' at row %d", name, n)
		return cut, nil
	case n > 1:
		return nil, dataTooLong(name, n, typ)
	}
	return nil, nil // GMS fails (MySQLError gives its error MySQL's text)
}

// textType reports whether typ is CHAR, VARCHAR or TEXT (of any length).
func textType(typ sql.Type) bool {
	switch typ.Type() {
	case sqltypes.Char, sqltypes.VarChar, sqltypes.Text:
		return true
	}
	return false
}

// dataTooLong is the error of a string too long for column name of type typ, in row n.
func dataTooLong(name string, n int64, typ sql.Type) error {
	limit := "a shorter value"
	if st, ok := typ.(sql.StringType); ok {
		unit := "characters"
		if types.IsBinaryType(typ) || typ.Type() == sqltypes.Text {
			unit = "bytes"
		}
		limit = fmt.Sprintf("at most %d %s", maxLength(st), unit)
	}
	return mysql.NewSQLError(erDataTooLong, "22001", "Data too long for column '%s' at row %d; store %s, or widen the column (ALTER TABLE ... MODIFY)", name, n, limit)
}

// numberOutOfRange reports whether v is out of the range of typ, a number type, and the
// nearest value in range (nil if there is none). A value typ cannot convert is not out
// of range (GMS reports it).
func numberOutOfRange(ctx *sql.Context, typ sql.Type, v any) (clamped any, out bool) {
	var inRange sql.ConvertInRange
	var err error
	if rt, ok := typ.(sql.RoundingNumberType); ok {
		clamped, inRange, err = rt.ConvertRound(ctx, v)
	} else {
		clamped, inRange, err = typ.Convert(ctx, v)
	}
	if err != nil || inRange == sql.InRange {
		return clamped, false
	}
	// GMS's conversion wraps some values around (-1 for INT UNSIGNED is 4294967295):
	// an integer takes the bound on the value's side, as in MySQL.
	if lo, hi, ok := intBounds(typ); ok {
		bound := any(hi)
		if f, _, ferr := types.Float64.Convert(ctx, v); ferr == nil {
			if x, isFloat := f.(float64); isFloat && x < 0 {
				bound = lo
			}
		}
		if b, _, berr := typ.Convert(ctx, bound); berr == nil {
			clamped = b
		}
	}
	return clamped, true
}

// decimalOutOfRange reports whether v is out of the range of typ, a DECIMAL type, and
// the nearest value in range: the largest value of the type's precision and scale on
// v's side (12345.678 is 999.99 for DECIMAL(5,2)), as MySQL stores it with IGNORE (GMS
// stored 0). A value typ cannot convert otherwise is not out of range (GMS reports it).
func decimalOutOfRange(ctx *sql.Context, typ sql.Type, v any) (clamped any, out bool) {
	dt, ok := typ.(sql.DecimalType)
	if !ok {
		return nil, false
	}
	convert := typ.Convert
	if rt, ok := typ.(sql.RoundingNumberType); ok {
		convert = rt.ConvertRound // as GMS's insert iterator
	}
	if _, _, err := convert(ctx, v); err == nil || !types.ErrConvertToDecimalLimit.Is(err) {
		return nil, false
	}
	prec, scale := int(dt.Precision()), int(dt.Scale())
	bound := strings.Repeat("9", prec-scale)
	if scale > 0 {
		bound += "." + strings.Repeat("9", scale)
	}
	if f, _, err := types.Float64.Convert(ctx, v); err == nil {
		if x, isFloat := f.(float64); isFloat && x < 0 {
			bound = "-" + bound
		}
	}
	b, _, err := convert(ctx, bound)
	if err != nil {
		return nil, true
	}
	return b, true
}

// intBounds returns the range of typ if it is an integer type.
func intBounds(typ sql.Type) (lo int64, hi uint64, ok bool) {
	switch typ.Type() {
	case sqltypes.Int8:
		return math.MinInt8, math.MaxInt8, true
	case sqltypes.Uint8:
		return 0, math.MaxUint8, true
	case sqltypes.Int16:
		return math.MinInt16, math.MaxInt16, true
	case sqltypes.Uint16:
		return 0, math.MaxUint16, true
	case sqltypes.Int24:
		return -1 << 23, 1<<23 - 1, true
	case sqltypes.Uint24:
		return 0, 1<<24 - 1, true
	case sqltypes.Int32:
		return math.MinInt32, math.MaxInt32, true
	case sqltypes.Uint32:
		return 0, math.MaxUint32, true
	case sqltypes.Int64:
		return math.MinInt64, math.MaxInt64, true
	case sqltypes.Uint64:
		return 0, math.MaxUint64, true
	}
	return 0, 0, false
}

// maxLength is how long a value of st may be, in the unit GMS checks: bytes for TEXT
// types and character sets of one-byte characters, characters otherwise.
func maxLength(st sql.StringType) int64 {
	if st.Type() == sqltypes.Text {
		return st.MaxByteLength()
	}
	return st.MaxCharacterLength()
}

// stringTooLong reports whether v is too long for typ, a CHAR, VARCHAR, TEXT, BINARY,
// VARBINARY or BLOB type (GMS's conversion fails with "too large"), and returns v cut to
// the type's length (whole characters), and whether only spaces were cut from a
// non-binary value.
func stringTooLong(ctx *sql.Context, typ sql.Type, v any) (cut any, tooLong, spaces bool) {
	st, ok := typ.(sql.StringType)
	if !ok || !st.IsStringType() {
		return nil, false, false
	}
	switch typ.Type() {
	case sqltypes.Char, sqltypes.VarChar, sqltypes.Text, sqltypes.Binary, sqltypes.VarBinary, sqltypes.Blob:
	default:
		return nil, false, false
	}
	// Fast path: no more bytes than the limit is never too long (a character is at least
	// a byte), so most values need no conversion here.
	switch x := v.(type) {
	case string:
		if int64(len(x)) <= maxLength(st) {
			return nil, false, false
		}
	case []byte:
		if int64(len(x)) <= maxLength(st) {
			return nil, false, false
		}
	}
	if _, _, err := typ.Convert(ctx, v); err == nil || !types.ErrLengthBeyondLimit.Is(err) {
		return nil, false, false
	}
	var s string
	_, isBytes := v.([]byte)
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		tv, _, err := types.LongText.Convert(ctx, v)
		if err != nil {
			return nil, false, false
		}
		if s, ok = tv.(string); !ok {
			return nil, false, false
		}
	}
	binary := types.IsBinaryType(typ)
	limit := int(maxLength(st))
	var keep int // bytes of s kept
	if typ.Type() == sqltypes.Text || binary || st.CharacterSet().MaxLength() == 1 {
		keep = min(limit, len(s))
		for !binary && keep > 0 && keep < len(s) && !utf8.RuneStart(s[keep]) {
			keep--
		}
	} else {
		for i := 0; i < limit && keep < len(s); i++ {
			_, size := utf8.DecodeRuneInString(s[keep:])
			keep += size
		}
	}
	if keep >= len(s) {
		return nil, false, false // GMS counts otherwise: leave it to GMS
	}
	spaces = !binary
	for i := keep; i < len(s) && spaces; i++ {
		spaces = s[i] == ' '
	}
	if isBytes {
		return []byte(s[:keep]), true, spaces
	}
	return s[:keep], true, spaces
}
