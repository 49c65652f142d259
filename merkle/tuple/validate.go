package tuple

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Validate returns nil if t is the canonical encoding of some row for d (so that Build of
// that row returns exactly t), or an error wrapping ErrCorrupt (a *FieldError) that names
// the field and what is wrong: a short tuple, a field count larger than the Desc, offsets
// out of order or of a non-canonical width, an untrimmed trailing NULL, a NULL or missing
// non-nullable field, a value of the wrong width, an impossible date, NaN, -0, a decimal or
// enum out of range, invalid UTF-8 for the collation, non-canonical JSON, ...
func (d Desc) Validate(t Tuple) error {
	_, err := d.decode(t, false)
	return err
}

// Values validates t like Validate and returns its fields, nil for NULL, with these Go
// types: int64 (Int8..Int64, Timestamp as Unix microseconds), uint64 (Uint8..Uint64, Set,
// Bit), float32, float64, decimal.Decimal, []byte (String, Bytes, JSON; aliasing t), Date,
// time.Duration (Time), Datetime, uint16 (Year, Enum). Builder.Put accepts the same types.
func (d Desc) Values(t Tuple) ([]any, error) {
	return d.decode(t, true)
}

func (d Desc) decode(t Tuple, want bool) ([]any, error) {
	dd := d.d
	if dd == nil {
		dd = emptyDesc
	}
	if len(t) < footerSize {
		return nil, corruptf(-1, 0, "%d bytes, shorter than the %d-byte footer", len(t), footerSize)
	}
	footer := int(t[len(t)-2])<<8 | int(t[len(t)-1])
	n := footer & countMask
	if n > len(dd.fields) {
		return nil, corruptf(-1, 0, "stores %d fields, the Desc has %d", n, len(dd.fields))
	}
	v := dd.view(t)
	if v.t == nil {
		return nil, corruptf(-1, 0, "%d bytes, too short for the offsets and null bitmap of %d fields", len(t), n)
	}
	if wide := footer&wideOffsets != 0; wide != (v.end > narrowMaxEnd) {
		return nil, corruptf(-1, 0, "%d-byte offsets for %d data bytes (canonical: 4 bytes iff more than %d)", v.w, v.end, narrowMaxEnd)
	}
	if v.end > MaxDataSize {
		return nil, corruptf(-1, 0, "%d data bytes exceed %d", v.end, MaxDataSize)
	}
	if n == 0 && v.end != 0 {
		return nil, corruptf(-1, 0, "%d data bytes but no fields", v.end)
	}
	prev := 0
	for i := 0; i < n-1; i++ {
		o := v.offsetAt(i)
		if o < prev || o > v.end {
			return nil, corruptf(i, dd.fields[i].Enc, "end offset %d outside %d..%d", o, prev, v.end)
		}
		prev = o
	}
	if v.nulls >= 0 && n&7 != 0 {
		if last := t[v.nulls+(n>>3)]; last>>(n&7) != 0 {
			return nil, corruptf(-1, 0, "null bitmap %#08b has bits set past field %d", last, n-1)
		}
	}
	var out []any
	if want {
		out = make([]any, len(dd.fields))
	}
	for i := range dd.fields {
		f := &dd.fields[i]
		if i >= n {
			if !f.Nullable {
				return nil, corruptf(i, f.Enc, "non-nullable field missing (the tuple stores %d fields)", n)
			}
			continue
		}
		if v.isNull(i) {
			if !f.Nullable {
				return nil, corruptf(i, f.Enc, "NULL in a non-nullable field")
			}
			if i == n-1 {
				return nil, corruptf(i, f.Enc, "trailing NULL not trimmed")
			}
			if b, _ := d.fieldBytes(&v, i); len(b) != 0 {
				return nil, corruptf(i, f.Enc, "NULL field has %d bytes", len(b))
			}
			continue
		}
		b, _ := d.fieldBytes(&v, i)
		val, err := decodeField(f, b, want)
		if err != nil {
			return nil, &FieldError{Kind: ErrCorrupt, Field: i, Enc: f.Enc, Msg: err.Error()}
		}
		if want {
			out[i] = val
		}
	}
	return out, nil
}

// fieldBytes returns field i's bytes regardless of its null bit; offsets must have been
// checked.
func (d Desc) fieldBytes(v *view, i int) ([]byte, bool) {
	s := 0
	if i > 0 {
		s = v.offsetAt(i - 1)
	}
	return v.t[s:v.fieldEnd(i)], true
}

// decodeField checks that b is the canonical encoding of a non-NULL value of f and, if
// want, returns the value.
func decodeField(f *fieldInfo, b []byte, want bool) (any, error) {
	if f.width != 0 && len(b) != f.width {
		return nil, fmt.Errorf("%d bytes, want %d", len(b), f.width)
	}
	switch f.Enc {
	case Int8Enc, Int16Enc, Int24Enc, Int32Enc, Int64Enc:
		return readInt(b), nil
	case Uint8Enc, Uint16Enc, Uint24Enc, Uint32Enc, Uint64Enc:
		return readUint(b), nil
	case Float32Enc:
		x := float32FromKey(uint32(readUint(b)))
		if err := checkFloat(float64(x)); err != nil {
			return nil, err
		}
		return x, nil
	case Float64Enc:
		x := float64FromKey(readUint(b))
		if err := checkFloat(x); err != nil {
			return nil, err
		}
		return x, nil
	case DecimalEnc:
		u, err := readDecimalUnscaled(b, f.Precision)
		if err != nil || !want {
			return nil, err
		}
		return decimal.NewFromBigInt(u, int32(-f.Scale)), nil
	case StringEnc:
		if err := f.Collation.Check(b); err != nil {
			return nil, fmt.Errorf("invalid string for %s: %w", f.Collation.Name(), err)
		}
		return b, nil
	case BytesEnc:
		return b, nil
	case VectorEnc, GeometryEnc:
		if err := binaryCheck(f.Enc)(b); err != nil {
			return nil, err
		}
		return b, nil
	case JSONEnc:
		if err := validJSON(b); err != nil {
			return nil, err
		}
		return b, nil
	case DateEnc:
		u := readUint(b)
		if u>>23 != 0 {
			return nil, fmt.Errorf("packed date %#x has bit 23 set", u)
		}
		x := unpackDate(u)
		return x, x.check()
	case TimeEnc:
		d := time.Duration(readInt(b)) * time.Microsecond
		if _, err := checkTime(d, f.FSP); err != nil {
			return nil, err
		}
		return d, nil
	case DatetimeEnc:
		u := readUint(b)
		if u>>(23+todBits) != 0 {
			return nil, fmt.Errorf("packed datetime %#x has bits past 60 set", u)
		}
		if tod := u & (1<<todBits - 1); tod >= microsPerDay {
			return nil, fmt.Errorf("time of day %d µs is not less than a day", tod)
		}
		x := unpackDatetime(u)
		return x, x.check(f.FSP)
	case TimestampEnc:
		u := readUint(b)
		if u > math.MaxInt64 {
			return nil, fmt.Errorf("timestamp %#x out of range", u)
		}
		return int64(u), checkTimestamp(int64(u), f.FSP)
	case YearEnc:
		if b[0] == 0 {
			return uint16(0), nil
		}
		return 1900 + uint16(b[0]), nil
	case EnumEnc:
		x := readUint(b)
		if x > uint64(f.Members) {
			return nil, fmt.Errorf("index %d outside 0..%d", x, f.Members)
		}
		return uint16(x), nil
	case SetEnc:
		x := readUint(b)
		if f.Members < 64 && x>>f.Members != 0 {
			return nil, fmt.Errorf("bitmask %#x has bits past member %d", x, f.Members)
		}
		return x, nil
	case BitEnc:
		x := readUint(b)
		if f.Bits < 64 && x>>f.Bits != 0 {
			return nil, fmt.Errorf("%#x does not fit BIT(%d)", x, f.Bits)
		}
		return x, nil
	}
	return nil, fmt.Errorf("unknown encoding")
}

func checkFloat(x float64) error {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return fmt.Errorf("%v is not a finite number", x)
	case x == 0 && math.Signbit(x):
		return fmt.Errorf("negative zero (canonical: +0)")
	}
	return nil
}

