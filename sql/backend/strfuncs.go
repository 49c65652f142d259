package backend

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/sqltypes"
)

// String functions that count characters and compare under their arguments' collation.
//
// GMS's LOCATE (and so POSITION(sub IN s), which the parser turns into LOCATE) counted
// bytes and lowered both strings whatever their collation; its INSTR compared code points,
// ignoring a case-insensitive collation; LPAD, RPAD and INSERT counted lengths and
// positions in bytes, so they could cut a multi-byte character in two. MySQL 8 counts
// characters (bytes only for binary strings) and matches under the collation the
// arguments' coercibility gives (a column's collation wins over a literal's):
//
//   - LOCATE(sub, s[, pos]), POSITION(sub IN s), INSTR(s, sub): the character position of
//     the first match of sub in s at or after character pos, 0 if none, NULL if an
//     argument is NULL; pos below 1 or past the end gives 0. A match is MySQL's
//     (my_instr_mb): at each character of s, the next len(sub) bytes compared to sub
//     under the collation, so under utf8mb4_0900_ai_ci LOCATE('B', 'abc') is 2 and
//     LOCATE('è', 'café') is 4, but LOCATE('e', 'café') is 0 ('é' is two bytes, 'e' one),
//     as in MySQL. Two binary-collated operands (utf8mb4_0900_bin) match exactly; with a
//     binary string (VARBINARY, BLOB, CAST(... AS BINARY)) positions are bytes. An empty
//     sub is found at pos, which MySQL reports as the byte offset of that character plus
//     one (LOCATE('', 'éa', 2) is 3), kept here.
//   - LPAD(s, n, pad), RPAD(s, n, pad): s cut to its first n characters, or padded to n
//     characters with pad repeated (the last copy cut); NULL when n is negative, when pad
//     is empty and s is shorter than n, or when n times the character set's longest
//     character passes @@max_allowed_packet (warning 1301, as MySQL).
//   - INSERT(s, pos, len, new): s with its len characters from character pos replaced
//     by new; s unchanged when pos is below 1 or past its last character; the rest of s
//     replaced when len is negative or past the end.
//   - CAST(s AS CHAR(n)) and CONVERT(s, CHAR(n)): s cut to its first n characters, with
//     warning 1292 "Truncated incorrect CHAR(n) value: 's'". GMS cut n bytes, and dropped
//     the length altogether when s was already LONGTEXT (a literal, CONCAT(...)): its plan
//     builder removes a conversion to its own type before any analyzer rule can see it.
//     So the server's parser (server/castchar.go) writes CAST(s AS CHAR(n)) as
//     CAST(cast_as_char(s, n) AS CHAR), which the plan builder reduces to cast_as_char
//     (CastCharFunction below), printed back as convert(s, char(n)).
//
// They are installed by the function provider of exact SUM and AVG (exactsum.go), which
// GMS's catalog asks before its built-in registry, so every plan has them. TestStringFunctions
// (server) checks them against MySQL 8's answers (most also MariaDB 10.11's).

// CastCharFunction is the name of CAST(s AS CHAR(n)) as server/castchar.go rewrites it:
// cast_as_char(s, n), s cut to n characters (see above).
const CastCharFunction = "cast_as_char"

// strKind says which function a strFunc is.
type strKind int

const (
	kindLocate   strKind = iota // LOCATE(sub, s[, pos]); POSITION(sub IN s)
	kindInstr                   // INSTR(s, sub)
	kindLpad                    // LPAD(s, n, pad)
	kindRpad                    // RPAD(s, n, pad)
	kindInsert                  // INSERT(s, pos, len, new)
	kindCastChar                // cast_as_char(s, n): CAST(s AS CHAR(n))
)

// stringFunctions are the functions above by name.
var stringFunctions = func() map[string]sql.Function {
	m := map[string]sql.Function{}
	for _, d := range []struct {
		name     string
		kind     strKind
		min, max int
	}{
		{"locate", kindLocate, 2, 3},
		{"instr", kindInstr, 2, 2},
		{"lpad", kindLpad, 3, 3},
		{"rpad", kindRpad, 3, 3},
		{"insert", kindInsert, 4, 4},
		{CastCharFunction, kindCastChar, 2, 2},
	} {
		m[d.name] = sql.FunctionN{Name: d.name, Fn: func(_ *sql.Context, args ...sql.Expression) (sql.Expression, error) {
			if len(args) < d.min || len(args) > d.max {
				want := fmt.Sprint(d.min)
				if d.max != d.min {
					want = fmt.Sprintf("%d or %d", d.min, d.max)
				}
				return nil, sql.ErrInvalidArgumentNumber.New(strings.ToUpper(d.name), want, len(args))
			}
			return &strFunc{name: d.name, kind: d.kind, args: args}, nil
		}}
	}
	return m
}()

