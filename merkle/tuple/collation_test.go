package tuple

import (
	"bytes"
	"errors"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestCollationExamples(t *testing.T) {
	type ex struct {
		a, b string
		want int
	}
	cases := map[Collation][]ex{
		BinaryCollation: {{"a", "A", 1}, {"a", "a ", -1}, {"", "\x00", -1}},
		Utf8mb40900Bin:  {{"a", "A", 1}, {"a", "a ", -1}, {"é", "f", 1}},
		Utf8mb4Bin: {
			{"a", "a ", 0}, {"a", "a   ", 0}, {"a\t", "a", -1}, {"a", "a\x00", 1}, {"a", "ab", -1},
			{"A", "a", -1}, {"", "  ", 0}, {"a é", "a", 1},
		},
		Utf8mb4GeneralCI: {
			{"abc", "ABC", 0}, {"a", "a ", 0}, {"a\t", "a", -1}, {"a", "B", -1}, {"B", "a", 1},
			{"é", "E", 0}, {"É", "e", 0}, {"ß", "s", 0}, {"ü", "U", 0}, {"σ", "Σ", 0}, {"ς", "Σ", 0},
			{"🙂", "🙃", 0}, {"Résumé", "resume", 0}, {"abc", "abd", -1},
		},
		Utf8mb40900AICI: {
			{"abc", "ABC", 0}, {"a", "a ", -1}, {"a", "B", -1}, {"B", "a", 1}, {"ABC", "abd", -1},
			{"é", "e", 0}, {"É", "e", 0}, {"e\u0301", "é", 0}, {"résumé", "RESUME", 0}, {"ǖ", "U", 0},
			{"ß", "ss", 0}, {"Straße", "STRASSE", 0}, {"ﬁ", "fi", 0}, {"Ａ", "a", 0}, {"ς", "Σ", 0},
			{"한", "\u1112\u1161\u11ab", 0}, {"ø", "o", 1}, {"a", "à", 0}, {"à", "b", -1},
			{"", "\u0301", 0}, {"🙂", "🙃", -1},
		},
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

// TestCaseInsensitiveKeys shows the SQL-visible consequence: as keys, 'abc' and 'ABC' are the
// same key, yet they are different values with different bytes.
func TestCaseInsensitiveKeys(t *testing.T) {
	for _, c := range []Collation{Utf8mb4GeneralCI, Utf8mb40900AICI} {
		d := mustDesc(t, str(c, false))
		a, b := build(t, d, "abc"), build(t, d, "ABC")
		if d.Compare(a, b) != 0 || bytes.Equal(a, b) {
			t.Errorf("%s: 'abc' vs 'ABC': Compare %d, bytes equal %v", c.Name(), d.Compare(a, b), bytes.Equal(a, b))
		}
	}
	d := mustDesc(t, str(Utf8mb4Bin, false), nn(Int8Enc))
	if d.Compare(build(t, d, "a ", int64(1)), build(t, d, "a", int64(1))) != 0 {
		t.Error("utf8mb4_bin: ('a ', 1) != ('a', 1)")
	}
	if d.Compare(build(t, d, "a ", int64(1)), build(t, d, "a", int64(2))) != -1 {
		t.Error("utf8mb4_bin: ('a ', 1) !< ('a', 2): the second field must decide")
	}
}

func TestCollationRegistry(t *testing.T) {
	for _, name := range []string{"binary", "utf8mb4_bin", "utf8mb4_0900_bin", "utf8mb4_general_ci", "utf8mb4_0900_ai_ci", "UTF8MB4_0900_AI_CI"} {
		c, ok := CollationByName(name)
		if !ok {
			t.Errorf("CollationByName(%q) not found", name)
			continue
		}
		if got, _ := CollationByName(c.Name()); got != c {
			t.Errorf("%q: name round trip", name)
		}
	}
	if _, ok := CollationByName("latin1_klingon_ci"); ok {
		t.Error("unknown collation found")
	}
	if err := RegisterCollation(Utf8mb4Bin); !errors.Is(err, ErrInvalidDesc) {
		t.Errorf("re-registering utf8mb4_bin: %v", err)
	}
	custom := reverseCollation{}
	if err := RegisterCollation(custom); err != nil {
		t.Fatal(err)
	}
	c, ok := CollationByName("test_reverse")
	if !ok {
		t.Fatal("registered collation not found")
	}
	d := mustDesc(t, str(c, false))
	if d.Compare(build(t, d, "a"), build(t, d, "b")) != 1 {
		t.Error("custom collation not used by Compare")
	}
}

type reverseCollation struct{}

func (reverseCollation) Name() string            { return "test_reverse" }
func (reverseCollation) Compare(a, b []byte) int { return bytes.Compare(b, a) }
func (reverseCollation) Check([]byte) error      { return nil }
func (reverseCollation) Bytewise() bool          { return false }

func TestCollationCheck(t *testing.T) {
	bad := []byte{'a', 0xff, 'b'}
	for _, c := range allCollations[1:] {
		if c.Check(bad) == nil {
			t.Errorf("%s accepts invalid UTF-8", c.Name())
		}
		if c.Check([]byte("\xed\xa0\x80")) == nil {
			t.Errorf("%s accepts an encoded surrogate", c.Name())
		}
		d := mustDesc(t, str(c, false))
		b := NewBuilder(d)
		b.PutBytes(0, bad)
		if _, err := b.Build(); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("%s: Build of invalid UTF-8: %v", c.Name(), err)
		}
	}
	if BinaryCollation.Check(bad) != nil {
		t.Error("binary refuses bytes")
	}
}

var collationModels = map[Collation]func(a, b []byte) int{
	Utf8mb4Bin:       modelPadSpace,
	Utf8mb4GeneralCI: modelGeneralCI,
	Utf8mb40900AICI:  modelAICI,
}

// modelApplies: the models normalize whole strings, which also reorders combining marks by
// class; the collations weigh each rune on its own. They agree on valid UTF-8 without
// combining marks other than the dropped diacritics.
func modelApplies(s []byte) bool {
	if !utf8.Valid(s) {
		return false
	}
	for _, r := range norm.NFKD.String(string(s)) {
		if unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me) && !isDiacritic(r) {
			return false
		}
	}
	return true
}

// FuzzCollations checks that every collation is a deterministic, antisymmetric order on
// arbitrary bytes (valid or not), never panics, and agrees with its model.
func FuzzCollations(f *testing.F) {
	f.Add([]byte("abc"), []byte("ABC"))
	f.Add([]byte("a "), []byte("a\t"))
	f.Add([]byte("é"), []byte("e\u0301"))
	f.Add([]byte("\xff"), []byte("ß"))
	f.Add([]byte("한"), []byte("ﷺ"))
	colls := allCollations
	f.Fuzz(func(t *testing.T, a, b []byte) {
		for _, c := range colls {
			ab, ba := c.Compare(a, b), c.Compare(b, a)
			if sign(ab) != -sign(ba) {
				t.Fatalf("%s: Compare(%q, %q) = %d but reversed %d", c.Name(), a, b, ab, ba)
			}
			if c.Compare(a, a) != 0 {
				t.Fatalf("%s: Compare(%q, itself) != 0", c.Name(), a)
			}
			if m := collationModels[c]; m != nil && modelApplies(a) && modelApplies(b) && sign(ab) != sign(m(a, b)) {
				t.Fatalf("%s: Compare(%q, %q) = %d, model %d", c.Name(), a, b, ab, m(a, b))
			}
			if c.Bytewise() && c.Check(a) == nil && c.Check(b) == nil && sign(ab) != bytes.Compare(a, b) {
				t.Fatalf("%s claims Bytewise but Compare(%q, %q) = %d", c.Name(), a, b, ab)
			}
		}
	})
}
