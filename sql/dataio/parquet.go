package dataio

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	sqltypes "github.com/dolthub/vitess/go/sqltypes"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/shopspring/decimal"
)

// Parquet files (github.com/parquet-go/parquet-go). A table is one flat Parquet schema,
// columns in table order, nullable columns OPTIONAL. MySQL types map to Parquet logical
// types:
//
//	TINYINT..BIGINT [UNSIGNED]  INT(8|16|32|64, signed or not); YEAR INT(16)
//	FLOAT, DOUBLE               FLOAT, DOUBLE
//	DECIMAL(p,s)                DECIMAL(p,s) on INT32 (p<=9), INT64 (p<=18) or BYTE_ARRAY
//	CHAR, VARCHAR, TEXT, ENUM,  STRING (the value's text; TIME too, whose range exceeds
//	SET, TIME                   Parquet's TIME)
//	JSON                        JSON
//	DATE                        DATE
//	DATETIME                    TIMESTAMP(MICROS, isAdjustedToUTC=false)
//	TIMESTAMP                   TIMESTAMP(MICROS, isAdjustedToUTC=true), in UTC
//	BINARY, VARBINARY, BLOB     BYTE_ARRAY
//	BIT(n)                      INT(64, unsigned)
//
// Reading maps every flat column back to the text INSERT accepts (a DATE as
// 2006-01-02, a TIMESTAMP as 2006-01-02 15:04:05.999999 in UTC, a DECIMAL with its
// scale, BOOLEAN as true/false, INT96 timestamps too), so the usual conversion applies.
// Nested (group, repeated) columns are refused.

// parquetNode returns the Parquet node of a column.
func parquetNode(c *sql.Column) (parquet.Node, error) {
	t := c.Type
	var n parquet.Node
	switch t.Type() {
	case sqltypes.Int8:
		n = parquet.Int(8)
	case sqltypes.Int16, sqltypes.Year:
		n = parquet.Int(16)
	case sqltypes.Int24, sqltypes.Int32:
		n = parquet.Int(32)
	case sqltypes.Int64:
		n = parquet.Int(64)
	case sqltypes.Uint8:
		n = parquet.Uint(8)
	case sqltypes.Uint16:
		n = parquet.Uint(16)
	case sqltypes.Uint24, sqltypes.Uint32:
		n = parquet.Uint(32)
	case sqltypes.Uint64, sqltypes.Bit:
		n = parquet.Uint(64)
	case sqltypes.Float32:
		n = parquet.Leaf(parquet.FloatType)
	case sqltypes.Float64:
		n = parquet.Leaf(parquet.DoubleType)
	case sqltypes.Decimal:
		dt := t.(sql.DecimalType)
		p, s := int(dt.Precision()), int(dt.Scale())
		switch {
		case p <= 9:
			n = parquet.Decimal(s, p, parquet.Int32Type)
		case p <= 18:
			n = parquet.Decimal(s, p, parquet.Int64Type)
		default:
			n = parquet.Decimal(s, p, parquet.ByteArrayType)
		}
	case sqltypes.Char, sqltypes.VarChar, sqltypes.Text, sqltypes.Enum, sqltypes.Set, sqltypes.Time:
		n = parquet.String()
	case sqltypes.TypeJSON:
		n = parquet.JSON()
	case sqltypes.Date:
		n = parquet.Date()
	case sqltypes.Datetime:
		n = parquet.TimestampAdjusted(parquet.Microsecond, false)
	case sqltypes.Timestamp:
		n = parquet.TimestampAdjusted(parquet.Microsecond, true)
	case sqltypes.Binary, sqltypes.VarBinary, sqltypes.Blob:
		n = parquet.Leaf(parquet.ByteArrayType)
	default:
		return nil, fmt.Errorf("%w: column %s: type %s has no Parquet mapping", ErrFormat, c.Name, t.String())
	}
	if c.Nullable {
		n = parquet.Optional(n)
	}
	return n, nil
}

