package dataio_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/dataio"
	"github.com/dsqldb/dsql/sql/session"
)

const allTypes = `CREATE TABLE k (
  id INT PRIMARY KEY, ti TINYINT, si SMALLINT, mi MEDIUMINT, bi BIGINT NOT NULL,
  tu TINYINT UNSIGNED, su SMALLINT UNSIGNED, iu INT UNSIGNED, bu BIGINT UNSIGNED,
  f FLOAT, d DOUBLE, d1 DECIMAL(5,2), d2 DECIMAL(15,4), d3 DECIMAL(40,10),
  c CHAR(3), vc VARCHAR(40), tx TEXT, e ENUM('x','y','z'), st SET('a','b'),
  j JSON, dt DATE, dtm DATETIME(6), ts TIMESTAMP(3), tm TIME, yr YEAR,
  bn BINARY(4), vb VARBINARY(10), bl BLOB, bt BIT(10), KEY (vc))`

var allTypesRows = []string{
	"(1, -128, -32768, -8388608, -9223372036854775808, 0, 0, 0, 0, -1.5, -2.25e-300, -999.99, -12345678901.2345, -123456789012345678901234567890.0123456789, 'a', 'grüße 日本', 'long\ntext', 'x', 'a,b', '{\"k\": [1, null]}', '1901-02-03', '1969-12-31 23:59:59.999999', '1999-01-01 00:00:00.001', '-838:59:59', 1901, 0x00010203, 0x, 0xff00, b'1111111111')",
	"(2, 127, 32767, 8388607, 9223372036854775807, 255, 65535, 4294967295, 18446744073709551615, 3.25, 1.7976931348623157e308, 999.99, 12345678901.2345, 123456789012345678901234567890.0123456789, 'abc', '', '', 'z', '', '[]', '9999-12-31', '2024-02-29 12:34:56.123456', '2038-01-19 03:14:07.999', '838:59:59', 2155, 0xffffffff, 0x0102, '', 0)",
	"(3, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
}

// exportTable exports table of db's working root in format f.
func (e *env) exportTable(db, table string, f dataio.Format) []byte {
	e.t.Helper()
	ctx := e.ctx(db)
	d, _ := e.prov.Lookup(db)
	root, err := ctx.Session.(*session.Session).WorkingRoot(ctx, d)
	require.NoError(e.t, err)
	tbl, ok, err := root.Table(ctx, table)
	require.NoError(e.t, err)
	require.True(e.t, ok)
	var b bytes.Buffer
	_, err = dataio.Export(ctx, tbl, &b, dataio.ExportOptions{Format: f})
	require.NoError(e.t, err)
	return b.Bytes()
}

// TestParquetRoundTrip exports a table of every mapped type (extremes, NULLs, wide
// decimals, binary) to Parquet and imports it back: the same table hash, and the file's
// Parquet schema has the expected logical types in table order.
func TestParquetRoundTrip(t *testing.T) {
	e := newEnv(t)
	e.exec("a", allTypes, "INSERT INTO k VALUES "+strings.Join(allTypesRows, ", "))
	want := e.tableHash("a", "k")
	out := e.exportTable("a", "k", dataio.Parquet)

	f, err := parquet.OpenFile(bytes.NewReader(out), int64(len(out)))
	require.NoError(t, err)
	require.Equal(t, int64(3), f.NumRows())
	var got []string
	for _, fl := range f.Schema().Fields() {
		s := fl.Name() + ":" + fl.Type().String()
		if fl.Optional() {
			s += "?"
		}
		got = append(got, s)
	}
	require.Equal(t, []string{
		"id:INT(32,true)", "ti:INT(8,true)?", "si:INT(16,true)?", "mi:INT(32,true)?", "bi:INT(64,true)",
		"tu:INT(8,false)?", "su:INT(16,false)?", "iu:INT(32,false)?", "bu:INT(64,false)?",
		"f:FLOAT?", "d:DOUBLE?", "d1:DECIMAL(5,2)?", "d2:DECIMAL(15,4)?", "d3:DECIMAL(40,10)?",
		"c:STRING?", "vc:STRING?", "tx:STRING?", "e:STRING?", "st:STRING?", "j:JSON?", "dt:DATE?",
		"dtm:TIMESTAMP(isAdjustedToUTC=false,unit=MICROS)?", "ts:TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)?",
		"tm:STRING?", "yr:INT(16,true)?", "bn:BYTE_ARRAY?", "vb:BYTE_ARRAY?", "bl:BYTE_ARRAY?", "bt:INT(64,false)?",
	}, got)

	schema, err := dataio.SchemaFromDDL(context.Background(), allTypes, "k")
	require.NoError(t, err)
	_, err = e.importText("b", "k", dataio.Parquet, string(out), dataio.ImportOptions{Mode: dataio.Create, Schema: schema})
	require.NoError(t, err)
	require.Equal(t, want, e.tableHash("b", "k"))

	// Replace mode into the existing table, and an export of the import byte for byte.
	_, err = e.importText("b", "k", dataio.Parquet, string(out), dataio.ImportOptions{Mode: dataio.Replace})
	require.NoError(t, err)
	require.Equal(t, want, e.tableHash("b", "k"))
	require.Equal(t, out, e.exportTable("b", "k", dataio.Parquet))
}