// Format returns a human-readable form of t such as "(1, 'abc', NULL)", for logs and test
// failures. Bytes that do not validate are shown in hex with the error.
func (d Desc) Format(t Tuple) string {
	vals, err := d.Values(t)
	if err != nil {
		return fmt.Sprintf("<%x: %v>", []byte(t), err)
	}
	var sb strings.Builder
	sb.WriteByte('(')
	for i, v := range vals {
		if i > 0 {
			sb.WriteString(", ")
		}
		switch x := v.(type) {
		case nil:
			sb.WriteString("NULL")
		case []byte:
			switch d.d.fields[i].Enc {
			case BytesEnc, VectorEnc, GeometryEnc:
				fmt.Fprintf(&sb, "x'%x'", x)
			case JSONEnc:
				sb.Write(x)
			default:
				sb.WriteString(strconv.Quote(string(x)))
			}
		case decimal.Decimal:
			sb.WriteString(x.StringFixed(int32(d.d.fields[i].Scale)))
		default:
			fmt.Fprint(&sb, x)
		}
	}
	sb.WriteByte(')')
	return sb.String()
}

// VectorElemSize is the size of one element of a Vector field: a float32.
const VectorElemSize = 4

// checkVector refuses a Vector value that is not a whole number of elements.
func checkVector(b []byte) error {
	if len(b)%VectorElemSize != 0 {
		return fmt.Errorf("%d bytes is not a whole number of %d-byte elements", len(b), VectorElemSize)
	}
	return nil
}

// binaryCheck returns the validity check of a binary encoding with a structure, or nil.
func binaryCheck(e Encoding) func([]byte) error {
	switch e {
	case VectorEnc:
		return checkVector
	case GeometryEnc:
		return checkGeometry
	}
	return nil
}

// GeometryHeaderSize is the size of a Geometry value's header: the SRID (4 bytes,
// little-endian), the WKB byte order (1 byte: 0 big-endian, 1 little-endian) and the WKB
// geometry type (4 bytes in that byte order: 1 POINT .. 7 GEOMETRYCOLLECTION).
const GeometryHeaderSize = 9

// checkGeometry refuses a Geometry value without a valid header. The rest of the WKB is
// the SQL layer's.
func checkGeometry(b []byte) error {
	if len(b) < GeometryHeaderSize {
		return fmt.Errorf("%d bytes, shorter than a geometry header", len(b))
	}
	var typ uint32
	switch b[4] {
	case 0:
		typ = binary.BigEndian.Uint32(b[5:9])
	case 1:
		typ = binary.LittleEndian.Uint32(b[5:9])
	default:
		return fmt.Errorf("WKB byte order %d is neither 0 nor 1", b[4])
	}
	if typ < 1 || typ > 7 {
		return fmt.Errorf("WKB geometry type %d outside 1..7", typ)
	}
	return nil
}
