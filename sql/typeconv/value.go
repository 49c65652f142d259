package typeconv

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/shopspring/decimal"

	"github.com/dsqldb/dsql/merkle/tuple"
)

// PutValue sets field i of b, a field FieldFor(t), to v: a Go value of the column type t as
// GMS produces it (t.Convert), or nil for NULL. See the package documentation for the Go
// types accepted per encoding. A value of the wrong Go type is an error wrapping ErrValue;
// a value the encoding refuses (out of range, more fractional digits than the scale, ...)
// is recorded by the Builder and returned by its Build, wrapping tuple.ErrInvalidValue.
func PutValue(b *tuple.Builder, i int, t sql.Type, v any) error {
	enc, err := Encoding(t)
	if err != nil {
		return err
	}
	return put(b, i, enc, t, v)
}

// GetValue returns field i of tup, a tuple of d whose field i is FieldFor(t), as the Go
// value GMS's t.Convert produces (see the package documentation), or nil if it is NULL.
func GetValue(d tuple.Desc, tup tuple.Tuple, i int, t sql.Type) (any, error) {
	enc, err := Encoding(t)
	if err != nil {
		return nil, err
	}
	if d.Field(i).Enc != enc {
		return nil, fmt.Errorf("%w: field %d is %v, column type %s needs %v", ErrValue, i, d.Field(i).Enc, t, enc)
	}
	return get(d, tup, i, enc)
}

// GetValueIn is GetValue with a String field's string taken from a (see Arena).
func GetValueIn(a *Arena, d tuple.Desc, tup tuple.Tuple, i int, t sql.Type) (any, error) {
	enc, err := Encoding(t)
	if err != nil {
		return nil, err
	}
	if d.Field(i).Enc != enc {
		return nil, fmt.Errorf("%w: field %d is %v, column type %s needs %v", ErrValue, i, d.Field(i).Enc, t, enc)
	}
	return getIn(a, d, tup, i, enc)
}

func wrongType(i int, enc tuple.Encoding, v any) error {
	return fmt.Errorf("%w: field %d (%v): Go value %T", ErrValue, i, enc, v)
}

// asInt64 converts any Go integer to int64; ok is false for other types and for uint64
// values above MaxInt64.
func asInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case int:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		if x > math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	case uint:
		if uint64(x) > math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// asUint64 converts any non-negative Go integer to uint64.
func asUint64(v any) (uint64, bool) {
	switch x := v.(type) {
	case uint64:
		return x, true
	case uint32:
		return uint64(x), true
	case uint16:
		return uint64(x), true
	case uint8:
		return uint64(x), true
	case uint:
		return uint64(x), true
	}
	n, ok := asInt64(v)
	if !ok || n < 0 {
		return 0, false
	}
	return uint64(n), true
}

