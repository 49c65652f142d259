package typeconv

import (
	"strings"
	"testing"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/tuple"
)

// typeTexts lists a column type of every family, as a user would write it.
var typeTexts = []string{
	"tinyint", "tinyint(1)", "boolean", "tinyint unsigned", "smallint", "smallint unsigned",
	"mediumint", "mediumint unsigned", "int", "integer unsigned", "bigint", "bigint unsigned",
	"float", "double", "real", "decimal", "decimal(10,2)", "decimal(65,30)", "numeric(5)",
	"char", "char(10)", "varchar(255)", "varchar(64) COLLATE utf8mb4_0900_ai_ci",
	"varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", "varchar(10) COLLATE utf8mb4_bin",
	"tinytext", "text", "mediumtext", "longtext COLLATE utf8mb4_bin",
	"binary(16)", "varbinary(100)", "tinyblob", "blob", "mediumblob", "longblob",
	"date", "time", "time(6)", "datetime", "datetime(3)", "datetime(6)", "timestamp", "timestamp(6)", "year",
	"enum('a','b','c')", `enum('it''s','back\\slash','')`, "set('x','y','z')", "bit", "bit(1)", "bit(64)", "json",
	"vector(2)", "vector(16383)", "varchar(10) CHARACTER SET latin1 COLLATE latin1_swedish_ci",
	"varchar(10) COLLATE utf8mb4_unicode_ci", "char(3) CHARACTER SET utf8mb3", "text CHARACTER SET ascii",
	"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
	"geometrycollection", "point srid 4326", "geometry srid 0", "linestring SRID 3857",
}

// TestTypeText pins "Schema round trip": TypeFor(TypeString(t)) equals t for every type
// family, and FieldFor agrees.
func TestTypeText(t *testing.T) {
	for _, text := range typeTexts {
		typ, err := TypeFor(text)
		require.NoError(t, err, text)
		s := TypeString(typ)
		back, err := TypeFor(s)
		require.NoError(t, err, "%s -> %s", text, s)
		require.True(t, typ.Equals(back), "%s -> %s -> %s", text, s, back)
		require.Equal(t, typ.String(), back.String())
		require.Equal(t, s, TypeString(back))
		if ct, ok := typ.(sql.TypeWithCollation); ok {
			require.Equal(t, ct.(sql.CollationCoercible), back.(sql.CollationCoercible))
		}
		if et, ok := typ.(sql.EnumType); ok {
			require.Equal(t, et.Values(), back.(sql.EnumType).Values())
		}
		if st, ok := typ.(sql.SpatialColumnType); ok {
			srid, defined := st.GetSpatialTypeSRID()
			srid2, defined2 := back.(sql.SpatialColumnType).GetSpatialTypeSRID()
			require.Equal(t, []any{srid, defined}, []any{srid2, defined2}, "%s -> %s", text, s)
			require.Equal(t, strings.Contains(strings.ToLower(text), "srid"), defined, text)
		}
		f1, err1 := FieldFor(typ)
		f2, err2 := FieldFor(back)
		require.NoError(t, err1, text)
		require.NoError(t, err2)
		d1, _ := tuple.NewDesc(f1)
		d2, _ := tuple.NewDesc(f2)
		require.True(t, d1.Equal(d2), "%v vs %v", d1, d2)
	}
	_, err := TypeFor("no such type")
	require.Error(t, err)
}

func TestFieldFor(t *testing.T) {
	for text, want := range map[string]string{
		"tinyint(1)":                          "Int8 NOT NULL",
		"mediumint unsigned":                  "Uint24 NOT NULL",
		"decimal(65,30)":                      "Decimal(65,30) NOT NULL",
		"varchar(5) COLLATE utf8mb4_0900_bin": "String(utf8mb4_0900_bin) NOT NULL",
		"text COLLATE utf8mb4_0900_ai_ci":     "String(utf8mb4_0900_ai_ci) NOT NULL",
		"varbinary(5)":                        "Bytes NOT NULL",
		"datetime(3)":                         "Datetime(3) NOT NULL",
		"timestamp(6)":                        "Timestamp(6) NOT NULL",
		"time":                                "Time(6) NOT NULL",
		"enum('a','b')":                       "Enum(2) NOT NULL",
		"set('a','b','c')":                    "Set(3) NOT NULL",
		"bit(9)":                              "Bit(9) NOT NULL",
		"json":                                "JSON NOT NULL",
		"year":                                "Year NOT NULL",
	} {
		typ, err := TypeFor(text)
		require.NoError(t, err)
		f, err := FieldFor(typ)
		require.NoError(t, err)
		require.Equal(t, want, f.String(), text)
	}
}

