package tuple

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxJSONDepth is the deepest nesting of arrays and objects a JSON document may have
// (MySQL's limit).
const MaxJSONDepth = 100

// CanonicalJSON returns the canonical text of the JSON document doc (RFC 8259, any value at
// the top level), the only form a JSON field stores:
//
//   - no whitespace outside strings;
//   - object members sorted by key: shorter keys (in UTF-8 bytes) first, keys of equal
//     length bytewise (MySQL's order); of duplicate keys the last one wins (as in MySQL);
//   - strings are UTF-8; '"' and '\' are escaped with a backslash, U+0008, U+0009, U+000A,
//     U+000C and U+000D as \b \t \n \f \r, other code points below U+0020 as \u00XX (lower
//     case hex); every other code point, '/' included, is written as itself. Input escapes
//     are decoded; lone surrogates and invalid UTF-8 are refused;
//   - a number written without fraction or exponent that fits int64 (or else uint64) is an
//     integer, written in decimal without sign for 0 ("-0" becomes "0");
//   - any other number is a float64 (nearest; a number that overflows to ±Inf is refused,
//     one that underflows becomes 0). -0 becomes 0. It is written as the shortest decimal
//     that reads back as the same float64: in plain notation with at least one fractional
//     digit ("100.0", "0.5") when 1e-6 <= |f| < 1e21 or f == 0, else in exponent notation
//     ("1e+21", "1.5e-07"). So 1 and 1.0 are different values, as in MySQL;
//   - true, false, null as such; nesting at most MaxJSONDepth deep.
//
// Errors wrap ErrInvalidJSON.
func CanonicalJSON(doc []byte) ([]byte, error) {
	return appendCanonicalJSON(nil, doc)
}

func appendCanonicalJSON(dst, doc []byte) ([]byte, error) {
	p := jsonParser{s: doc}
	dst, err := p.value(dst)
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.i != len(p.s) {
		return nil, p.errorf("unexpected %q after the document", p.s[p.i])
	}
	return dst, nil
}

type jsonParser struct {
	s     []byte
	i     int
	depth int
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: at byte %d: %s", ErrInvalidJSON, p.i, fmt.Sprintf(format, args...))
}

func (p *jsonParser) skipWS() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(dst []byte) ([]byte, error) {
	p.skipWS()
	if p.i >= len(p.s) {
		return nil, p.errorf("unexpected end of document")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(dst)
	case c == '[':
		return p.array(dst)
	case c == '"':
		s, err := p.str(nil)
		if err != nil {
			return nil, err
		}
		return appendJSONString(dst, s), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number(dst)
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if bytes.HasPrefix(p.s[p.i:], []byte(lit)) {
			p.i += len(lit)
			return append(dst, lit...), nil
		}
	}
	return nil, p.errorf("unexpected %q", p.s[p.i])
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > MaxJSONDepth {
		return p.errorf("nested deeper than %d", MaxJSONDepth)
	}
	return nil
}

func (p *jsonParser) array(dst []byte) ([]byte, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.i++ // '['
	dst = append(dst, '[')
	p.skipWS()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		p.depth--
		return append(dst, ']'), nil
	}
	for {
		var err error
		if dst, err = p.value(dst); err != nil {
			return nil, err
		}
		p.skipWS()
		if p.i >= len(p.s) {
			return nil, p.errorf("unterminated array")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			dst = append(dst, ',')
		case ']':
			p.i++
			p.depth--
			return append(dst, ']'), nil
		default:
			return nil, p.errorf("expected ',' or ']', got %q", p.s[p.i])
		}
	}
}

type jsonMember struct {
	key []byte // decoded UTF-8
	val []byte // canonical text
}

func compareJSONKeys(a, b []byte) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return bytes.Compare(a, b)
}

func (p *jsonParser) object(dst []byte) ([]byte, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.i++ // '{'
	var members []jsonMember
	p.skipWS()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		p.depth--
		return append(dst, "{}"...), nil
	}
	for {
		p.skipWS()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, p.errorf("expected an object key")
		}
		key, err := p.str(nil)
		if err != nil {
			return nil, err
		}
		p.skipWS()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.errorf("expected ':' after an object key")
		}
		p.i++
		val, err := p.value(nil)
		if err != nil {
			return nil, err
		}
		members = append(members, jsonMember{key: key, val: val})
		p.skipWS()
		if p.i >= len(p.s) {
			return nil, p.errorf("unterminated object")
		}
		if p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.s[p.i] != '}' {
			return nil, p.errorf("expected ',' or '}', got %q", p.s[p.i])
		}
		p.i++
		break
	}
	p.depth--
	// Stable: of equal keys the last one in the document ends its run and wins.
	slices.SortStableFunc(members, func(a, b jsonMember) int { return compareJSONKeys(a.key, b.key) })
	dst = append(dst, '{')
	first := true
	for j, m := range members {
		if j+1 < len(members) && bytes.Equal(m.key, members[j+1].key) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendJSONString(dst, m.key)
		dst = append(dst, ':')
		dst = append(dst, m.val...)
	}
	return append(dst, '}'), nil
}

