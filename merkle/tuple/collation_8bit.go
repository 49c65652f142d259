package tuple

import (
	"unicode/utf8"
)

// Collations of MySQL's single-byte character sets. The SQL layer holds their strings in
// UTF-8 like every other string, so a String field with one of these collations stores
// UTF-8; the order is MySQL's order of the character set's bytes. latin1 is MySQL's latin1,
// i.e. Windows code page 1252 (with 0x81, 0x8D, 0x8F, 0x90 and 0x9D as U+0081 and so on).
// A code point outside the character set (which MySQL would not store) weighs more than
// every character of it, in code point order. All four are PAD SPACE.
var (
	// Latin1SwedishCI ("latin1_swedish_ci", MySQL 5's default) is case-insensitive and
	// folds most accented letters to their base letter, except the Swedish and Finnish
	// letters: 'Å' sorts with '[', 'Ä' and 'Æ' with '\', 'Ö' with ']' (all after 'Z'),
	// 'Ü' and 'Ý' with 'Y'; 'Ø', 'Þ', 'ß', 'ÿ', '×' and '÷' are letters of their own
	// after those. Other bytes weigh as themselves, shifted down past the lowercase letters.
	Latin1SwedishCI Collation = &sbCollation{name: "latin1_swedish_ci", w: &latin1SwedishWeights, last: 0xFF}
	// Latin1Bin ("latin1_bin") compares the latin1 bytes.
	Latin1Bin Collation = &sbCollation{name: "latin1_bin", w: &latin1BinWeights, last: 0xFF}
	// ASCIIGeneralCI ("ascii_general_ci") folds the case of ASCII letters.
	ASCIIGeneralCI Collation = &sbCollation{name: "ascii_general_ci", w: &asciiCIWeights, last: 0x7F}
	// ASCIIBin ("ascii_bin") compares the ASCII bytes.
	ASCIIBin Collation = &sbCollation{name: "ascii_bin", w: &asciiBinWeights, last: 0x7F}
)

// cp1252High maps the bytes 0x80..0x9F of Windows code page 1252 to code points.
var cp1252High = [32]rune{
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
}

// latin1Byte returns the latin1 byte of r.
func latin1Byte(r rune) (byte, bool) {
	switch {
	case r < 0x80 || (r >= 0xA0 && r <= 0xFF):
		return byte(r), true
	case r > 0xFFFF:
		return 0, false
	}
	for i, c := range cp1252High {
		if c == r {
			return byte(0x80 + i), true
		}
	}
	return 0, false
}

// The weight of each byte of the character set (bytes past sbCollation.last are unused).
var latin1SwedishWeights, latin1BinWeights, asciiCIWeights, asciiBinWeights [256]int32

func init() {
	for b := 0; b < 256; b++ {
		latin1BinWeights[b] = int32(b)
		if b < 0x80 {
			asciiBinWeights[b] = int32(b)
			asciiCIWeights[b] = int32(b)
			if b >= 'a' && b <= 'z' {
				asciiCIWeights[b] = int32(b - 'a' + 'A')
			}
		}
		w := int32(b)
		switch {
		case b >= 'a' && b <= 'z':
			w = int32(b - 'a' + 'A')
		case b >= '{' && b < 0xC0:
			w = int32(b - 26)
		}
		latin1SwedishWeights[b] = w
	}
	// The letters 0xC0..0xFF, uppercase and lowercase (lowercase = uppercase + 0x20).
	const afterLetters = 0xBF - 26 // the weight of 0xBF, the last byte before the letters
	upper := map[rune]int32{
		'À': 'A', 'Á': 'A', 'Â': 'A', 'Ã': 'A', 'Ä': '\\', 'Å': '[', 'Æ': '\\', 'Ç': 'C',
		'È': 'E', 'É': 'E', 'Ê': 'E', 'Ë': 'E', 'Ì': 'I', 'Í': 'I', 'Î': 'I', 'Ï': 'I',
		'Ð': 'D', 'Ñ': 'N', 'Ò': 'O', 'Ó': 'O', 'Ô': 'O', 'Õ': 'O', 'Ö': ']',
		'Ø': afterLetters + 2, 'Ù': 'U', 'Ú': 'U', 'Û': 'U', 'Ü': 'Y', 'Ý': 'Y', 'Þ': afterLetters + 3,
	}
	for r, w := range upper {
		latin1SwedishWeights[r] = w
		latin1SwedishWeights[r+0x20] = w
	}
	latin1SwedishWeights[0xD7] = afterLetters + 1 // ×
	latin1SwedishWeights[0xDF] = afterLetters + 4 // ß
	latin1SwedishWeights[0xF7] = afterLetters + 5 // ÷
	latin1SwedishWeights[0xFF] = afterLetters + 6 // ÿ
}

// sbCollation orders strings of a single-byte character set by a weight per byte, PAD
// SPACE.
type sbCollation struct {
	name string
	w    *[256]int32
	last byte // the largest byte of the character set: 0x7F for ASCII, 0xFF for latin1
}

func (c *sbCollation) Name() string         { return c.name }
func (c *sbCollation) Check(s []byte) error { return checkUTF8(s) }
func (c *sbCollation) Bytewise() bool       { return false }

// weight returns the weight of the first rune of s and its length.
func (c *sbCollation) weight(s []byte) (int32, int) {
	if s[0] < utf8.RuneSelf {
		return c.w[s[0]], 1
	}
	r, n := utf8.DecodeRune(s)
	if b, ok := latin1Byte(r); ok && b <= c.last {
		return c.w[b], n
	}
	return 0x100 + r, n
}

func (c *sbCollation) Compare(a, b []byte) int {
	i := commonRunePrefix(a, b)
	a, b = a[i:], b[i:]
	for len(a) > 0 && len(b) > 0 {
		wa, na := c.weight(a)
		wb, nb := c.weight(b)
		if wa != wb {
			return cmpWeight(wa, wb)
		}
		a, b = a[na:], b[nb:]
	}
	if len(a) > 0 {
		return c.tail(a)
	}
	if len(b) > 0 {
		return -c.tail(b)
	}
	return 0
}

// tail compares t with spaces.
func (c *sbCollation) tail(t []byte) int {
	space := c.w[' ']
	for len(t) > 0 {
		w, n := c.weight(t)
		if w != space {
			return cmpWeight(w, space)
		}
		t = t[n:]
	}
	return 0
}