// stringFunction returns the function of stringFunctions named name (any case).
func stringFunction(name string) (sql.Function, bool) {
	f, ok := stringFunctions[strings.ToLower(name)]
	return f, ok
}

// strFunc is one of the functions above applied to its arguments. Immutable.
type strFunc struct {
	name string
	kind strKind
	args []sql.Expression
}

var (
	_ sql.FunctionExpression = (*strFunc)(nil)
	_ sql.CollationCoercible = (*strFunc)(nil)
)

func (f *strFunc) FunctionName() string { return f.name }
func (f *strFunc) Description() string  { return "MySQL's " + strings.ToUpper(f.name) }

// Children implements sql.Expression.
func (f *strFunc) Children() []sql.Expression { return f.args }

// Resolved implements sql.Expression.
func (f *strFunc) Resolved() bool {
	for _, a := range f.args {
		if !a.Resolved() {
			return false
		}
	}
	return true
}

// IsNullable implements sql.Expression: LPAD, RPAD and INSERT can be NULL whatever their
// arguments (a negative length, an empty pad, a result past max_allowed_packet).
func (f *strFunc) IsNullable(ctx *sql.Context) bool {
	switch f.kind {
	case kindLpad, kindRpad, kindInsert:
		return true
	}
	for _, a := range f.args {
		if a.IsNullable(ctx) {
			return true
		}
	}
	return false
}

// Type implements sql.Expression: GMS's types for the functions it had.
func (f *strFunc) Type(*sql.Context) sql.Type {
	switch f.kind {
	case kindLocate:
		return types.Int32
	case kindInstr:
		return types.Int64
	}
	return types.LongText
}

// CollationCoercibility implements sql.CollationCoercible.
func (f *strFunc) CollationCoercibility(ctx *sql.Context) (sql.CollationID, byte) {
	switch f.kind {
	case kindLpad, kindRpad:
		return resolveArgs(ctx, f.args[0], f.args[2])
	case kindInsert:
		return resolveArgs(ctx, f.args[0], f.args[3])
	case kindCastChar:
		return ctx.GetCollation(), 2 // as GMS's CAST(... AS CHAR)
	}
	return sql.Collation_binary, 5
}

func (f *strFunc) String() string {
	return f.format(func(e sql.Expression) string { return e.String() })
}

// DebugString implements sql.DebugStringer.
func (f *strFunc) DebugString(ctx *sql.Context) string {
	return f.format(func(e sql.Expression) string { return sql.DebugString(ctx, e) })
}

// format prints f as GMS printed its function (plans in tests and EXPLAIN stay the same).
func (f *strFunc) format(str func(sql.Expression) string) string {
	args := make([]string, len(f.args))
	for i, a := range f.args {
		args[i] = str(a)
	}
	switch f.kind {
	case kindLocate:
		return "locate(" + strings.Join(args, ",") + ")"
	case kindInstr:
		return "INSTR(" + strings.Join(args, ", ") + ")"
	case kindCastChar:
		return fmt.Sprintf("convert(%s, char(%s))", args[0], args[1])
	}
	return f.name + "(" + strings.Join(args, ", ") + ")"
}

// WithChildren implements sql.Expression.
func (f *strFunc) WithChildren(_ *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	if len(children) != len(f.args) {
		return nil, sql.ErrInvalidChildrenNumber.New(f, len(children), len(f.args))
	}
	nf := *f
	nf.args = children
	return &nf, nil
}

