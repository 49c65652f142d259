package dataio

import (
	"bufio"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/expression/function/spatial"
	"github.com/dolthub/go-mysql-server/sql/types"
	sqltypes "github.com/dolthub/vitess/go/sqltypes"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// ExportOptions configure Export.
type ExportOptions struct {
	Format Format
	// CreateTable is the table's CREATE TABLE statement (SQL format), as SHOW CREATE
	// TABLE prints it.
	CreateTable string
	// InsertBatch is the number of rows per INSERT statement (SQL format; 0: 1000).
	InsertBatch int
	// Progress, if set, counts the rows written.
	Progress *Progress
}

// Export writes every row of table t to w in primary-key order (keyless tables: in
// storage order, each row as many times as it occurs). Values are written as MySQL
// prints them (GMS's SQL rendering): the text dsql sql -r csv shows. NULL is an empty
// field in delimited formats, null in JSON and NULL in SQL.
//
// Where MySQL prints raw bytes the text formats do not: a spatial value is its WKT, as
// ST_AsText prints it ("POINT(45.5 -120.25)"; the SRID is the column's and is not
// written), a VECTOR is an array of its numbers ("[1,2.5]", a JSON array in JSON), as
// STRING_TO_VECTOR reads it. In SQL, BLOB/BINARY, spatial and VECTOR values are hex
// literals of the stored bytes (a spatial value's are MySQL's internal form: SRID, then
// the WKB, which mysqldump writes too), which dsql and MySQL load back unchanged and
// MariaDB too for spatial values. dsql table import does not read WKT or vector arrays
// yet.
func Export(ctx *sql.Context, t repo.Table, w io.Writer, opts ExportOptions) (int64, error) {
	rs := t.Schema()
	sch, err := SQLSchema(rs)
	if err != nil {
		return 0, err
	}
	var decode func(k, v []byte, dst sql.Row) (sql.Row, uint64, error)
	if rs.Keyless() {
		cd, err := rs.ValueDesc()
		if err != nil {
			return 0, err
		}
		decode = func(_, v []byte, dst sql.Row) (sql.Row, uint64, error) {
			// Keyless value: count then the columns.
			n, _ := cd.GetUint(v, 0)
			row := make(sql.Row, len(sch))
			for i, c := range sch {
				x, err := typeconv.GetValue(cd, v, i+1, c.Type)
				if err != nil {
					return nil, 0, err
				}
				row[i] = x
			}
			return row, n, nil
		}
	} else {
		codec, err := typeconv.NewRowCodec(sch, rs.PrimaryKey)
		if err != nil {
			return 0, err
		}
		decode = func(k, v []byte, dst sql.Row) (sql.Row, uint64, error) {
			r, err := codec.Decode(k, v, dst)
			return r, 1, err
		}
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	rw, err := newRowWriter(ctx, bw, sch, rs.Name, opts)
	if err != nil {
		return 0, err
	}
	it, err := t.Rows().Iter(ctx, prolly.All)
	if err != nil {
		return 0, err
	}
	var n int64
	var row sql.Row
	for {
		k, v, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, err
		}
		var copies uint64
		if row, copies, err = decode(k, v, row); err != nil {
			return n, err
		}
		for ; copies > 0; copies-- {
			if err := rw.write(row); err != nil {
				return n, err
			}
			n++
		}
		if opts.Progress != nil && n&1023 == 0 {
			opts.Progress.Rows.Store(n)
		}
	}
	if err := rw.finish(); err != nil {
		return n, err
	}
	if opts.Progress != nil {
		opts.Progress.Rows.Store(n)
	}
	return n, bw.Flush()
}

type rowWriter struct {
	ctx   *sql.Context
	w     *bufio.Writer
	sch   sql.Schema
	table string
	opts  ExportOptions
	csv   *csv.Writer
	pq    *parquetWriter
	rec   []string
	n     int
	buf   []byte
}

func newRowWriter(ctx *sql.Context, w *bufio.Writer, sch sql.Schema, table string, opts ExportOptions) (*rowWriter, error) {
	rw := &rowWriter{ctx: ctx, w: w, sch: sch, table: table, opts: opts, rec: make([]string, len(sch))}
	if rw.opts.InsertBatch <= 0 {
		rw.opts.InsertBatch = 1000
	}
	switch opts.Format {
	case CSV, TSV, PSV:
		rw.csv = csv.NewWriter(w)
		switch opts.Format {
		case TSV:
			rw.csv.Comma = '\t'
		case PSV:
			rw.csv.Comma = '|'
		}
		for i, c := range sch {
			rw.rec[i] = c.Name
		}
		return rw, rw.csv.Write(rw.rec)
	case JSON:
		_, err := w.WriteString(`{"rows":[`)
		return rw, err
	case JSONL:
		return rw, nil
	case Parquet:
		pq, err := newParquetWriter(ctx, w, sch, table)
		rw.pq = pq
		return rw, err
	case SQL:
		if opts.CreateTable != "" {
			fmt.Fprintf(w, "DROP TABLE IF EXISTS %s;\n%s;\n", quoteIdent(table), strings.TrimSuffix(strings.TrimSpace(opts.CreateTable), ";"))
		}
		return rw, nil
	}
	return nil, fmt.Errorf("%w: cannot export %s", ErrFormat, opts.Format)
}

// text renders a value as MySQL prints it; a spatial value as its WKT (ST_AsText) and a
// VECTOR as its array of numbers (VECTOR_TO_STRING), where MySQL would print raw bytes.
func (rw *rowWriter) text(c *sql.Column, v any) (string, error) {
	switch {
	case isSpatialType(c.Type):
		return spatialText(rw.ctx, c.Type, v)
	case isVectorType(c.Type):
		return vectorText(rw.ctx, c.Type, v)
	}
	sv, err := c.Type.SQL(rw.ctx, nil, v)
	if err != nil {
		return "", err
	}
	return sv.ToString(), nil
}

func (rw *rowWriter) write(row sql.Row) error {
	switch rw.opts.Format {
	case CSV, TSV, PSV:
		for i, c := range rw.sch {
			if row[i] == nil {
				rw.rec[i] = ""
				continue
			}
			s, err := rw.text(c, row[i])
			if err != nil {
				return err
			}
			rw.rec[i] = s
		}
		return rw.csv.Write(rw.rec)
	case Parquet:
		return rw.pq.write(row)
	case JSON, JSONL:
		if rw.opts.Format == JSON && rw.n > 0 {
			rw.w.WriteByte(',')
		}
		if rw.opts.Format == JSON {
			rw.w.WriteByte('\n')
		}
		rw.w.WriteByte('{')
		for i, c := range rw.sch {
			if i > 0 {
				rw.w.WriteByte(',')
			}
			rw.buf, _ = appendJSONString(rw.buf[:0], c.Name)
			rw.w.Write(rw.buf)
			rw.w.WriteByte(':')
			if err := rw.jsonValue(c, row[i]); err != nil {
				return err
			}
		}
		rw.w.WriteByte('}')
		if rw.opts.Format == JSONL {
			rw.w.WriteByte('\n')
		}
	case SQL:
		if rw.n%rw.opts.InsertBatch == 0 {
			if rw.n > 0 {
				rw.w.WriteString(";\n")
			}
			rw.w.WriteString("INSERT INTO ")
			rw.w.WriteString(quoteIdent(rw.table))
			rw.w.WriteString(" (")
			for i, c := range rw.sch {
				if i > 0 {
					rw.w.WriteString(", ")
				}
				rw.w.WriteString(quoteIdent(c.Name))
			}
			rw.w.WriteString(") VALUES\n  (")
		} else {
			rw.w.WriteString(",\n  (")
		}
		for i, c := range rw.sch {
			if i > 0 {
				rw.w.WriteString(", ")
			}
			if row[i] == nil {
				rw.w.WriteString("NULL")
				continue
			}
			sv, err := c.Type.SQL(rw.ctx, nil, row[i])
			if err != nil {
				return err
			}
			if types.IsBit(c.Type) {
				// A BIT value as its number (its SQL text is the raw bytes).
				n, _, err := types.Uint64.Convert(rw.ctx, row[i])
				if err != nil {
					return err
				}
				fmt.Fprintf(rw.w, "%d", n)
			} else if types.IsNumber(c.Type) {
				rw.w.WriteString(sv.ToString())
			} else if isBytesType(c.Type) || isSpatialType(c.Type) || isVectorType(c.Type) {
				// Bytes as a hex literal: the file stays valid UTF-8 whatever the value. A
				// spatial value's bytes are MySQL's internal form (SRID, little-endian, then
				// the WKB), as mysqldump writes them, which dsql, MySQL and MariaDB load
				// into a spatial column; a VECTOR's are its float32s, little-endian, which
				// dsql and MySQL 9 load into a VECTOR column.
				rw.w.WriteString("X'")
				rw.w.WriteString(hex.EncodeToString(sv.ToBytes()))
				rw.w.WriteByte('\'')
			} else {
				sv.EncodeSQL(rw.w)
			}
		}
		rw.w.WriteByte(')')
	}
	rw.n++
	return nil
}

func (rw *rowWriter) jsonValue(c *sql.Column, v any) error {
	if v == nil {
		_, err := rw.w.WriteString("null")
		return err
	}
	if types.IsJSON(c.Type) || isVectorType(c.Type) {
		// A JSON document as itself, a VECTOR as an array of numbers.
		s, err := rw.text(c, v)
		if err != nil {
			return err
		}
		_, err = rw.w.WriteString(s)
		return err
	}
	s, err := rw.text(c, v)
	if err != nil {
		return err
	}
	if (types.IsInteger(c.Type) || types.IsDecimal(c.Type) || types.IsFloat(c.Type)) && json.Valid([]byte(s)) {
		_, err = rw.w.WriteString(s)
		return err
	}
	rw.buf, err = appendJSONString(rw.buf[:0], s)
	if err != nil {
		return err
	}
	_, err = rw.w.Write(rw.buf)
	return err
}

func (rw *rowWriter) finish() error {
	switch rw.opts.Format {
	case Parquet:
		return rw.pq.close()
	case CSV, TSV, PSV:
		rw.csv.Flush()
		return rw.csv.Error()
	case JSON:
		if rw.n > 0 {
			rw.w.WriteByte('\n')
		}
		_, err := rw.w.WriteString("]}\n")
		return err
	case SQL:
		if rw.n > 0 {
			_, err := rw.w.WriteString(";\n")
			return err
		}
	}
	return nil
}

func appendJSONString(dst []byte, s string) ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// isBytesType reports whether t is BINARY, VARBINARY or a BLOB.
func isBytesType(t sql.Type) bool {
	switch t.Type() {
	case sqltypes.Binary, sqltypes.VarBinary, sqltypes.Blob:
		return true
	}
	return false
}

// isSpatialType reports whether t is GEOMETRY, POINT, LINESTRING, POLYGON or one of the
// MULTI*/GEOMETRYCOLLECTION types.
func isSpatialType(t sql.Type) bool {
	return t.Type() == sqltypes.Geometry
}

// isVectorType reports whether t is a VECTOR type.
func isVectorType(t sql.Type) bool {
	return t.Type() == sqltypes.Vector
}

// spatialText returns the WKT of a spatial value, as ST_AsText prints it (geographic SRID
// 4326: latitude first).
func spatialText(ctx *sql.Context, t sql.Type, v any) (string, error) {
	s, err := spatial.NewAsWKT(ctx, expression.NewLiteral(v, t)).Eval(ctx, nil)
	if err != nil {
		return "", err
	}
	str, ok := s.(string)
	if !ok {
		return "", fmt.Errorf("spatial value %T: no WKT", v)
	}
	return str, nil
}

// vectorText returns a VECTOR value as a JSON array of its float32s, each in the shortest
// form that reads back as the same float32 ("[1,2.5,-0.125]"), which STRING_TO_VECTOR
// reads.
func vectorText(ctx *sql.Context, t sql.Type, v any) (string, error) {
	sv, err := t.SQL(ctx, nil, v)
	if err != nil {
		return "", err
	}
	b := sv.ToBytes()
	if len(b)%4 != 0 {
		return "", fmt.Errorf("VECTOR value of %d bytes: not a multiple of 4", len(b))
	}
	out := make([]byte, 0, 1+len(b)*3)
	out = append(out, '[')
	for i := 0; i < len(b); i += 4 {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendFloat(out, float64(math.Float32frombits(binary.LittleEndian.Uint32(b[i:]))), 'g', -1, 32)
	}
	return string(append(out, ']')), nil
}

func quoteIdent(s string) string {
	return "`" + strings.ReplaceAll(s, "`", "``") + "`"
}

// formatValue renders a value for an error message.
func formatValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05.999999")
	case []byte:
		return string(x)
	}
	return v
}