// str parses a string starting at the opening quote and appends its decoded UTF-8 to dst.
func (p *jsonParser) str(dst []byte) ([]byte, error) {
	p.i++ // '"'
	for {
		start := p.i
		for p.i < len(p.s) {
			c := p.s[p.i]
			if c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
				break
			}
			p.i++
		}
		dst = append(dst, p.s[start:p.i]...)
		if p.i >= len(p.s) {
			return nil, p.errorf("unterminated string")
		}
		switch c := p.s[p.i]; {
		case c == '"':
			p.i++
			return dst, nil
		case c < 0x20:
			return nil, p.errorf("control character %#02x in a string", c)
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(p.s[p.i:])
			if r == utf8.RuneError && n == 1 {
				return nil, p.errorf("invalid UTF-8 in a string")
			}
			dst = append(dst, p.s[p.i:p.i+n]...)
			p.i += n
		default: // backslash
			var err error
			if dst, err = p.escape(dst); err != nil {
				return nil, err
			}
		}
	}
}

func (p *jsonParser) escape(dst []byte) ([]byte, error) {
	if p.i+1 >= len(p.s) {
		return nil, p.errorf("unterminated escape")
	}
	c := p.s[p.i+1]
	p.i += 2
	switch c {
	case '"', '\\', '/':
		return append(dst, c), nil
	case 'b':
		return append(dst, '\b'), nil
	case 'f':
		return append(dst, '\f'), nil
	case 'n':
		return append(dst, '\n'), nil
	case 'r':
		return append(dst, '\r'), nil
	case 't':
		return append(dst, '\t'), nil
	case 'u':
		r, err := p.hex4()
		if err != nil {
			return nil, err
		}
		if utf16.IsSurrogate(r) {
			if r >= 0xDC00 || p.i+1 >= len(p.s) || p.s[p.i] != '\\' || p.s[p.i+1] != 'u' {
				return nil, p.errorf("lone surrogate \\u%04x", r)
			}
			p.i += 2
			r2, err := p.hex4()
			if err != nil {
				return nil, err
			}
			if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
				return nil, p.errorf("invalid surrogate pair")
			}
		}
		return utf8.AppendRune(dst, r), nil
	}
	return nil, p.errorf("invalid escape \\%c", c)
}

func (p *jsonParser) hex4() (rune, error) {
	if p.i+4 > len(p.s) {
		return 0, p.errorf("short \\u escape")
	}
	var r rune
	for _, c := range p.s[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, p.errorf("invalid \\u escape")
		}
	}
	p.i += 4
	return r, nil
}

func (p *jsonParser) digits() int {
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	return p.i - start
}

func (p *jsonParser) number(dst []byte) ([]byte, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	intStart := p.i
	if n := p.digits(); n == 0 {
		return nil, p.errorf("invalid number")
	} else if n > 1 && p.s[intStart] == '0' {
		return nil, p.errorf("number with a leading zero")
	}
	integer := true
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		integer = false
		if p.digits() == 0 {
			return nil, p.errorf("invalid number: no digit after '.'")
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		integer = false
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return nil, p.errorf("invalid number: no digit in the exponent")
		}
	}
	text := string(p.s[start:p.i])
	if integer {
		if v, err := strconv.ParseInt(text, 10, 64); err == nil {
			return strconv.AppendInt(dst, v, 10), nil
		}
		if text[0] != '-' {
			if v, err := strconv.ParseUint(text, 10, 64); err == nil {
				return strconv.AppendUint(dst, v, 10), nil
			}
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, p.errorf("invalid number %q", text)
	}
	if math.IsInf(f, 0) {
		return nil, p.errorf("number %q out of the float64 range", text)
	}
	return appendJSONFloat(dst, f), nil
}

func appendJSONFloat(dst []byte, f float64) []byte {
	if f == 0 {
		return append(dst, "0.0"...)
	}
	if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
		start := len(dst)
		dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
		if bytes.IndexByte(dst[start:], '.') < 0 {
			dst = append(dst, ".0"...)
		}
		return dst
	}
	return strconv.AppendFloat(dst, f, 'e', -1, 64)
}

const hexDigits = "0123456789abcdef"

func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i, c := range s {
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		start = i + 1
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
