package tuple

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Collation orders the values of a String field. Implementations must be safe for
// concurrent use, must not retain their arguments, and must define a total preorder
// (Compare may return 0 for different bytes, e.g. "abc" and "ABC" under a case-insensitive
// collation) that never changes: a collation's order is part of every stored tree that uses
// it (see "Stability" in the package documentation).
//
// The SQL layer may register further collations (e.g. those of go-mysql-server) with
// RegisterCollation; the built-ins below are always available.
type Collation interface {
	// Name is the MySQL collation name, e.g. "utf8mb4_0900_ai_ci".
	Name() string
	// Compare returns -1, 0 or +1 as a sorts before, equal to or after b. It must not
	// panic on any input, including bytes Check refuses.
	Compare(a, b []byte) int
	// Check returns nil if s is a valid string of the collation's character set (e.g.
	// well-formed UTF-8 for utf8mb4); Builder and Validate refuse strings it rejects.
	Check(s []byte) error
	// Bytewise reports whether Compare(a, b) == bytes.Compare(a, b) for all valid a and b
	// (binary, utf8mb4_0900_bin). It enables Compare's memcmp fast path.
	Bytewise() bool
}

// The built-in collations.
var (
	// BinaryCollation ("binary") compares bytes; any bytes are valid.
	BinaryCollation Collation = binaryCollation{}
	// Utf8mb4Bin ("utf8mb4_bin") compares code points (UTF-8 bytes) with PAD SPACE: the
	// shorter string is treated as if padded with spaces, so "a" == "a " and "a\t" < "a".
	Utf8mb4Bin Collation = utf8mb4Bin{}
	// Utf8mb40900Bin ("utf8mb4_0900_bin") compares UTF-8 bytes, NO PAD: "a" < "a ".
	Utf8mb40900Bin Collation = utf8mb40900Bin{}
	// Utf8mb4GeneralCI ("utf8mb4_general_ci") compares one weight per code point, PAD
	// SPACE. The weight is the simple uppercase mapping of the code point, except that
	// Latin letters with diacritics in U+00C0..U+024F weigh as their base letter (as in
	// MySQL's table: 'é' == 'E'), 'ß' weighs as 'S', and every code point above U+FFFF
	// weighs U+FFFD. This approximates MySQL's tables beyond Latin-1.
	Utf8mb4GeneralCI Collation = utf8mb4GeneralCI{}
	// Utf8mb40900AICI ("utf8mb4_0900_ai_ci", MySQL 8's default) is case- and
	// accent-insensitive, NO PAD. It approximates the UCA 9.0.0 primary level: each string
	// is decomposed with NFKD (so "ﬁ" == "fi", "Ａ" == "a"; Hangul syllables into jamo),
	// combining diacritical marks (U+0300..U+036F, U+1AB0..U+1AFF, U+1DC0..U+1DFF,
	// U+20D0..U+20FF, U+FE20..U+FE2F, U+3099..U+309A) are dropped, each remaining code point
	// is lowercased (simple mapping; 'ß' and 'ẞ' become "ss", 'ς' becomes 'σ'), and the
	// resulting code point sequences are compared. Equality classes match MySQL for Latin,
	// Greek and Cyrillic text; the order between different base letters is by code point,
	// not by DUCET weights (MySQL sorts punctuation before digits before letters, e.g.
	// '{' < 'a'; here '{' > 'z'), and characters the UCA ignores (controls) are not ignored.
	Utf8mb40900AICI Collation = utf8mb40900AICI{}
)

var collations = struct {
	sync.RWMutex
	m map[string]Collation
}{m: map[string]Collation{}}

func init() {
	for _, c := range []Collation{BinaryCollation, Utf8mb4Bin, Utf8mb40900Bin, Utf8mb4GeneralCI, Utf8mb40900AICI,
		Utf8mb4UnicodeCI, Utf8mb3UnicodeCI, Utf8mb40900ASCS, Utf8mb3Bin, Utf8mb3GeneralCI,
		Latin1SwedishCI, Latin1Bin, ASCIIGeneralCI, ASCIIBin,
		Utf16UnicodeCI, Utf32UnicodeCI, Utf16GeneralCI, Utf32GeneralCI} {
		collations.m[c.Name()] = c
	}
}

