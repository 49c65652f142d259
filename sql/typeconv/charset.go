package typeconv

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"

	"github.com/dsqldb/dsql/merkle/tuple"
)

// IncorrectStringError is a string value the column's character set cannot hold: a
// character above U+FFFF (4 bytes of UTF-8, an emoji say) for a utf8mb3 column, a
// character latin1 or ascii has no code for (Unrepresentable). MySQL
// refuses it with error 1366 (ER_TRUNCATED_WRONG_VALUE_FOR_FIELD); ColumnError turns it
// into GMS's error of that message (types.ErrBadCharsetString). It wraps
// tuple.ErrInvalidValue, as the tuple encoding's own refusal did.
type IncorrectStringError struct {
	// Value is the value from its first byte the character set cannot hold.
	Value string
}

func (e *IncorrectStringError) Error() string {
	return fmt.Sprintf("Incorrect string value: '%s'", printableBytes(e.Value))
}

func (e *IncorrectStringError) Unwrap() error { return tuple.ErrInvalidValue }

// checkCharset returns an *IncorrectStringError if s has a character the character set
// of the string type t cannot hold (Unrepresentable; s is UTF-8, as GMS converts every
// string to; the tuple encoding refuses invalid UTF-8 itself).
func checkCharset(t sql.Type, s string) error {
	if i := Unrepresentable(t, s); i >= 0 {
		return &IncorrectStringError{Value: s[i:]}
	}
	return nil
}

// Unrepresentable returns the byte offset in s, a UTF-8 string, of its first character
// the character set of the string type t cannot hold, or -1 if it holds them all (or t
// is no string type): one above U+FFFF for utf8mb3, one above U+007F for ascii, one
// without a code in the character set's encoding otherwise (日 for latin1). GMS keeps
// every string as UTF-8 and encodes it only when a function needs the column's
// character set (HEX, CONVERT), which then failed on such a value. utf8mb4 and binary
// values cost a type check; others a scan of their bytes, and only the non-ASCII
// characters of a non-ASCII value a look-up in the encoding.
func Unrepresentable(t sql.Type, s string) int {
	st, ok := t.(sql.StringType)
	if !ok {
		return -1
	}
	cs := st.CharacterSet()
	switch cs {
	case sql.CharacterSet_utf8mb4, sql.CharacterSet_binary:
		return -1
	case sql.CharacterSet_utf8mb3:
		for i := 0; i < len(s); i++ {
			if s[i] >= 0xF0 {
				return i
			}
		}
		return -1
	}
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return -1
	}
	if cs == sql.CharacterSet_ascii {
		return i
	}
	enc := cs.Encoder()
	if enc == nil {
		return -1
	}
	var buf [utf8.UTFMax]byte
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		if _, ok := enc.EncodeRune(append(buf[:0], s[i:i+size]...)); !ok {
			return i
		}
		i += size
	}
	return -1
}

// ReplaceUnrepresentable returns s with each character the character set of the string
// type t cannot hold (Unrepresentable) replaced by '?', as MySQL stores such a value
// outside strict mode; from is the offset of the first such character.
func ReplaceUnrepresentable(t sql.Type, s string, from int) string {
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:from])
	rest := s[from:]
	for len(rest) > 0 {
		_, size := utf8.DecodeRuneInString(rest)
		if Unrepresentable(t, rest[:size]) >= 0 {
			b.WriteByte('?')
		} else {
			b.WriteString(rest[:size])
		}
		rest = rest[size:]
	}
	return b.String()
}

// printableBytes renders the start of a bad value as MySQL's message does: up to 6
// bytes, each byte outside printable ASCII as \xHH, then "..." if there is more.
func printableBytes(s string) string {
	const show = 6
	var b strings.Builder
	for i := 0; i < len(s) && i < show; i++ {
		if c := s[i]; c >= 0x20 && c < 0x7F {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, `\x%02X`, c)
		}
	}
	if len(s) > show {
		b.WriteString("...")
	}
	return b.String()
}

// ColumnError returns err, an error PutValue returned for column, as the error MySQL
// gives for it: an *IncorrectStringError becomes GMS's types.ErrBadCharsetString
// ("Incorrect string value: '\xF0\x9F\x98\x80' for column 'c' at row 1", MySQL error 1366
// through backend.MySQLError); any other error is wrapped as `column "c": err`. The row
// number is 1: the encoding does not know which row of its statement the row is.
func ColumnError(column string, err error) error {
	var ise *IncorrectStringError
	if errors.As(err, &ise) {
		return types.ErrBadCharsetString.New(printableBytes(ise.Value), column, 1)
	}
	return fmt.Errorf("column %q: %w", column, err)
}
