package tuple

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// TestCanonicalEqualValuesEqualBytes: equal values written differently encode identically.
func TestCanonicalEqualValuesEqualBytes(t *testing.T) {
	cases := []struct {
		name string
		f    Field
		a, b any
	}{
		{"json whitespace and key order", nl(JSONEnc), `{"b":1,"a":[1, 2]}`, `{ "a":[1,2],"b":1 }`},
		{"json escapes", nl(JSONEnc), `"\u00e9\/"`, `"é/"`},
		{"json duplicate keys", nl(JSONEnc), `{"a":1,"a":2}`, `{"a":2}`},
		{"json numbers", nl(JSONEnc), `[1E2,-0,1.50,0.1e1]`, `[100.0,0,1.5,1.0]`},
		{"float64 -0", nl(Float64Enc), math.Copysign(0, -1), 0.0},
		{"float32 -0", nl(Float32Enc), float32(math.Copysign(0, -1)), float32(0)},
		{"decimal trailing zeros", Field{Enc: DecimalEnc, Precision: 10, Scale: 2}, dec("1.5"), dec("1.500")},
		{"decimal zero", Field{Enc: DecimalEnc, Precision: 10, Scale: 2}, dec("-0.00"), dec("0")},
		{"decimal exponent", Field{Enc: DecimalEnc, Precision: 10, Scale: 2}, dec("1.2e3"), dec("1200.00")},
		{"time -0", Field{Enc: TimeEnc}, -0 * time.Second, time.Duration(0)},
	}
	for _, c := range cases {
		d := mustDesc(t, c.f)
		if a, b := build(t, d, c.a), build(t, d, c.b); !bytes.Equal(a, b) {
			t.Errorf("%s: %x != %x", c.name, []byte(a), []byte(b))
		}
	}
}

func TestCanonicalTrailingNulls(t *testing.T) {
	d := mustDesc(t, nn(Int16Enc), nl(BytesEnc), nl(Int8Enc), nl(JSONEnc))
	implicit := build(t, d, int64(3))
	b := NewBuilder(d)
	b.PutInt(0, 3)
	b.PutNull(1)
	b.PutNull(2)
	b.PutNull(3)
	explicit, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	b.PutInt(2, 9)
	b.PutNull(2) // a later Put replaces an earlier one
	b.PutInt(0, 3)
	replaced, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(implicit, explicit) || !bytes.Equal(implicit, replaced) {
		t.Fatalf("trailing NULLs not trimmed: %x %x %x", []byte(implicit), []byte(explicit), []byte(replaced))
	}
	if want := []byte{0x80, 0x03, 0x00, 0x00, 0x01}; !bytes.Equal(implicit, want) {
		t.Fatalf("(3, NULL, NULL, NULL) = %x, want %x", []byte(implicit), want)
	}
}

