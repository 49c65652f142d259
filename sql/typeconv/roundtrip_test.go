package typeconv

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/sqltypes"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/tuple"
)

// roundTrip stores v (already GMS's value) in a nullable field of FieldFor(t) and reads it back.
func roundTrip(t *testing.T, typ sql.Type, v any) any {
	t.Helper()
	f, err := FieldFor(typ)
	require.NoError(t, err, "FieldFor(%s)", typ)
	f.Nullable = true
	// A leading Int64 and a trailing Int8 field put the value in the middle of a tuple.
	d, err := tuple.NewDesc(tuple.Field{Enc: tuple.Int64Enc}, f, tuple.Field{Enc: tuple.Int8Enc})
	require.NoError(t, err)
	b := tuple.NewBuilder(d)
	b.PutInt(0, 7)
	require.NoError(t, PutValue(b, 1, typ, v), "PutValue(%s, %#v)", typ, v)
	b.PutInt(2, -1)
	tup, err := b.Build()
	require.NoError(t, err, "Build %s %#v", typ, v)
	require.NoError(t, d.Validate(tup))
	got, err := GetValue(d, tup, 1, typ)
	require.NoError(t, err)
	return got
}

type rtCase struct {
	typ    string
	inputs []any // given to t.Convert; the converted value must come back exactly
}

func mustDec(s string) *apd.Decimal {
	d, _, err := apd.NewFromString(s)
	if err != nil {
		panic(err)
	}
	return d
}

