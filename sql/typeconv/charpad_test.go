package typeconv_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/sqltypes"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/typeconv"
)

func TestIsChar(t *testing.T) {
	char3 := types.MustCreateString(sqltypes.Char, 3, sql.Collation_Default)
	binChar := types.MustCreateString(sqltypes.Char, 3, sql.Collation_binary) // BINARY(3)
	require.True(t, typeconv.IsChar(char3))
	require.True(t, typeconv.IsChar(types.MustCreateString(sqltypes.Char, 3, sql.Collation_utf8mb4_general_ci)))
	require.False(t, typeconv.IsChar(binChar))
	require.False(t, typeconv.IsChar(types.MustCreateString(sqltypes.VarChar, 3, sql.Collation_Default)))
	require.False(t, typeconv.IsChar(types.Text))
	require.False(t, typeconv.IsChar(types.Int32))
	require.False(t, typeconv.IsChar(nil))
}

func TestTrimChar(t *testing.T) {
	for _, c := range []struct {
		in, want string
		cut      bool
	}{
		{"", "", false},
		{"ab", "ab", false},
		{"ab ", "ab", true},
		{"   ", "", true},
		{" a b  ", " a b", true},
		{"a\t", "a\t", false},         // only U+0020
		{"a\t ", "a\t", true},         // spaces after a tab
		{"é  ", "é", true},            // multi-byte text
		{"a\u00a0", "a\u00a0", false}, // NO-BREAK SPACE stays
	} {
		got, cut := typeconv.TrimChar(c.in)
		require.Equal(t, c.want, got, "%q", c.in)
		require.Equal(t, c.cut, cut, "%q", c.in)
		gotB, cutB := typeconv.TrimChar([]byte(c.in))
		require.Equal(t, []byte(c.want), gotB, "%q", c.in)
		require.Equal(t, c.cut, cutB, "%q", c.in)
	}
	v, cut := typeconv.TrimChar(int32(5))
	require.Equal(t, int32(5), v)
	require.False(t, cut)
	v, cut = typeconv.TrimChar(nil)
	require.Nil(t, v)
	require.False(t, cut)
}

// TestTrimCharRow: only CHAR columns lose their trailing spaces; the row passed in is
// never modified, and a row with nothing to remove is returned as it is, without
// allocating.
func TestTrimCharRow(t *testing.T) {
	sch := sql.Schema{
		{Name: "id", Type: types.Int32},
		{Name: "c", Type: types.MustCreateString(sqltypes.Char, 4, sql.Collation_Default)},
		{Name: "v", Type: types.MustCreateString(sqltypes.VarChar, 4, sql.Collation_Default)},
		{Name: "b", Type: types.MustCreateBinary(sqltypes.Binary, 4)},
		{Name: "d", Type: types.MustCreateString(sqltypes.Char, 4, sql.Collation_utf8mb4_bin)},
	}
	row := sql.Row{int32(1), "ab  ", "ab  ", []byte("ab  "), nil}
	got := typeconv.TrimCharRow(sch, row)
	require.Equal(t, sql.Row{int32(1), "ab", "ab  ", []byte("ab  "), nil}, got)
	require.Equal(t, sql.Row{int32(1), "ab  ", "ab  ", []byte("ab  "), nil}, row, "input modified")

	clean := sql.Row{int32(1), "ab", "ab  ", []byte("ab  "), "x"}
	require.Equal(t, 0.0, testing.AllocsPerRun(100, func() {
		if out := typeconv.TrimCharRow(sch, clean); &out[0] != &clean[0] {
			t.Fatal("a row with nothing to remove was copied")
		}
	}))
}
