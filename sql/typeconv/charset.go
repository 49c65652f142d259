package typeconv

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"

	"github.com/dsqldb/dsql/merkle/tuple"
)

// IncorrectStringError is a string value the column's character set cannot hold: a
// character above U+FFFF (4 bytes of UTF-8, an emoji say) for a utf8mb3 column. MySQL
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
// of the string type t cannot hold: one above U+FFFF for utf8mb3 (s is UTF-8, as GMS
// converts every string to; the tuple encoding refuses invalid UTF-8 itself).
func checkCharset(t sql.Type, s string) error {
	st, ok := t.(sql.StringType)
	if !ok || st.CharacterSet() != sql.CharacterSet_utf8mb3 {
		return nil
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xF0 {
			return &IncorrectStringError{Value: s[i:]}
		}
	}
	return nil
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
