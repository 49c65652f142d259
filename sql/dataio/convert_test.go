package dataio

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// TestEncodeFieldLikeConvert: for every value the import's fast path takes, the bytes it
// puts in a tuple are those of convert's value put by typeconv; every value it refuses
// is left to convert (which may accept it on its slow path or give the error).
func TestEncodeFieldLikeConvert(t *testing.T) {
	ctx := sql.NewContext(context.Background())
	types := []string{"TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT", "TINYINT UNSIGNED",
		"SMALLINT UNSIGNED", "MEDIUMINT UNSIGNED", "INT UNSIGNED", "BIGINT UNSIGNED", "DOUBLE",
		"VARCHAR(5)", "TEXT", "CHAR(3)", "DATE", "DATETIME", "DATETIME(3)", "DATETIME(6)",
		"DECIMAL(10,2)", "FLOAT", "TIMESTAMP", "VARBINARY(4)", "YEAR", "ENUM('a','b')", "TIME", "JSON"}
	values := []string{"0", "1", "-1", "-0", "007", "127", "128", "-128", "-129", "255", "256", "32767",
		"-32768", "65535", "8388607", "-8388608", "16777215", "16777216", "2147483647", "-2147483648",
		"4294967295", "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
		"-9223372036854775809", "18446744073709551615", "18446744073709551616", "00000000000000000001",
		"-0000000000000000001", "1.5", "-2.25e3", ".5", "5.", "+3", "1e400", "1e-400", "NaN", "inf",
		"0x10", "1_0", "true", "false", " 1", "1 ", "abc", "abcde", "abcdef", "ééé", "éééé", "\xff",
		"2024-02-29", "2023-02-29", "2000-02-29", "1900-02-29", "0000-01-01", "0001-01-01",
		"9999-12-31", "2024-13-01", "2024-00-10", "2024-01-00", "2024-1-1", "2024-04-31",
		"2024-01-02 03:04:05", "2024-01-02T03:04:05", "2024-01-02 24:00:00", "2024-01-02 23:59:60",
		"2024-01-02 03:04:05.1", "2024-01-02 03:04:05.123", "2024-01-02 03:04:05.1234",
		"2024-01-02 03:04:05.123456", "2024-01-02 03:04:05.1234567", "2024-01-02 03:04:05.",
		"2024-01-02 03:04:05.x", "2024-01-02 3:04:05", "12.345", "a", "b", "{}", "[1]", "12:00:00"}
	for _, ts := range types {
		typ, err := typeconv.TypeFor(ts)
		require.NoError(t, err, ts)
		col := &sql.Column{Name: "c", Type: typ, Nullable: true}
		c := newColConv(col)
		d, err := typeconv.Desc(sql.Schema{col}, []int{0})
		require.NoError(t, err)
		fast, slow := tuple.NewBuilder(d), tuple.NewBuilder(d)
		taken := 0
		for _, v := range values {
			if !c.encodeField(ctx, fast, 0, []byte(v)) {
				fast.Reset()
				continue
			}
			taken++
			got, err := fast.Build()
			require.NoError(t, err, "%s %q", ts, v)
			cv, reason := c.convert(ctx, v)
			require.Empty(t, reason, "%s %q: the fast path took a value convert refuses", ts, v)
			require.NoError(t, typeconv.PutValue(slow, 0, typ, cv))
			want, err := slow.Build()
			require.NoError(t, err)
			require.True(t, bytes.Equal(want, got), "%s %q: fast %x, convert %x", ts, v, got, want)
			if c.fast == fastInt || c.fast == fastUint {
				n, ok := c.autoValue([]byte(v))
				if ok {
					require.Equal(t, fmt.Sprint(cv), fmt.Sprint(n), "%s %q", ts, v)
				}
			}
		}
		if c.fast != fastGeneric {
			require.Positive(t, taken, ts)
		}
	}
}
