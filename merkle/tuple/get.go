package tuple

import (
	"math"
	"time"

	"github.com/shopspring/decimal"
)

// Typed getters. Each returns the value of field i of t and true, or the zero value and
// false if the field is NULL. They also return false, rather than panic, if i is out of
// range, the field's encoding is not the getter's, or the field's bytes have the wrong
// width; they do not otherwise check the bytes (use Validate for that). Getters do not
// allocate, except GetDecimal. Returned slices alias t.

// fixed returns the bytes of field i if its encoding satisfies ok and it is non-NULL with
// the expected width.
func (d Desc) fixed(t Tuple, i int, ok func(Encoding) bool) (*fieldInfo, []byte, bool) {
	if d.d == nil || i < 0 || i >= len(d.d.fields) {
		return nil, nil, false
	}
	f := &d.d.fields[i]
	if !ok(f.Enc) {
		return nil, nil, false
	}
	if i < d.d.prefixFields && len(t) >= d.d.prefixLen {
		// Fixed-width non-nullable leading fields sit at fixed positions.
		return f, t[f.off : f.off+f.width], true
	}
	v := d.d.view(t)
	b, present := v.field(i)
	if !present || (f.width != 0 && len(b) != f.width) {
		return nil, nil, false
	}
	return f, b, true
}

// GetInt returns a signed integer field (Int8..Int64).
func (d Desc) GetInt(t Tuple, i int) (int64, bool) {
	_, b, ok := d.fixed(t, i, isSigned)
	if !ok {
		return 0, false
	}
	return readInt(b), true
}

// GetUint returns an unsigned integer field (Uint8..Uint64).
func (d Desc) GetUint(t Tuple, i int) (uint64, bool) {
	_, b, ok := d.fixed(t, i, isUnsigned)
	if !ok {
		return 0, false
	}
	return readUint(b), true
}

// GetFloat32 returns a Float32 field.
func (d Desc) GetFloat32(t Tuple, i int) (float32, bool) {
	_, b, ok := d.fixed(t, i, isFloat32)
	if !ok {
		return 0, false
	}
	return float32FromKey(uint32(readUint(b))), true
}

// GetFloat64 returns a Float64 field.
func (d Desc) GetFloat64(t Tuple, i int) (float64, bool) {
	_, b, ok := d.fixed(t, i, isFloat64)
	if !ok {
		return 0, false
	}
	return float64FromKey(readUint(b)), true
}

// GetDecimal returns a Decimal field, with exponent -Scale. It allocates.
func (d Desc) GetDecimal(t Tuple, i int) (decimal.Decimal, bool) {
	f, b, ok := d.fixed(t, i, isDecimal)
	if !ok {
		return decimal.Decimal{}, false
	}
	u, err := readDecimalUnscaled(b, f.Precision)
	if err != nil {
		return decimal.Decimal{}, false
	}
	return decimal.NewFromBigInt(u, int32(-f.Scale)), true
}

// GetString returns the bytes of a String field. The slice aliases t.
func (d Desc) GetString(t Tuple, i int) ([]byte, bool) {
	_, b, ok := d.fixed(t, i, isString)
	return b, ok
}

// GetBytes returns the bytes of a Bytes field. The slice aliases t.
func (d Desc) GetBytes(t Tuple, i int) ([]byte, bool) {
	_, b, ok := d.fixed(t, i, isBytes)
	return b, ok
}

// GetVector returns the bytes of a Vector field (4 bytes per element). The slice aliases t.
func (d Desc) GetVector(t Tuple, i int) ([]byte, bool) {
	_, b, ok := d.fixed(t, i, isVector)
	return b, ok
}

// GetGeometry returns the bytes of a Geometry field. The slice aliases t.
func (d Desc) GetGeometry(t Tuple, i int) ([]byte, bool) {
	_, b, ok := d.fixed(t, i, isGeometry)
	return b, ok
}

// GetJSON returns the canonical text of a JSON field (without its number tags: see
// GetJSONTags). The slice aliases t.
func (d Desc) GetJSON(t Tuple, i int) ([]byte, bool) {
	_, b, ok := d.fixed(t, i, isJSON)
	text, _ := splitJSON(b)
	return text, ok
}

// GetDate returns a Date field.
func (d Desc) GetDate(t Tuple, i int) (Date, bool) {
	_, b, ok := d.fixed(t, i, isDate)
	if !ok {
		return Date{}, false
	}
	return unpackDate(readUint(b)), true
}

// GetTime returns a Time field.
func (d Desc) GetTime(t Tuple, i int) (time.Duration, bool) {
	_, b, ok := d.fixed(t, i, isTime)
	if !ok {
		return 0, false
	}
	return time.Duration(readInt(b)) * time.Microsecond, true
}

// GetDatetime returns a Datetime field.
func (d Desc) GetDatetime(t Tuple, i int) (Datetime, bool) {
	_, b, ok := d.fixed(t, i, isDatetime)
	if !ok {
		return Datetime{}, false
	}
	return unpackDatetime(readUint(b)), true
}

// GetTimestamp returns a Timestamp field in Unix microseconds (0: the zero timestamp).
func (d Desc) GetTimestamp(t Tuple, i int) (int64, bool) {
	_, b, ok := d.fixed(t, i, isTimestamp)
	if !ok {
		return 0, false
	}
	return int64(readUint(b) & math.MaxInt64), true
}

// GetYear returns a Year field: 0 or 1901..2155.
func (d Desc) GetYear(t Tuple, i int) (uint16, bool) {
	_, b, ok := d.fixed(t, i, isYear)
	if !ok {
		return 0, false
	}
	if b[0] == 0 {
		return 0, true
	}
	return 1900 + uint16(b[0]), true
}

// GetEnum returns an Enum field: a 1-based member index, or 0.
func (d Desc) GetEnum(t Tuple, i int) (uint16, bool) {
	_, b, ok := d.fixed(t, i, isEnum)
	if !ok {
		return 0, false
	}
	return uint16(readUint(b)), true
}

// GetSet returns a Set field's bitmask.
func (d Desc) GetSet(t Tuple, i int) (uint64, bool) {
	_, b, ok := d.fixed(t, i, isSet)
	if !ok {
		return 0, false
	}
	return readUint(b), true
}

// GetBit returns a Bit field.
func (d Desc) GetBit(t Tuple, i int) (uint64, bool) {
	_, b, ok := d.fixed(t, i, isBit)
	if !ok {
		return 0, false
	}
	return readUint(b), true
}
