package tuple

import (
	"fmt"
	"math/big"
	"strings"
)

// Encoding names the byte encoding of one field. The numeric values are stable: a schema
// may persist them. See the package documentation for each encoding's bytes.
type Encoding uint8

// The encodings, one per MySQL column type family.
const (
	InvalidEncoding Encoding = iota // the zero value; refused by NewDesc
	Int8Enc                         // TINYINT: 1 byte
	Int16Enc                        // SMALLINT: 2 bytes
	Int24Enc                        // MEDIUMINT: 3 bytes
	Int32Enc                        // INT: 4 bytes
	Int64Enc                        // BIGINT: 8 bytes
	Uint8Enc                        // TINYINT UNSIGNED: 1 byte
	Uint16Enc                       // SMALLINT UNSIGNED: 2 bytes
	Uint24Enc                       // MEDIUMINT UNSIGNED: 3 bytes
	Uint32Enc                       // INT UNSIGNED: 4 bytes
	Uint64Enc                       // BIGINT UNSIGNED: 8 bytes
	Float32Enc                      // FLOAT: 4 bytes
	Float64Enc                      // DOUBLE: 8 bytes
	DecimalEnc                      // DECIMAL(p,s): decimalWidth(p) bytes
	StringEnc                       // CHAR, VARCHAR, TEXT with a Collation: the bytes
	BytesEnc                        // BINARY, VARBINARY, BLOB: the bytes
	DateEnc                         // DATE: 3 bytes
	TimeEnc                         // TIME(fsp): 6 bytes
	DatetimeEnc                     // DATETIME(fsp): 8 bytes
	TimestampEnc                    // TIMESTAMP(fsp): 8 bytes
	YearEnc                         // YEAR: 1 byte
	EnumEnc                         // ENUM: 1 or 2 bytes
	SetEnc                          // SET: 1 to 8 bytes
	BitEnc                          // BIT(n): 1 to 8 bytes
	JSONEnc                         // JSON: canonical text
	VectorEnc                       // VECTOR(n): 4 bytes per element, as GMS holds it
	GeometryEnc                     // GEOMETRY, POINT, ...: SRID and WKB
	numEncodings
)

var encodingNames = [...]string{
	InvalidEncoding: "Invalid",
	Int8Enc:         "Int8",
	Int16Enc:        "Int16",
	Int24Enc:        "Int24",
	Int32Enc:        "Int32",
	Int64Enc:        "Int64",
	Uint8Enc:        "Uint8",
	Uint16Enc:       "Uint16",
	Uint24Enc:       "Uint24",
	Uint32Enc:       "Uint32",
	Uint64Enc:       "Uint64",
	Float32Enc:      "Float32",
	Float64Enc:      "Float64",
	DecimalEnc:      "Decimal",
	StringEnc:       "String",
	BytesEnc:        "Bytes",
	DateEnc:         "Date",
	TimeEnc:         "Time",
	DatetimeEnc:     "Datetime",
	TimestampEnc:    "Timestamp",
	YearEnc:         "Year",
	EnumEnc:         "Enum",
	SetEnc:          "Set",
	BitEnc:          "Bit",
	JSONEnc:         "JSON",
	VectorEnc:       "Vector",
	GeometryEnc:     "Geometry",
}

func (e Encoding) String() string {
	if e < numEncodings {
		return encodingNames[e]
	}
	return fmt.Sprintf("Encoding(%d)", uint8(e))
}

func (e Encoding) isSigned() bool   { return e >= Int8Enc && e <= Int64Enc }
func (e Encoding) isUnsigned() bool { return e >= Uint8Enc && e <= Uint64Enc }

// Limits of the format and of MySQL column types.
const (
	// MaxFields is the largest number of fields a Desc may have (the field count is a
	// 15-bit number in the tuple footer).
	MaxFields = 0x7FFF
	// MaxDataSize is the largest total size of a tuple's field bytes (field offsets are
	// at most 32 bits).
	MaxDataSize = 1<<32 - 1
	// MaxDecimalPrecision and MaxDecimalScale are MySQL's limits for DECIMAL(p,s).
	MaxDecimalPrecision = 65
	MaxDecimalScale     = 30
	// MaxFSP is the largest fractional seconds precision of TIME, DATETIME and TIMESTAMP.
	MaxFSP = 6
	// MaxEnumMembers and MaxSetMembers are MySQL's limits for ENUM and SET.
	MaxEnumMembers = 65535
	MaxSetMembers  = 64
	// MaxBits is the largest n of BIT(n).
	MaxBits = 64
)

// Field describes one field of a tuple: its encoding and the column attributes that the
// encoding depends on. Attributes that do not apply to Enc must be zero.
type Field struct {
	Enc      Encoding
	Nullable bool
	// Collation orders a String field; required for String, nil otherwise.
	Collation Collation
	// Precision (1..65) and Scale (0..30, at most Precision) of a Decimal field.
	Precision, Scale int
	// FSP is the fractional seconds precision (0..6) of Time, Datetime and Timestamp.
	// Values with non-zero digits past FSP are refused (the SQL layer rounds before).
	FSP int
	// Members is the number of members of an Enum (1..65535) or Set (1..64) field.
	Members int
	// Bits is n of a BIT(n) field (1..64).
	Bits int
}

