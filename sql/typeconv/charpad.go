package typeconv

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/sqltypes"
)

// CHAR values without trailing spaces.
//
// MySQL 8 (PAD_CHAR_TO_FULL_LENGTH off, the default) removes the trailing spaces of a
// CHAR value when it is retrieved; storage here keeps the value as it is retrieved, so a
// CHAR value is stored without trailing spaces and 'ab ' and 'ab' written to a CHAR
// column are the same stored value (one canonical encoding, and a duplicate under a
// UNIQUE index). Only U+0020 is removed, not tabs or other white space. CHAR of the
// binary character set is BINARY in GMS (another type, padded with 0x00 by MySQL) and is
// left alone, as are VARCHAR and TEXT.
//
// The removal is the writers' job, not the encoders': PutValue, EncodeRow and
// RowCodec.Encode store what they are given, because a lookup key built from a query
// literal must keep its spaces (under a NO PAD collation `c = 'ab '` matches nothing) and
// a row read back from storage must encode to the key it is stored under. Every path that
// writes new values (the table editor's inserts and updates, ALTER TABLE's rewrite,
// imports and LOAD DATA) passes its rows through TrimCharRow or its values through
// TrimChar first.

// IsChar reports whether t is CHAR of a non-binary character set: a type whose values
// are stored without trailing spaces.
func IsChar(t sql.Type) bool { return t != nil && t.Type() == sqltypes.Char }

// TrimChar returns v, a value of a CHAR column (string or []byte; any other value is
// returned as it is), without its trailing spaces, and whether anything was removed. It
// does not allocate: the result shares v's bytes.
func TrimChar(v any) (any, bool) {
	switch x := v.(type) {
	case string:
		n := len(x)
		for n > 0 && x[n-1] == ' ' {
			n--
		}
		if n == len(x) {
			return v, false
		}
		return x[:n], true
	case []byte:
		n := len(x)
		for n > 0 && x[n-1] == ' ' {
			n--
		}
		if n == len(x) {
			return v, false
		}
		return x[:n], true
	}
	return v, false
}

// TrimCharRow returns row, a row of sch about to be written, with the trailing spaces of
// its CHAR values removed (TrimChar). It returns row itself when no value changes (the
// usual case, without allocating), else a copy: row is never modified, since the caller
// (GMS) may still use it. Safe for concurrent use.
func TrimCharRow(sch sql.Schema, row sql.Row) sql.Row {
	var out sql.Row
	for o, c := range sch {
		if o >= len(row) {
			break
		}
		if !IsChar(c.Type) {
			continue
		}
		v, cut := TrimChar(row[o])
		if !cut {
			continue
		}
		if out == nil {
			out = append(make(sql.Row, 0, len(row)), row...)
		}
		out[o] = v
	}
	if out == nil {
		return row
	}
	return out
}
