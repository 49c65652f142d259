package tuple

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The UCA-based collations added after the first five built-ins. Like utf8mb4_0900_ai_ci
// they approximate MySQL's Unicode Collation Algorithm tables without carrying them: a
// string is decomposed (NFKD for the primary and secondary levels, NFD for the tertiary),
// and each resulting code point gets one weight, in these classes, lowest first:
//
//   - ASCII whitespace, punctuation and symbols, in MySQL's (DUCET) order;
//   - every other symbol, punctuation and separator code point (Unicode categories P, S,
//     Z and the C1 controls: '€', '«', '–', '§', ...), in code point order: after the ASCII
//     ones, before the digits, as in MySQL;
//   - the digits: a decimal digit of any script weighs as its ASCII digit ('٣' == '3');
//   - the Latin letters, case folded: a letter with diacritics weighs as its base letter
//     (through the decomposition), and the letters without a decomposition that MySQL
//     sorts next to a base letter do so too ('æ' after 'a', 'ł' after 'l', 'ø' after 'o',
//     'þ' after 'z'; under utf8mb4_0900_as_cs 'ð', 'đ', 'ħ', 'ł' and 'ø' weigh as their base
//     letter at the primary level, as in MySQL 8);
//   - every other code point (other scripts, CJK, emoji, marks), in code point order.
//
// So the order of ASCII text, the place of Latin-1 text, and the equality classes of Latin,
// Greek and Cyrillic text (case, accents, compatibility forms, 'ß' as "ss") match MySQL;
// the relative order of the symbols among themselves and of the other scripts is by code
// point, not by DUCET weights.
var (
	// Utf8mb4UnicodeCI ("utf8mb4_unicode_ci", UCA 4.0.0 in MySQL) is case- and
	// accent-insensitive with PAD SPACE (trailing spaces do not count). As in MySQL, every
	// code point above U+FFFF has the same weight (so '😀' == '🦀'), and the C0 controls
	// other than TAB..CR weigh as a space (MySQL ignores them).
	Utf8mb4UnicodeCI Collation = &ucaCollation{name: "utf8mb4_unicode_ci", ascii: &asciiUCA400, extra: ucaExtra400, pad: true, supplementary: true}
	// Utf8mb3UnicodeCI ("utf8mb3_unicode_ci") is Utf8mb4UnicodeCI on the utf8mb3 character
	// set: strings with code points above U+FFFF are refused.
	Utf8mb3UnicodeCI Collation = &ucaCollation{name: "utf8mb3_unicode_ci", ascii: &asciiUCA400, extra: ucaExtra400, pad: true, supplementary: true, mb3: true}
	// Utf8mb40900ASCS ("utf8mb4_0900_as_cs", UCA 9.0.0) is accent- and case-sensitive, NO
	// PAD. It compares three levels, as the UCA does: first the primary weights (those of
	// a case- and accent-insensitive comparison, so "ab" < "Ac" < "ad"), then the accents
	// (unaccented first: "e" < "é"; the accents in the UCA's order: 'á' < 'à' < 'ă' < 'â' <
	// 'ǎ' < 'å' < 'ä' < 'a̋' < 'ã' < 'ȧ' < cedilla < ogonek < 'ø'-like stroke < macron), then
	// case and compatibility forms on the canonical decomposition (lowercase first: "a" <
	// "A"; 'ß' after "ss", "ﬁ" after "fi"). Strings are equal only if their canonical
	// decompositions (NFD, without reordering marks) are.
	Utf8mb40900ASCS Collation = &ucaCollation{name: "utf8mb4_0900_as_cs", ascii: &asciiUCA900, extra: ucaExtra900, levels: 3}
)

// asciiUCA400 and asciiUCA900 hold the primary weight (1..) of each ASCII character under
// MySQL's UCA 4.0.0 and 9.0.0 collations, letters case folded.
var asciiUCA400, asciiUCA900 [utf8.RuneSelf]int32

// ucaShift makes room between two ASCII weights: the weight of an ASCII character is its
// rank << ucaShift, so that the code points of a class (below) fit between two ranks.
const ucaShift = 21

// ucaExtra places a Latin letter without a decomposition right after a base letter.
type ucaExtra struct {
	base byte  // the ASCII letter it follows
	off  int32 // its place after the base letter (0: the base letter's weight)
}

