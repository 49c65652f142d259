package tuple

import (
	"math"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Builder encodes one row at a time: Put each field (in any order; a later Put of the same
// field replaces an earlier one), then Build. Fields never Put are NULL. A Put that cannot
// encode its value records an error that Build returns (the first one, naming the field),
// so a row can be assembled without checking every call.
//
// A Builder is not safe for concurrent use. It is reusable: Build and Reset clear it, and it
// keeps its buffers, so building many rows with one Builder allocates only the tuples.
type Builder struct {
	d     *desc
	buf   []byte // encoded field values, in Put order
	spans []span // per field
	err   error
}

type span struct {
	start, end int
	state      uint8
}

const (
	stateUnset uint8 = iota
	stateNull
	stateSet
)

var emptyDesc = &desc{lastRequired: -1, allFixed: true}

// NewBuilder returns a Builder for tuples of d.
func NewBuilder(d Desc) *Builder {
	dd := d.d
	if dd == nil {
		dd = emptyDesc
	}
	return &Builder{d: dd, spans: make([]span, len(dd.fields))}
}

// Reset discards every Put and any recorded error.
func (b *Builder) Reset() {
	b.buf = b.buf[:0]
	clear(b.spans)
	b.err = nil
}

// Err returns the first error recorded by a Put since the last Build or Reset.
func (b *Builder) Err() error { return b.err }

func (b *Builder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// field returns field i, or nil after recording an error if i is out of range or ok
// rejects the field's encoding.
func (b *Builder) field(i int, ok func(Encoding) bool, put string) *fieldInfo {
	if i < 0 || i >= len(b.d.fields) {
		b.fail(invalidf(i, 0, "%s: field index out of range 0..%d", put, len(b.d.fields)-1))
		return nil
	}
	f := &b.d.fields[i]
	if !ok(f.Enc) {
		b.fail(invalidf(i, f.Enc, "%s on a %v field", put, f.Enc))
		return nil
	}
	return f
}

func (b *Builder) set(i, start int) {
	b.spans[i] = span{start: start, end: len(b.buf), state: stateSet}
}

func isSigned(e Encoding) bool   { return e.isSigned() }
func isUnsigned(e Encoding) bool { return e.isUnsigned() }
func isStringy(e Encoding) bool {
	return e == StringEnc || e == BytesEnc || e == VectorEnc || e == GeometryEnc
}
func is(want Encoding) func(Encoding) bool {
	return func(e Encoding) bool { return e == want }
}

var (
	isString    = is(StringEnc)
	isBytes     = is(BytesEnc)
	isVector    = is(VectorEnc)
	isGeometry  = is(GeometryEnc)
	isFloat32   = is(Float32Enc)
	isFloat64   = is(Float64Enc)
	isDecimal   = is(DecimalEnc)
	isJSON      = is(JSONEnc)
	isDate      = is(DateEnc)
	isTime      = is(TimeEnc)
	isDatetime  = is(DatetimeEnc)
	isTimestamp = is(TimestampEnc)
	isYear      = is(YearEnc)
	isEnum      = is(EnumEnc)
	isSet       = is(SetEnc)
	isBit       = is(BitEnc)
	isAny       = func(Encoding) bool { return true }
)

// PutNull sets field i to NULL; an error if the field is not nullable.
func (b *Builder) PutNull(i int) {
	f := b.field(i, isAny, "PutNull")
	if f == nil {
		return
	}
	if !f.Nullable {
		b.fail(invalidf(i, f.Enc, "NULL in a non-nullable field"))
		return
	}
	b.spans[i] = span{state: stateNull}
}

// PutInt sets a signed integer field (Int8..Int64); an error if v is out of the width's range.
func (b *Builder) PutInt(i int, v int64) {
	f := b.field(i, isSigned, "PutInt")
	if f == nil {
		return
	}
	if lo, hi := intRange(f.width); v < lo || v > hi {
		b.fail(invalidf(i, f.Enc, "%d outside %d..%d", v, lo, hi))
		return
	}
	s := len(b.buf)
	b.buf = appendInt(b.buf, v, f.width)
	b.set(i, s)
}

// PutUint sets an unsigned integer field (Uint8..Uint64); an error if v is out of range.
func (b *Builder) PutUint(i int, v uint64) {
	f := b.field(i, isUnsigned, "PutUint")
	if f == nil {
		return
	}
	if hi := uintMax(f.width); v > hi {
		b.fail(invalidf(i, f.Enc, "%d outside 0..%d", v, hi))
		return
	}
	s := len(b.buf)
	b.buf = appendUint(b.buf, v, f.width)
	b.set(i, s)
}

// PutFloat32 sets a Float32 field; NaN and ±Inf are errors, -0 is stored as +0.
func (b *Builder) PutFloat32(i int, v float32) {
	f := b.field(i, isFloat32, "PutFloat32")
	if f == nil {
		return
	}
	if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
		b.fail(invalidf(i, f.Enc, "%v is not a finite number", v))
		return
	}
	if v == 0 {
		v = 0 // -0 -> +0
	}
	s := len(b.buf)
	b.buf = appendUint(b.buf, uint64(float32Key(v)), 4)
	b.set(i, s)
}

// PutFloat64 sets a Float64 field; NaN and ±Inf are errors, -0 is stored as +0.
func (b *Builder) PutFloat64(i int, v float64) {
	f := b.field(i, isFloat64, "PutFloat64")
	if f == nil {
		return
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		b.fail(invalidf(i, f.Enc, "%v is not a finite number", v))
		return
	}
	if v == 0 {
		v = 0 // -0 -> +0
	}
	s := len(b.buf)
	b.buf = appendUint(b.buf, float64Key(v), 8)
	b.set(i, s)
}

// PutDecimal sets a Decimal field. v is stored at the field's scale: trailing fractional
// zeros do not matter (1.5 and 1.50 are the same value), but non-zero digits past the scale
// or more than Precision-Scale integer digits are an error.
func (b *Builder) PutDecimal(i int, v decimal.Decimal) {
	f := b.field(i, isDecimal, "PutDecimal")
	if f == nil {
		return
	}
	u, err := unscaled(v, f.Precision, f.Scale)
	if err != nil {
		b.fail(invalidf(i, f.Enc, "%v", err))
		return
	}
	s := len(b.buf)
	b.buf = appendDecimal(b.buf, u, f.width)
	b.set(i, s)
}

// PutString sets a String or Bytes field to the bytes of v. For a String field v must be
// valid in the field's collation (well-formed UTF-8 for utf8mb4). The empty string is a
// value, distinct from NULL.
func (b *Builder) PutString(i int, v string) {
	f := b.field(i, isStringy, "PutString")
	if f == nil {
		return
	}
	s := len(b.buf)
	b.buf = append(b.buf, v...)
	b.checkString(i, f, s)
}

// PutBytes sets a String, Bytes, Vector or Geometry field to a copy of v; see PutString.
// A Vector field's value must be a whole number of 4-byte elements, a Geometry field's a
// geometry header (see the package documentation).
func (b *Builder) PutBytes(i int, v []byte) {
	f := b.field(i, isStringy, "PutBytes")
	if f == nil {
		return
	}
	s := len(b.buf)
	b.buf = append(b.buf, v...)
	b.checkString(i, f, s)
}

func (b *Builder) checkString(i int, f *fieldInfo, s int) {
	if check := binaryCheck(f.Enc); check != nil {
		if err := check(b.buf[s:]); err != nil {
			b.buf = b.buf[:s]
			b.fail(&FieldError{Kind: ErrInvalidValue, Field: i, Enc: f.Enc, Msg: "invalid " + strings.ToLower(f.Enc.String()), Err: err})
			return
		}
	}
	if f.Enc == StringEnc {
		if err := f.Collation.Check(b.buf[s:]); err != nil {
			b.buf = b.buf[:s]
			b.fail(&FieldError{Kind: ErrInvalidValue, Field: i, Enc: f.Enc, Msg: "invalid string for " + f.Collation.Name(), Err: err})
			return
		}
	}
	b.set(i, s)
}

// PutJSON sets a JSON field to the canonical form of the document doc (see CanonicalJSON);
// an error if doc is not valid JSON.
func (b *Builder) PutJSON(i int, doc []byte) {
	f := b.field(i, isJSON, "PutJSON")
	if f == nil {
		return
	}
	s := len(b.buf)
	out, err := appendCanonicalJSON(b.buf, doc)
	if err != nil {
		b.fail(&FieldError{Kind: ErrInvalidValue, Field: i, Enc: f.Enc, Msg: "invalid JSON document", Err: err})
		return
	}
	b.buf = out
	b.set(i, s)
}

// PutDate sets a Date field; an error if v is not a valid date (see Date).
func (b *Builder) PutDate(i int, v Date) {
	f := b.field(i, isDate, "PutDate")
	if f == nil {
		return
	}
	if err := v.check(); err != nil {
		b.fail(invalidf(i, f.Enc, "%v", err))
		return
	}
	s := len(b.buf)
	b.buf = appendUint(b.buf, v.pack(), 3)
	b.set(i, s)
}

// PutTime sets a Time field to v, which must be a whole number of microseconds within
// ±MaxTime with no non-zero digits past the field's FSP.
func (b *Builder) PutTime(i int, v time.Duration) {
	f := b.field(i, isTime, "PutTime")
	if f == nil {
		return
	}
	micros, err := checkTime(v, f.FSP)
	if err != nil {
		b.fail(invalidf(i, f.Enc, "%v", err))
		return
	}
	s := len(b.buf)
	b.buf = appendInt(b.buf, micros, 6)
	b.set(i, s)
}

// PutDatetime sets a Datetime field; an error if v is not valid (see Datetime) or has
// non-zero digits past the field's FSP.
func (b *Builder) PutDatetime(i int, v Datetime) {
	f := b.field(i, isDatetime, "PutDatetime")
	if f == nil {
		return
	}
	if err := v.check(f.FSP); err != nil {
		b.fail(invalidf(i, f.Enc, "%v", err))
		return
	}
	s := len(b.buf)
	b.buf = appendUint(b.buf, v.pack(), 8)
	b.set(i, s)
}

// PutTimestamp sets a Timestamp field to unixMicros, microseconds since 1970-01-01 UTC
// (time.Time.UnixMicro); 0 is MySQL's zero timestamp 0000-00-00 00:00:00. Other values must
// lie in 1970-01-01 00:00:01 .. 2038-01-19 03:14:07.999999 UTC with no non-zero digits past
// the field's FSP.
func (b *Builder) PutTimestamp(i int, unixMicros int64) {
	f := b.field(i, isTimestamp, "PutTimestamp")
	if f == nil {
		return
	}
	if err := checkTimestamp(unixMicros, f.FSP); err != nil {
		b.fail(invalidf(i, f.Enc, "%v", err))
		return
	}
	s := len(b.buf)
	b.buf = appendUint(b.buf, uint64(unixMicros), 8)
	b.set(i, s)
}

// PutYear sets a Year field: 0 (YEAR 0000) or 1901..2155.
func (b *Builder) PutYear(i int, v uint16) {
	f := b.field(i, isYear, "PutYear")
	if f == nil {
		return
	}
	if err := checkYear(v); err != nil {
		b.fail(invalidf(i, f.Enc, "%v", err))
		return
	}
	s := len(b.buf)
	if v == 0 {
		b.buf = append(b.buf, 0)
	} else {
		b.buf = append(b.buf, byte(v-1900))
	}
	b.set(i, s)
}

// PutEnum sets an Enum field to the 1-based index of a member, or 0 for MySQL's empty-string
// error value; an error if v exceeds the number of members.
func (b *Builder) PutEnum(i int, v uint16) {
	f := b.field(i, isEnum, "PutEnum")
	if f == nil {
		return
	}
	if int(v) > f.Members {
		b.fail(invalidf(i, f.Enc, "index %d outside 0..%d", v, f.Members))
		return
	}
	s := len(b.buf)
	b.buf = appendUint(b.buf, uint64(v), f.width)
	b.set(i, s)
}

// PutSet sets a Set field to a bitmask of members (bit k = member k+1); an error if a bit
// at or past the number of members is set.
func (b *Builder) PutSet(i int, v uint64) {
	f := b.field(i, isSet, "PutSet")
	if f == nil {
		return
	}
	if f.Members < 64 && v>>f.Members != 0 {
		b.fail(invalidf(i, f.Enc, "bitmask %#x has bits past member %d", v, f.Members))
		return
	}
	s := len(b.buf)
	b.buf = appendUint(b.buf, v, f.width)
	b.set(i, s)
}

// PutBit sets a BIT(n) field; an error if v does not fit in n bits.
func (b *Builder) PutBit(i int, v uint64) {
	f := b.field(i, isBit, "PutBit")
	if f == nil {
		return
	}
	if f.Bits < 64 && v>>f.Bits != 0 {
		b.fail(invalidf(i, f.Enc, "%#x does not fit BIT(%d)", v, f.Bits))
		return
	}
	s := len(b.buf)
	b.buf = appendUint(b.buf, v, f.width)
	b.set(i, s)
}

// Put sets field i from a Go value of the type Values returns for its encoding (see the
// package documentation), or nil for NULL. For convenience int is accepted for signed and
// uint for unsigned integers, and string or []byte for String, Bytes and JSON fields.
func (b *Builder) Put(i int, v any) {
	if v == nil {
		b.PutNull(i)
		return
	}
	f := b.field(i, isAny, "Put")
	if f == nil {
		return
	}
	ok := true
	switch f.Enc {
	case Int8Enc, Int16Enc, Int24Enc, Int32Enc, Int64Enc:
		switch x := v.(type) {
		case int64:
			b.PutInt(i, x)
		case int:
			b.PutInt(i, int64(x))
		default:
			ok = false
		}
	case Uint8Enc, Uint16Enc, Uint24Enc, Uint32Enc, Uint64Enc:
		switch x := v.(type) {
		case uint64:
			b.PutUint(i, x)
		case uint:
			b.PutUint(i, uint64(x))
		default:
			ok = false
		}
	case StringEnc, BytesEnc, JSONEnc, VectorEnc, GeometryEnc:
		var raw []byte
		switch x := v.(type) {
		case []byte:
			raw = x
		case string:
			raw = []byte(x)
		default:
			ok = false
		}
		if ok && f.Enc == JSONEnc {
			// The bytes of a JSON field (Values): text, then maybe a NUL and number tags.
			text, tags := splitJSON(raw)
			b.PutJSONTyped(i, text, tags)
		} else if ok {
			b.PutBytes(i, raw)
		}
	default:
		ok = b.putTyped(i, f.Enc, v)
	}
	if !ok {
		b.fail(invalidf(i, f.Enc, "Put of a %T", v))
	}
}

func (b *Builder) putTyped(i int, enc Encoding, v any) bool {
	switch x := v.(type) {
	case float32:
		if enc == Float32Enc {
			b.PutFloat32(i, x)
			return true
		}
	case float64:
		if enc == Float64Enc {
			b.PutFloat64(i, x)
			return true
		}
	case decimal.Decimal:
		if enc == DecimalEnc {
			b.PutDecimal(i, x)
			return true
		}
	case Date:
		if enc == DateEnc {
			b.PutDate(i, x)
			return true
		}
	case time.Duration:
		if enc == TimeEnc {
			b.PutTime(i, x)
			return true
		}
	case Datetime:
		if enc == DatetimeEnc {
			b.PutDatetime(i, x)
			return true
		}
	case int64:
		if enc == TimestampEnc {
			b.PutTimestamp(i, x)
			return true
		}
	case uint16:
		switch enc {
		case YearEnc:
			b.PutYear(i, x)
			return true
		case EnumEnc:
			b.PutEnum(i, x)
			return true
		}
	case uint64:
		switch enc {
		case SetEnc:
			b.PutSet(i, x)
			return true
		case BitEnc:
			b.PutBit(i, x)
			return true
		}
	}
	return false
}

// Build returns the tuple of the fields Put since the last Build or Reset, and clears the
// Builder. It returns the first error a Put recorded, or an error naming a non-nullable
// field that was not Put. The tuple is freshly allocated; the caller owns it.
func (b *Builder) Build() (Tuple, error) {
	n, size, w, err := b.layout()
	if err != nil {
		b.Reset()
		return nil, err
	}
	t := b.write(make([]byte, 0, size), n, w)
	b.Reset()
	return t, nil
}

// Append is Build appending the tuple to dst; it returns the extended slice. With a dst of
// sufficient capacity it does not allocate.
func (b *Builder) Append(dst []byte) ([]byte, error) {
	n, size, w, err := b.layout()
	if err != nil {
		b.Reset()
		return dst, err
	}
	dst = b.write(growCap(dst, size), n, w)
	b.Reset()
	return dst, nil
}

func growCap(dst []byte, n int) []byte {
	if cap(dst)-len(dst) >= n {
		return dst
	}
	out := make([]byte, len(dst), len(dst)+n)
	copy(out, dst)
	return out
}

// layout checks the Put fields and returns the stored field count, the tuple size and the
// offset width.
func (b *Builder) layout() (n, size, w int, err error) {
	if b.err != nil {
		return 0, 0, 0, b.err
	}
	data := 0
	for i := range b.spans {
		sp := &b.spans[i]
		if sp.state == stateSet {
			n = i + 1
			data += sp.end - sp.start
		} else if !b.d.fields[i].Nullable {
			return 0, 0, 0, invalidf(i, b.d.fields[i].Enc, "non-nullable field not set")
		}
	}
	if data > MaxDataSize {
		return 0, 0, 0, invalidf(-1, 0, "tuple data of %d bytes exceeds %d", data, MaxDataSize)
	}
	w = 2
	if data > narrowMaxEnd {
		w = 4
	}
	size = data + footerSize
	if n > 0 {
		size += (n - 1) * w
	}
	if b.d.hasNullable {
		size += (n + 7) >> 3
	}
	return n, size, w, nil
}

func (b *Builder) write(t []byte, n, w int) []byte {
	for i := 0; i < n; i++ {
		if sp := b.spans[i]; sp.state == stateSet {
			t = append(t, b.buf[sp.start:sp.end]...)
		}
	}
	end := 0
	for i := 0; i < n-1; i++ {
		if sp := b.spans[i]; sp.state == stateSet {
			end += sp.end - sp.start
		}
		t = appendUint(t, uint64(end), w)
	}
	if b.d.hasNullable {
		for k := 0; k < n; k += 8 {
			var m byte
			for j := k; j < n && j < k+8; j++ {
				if b.spans[j].state != stateSet {
					m |= 1 << (j - k)
				}
			}
			t = append(t, m)
		}
	}
	footer := n
	if w == 4 {
		footer |= wideOffsets
	}
	return append(t, byte(footer>>8), byte(footer))
}