// orderedGroup is a Parquet group whose fields keep the table's column order
// (parquet.Group orders them by name).
type orderedGroup struct {
	parquet.Group
	order []string
}

func (g orderedGroup) Fields() []parquet.Field {
	byName := map[string]parquet.Field{}
	for _, f := range g.Group.Fields() {
		byName[f.Name()] = f
	}
	out := make([]parquet.Field, len(g.order))
	for i, n := range g.order {
		out[i] = byName[n]
	}
	return out
}

// parquetWriter writes rows of one table schema as a Parquet file.
type parquetWriter struct {
	ctx  *sql.Context
	sch  sql.Schema
	w    *parquet.Writer
	rows []parquet.Row
}

func newParquetWriter(ctx *sql.Context, w io.Writer, sch sql.Schema, table string) (*parquetWriter, error) {
	g := parquet.Group{}
	order := make([]string, len(sch))
	for i, c := range sch {
		n, err := parquetNode(c)
		if err != nil {
			return nil, err
		}
		if _, dup := g[c.Name]; dup {
			return nil, fmt.Errorf("%w: two columns named %s", ErrFormat, c.Name)
		}
		g[c.Name] = n
		order[i] = c.Name
	}
	schema := parquet.NewSchema(table, orderedGroup{Group: g, order: order})
	pw := parquet.NewWriter(w, schema, parquet.Compression(&parquet.Snappy), parquet.CreatedBy("dsql", "", ""))
	return &parquetWriter{ctx: ctx, sch: sch, w: pw}, nil
}

func (p *parquetWriter) write(row sql.Row) error {
	pr := make(parquet.Row, len(p.sch))
	for i, c := range p.sch {
		v, err := p.value(c, row[i])
		if err != nil {
			return fmt.Errorf("column %s: %w", c.Name, err)
		}
		def := 0
		if c.Nullable && !v.IsNull() {
			def = 1
		}
		pr[i] = v.Level(0, def, i)
	}
	p.rows = append(p.rows, pr)
	if len(p.rows) == 1024 {
		return p.flushRows()
	}
	return nil
}

func (p *parquetWriter) flushRows() error {
	_, err := p.w.WriteRows(p.rows)
	p.rows = p.rows[:0]
	return err
}

func (p *parquetWriter) close() error {
	if err := p.flushRows(); err != nil {
		return err
	}
	return p.w.Close()
}

