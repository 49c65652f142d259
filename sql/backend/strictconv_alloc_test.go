package backend

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/sqltypes"
)

// TestFitColumnCommonCaseAllocs: the checks of strictconv.go cost no allocation for the
// values of sysbench's one-row INSERT and UPDATE (integers, utf8mb4 CHAR and VARCHAR
// strings, a DATETIME that is no zero date), on the write path of every row.
func TestFitColumnCommonCaseAllocs(t *testing.T) {
	ctx := sql.NewEmptyContext()
	char120 := types.MustCreateString(sqltypes.Char, 120, sql.Collation_utf8mb4_0900_bin)
	varchar := types.MustCreateString(sqltypes.VarChar, 60, sql.Collation_Default)
	latin1 := types.MustCreateString(sqltypes.VarChar, 60, sql.Collation_latin1_swedish_ci)
	for _, c := range []struct {
		typ sql.Type
		v   any
	}{
		{types.Int32, int64(42)},
		{types.Int32, "17"},
		{types.Uint32, int64(7)},
		{types.MustCreateDecimalType(10, 2), "12.50"},
		{char120, "83868641912-28773972837-60736120486-75162659906-27563526494"},
		{varchar, "日本語 and ascii"},
		{varchar, ""},
		{latin1, "plain ascii"},
		{types.DatetimeMaxPrecision, "2024-01-02 03:04:05"},
	} {
		var err error
		if n := testing.AllocsPerRun(100, func() { _, err = fitColumn(ctx, c.typ, "c", c.v, 1, false, true) }); n != 0 || err != nil {
			t.Errorf("%s %q: %v allocations, %v", c.typ, c.v, n, err)
		}
	}
}
