package typeconv

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/sqltypes"
	"github.com/dolthub/vitess/go/vt/proto/query"

	"github.com/dsqldb/dsql/merkle/tuple"
)

// Sentinel errors. Errors of this package wrap one of them (or a tuple sentinel for values
// the tuple encoding refuses); test with errors.Is.
var (
	// ErrUnsupportedType marks a GMS type that dsql cannot store (system variable types,
	// NULL, ...).
	ErrUnsupportedType = errors.New("typeconv: type not supported yet")
	// ErrUnsupportedCollation marks a string column whose collation has no tuple
	// collation (e.g. latin1_swedish_ci).
	ErrUnsupportedCollation = errors.New("typeconv: collation not supported")
	// ErrValue marks a Go value that does not belong to the column type it is stored in.
	ErrValue = errors.New("typeconv: value does not match column type")
)

// Encoding returns the tuple encoding of a GMS column type, or an error wrapping
// ErrUnsupportedType. It does not look at collations (see FieldFor) and does not allocate.
func Encoding(t sql.Type) (tuple.Encoding, error) {
	if t == nil {
		return tuple.InvalidEncoding, fmt.Errorf("%w: nil type", ErrUnsupportedType)
	}
	switch t.Type() {
	case sqltypes.Int8:
		return tuple.Int8Enc, nil
	case sqltypes.Int16:
		return tuple.Int16Enc, nil
	case sqltypes.Int24:
		return tuple.Int24Enc, nil
	case sqltypes.Int32:
		return tuple.Int32Enc, nil
	case sqltypes.Int64:
		return tuple.Int64Enc, nil
	case sqltypes.Uint8:
		return tuple.Uint8Enc, nil
	case sqltypes.Uint16:
		return tuple.Uint16Enc, nil
	case sqltypes.Uint24:
		return tuple.Uint24Enc, nil
	case sqltypes.Uint32:
		return tuple.Uint32Enc, nil
	case sqltypes.Uint64:
		return tuple.Uint64Enc, nil
	case sqltypes.Float32:
		return tuple.Float32Enc, nil
	case sqltypes.Float64:
		return tuple.Float64Enc, nil
	case sqltypes.Decimal:
		return tuple.DecimalEnc, nil
	case sqltypes.Char, sqltypes.VarChar, sqltypes.Text:
		return tuple.StringEnc, nil
	case sqltypes.Binary, sqltypes.VarBinary, sqltypes.Blob:
		return tuple.BytesEnc, nil
	case sqltypes.Date:
		return tuple.DateEnc, nil
	case sqltypes.Time:
		return tuple.TimeEnc, nil
	case sqltypes.Datetime:
		return tuple.DatetimeEnc, nil
	case sqltypes.Timestamp:
		return tuple.TimestampEnc, nil
	case sqltypes.Year:
		return tuple.YearEnc, nil
	case sqltypes.Enum:
		return tuple.EnumEnc, nil
	case sqltypes.Set:
		return tuple.SetEnc, nil
	case sqltypes.Bit:
		return tuple.BitEnc, nil
	case sqltypes.TypeJSON:
		return tuple.JSONEnc, nil
	case sqltypes.Vector:
		return tuple.VectorEnc, nil
	case sqltypes.Geometry:
		return tuple.GeometryEnc, nil
	}
	return tuple.InvalidEncoding, unsupported(t)
}

func unsupported(t sql.Type) error {
	return fmt.Errorf("%w: %s (%v)", ErrUnsupportedType, t, query.Type_name[int32(t.Type())])
}