// value converts one column value to its Parquet value.
func (p *parquetWriter) value(c *sql.Column, v any) (parquet.Value, error) {
	if v == nil {
		return parquet.NullValue(), nil
	}
	t := c.Type
	switch t.Type() {
	case sqltypes.Int8, sqltypes.Int16, sqltypes.Int24, sqltypes.Int32, sqltypes.Year,
		sqltypes.Uint8, sqltypes.Uint16, sqltypes.Uint24, sqltypes.Uint32:
		n, _, err := types.Int64.Convert(p.ctx, v)
		if err != nil {
			return parquet.Value{}, err
		}
		return parquet.Int32Value(int32(n.(int64))), nil
	case sqltypes.Int64:
		n, _, err := types.Int64.Convert(p.ctx, v)
		if err != nil {
			return parquet.Value{}, err
		}
		return parquet.Int64Value(n.(int64)), nil
	case sqltypes.Uint64, sqltypes.Bit:
		n, _, err := types.Uint64.Convert(p.ctx, v)
		if err != nil {
			return parquet.Value{}, err
		}
		return parquet.Int64Value(int64(n.(uint64))), nil
	case sqltypes.Float32:
		f, _, err := types.Float32.Convert(p.ctx, v)
		if err != nil {
			return parquet.Value{}, err
		}
		return parquet.FloatValue(f.(float32)), nil
	case sqltypes.Float64:
		f, _, err := types.Float64.Convert(p.ctx, v)
		if err != nil {
			return parquet.Value{}, err
		}
		return parquet.DoubleValue(f.(float64)), nil
	case sqltypes.Decimal:
		dt := t.(sql.DecimalType)
		sv, err := t.SQL(p.ctx, nil, v)
		if err != nil {
			return parquet.Value{}, err
		}
		d, err := decimal.NewFromString(sv.ToString())
		if err != nil {
			return parquet.Value{}, err
		}
		unscaled := d.Shift(int32(dt.Scale())).BigInt()
		switch p := dt.Precision(); {
		case p <= 9:
			return parquet.Int32Value(int32(unscaled.Int64())), nil
		case p <= 18:
			return parquet.Int64Value(unscaled.Int64()), nil
		default:
			return parquet.ByteArrayValue(twosComplement(unscaled)), nil
		}
	case sqltypes.Date:
		tm, ok := v.(time.Time)
		if !ok {
			return parquet.Value{}, fmt.Errorf("unexpected date value %T", v)
		}
		days := time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
		return parquet.Int32Value(int32(days)), nil
	case sqltypes.Datetime, sqltypes.Timestamp:
		tm, ok := v.(time.Time)
		if !ok {
			return parquet.Value{}, fmt.Errorf("unexpected datetime value %T", v)
		}
		// Wall clock as stored (DATETIME), or UTC (TIMESTAMP is stored in UTC).
		wall := time.Date(tm.Year(), tm.Month(), tm.Day(), tm.Hour(), tm.Minute(), tm.Second(), tm.Nanosecond(), time.UTC)
		return parquet.Int64Value(wall.UnixMicro()), nil
	case sqltypes.Binary, sqltypes.VarBinary, sqltypes.Blob:
		sv, err := t.SQL(p.ctx, nil, v)
		if err != nil {
			return parquet.Value{}, err
		}
		return parquet.ByteArrayValue(sv.ToBytes()), nil
	default:
		sv, err := t.SQL(p.ctx, nil, v)
		if err != nil {
			return parquet.Value{}, err
		}
		return parquet.ByteArrayValue([]byte(sv.ToString())), nil
	}
}

// twosComplement returns n as a minimal big-endian two's-complement byte string.
func twosComplement(n *big.Int) []byte {
	if n.Sign() >= 0 {
		b := n.Bytes()
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// -n = ^(n-1): two's complement of a negative number over enough bytes.
	l := (n.BitLen() + 8) / 8
	m := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), uint(l*8)), n)
	b := m.Bytes()
	for len(b) < l {
		b = append([]byte{0xff}, b...)
	}
	return b
}

// fromTwosComplement is the inverse of twosComplement.
func fromTwosComplement(b []byte) *big.Int {
	n := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(len(b)*8)))
	}
	return n
}

// parquetReader reads a flat Parquet file as records of INSERT-ready text.
type parquetReader struct {
	name   string
	r      *parquet.Reader
	cols   []parquetCol
	header []string
	vals   []any
	buf    []parquet.Row
	n, i   int
	line   int
	total  int64
	size   int64
}

type parquetCol struct {
	name string
	kind parquet.Kind
	lt   *format.LogicalType
	// scale of a DECIMAL column (-1 otherwise).
	scale int
	// maxChars and maxBytes of the string and byte values read so far.
	maxChars, maxBytes int
}

// sqlTypes returns the MySQL column type each Parquet column maps to, from its physical
// and logical type and, for strings and bytes, the longest value read.
func (p *parquetReader) sqlTypes() []string {
	out := make([]string, len(p.cols))
	for i, c := range p.cols {
		out[i] = c.sqlType()
	}
	return out
}