var rtCases = []rtCase{
	{"tinyint", []any{int64(math.MinInt8), int64(math.MaxInt8), 0, -1}},
	{"tinyint(1)", []any{0, 1, true, false, -128}},
	{"boolean", []any{true, false}},
	{"tinyint unsigned", []any{0, math.MaxUint8}},
	{"smallint", []any{math.MinInt16, math.MaxInt16}},
	{"smallint unsigned", []any{0, math.MaxUint16}},
	{"mediumint", []any{-1 << 23, 1<<23 - 1, 0}},
	{"mediumint unsigned", []any{0, 1<<24 - 1}},
	{"int", []any{math.MinInt32, math.MaxInt32, 0}},
	{"int unsigned", []any{0, uint64(math.MaxUint32)}},
	{"bigint", []any{int64(math.MinInt64), int64(math.MaxInt64), 0}},
	{"bigint unsigned", []any{uint64(0), uint64(math.MaxUint64)}},
	{"float", []any{float32(0), float32(-1.5), float32(math.MaxFloat32), float32(-math.MaxFloat32), float32(math.SmallestNonzeroFloat32)}},
	{"double", []any{0.0, -1.5, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 1e-300}},
	{"decimal(10,2)", []any{"0.00", "-99999999.99", "99999999.99", "1.50", "-0.01"}},
	{"decimal(65,30)", []any{"0.000000000000000000000000000000",
		"99999999999999999999999999999999999.999999999999999999999999999999",
		"-99999999999999999999999999999999999.999999999999999999999999999999",
		"12345678901234567890.123456789012345678901234567890"}},
	{"decimal(65,0)", []any{"-99999999999999999999999999999999999999999999999999999999999999999", "0", "42"}},
	{"decimal(1,1)", []any{"0.9", "-0.9", "0.0"}},
	{"char(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin", []any{"", "a", "abc       ", "😀 émoji"}},
	{"varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci", []any{"", " ", "Ünïcödé 😀🎉", "a\x00b", strings.Repeat("x", 64)}},
	{"varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", []any{"", "ABC", "trailing   "}},
	{"varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", []any{"", "ABC", "trailing   "}},
	{"tinytext CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci", []any{"", strings.Repeat("é", 127)}},
	{"text CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci", []any{"", strings.Repeat("ab", 1000)}},
	{"mediumtext CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci", []any{strings.Repeat("z", 70000)}},
	{"longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci", []any{"🦀"}},
	{"binary(4)", []any{[]byte{}, []byte{0, 1, 2, 3}, []byte{0xFF}}},
	{"varbinary(10)", []any{[]byte{}, []byte{0, 0xFF, 0x80}, "abc"}},
	{"tinyblob", []any{[]byte{}, []byte{1}}},
	{"blob", []any{[]byte{}, make([]byte, 70000)[:65535]}},
	{"mediumblob", []any{make([]byte, 100000)}},
	{"longblob", []any{[]byte("x")}},
	{"date", []any{"0000-00-00", "1000-01-01", "9999-12-31", "2024-02-29", "0001-01-01"}},
	{"datetime", []any{"0000-00-00 00:00:00", "1000-01-01 00:00:00", "9999-12-31 23:59:59", "2024-02-29 12:34:56"}},
	{"datetime(6)", []any{"2024-02-29 12:34:56.123456", "9999-12-31 23:59:59.999999", "0000-00-00 00:00:00"}},
	{"datetime(3)", []any{"2024-02-29 12:34:56.123"}},
	{"timestamp", []any{"0000-00-00 00:00:00", "1970-01-01 00:00:01", "2038-01-19 03:14:07", "2024-06-01 10:00:00"}},
	{"timestamp(6)", []any{"2038-01-19 03:14:07.999999", "1970-01-01 00:00:01.000001"}},
	{"time", []any{"00:00:00", "838:59:59", "-838:59:59", "-00:00:01.5", "-12:34:56.789012", "12:00:00.000001"}},
	{"time(6)", []any{"-838:59:59.999999", "838:59:59.999999"}},
	{"year", []any{0, 1901, 2155, 2024}},
	{"enum('a','b','c''d','e\\\\f') CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci", []any{"a", "c'd", `e\f`, 2, uint16(1)}},
	{"set('a','b','c') CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci", []any{"", "a", "a,c", "a,b,c", uint64(7)}},
	{"bit(1)", []any{uint64(0), uint64(1)}},
	{"bit(8)", []any{uint64(255)}},
	{"bit(64)", []any{uint64(0), uint64(math.MaxUint64), uint64(1) << 63}},
	{"json", []any{`{}`, `[]`, `null`, `true`, `"str 😀"`, `{"b": [1, 2.5, -3e10, "x"], "a": {"nested": null}}`,
		`12345678901234567890`, `-0`, `1.0`, `{"k": "\u0000 \"q\" \\ é"}`, `[[[[]]]]`}},
	{"vector(2)", []any{[]any{1.0, 2.5}, []any{-0.0, 3e38}, []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0}}},
	{"vector(1)", []any{[]any{float32(-1)}}},
	{"varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", []any{"", "ABC", "trailing   ", "Straße 😀"}},
	{"varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs", []any{"", "ABC", "é e\u0301"}},
	{"varchar(20) CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci", []any{"", "ABC", "中文 é"}},
	{"varchar(20) CHARACTER SET utf8mb3 COLLATE utf8mb3_bin", []any{"", "ABC ", "中文 é"}},
	{"varchar(20) CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci", []any{"", "ABC", "中文 é"}},
	{"varchar(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci", []any{"", "ABC", "Åäö €", "trailing  "}},
	{"varchar(20) CHARACTER SET latin1 COLLATE latin1_bin", []any{"", "ABC", "Åäö €"}},
	{"varchar(20) CHARACTER SET ascii COLLATE ascii_general_ci", []any{"", "ABC", "a b"}},
	{"varchar(20) CHARACTER SET ascii COLLATE ascii_bin", []any{"", "ABC", "a b"}},
	{"point", []any{types.Point{X: 1, Y: -2.5}, types.Point{SRID: 4326, X: 45, Y: 90}}},
	{"point srid 4326", []any{types.Point{SRID: 4326, X: 1, Y: 2}}},
	{"linestring", []any{types.LineString{Points: []types.Point{{X: 0, Y: 0}, {X: 1, Y: 1}}}}},
	{"polygon", []any{types.Polygon{Lines: []types.LineString{{Points: []types.Point{{X: 0, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 1}, {X: 0, Y: 0}}}}}}},
	{"multipoint", []any{types.MultiPoint{Points: []types.Point{{X: 3, Y: 4}}}}},
	{"geometry", []any{types.Point{X: 7, Y: 8}, types.LineString{Points: []types.Point{{X: 0, Y: 0}, {X: 2, Y: 2}}},
		types.GeomColl{Geoms: []types.GeometryValue{types.Point{X: 1, Y: 1}}}}},
}