// FieldFor returns the tuple field that stores values of the GMS column type t. The field
// is NOT NULL; set Nullable from the column. String columns get the tuple collation of the
// same name as the column's collation (see SupportedCollations); a collation tuple does
// not implement is an error wrapping ErrUnsupportedCollation that names it. Columns of the
// binary character set (BINARY, VARBINARY, BLOB) are Bytes fields, compared bytewise.
func FieldFor(t sql.Type) (tuple.Field, error) {
	enc, err := Encoding(t)
	if err != nil {
		return tuple.Field{}, err
	}
	f := tuple.Field{Enc: enc}
	switch enc {
	case tuple.DecimalEnc:
		dt, ok := t.(sql.DecimalType)
		if !ok {
			return tuple.Field{}, fmt.Errorf("%w: %s is not a sql.DecimalType", ErrUnsupportedType, t)
		}
		f.Precision, f.Scale = int(dt.Precision()), int(dt.Scale())
	case tuple.StringEnc:
		st, ok := t.(sql.StringType)
		if !ok {
			return tuple.Field{}, fmt.Errorf("%w: %s is not a sql.StringType", ErrUnsupportedType, t)
		}
		c, err := CollationFor(st.Collation())
		if err != nil {
			return tuple.Field{}, fmt.Errorf("column type %s: %w", t, err)
		}
		f.Collation = c
	case tuple.TimeEnc:
		// GMS's TIME has no fractional seconds precision: it always holds microseconds.
		f.FSP = tuple.MaxFSP
	case tuple.DatetimeEnc, tuple.TimestampEnc:
		dt, ok := t.(sql.DatetimeType)
		if !ok {
			return tuple.Field{}, fmt.Errorf("%w: %s is not a sql.DatetimeType", ErrUnsupportedType, t)
		}
		f.FSP = dt.Precision()
	case tuple.EnumEnc:
		et, ok := t.(sql.EnumType)
		if !ok {
			return tuple.Field{}, fmt.Errorf("%w: %s is not a sql.EnumType", ErrUnsupportedType, t)
		}
		f.Members = int(et.NumberOfElements())
	case tuple.SetEnc:
		st, ok := t.(sql.SetType)
		if !ok {
			return tuple.Field{}, fmt.Errorf("%w: %s is not a sql.SetType", ErrUnsupportedType, t)
		}
		f.Members = int(st.NumberOfElements())
	case tuple.BitEnc:
		bt, ok := t.(types.BitType)
		if !ok {
			return tuple.Field{}, fmt.Errorf("%w: %s is not a types.BitType", ErrUnsupportedType, t)
		}
		f.Bits = int(bt.NumberOfBits())
	}
	return f, nil
}

// CollationFor returns the tuple collation of a GMS collation, matched by name, or an error
// wrapping ErrUnsupportedCollation that names the collation and lists the supported ones.
func CollationFor(id sql.CollationID) (tuple.Collation, error) {
	name := id.Name()
	if c, ok := tuple.CollationByName(name); ok {
		return c, nil
	}
	return nil, fmt.Errorf("%w: %q (supported: %s)", ErrUnsupportedCollation, name, strings.Join(SupportedCollations(), ", "))
}

// SupportedCollations lists the GMS collations of string columns that dsql can store:
// those tuple implements under the same name.
func SupportedCollations() []string {
	var out []string
	for _, c := range []sql.CollationID{sql.Collation_binary, sql.Collation_utf8mb4_bin,
		sql.Collation_utf8mb4_0900_bin, sql.Collation_utf8mb4_general_ci, sql.Collation_utf8mb4_0900_ai_ci,
		sql.Collation_utf8mb4_unicode_ci, sql.Collation_utf8mb4_0900_as_cs,
		sql.Collation_utf8mb3_bin, sql.Collation_utf8mb3_general_ci, sql.Collation_utf8mb3_unicode_ci,
		sql.Collation_latin1_swedish_ci, sql.Collation_latin1_bin, sql.Collation_ascii_general_ci,
		sql.Collation_ascii_bin, sql.Collation_utf16_general_ci, sql.Collation_utf16_unicode_ci,
		sql.Collation_utf32_general_ci, sql.Collation_utf32_unicode_ci} {
		if _, ok := tuple.CollationByName(c.Name()); ok {
			out = append(out, c.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Desc returns the tuple.Desc of the given columns of sch, in the order given: each field
// is FieldFor the column's type, nullable iff the column is.
func Desc(sch sql.Schema, ordinals []int) (tuple.Desc, error) {
	fields := make([]tuple.Field, len(ordinals))
	for k, o := range ordinals {
		if o < 0 || o >= len(sch) {
			return tuple.Desc{}, fmt.Errorf("typeconv: column ordinal %d outside schema of %d columns", o, len(sch))
		}
		f, err := FieldFor(sch[o].Type)
		if err != nil {
			return tuple.Desc{}, fmt.Errorf("column %q: %w", sch[o].Name, err)
		}
		f.Nullable = sch[o].Nullable
		fields[k] = f
	}
	return tuple.NewDesc(fields...)
}
