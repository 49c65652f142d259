package tuple

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func unhex(t *testing.T, s string) Tuple {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestValidateRejectsNonCanonical feeds Validate hand-made bytes that are not the canonical
// encoding of any row and checks that the error names the right field and problem.
func TestValidateRejectsNonCanonical(t *testing.T) {
	ints := mustDesc(t, nn(Int8Enc), nl(Int8Enc), nl(Int8Enc))
	bytesDesc := mustDesc(t, nn(BytesEnc), nn(BytesEnc))
	one := func(f Field) Desc { return mustDesc(t, f) }
	cases := []struct {
		name  string
		d     Desc
		hex   string
		field int    // -1 for the tuple as a whole
		msg   string // substring of the error
	}{
		{"empty", ints, "", -1, "shorter than"},
		{"one byte", ints, "00", -1, "shorter than"},
		{"too many fields", ints, "81 00 04", -1, "stores 4 fields"},
		{"short for offsets", ints, "00 03", -1, "too short"},
		{"data but no fields", mustDesc(t, nl(Int8Enc)), "81 00 00", -1, "no fields"},
		{"untrimmed trailing NULL", ints, "81 0001 02 0002", 1, "trailing NULL"},
		{"missing non-nullable", mustDesc(t, nn(Int8Enc), nn(Int8Enc)), "81 0001", 1, "missing"},
		{"NULL in non-nullable", ints, "0000 0000 05 0003", 0, "non-nullable"},
		{"NULL field with bytes", mustDesc(t, nn(Int8Enc), nl(Int8Enc), nn(Int8Enc)), "81 82 83 0001 0002 02 0003", 1, "NULL field has 1 bytes"},
		{"bitmap bit past n", ints, "81 82 0001 04 0002", -1, "past field 1"},
		{"offsets decreasing", bytesDesc, "61 62 0003 0002", 0, "end offset 3"},
		{"wide offsets for small data", bytesDesc, "61 62 00000001 8002", -1, "4-byte offsets"},
		{"wide single field", one(nn(BytesEnc)), "61 8001", -1, "4-byte offsets"},
		{"int too short", one(nn(Int64Enc)), "80 0001", 0, "1 bytes, want 8"},
		{"int too long", one(nn(Int16Enc)), "800000 0001", 0, "3 bytes, want 2"},
		{"float NaN", one(nn(Float64Enc)), "fff8000000000000 0001", 0, "not a finite"},
		{"float +Inf", one(nn(Float32Enc)), "ff800000 0001", 0, "not a finite"},
		{"float -0", one(nn(Float64Enc)), "7fffffffffffffff 0001", 0, "negative zero"},
		{"float32 -0", one(nn(Float32Enc)), "7fffffff 0001", 0, "negative zero"},
		{"decimal out of range", one(Field{Enc: DecimalEnc, Precision: 2}), "e4 0001", 0, "more than 2 digits"},
		{"decimal wide out of range", one(Field{Enc: DecimalEnc, Precision: 19}), "ffffffffffffffffff 0001", 0, "more than 19 digits"},
		{"date month 13", one(nn(DateEnc)), "0fd1a1 0001", 0, "out of range"},
		{"date Feb 30", one(nn(DateEnc)), "0fd05e 0001", 0, "does not exist"},
		{"date bit 23", one(nn(DateEnc)), "800000 0001", 0, "bit 23"},
		{"time out of range", one(Field{Enc: TimeEnc, FSP: 6}), "ffffffffffff 0001", 0, "outside"},
		{"time past fsp", one(Field{Enc: TimeEnc, FSP: 0}), "8000000f4241 0001", 0, "fsp 0"},
		{"datetime tod", one(Field{Enc: DatetimeEnc, FSP: 6}), "0000001fffffffff 0001", 0, "less than a day"},
		{"datetime high bits", one(Field{Enc: DatetimeEnc, FSP: 6}), "1000000000000000 0001", 0, "bits past 60"},
		{"datetime past fsp", one(Field{Enc: DatetimeEnc, FSP: 2}), "0000000000000001 0001", 0, "fsp 2"},
		{"timestamp in first second", one(Field{Enc: TimestampEnc, FSP: 6}), "0000000000000001 0001", 0, "outside"},
		{"timestamp sign bit", one(Field{Enc: TimestampEnc}), "8000000000000000 0001", 0, "out of range"},
		{"enum past members", one(Field{Enc: EnumEnc, Members: 3}), "04 0001", 0, "outside 0..3"},
		{"set past members", one(Field{Enc: SetEnc, Members: 9}), "0200 0001", 0, "past member 9"},
		{"bit past n", one(Field{Enc: BitEnc, Bits: 9}), "0200 0001", 0, "BIT(9)"},
		{"json whitespace", one(nn(JSONEnc)), hex.EncodeToString([]byte(`{"a": 1}`)) + "0001", 0, "not canonical"},
		{"json key order", one(nn(JSONEnc)), hex.EncodeToString([]byte(`{"b":1,"a":2}`)) + "0001", 0, "not canonical"},
		{"json invalid", one(nn(JSONEnc)), hex.EncodeToString([]byte(`{"a"`)) + "0001", 0, "invalid JSON"},
		{"json empty", one(nn(JSONEnc)), "0001", 0, "invalid JSON"},
		{"utf8 invalid", one(str(Utf8mb40900AICI, false)), "61ff 0001", 0, "invalid UTF-8"},
	}
	for _, c := range cases {
		tup := unhex(t, c.hex)
		err := c.d.Validate(tup)
		var fe *FieldError
		if !errors.Is(err, ErrCorrupt) || !errors.As(err, &fe) {
			t.Errorf("%s: Validate(%s) = %v, want ErrCorrupt", c.name, c.hex, err)
			continue
		}
		if fe.Field != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: Validate(%s) = %v, want field %d and %q", c.name, c.hex, err, c.field, c.msg)
		}
		if _, verr := c.d.Values(tup); verr == nil {
			t.Errorf("%s: Values accepts what Validate refuses", c.name)
		}
		_ = c.d.Format(tup) // must not panic
	}
}

