package dataio

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"

	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// colConv converts input values into one column's Go values exactly as an INSERT of the
// value as a string literal would (GMS's Convert, with the INSERT's strictness), with fast
// paths for the common canonical forms (plain integers, decimal floats, ISO dates and
// datetimes, valid UTF-8 text that fits) that give the same value without GMS's general
// parsing.
type colConv struct {
	name    string
	typ     sql.Type
	kind    querypb.Type
	integer bool
	text    bool // a non-binary string type whose fast path applies
	char    bool // CHAR: values lose their trailing spaces (typeconv.TrimChar)
	maxChar int64
	maxByte int64
	fsp     int // DATETIME precision
	// fast is how encodeField writes text straight into a tuple field; imin..imax or
	// umax bound the integer types.
	fast       fastKind
	imin, imax int64
	umax       uint64
}

// fastKind is how encodeField converts a column's text.
type fastKind uint8

const (
	fastGeneric fastKind = iota // convert, then typeconv.PutValue
	fastInt
	fastUint
	fastFloat64
	fastText
	fastDate
	fastDatetime
)

func newColConv(c *sql.Column) *colConv {
	cc := &colConv{name: c.Name, typ: c.Type, kind: c.Type.Type()}
	cc.integer = types.IsInteger(c.Type)
	cc.char = typeconv.IsChar(c.Type)
	switch cc.kind {
	case sqltypes.VarChar, sqltypes.Text:
		if st, ok := c.Type.(sql.StringType); ok && !types.IsBinaryType(c.Type) {
			if _, err := collationOK(st); err == nil {
				cc.text = true
				cc.maxChar = st.MaxCharacterLength()
				cc.maxByte = st.MaxByteLength()
			}
		}
	case sqltypes.Datetime:
		if dt, ok := c.Type.(sql.DatetimeType); ok {
			cc.fsp = dt.Precision()
			cc.fast = fastDatetime
		}
	case sqltypes.Date:
		cc.fast = fastDate
	case sqltypes.Float64:
		cc.fast = fastFloat64
	}
	if cc.text {
		cc.fast = fastText
	}
	if cc.integer {
		switch cc.kind {
		case sqltypes.Int8:
			cc.fast, cc.imin, cc.imax = fastInt, math.MinInt8, math.MaxInt8
		case sqltypes.Int16:
			cc.fast, cc.imin, cc.imax = fastInt, math.MinInt16, math.MaxInt16
		case sqltypes.Int24:
			cc.fast, cc.imin, cc.imax = fastInt, -1<<23, 1<<23-1
		case sqltypes.Int32:
			cc.fast, cc.imin, cc.imax = fastInt, math.MinInt32, math.MaxInt32
		case sqltypes.Int64:
			cc.fast, cc.imin, cc.imax = fastInt, math.MinInt64, math.MaxInt64
		case sqltypes.Uint8:
			cc.fast, cc.umax = fastUint, math.MaxUint8
		case sqltypes.Uint16:
			cc.fast, cc.umax = fastUint, math.MaxUint16
		case sqltypes.Uint24:
			cc.fast, cc.umax = fastUint, 1<<24-1
		case sqltypes.Uint32:
			cc.fast, cc.umax = fastUint, math.MaxUint32
		case sqltypes.Uint64:
			cc.fast, cc.umax = fastUint, math.MaxUint64
		}
	}
	return cc
}

