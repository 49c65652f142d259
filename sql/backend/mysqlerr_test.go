package backend

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
)

func TestMySQLError(t *testing.T) {
	check := sql.ErrCheckConstraintViolated.New("chk_b")
	cases := []struct {
		name string
		err  error
		want int // 0: unchanged
	}{
		{"kind", check, 3819},
		{"wrapped insert error", sql.NewWrappedInsertError(sql.Row{1}, check), 3819},
		{"1105 from GMS's handler", sql.CastSQLError(check), 3819},
		{"1105 with a wrapping prefix", sql.CastSQLError(fmt.Errorf("while inserting: %w", check)), 3819},
		{"privileges, 1105", sql.CastSQLError(sql.ErrPrivilegeCheckFailed.New("'u'@'%'")), 1142},
		{"database access", sql.ErrDatabaseAccessDeniedForUser.New("'u'@'%'", "db"), 1044},
		{"read-only server", sql.CastSQLError(sql.ErrReadOnly.New()), 1290},
		{"unresolved foreign key, 1105", sql.CastSQLError(sql.ErrForeignKeyNotResolved.New("db", "c", "fk", "v", "p", "v")), 1452},
		{"out of range, 1105", sql.CastSQLError(sql.NewWrappedInsertError(sql.Row{1}, sql.ErrValueOutOfRange.New(999, "tinyint"))), 1264},
		{"out of range, wrapped with %w", fmt.Errorf("column c: %w", sql.ErrValueOutOfRange.New(999, "tinyint")), 1264},
		{"out of range in a type conversion error", sql.WrappedTypeConversionError{Err: sql.ErrValueOutOfRange.New(999, "tinyint")}, 1264},
		{"decimal out of range, 1105", sql.CastSQLError(types.ErrConvertToDecimalLimit.New()), 1264},
		{"data too long, 1105", sql.CastSQLError(types.ErrLengthBeyondLimit.New("toolong", "vc")), 1406},
		{"bad datetime, 1105", sql.CastSQLError(types.ErrConvertingToTime.New("x")), 1292},
		{"enum value, 1105", sql.CastSQLError(types.ErrDataTruncatedForColumnAtRow.New("e", 1)), 1265},
		{"JSON column value, 1105", sql.CastSQLError(sql.ErrInvalidJson.New("bad")), 3140},
		{"no default, 1105", sql.CastSQLError(sql.ErrInsertIntoNonNullableDefaultNullColumn.New("a")), 1364},
		{"value count, 1105", sql.CastSQLError(sql.ErrInsertIntoMismatchValueCount.New()), 1136},
		{"unknown column, 1105", sql.CastSQLError(sql.ErrColumnNotFound.New("nope")), 1054},
		{"ambiguous column, 1105", sql.CastSQLError(sql.ErrAmbiguousColumnName.New("id", []string{"a", "b"})), 1052},
		{"unknown function, 1105", sql.CastSQLError(sql.ErrFunctionNotFound.New("f")), 1305},
		{"duplicate column, 1105", sql.CastSQLError(sql.ErrDuplicateColumn.New("a")), 1060},
		// Kind.Wrap appends ": cause"; the wrapping kind wins over the wrapped one
		{"invalid default wrapping out of range, 1105", sql.CastSQLError(sql.ErrIncompatibleDefaultType.Wrap(sql.ErrValueOutOfRange.New(1000, "tinyint"))), 1067},
		{"invalid default wrapping out of range", sql.ErrIncompatibleDefaultType.Wrap(sql.ErrValueOutOfRange.New(1000, "tinyint")), 1067},
		{"syntax error, 1105", sql.CastSQLError(sql.ErrSyntaxError.New("syntax error at position 6 near 'SELEC'")), 1064},
		{"syntax error kind", sql.ErrSyntaxError.New("syntax error at position 6 near 'SELEC'"), 1064},
		{"other 1105", sql.CastSQLError(errors.New("something else")), 0},
		{"a kind whose format is all verbs does not match by message", sql.CastSQLError(errors.New("x: y")), 0},
		{"GMS code kept", sql.CastSQLError(sql.ErrLockDeadlock.New("x")), 0},
		{"plain error", errors.New("Check constraint"), 0},
	}
	for _, c := range cases {
		got := MySQLError(c.err)
		if c.want == 0 {
			if got != c.err {
				t.Errorf("%s: MySQLError changed %v into %v", c.name, c.err, got)
			}
			continue
		}
		var se *mysql.SQLError
		if !errors.As(got, &se) || se.Num != c.want {
			t.Errorf("%s: MySQLError(%v) = %v, want code %d", c.name, c.err, got, c.want)
		}
	}
	// GMS's own codes keep their number and get MySQL's SQLSTATE instead of HY000.
	for _, c := range []struct {
		err   error
		code  int
		state string
	}{
		{sql.ErrPrimaryKeyViolation.New(), 1062, "23000"},
		{sql.ErrTableNotFound.New("t"), 1146, "42S02"},
		{sql.ErrForeignKeyChildViolation.New("fk", "c", "p", "[1]"), 1452, "23000"},
		{sql.ErrExpectedSingleRow.New(), 1242, "21000"},
		{sql.ErrLockDeadlock.New("x"), 1213, "40001"},
		{sql.ErrInvalidValue.New("abc", "int"), 1366, "HY000"},
	} {
		cast := sql.CastSQLError(c.err)
		var se *mysql.SQLError
		if got := MySQLError(cast); !errors.As(got, &se) || se.Num != c.code || se.State != c.state || se.Message != cast.Message {
			t.Errorf("MySQLError(%v) = %v, want %d (%s) with the same message", cast, got, c.code, c.state)
		}
	}
	// 1048 in MySQL's words.
	if got := MySQLError(sql.CastSQLError(sql.ErrInsertIntoNonNullableProvidedNull.New("a"))); got.Error() != "Column 'a' cannot be null; give it a value, or allow NULL (ALTER TABLE ... MODIFY) (errno 1048) (sqlstate 23000)" {
		t.Errorf("1048: %v", got)
	}
	if MySQLError(nil) != nil {
		t.Error("MySQLError(nil) != nil")
	}
}
