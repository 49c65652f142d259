package merge

import (
	"strings"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
)

// CHAR values in merged rows.
//
// The SQL layer stores a CHAR value without its trailing spaces (invariant "CHAR is
// trimmed on write", sql/typeconv). A merge whose schemas differ rewrites one side's rows
// into the merged schema (converter.row); when a column is CHAR in the merged schema but
// was VARCHAR or TEXT on that side (ALTER TABLE ... MODIFY c CHAR(n) on the other
// branch, or in a cherry-picked or reverted commit), its values may still end in spaces
// and are trimmed here as the SQL layer would. Primary key values are left as they are:
// the converter keeps keys unchanged so that rows stream in order, and a trimmed key
// could collide with another row's under a NO PAD collation.

// isCharColumn reports whether c is CHAR of a non-binary character set (SQLType as the
// SQL layer spells it: "char(5)", "char(5) COLLATE ..."; BINARY(n) is "binary(n)" and
// bytes-encoded).
func isCharColumn(c repo.Column) bool {
	return c.Type.Enc == tuple.StringEnc && strings.HasPrefix(strings.ToLower(c.SQLType), "char(")
}

// trimChar returns v (a String value, []byte) without its trailing U+0020 spaces; v
// itself if there are none. Any other value is returned as it is.
func trimChar(v any) any {
	b, ok := v.([]byte)
	if !ok {
		return v
	}
	n := len(b)
	for n > 0 && b[n-1] == ' ' {
		n--
	}
	return b[:n]
}
