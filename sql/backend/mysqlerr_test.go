package backend

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
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
		{"other 1105", sql.CastSQLError(errors.New("something else")), 0},
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
	if MySQLError(nil) != nil {
		t.Error("MySQLError(nil) != nil")
	}
}
