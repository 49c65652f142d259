package tuple

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// allCollations lists every built-in collation, binary first.
var allCollations = []Collation{BinaryCollation, Utf8mb4Bin, Utf8mb40900Bin, Utf8mb4GeneralCI, Utf8mb40900AICI,
	Utf8mb4UnicodeCI, Utf8mb3UnicodeCI, Utf8mb40900ASCS, Utf8mb3Bin, Utf8mb3GeneralCI,
	Latin1SwedishCI, Latin1Bin, ASCIIGeneralCI, ASCIIBin,
	Utf16UnicodeCI, Utf32UnicodeCI, Utf16GeneralCI, Utf32GeneralCI}

func TestCollationExamplesMore(t *testing.T) {
	type ex struct {
		a, b string
		want int
	}
	unicodeCI := []ex{
		{"abc", "ABC", 0}, {"a", "a ", 0}, {"a", "a\x01", 0}, {"a\t", "a", -1}, {"a", "B", -1}, {"B", "a", 1},
		{"é", "e", 0}, {"É", "e", 0}, {"e\u0301", "é", 0}, {"résumé", "RESUME", 0}, {"ß", "ss", 0},
		{"ﬁ", "fi", 0}, {"Ａ", "a", 0}, {"ς", "Σ", 0}, {"ø", "o", 1}, {"à", "b", -1}, {"a\u00a0", "a", 0},
		// DUCET order of ASCII: whitespace < punctuation < symbols < digits < letters.
		{"_", "-", -1}, {"-", ",", -1}, {".", "'", -1}, {"(", ")", -1}, {"@", "#", -1}, {"+", "$", -1},
		{"$", "0", -1}, {"9", "a", -1}, {"{", "a", -1}, {"~", "0", -1}, {"`", "^", -1}, {"^", "_", -1},
		{"z", "é", 1}, {"a1", "a!", 1},
		// Non-ASCII symbols after the ASCII ones, before the digits; digits of any script.
		{"€", "$", 1}, {"€", "0", -1}, {"«", "~", 1}, {"–", "a", -1}, {"\u00a7", "9", -1},
		{"٣", "3", 0}, {"٣", "4", -1}, {"²", "2", 0},
		// Latin letters without a decomposition next to their base letter.
		{"æ", "a", 1}, {"æ", "b", -1}, {"ø", "o", 1}, {"ø", "p", -1}, {"ł", "m", -1}, {"þ", "z", 1},
		{"Ø", "ø", 0}, {"ı", "j", -1}, {"α", "þ", 1}, {"中", "α", 1},
	}
	cases := map[Collation][]ex{
		Utf8mb4UnicodeCI: append(slices.Clone(unicodeCI), ex{"🙂", "🙃", 0}, ex{"a🙂", "a\uFFFD", 1}, ex{"🙂", "中", 1}),
		Utf8mb3UnicodeCI: unicodeCI,
		Utf16UnicodeCI:   unicodeCI,
		Utf32UnicodeCI:   unicodeCI,
		Utf16GeneralCI:   {{"abc", "ABC", 0}, {"a", "a ", 0}, {"é", "E", 0}, {"🙂", "🙃", 0}},
		Utf32GeneralCI:   {{"abc", "ABC", 0}, {"a", "a ", 0}, {"é", "E", 0}},
		Utf8mb40900ASCS: {
			{"abc", "abc", 0}, {"a", "A", -1}, {"ab", "Ac", -1}, {"Ab", "ac", -1}, {"e", "é", -1},
			{"é", "f", -1}, {"e\u0301", "é", 0}, {"É", "é", 1}, {"E", "é", -1}, {"a", "a ", -1},
			{"ß", "ss", 1}, {"ß", "st", -1}, {"ﬁ", "fi", 1}, {"ﬁ", "fj", -1}, {"_", "-", -1}, {"%", "`", -1},
			{"^", "+", -1}, {"9", "a", -1}, {"\x01", "\t", -1}, {"한", "\u1112\u1161\u11ab", 0},
			{"ø", "o", 1}, {"ø", "oa", -1}, {"ł", "l", 1}, {"ła", "lb", -1}, {"æ", "b", -1}, {"€", "0", -1},
		},
		Utf8mb3Bin:       {{"a", "a ", 0}, {"a\t", "a", -1}, {"A", "a", -1}, {"é", "f", 1}},
		Utf8mb3GeneralCI: {{"abc", "ABC", 0}, {"a", "a ", 0}, {"é", "E", 0}, {"ß", "s", 0}},
		Latin1SwedishCI: {
			{"abc", "ABC", 0}, {"a", "a ", 0}, {"a\t", "a", -1}, {"é", "E", 0}, {"à", "a", 0},
			{"å", "z", 1}, {"ä", "å", 1}, {"ö", "ä", 1}, {"æ", "ä", 0}, {"Ä", "\\", 0}, {"Å", "[", 0},
			{"ü", "y", 0}, {"ü", "u", 1}, {"ø", "ö", 1}, {"ø", "×", 1}, {"ß", "s", 1}, {"ÿ", "ß", 1},
			{"€", "{", 1}, {"€", "‚", -1}, {"Ÿ", "ÿ", -1}, {"z", "{", -1}, {"ā", "ÿ", 1},
		},
		Latin1Bin: {
			{"a", "A", 1}, {"a", "a ", 0}, {"€", "\u00a0", -1}, {"é", "f", 1}, {"ÿ", "ā", -1},
		},
		ASCIIGeneralCI: {{"abc", "ABC", 0}, {"a", "a ", 0}, {"[", "a", 1}, {"é", "z", 1}},
		ASCIIBin:       {{"a", "A", 1}, {"a", "a ", 0}, {"[", "a", -1}},
	}
	for c, exs := range cases {
		for _, e := range exs {
			if got := sign(c.Compare([]byte(e.a), []byte(e.b))); got != e.want {
				t.Errorf("%s: Compare(%q, %q) = %d, want %d", c.Name(), e.a, e.b, got, e.want)
			}
			if got := sign(c.Compare([]byte(e.b), []byte(e.a))); got != -e.want {
				t.Errorf("%s: Compare(%q, %q) = %d, want %d", c.Name(), e.b, e.a, got, -e.want)
			}
		}
	}
}