func (f Field) String() string {
	var s string
	switch f.Enc {
	case StringEnc:
		name := "<nil>"
		if f.Collation != nil {
			name = f.Collation.Name()
		}
		s = fmt.Sprintf("String(%s)", name)
	case DecimalEnc:
		s = fmt.Sprintf("Decimal(%d,%d)", f.Precision, f.Scale)
	case TimeEnc, DatetimeEnc, TimestampEnc:
		s = fmt.Sprintf("%v(%d)", f.Enc, f.FSP)
	case EnumEnc, SetEnc:
		s = fmt.Sprintf("%v(%d)", f.Enc, f.Members)
	case BitEnc:
		s = fmt.Sprintf("Bit(%d)", f.Bits)
	default:
		s = f.Enc.String()
	}
	if f.Nullable {
		return s + " NULL"
	}
	return s + " NOT NULL"
}

// fieldInfo is the precomputed per-field data a Desc's hot paths use.
type fieldInfo struct {
	Field
	width int       // encoded width of a non-NULL value; 0 for variable-width encodings
	coll  Collation // non-nil only for a String field whose collation is not bytewise
	off   int       // position of the field in every tuple, if it is in the fixed prefix
}

// desc is the shared immutable body of a Desc.
type desc struct {
	fields       []fieldInfo
	hasNullable  bool
	allFixed     bool // every field fixed-width and non-nullable: Compare is bytes.Compare
	prefixFields int  // leading fixed-width non-nullable fields ...
	prefixLen    int  // ... and their total width
	// tailVar: the fields are the fixed prefix plus one last non-nullable variable-width
	// field, which ends where the offsets start: at len - tailNarrow (2-byte offsets) or
	// len - tailWide (4-byte offsets).
	tailVar              bool
	tailNarrow, tailWide int
	tailColl             Collation // the last field's coll
	lastRequired         int       // index of the last non-nullable field, -1 if none
}

// Desc describes the fields of a tuple and defines their order. A Desc is immutable: it is
// safe to copy and to use from many goroutines at once. The zero Desc has no fields.
type Desc struct {
	d *desc
}

// NewDesc returns a Desc for fields, or an error wrapping ErrInvalidDesc that names the
// first field whose attributes are out of range or do not apply to its encoding.
func NewDesc(fields ...Field) (Desc, error) {
	if len(fields) > MaxFields {
		return Desc{}, descf(-1, 0, "%d fields, at most %d allowed", len(fields), MaxFields)
	}
	d := &desc{fields: make([]fieldInfo, len(fields)), lastRequired: -1}
	for i, f := range fields {
		w, err := checkField(i, f)
		if err != nil {
			return Desc{}, err
		}
		fi := fieldInfo{Field: f, width: w}
		if f.Enc == StringEnc && !f.Collation.Bytewise() {
			fi.coll = f.Collation
		}
		d.fields[i] = fi
		if f.Nullable {
			d.hasNullable = true
		} else {
			d.lastRequired = i
		}
	}
	for i := range d.fields {
		f := &d.fields[i]
		if f.width == 0 || f.Nullable {
			break
		}
		f.off = d.prefixLen
		d.prefixFields++
		d.prefixLen += f.width
	}
	d.allFixed = d.prefixFields == len(d.fields)
	if n := len(d.fields); d.prefixFields == n-1 && !d.fields[n-1].Nullable {
		d.tailVar = true
		d.tailNarrow = footerSize + (n-1)*2
		d.tailWide = footerSize + (n-1)*4
		d.tailColl = d.fields[n-1].coll
	}
	return Desc{d: d}, nil
}