// TestRoundTrip pins the invariant "Exact round trip": every value GMS produces for a
// column (t.Convert of an input) comes back from storage as the same Go value.
func TestRoundTrip(t *testing.T) {
	ctx := sql.NewEmptyContext()
	for _, c := range rtCases {
		t.Run(c.typ, func(t *testing.T) {
			typ, err := TypeFor(c.typ)
			require.NoError(t, err)
			require.Nil(t, roundTrip(t, typ, nil), "NULL")
			for _, in := range c.inputs {
				if s, ok := in.(string); ok && types.IsDecimal(typ) {
					in = mustDec(s)
				}
				v, _, err := typ.Convert(ctx, in)
				require.NoError(t, err, "Convert(%#v)", in)
				got := roundTrip(t, typ, v)
				requireSameValue(t, v, got, "%s: %#v", c.typ, in)
				// The Go type is exactly GMS's, and so is the order of the value against itself.
				cmp, err := typ.Compare(ctx, v, got)
				require.NoError(t, err)
				require.Zero(t, cmp)
			}
		})
	}
}

// TestEmptyVsNull: ” and NULL are different values of a nullable string column.
func TestEmptyVsNull(t *testing.T) {
	typ := types.MustCreateStringWithDefaults(sqlTypeVarChar, 10)
	require.Equal(t, "", roundTrip(t, typ, ""))
	require.Nil(t, roundTrip(t, typ, nil))
	require.Equal(t, []byte{}, roundTrip(t, types.LongBlob, []byte{}))
	require.Nil(t, roundTrip(t, types.LongBlob, nil))
}

// TestDecimalScale: GMS keeps the exponent of the value it converted (1.5 in a
// DECIMAL(10,2) is 15e-1); storage keeps the value at the column's scale and returns 150e-2,
// the same number that MySQL displays as 1.50.
func TestDecimalScale(t *testing.T) {
	ctx := sql.NewEmptyContext()
	typ := types.MustCreateDecimalType(10, 2)
	v, _, err := typ.Convert(ctx, mustDec("1.5"))
	require.NoError(t, err)
	got := roundTrip(t, typ, v)
	require.Equal(t, "1.50", got.(*apd.Decimal).Text('f'))
	cmp, err := typ.Compare(ctx, v, got)
	require.NoError(t, err)
	require.Zero(t, cmp)
	// -0.00 is stored as 0.00.
	require.Equal(t, "0.00", roundTrip(t, typ, mustDec("-0.00")).(*apd.Decimal).Text('f'))
}

// TestJSONWrappers: every GMS JSON representation is stored as its canonical text and
// comes back as a types.JSONDocument of what GMS's own parser makes of that text, except
// that the typed numbers of a JSONDocument keep their type (TestJSONNumberTypes).
func TestJSONWrappers(t *testing.T) {
	ctx := sql.NewEmptyContext()
	want := types.JSONDocument{Val: map[string]any{"a": []any{1.0, "x"}}}
	require.Equal(t, types.JSONDocument{Val: map[string]any{"a": []any{int64(1), "x"}}},
		roundTrip(t, types.JSON, types.JSONDocument{Val: map[string]any{"a": []any{int64(1), "x"}}}))
	for _, v := range []any{
		types.JSONDocument{Val: map[string]any{"a": []any{1.0, "x"}}},
		types.NewLazyJSONDocument([]byte(`{"a":[1,"x"]}`)),
		types.MustJSON(`{"a": [1, "x"]}`),
		`{"a":[1,"x"]}`,
	} {
		got := roundTrip(t, types.JSON, v)
		require.Equal(t, want, got)
		conv, _, err := types.JSON.Convert(ctx, v)
		require.NoError(t, err)
		cmp, err := types.JSON.Compare(ctx, conv, got)
		require.NoError(t, err)
		require.Zero(t, cmp, "%#v", v)
	}
}

func TestTimeLocations(t *testing.T) {
	// A time.Time in another location is stored as its UTC wall clock and read back in UTC.
	loc := time.FixedZone("X", 3*3600)
	in := time.Date(2024, 1, 2, 3, 4, 5, 6000, loc)
	got := roundTrip(t, types.DatetimeMaxPrecision, in)
	require.True(t, in.Equal(got.(time.Time)))
	require.Equal(t, in.UTC(), got)
	got = roundTrip(t, types.TimestampMaxPrecision, in)
	require.Equal(t, in.UTC(), got)
}