// put encodes v into field i (encoding enc) of b. t is needed only for ENUM and SET
// values given as strings; it may be nil otherwise.
func put(b *tuple.Builder, i int, enc tuple.Encoding, t sql.Type, v any) error {
	if v == nil {
		b.PutNull(i)
		return nil
	}
	switch enc {
	case tuple.Int8Enc, tuple.Int16Enc, tuple.Int24Enc, tuple.Int32Enc, tuple.Int64Enc:
		n, ok := asInt64(v)
		if !ok {
			return wrongType(i, enc, v)
		}
		b.PutInt(i, n)
	case tuple.Uint8Enc, tuple.Uint16Enc, tuple.Uint24Enc, tuple.Uint32Enc, tuple.Uint64Enc:
		n, ok := asUint64(v)
		if !ok {
			return wrongType(i, enc, v)
		}
		b.PutUint(i, n)
	case tuple.Float32Enc:
		switch x := v.(type) {
		case float32:
			b.PutFloat32(i, x)
		case float64:
			if float64(float32(x)) != x {
				return fmt.Errorf("%w: field %d (%v): float64 %v is not a float32", ErrValue, i, enc, x)
			}
			b.PutFloat32(i, float32(x))
		default:
			return wrongType(i, enc, v)
		}
	case tuple.Float64Enc:
		switch x := v.(type) {
		case float64:
			b.PutFloat64(i, x)
		case float32:
			b.PutFloat64(i, float64(x))
		default:
			return wrongType(i, enc, v)
		}
	case tuple.DecimalEnc:
		d, err := toShopspring(v)
		if err != nil {
			return fmt.Errorf("%w: field %d (%v): %v", ErrValue, i, enc, err)
		}
		b.PutDecimal(i, d)
	case tuple.StringEnc, tuple.BytesEnc:
		switch x := v.(type) {
		case string:
			if enc == tuple.StringEnc {
				if err := checkCharset(t, x); err != nil {
					return err
				}
			}
			b.PutString(i, x)
		case []byte:
			if enc == tuple.StringEnc {
				if err := checkCharset(t, string(x)); err != nil {
					return err
				}
			}
			b.PutBytes(i, x)
		case sql.StringWrapper:
			s, err := x.Unwrap(context.Background())
			if err != nil {
				return err
			}
			if enc == tuple.StringEnc {
				if err := checkCharset(t, s); err != nil {
					return err
				}
			}
			b.PutString(i, s)
		case sql.BytesWrapper:
			s, err := x.Unwrap(context.Background())
			if err != nil {
				return err
			}
			b.PutBytes(i, s)
		default:
			return wrongType(i, enc, v)
		}
	case tuple.DateEnc:
		tm, ok := v.(time.Time)
		if !ok {
			return wrongType(i, enc, v)
		}
		if tm.Equal(types.ZeroTime) {
			b.PutDate(i, tuple.Date{})
			return nil
		}
		tm = tm.UTC()
		if tm.Year() < 0 || tm.Year() > 9999 {
			return fmt.Errorf("%w: field %d (%v): year of %v outside 0..9999", ErrValue, i, enc, tm)
		}
		b.PutDate(i, tuple.DateOf(tm))
	case tuple.DatetimeEnc:
		tm, ok := v.(time.Time)
		if !ok {
			return wrongType(i, enc, v)
		}
		if tm.Equal(types.ZeroTime) {
			b.PutDatetime(i, tuple.Datetime{})
			return nil
		}
		tm = tm.UTC()
		if tm.Year() < 0 || tm.Year() > 9999 {
			return fmt.Errorf("%w: field %d (%v): year of %v outside 0..9999", ErrValue, i, enc, tm)
		}
		if tm.Nanosecond()%1000 != 0 {
			return fmt.Errorf("%w: field %d (%v): %v is not a whole number of microseconds", ErrValue, i, enc, tm)
		}
		b.PutDatetime(i, tuple.DatetimeOf(tm))
	case tuple.TimestampEnc:
		tm, ok := v.(time.Time)
		if !ok {
			return wrongType(i, enc, v)
		}
		if tm.Equal(types.ZeroTime) {
			b.PutTimestamp(i, 0)
			return nil
		}
		if tm.Nanosecond()%1000 != 0 {
			return fmt.Errorf("%w: field %d (%v): %v is not a whole number of microseconds", ErrValue, i, enc, tm)
		}
		b.PutTimestamp(i, tm.UnixMicro())
	case tuple.TimeEnc:
		switch x := v.(type) {
		case types.Timespan:
			b.PutTime(i, time.Duration(x)*time.Microsecond)
		case time.Duration:
			b.PutTime(i, x)
		default:
			return wrongType(i, enc, v)
		}
	case tuple.YearEnc:
		n, ok := asInt64(v)
		if !ok || n < 0 || n > math.MaxUint16 {
			return wrongType(i, enc, v)
		}
		b.PutYear(i, uint16(n))
	case tuple.EnumEnc:
		if s, ok := v.(string); ok {
			et, isEnum := t.(sql.EnumType)
			if !isEnum {
				return wrongType(i, enc, v)
			}
			idx := et.IndexOf(s)
			if idx < 0 {
				return fmt.Errorf("%w: field %d (%v): %q is not a member of %s", ErrValue, i, enc, s, t)
			}
			b.PutEnum(i, uint16(idx))
			return nil
		}
		n, ok := asUint64(v)
		if !ok || n > math.MaxUint16 {
			return wrongType(i, enc, v)
		}
		b.PutEnum(i, uint16(n))
	case tuple.SetEnc, tuple.BitEnc:
		n, ok := asUint64(v)
		if !ok {
			return wrongType(i, enc, v)
		}
		if enc == tuple.SetEnc {
			b.PutSet(i, n)
		} else {
			b.PutBit(i, n)
		}
	case tuple.JSONEnc:
		doc, err := jsonBytes(v)
		if err != nil {
			return fmt.Errorf("%w: field %d (%v): %v", ErrValue, i, enc, err)
		}
		var tags []byte
		if jd, ok := v.(types.JSONDocument); ok {
			tags, _ = jsonTags(jd.Val)
		}
		if len(tags) > 0 {
			b.PutJSONTyped(i, doc, tags)
		} else {
			b.PutJSON(i, doc)
		}
	case tuple.VectorEnc:
		var raw []byte
		switch x := v.(type) {
		case []byte:
			raw = x
		case []float32:
			raw = sql.EncodeVector(x)
		default:
			return wrongType(i, enc, v)
		}
		if vt, ok := t.(types.VectorType); ok && vt.Dimensions > 0 && len(raw) != vt.Dimensions*tuple.VectorElemSize {
			return fmt.Errorf("%w: field %d (%v): %d bytes for %s", ErrValue, i, enc, len(raw), vt)
		}
		b.PutBytes(i, raw)
	case tuple.GeometryEnc:
		g, ok := v.(types.GeometryValue)
		if !ok {
			return wrongType(i, enc, v)
		}
		b.PutBytes(i, g.Serialize())
	default:
		return wrongType(i, enc, v)
	}
	return nil
}