func benchSchema() (sql.Schema, []int) {
	return sql.Schema{
		{Name: "id", Type: types.Int64, PrimaryKey: true},
		{Name: "n", Type: types.Int32, Nullable: true},
		{Name: "x", Type: types.Float64, Nullable: true},
		{Name: "s", Type: types.MustCreateString(sqlTypeVarChar, 64, sql.Collation_utf8mb4_0900_ai_ci), Nullable: true},
		{Name: "t", Type: types.Datetime, Nullable: true},
	}, []int{0}
}

func benchRow() sql.Row {
	return sql.Row{int64(123456789), int32(-42), 3.25, "a varchar value of moderate length",
		time.Date(2024, 6, 1, 12, 34, 56, 0, time.UTC)}
}

func TestRowCodec(t *testing.T) {
	sch, pk := benchSchema()
	sch = append(sch, &sql.Column{Name: "k2", Type: types.MustCreateString(sqlTypeVarChar, 8, sql.Collation_utf8mb4_0900_bin)})
	pk = []int{5, 0} // a composite key in a different order than the schema
	c, err := NewRowCodec(sch, pk)
	require.NoError(t, err)
	kd, err := KeyDesc(sch, pk)
	require.NoError(t, err)
	vd, err := ValueDesc(sch, pk)
	require.NoError(t, err)
	require.True(t, kd.Equal(c.KeyDesc()))
	require.True(t, vd.Equal(c.ValueDesc()))
	require.Equal(t, "(String(utf8mb4_0900_bin) NOT NULL, Int64 NOT NULL)", kd.String())

	kb, vb := tuple.NewBuilder(kd), tuple.NewBuilder(vd)
	for _, row := range []sql.Row{
		append(benchRow(), "k"),
		{int64(-1), nil, nil, nil, nil, ""},
		{int64(0), int32(0), 0.0, "", types.ZeroTime, "😀"},
	} {
		k1, v1, err := EncodeRow(kb, vb, sch, pk, row)
		require.NoError(t, err)
		k2, v2, err := c.Encode(kb, vb, row)
		require.NoError(t, err)
		require.Equal(t, k1, k2)
		require.Equal(t, v1, v2)
		got, err := DecodeRow(kd, vd, sch, pk, k1, v1)
		require.NoError(t, err)
		require.Equal(t, row, got)
		got, err = c.Decode(k1, v1, make(sql.Row, 0, 8))
		require.NoError(t, err)
		require.Equal(t, row, got)
	}
	// A NULL key column and a value of the wrong type are errors, and leave the builders
	// ready for the next row.
	_, _, err = c.Encode(kb, vb, sql.Row{nil, nil, nil, nil, nil, "k"})
	require.ErrorIs(t, err, tuple.ErrInvalidValue)
	_, _, err = c.Encode(kb, vb, sql.Row{int64(1), "x", nil, nil, nil, "k"})
	require.ErrorIs(t, err, ErrValue)
	_, _, err = EncodeRow(kb, vb, sch, pk, sql.Row{int64(1), "x", nil, nil, nil, "k"})
	require.ErrorIs(t, err, ErrValue)
	_, _, err = c.Encode(kb, vb, append(benchRow(), "k"))
	require.NoError(t, err)
}

func BenchmarkEncodeRow(b *testing.B) {
	sch, pk := benchSchema()
	row := benchRow()
	kd, _ := KeyDesc(sch, pk)
	vd, _ := ValueDesc(sch, pk)
	kb, vb := tuple.NewBuilder(kd), tuple.NewBuilder(vd)
	b.Run("EncodeRow", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := EncodeRow(kb, vb, sch, pk, row); err != nil {
				b.Fatal(err)
			}
		}
	})
	c, _ := NewRowCodec(sch, pk)
	b.Run("RowCodec.Encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := c.Encode(kb, vb, row); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecodeRow(b *testing.B) {
	sch, pk := benchSchema()
	kd, _ := KeyDesc(sch, pk)
	vd, _ := ValueDesc(sch, pk)
	key, val, err := EncodeRow(tuple.NewBuilder(kd), tuple.NewBuilder(vd), sch, pk, benchRow())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("DecodeRow", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeRow(kd, vd, sch, pk, key, val); err != nil {
				b.Fatal(err)
			}
		}
	})
	c, _ := NewRowCodec(sch, pk)
	dst := make(sql.Row, len(sch))
	b.Run("RowCodec.Decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Decode(key, val, dst); err != nil {
				b.Fatal(err)
			}
		}
	})
}