func (c *parquetCol) sqlType() string {
	var lt any
	if c.lt != nil {
		lt = c.lt.Value
	}
	switch t := lt.(type) {
	case *format.IntType:
		name := map[int8]string{8: "TINYINT", 16: "SMALLINT", 32: "INT", 64: "BIGINT"}[t.BitWidth]
		if name == "" {
			name = "BIGINT"
		}
		if !t.IsSigned {
			name += " UNSIGNED"
		}
		return name
	case *format.DecimalType:
		if t.Precision >= 1 && t.Precision <= 65 && t.Scale >= 0 && t.Scale <= 30 && t.Scale <= t.Precision {
			return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
		}
		return "DOUBLE"
	case *format.DateType:
		return "DATE"
	case *format.TimestampType:
		if t.Unit.Value.Duration() == time.Millisecond {
			return "DATETIME(3)"
		}
		return "DATETIME(6)"
	case *format.TimeType:
		return "TIME(6)"
	case *format.JsonType:
		return "JSON"
	case *format.StringType, *format.EnumType:
		return textType(c.maxChars, c.maxBytes, "VARCHAR", "TEXT", "MEDIUMTEXT", "LONGTEXT")
	}
	switch c.kind {
	case parquet.Boolean:
		return "TINYINT(1)"
	case parquet.Int32:
		return "INT"
	case parquet.Int64:
		return "BIGINT"
	case parquet.Float:
		return "FLOAT"
	case parquet.Double:
		return "DOUBLE"
	case parquet.Int96:
		return "DATETIME(6)"
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return textType(c.maxBytes, c.maxBytes, "VARBINARY", "BLOB", "MEDIUMBLOB", "LONGBLOB")
	}
	return ""
}

// textType picks VARCHAR(n)/VARBINARY(n) for values of up to 255 characters, else the
// smallest TEXT/BLOB type that holds maxBytes.
func textType(maxChars, maxBytes int, varType, small, medium, long string) string {
	switch {
	case maxChars <= 255:
		return fmt.Sprintf("%s(%d)", varType, max(maxChars, 1))
	case maxBytes <= 65535:
		return small
	case maxBytes <= 16777215:
		return medium
	}
	return long
}

func newParquetReader(in io.Reader, name string) (*parquetReader, error) {
	ra, ok := in.(io.ReaderAt)
	if !ok {
		return nil, fmt.Errorf("%w: a Parquet file must be a regular file, not a stream", ErrFormat)
	}
	sk, ok := in.(io.Seeker)
	if !ok {
		return nil, fmt.Errorf("%w: a Parquet file must be a regular file, not a stream", ErrFormat)
	}
	size, err := sk.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, fmt.Errorf("%w: a Parquet file must be a regular file, not a stream (%v)", ErrFormat, err)
	}
	f, err := parquet.OpenFile(ra, size)
	if err != nil {
		return nil, &RowError{File: name, Reason: "not a Parquet file: " + err.Error()}
	}
	pr := &parquetReader{name: name, size: size}
	for _, fl := range f.Schema().Fields() {
		if !fl.Leaf() || fl.Repeated() {
			return nil, &RowError{File: name, Field: fl.Name(), Reason: "nested or repeated Parquet columns cannot be imported; flatten the file first"}
		}
		c := parquetCol{name: fl.Name(), kind: fl.Type().Kind(), lt: fl.Type().LogicalType(), scale: -1}
		if c.lt != nil {
			if d, ok := c.lt.Value.(*format.DecimalType); ok {
				c.scale = int(d.Scale)
			}
		}
		pr.cols = append(pr.cols, c)
		pr.header = append(pr.header, c.name)
	}
	pr.vals = make([]any, len(pr.cols))
	pr.r = parquet.NewReader(f)
	pr.total = f.NumRows()
	return pr, nil
}

func (p *parquetReader) Header() []string { return p.header }

// Offset estimates the bytes read from the rows read (Parquet reads by column chunk).
func (p *parquetReader) Offset() int64 {
	if p.total == 0 {
		return p.size
	}
	return p.size * int64(p.line) / p.total
}