func TestValueErrors(t *testing.T) {
	d, err := tuple.NewDesc(tuple.Field{Enc: tuple.Int32Enc, Nullable: true})
	require.NoError(t, err)
	b := tuple.NewBuilder(d)
	require.ErrorIs(t, PutValue(b, 0, types.Int32, "12"), ErrValue)
	b.Reset()
	require.NoError(t, PutValue(b, 0, types.Int32, int64(math.MaxInt32)+1))
	_, err = b.Build()
	require.ErrorIs(t, err, tuple.ErrInvalidValue)
	_, err = GetValue(d, nil, 0, types.Int64)
	require.ErrorIs(t, err, ErrValue)
}

func TestUnsupported(t *testing.T) {
	for _, typ := range []sql.Type{types.Null} {
		_, err := FieldFor(typ)
		require.ErrorIs(t, err, ErrUnsupportedType, "%s", typ)
		require.Contains(t, err.Error(), "not supported yet")
	}
	lt, err := TypeFor("varchar(10) CHARACTER SET latin1 COLLATE latin1_german1_ci")
	require.NoError(t, err)
	_, err = FieldFor(lt)
	require.ErrorIs(t, err, ErrUnsupportedCollation)
	require.Contains(t, err.Error(), "latin1_german1_ci")
	require.True(t, errors.Is(err, ErrUnsupportedCollation))
}

const sqlTypeVarChar = sqltypes.VarChar

// requireSameValue is require.Equal, except that two *apd.Decimal are the same when they
// have the same sign, exponent and coefficient: apd's BigInt may keep stale words in its
// inline array when it holds a large value, which reflect.DeepEqual would see.
func requireSameValue(t *testing.T, want, got any, msg ...any) {
	t.Helper()
	if wd, ok := want.(*apd.Decimal); ok {
		gd, ok := got.(*apd.Decimal)
		require.True(t, ok, "got %T, want *apd.Decimal", got)
		require.Equal(t, wd.Form, gd.Form, msg...)
		require.Equal(t, wd.Negative, gd.Negative, msg...)
		require.Equal(t, wd.Exponent, gd.Exponent, msg...)
		require.Zero(t, wd.Coeff.Cmp(&gd.Coeff), msg...)
		require.Equal(t, wd.Text('f'), gd.Text('f'), msg...)
		return
	}
	require.Equal(t, want, got, msg...)
}

// TestJSONNumberTypes: the int64, uint64 and *apd.Decimal numbers of a JSON document come
// back with their type (JSON_TYPE tells them apart), in any nesting and member order.
func TestJSONNumberTypes(t *testing.T) {
	ctx := sql.NewEmptyContext()
	doc := types.JSONDocument{Val: map[string]any{
		"zz": uint64(7), "a": int64(-2), "dec": mustDec("1.25"), "f": 1.5, "fi": 3.0,
		"list": []any{uint64(18446744073709551615), "9", map[string]any{"k": int64(1)}, nil, true},
	}}
	got := roundTrip(t, types.JSON, doc).(types.JSONDocument).Val.(map[string]any)
	require.Equal(t, uint64(7), got["zz"])
	require.Equal(t, int64(-2), got["a"])
	require.Equal(t, "1.25", got["dec"].(*apd.Decimal).Text('f'))
	require.Equal(t, 1.5, got["f"])
	require.Equal(t, 3.0, got["fi"])
	require.Equal(t, []any{uint64(18446744073709551615), "9", map[string]any{"k": int64(1)}, nil, true}, got["list"])
	cmp, err := types.JSON.Compare(ctx, doc, types.JSONDocument{Val: got})
	require.NoError(t, err)
	require.Zero(t, cmp)
	// A document of text numbers only is stored as its text alone.
	f, err := FieldFor(types.JSON)
	require.NoError(t, err)
	d, err := tuple.NewDesc(f)
	require.NoError(t, err)
	b := tuple.NewBuilder(d)
	require.NoError(t, PutValue(b, 0, types.JSON, types.JSONDocument{Val: []any{1.0, 2.5}}))
	tup, err := b.Build()
	require.NoError(t, err)
	tags, _ := d.GetJSONTags(tup, 0)
	require.Nil(t, tags)
}