// TestGoldenEncodings pins the bytes of a row of every family. If this test fails, the
// storage format changed: see "Stability" in the package documentation.
func TestGoldenEncodings(t *testing.T) {
	golden := []struct {
		f   Field
		v   any
		hex string // the whole single-field tuple
	}{
		{nn(Int8Enc), int64(-1), "7f0001"},
		{nn(Int16Enc), int64(1), "80010001"},
		{nn(Int24Enc), int64(-2), "7ffffe0001"},
		{nn(Int32Enc), int64(math.MinInt32), "000000000001"},
		{nn(Int64Enc), int64(1), "80000000000000010001"},
		{nn(Uint8Enc), uint64(200), "c80001"},
		{nn(Uint24Enc), uint64(0x123456), "1234560001"},
		{nn(Uint64Enc), uint64(math.MaxUint64), "ffffffffffffffff0001"},
		{nn(Float32Enc), float32(1), "bf8000000001"},
		{nn(Float32Enc), float32(-1), "407fffff0001"},
		{nn(Float64Enc), 0.0, "80000000000000000001"},
		{nn(Float64Enc), -2.5, "3ffbffffffffffff0001"},
		{Field{Enc: DecimalEnc, Precision: 5, Scale: 2}, dec("1.5"), "8000960001"},
		{Field{Enc: DecimalEnc, Precision: 5, Scale: 2}, dec("-1.5"), "7fff6a0001"},
		{Field{Enc: DecimalEnc, Precision: 20, Scale: 0}, dec("-1"), "7fffffffffffffffff0001"},
		{str(Utf8mb40900AICI, false), "Ab", "41620001"},
		{nl(BytesEnc), []byte{}, "000001"},
		{nn(DateEnc), Date{2024, 2, 29}, "0fd05d0001"},
		{nn(DateEnc), Date{}, "0000000001"},
		{Field{Enc: TimeEnc, FSP: 6}, -time.Microsecond, "7fffffffffff0001"},
		{Field{Enc: DatetimeEnc, FSP: 6}, Datetime{2024, 2, 29, 12, 34, 56, 789}, "01fa0baa8bda1f150001"},
		{Field{Enc: TimestampEnc}, int64(1_700_000_000_000_000), "00060a24181e40000001"},
		{nn(YearEnc), uint16(2024), "7c0001"},
		{nn(YearEnc), uint16(0), "000001"},
		{Field{Enc: EnumEnc, Members: 3}, uint16(2), "020001"},
		{Field{Enc: EnumEnc, Members: 300}, uint16(2), "00020001"},
		{Field{Enc: SetEnc, Members: 10}, uint64(0x201), "02010001"},
		{Field{Enc: BitEnc, Bits: 64}, uint64(1), "00000000000000010001"},
		{nn(JSONEnc), `{"b":[1,2.0,"x"],"a":null}`, "7b2261223a6e756c6c2c2262223a5b312c322e302c2278225d7d0001"},
	}
	for _, g := range golden {
		d := mustDesc(t, g.f)
		if got := hex.EncodeToString(build(t, d, g.v)); got != g.hex {
			t.Errorf("%v %v: %s, want %s", g.f, g.v, got, g.hex)
		}
	}
	// A multi-field tuple: (Int64 1, String 'ab') and (Int8 NULL, Bytes 'x', Int8 NULL, Int8 5).
	d := mustDesc(t, nn(Int64Enc), str(Utf8mb4Bin, false))
	if got := hex.EncodeToString(build(t, d, int64(1), "ab")); got != "80000000000000016162"+"0008"+"0002" {
		t.Errorf("(1, 'ab') = %s", got)
	}
	d = mustDesc(t, nl(Int8Enc), nl(BytesEnc), nl(Int8Enc), nl(Int8Enc))
	if got := hex.EncodeToString(build(t, d, nil, []byte("x"), nil, int64(5))); got != "7885"+"000000010001"+"05"+"0004" {
		t.Errorf("(NULL, 'x', NULL, 5) = %s", got)
	}
}

func TestDecimalWidths(t *testing.T) {
	want := map[int]int{1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 9: 4, 10: 5, 11: 5, 12: 6, 14: 6, 15: 7, 16: 7, 17: 8, 18: 8, 19: 9, 65: 28}
	for p, w := range want {
		if decimalWidth[p] != w {
			t.Errorf("decimalWidth[%d] = %d, want %d", p, decimalWidth[p], w)
		}
	}
}