// toShopspring converts GMS's decimal value (*apd.Decimal) to tuple's decimal.Decimal.
func toShopspring(v any) (decimal.Decimal, error) {
	var d *apd.Decimal
	switch x := v.(type) {
	case *apd.Decimal:
		d = x
	case apd.Decimal:
		d = &x
	case decimal.Decimal:
		return x, nil
	default:
		return decimal.Decimal{}, fmt.Errorf("Go value %T is not a decimal", v)
	}
	if d == nil {
		return decimal.Decimal{}, fmt.Errorf("nil *apd.Decimal")
	}
	if d.Form != apd.Finite {
		return decimal.Decimal{}, fmt.Errorf("decimal %v is not finite", d)
	}
	if d.Coeff.IsInt64() {
		c := d.Coeff.Int64()
		if d.Negative {
			c = -c
		}
		return decimal.New(c, d.Exponent), nil
	}
	c := d.Coeff.MathBigInt()
	if d.Negative {
		c.Neg(c)
	}
	return decimal.NewFromBigInt(c, d.Exponent), nil
}

// jsonBytes returns a JSON text of a GMS JSON value; tuple canonicalizes it.
func jsonBytes(v any) ([]byte, error) {
	switch x := v.(type) {
	case types.JSONBytes:
		return x.GetBytes(context.Background())
	case sql.JSONWrapper:
		return types.JsonToMySqlBytes(context.Background(), x)
	case string:
		return []byte(x), nil
	case []byte:
		return x, nil
	}
	return nil, fmt.Errorf("Go value %T is not a JSON document", v)
}

// get decodes field i (encoding enc) of tup into GMS's Go value.
func get(d tuple.Desc, tup tuple.Tuple, i int, enc tuple.Encoding) (any, error) {
	return getIn(nil, d, tup, i, enc)
}