// Eval implements sql.Expression: NULL if an argument is NULL.
func (f *strFunc) Eval(ctx *sql.Context, row sql.Row) (any, error) {
	vals, err := evalArgs(ctx, row, f.args) // timefuncs.go
	if vals == nil {
		return nil, err
	}
	switch f.kind {
	case kindLocate, kindInstr:
		sub, s := 0, 1 // LOCATE(sub, s), INSTR(s, sub)
		if f.kind == kindInstr {
			sub, s = 1, 0
		}
		return f.locate(ctx, vals, sub, s)
	case kindLpad, kindRpad:
		return f.pad(ctx, vals)
	case kindInsert:
		return f.insert(ctx, vals)
	}
	return f.castChar(ctx, vals)
}

// strText is the text of a string argument: v of an expression of type t as a Go string
// (a binary string's bytes, a number or date as its text).
func strText(ctx *sql.Context, v any, t sql.Type) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	}
	c, _, err := types.TypeAwareConversion(ctx, v, t, types.LongText)
	if err != nil {
		return "", err
	}
	c, err = sql.UnwrapAny(ctx, c)
	if err != nil {
		return "", err
	}
	switch x := c.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	}
	return fmt.Sprint(c), nil
}

// intArg is v as an integer (MySQL's val_int: a string's leading number, a fraction
// rounded); ok=false if it is none.
func intArg(ctx *sql.Context, v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case uint64:
		if x > math.MaxInt64 {
			return math.MaxInt64, true
		}
		return int64(x), true
	}
	n, ok := asIntArg(ctx, v) // timefuncs.go
	if !ok {
		if s, isStr := v.(string); isStr { // '3abc' is 3, 'abc' 0, as MySQL (with a warning there)
			return leadingInt(s), true
		}
	}
	return n, ok
}