// encodeField puts the value of the non-empty text s into field i of b, exactly as
// typeconv puts the value convert returns for it; ok is false where convert would take
// its slow path or find the value bad (the caller then converts the row with convert).
// It does not keep s. Safe for concurrent use (with different builders).
func (c *colConv) encodeField(ctx *sql.Context, b *tuple.Builder, i int, s []byte) bool {
	switch c.fast {
	case fastInt:
		n, ok := parseDecInt(s)
		if !ok || n < c.imin || n > c.imax {
			return false
		}
		b.PutInt(i, n)
	case fastUint:
		u, ok := parseDecUint(s)
		if !ok || u > c.umax {
			return false
		}
		b.PutUint(i, u)
	case fastFloat64:
		if !plainNumberBytes(s) {
			return false
		}
		f, err := strconv.ParseFloat(unsafe.String(&s[0], len(s)), 64)
		if err != nil {
			return false
		}
		b.PutFloat64(i, f)
	case fastText:
		if int64(len(s)) > c.maxByte || !utf8.Valid(s) || (int64(len(s)) > c.maxChar && int64(utf8.RuneCount(s)) > c.maxChar) {
			return false
		}
		b.PutString(i, unsafe.String(&s[0], len(s))) // copied into b
	case fastDate:
		d, ok := parseDateBytes(s)
		if !ok {
			return false
		}
		b.PutDate(i, d)
	case fastDatetime:
		dt, ok := parseDatetimeBytes(s, c.fsp)
		if !ok {
			return false
		}
		b.PutDatetime(i, dt)
	default:
		v, reason := c.convert(ctx, string(s))
		if reason != "" || v == nil {
			return false
		}
		if err := typeconv.PutValue(b, i, c.typ, v); err != nil {
			return false
		}
	}
	return b.Err() == nil
}

// autoValue returns the auto-increment counter value of the non-empty text s of an
// integer column, as encode computes it; ok is false where encode must decide.
func (c *colConv) autoValue(s []byte) (uint64, bool) {
	switch c.fast {
	case fastInt:
		n, ok := parseDecInt(s)
		return uint64(n), ok && n >= 0
	case fastUint:
		return parseDecUint(s)
	}
	return 0, false
}

// parseDecUint parses 1 to 20 decimal digits that fit a uint64.
func parseDecUint(s []byte) (uint64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	var u uint64
	for _, ch := range s {
		d := uint64(ch - '0')
		if d > 9 || u > (math.MaxUint64-d)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	return u, true
}

// parseDecInt parses what strconv.ParseInt(s, 10, 64) does for the forms fastInt takes:
// decimal digits with an optional leading minus, at most 20 bytes in all.
func parseDecInt(s []byte) (int64, bool) {
	if len(s) > 20 {
		return 0, false
	}
	neg := len(s) > 1 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	u, ok := parseDecUint(s)
	switch {
	case !ok:
		return 0, false
	case neg && u <= 1<<63:
		return -int64(u), true // -1<<63 wraps to itself
	case !neg && u <= math.MaxInt64:
		return int64(u), true
	}
	return 0, false
}

// plainNumberBytes is plainNumber of a byte slice.
func plainNumberBytes(s []byte) bool {
	digit := false
	for _, ch := range s {
		switch {
		case ch >= '0' && ch <= '9':
			digit = true
		case ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E':
		default:
			return false
		}
	}
	return digit
}

// digits2 parses two decimal digits.
func digits2(a, b byte) (int, bool) {
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return 0, false
	}
	return int(a-'0')*10 + int(b-'0'), true
}

// parseDateBytes is parseISODate of a byte slice, as a tuple.Date.
func parseDateBytes(s []byte) (tuple.Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return tuple.Date{}, false
	}
	y1, ok1 := digits2(s[0], s[1])
	y2, ok2 := digits2(s[2], s[3])
	m, ok3 := digits2(s[5], s[6])
	d, ok4 := digits2(s[8], s[9])
	y := y1*100 + y2
	if !ok1 || !ok2 || !ok3 || !ok4 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return tuple.Date{}, false
	}
	return tuple.Date{Year: uint16(y), Month: uint8(m), Day: uint8(d)}, true
}