// ucaExtra400 and ucaExtra900 are the letters MySQL's UCA 4.0.0 and 9.0.0 collations sort
// next to a base letter, by lowercase code point.
var (
	ucaExtra400 = map[rune]ucaExtra{
		'æ': {'a', 1}, 'đ': {'d', 1}, 'ð': {'d', 2}, 'ħ': {'h', 1}, 'ı': {'i', 1}, 'ł': {'l', 1},
		'ŋ': {'n', 1}, 'œ': {'o', 1}, 'ø': {'o', 2}, 'ĸ': {'q', 1}, 'ŧ': {'t', 1}, 'þ': {'z', 1},
	}
	ucaExtra900 = map[rune]ucaExtra{
		'æ': {'a', 1}, 'đ': {'d', 0}, 'ð': {'d', 0}, 'ħ': {'h', 0}, 'ı': {'i', 1}, 'ł': {'l', 0},
		'ŋ': {'n', 1}, 'œ': {'o', 1}, 'ø': {'o', 0}, 'ĸ': {'q', 1}, 'ŧ': {'t', 1}, 'þ': {'z', 1},
	}
)

func init() {
	rank := func(t *[utf8.RuneSelf]int32, groups ...string) {
		for i, g := range groups {
			for j := 0; j < len(g); j++ {
				t[g[j]] = int32(i + 1)
			}
		}
		for c := 'a'; c <= 'z'; c++ {
			t[c-'a'+'A'] = t[c]
		}
	}
	var controls []byte
	for c := byte(0); c < ' '; c++ {
		if c < '\t' || c > '\r' {
			controls = append(controls, c)
		}
	}
	controls = append(controls, 0x7F)
	groups := func(first []string, punct string) []string {
		g := append([]string{}, first...)
		for i := 0; i < len(punct); i++ {
			g = append(g, punct[i:i+1])
		}
		for c := '0'; c <= '9'; c++ {
			g = append(g, string(c))
		}
		for c := 'a'; c <= 'z'; c++ {
			g = append(g, string(c))
		}
		return g
	}
	// UCA 4.0.0: TAB..CR, then the space (and the controls MySQL ignores, which weigh as a
	// space here so that PAD SPACE ignores them at the end too), then punctuation.
	rank(&asciiUCA400, groups([]string{"\t", "\n", "\v", "\f", "\r", " " + string(controls)},
		"`^_-,;:!?.'\"()[]{}@*/\\&#%+<=>|~$")...)
	// UCA 9.0.0: the controls first (MySQL ignores them), TAB..CR, space, punctuation.
	rank(&asciiUCA900, groups([]string{string(controls), "\t", "\n", "\v", "\f", "\r", " "},
		"_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$")...)
}

// ucaCollation is a UCA approximation: see the variables above.
type ucaCollation struct {
	name          string
	ascii         *[utf8.RuneSelf]int32
	extra         map[rune]ucaExtra
	pad           bool // PAD SPACE
	supplementary bool // every code point above U+FFFF weighs as U+FFFD
	mb3           bool // utf8mb3: code points above U+FFFF are invalid
	levels        int  // 1 (0 means 1) or 3
}

func (c *ucaCollation) Name() string   { return c.name }
func (c *ucaCollation) Bytewise() bool { return false }

func (c *ucaCollation) Check(s []byte) error {
	if c.mb3 {
		return checkUTF8MB3(s)
	}
	return checkUTF8(s)
}

// checkUTF8MB3 accepts well-formed UTF-8 of code points up to U+FFFF (MySQL's utf8mb3).
func checkUTF8MB3(s []byte) error {
	if err := checkUTF8(s); err != nil {
		return err
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xF0 {
			return fmt.Errorf("code point above U+FFFF at byte %d (utf8mb3 holds U+0000..U+FFFF)", i)
		}
	}
	return nil
}

// weight returns the weight of code point r (already lowercased at the primary and
// secondary levels): see the classes above.
func (c *ucaCollation) weight(r rune) int32 {
	if r < utf8.RuneSelf {
		return c.ascii[r] << ucaShift
	}
	if r > 0xFFFF && c.supplementary {
		return c.otherWeight(utf8.RuneError)
	}
	if e, ok := c.extra[r]; ok {
		return c.ascii[e.base]<<ucaShift + e.off
	}
	switch {
	case unicode.IsDigit(r):
		return c.ascii['0'+digitValue(r)] << ucaShift
	case unicode.IsLetter(r), unicode.IsMark(r), unicode.IsNumber(r):
		return c.otherWeight(r)
	}
	// Symbols, punctuation, separators, controls: after the ASCII ones, before '0'.
	return c.ascii['$']<<ucaShift + 1 + r
}

// otherWeight is the weight of a code point of the last class: after every Latin letter.
func (c *ucaCollation) otherWeight(r rune) int32 {
	return (c.ascii['z']+1)<<ucaShift + r
}

// digitValue returns the value of a decimal digit (Unicode category Nd): the digits of a
// script are ten consecutive code points from its zero (runs of several scripts' digits,
// such as the mathematical ones, are whole tens).
func digitValue(r rune) byte {
	z := r
	for z > r-64 && unicode.IsDigit(z-1) {
		z--
	}
	return byte((r - z) % 10)
}