// getIn is get with the strings and their boxes of String fields taken from a (nil: one
// allocation each). The typed getter runs first and the NULL bit is read only when it
// finds nothing, so a present field costs one parse of the tuple's footer instead of two.
// (On bytes Validate refuses, a non-nullable leading fixed-width field whose null bit or
// count says NULL reads as its bytes; on every valid tuple the result is the same.)
func getIn(a *Arena, d tuple.Desc, tup tuple.Tuple, i int, enc tuple.Encoding) (any, error) {
	var ok bool
	var out any
	switch enc {
	case tuple.Int8Enc, tuple.Int16Enc, tuple.Int24Enc, tuple.Int32Enc, tuple.Int64Enc:
		var n int64
		if n, ok = d.GetInt(tup, i); ok {
			switch enc {
			case tuple.Int8Enc:
				out = int8(n)
			case tuple.Int16Enc:
				out = int16(n)
			case tuple.Int24Enc, tuple.Int32Enc:
				out = int32(n)
			default:
				out = n
			}
		}
	case tuple.Uint8Enc, tuple.Uint16Enc, tuple.Uint24Enc, tuple.Uint32Enc, tuple.Uint64Enc:
		var n uint64
		if n, ok = d.GetUint(tup, i); ok {
			switch enc {
			case tuple.Uint8Enc:
				out = uint8(n)
			case tuple.Uint16Enc:
				out = uint16(n)
			case tuple.Uint24Enc, tuple.Uint32Enc:
				out = uint32(n)
			default:
				out = n
			}
		}
	case tuple.Float32Enc:
		var x float32
		if x, ok = d.GetFloat32(tup, i); ok {
			out = x
		}
	case tuple.Float64Enc:
		var x float64
		if x, ok = d.GetFloat64(tup, i); ok {
			out = x
		}
	case tuple.DecimalEnc:
		var x decimal.Decimal
		if x, ok = d.GetDecimal(tup, i); ok {
			out = toAPD(x)
		}
	case tuple.StringEnc:
		var s []byte
		if s, ok = d.GetString(tup, i); ok {
			if a != nil {
				out = a.box(s)
			} else {
				out = string(s)
			}
		}
	case tuple.BytesEnc:
		var s []byte
		if s, ok = d.GetBytes(tup, i); ok {
			out = append(make([]byte, 0, len(s)), s...)
		}
	case tuple.VectorEnc:
		var s []byte
		if s, ok = d.GetVector(tup, i); ok {
			out = append(make([]byte, 0, len(s)), s...)
		}
	case tuple.GeometryEnc:
		var s []byte
		if s, ok = d.GetGeometry(tup, i); ok {
			g, _, err := types.GeometryType{}.Convert(context.Background(), s)
			if err != nil {
				return nil, fmt.Errorf("%w: field %d: %v", tuple.ErrCorrupt, i, err)
			}
			out = g
		}
	case tuple.DateEnc:
		var x tuple.Date
		if x, ok = d.GetDate(tup, i); ok {
			out = dateTime(x)
		}
	case tuple.DatetimeEnc:
		var x tuple.Datetime
		if x, ok = d.GetDatetime(tup, i); ok {
			out = datetimeTime(x)
		}
	case tuple.TimestampEnc:
		var us int64
		if us, ok = d.GetTimestamp(tup, i); ok {
			out = timestampTime(us)
		}
	case tuple.TimeEnc:
		var x time.Duration
		if x, ok = d.GetTime(tup, i); ok {
			out = types.Timespan(x / time.Microsecond)
		}
	case tuple.YearEnc:
		var y uint16
		if y, ok = d.GetYear(tup, i); ok {
			out = int16(y)
		}
	case tuple.EnumEnc:
		var x uint16
		if x, ok = d.GetEnum(tup, i); ok {
			out = x
		}
	case tuple.SetEnc:
		var x uint64
		if x, ok = d.GetSet(tup, i); ok {
			out = x
		}
	case tuple.BitEnc:
		var x uint64
		if x, ok = d.GetBit(tup, i); ok {
			out = x
		}
	case tuple.JSONEnc:
		var doc []byte
		doc, ok = d.GetJSON(tup, i)
		if ok {
			var val any
			if tags, _ := d.GetJSONTags(tup, i); len(tags) > 0 {
				v, err := typedJSON(doc, tags)
				if err != nil {
					return nil, fmt.Errorf("%w: field %d: %v", tuple.ErrCorrupt, i, err)
				}
				val = v
			} else if err := json.Unmarshal(doc, &val); err != nil {
				return nil, fmt.Errorf("%w: field %d: %v", tuple.ErrCorrupt, i, err)
			}
			out = types.JSONDocument{Val: val}
		}
	default:
		return nil, fmt.Errorf("%w: field %d: encoding %v", ErrUnsupportedType, i, enc)
	}
	if !ok {
		if d.IsNull(tup, i) {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: field %d (%v) cannot be read", tuple.ErrCorrupt, i, enc)
	}
	return out, nil
}

func toAPD(x decimal.Decimal) *apd.Decimal {
	c := x.Coefficient()
	if c.IsInt64() {
		return apd.New(c.Int64(), x.Exponent())
	}
	return apd.NewWithBigInt(new(apd.BigInt).SetMathBigInt(c), x.Exponent())
}

func dateTime(d tuple.Date) time.Time {
	if d.IsZero() {
		return types.ZeroTime
	}
	return time.Date(int(d.Year), time.Month(d.Month), int(d.Day), 0, 0, 0, 0, time.UTC)
}

func datetimeTime(dt tuple.Datetime) time.Time {
	if dt == (tuple.Datetime{}) {
		return types.ZeroTime
	}
	return time.Date(int(dt.Year), time.Month(dt.Month), int(dt.Day), int(dt.Hour), int(dt.Minute),
		int(dt.Second), int(dt.Micro)*1000, time.UTC)
}

func timestampTime(us int64) time.Time {
	if us == 0 {
		return types.ZeroTime
	}
	return time.UnixMicro(us).UTC()
}