// TestParquetFromOtherWriters imports a file as another program writes it (a struct
// schema in name order, BOOLEAN, millisecond timestamps, plain strings) with inferred
// column types, and refuses nested columns and a non-Parquet file.
func TestParquetFromOtherWriters(t *testing.T) {
	type rec struct {
		ID     int64     `parquet:"id"`
		Name   string    `parquet:"name"`
		Active bool      `parquet:"active"`
		Score  *float64  `parquet:"score,optional"`
		At     time.Time `parquet:"at,timestamp(millisecond)"`
	}
	half := 0.5
	var b bytes.Buffer
	w := parquet.NewGenericWriter[rec](&b)
	_, err := w.Write([]rec{
		{ID: 2, Name: "b", Active: false, At: time.Date(2024, 1, 2, 3, 4, 5, 6e6, time.UTC)},
		{ID: 1, Name: "a, \"quoted\"", Active: true, Score: &half, At: time.Date(1960, 5, 6, 7, 8, 9, 0, time.UTC)},
	})
	require.NoError(t, err)
	require.NoError(t, w.Close())

	e := newEnv(t)
	r, err := dataio.NewReader(bytes.NewReader(b.Bytes()), dataio.Parquet, "x.parquet")
	require.NoError(t, err)
	in, err := dataio.InferFrom(r, nil)
	require.NoError(t, err)
	ddl, err := in.CreateTable("t", []string{"id"})
	require.NoError(t, err)
	schema, err := dataio.SchemaFromDDL(context.Background(), ddl, "t")
	require.NoError(t, err)
	_, err = e.importText("a", "t", dataio.Parquet, b.String(), dataio.ImportOptions{Mode: dataio.Create, Schema: schema})
	require.NoError(t, err)
	rows := e.rows("a", "SELECT id, name, active, score, CAST(at AS CHAR) FROM t ORDER BY id")
	require.Equal(t, "[[1 a, \"quoted\" 1 0.5 1960-05-06 07:08:09] [2 b 0 <nil> 2024-01-02 03:04:05.006]]", fmt.Sprint(rows), ddl)

	type nested struct {
		ID   int64   `parquet:"id"`
		Tags []int64 `parquet:"tags,list"`
	}
	b.Reset()
	nw := parquet.NewGenericWriter[nested](&b)
	_, err = nw.Write([]nested{{ID: 1, Tags: []int64{1}}})
	require.NoError(t, err)
	require.NoError(t, nw.Close())
	_, err = dataio.NewReader(bytes.NewReader(b.Bytes()), dataio.Parquet, "n.parquet")
	require.ErrorContains(t, err, "nested")

	_, err = dataio.NewReader(strings.NewReader("id,name\n1,a\n"), dataio.Parquet, "bad.parquet")
	require.ErrorContains(t, err, "not a Parquet file")
}