func TestCollationUtf8mb3Check(t *testing.T) {
	for _, c := range []Collation{Utf8mb3Bin, Utf8mb3GeneralCI, Utf8mb3UnicodeCI} {
		if err := c.Check([]byte("aé中\uFFFF")); err != nil {
			t.Errorf("%s refuses BMP text: %v", c.Name(), err)
		}
		if c.Check([]byte("a🙂")) == nil {
			t.Errorf("%s accepts a code point above U+FFFF", c.Name())
		}
		d := mustDesc(t, str(c, false))
		b := NewBuilder(d)
		b.PutString(0, "🙂")
		if _, err := b.Build(); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("%s: Build of a supplementary character: %v", c.Name(), err)
		}
	}
	if Utf8mb4UnicodeCI.Check([]byte("a🙂")) != nil {
		t.Error("utf8mb4_unicode_ci refuses a supplementary character")
	}
}

// TestCollationTotalPreorder sorts random strings with each collation and checks that the
// result is consistent: every earlier string compares <= every later one (a comparator
// that is not transitive fails this for some pair).
func TestCollationTotalPreorder(t *testing.T) {
	alphabet := []string{"a", "A", "b", "B", "e", "é", "É", "e\u0301", "s", "S", "ß", "ss", "o", "ö", "ø",
		" ", "\t", "\x01", "-", "_", "{", "0", "9", "å", "ä", "æ", "ü", "y", "ÿ", "€", "ā", "ﬁ", "Ａ",
		"σ", "ς", "Σ", "中", "🙂", "\u0301", "한", "\u00a0", "×"}
	r := rand.New(rand.NewPCG(1, 2))
	strs := make([]string, 400)
	for i := range strs {
		var sb strings.Builder
		for range r.IntN(5) {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		strs[i] = sb.String()
	}
	for _, c := range allCollations {
		s := slices.Clone(strs)
		slices.SortStableFunc(s, func(a, b string) int { return c.Compare([]byte(a), []byte(b)) })
		for i := range s {
			for j := i + 1; j < len(s); j++ {
				if c.Compare([]byte(s[i]), []byte(s[j])) > 0 {
					t.Fatalf("%s: sorted %q before %q but Compare says after", c.Name(), s[i], s[j])
				}
			}
		}
	}
}

func TestCollationRegistryMore(t *testing.T) {
	for _, c := range allCollations {
		if got, ok := CollationByName(strings.ToUpper(c.Name())); !ok || got != c {
			t.Errorf("CollationByName(%q) = %v, %v", c.Name(), got, ok)
		}
	}
}

func TestNewCollationsDoNotAllocate(t *testing.T) {
	pairs := [][2]string{{"Résumé straße", "resume STRASSE"}, {"e\u0301a", "éA"}, {"abc   ", "abc"}, {"ÅÄÖ", "åäö"}}
	for _, c := range allCollations[5:] {
		for _, p := range pairs {
			a, b := []byte(p[0]), []byte(p[1])
			if n := testing.AllocsPerRun(20, func() { c.Compare(a, b) }); n != 0 {
				t.Errorf("%s: Compare(%q, %q) allocates %v times", c.Name(), a, b, n)
			}
		}
	}
}

func TestVectorField(t *testing.T) {
	d := mustDesc(t, nn(Int64Enc), Field{Enc: VectorEnc, Nullable: true})
	v := []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0x40} // [1, 2] as little-endian float32
	tup := build(t, d, int64(1), v)
	got, ok := d.GetVector(tup, 1)
	if !ok || string(got) != string(v) {
		t.Fatalf("GetVector = %x, %v", got, ok)
	}
	if err := d.Validate(tup); err != nil {
		t.Fatal(err)
	}
	vals, err := d.Values(tup)
	if err != nil || string(vals[1].([]byte)) != string(v) {
		t.Fatalf("Values = %v, %v", vals, err)
	}
	if d.Compare(build(t, d, int64(1), v[:4]), tup) >= 0 {
		t.Error("vector order is not bytewise")
	}
	b := NewBuilder(d)
	b.PutInt(0, 1)
	b.PutBytes(1, v[:3])
	if _, err := b.Build(); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("Build of a 3-byte vector: %v", err)
	}
	if _, err := NewDesc(Field{Enc: VectorEnc, Bits: 3}); !errors.Is(err, ErrInvalidDesc) {
		t.Errorf("NewDesc of a vector with Bits: %v", err)
	}
	short := build(t, mustDesc(t, nn(Int64Enc), Field{Enc: BytesEnc, Nullable: true}), int64(1), v[:3])
	if err := d.Validate(short); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Validate of a 3-byte vector: %v", err)
	}
}

func TestGeometryField(t *testing.T) {
	d := mustDesc(t, nn(Int64Enc), Field{Enc: GeometryEnc, Nullable: true})
	// POINT(1 2), SRID 0: SRID, byte order 1, type 1, x, y.
	pt := []byte{0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x40}
	tup := build(t, d, int64(1), pt)
	if got, ok := d.GetGeometry(tup, 1); !ok || string(got) != string(pt) {
		t.Fatalf("GetGeometry = %x, %v", got, ok)
	}
	if err := d.Validate(tup); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{pt[:8], append(append([]byte{}, pt[:4]...), 2, 1, 0, 0, 0), append(append([]byte{}, pt[:5]...), 9, 0, 0, 0)} {
		b := NewBuilder(d)
		b.PutInt(0, 1)
		b.PutBytes(1, bad)
		if _, err := b.Build(); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("Build of geometry %x: %v", bad, err)
		}
		raw := build(t, mustDesc(t, nn(Int64Enc), Field{Enc: BytesEnc, Nullable: true}), int64(1), bad)
		if err := d.Validate(raw); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Validate of geometry %x: %v", bad, err)
		}
	}
}