// TestValidateAcceptsEveryYearByte: all 256 Year bytes are canonical (0 and 1901..2155).
func TestValidateAcceptsEveryYearByte(t *testing.T) {
	d := mustDesc(t, nn(YearEnc))
	for b := 0; b < 256; b++ {
		tup := Tuple{byte(b), 0, 1}
		if err := d.Validate(tup); err != nil {
			t.Fatalf("year byte %d: %v", b, err)
		}
		y, _ := d.GetYear(tup, 0)
		if again := build(t, d, y); !bytes.Equal(again, tup) {
			t.Fatalf("year byte %d does not round trip", b)
		}
	}
}

// TestValidateEveryFixedByteFlip flips every bit of valid tuples and checks that Validate
// either refuses the result or accepts a tuple that round-trips exactly.
func TestValidateEveryFixedByteFlip(t *testing.T) {
	fams := families()
	fields := make([]Field, len(fams))
	row := make([]any, len(fams))
	for i, fc := range fams {
		fields[i] = fc.field
		row[i] = fc.vals[len(fc.vals)/2]
	}
	row[18] = []byte("short") // keep the tuple small (field 18 is Bytes)
	d := mustDesc(t, fields...)
	orig := build(t, d, row...)
	for i := range orig {
		for bit := 0; bit < 8; bit++ {
			tup := bytes.Clone(orig)
			tup[i] ^= 1 << bit
			checkAcceptedRoundTrips(t, d, tup)
		}
	}
}

