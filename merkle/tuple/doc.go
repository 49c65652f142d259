// Package tuple is the canonical byte encoding of a row's fields and the order of those
// bytes. A Tuple holds the fields of one key or value of a table or index; a Desc says what
// the fields are (an Encoding per field, nullability, collation, precision, ...) and
// compares tuples; a Builder encodes them; getters, Values and Validate decode them.
//
// In this documentation "an Int8 field" means a field whose Encoding is Int8Enc, and so on.
//
// # Invariants
//
//   - Canonical encoding. Every row has exactly one encoding for a given Desc: Build of
//     equal values always yields identical bytes, so identical tables hash identically
//     (content addressing). Trailing NULL fields are trimmed; -0 is stored as +0; NaN and
//     ±Inf are refused; decimals are stored at the field's declared scale (more fractional
//     digits are an error: the SQL layer rounds first), likewise fractional seconds past a
//     temporal field's FSP; JSON is stored in its canonical text (see CanonicalJSON); the
//     offset width is fixed by the data size. Validate accepts exactly the canonical
//     encodings, and no others.
//   - Order matches MySQL. Desc.Compare orders tuples field by field (lexicographically
//     over fields), and each field as MySQL orders its column type: NULL before every
//     value; integers, floats and decimals numerically; strings by their Collation (case-
//     and accent-insensitivity, PAD SPACE as MySQL's collation does, with the documented
//     approximations of the built-in collations); binary strings bytewise; DATE, TIME,
//     DATETIME and TIMESTAMP chronologically; YEAR by year; ENUM by index; SET and BIT
//     numerically. JSON compares bytewise on its canonical text: total and deterministic,
//     but not MySQL's JSON order (MySQL refuses JSON keys). Every encoding except String
//     with a non-bytewise collation is memcmp-ordered: its bytes compare as its values.
//   - Stability. The bytes of every encoding, the layout, the canonicalization rules and
//     every comparator (built-in collations included) are part of the stored format:
//     changing any of them changes the hash and the order of stored trees, so it requires
//     a new storage.FormatVersion and a migration. Encoding's numeric values are stable.
//     Adding an Encoding (with the next number) or a collation under a new name changes
//     no existing bytes or order, so it needs no new FormatVersion: stored data stays
//     readable, and only trees that use the addition depend on it (a build without it
//     refuses such a schema, naming the encoding or collation). Likewise the JSON number
//     tags: a document without typed numbers keeps exactly its former bytes.
//
// # Concurrency and ownership
//
// A Desc is immutable and safe to share among goroutines; so are the built-in collations.
// A Builder is not safe for concurrent use; it is reusable after Build. A Tuple returned by
// Build belongs to the caller and must not be modified once shared. Slices returned by
// getters and Values alias the tuple. Compare and the getters (except GetDecimal) do not
// allocate, and none of the decoding functions panics on arbitrary bytes.
//
// # Tuple layout
//
// A tuple stores its first n fields, n <= Desc.Len(); fields n.. are NULL, and field n-1 is
// not NULL (trailing NULLs are trimmed, so the all-NULL row stores no field: 00 00).
//
//	+---------+---------+-----+-----------+--------------------+-------------+--------+
//	| field 0 | field 1 | ... | field n-1 | end offsets 0..n-2 | null bitmap | footer |
//	+---------+---------+-----+-----------+--------------------+-------------+--------+
//	|<---------- data: D bytes ---------->|<- (n-1)*W bytes ->|<- B bytes ->|<- 2 -->|
//
//	field i        the field's encoding (below); a NULL field has no bytes
//	end offset i   W-byte big-endian offset into data where field i ends and field i+1
//	               starts; non-decreasing and at most D. Field 0 starts at 0 and field
//	               n-1 ends at D, so those two are not stored.
//	W              2 if D <= 65535, else 4 (data up to 4 GiB - 1)
//	null bitmap    present iff the Desc has a nullable field: B = ceil(n/8) bytes, bit
//	               (i mod 8) of byte (i div 8), least significant first, is set iff field
//	               i is NULL; bits past n-1 are 0
//	footer         big-endian uint16: bit 15 set iff W = 4, bits 0..14 = n
//
// Examples: the key (Int64 NOT NULL) = 1 is 80 00 00 00 00 00 00 01 | 00 01; the key
// (Int64 NOT NULL, String NOT NULL) = (1, "ab") is 80 00 00 00 00 00 00 01 61 62 | 00 08 |
// 00 02; the value (Int8 NULL, Bytes NULL) = (NULL, "") is | 00 00 | 01 | 00 02 (the bitmap
// tells the NULL field 0 from the empty field 1).
//
// Compare's fast paths follow from the layout. When every field of a Desc is fixed-width
// and non-nullable, every tuple has the same length, offsets and footer, so Compare is
// bytes.Compare of the tuples. Leading fixed-width non-nullable fields sit at fixed
// positions and are compared as one region. When they are followed by a single non-nullable
// variable-width field (a (BIGINT, VARCHAR) key), that field ends where the trailer of known
// size starts, so no offset is read.
//
// # Field encodings
//
// Fixed-width encodings are big-endian and memcmp-ordered. "Flipped" means the sign bit of
// the two's complement number is inverted, so negative numbers sort first.
//
//	Int8/16/24/32/64   1/2/3/4/8 bytes: two's complement, flipped. MEDIUMINT is 3 bytes.
//	Uint8/16/24/32/64  1/2/3/4/8 bytes: the number.
//	Float32, Float64   4, 8 bytes: IEEE 754 bits; a positive number has its sign bit set,
//	                   a negative number has all its bits inverted. -0 is stored as +0;
//	                   NaN and ±Inf are refused.
//	Decimal(p,s)       w(p) bytes: the integer u = v*10^s (|u| < 10^p) as a w(p)-byte two's
//	                   complement number, flipped; w(p) is the fewest bytes that hold
//	                   ±(10^p - 1): p 1-2:1, 3-4:2, 5-6:3, 7-9:4, 10-11:5, 12-14:6,
//	                   15-16:7, 17-18:8, ..., 65:28. DECIMAL(5,2) 1.5 is u=150: 80 00 96.
//	String             the bytes of the string in the collation's character set (UTF-8
//	                   for utf8mb4_*), as given: no padding is added or removed.
//	Bytes              the bytes.
//	Date               3 bytes: year<<9 | month<<5 | day (year 0..9999, month 0..12,
//	                   day 0..31). 0000-00-00 is 00 00 00.
//	Time               6 bytes: the signed number of microseconds (|t| <=
//	                   838:59:59.999999) as 48-bit two's complement, flipped.
//	Datetime           8 bytes: date<<37 | microsecond of the day, date as in Date.
//	Timestamp          8 bytes: microseconds since 1970-01-01 00:00:00 UTC, 0 for the zero
//	                   timestamp; else 1970-01-01 00:00:01..2038-01-19 03:14:07.999999.
//	Year               1 byte: 0 for year 0, else year-1900 (1901..2155).
//	Enum(m)            1 byte if m <= 255 members, else 2: the 1-based member index, 0
//	                   for MySQL's '' error value.
//	Set(m)             ceil(m/8) bytes: the member bitmask (bit k for member k+1).
//	Bit(n)             ceil(n/8) bytes: the value.
//	JSON               the canonical text (see CanonicalJSON): no whitespace, keys sorted
//	                   by length then bytes, last duplicate wins, canonical numbers and
//	                   string escapes; then, only if a number has a type its text does
//	                   not give, a 00 byte and one type tag per number in text order,
//	                   trailing 'N' tags trimmed (see JSONNumberText).
//	Vector             VECTOR(n): 4*n bytes, each element a little-endian IEEE 754 float32,
//	                   as go-mysql-server holds it; compared bytewise (as GMS compares
//	                   vectors). Any whole number of elements is valid; the SQL layer
//	                   checks n.
//	Geometry           MySQL's internal geometry value: the SRID (4 bytes little-endian),
//	                   then the WKB (byte order byte, geometry type 1..7, coordinates);
//	                   compared bytewise (as GMS compares geometries; MySQL refuses to
//	                   order them). Validate checks the header only.
//
// # Go types
//
// Builder.Put and Desc.Values use these Go types: int64 (Int8..Int64, Timestamp in Unix
// microseconds), uint64 (Uint8..Uint64, Set, Bit), float32, float64, decimal.Decimal
// (github.com/shopspring/decimal), []byte (String, Bytes, JSON, Vector,
// Geometry), Date, time.Duration
// (Time), Datetime, uint16 (Year, Enum), and nil for NULL. Date and Datetime are small
// structs rather than time.Time so that MySQL's zero date 0000-00-00 is representable.
//
// # Collations
//
// A String field orders by its Collation. The built-ins, found with CollationByName, are
// binary, utf8mb4_bin (PAD SPACE), utf8mb4_0900_bin (NO PAD), utf8mb4_general_ci (case
// insensitive, PAD SPACE) and utf8mb4_0900_ai_ci (case and accent insensitive, NO PAD; an
// approximation of the UCA described at Utf8mb40900AICI); utf8mb4_unicode_ci (PAD SPACE)
// and utf8mb4_0900_as_cs (three UCA levels, NO PAD), UCA approximations with MySQL's ASCII
// order (see Utf8mb4UnicodeCI); utf8mb3_bin, utf8mb3_general_ci and utf8mb3_unicode_ci
// (the utf8mb4 orders on code points up to U+FFFF); utf16_general_ci, utf16_unicode_ci,
// utf32_general_ci and utf32_unicode_ci (the utf8mb4 orders); and latin1_swedish_ci,
// latin1_bin, ascii_general_ci and ascii_bin, MySQL's byte orders of those character sets
// applied to the UTF-8 text the SQL layer holds (see Latin1SwedishCI). Strings that compare equal
// (e.g. 'abc' and 'ABC' under a case-insensitive collation, 'a' and 'a ' under PAD SPACE)
// are different values with different bytes, as in MySQL; as keys they are the same key.
//
// # Errors
//
// Errors wrap ErrCorrupt (Validate, Values), ErrInvalidValue (Builder) or ErrInvalidDesc
// (NewDesc), usually through a *FieldError that names the field.
package tuple