func TestCanonicalJSON(t *testing.T) {
	ok := []struct{ in, want string }{
		{`  {"b" : 1 , "a" : [ 1 , 2 ] }  `, `{"a":[1,2],"b":1}`},
		{`{"bb":1,"a":2,"c":3,"":0}`, `{"":0,"a":2,"c":3,"bb":1}`},
		{`{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`},
		{`{"x":{"b":{},"a":[]}}`, `{"x":{"a":[],"b":{}}}`},
		{`-0`, `0`},
		{`-0.0`, `0.0`},
		{`1.0`, `1.0`},
		{`1e2`, `100.0`},
		{`1E+2`, `100.0`},
		{`0.5e-0`, `0.5`},
		{`1e-7`, `1e-07`},
		{`0.000001`, `0.000001`},
		{`1e21`, `1e+21`},
		{`123456789012345678901234`, `1.2345678901234569e+23`},
		{`9223372036854775807`, `9223372036854775807`},
		{`-9223372036854775808`, `-9223372036854775808`},
		{`-9223372036854775809`, `-9223372036854776000.0`},
		{`18446744073709551615`, `18446744073709551615`},
		{`18446744073709551616`, `18446744073709552000.0`},
		{`1e-400`, `0.0`},
		{`"\u00e9\u00E9\/\"\\\b\f\n\r\t\u0000\u001f\u007f"`, "\"éé/\\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\x7f\""},
		{`"\ud83d\ude42"`, `"🙂"`},
		{`"<>&\u2028"`, "\"<>&\u2028\""},
		{`[true,false,null]`, `[true,false,null]`},
		{"\t\r\n[]", `[]`},
		{strings.Repeat("[", MaxJSONDepth) + strings.Repeat("]", MaxJSONDepth), strings.Repeat("[", MaxJSONDepth) + strings.Repeat("]", MaxJSONDepth)},
	}
	for _, c := range ok {
		got, err := CanonicalJSON([]byte(c.in))
		if err != nil || string(got) != c.want {
			t.Errorf("CanonicalJSON(%s) = %s, %v; want %s", c.in, got, err, c.want)
			continue
		}
		if again, err := CanonicalJSON(got); err != nil || !bytes.Equal(again, got) {
			t.Errorf("CanonicalJSON not idempotent on %s: %s, %v", got, again, err)
		}
	}
	bad := []string{``, ` `, `{`, `}`, `[1,]`, `[1 2]`, `{"a"}`, `{"a":}`, `{a:1}`, `{"a":1,}`, `01`, `1.`, `.5`, `+1`,
		`-`, `1e`, `1e+`, `NaN`, `Infinity`, `tru`, `nul`, `1e400`, `-1e400`, `"abc`, "\"a\x01\"", "\"\xff\"", `"\x"`,
		`"\u12"`, `"\ud800"`, `"\udc00"`, `"\ud800\u0041"`, `[] []`, `1 2`, `"a"x`, "\xef\xbb\xbf{}",
		strings.Repeat("[", MaxJSONDepth+1) + strings.Repeat("]", MaxJSONDepth+1),
		strings.Repeat(`{"a":`, MaxJSONDepth+1) + "1" + strings.Repeat("}", MaxJSONDepth+1)}
	for _, in := range bad {
		if got, err := CanonicalJSON([]byte(in)); !errors.Is(err, ErrInvalidJSON) {
			t.Errorf("CanonicalJSON(%q) = %s, %v; want ErrInvalidJSON", in, got, err)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	d := mustDesc(t,
		nn(Int8Enc), nl(Uint16Enc), nl(Float64Enc), Field{Enc: DecimalEnc, Precision: 4, Scale: 2, Nullable: true},
		nl(DateEnc), Field{Enc: TimeEnc, FSP: 0, Nullable: true}, Field{Enc: DatetimeEnc, FSP: 3, Nullable: true},
		Field{Enc: TimestampEnc, Nullable: true}, nl(YearEnc), Field{Enc: EnumEnc, Members: 2, Nullable: true},
		Field{Enc: SetEnc, Members: 3, Nullable: true}, Field{Enc: BitEnc, Bits: 4, Nullable: true}, nl(JSONEnc),
		nl(Float32Enc), str(Utf8mb4Bin, true))
	cases := []struct {
		field int
		v     any
	}{
		{0, int64(128)}, {0, int64(-129)}, {0, nil}, {0, uint64(1)}, {0, "1"},
		{1, uint64(65536)}, {1, int64(1)},
		{2, math.NaN()}, {2, math.Inf(1)}, {2, float32(1)},
		{3, dec("100")}, {3, dec("1.005")}, {3, dec("-100.00")}, {3, dec("1e100")}, {3, dec("1e-100")},
		{4, Date{2023, 2, 29}}, {4, Date{2024, 13, 1}}, {4, Date{10000, 1, 1}}, {4, Date{2024, 4, 31}}, {4, Date{0, 2, 29}},
		{5, 839 * time.Hour}, {5, -839 * time.Hour}, {5, time.Second / 2}, {5, time.Nanosecond},
		{6, Datetime{2024, 1, 1, 24, 0, 0, 0}}, {6, Datetime{2024, 1, 1, 0, 60, 0, 0}}, {6, Datetime{2024, 1, 1, 0, 0, 0, 1000000}},
		{6, Datetime{2024, 1, 1, 0, 0, 0, 1500}}, {6, Datetime{2023, 2, 29, 0, 0, 0, 0}},
		{7, int64(1)}, {7, int64(-1_000_000)}, {7, int64(maxTimestampMicros + 1)}, {7, int64(1_500_000)},
		{8, uint16(1900)}, {8, uint16(2156)}, {8, uint16(1)},
		{9, uint16(3)}, {10, uint64(8)}, {11, uint64(16)},
		{12, `{"a":}`}, {12, 1},
		{13, float32(math.Inf(-1))},
		{14, []byte{0xc3}},
		{99, int64(1)}, {-1, int64(1)},
	}
	for _, c := range cases {
		b := NewBuilder(d)
		b.PutInt(0, 1)
		b.Put(c.field, c.v)
		_, err := b.Build()
		var fe *FieldError
		if !errors.Is(err, ErrInvalidValue) || !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("Put(%d, %#v): Build error %v, want ErrInvalidValue for field %d", c.field, c.v, err, c.field)
		}
		// The Builder is reusable after a failed Build.
		b.PutInt(0, 2)
		if tup, err := b.Build(); err != nil || d.Validate(tup) != nil {
			t.Fatalf("Builder not reusable after an error: %v", err)
		}
	}
	// A missing non-nullable field.
	if _, err := NewBuilder(d).Build(); !errors.Is(err, ErrInvalidValue) || !strings.Contains(err.Error(), "field 0") {
		t.Errorf("missing field 0: %v", err)
	}
	// The first error wins.
	b := NewBuilder(d)
	b.PutInt(0, 1000)
	b.PutUint(1, 1<<20)
	if _, err := b.Build(); err == nil || !strings.Contains(err.Error(), "field 0") {
		t.Errorf("first error: %v", err)
	}
}

func TestNewDescErrors(t *testing.T) {
	bad := []Field{
		{}, {Enc: numEncodings}, {Enc: StringEnc}, {Enc: Int8Enc, Collation: Utf8mb4Bin},
		{Enc: DecimalEnc}, {Enc: DecimalEnc, Precision: 66}, {Enc: DecimalEnc, Precision: 5, Scale: 6},
		{Enc: DecimalEnc, Precision: 65, Scale: 31}, {Enc: DecimalEnc, Precision: 5, Scale: -1}, {Enc: Int8Enc, Precision: 3},
		{Enc: TimeEnc, FSP: 7}, {Enc: DatetimeEnc, FSP: -1}, {Enc: DateEnc, FSP: 1},
		{Enc: EnumEnc}, {Enc: EnumEnc, Members: 65536}, {Enc: SetEnc, Members: 65}, {Enc: Int8Enc, Members: 1},
		{Enc: BitEnc}, {Enc: BitEnc, Bits: 65}, {Enc: SetEnc, Members: 2, Bits: 2},
	}
	for _, f := range bad {
		if _, err := NewDesc(nn(Int8Enc), f); !errors.Is(err, ErrInvalidDesc) || !strings.Contains(err.Error(), "field 1") {
			t.Errorf("NewDesc(%+v): %v", f, err)
		}
	}
	if _, err := NewDesc(make([]Field, MaxFields+1)...); !errors.Is(err, ErrInvalidDesc) {
		t.Errorf("too many fields: %v", err)
	}
	d := mustDesc(t, nn(Int64Enc), str(Utf8mb40900AICI, true), Field{Enc: DecimalEnc, Precision: 10, Scale: 2})
	if got, want := d.String(), "(Int64 NOT NULL, String(utf8mb4_0900_ai_ci) NULL, Decimal(10,2) NOT NULL)"; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	d2 := mustDesc(t, nn(Int64Enc), str(Utf8mb40900AICI, true), Field{Enc: DecimalEnc, Precision: 10, Scale: 2})
	if !d.Equal(d2) || d.Equal(mustDesc(t, nn(Int64Enc))) {
		t.Error("Equal")
	}
	if d.FixedWidth(0) != 8 || d.FixedWidth(1) != 0 || d.FixedWidth(2) != 5 {
		t.Error("FixedWidth")
	}
}