func checkAcceptedRoundTrips(t *testing.T, d Desc, tup Tuple) {
	t.Helper()
	if d.Validate(tup) != nil {
		return
	}
	vals, err := d.Values(tup)
	if err != nil {
		t.Fatalf("Validate accepts %x but Values: %v", []byte(tup), err)
	}
	again, err := buildErr(d, vals...)
	if err != nil {
		t.Fatalf("Validate accepts %x but its values do not build: %v", []byte(tup), err)
	}
	if !bytes.Equal(again, tup) {
		t.Fatalf("Validate accepts non-canonical %x; canonical %x", []byte(tup), []byte(again))
	}
	if d.Compare(tup, again) != 0 {
		t.Fatalf("Compare(t, t) != 0 for %x", []byte(tup))
	}
}

// fuzzDescs are the Descs FuzzValidate picks from with its first argument.
func fuzzDescs(t testing.TB) []Desc {
	fams := families()
	all := make([]Field, len(fams))
	for i, fc := range fams {
		all[i] = fc.field
	}
	return []Desc{
		mustDesc(t, all...),
		mustDesc(t, nn(Int64Enc)),
		mustDesc(t, nn(Int64Enc), str(Utf8mb40900AICI, false)),
		mustDesc(t, nn(Int8Enc), nl(BytesEnc), nl(Int16Enc), str(Utf8mb4Bin, true)),
		mustDesc(t, nl(JSONEnc), nl(JSONEnc)),
		mustDesc(t, Field{Enc: DecimalEnc, Precision: 30, Scale: 5}, nl(Float32Enc), nl(Float64Enc)),
		mustDesc(t, Field{Enc: DatetimeEnc, FSP: 3, Nullable: true}, Field{Enc: TimeEnc, FSP: 2, Nullable: true}, nl(DateEnc),
			Field{Enc: TimestampEnc, FSP: 1, Nullable: true}, Field{Enc: EnumEnc, Members: 5, Nullable: true},
			Field{Enc: SetEnc, Members: 12, Nullable: true}, Field{Enc: BitEnc, Bits: 3, Nullable: true}),
		{},
	}
}

// FuzzValidate: arbitrary bytes never make Validate, Values, Compare, the getters or Format
// panic, and whatever Validate accepts decodes and re-encodes to identical bytes.
func FuzzValidate(f *testing.F) {
	descs := fuzzDescs(f)
	fams := families()
	row := make([]any, len(fams))
	for i, fc := range fams {
		row[i] = fc.vals[0]
	}
	row[18] = []byte{1, 2}
	seed := func(di int, vals ...any) {
		tup, err := buildErr(descs[di], vals...)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(di), []byte(tup))
	}
	seed(0, row...)
	seed(0)
	seed(1, int64(math.MinInt64))
	seed(2, int64(5), "héllo")
	seed(3, int64(1), nil, int64(2))
	seed(3, int64(1), []byte{}, nil, "x ")
	seed(4, `{"a":[1,2.5,"x"],"b":{"c":null}}`, `[]`)
	seed(4, "{\"a\":[1,2.5,\"x\"]}\x00UD", "[-1]\x00I")
	seed(5, dec("-12345.6789"), float32(1.5), -2.25)
	seed(6, Datetime{2024, 2, 29, 1, 2, 3, 4000}, nil, Date{}, int64(1_000_000), uint16(5), uint64(0xfff), uint64(7))
	seed(7)
	f.Add(uint8(0), []byte{0xff, 0xff})
	f.Fuzz(func(t *testing.T, di uint8, data []byte) {
		d := descs[int(di)%len(descs)]
		tup := Tuple(data)
		other := Tuple{0, 0}
		_ = d.Compare(tup, other)
		_ = d.Compare(other, tup)
		if d.Compare(tup, tup) != 0 {
			t.Fatalf("Compare(t, t) != 0")
		}
		for i := -1; i <= d.Len(); i++ {
			_, _ = get(d, tup, i)
			_ = d.IsNull(tup, i)
			_, _ = d.Raw(tup, i)
			_ = d.CompareField(i, tup, other)
		}
		_ = d.Format(tup)
		checkAcceptedRoundTrips(t, d, tup)
	})
}