func (c *ucaCollation) Compare(a, b []byte) int {
	if bytes.Equal(a, b) {
		return 0
	}
	i := commonRunePrefix(a, b)
	a, b = a[i:], b[i:]
	// Fast path of the primary level over ASCII: each code point weighs on its own, so
	// equal ASCII weights may be skipped (the later levels start again at the prefix).
	j := 0
	for j < len(a) && j < len(b) {
		ca, cb := a[j], b[j]
		if ca|cb >= utf8.RuneSelf {
			break
		}
		if wa, wb := c.ascii[ca], c.ascii[cb]; wa != wb {
			return cmpWeight(wa, wb)
		}
		j++
	}
	if r := c.compareLevel(a[j:], b[j:], ucaPrimary); r != 0 || c.levels < 3 {
		return r
	}
	if r := c.compareLevel(a, b, ucaSecondary); r != 0 {
		return r
	}
	return compareTertiary(a, b)
}

// compareLevel compares the weights of a and b at the primary or secondary level.
func (c *ucaCollation) compareLevel(a, b []byte, level ucaLevel) int {
	ia, ib := ucaIter{s: a, level: level, extra: c.extra}, ucaIter{s: b, level: level, extra: c.extra}
	for {
		ra, rb := ia.next(), ib.next()
		if ra < 0 || rb < 0 {
			switch {
			case ra == rb:
				return 0
			case !c.pad:
				if ra < 0 {
					return -1
				}
				return 1
			case ra < 0:
				return -c.padTail(rb, &ib)
			default:
				return c.padTail(ra, &ia)
			}
		}
		wa, wb := c.weight(ra), c.weight(rb)
		if level == ucaSecondary {
			wa, wb = c.secondaryWeight(ra, wa), c.secondaryWeight(rb, wb)
		}
		if wa != wb {
			return cmpWeight(wa, wb)
		}
	}
}

// padTail compares the rest of a string, starting with rune r, with spaces (PAD SPACE).
func (c *ucaCollation) padTail(r rune, it *ucaIter) int {
	space := c.weight(' ')
	for ; r >= 0; r = it.next() {
		if w := c.weight(r); w != space {
			return cmpWeight(w, space)
		}
	}
	return 0
}

func cmpWeight(a, b int32) int {
	if a < b {
		return -1
	}
	return 1
}

// compareTertiary compares the canonical decompositions of a and b code point by code
// point, a lowercase letter before its other cases: the key of r is (lower(r), r !=
// lower(r), r).
func compareTertiary(a, b []byte) int {
	ia, ib := ucaIter{s: a, level: ucaTertiary}, ucaIter{s: b, level: ucaTertiary}
	for {
		ra, rb := ia.next(), ib.next()
		if ra == rb {
			if ra < 0 {
				return 0
			}
			continue
		}
		if ra < 0 {
			return -1
		}
		if rb < 0 {
			return 1
		}
		la, lb := unicode.ToLower(ra), unicode.ToLower(rb)
		if la != lb {
			return cmpRune(la, lb)
		}
		if ua, ub := ra != la, rb != lb; ua != ub {
			if ua {
				return 1
			}
			return -1
		}
		return cmpRune(ra, rb)
	}
}

type ucaLevel uint8

const (
	ucaPrimary   ucaLevel = iota // NFKD, diacritics dropped, case folded, 'ß' as "ss"
	ucaSecondary                 // NFKD, diacritics kept, case folded, 'ß' as "ss"
	ucaTertiary                  // NFD, as is
)

// ucaIter yields the code points of a string at one level, -1 at the end.
type ucaIter struct {
	s     []byte  // input not yet decomposed
	dec   []byte  // rest of the current decomposition
	pend  [2]rune // code points already produced, pend[0] first
	npend int
	level ucaLevel
	extra map[rune]ucaExtra // the collation's letters next to a base letter
}

// Pseudo combining marks the secondary level gives the letters that weigh as their base
// letter at the primary level: 'ø', 'ł', 'đ', 'ħ' (a stroke) and 'ð' (after the stroke).
const (
	strokeMark = 0x0335
	ethMark    = 0x0336
)

// markOrder lists combining marks in the order of their UCA secondary weights (acute
// first, as MySQL's 0900 collations); marks not listed follow, by code point.
var markOrder = map[rune]int32{
	0x0301: 1, 0x0300: 2, 0x0306: 3, 0x0302: 4, 0x030C: 5, 0x030A: 6, 0x0308: 7, 0x030B: 8,
	0x0303: 9, 0x0307: 10, 0x0327: 11, 0x0328: 12, strokeMark: 13, ethMark: 14, 0x0304: 15,
}