// leadingInt is the integer s starts with (after spaces, with a sign), 0 if none.
func leadingInt(s string) int64 {
	s = strings.TrimLeft(s, " \t\n")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var n int64
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n > (math.MaxInt64-9)/10 {
			n = math.MaxInt64
			break
		}
		n = n*10 + int64(s[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}

// resolveArgs is the collation and coercibility of an operation on a and b, MySQL's
// coercibility rules as GMS implements them (sql.ResolveCoercibility).
func resolveArgs(ctx *sql.Context, a, b sql.Expression) (sql.CollationID, byte) {
	ac, aco := sql.GetCoercibility(ctx, a)
	bc, bco := sql.GetCoercibility(ctx, b)
	return sql.ResolveCoercibility(ac, aco, bc, bco)
}

// isBinaryString says whether t is a binary string type (BINARY, VARBINARY, BLOB).
func isBinaryString(t sql.Type) bool {
	if t == nil {
		return false
	}
	switch t.Type() {
	case sqltypes.Binary, sqltypes.VarBinary, sqltypes.Blob:
		return true
	}
	return false
}

// textRules says how an operation on a and b treats its strings: binary (bytes, exact
// matches) when their collation is the binary one and one of them is a binary string,
// else characters under coll. Numbers and dates, which GMS gives the binary collation,
// take the connection's collation, as MySQL converts them to strings of it.
func textRules(ctx *sql.Context, a, b sql.Expression) (coll sql.CollationID, binary bool) {
	coll, _ = resolveArgs(ctx, a, b)
	if coll == sql.Collation_binary && (isBinaryString(a.Type(ctx)) || isBinaryString(b.Type(ctx))) {
		return coll, true
	}
	if coll == sql.Collation_binary || coll == sql.Collation_Unspecified {
		coll = ctx.GetCollation()
	}
	return coll, false
}

// charUnits is how many bytes of its character set MySQL's byte-window matching counts
// for rune r: its UTF-8 length for utf8mb4 and utf8mb3, else 1 (a character of a
// single-byte character set; other multi-byte sets are approximated by characters).
func charUnits(cs sql.CharacterSetID, r rune) int {
	if cs == sql.CharacterSet_utf8mb4 || cs == sql.CharacterSet_utf8mb3 {
		if r == utf8.RuneError {
			return 1 // an invalid byte counts as one, as MySQL's my_ismbchar
		}
		return utf8.RuneLen(r)
	}
	return 1
}

// units is the length of s in its character set's bytes (charUnits).
func units(cs sql.CharacterSetID, s string) int {
	if cs == sql.CharacterSet_utf8mb4 || cs == sql.CharacterSet_utf8mb3 {
		return len(s)
	}
	return utf8.RuneCountInString(s)
}

// charOffset is the byte offset in s of its character n (0-based; len(s) for n = the
// number of characters), false when s has fewer than n characters.
func charOffset(s string, n int64) (int, bool) {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i, n == 0
}

// locate is LOCATE(vals[sub], vals[s][, vals[2]]) (see the file comment).
func (f *strFunc) locate(ctx *sql.Context, vals []any, subIdx, sIdx int) (any, error) {
	coll, binary := textRules(ctx, f.args[sIdx], f.args[subIdx])
	sub, err := strText(ctx, vals[subIdx], f.args[subIdx].Type(ctx))
	if err != nil {
		return nil, err
	}
	s, err := strText(ctx, vals[sIdx], f.args[sIdx].Type(ctx))
	if err != nil {
		return nil, err
	}
	res := int64(locate(coll, binary, sub, s, vals[2:], func(v any) (int64, bool) { return intArg(ctx, v) }))
	if f.kind == kindInstr {
		return res, nil
	}
	return int32(max(math.MinInt32, min(math.MaxInt32, res))), nil
}

// locate is the position of sub in s (MySQL's Item_func_locate::val_int and my_instr_mb).
// pos holds the third argument, if any.
func locate(coll sql.CollationID, binary bool, sub, s string, pos []any, asInt func(any) (int64, bool)) int {
	cs := coll.CharacterSet()
	ulen := func(x string) int { return units(cs, x) }
	if binary {
		ulen = func(x string) int { return len(x) }
	}
	start0, startByte, startUnits := 0, 0, 0 // start character, its byte offset, its unit offset
	if len(pos) > 0 {
		p, ok := asInt(pos[0])
		if !ok || p <= 0 {
			return 0
		}
		p--
		if p > int64(ulen(s)) { // MySQL compares the character position with the length in bytes
			return 0
		}
		start0 = int(p)
		if binary {
			startByte = start0
		} else {
			var in bool
			if startByte, in = charOffset(s, p); !in {
				return 0
			}
		}
		startUnits = ulen(s[:startByte])
		if startUnits+ulen(sub) > ulen(s) {
			return 0
		}
	}
	if sub == "" {
		return startUnits + 1 // MySQL's answer: the start's offset in bytes, plus one
	}
	if binary {
		i := strings.Index(s[startByte:], sub)
		if i < 0 {
			return 0
		}
		return start0 + i + 1
	}
	want := ulen(sub)
	weight := coll.Sorter()
	rest := s[startByte:]
	for i := 0; rest != ""; i++ {
		// The window: the characters of rest filling want units; none if it would end
		// inside a character or past the end.
		n, end := 0, 0
		for n < want && end < len(rest) {
			r, size := utf8.DecodeRuneInString(rest[end:])
			n += charUnits(cs, r)
			end += size
		}
		if n < want {
			return 0
		}
		if n == want && sameText(weight, rest[:end], sub) {
			return start0 + i + 1
		}
		_, size := utf8.DecodeRuneInString(rest)
		rest = rest[size:]
	}
	return 0
}

// sameText says whether a and b are equal under a collation whose weight of a character
// is weight (character by character, as GMS compares strings); nil weight: equal runes.
func sameText(weight sql.CollationSorter, a, b string) bool {
	if weight == nil {
		return a == b
	}
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra == utf8.RuneError || rb == utf8.RuneError {
			if a[:na] != b[:nb] {
				return false
			}
		} else if ra != rb && weight(ra) != weight(rb) {
			return false
		}
		a, b = a[na:], b[nb:]
	}
	return a == "" && b == ""
}

// erWarnAllowedPacketOverflowed is MySQL's ER_WARN_ALLOWED_PACKET_OVERFLOWED.
const erWarnAllowedPacketOverflowed = 1301

// maxAllowedPacket is the session's @@max_allowed_packet (64 MiB, MySQL 8's default,
// when it cannot be read).
func maxAllowedPacket(ctx *sql.Context) int64 {
	const def = 64 << 20
	if ctx == nil || ctx.Session == nil {
		return def
	}
	v, err := ctx.GetSessionVariable(ctx, "max_allowed_packet")
	if err != nil {
		return def
	}
	if n, ok := intArg(ctx, v); ok && n > 0 {
		return n
	}
	return def
}

// packetOverflow warns as MySQL when a result of n bytes would pass max_allowed_packet.
func (f *strFunc) packetOverflow(ctx *sql.Context, n int64) bool {
	limit := maxAllowedPacket(ctx)
	if n <= limit {
		return false
	}
	ctx.Warn(erWarnAllowedPacketOverflowed, "Result of %s() was larger than max_allowed_packet (%d) - truncated", f.name, limit)
	return true
}

// pad is LPAD or RPAD (see the file comment).
func (f *strFunc) pad(ctx *sql.Context, vals []any) (any, error) {
	coll, binary := textRules(ctx, f.args[0], f.args[2])
	s, err := strText(ctx, vals[0], f.args[0].Type(ctx))
	if err != nil {
		return nil, err
	}
	count, ok := intArg(ctx, vals[1])
	if !ok || count < 0 {
		return nil, nil
	}
	count = min(count, math.MaxInt32)
	padText, err := strText(ctx, vals[2], f.args[2].Type(ctx))
	if err != nil {
		return nil, err
	}
	chars := charCounter(binary)
	if n := chars.count(s); count <= n {
		return s[:chars.offset(s, count)], nil
	}
	mbmax := int64(1)
	if !binary {
		mbmax = int64(max(1, coll.CharacterSet().MaxLength()))
	}
	if f.packetOverflow(ctx, count*mbmax) {
		return nil, nil
	}
	padChars := chars.count(padText)
	if padChars == 0 {
		return nil, nil
	}
	fill := count - chars.count(s)
	var b strings.Builder
	if f.kind == kindRpad {
		b.WriteString(s)
	}
	b.WriteString(strings.Repeat(padText, int(fill/padChars)))
	b.WriteString(padText[:chars.offset(padText, fill%padChars)])
	if f.kind == kindLpad {
		b.WriteString(s)
	}
	return b.String(), nil
}

// insert is INSERT(s, pos, len, new) (see the file comment).
func (f *strFunc) insert(ctx *sql.Context, vals []any) (any, error) {
	_, binary := textRules(ctx, f.args[0], f.args[3])
	s, err := strText(ctx, vals[0], f.args[0].Type(ctx))
	if err != nil {
		return nil, err
	}
	pos, ok1 := intArg(ctx, vals[1])
	length, ok2 := intArg(ctx, vals[2])
	if !ok1 || !ok2 {
		return s, nil
	}
	repl, err := strText(ctx, vals[3], f.args[3].Type(ctx))
	if err != nil {
		return nil, err
	}
	chars := charCounter(binary)
	n := chars.count(s)
	if pos < 1 || pos > n {
		return s, nil
	}
	pos--
	if length < 0 || length > n-pos {
		length = n - pos
	}
	from, to := chars.offset(s, pos), chars.offset(s, pos+length)
	if f.packetOverflow(ctx, int64(len(s)-(to-from)+len(repl))) {
		return nil, nil
	}
	return s[:from] + repl + s[to:], nil
}

// charCounter counts and indexes characters (binary false) or bytes (binary true).
type charCounter bool

func (c charCounter) count(s string) int64 {
	if c {
		return int64(len(s))
	}
	return int64(utf8.RuneCountInString(s))
}

// offset is the byte offset of character n of s (len(s) past the end).
func (c charCounter) offset(s string, n int64) int {
	if c {
		return int(min(n, int64(len(s))))
	}
	i, _ := charOffset(s, n)
	return i
}

// castChar is CAST(s AS CHAR(n)): s cut to n characters, with MySQL's warning.
func (f *strFunc) castChar(ctx *sql.Context, vals []any) (any, error) {
	c, _, err := types.TypeAwareConversion(ctx, vals[0], f.args[0].Type(ctx), types.LongText)
	if err != nil || c == nil {
		return nil, nil // as GMS's CAST(... AS CHAR): an inconvertible value is NULL
	}
	s, err := strText(ctx, c, types.LongText)
	if err != nil {
		return nil, err
	}
	n, ok := intArg(ctx, vals[1])
	if !ok || n < 0 {
		return s, nil
	}
	end, in := charOffset(s, n)
	if !in || end == len(s) {
		return s, nil
	}
	ctx.Warn(erTruncatedWrongValue, "Truncated incorrect CHAR(%d) value: '%s'", n, s)
	return s[:end], nil
}
