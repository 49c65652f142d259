package backend

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
)

// TestStringTooLong: a value too long for its string column is cut to whole characters
// (bytes for binary types and TEXT), and a cut of trailing spaces alone is told apart.
func TestStringTooLong(t *testing.T) {
	ctx := sql.NewEmptyContext()
	varchar3 := types.MustCreateString(sqltypes.VarChar, 3, sql.Collation_Default)
	varbinary3 := types.MustCreateBinary(sqltypes.VarBinary, 3)
	for _, c := range []struct {
		typ    sql.Type
		v      any
		cut    any // nil: not too long
		spaces bool
	}{
		{varchar3, "abc", nil, false},
		{varchar3, "abcd", "abc", false},
		{varchar3, "éééé", "ééé", false},
		{varchar3, "ééé", nil, false},
		{varchar3, "ab   ", "ab ", true},
		{varchar3, "abc d", "abc", false},
		{varchar3, 12345, "123", false},
		{varbinary3, []byte("abcd"), []byte("abc"), false},
		{varbinary3, "ab  ", "ab ", false}, // binary: spaces are data
		{types.TinyText, string(make([]byte, 300)), string(make([]byte, 255)), false},
		{types.Int32, 5, nil, false},
	} {
		cut, tooLong, spaces := stringTooLong(ctx, c.typ, c.v)
		if tooLong != (c.cut != nil) || tooLong && (string(anyBytes(cut)) != string(anyBytes(c.cut)) || spaces != c.spaces) {
			t.Errorf("%s %q: cut %q, too long %v, spaces %v; want %q, %v", c.typ, c.v, cut, tooLong, spaces, c.cut, c.spaces)
		}
	}
}

func anyBytes(v any) []byte {
	switch x := v.(type) {
	case string:
		return []byte(x)
	case []byte:
		return x
	}
	return nil
}

// TestNumberOutOfRange: an integer out of its column's range takes the bound on its
// side (GMS's conversion wrapped -1 around to 4294967295 for INT UNSIGNED).
func TestNumberOutOfRange(t *testing.T) {
	ctx := sql.NewEmptyContext()
	for _, c := range []struct {
		typ  sql.Type
		v    any
		want any // nil: in range
	}{
		{types.Int8, 300, int8(127)},
		{types.Int8, -300, int8(-128)},
		{types.Int8, 5, nil},
		{types.Uint32, -1, uint32(0)},
		{types.Uint32, int64(5000000000), uint32(4294967295)},
		{types.Uint64, -5, uint64(0)},
	} {
		got, out := numberOutOfRange(ctx, c.typ, c.v)
		if out != (c.want != nil) || out && got != c.want {
			t.Errorf("%s %v: %v (%T), out %v; want %v (%T)", c.typ, c.v, got, got, out, c.want, c.want)
		}
	}
}

// TestMySQLTextDataTooLong: GMS's too-long error reaches the client in MySQL's words.
func TestMySQLTextDataTooLong(t *testing.T) {
	for _, err := range []error{
		types.ErrLengthBeyondLimit.New("toolong", "c"),
		mysql.NewSQLError(mysql.ERDataTooLong, mysql.SSUnknownSQLState, "string 'toolong' is too large for column 'c'"),
	} {
		got := MySQLError(err)
		se, ok := got.(*mysql.SQLError)
		if !ok || se.Num != mysql.ERDataTooLong || se.State != "22001" || se.Message != "Data too long for column 'c' at row 1; store a shorter value, or widen the column (ALTER TABLE ... MODIFY)" {
			t.Errorf("%v: %v", err, got)
		}
	}
	// A conversion that names the type, not a column, keeps GMS's text.
	got := MySQLError(types.ErrLengthBeyondLimit.New("toolong", "varchar(3)"))
	if se, ok := got.(*mysql.SQLError); !ok || se.Num != mysql.ERDataTooLong || se.Message != "string 'toolong' is too large for column 'varchar(3)'" {
		t.Errorf("type-named: %v", got)
	}
}