// CollationByName returns the registered collation with the given MySQL name (case
// insensitive). It is safe for concurrent use.
func CollationByName(name string) (Collation, bool) {
	collations.RLock()
	defer collations.RUnlock()
	c, ok := collations.m[strings.ToLower(name)]
	return c, ok
}

// RegisterCollation makes c available to CollationByName. It refuses a name that is
// already registered: a collation's order must never change once trees depend on it. It is
// safe for concurrent use.
func RegisterCollation(c Collation) error {
	if c == nil || c.Name() == "" {
		return fmt.Errorf("%w: collation without a name", ErrInvalidDesc)
	}
	name := strings.ToLower(c.Name())
	collations.Lock()
	defer collations.Unlock()
	if _, ok := collations.m[name]; ok {
		return fmt.Errorf("%w: collation %q already registered", ErrInvalidDesc, name)
	}
	collations.m[name] = c
	return nil
}

func checkUTF8(s []byte) error {
	if utf8.Valid(s) {
		return nil
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 {
			return fmt.Errorf("invalid UTF-8 at byte %d", i)
		}
		i += n
	}
	return fmt.Errorf("invalid UTF-8")
}

type binaryCollation struct{}

func (binaryCollation) Name() string            { return "binary" }
func (binaryCollation) Compare(a, b []byte) int { return bytes.Compare(a, b) }
func (binaryCollation) Check([]byte) error      { return nil }
func (binaryCollation) Bytewise() bool          { return true }

type utf8mb40900Bin struct{}

func (utf8mb40900Bin) Name() string            { return "utf8mb4_0900_bin" }
func (utf8mb40900Bin) Compare(a, b []byte) int { return bytes.Compare(a, b) }
func (utf8mb40900Bin) Check(s []byte) error    { return checkUTF8(s) }
func (utf8mb40900Bin) Bytewise() bool          { return true }

type utf8mb4Bin struct{}

func (utf8mb4Bin) Name() string         { return "utf8mb4_bin" }
func (utf8mb4Bin) Check(s []byte) error { return checkUTF8(s) }
func (utf8mb4Bin) Bytewise() bool       { return false }

// Compare compares bytes (UTF-8 byte order is code point order) with PAD SPACE: past the
// common length, the longer string's first byte that is not a space decides.
func (utf8mb4Bin) Compare(a, b []byte) int {
	n := min(len(a), len(b))
	if c := bytes.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	if len(a) > n {
		return tailVsSpace(a[n:])
	}
	if len(b) > n {
		return -tailVsSpace(b[n:])
	}
	return 0
}

// tailVsSpace compares t with a string of len(t) spaces.
func tailVsSpace(t []byte) int {
	for _, c := range t {
		if c != ' ' {
			if c < ' ' {
				return -1
			}
			return 1
		}
	}
	return 0
}

type utf8mb4GeneralCI struct{}

func (utf8mb4GeneralCI) Name() string         { return "utf8mb4_general_ci" }
func (utf8mb4GeneralCI) Check(s []byte) error { return checkUTF8(s) }
func (utf8mb4GeneralCI) Bytewise() bool       { return false }

// asciiUpper and asciiLower map each ASCII byte to its case-folded weight.
var asciiUpper, asciiLower [128]rune

// generalLatin holds the utf8mb4_general_ci weight of U+0080..U+024F.
var generalLatin [0x250]rune

func init() {
	for c := rune(0); c < 128; c++ {
		asciiUpper[c], asciiLower[c] = c, c
		if c >= 'a' && c <= 'z' {
			asciiUpper[c] = c - 'a' + 'A'
		}
		if c >= 'A' && c <= 'Z' {
			asciiLower[c] = c - 'A' + 'a'
		}
	}
	var buf [utf8.UTFMax]byte
	for r := rune(0); r < rune(len(generalLatin)); r++ {
		w := unicode.ToUpper(r)
		if r >= 0xC0 {
			n := utf8.EncodeRune(buf[:], r)
			if d := norm.NFD.Properties(buf[:n]).Decomposition(); d != nil {
				base, _ := utf8.DecodeRune(d)
				w = unicode.ToUpper(base)
			}
		}
		if r == 'ß' {
			w = 'S'
		}
		generalLatin[r] = w
	}
}

func generalWeight(s []byte) (rune, int) {
	if c := s[0]; c < utf8.RuneSelf {
		return asciiUpper[c], 1
	}
	r, n := utf8.DecodeRune(s)
	switch {
	case r < rune(len(generalLatin)):
		return generalLatin[r], n
	case r > 0xFFFF:
		return utf8.RuneError, n
	}
	return unicode.ToUpper(r), n
}