// daysIn is the length of month m of year y (1..9999) in the proleptic Gregorian
// calendar, as package time counts it.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseDatetimeBytes is parseISODatetime of a byte slice, as a tuple.Datetime.
func parseDatetimeBytes(s []byte, fsp int) (tuple.Datetime, bool) {
	if len(s) < 19 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		if len(s) == 10 {
			d, ok := parseDateBytes(s)
			return tuple.Datetime{Year: d.Year, Month: d.Month, Day: d.Day}, ok
		}
		return tuple.Datetime{}, false
	}
	d, ok := parseDateBytes(s[:10])
	h, ok1 := digits2(s[11], s[12])
	mi, ok2 := digits2(s[14], s[15])
	se, ok3 := digits2(s[17], s[18])
	if !ok || !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || se > 59 {
		return tuple.Datetime{}, false
	}
	micro := 0
	if len(s) > 19 {
		frac := s[20:]
		if s[19] != '.' || len(frac) == 0 || len(frac) > fsp {
			return tuple.Datetime{}, false
		}
		for _, ch := range frac {
			if ch < '0' || ch > '9' {
				return tuple.Datetime{}, false
			}
			micro = micro*10 + int(ch-'0')
		}
		for k := len(frac); k < 6; k++ {
			micro *= 10
		}
	}
	return tuple.Datetime{Year: d.Year, Month: d.Month, Day: d.Day, Hour: uint8(h), Minute: uint8(mi), Second: uint8(se), Micro: uint32(micro)}, true
}

func collationOK(st sql.StringType) (bool, error) {
	return st.CharacterSet() == sql.CharacterSet_utf8mb4, nil
}

// convert returns the column value of v (nil, string, json.Number, bool, RawJSON or a
// typed value), or a reason why it is not one. A CHAR column's value is without its
// trailing spaces, as MySQL stores it; spaces past the column's length are not an
// error (they would only be removed).
func (c *colConv) convert(ctx *sql.Context, v any) (any, string) {
	if !c.char {
		return c.convertValue(ctx, v)
	}
	if s, ok := v.(string); ok {
		v, _ = typeconv.TrimChar(s)
	}
	out, reason := c.convertValue(ctx, v)
	if reason == "" {
		out, _ = typeconv.TrimChar(out)
	}
	return out, reason
}

// convertValue is convert without the removal of CHAR's trailing spaces.
func (c *colConv) convertValue(ctx *sql.Context, v any) (any, string) {
	var s string
	switch x := v.(type) {
	case nil:
		return nil, ""
	case string:
		s = x
	case json.Number:
		s = string(x)
		if types.IsBit(c.typ) {
			// A number for a BIT column is its value (a string would be its bytes).
			if n, err := strconv.ParseUint(s, 10, 64); err == nil {
				return c.slow(ctx, n, s)
			}
		}
	case RawJSON:
		s = string(x)
	case bool:
		n := int64(0)
		if x {
			n = 1
		}
		return c.slow(ctx, n, strconv.FormatInt(n, 10))
	default:
		// A typed value (LOAD DATA's defaults of absent columns): converted as INSERT
		// converts a value of its type.
		return c.slow(ctx, v, fmt.Sprint(v))
	}
	if !types.IsBinaryType(c.typ) && !utf8.ValidString(s) {
		return nil, fmt.Sprintf("invalid UTF-8 at byte %d of the value: the file must be UTF-8 encoded (convert it, e.g. with iconv -f latin1 -t utf-8)", firstInvalid(s)+1)
	}
	if c.integer {
		if strings.EqualFold(s, "true") {
			return c.slow(ctx, int64(1), s)
		}
		if strings.EqualFold(s, "false") {
			return c.slow(ctx, int64(0), s)
		}
		if v, ok := c.fastInt(s); ok {
			return v, ""
		}
	}
	switch {
	case c.text:
		if int64(len(s)) <= c.maxByte && (int64(len(s)) <= c.maxChar || int64(utf8.RuneCountInString(s)) <= c.maxChar) {
			return s, ""
		}
	case c.kind == sqltypes.Float64:
		if plainNumber(s) {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return f, ""
			}
		}
	case c.kind == sqltypes.Date:
		if t, ok := parseISODate(s); ok {
			return t, ""
		}
	case c.kind == sqltypes.Datetime:
		if t, ok := parseISODatetime(s, c.fsp); ok {
			return t, ""
		}
	}
	return c.slow(ctx, s, s)
}