// FuzzCanonicalJSON: canonicalization never panics, is idempotent, and its output is a
// valid JSON field.
func FuzzCanonicalJSON(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":[1, 2]}`, `[1e2,-0,"\u00e9",{"":{}}]`, `"\ud83d\ude42"`, `123456789012345678901234`,
		`-0.0e-5`, `{"a":1,"a":{"b":[]}}`, `1e-7`, `[[[[]]]]`} {
		f.Add([]byte(s))
	}
	d := mustDesc(f, nn(JSONEnc))
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := CanonicalJSON(doc)
		if err != nil {
			if !errors.Is(err, ErrInvalidJSON) {
				t.Fatalf("error does not wrap ErrInvalidJSON: %v", err)
			}
			return
		}
		again, err := CanonicalJSON(c)
		if err != nil || !bytes.Equal(again, c) {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", doc, c, again, err)
		}
		tup := build(t, d, doc)
		if got, _ := d.GetJSON(tup, 0); !bytes.Equal(got, c) {
			t.Fatalf("stored %q, want %q", got, c)
		}
	})
}

// fuzzReader hands out fuzz bytes as numbers, zeros when exhausted.
type fuzzReader struct{ b []byte }

func (r *fuzzReader) u64() uint64 {
	var v uint64
	for k := 0; k < 8 && len(r.b) > 0; k++ {
		v = v<<8 | uint64(r.b[0])
		r.b = r.b[1:]
	}
	return v
}

func (r *fuzzReader) bytes() []byte {
	n := int(r.u64() % 16)
	n = min(n, len(r.b))
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

// FuzzBuildRoundTrip builds values derived from fuzz bytes in every family: Build either
// refuses them with ErrInvalidValue or yields a tuple that validates, decodes to values that
// re-encode identically, and compares equal to itself.
func FuzzBuildRoundTrip(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte("\xff\xff\xff\xff\xff\xff\xff\xff\x80\x00\x00\x00\x00\x00\x00\x00"))
	d := fuzzDescs(f)[0]
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &fuzzReader{b: data}
		for i := 0; i < d.Len(); i++ {
			fd := d.Field(i)
			u := r.u64()
			var v any
			switch fd.Enc {
			case Int8Enc, Int16Enc, Int24Enc, Int32Enc, Int64Enc:
				v = int64(u)
			case Uint8Enc, Uint16Enc, Uint24Enc, Uint32Enc, Uint64Enc, SetEnc, BitEnc:
				v = u
			case Float32Enc:
				v = math.Float32frombits(uint32(u))
			case Float64Enc:
				v = math.Float64frombits(u)
			case DecimalEnc:
				v = decimal.New(int64(u), int32(int8(r.u64())))
			case StringEnc, BytesEnc, JSONEnc:
				v = r.bytes()
			case DateEnc:
				v = Date{uint16(u >> 16), uint8(u >> 8), uint8(u)}
			case TimeEnc:
				v = time.Duration(int64(u))
			case DatetimeEnc:
				v = Datetime{uint16(u >> 48), uint8(u >> 40), uint8(u >> 32), uint8(u >> 24), uint8(u >> 16), uint8(u >> 8), uint32(r.u64())}
			case TimestampEnc:
				v = int64(u)
			case YearEnc, EnumEnc:
				v = uint16(u)
			}
			row := make([]any, i+1)
			row[i] = v
			tup, err := buildErr(d, row...)
			if err != nil {
				if !errors.Is(err, ErrInvalidValue) {
					t.Fatalf("field %d: Build(%#v) error %v does not wrap ErrInvalidValue", i, v, err)
				}
				continue
			}
			if err := d.Validate(tup); err != nil {
				t.Fatalf("field %d: Build(%#v) = %x does not validate: %v", i, v, []byte(tup), err)
			}
			checkAcceptedRoundTrips(t, d, tup)
		}
	})
}
