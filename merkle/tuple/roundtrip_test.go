package tuple

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

type familyCase struct {
	field Field
	vals  []any
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// families lists one field per encoding (several for those with attributes) with edge
// values, each of the Go type Values returns.
func families() []familyCase {
	big65 := strings.Repeat("9", 35) + "." + strings.Repeat("9", 30)
	return []familyCase{
		{nl(Int8Enc), []any{int64(math.MinInt8), int64(-1), int64(0), int64(1), int64(math.MaxInt8)}},
		{nl(Int16Enc), []any{int64(math.MinInt16), int64(-1), int64(0), int64(math.MaxInt16)}},
		{nl(Int24Enc), []any{int64(-1 << 23), int64(-1), int64(0), int64(1<<23 - 1)}},
		{nl(Int32Enc), []any{int64(math.MinInt32), int64(0), int64(math.MaxInt32)}},
		{nl(Int64Enc), []any{int64(math.MinInt64), int64(-1), int64(0), int64(math.MaxInt64)}},
		{nl(Uint8Enc), []any{uint64(0), uint64(math.MaxUint8)}},
		{nl(Uint16Enc), []any{uint64(0), uint64(math.MaxUint16)}},
		{nl(Uint24Enc), []any{uint64(0), uint64(1<<24 - 1)}},
		{nl(Uint32Enc), []any{uint64(0), uint64(math.MaxUint32)}},
		{nl(Uint64Enc), []any{uint64(0), uint64(1), uint64(math.MaxUint64)}},
		{nl(Float32Enc), []any{float32(-math.MaxFloat32), float32(-1.5), float32(-math.SmallestNonzeroFloat32), float32(0), float32(math.SmallestNonzeroFloat32), float32(3.25), float32(math.MaxFloat32)}},
		{nl(Float64Enc), []any{-math.MaxFloat64, -1e-300, -math.SmallestNonzeroFloat64, 0.0, math.SmallestNonzeroFloat64, 0.1, math.MaxFloat64}},
		{Field{Enc: DecimalEnc, Precision: 65, Scale: 30, Nullable: true}, []any{dec("-" + big65), dec("-0.000000000000000000000000000001"), dec("0"), dec("0.000000000000000000000000000001"), dec("12345.678"), dec(big65)}},
		{Field{Enc: DecimalEnc, Precision: 10, Scale: 2, Nullable: true}, []any{dec("-99999999.99"), dec("-0.01"), dec("0"), dec("1.5"), dec("99999999.99")}},
		{Field{Enc: DecimalEnc, Precision: 1, Scale: 0, Nullable: true}, []any{dec("-9"), dec("0"), dec("9")}},
		{Field{Enc: DecimalEnc, Precision: 19, Scale: 19, Nullable: true}, []any{dec("-0.9999999999999999999"), dec("0.5"), dec("0.9999999999999999999")}},
		{str(Utf8mb40900AICI, true), []any{[]byte(""), []byte("a"), []byte("a\x00b"), []byte("héllo wörld"), []byte("日本語"), []byte("emoji 🙂"), []byte("trailing  ")}},
		{str(BinaryCollation, true), []any{[]byte(""), []byte{0}, []byte{0xff, 0xfe}}},
		{nl(BytesEnc), []any{[]byte{}, []byte{0}, []byte{0, 0}, []byte{0xff}, bytes.Repeat([]byte{7}, 70000)}},
		{nl(DateEnc), []any{Date{}, Date{0, 1, 1}, Date{1000, 1, 1}, Date{2024, 2, 29}, Date{2024, 0, 0}, Date{9999, 12, 31}}},
		{Field{Enc: TimeEnc, FSP: 6, Nullable: true}, []any{-MaxTime, -time.Microsecond, time.Duration(0), 90 * time.Minute, MaxTime}},
		{Field{Enc: TimeEnc, FSP: 0, Nullable: true}, []any{-838*time.Hour - 59*time.Minute - 59*time.Second, time.Duration(0), 838 * time.Hour}},
		{Field{Enc: DatetimeEnc, FSP: 6, Nullable: true}, []any{Datetime{}, Datetime{Year: 1, Month: 1, Day: 1}, Datetime{2024, 2, 29, 23, 59, 59, 999999}, Datetime{9999, 12, 31, 23, 59, 59, 999999}}},
		{Field{Enc: DatetimeEnc, FSP: 3, Nullable: true}, []any{Datetime{2000, 1, 1, 0, 0, 0, 123000}}},
		{Field{Enc: TimestampEnc, FSP: 6, Nullable: true}, []any{int64(0), int64(1_000_000), int64(1_700_000_000_123_456), int64(maxTimestampMicros)}},
		{nl(YearEnc), []any{uint16(0), uint16(1901), uint16(2024), uint16(2155)}},
		{Field{Enc: EnumEnc, Members: 3, Nullable: true}, []any{uint16(0), uint16(1), uint16(3)}},
		{Field{Enc: EnumEnc, Members: 65535, Nullable: true}, []any{uint16(0), uint16(256), uint16(65535)}},
		{Field{Enc: SetEnc, Members: 64, Nullable: true}, []any{uint64(0), uint64(5), uint64(math.MaxUint64)}},
		{Field{Enc: SetEnc, Members: 5, Nullable: true}, []any{uint64(0), uint64(31)}},
		{Field{Enc: BitEnc, Bits: 64, Nullable: true}, []any{uint64(0), uint64(math.MaxUint64)}},
		{Field{Enc: BitEnc, Bits: 1, Nullable: true}, []any{uint64(0), uint64(1)}},
		{nl(JSONEnc), []any{[]byte(`null`), []byte(`true`), []byte(`0`), []byte(`-12`), []byte(`1.5`), []byte(`""`), []byte(`"a\nb"`), []byte(`[]`), []byte(`{}`),
			[]byte(`{"a":[1,{"b":null,"aa":[true,false]}],"bb":{"c":"x"}}`)}},
	}
}

func equalValue(a, b any) bool {
	switch x := a.(type) {
	case decimal.Decimal:
		y, ok := b.(decimal.Decimal)
		return ok && x.Equal(y)
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	}
	return a == b
}

// get reads field i with the typed getter for its encoding.
func get(d Desc, t Tuple, i int) (any, bool) {
	switch d.Field(i).Enc {
	case Int8Enc, Int16Enc, Int24Enc, Int32Enc, Int64Enc:
		return d.GetInt(t, i)
	case Uint8Enc, Uint16Enc, Uint24Enc, Uint32Enc, Uint64Enc:
		return d.GetUint(t, i)
	case Float32Enc:
		return d.GetFloat32(t, i)
	case Float64Enc:
		return d.GetFloat64(t, i)
	case DecimalEnc:
		return d.GetDecimal(t, i)
	case StringEnc:
		return d.GetString(t, i)
	case BytesEnc:
		return d.GetBytes(t, i)
	case JSONEnc:
		return d.GetJSON(t, i)
	case DateEnc:
		return d.GetDate(t, i)
	case TimeEnc:
		return d.GetTime(t, i)
	case DatetimeEnc:
		return d.GetDatetime(t, i)
	case TimestampEnc:
		return d.GetTimestamp(t, i)
	case YearEnc:
		return d.GetYear(t, i)
	case EnumEnc:
		return d.GetEnum(t, i)
	case SetEnc:
		return d.GetSet(t, i)
	case BitEnc:
		return d.GetBit(t, i)
	}
	return nil, false
}

// TestRoundTripEveryFamily builds a row of every family with each edge value, in each
// position (alone, with leading NULLs, with the other fields set), and checks getters,
// Values and re-encoding.
func TestRoundTripEveryFamily(t *testing.T) {
	fams := families()
	fields := make([]Field, len(fams))
	for i, fc := range fams {
		fields[i] = fc.field
	}
	d := mustDesc(t, fields...)
	for i, fc := range fams {
		for _, v := range fc.vals {
			// Field i alone (leading NULLs, trailing NULLs trimmed).
			row := make([]any, len(fams))
			row[i] = v
			checkRoundTrip(t, d, row)
			// Field i with every other field set to its first value.
			for j := range row {
				if j != i {
					row[j] = fams[j].vals[0]
				}
			}
			checkRoundTrip(t, d, row)
		}
	}
	// NULL everywhere: n = 0, footer only (plus no bitmap bytes).
	all := build(t, d)
	if want := []byte{0, 0}; !bytes.Equal(all, want) {
		t.Errorf("all-NULL row = %x, want %x", []byte(all), want)
	}
}

func checkRoundTrip(t *testing.T, d Desc, row []any) {
	t.Helper()
	tup := build(t, d, row...)
	got, err := d.Values(tup)
	if err != nil {
		t.Fatalf("Values: %v", err)
	}
	for i, want := range row {
		if want == nil {
			if got[i] != nil || !d.IsNull(tup, i) {
				t.Fatalf("field %d: got %v, want NULL", i, got[i])
			}
			if _, ok := get(d, tup, i); ok {
				t.Fatalf("field %d: getter ok for NULL", i)
			}
			continue
		}
		if d.Field(i).Enc == JSONEnc {
			c, err := CanonicalJSON(want.([]byte))
			if err != nil {
				t.Fatal(err)
			}
			want = c
		}
		if !equalValue(got[i], want) {
			t.Fatalf("field %d (%v): Values = %#v, want %#v", i, d.Field(i), got[i], want)
		}
		g, ok := get(d, tup, i)
		if !ok || !equalValue(g, want) {
			t.Fatalf("field %d (%v): getter = %#v, %v, want %#v", i, d.Field(i), g, ok, want)
		}
		if d.IsNull(tup, i) {
			t.Fatalf("field %d: IsNull for a value", i)
		}
	}
	again := build(t, d, got...)
	if !bytes.Equal(again, tup) {
		t.Fatalf("re-encoding Values differs:\n%x\n%x", []byte(again), []byte(tup))
	}
	if d.Compare(tup, again) != 0 {
		t.Fatalf("Compare(t, t) != 0")
	}
}

func TestEmptyVersusNull(t *testing.T) {
	d := mustDesc(t, nl(Int8Enc), nl(BytesEnc), str(Utf8mb4Bin, true), nl(Int8Enc))
	empty := build(t, d, nil, []byte{}, "", int64(1))
	null := build(t, d, nil, nil, nil, int64(1))
	if bytes.Equal(empty, null) {
		t.Fatal("'' and NULL encode the same")
	}
	if b, ok := d.GetBytes(empty, 1); !ok || len(b) != 0 {
		t.Errorf("GetBytes('') = %q, %v", b, ok)
	}
	if _, ok := d.GetBytes(null, 1); ok {
		t.Errorf("GetBytes(NULL) ok")
	}
	if d.Compare(null, empty) >= 0 {
		t.Errorf("NULL does not sort before ''")
	}
	// The documented example: (Int8 NULL, Bytes NULL) = (NULL, "").
	d2 := mustDesc(t, nl(Int8Enc), nl(BytesEnc))
	if got, want := build(t, d2, nil, []byte{}), []byte{0, 0, 1, 0, 2}; !bytes.Equal(got, want) {
		t.Errorf("(NULL, '') = %x, want %x", []byte(got), want)
	}
}

func TestGettersRejectMisuse(t *testing.T) {
	d := mustDesc(t, nn(Int64Enc), str(Utf8mb4Bin, false))
	tup := build(t, d, int64(7), "x")
	if _, ok := d.GetUint(tup, 0); ok {
		t.Error("GetUint on an Int64 field ok")
	}
	if _, ok := d.GetInt(tup, 5); ok {
		t.Error("GetInt out of range ok")
	}
	if _, ok := d.GetInt(tup, -1); ok {
		t.Error("GetInt(-1) ok")
	}
	if _, ok := d.GetBytes(tup, 1); ok {
		t.Error("GetBytes on a String field ok")
	}
	if v, ok := d.GetInt(Tuple{1, 2, 3}, 0); ok {
		t.Errorf("GetInt on garbage = %v, ok", v)
	}
	var zero Desc
	if zero.Len() != 0 || zero.Count(tup) != 0 || !zero.IsNull(tup, 0) {
		t.Error("zero Desc misbehaves")
	}
}

func TestLargeValues(t *testing.T) {
	d := mustDesc(t, nl(BytesEnc), nl(Int32Enc), nl(BytesEnc))
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MiB
	tup := build(t, d, big, int64(-5), big[:3])
	if got, ok := d.GetBytes(tup, 0); !ok || !bytes.Equal(got, big) {
		t.Fatal("16 MiB value did not round trip")
	}
	if v, ok := d.GetInt(tup, 1); !ok || v != -5 {
		t.Fatalf("field after a 16 MiB value = %v, %v", v, ok)
	}
	if f := int(tup[len(tup)-2])<<8 | int(tup[len(tup)-1]); f != wideOffsets|3 {
		t.Fatalf("footer %#x, want wide offsets and 3 fields", f)
	}
	checkRoundTrip(t, d, []any{big, int64(-5), big[:3]})
}

func TestFormatAndRaw(t *testing.T) {
	d := mustDesc(t, nn(Int64Enc), str(Utf8mb4Bin, true), nl(BytesEnc), Field{Enc: DecimalEnc, Precision: 5, Scale: 2, Nullable: true},
		nl(JSONEnc), nl(DateEnc))
	tup := build(t, d, int64(-3), "it's", nil, dec("1.5"), `{"b":1,"a":2}`, Date{2024, 1, 2})
	if got, want := d.Format(tup), `(-3, "it's", NULL, 1.50, {"a":2,"b":1}, 2024-01-02)`; got != want {
		t.Errorf("Format = %s, want %s", got, want)
	}
	if got := d.Format(Tuple{1}); !strings.Contains(got, "corrupt") {
		t.Errorf("Format of garbage = %s", got)
	}
	if raw, ok := d.Raw(tup, 1); !ok || string(raw) != "it's" {
		t.Errorf("Raw(1) = %q, %v", raw, ok)
	}
	if _, ok := d.Raw(tup, 2); ok {
		t.Error("Raw of NULL ok")
	}
	if d.Count(tup) != 6 {
		t.Errorf("Count = %d", d.Count(tup))
	}
}

// TestOffsetWidthBoundary: 2-byte offsets up to 65535 data bytes, 4-byte offsets from 65536.
func TestOffsetWidthBoundary(t *testing.T) {
	d := mustDesc(t, nn(BytesEnc), nn(Int8Enc))
	for _, size := range []int{65534, 65535, 65536} {
		tup := build(t, d, bytes.Repeat([]byte{'x'}, size-1), int64(1))
		wide := tup[len(tup)-2]&0x80 != 0
		if wide != (size > 65535) {
			t.Errorf("data of %d bytes: wide offsets %v", size, wide)
		}
		if v, ok := d.GetInt(tup, 1); !ok || v != 1 {
			t.Errorf("data of %d bytes: field 1 = %v, %v", size, v, ok)
		}
	}
}