// checkField validates f and returns its fixed width (0 for variable width).
func checkField(i int, f Field) (int, error) {
	if f.Enc == InvalidEncoding || f.Enc >= numEncodings {
		return 0, descf(i, f.Enc, "unknown encoding")
	}
	if f.Collation != nil && f.Enc != StringEnc {
		return 0, descf(i, f.Enc, "a collation applies to String fields only")
	}
	if (f.Precision != 0 || f.Scale != 0) && f.Enc != DecimalEnc {
		return 0, descf(i, f.Enc, "precision and scale apply to Decimal fields only")
	}
	if f.FSP != 0 && f.Enc != TimeEnc && f.Enc != DatetimeEnc && f.Enc != TimestampEnc {
		return 0, descf(i, f.Enc, "FSP applies to Time, Datetime and Timestamp fields only")
	}
	if f.Members != 0 && f.Enc != EnumEnc && f.Enc != SetEnc {
		return 0, descf(i, f.Enc, "Members applies to Enum and Set fields only")
	}
	if f.Bits != 0 && f.Enc != BitEnc {
		return 0, descf(i, f.Enc, "Bits applies to Bit fields only")
	}
	switch f.Enc {
	case Int8Enc, Uint8Enc, YearEnc:
		return 1, nil
	case Int16Enc, Uint16Enc:
		return 2, nil
	case Int24Enc, Uint24Enc, DateEnc:
		return 3, nil
	case Int32Enc, Uint32Enc, Float32Enc:
		return 4, nil
	case Int64Enc, Uint64Enc, Float64Enc:
		return 8, nil
	case DecimalEnc:
		if f.Precision < 1 || f.Precision > MaxDecimalPrecision {
			return 0, descf(i, f.Enc, "precision %d outside 1..%d", f.Precision, MaxDecimalPrecision)
		}
		if f.Scale < 0 || f.Scale > MaxDecimalScale || f.Scale > f.Precision {
			return 0, descf(i, f.Enc, "scale %d outside 0..min(%d, precision %d)", f.Scale, MaxDecimalScale, f.Precision)
		}
		return decimalWidth[f.Precision], nil
	case StringEnc:
		if f.Collation == nil {
			return 0, descf(i, f.Enc, "String field needs a Collation")
		}
		return 0, nil
	case BytesEnc, JSONEnc, VectorEnc, GeometryEnc:
		return 0, nil
	case TimeEnc, DatetimeEnc, TimestampEnc:
		if f.FSP < 0 || f.FSP > MaxFSP {
			return 0, descf(i, f.Enc, "fsp %d outside 0..%d", f.FSP, MaxFSP)
		}
		if f.Enc == TimeEnc {
			return 6, nil
		}
		return 8, nil
	case EnumEnc:
		if f.Members < 1 || f.Members > MaxEnumMembers {
			return 0, descf(i, f.Enc, "%d members outside 1..%d", f.Members, MaxEnumMembers)
		}
		if f.Members <= 0xFF {
			return 1, nil
		}
		return 2, nil
	case SetEnc:
		if f.Members < 1 || f.Members > MaxSetMembers {
			return 0, descf(i, f.Enc, "%d members outside 1..%d", f.Members, MaxSetMembers)
		}
		return (f.Members + 7) / 8, nil
	case BitEnc:
		if f.Bits < 1 || f.Bits > MaxBits {
			return 0, descf(i, f.Enc, "BIT(%d) outside 1..%d", f.Bits, MaxBits)
		}
		return (f.Bits + 7) / 8, nil
	}
	return 0, descf(i, f.Enc, "unknown encoding")
}

// Len returns the number of fields.
func (d Desc) Len() int {
	if d.d == nil {
		return 0
	}
	return len(d.d.fields)
}

// Field returns field i. It returns the zero Field if i is out of range.
func (d Desc) Field(i int) Field {
	if d.d == nil || i < 0 || i >= len(d.d.fields) {
		return Field{}
	}
	return d.d.fields[i].Field
}

// FixedWidth returns the encoded width of a non-NULL value of field i, or 0 if the
// field's encoding has variable width (String, Bytes, JSON, Vector, Geometry) or i is
// out of range.
func (d Desc) FixedWidth(i int) int {
	if d.d == nil || i < 0 || i >= len(d.d.fields) {
		return 0
	}
	return d.d.fields[i].width
}

// String returns a description such as "(Int64 NOT NULL, String(utf8mb4_bin) NULL)".
func (d Desc) String() string {
	var sb strings.Builder
	sb.WriteByte('(')
	for i := 0; i < d.Len(); i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(d.d.fields[i].Field.String())
	}
	sb.WriteByte(')')
	return sb.String()
}

// Equal reports whether d and o describe the same fields (collations compared by name).
func (d Desc) Equal(o Desc) bool {
	if d.Len() != o.Len() {
		return false
	}
	for i := 0; i < d.Len(); i++ {
		a, b := d.d.fields[i].Field, o.d.fields[i].Field
		ac, bc := a.Collation, b.Collation
		a.Collation, b.Collation = nil, nil
		if a != b || (ac == nil) != (bc == nil) || (ac != nil && ac.Name() != bc.Name()) {
			return false
		}
	}
	return true
}

// decimalWidth[p] is the number of bytes of a DECIMAL(p,s) field: the smallest w such that
// every integer of at most p digits fits in a w-byte two's complement number.
var decimalWidth [MaxDecimalPrecision + 1]int

// pow10Big[k] is 10^k for k in 0..MaxDecimalPrecision.
var pow10Big [MaxDecimalPrecision + 1]*big.Int

func init() {
	ten := big.NewInt(10)
	p := big.NewInt(1)
	for k := 0; k <= MaxDecimalPrecision; k++ {
		pow10Big[k] = new(big.Int).Set(p)
		if k > 0 {
			maxAbs := new(big.Int).Sub(p, big.NewInt(1))
			decimalWidth[k] = (maxAbs.BitLen() + 1 + 7) / 8 // + 1 for the sign bit
		}
		p.Mul(p, ten)
	}
}
