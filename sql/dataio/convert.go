package dataio

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
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
	maxChar int64
	maxByte int64
	fsp     int // DATETIME precision
}

func newColConv(c *sql.Column) *colConv {
	cc := &colConv{name: c.Name, typ: c.Type, kind: c.Type.Type()}
	cc.integer = types.IsInteger(c.Type)
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
		}
	}
	return cc
}

func collationOK(st sql.StringType) (bool, error) {
	return st.CharacterSet() == sql.CharacterSet_utf8mb4, nil
}

// convert returns the column value of v (nil, string, json.Number, bool, RawJSON or a
// typed value), or
// a reason why it is not one.
func (c *colConv) convert(ctx *sql.Context, v any) (any, string) {
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
