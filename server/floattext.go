package server

import (
	"bytes"
	"strconv"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"

	"github.com/dsqldb/dsql/sql/typeconv"
)

// FLOAT and DOUBLE values in text results.
//
// GMS writes a float column's values with strconv's %g (1.234567e+06, 1e-05); MySQL
// writes the shortest digits in plain notation within 15 digits of the point (1234567,
// 0.00001) and a FLOAT with 6 significant digits (typeconv.AppendFloat). A client that
// prints the text (the mysql CLI) or keeps it (a CSV export) saw GMS's form. ComQuery
// and ComMultiQuery pass their results through mysqlFloats. Results of the binary
// protocol (prepared statements) carry floats as IEEE bytes and need nothing.

// mysqlFloats returns cb with the FLOAT and DOUBLE values of each result rewritten as
// MySQL writes them. GMS's handler sends a statement's columns in its first result and
// its rows in later ones without columns, so the last columns seen describe the rows.
func mysqlFloats(cb mysql.ResultSpoolFn) mysql.ResultSpoolFn {
	var fields []*querypb.Field
	return func(r *sqltypes.Result, more bool) error {
		if r != nil {
			if len(r.Fields) > 0 {
				fields = r.Fields
			}
			fixFloats(fields, r)
		}
		return cb(r, more)
	}
}

// fixFloats rewrites the FLOAT and DOUBLE values of r, whose columns are fields, in
// place; rows without float columns cost one pass over fields.
func fixFloats(fields []*querypb.Field, r *sqltypes.Result) {
	if len(r.Rows) == 0 {
		return
	}
	var cols [8]int
	fc := cols[:0]
	for i, f := range fields {
		if f.Type == querypb.Type_FLOAT64 || f.Type == querypb.Type_FLOAT32 {
			fc = append(fc, i)
		}
	}
	if len(fc) == 0 {
		return
	}
	var buf []byte
	for _, row := range r.Rows {
		for _, i := range fc {
			if i >= len(row) || row[i].IsNull() {
				continue
			}
			bits := 64
			if fields[i].Type == querypb.Type_FLOAT32 {
				bits = 32
			}
			raw := row[i].Raw()
			f, err := strconv.ParseFloat(string(raw), bits)
			if err != nil {
				continue // not a number GMS wrote: leave it
			}
			buf = typeconv.AppendFloat(buf[:0], f, bits)
			if !bytes.Equal(buf, raw) {
				row[i] = sqltypes.MakeTrusted(fields[i].Type, bytes.Clone(buf))
			}
		}
	}
}