// secondaryWeight returns the secondary-level weight of r, whose primary-style weight is w:
// combining marks in markOrder, after every letter.
func (c *ucaCollation) secondaryWeight(r rune, w int32) int32 {
	if r < 0x0300 || !unicode.IsMark(r) {
		return w
	}
	if k, ok := markOrder[r]; ok {
		return c.otherWeight(0) + k
	}
	return c.otherWeight(0) + 0x100 + r
}

func (it *ucaIter) next() rune {
	for {
		if it.npend > 0 {
			r := it.pend[0]
			it.pend[0] = it.pend[1]
			it.npend--
			return r
		}
		var r rune
		switch {
		case len(it.dec) > 0:
			var n int
			r, n = utf8.DecodeRune(it.dec)
			it.dec = it.dec[n:]
		case len(it.s) == 0:
			return -1
		case it.s[0] < utf8.RuneSelf:
			c := it.s[0]
			it.s = it.s[1:]
			if it.level == ucaTertiary {
				return rune(c)
			}
			return asciiLower[c]
		default:
			var p norm.Properties
			if it.level == ucaTertiary {
				p = norm.NFD.Properties(it.s)
			} else {
				p = norm.NFKD.Properties(it.s)
			}
			if d := p.Decomposition(); d != nil && p.Size() > 0 {
				it.dec = d
				it.s = it.s[p.Size():]
				continue
			}
			var n int
			r, n = utf8.DecodeRune(it.s)
			it.s = it.s[n:]
			if r >= hangulSBase && r < hangulSBase+hangulSCount {
				si := r - hangulSBase
				it.pend[0] = hangulVBase + (si%hangulNCount)/hangulTCount
				it.npend = 1
				if t := si % hangulTCount; t != 0 {
					it.pend[1] = hangulTBase + t
					it.npend = 2
				}
				return hangulLBase + si/hangulNCount
			}
		}
		if it.level == ucaTertiary {
			return r
		}
		if r < utf8.RuneSelf {
			return asciiLower[r]
		}
		if it.level == ucaPrimary && isDiacritic(r) {
			continue
		}
		if it.level == ucaSecondary {
			if e, ok := it.extra[unicode.ToLower(r)]; ok && e.off == 0 {
				it.pend[0] = strokeMark
				if unicode.ToLower(r) == 'ð' {
					it.pend[0] = ethMark
				}
				it.npend = 1
				return rune(e.base)
			}
		}
		switch r {
		case 'ß', 'ẞ':
			it.pend[0] = 's'
			it.npend = 1
			return 's'
		case 'ς':
			return 'σ'
		}
		return unicode.ToLower(r)
	}
}

// Utf8mb3 variants of the utf8mb4 collations: the same order, on strings of code points
// up to U+FFFF.
var (
	// Utf8mb3Bin ("utf8mb3_bin") is Utf8mb4Bin on utf8mb3.
	Utf8mb3Bin Collation = utf8mb3Bin{}
	// Utf8mb3GeneralCI ("utf8mb3_general_ci", MySQL 5's utf8_general_ci) is
	// Utf8mb4GeneralCI on utf8mb3.
	Utf8mb3GeneralCI Collation = utf8mb3GeneralCI{}
)

type utf8mb3Bin struct{ utf8mb4Bin }

func (utf8mb3Bin) Name() string         { return "utf8mb3_bin" }
func (utf8mb3Bin) Check(s []byte) error { return checkUTF8MB3(s) }

type utf8mb3GeneralCI struct{ utf8mb4GeneralCI }

func (utf8mb3GeneralCI) Name() string         { return "utf8mb3_general_ci" }
func (utf8mb3GeneralCI) Check(s []byte) error { return checkUTF8MB3(s) }

// The utf16 and utf32 collations: the SQL layer holds their strings in UTF-8 too, and they
// order as the utf8mb4 collation of the same kind (MySQL uses the same weights).
var (
	// Utf16UnicodeCI ("utf16_unicode_ci") and Utf32UnicodeCI ("utf32_unicode_ci") are
	// Utf8mb4UnicodeCI.
	Utf16UnicodeCI Collation = &ucaCollation{name: "utf16_unicode_ci", ascii: &asciiUCA400, extra: ucaExtra400, pad: true, supplementary: true}
	Utf32UnicodeCI Collation = &ucaCollation{name: "utf32_unicode_ci", ascii: &asciiUCA400, extra: ucaExtra400, pad: true, supplementary: true}
	// Utf16GeneralCI ("utf16_general_ci", utf16's default) and Utf32GeneralCI
	// ("utf32_general_ci") are Utf8mb4GeneralCI.
	Utf16GeneralCI Collation = namedGeneralCI{name: "utf16_general_ci"}
	Utf32GeneralCI Collation = namedGeneralCI{name: "utf32_general_ci"}
)

type namedGeneralCI struct {
	utf8mb4GeneralCI
	name string
}

func (c namedGeneralCI) Name() string { return c.name }
