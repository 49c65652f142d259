// Package typeconv converts between go-mysql-server (GMS) column types and values and the
// tuple encodings of merkle/tuple. It is the only package that knows both: sql/backend
// builds table keys and values with it, and reads rows back through it.
//
// # Invariants
//
//   - Exact round trip: every value a MySQL column can hold comes back from storage as the
//     same Go value GMS produced. PutValue of the value t.Convert returns, then GetValue,
//     yields a value of the same Go type that reflect.DeepEqual accepts, with one
//     documented exception: DECIMAL values come back at the column's scale (GMS's 15e-1
//     in a DECIMAL(10,2) comes back as 150e-2, the 1.50 MySQL displays; -0.00 as 0.00),
//     numerically equal, equal under t.Compare and identical in t.SQL. Pinned by
//     TestRoundTrip.
//   - Order agreement: for every column type, tuple.Desc.Compare of stored values orders
//     them as GMS's t.Compare does, except where GMS departs from MySQL (see
//     TestOrderAgreement and the "Collations" section). Stored order is MySQL's.
//   - Schema round trip: TypeFor(TypeString(t)) equals t (type, length, precision,
//     unsigned-ness, character set, collation, members), so the column definition text
//     persisted with a schema rebuilds the same GMS schema. Pinned by TestTypeText.
//
// # Mapping
//
// GMS type (SQL) → tuple encoding → Go value GMS hands to and expects from storage:
//
//	TINYINT, BOOLEAN (TINYINT(1))   Int8            int8
//	SMALLINT                        Int16           int16
//	MEDIUMINT                       Int24           int32
//	INT                             Int32           int32
//	BIGINT                          Int64           int64
//	TINYINT UNSIGNED                Uint8           uint8
//	SMALLINT UNSIGNED               Uint16          uint16
//	MEDIUMINT UNSIGNED              Uint24          uint32
//	INT UNSIGNED                    Uint32          uint32
//	BIGINT UNSIGNED                 Uint64          uint64
//	FLOAT                           Float32         float32
//	DOUBLE                          Float64         float64
//	DECIMAL(p,s)                    Decimal(p,s)    *apd.Decimal (cockroachdb/apd/v3), exponent -s
//	CHAR, VARCHAR, *TEXT            String(coll)    string
//	BINARY, VARBINARY, *BLOB        Bytes           []byte (never nil)
//	DATE                            Date            time.Time UTC midnight; types.ZeroTime for 0000-00-00
//	DATETIME(fsp)                   Datetime(fsp)   time.Time UTC wall clock; types.ZeroTime for zero
//	TIMESTAMP(fsp)                  Timestamp(fsp)  time.Time UTC; types.ZeroTime for zero
//	TIME                            Time(6)         types.Timespan (microseconds)
//	YEAR                            Year            int16 (0 or 1901..2155)
//	ENUM(...)                       Enum(m)         uint16, 1-based member index (0: '' error value)
//	SET(...)                        Set(m)          uint64 member bitmask
//	BIT(n)                          Bit(n)          uint64
//	JSON                            JSON            types.JSONDocument{Val: json.Unmarshal of the text}
//	VECTOR(n)                       Vector          []byte (n little-endian float32s, sql.EncodeVector)
//	GEOMETRY, POINT, LINESTRING,    Geometry        types.Point, types.LineString, types.Polygon,
//	POLYGON, MULTI..., GEOMCOLL                     types.MultiPoint, ... (GMS's Serialize: SRID + WKB)
//
// PutValue also accepts: any Go integer for integer, YEAR, ENUM, SET and BIT columns
// (range-checked); float32 for DOUBLE and an exactly representable float64 for FLOAT;
// apd.Decimal and shopspring decimal.Decimal for DECIMAL; []byte or string, and the
// sql.StringWrapper / sql.BytesWrapper of out-of-band text, for string and binary columns;
// time.Time in any location (stored as its UTC instant / UTC wall clock); time.Duration
// for TIME; an ENUM member's name; any sql.JSONWrapper (types.JSONDocument,
// *types.LazyJSONDocument, ...), string or []byte for JSON. Values must already be
// converted to the column (rounded to its scale or FSP, in range): PutValue does not round.
//
// GMS's TIME has no fractional seconds precision (TIME(3) is refused by its parser), so
// TIME is always stored with FSP 6. JSON is stored as tuple's canonical text: key order
// and whitespace of the input are not kept, and numbers come back as json.Unmarshal makes
// them (float64), as GMS's own JSON parser does, except the int64 (any Go signed integer),
// uint64 (any unsigned) and *apd.Decimal numbers of a types.JSONDocument (built by
// CAST(x AS JSON), JSON_OBJECT('a', 1), ...): their types are stored as tuple's JSON
// number tags, and they come back as int64, uint64 and *apd.Decimal, so JSON_TYPE still
// says INTEGER, UNSIGNED INTEGER and DECIMAL. A decimal's digits are those of its
// canonical float text.
//
// # Collations
//
// A string column's GMS collation maps to the tuple collation of the same name
// (CollationFor, SupportedCollations): binary, utf8mb4_bin, utf8mb4_0900_bin,
// utf8mb4_general_ci, utf8mb4_0900_ai_ci, utf8mb4_0900_as_cs, utf8mb4_unicode_ci,
// utf8mb3_bin, utf8mb3_general_ci, utf8mb3_unicode_ci, utf16_general_ci, utf16_unicode_ci,
// utf32_general_ci, utf32_unicode_ci, latin1_swedish_ci, latin1_bin, ascii_general_ci and
// ascii_bin. Any other collation (latin1_german1_ci,
// utf8mb4_unicode_520_ci, the language-specific ones, ...) is refused with an error
// wrapping ErrUnsupportedCollation that names it. GMS holds every string in UTF-8 whatever
// the column's character set, and tuple checks that strings are valid UTF-8 (utf8mb3: code
// points up to U+FFFF; GMS's Convert lets 4-byte characters through, storage refuses them
// as MySQL does). PutValue refuses such a character for a utf8mb3 column with an
// *IncorrectStringError; EncodeRow, RowCodec.Encode and ColumnError make it GMS's
// types.ErrBadCharsetString, MySQL's error 1366 "Incorrect string value:
// '\xF0\x9F\x98\x80' for column 'c' at row 1" (always row 1: the row's place in its
// statement is not known here).
//
// Stored order follows MySQL; GMS's StringType.Compare differs from MySQL in that it
// ignores PAD SPACE ('a' < 'a ' under every PAD SPACE collation in GMS, equal in MySQL and
// in storage) and weighs case per character under utf8mb4_0900_as_cs ("Ab" > "ac" in GMS,
// "Ab" < "ac" in MySQL and storage); tuple's UCA collations approximate the UCA outside
// ASCII ('ß' as "ss", symbols among themselves and other scripts in code point order),
// and agree with GMS on ASCII text and on the letters of Latin-1 and Latin Extended-A
// (utf8mb4_0900_as_cs: but for the order of two accents): see TestOrderAgreement and
// TestCollationLatinLetters. dsql corrects the PAD SPACE part where a query compares:
// sql/backend's padspace.go replaces =, <=>, <, <=, >, >=, IN and BETWEEN of strings
// under a PAD SPACE collation in every plan and in index range filters (invariant "PAD
// SPACE comparisons" there); GROUP BY, DISTINCT, ORDER BY and hash-join keys still use
// GMS's comparison.
//
// # CHAR
//
// CHAR values are stored without trailing spaces (U+0020 only), as MySQL 8 returns them
// (PAD_CHAR_TO_FULL_LENGTH off): 'ab ' written to a CHAR column is stored, keyed and
// indexed as 'ab' (charpad.go). Invariant "CHAR is trimmed on write": the writers of new
// values (sql/backend's table editor and ALTER TABLE rewrite, sql/dataio's import and
// LOAD DATA) pass them through TrimCharRow / TrimChar; PutValue, EncodeRow and
// RowCodec.Encode store what they are given, since lookup keys from query literals keep
// their spaces and rows read back from storage (possibly written with spaces before the
// rule) must encode to the key they are stored under. Reads do not trim.
//
// # Rows
//
// A table row is stored as a key tuple (the primary key columns, in key order, NOT NULL)
// and a value tuple (the other columns, in schema order, nullable as declared). EncodeRow
// and DecodeRow convert a sql.Row; RowCodec does the same with the column types resolved
// once and is the hot path of scans and writes. Its DecodeIn and DecodeColumnsIn take
// the rows and the bytes of short strings from an Arena in chunks (one Arena per scan),
// not one allocation per row and per string. Invariant "Arena memory is owned": every
// row and string an Arena hands out is memory it never writes again, so a caller may
// keep, modify or pass on what it gets as if it were allocated on its own (a kept value
// keeps its chunk, at most 2 KiB, alive); pinned by TestDecodeIn. An Arena with
// Immutable set (sql/backend's scans, whose tuples are prolly node bytes) hands out
// strings over the tuple's bytes instead of copies: a kept string keeps its node alive
// (TestArenaImmutable).
//
// # Concurrency
//
// The functions are safe for concurrent use. A RowCodec is immutable and safe to share; the
// tuple.Builders passed to it are not, nor is an Arena. Decoded values never alias the
// tuples, except the strings of an Arena with Immutable set (for tuples that never
// change: a prolly map's).
package typeconv