func (utf8mb4GeneralCI) Compare(a, b []byte) int {
	i := commonRunePrefix(a, b)
	for i < len(a) && i < len(b) {
		ca, cb := a[i], b[i]
		if ca|cb >= utf8.RuneSelf {
			break
		}
		if ca != cb {
			if wa, wb := asciiUpper[ca], asciiUpper[cb]; wa != wb {
				return cmpRune(wa, wb)
			}
		}
		i++
	}
	a, b = a[i:], b[i:]
	for len(a) > 0 && len(b) > 0 {
		wa, na := generalWeight(a)
		wb, nb := generalWeight(b)
		if wa != wb {
			return cmpRune(wa, wb)
		}
		a, b = a[na:], b[nb:]
	}
	// PAD SPACE: compare the rest of the longer string with spaces.
	if len(a) > 0 {
		return generalTail(a)
	}
	if len(b) > 0 {
		return -generalTail(b)
	}
	return 0
}

func generalTail(t []byte) int {
	for len(t) > 0 {
		w, n := generalWeight(t)
		if w != ' ' {
			return cmpRune(w, ' ')
		}
		t = t[n:]
	}
	return 0
}

// commonRunePrefix returns the length of the longest common prefix of a and b that ends on
// a rune boundary. The CI collations weigh each rune on its own, so equal leading runes
// have equal weights and comparison may start after them.
func commonRunePrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+8 <= n && binary.LittleEndian.Uint64(a[i:]) == binary.LittleEndian.Uint64(b[i:]) {
		i += 8
	}
	for i < n && a[i] == b[i] {
		i++
	}
	// Back up to the start of the rune that differs (a continuation byte is 10xxxxxx).
	for i > 0 && ((i < len(a) && a[i]&0xC0 == 0x80) || (i < len(b) && b[i]&0xC0 == 0x80)) {
		i--
	}
	return i
}

func cmpRune(a, b rune) int {
	if a < b {
		return -1
	}
	return 1
}

type utf8mb40900AICI struct{}

func (utf8mb40900AICI) Name() string         { return "utf8mb4_0900_ai_ci" }
func (utf8mb40900AICI) Check(s []byte) error { return checkUTF8(s) }
func (utf8mb40900AICI) Bytewise() bool       { return false }

func (utf8mb40900AICI) Compare(a, b []byte) int {
	i := commonRunePrefix(a, b)
	for i < len(a) && i < len(b) {
		ca, cb := a[i], b[i]
		if ca|cb >= utf8.RuneSelf {
			break
		}
		if ca != cb {
			if wa, wb := asciiLower[ca], asciiLower[cb]; wa != wb {
				return cmpRune(wa, wb)
			}
		}
		i++
	}
	ia, ib := aiIter{s: a[i:]}, aiIter{s: b[i:]}
	for {
		ra, rb := ia.next(), ib.next()
		if ra != rb {
			return cmpRune(ra, rb)
		}
		if ra < 0 {
			return 0
		}
	}
}

const (
	hangulSBase  = 0xAC00
	hangulLBase  = 0x1100
	hangulVBase  = 0x1161
	hangulTBase  = 0x11A7
	hangulTCount = 28
	hangulNCount = 21 * hangulTCount
	hangulSCount = 19 * hangulNCount
)

// aiIter yields the utf8mb4_0900_ai_ci weights of a string, -1 at the end.
type aiIter struct {
	s     []byte  // input not yet decomposed
	dec   []byte  // rest of the current NFKD decomposition
	pend  [2]rune // weights already produced, pend[0] first
	npend int
}

func (it *aiIter) next() rune {
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
			return asciiLower[c]
		default:
			p := norm.NFKD.Properties(it.s)
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
		if r < utf8.RuneSelf {
			return asciiLower[r]
		}
		if isDiacritic(r) {
			continue
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

func isDiacritic(r rune) bool {
	switch {
	case r >= 0x0300 && r <= 0x036F, r >= 0x1AB0 && r <= 0x1AFF, r >= 0x1DC0 && r <= 0x1DFF,
		r >= 0x20D0 && r <= 0x20FF, r >= 0xFE20 && r <= 0xFE2F, r == 0x3099, r == 0x309A:
		return true
	}
	return false
}