func (p *parquetReader) Next() (Record, error) {
	if p.i == p.n {
		if p.buf == nil {
			p.buf = make([]parquet.Row, 256)
		}
		n, err := p.r.ReadRows(p.buf)
		if n == 0 {
			if err == nil || err == io.EOF {
				return Record{}, io.EOF
			}
			return Record{}, &RowError{File: p.name, Line: p.line + 1, Reason: err.Error()}
		}
		p.n, p.i = n, 0
	}
	row := p.buf[p.i]
	p.i++
	p.line++
	for i := range p.vals {
		p.vals[i] = nil
	}
	for _, v := range row {
		ci := v.Column()
		if ci < 0 || ci >= len(p.cols) || v.IsNull() {
			continue
		}
		s, err := p.cols[ci].text(v)
		if err != nil {
			return Record{}, &RowError{File: p.name, Line: p.line, Field: p.cols[ci].name, Reason: err.Error(), Skippable: true}
		}
		p.vals[ci] = s
	}
	return Record{Line: p.line, Names: p.header, Values: p.vals}, nil
}

// text renders a Parquet value as the text (or bool) INSERT converts.
func (c *parquetCol) text(v parquet.Value) (any, error) {
	var lt any
	if c.lt != nil {
		lt = c.lt.Value
	}
	switch c.kind {
	case parquet.Boolean:
		return v.Boolean(), nil
	case parquet.Int32, parquet.Int64:
		var n int64
		if c.kind == parquet.Int32 {
			n = int64(v.Int32())
		} else {
			n = v.Int64()
		}
		switch t := lt.(type) {
		case *format.DateType:
			return time.Unix(n*86400, 0).UTC().Format("2006-01-02"), nil
		case *format.TimestampType:
			tm := time.Unix(0, 0).UTC().Add(time.Duration(n) * t.Unit.Value.Duration())
			if t.Unit.Value.Duration() == time.Nanosecond {
				tm = time.Unix(0, n).UTC()
			}
			return tm.Format("2006-01-02 15:04:05.999999"), nil
		case *format.TimeType:
			d := time.Duration(n) * t.Unit.Value.Duration()
			return fmt.Sprintf("%02d:%02d:%02d.%06d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60, (d%time.Second)/time.Microsecond), nil
		case *format.DecimalType:
			return json.Number(decimal.New(n, -t.Scale).StringFixed(t.Scale)), nil
		case *format.IntType:
			if !t.IsSigned {
				if c.kind == parquet.Int32 {
					return json.Number(strconv.FormatUint(uint64(uint32(v.Int32())), 10)), nil
				}
				return json.Number(strconv.FormatUint(uint64(n), 10)), nil
			}
		}
		return json.Number(strconv.FormatInt(n, 10)), nil
	case parquet.Float:
		return json.Number(strconv.FormatFloat(float64(v.Float()), 'g', -1, 32)), nil
	case parquet.Double:
		return json.Number(strconv.FormatFloat(v.Double(), 'g', -1, 64)), nil
	case parquet.Int96:
		// Legacy timestamps: nanoseconds of the day, then the Julian day.
		b := v.Bytes()
		if len(b) != 12 {
			return nil, fmt.Errorf("bad INT96 value")
		}
		nanos := int64(binary.LittleEndian.Uint64(b[:8]))
		day := int64(binary.LittleEndian.Uint32(b[8:]))
		tm := time.Unix((day-2440588)*86400, nanos).UTC()
		return tm.Format("2006-01-02 15:04:05.999999"), nil
	case parquet.ByteArray, parquet.FixedLenByteArray:
		b := v.ByteArray()
		if d, ok := lt.(*format.DecimalType); ok {
			return json.Number(decimal.NewFromBigInt(fromTwosComplement(b), -d.Scale).StringFixed(d.Scale)), nil
		}
		c.maxBytes = max(c.maxBytes, len(b))
		if c.maxChars < len(b) {
			c.maxChars = max(c.maxChars, utf8.RuneCount(b))
		}
		return strings.Clone(string(b)), nil
	}
	return nil, fmt.Errorf("unsupported Parquet type %s", c.kind)
}
