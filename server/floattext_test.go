package server

import (
	"testing"

	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
)

// TestMySQLFloats: the text-result callback rewrites FLOAT and DOUBLE values as MySQL
// writes them (typeconv.AppendFloat), in a result that carries its columns and in the
// later results of the same statement that carry only rows (as GMS's handler sends
// them), and leaves NULLs and other columns alone. (The mysql CLI shows it end to end:
// integration-tests TestMySQLCLI; go-sql-driver parses numbers itself, so it cannot.)
func TestMySQLFloats(t *testing.T) {
	fields := []*querypb.Field{{Name: "x", Type: querypb.Type_FLOAT32}, {Name: "d", Type: querypb.Type_FLOAT64}, {Name: "s", Type: querypb.Type_VARCHAR}}
	row := func(x, d, s string) []sqltypes.Value {
		v := func(typ querypb.Type, s string) sqltypes.Value {
			if s == "" {
				return sqltypes.NULL
			}
			return sqltypes.MakeTrusted(typ, []byte(s))
		}
		return []sqltypes.Value{v(sqltypes.Float32, x), v(sqltypes.Float64, d), v(sqltypes.VarChar, s)}
	}
	var got [][]string
	cb := mysqlFloats(func(r *sqltypes.Result, _ bool) error {
		for _, rw := range r.Rows {
			var out []string
			for _, v := range rw {
				if v.IsNull() {
					out = append(out, "NULL")
				} else {
					out = append(out, v.ToString())
				}
			}
			got = append(got, out)
		}
		return nil
	})
	results := []*sqltypes.Result{
		{Fields: fields},
		{Rows: [][]sqltypes.Value{row("1.234567e+06", "1.234567e+06", "1e+06"), row("", "1e-16", "x")}},
		{Rows: [][]sqltypes.Value{row("1.5e-07", "1e+14", "y")}},
	}
	for _, r := range results {
		if err := cb(r, false); err != nil {
			t.Fatal(err)
		}
	}
	want := [][]string{{"1234570", "1234567", "1e+06"}, {"NULL", "1e-16", "x"}, {"0.00000015", "100000000000000", "y"}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("row %d: got %v, want %v", i, got[i], want[i])
			}
		}
	}
}
