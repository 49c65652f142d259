package backend

import (
	"errors"
	"regexp"
	"strings"
	"sync"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
)

// MySQL error codes for GMS errors.
//
// GMS's wire handler turns every error into a *mysql.SQLError with sql.CastSQLError,
// which knows the codes of many GMS error kinds but sends the rest as ER_UNKNOWN_ERROR
// (1105), and the errors of GMS's own execution (a CHECK constraint, a privilege check)
// never pass through dsql code on the way. MySQLError is the one place that gives such
// errors MySQL's code: the server applies it to what the handler returns, and anything
// that holds the original error value can too.

// mysqlCode is a GMS error kind CastSQLError sends as 1105 and MySQL's code for it.
type mysqlCode struct {
	is     func(error) bool // the kind's Is
	format string           // the kind's message format
	code   int
	state  string
	re     *regexp.Regexp // matches the messages format makes (compiled lazily)
}

var mysqlCodes = []*mysqlCode{
	// ER_CHECK_CONSTRAINT_VIOLATED
	{is: sql.ErrCheckConstraintViolated.Is, format: sql.ErrCheckConstraintViolated.Message, code: 3819, state: "HY000"},
	// ER_TABLEACCESS_DENIED_ERROR
	{is: sql.ErrPrivilegeCheckFailed.Is, format: sql.ErrPrivilegeCheckFailed.Message, code: 1142, state: "42000"},
	{is: sql.ErrTableAccessDeniedForUser.Is, format: sql.ErrTableAccessDeniedForUser.Message, code: 1142, state: "42000"},
	// ER_DBACCESS_DENIED_ERROR
	{is: sql.ErrDatabaseAccessDeniedForUser.Is, format: sql.ErrDatabaseAccessDeniedForUser.Message, code: 1044, state: "42000"},
	// ER_TABLE_EXISTS_ERROR
	{is: sql.ErrTableAlreadyExists.Is, format: sql.ErrTableAlreadyExists.Message, code: mysql.ERTableExists, state: "42S01"},
	// ER_OPTION_PREVENTS_STATEMENT (the server runs read-only)
	{is: sql.ErrReadOnly.Is, format: sql.ErrReadOnly.Message, code: 1290, state: "HY000"},
	// ER_NO_REFERENCED_ROW_2: a foreign key created with foreign_key_checks=0 whose
	// existing child rows lack a parent when it is first used (foreignkey.go)
	{is: sql.ErrForeignKeyNotResolved.Is, format: sql.ErrForeignKeyNotResolved.Message, code: mysql.ErNoReferencedRow2, state: "23000"},
	// ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: a string the column's character set cannot hold
	// (invalid UTF-8, or a character above U+FFFF for utf8mb3: typeconv.ColumnError)
	{is: types.ErrBadCharsetString.Is, format: types.ErrBadCharsetString.Message, code: mysql.ERTruncatedWrongValueForField, state: "HY000"},
}

var compileCodes sync.Once

// fmtVerb matches a fmt verb of an error kind's message.
var fmtVerb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)

// messagePattern turns a kind's fmt message into a regexp matching every message it
// formats (each verb matches anything; a wrapping prefix "...: " is allowed).
func messagePattern(format string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^(?:.*: )?`)
	last := 0
	for _, loc := range fmtVerb.FindAllStringIndex(format, -1) {
		b.WriteString(regexp.QuoteMeta(strings.ReplaceAll(format[last:loc[0]], "%%", "%")))
		b.WriteString(`.*`)
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(strings.ReplaceAll(format[last:], "%%", "%")))
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// MySQLError returns err as a MySQL client should see it: a GMS error of a kind in the
// table above (or the 1105 *mysql.SQLError GMS's handler made of one) becomes a
// *mysql.SQLError with MySQL's code and SQLSTATE and the same message; anything else is
// returned unchanged (GMS's sql.CastSQLError handles it).
func MySQLError(err error) error {
	if err == nil {
		return nil
	}
	var se *mysql.SQLError
	if errors.As(err, &se) {
		if se.Num != mysql.ERUnknownError {
			return err
		}
		compileCodes.Do(func() {
			for _, c := range mysqlCodes {
				c.re = messagePattern(c.format)
			}
		})
		for _, c := range mysqlCodes {
			if c.re.MatchString(se.Message) {
				return mysql.NewSQLError(c.code, c.state, "%s", se.Message)
			}
		}
		return err
	}
	for _, c := range mysqlCodes {
		if c.is(err) {
			return mysql.NewSQLError(c.code, c.state, "%s", err.Error())
		}
	}
	if w, ok := err.(sql.WrappedInsertError); ok {
		if m := MySQLError(w.Cause); m != w.Cause {
			return m
		}
	}
	return err
}