// slow converts as GMS's INSERT does (sql/rowexec/insert.go): ConvertRound for numbers
// that round, out-of-range values and truncations are errors.
func (c *colConv) slow(ctx *sql.Context, v any, text string) (any, string) {
	var (
		out     any
		inRange sql.ConvertInRange
		err     error
	)
	if rt, ok := c.typ.(sql.RoundingNumberType); ok {
		out, inRange, err = rt.ConvertRound(ctx, v)
	} else {
		out, inRange, err = c.typ.Convert(ctx, v)
	}
	if err == nil && inRange != sql.InRange {
		return nil, fmt.Sprintf("%s is out of range for %s", shortValue(text), c.typ.String())
	}
	if err != nil {
		switch {
		case types.ErrLengthBeyondLimit.Is(err):
			return nil, fmt.Sprintf("the value (%d characters) is too long for %s", utf8.RuneCountInString(text), c.typ.String())
		default:
			return nil, fmt.Sprintf("%s is not a valid %s value", shortValue(text), c.typ.String())
		}
	}
	return out, ""
}

// fastInt parses a plain decimal integer into the column's Go integer type.
func (c *colConv) fastInt(s string) (any, bool) {
	if len(s) == 0 || len(s) > 20 {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		if ch := s[i]; (ch < '0' || ch > '9') && !(i == 0 && ch == '-' && len(s) > 1) {
			return nil, false
		}
	}
	switch c.kind {
	case sqltypes.Uint8, sqltypes.Uint16, sqltypes.Uint24, sqltypes.Uint32, sqltypes.Uint64:
		u, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, false
		}
		switch c.kind {
		case sqltypes.Uint8:
			return uint8(u), u <= 255
		case sqltypes.Uint16:
			return uint16(u), u <= 65535
		case sqltypes.Uint24:
			return uint32(u), u <= 1<<24-1
		case sqltypes.Uint32:
			return uint32(u), u <= 1<<32-1
		default:
			return u, true
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, false
	}
	switch c.kind {
	case sqltypes.Int8:
		return int8(n), n >= -128 && n <= 127
	case sqltypes.Int16:
		return int16(n), n >= -32768 && n <= 32767
	case sqltypes.Int24:
		return int32(n), n >= -1<<23 && n < 1<<23
	case sqltypes.Int32:
		return int32(n), n >= -1<<31 && n < 1<<31
	case sqltypes.Int64:
		return n, true
	}
	return nil, false
}

// plainNumber reports whether s is a decimal number without hex, inf or nan forms.
func plainNumber(s string) bool {
	if s == "" {
		return false
	}
	digit := false
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9':
			digit = true
		case ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E':
		default:
			return false
		}
	}
	return digit
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, len(s) > 0
}

// parseISODate parses YYYY-MM-DD (a real calendar date, year >= 1).
func parseISODate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	y, ok1 := digits(s[:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// parseISODatetime parses "YYYY-MM-DD HH:MM:SS[.f...]" (or with T) with at most fsp
// fractional digits, so that no rounding applies.
func parseISODatetime(s string, fsp int) (time.Time, bool) {
	if len(s) < 19 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		if len(s) == 10 {
			return parseISODate(s)
		}
		return time.Time{}, false
	}
	d, ok := parseISODate(s[:10])
	if !ok {
		return time.Time{}, false
	}
	h, ok1 := digits(s[11:13])
	mi, ok2 := digits(s[14:16])
	se, ok3 := digits(s[17:19])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || se > 59 {
		return time.Time{}, false
	}
	ns := 0
	if len(s) > 19 {
		frac := s[20:]
		if s[19] != '.' || len(frac) == 0 || len(frac) > fsp {
			return time.Time{}, false
		}
		f, ok := digits(frac)
		if !ok {
			return time.Time{}, false
		}
		for i := len(frac); i < 9; i++ {
			f *= 10
		}
		ns = f
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, mi, se, ns, time.UTC), true
}

func firstInvalid(s string) int {
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w <= 1 {
			return i
		}
		i += w
	}
	return -1
}

// shortValue quotes a value for a message, cut to 40 characters.
func shortValue(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		return strconv.Quote(string(r[:40])) + fmt.Sprintf("... (%d characters)", len(r))
	}
	return strconv.Quote(s)
}
