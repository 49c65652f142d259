package backend

import (
	"errors"
	"fmt"
	"io"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
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
