// Package hash defines dsql's content address: a fixed-size digest of a chunk's bytes.
//
// # Invariants
//
//   - Content addressing: Of(b) depends only on b. Two chunks with equal bytes have equal
//     hashes; the chance of two different chunks sharing a hash is negligible (160 bits of
//     SHA-512/256).
//   - Sortable text form: String encodes a Hash in 32 characters of base32 with the alphabet
//     "0123456789abcdefghijklmnopqrstuv", so the text forms of two hashes sort in the same
//     order as their bytes (see Compare).
//   - Parse errors are errors: Parse never returns a zero Hash together with a nil error for
//     malformed input; it reports what was wrong.
//
// The zero Hash (all bytes zero) is reserved as "no hash" (an absent ref, an empty optional
// child); IsEmpty reports it. No chunk's bytes hash to it in practice.
package hash

import (
	"bytes"
	"crypto/sha512"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
)

// ByteLen is the size of a Hash in bytes.
const ByteLen = 20

// StringLen is the length of a Hash's text form.
const StringLen = 32

// alphabet is base32hex in lower case: its characters are in ascending ASCII order, which
// makes the text form sort like the bytes.
const alphabet = "0123456789abcdefghijklmnopqrstuv"

var encoding = base32.NewEncoding(alphabet).WithPadding(base32.NoPadding)

// Hash is a content address. It is a value type: copy it freely; it is safe for concurrent
// use because it is never mutated through a shared reference.
type Hash [ByteLen]byte

// ErrInvalid is returned (wrapped) by Parse for malformed text.
var ErrInvalid = errors.New("hash: invalid hash text")

// Of returns the content address of data: the first 20 bytes of SHA-512/256(data).
func Of(data []byte) Hash {
	sum := sha512.Sum512_256(data)
	var h Hash
	copy(h[:], sum[:ByteLen])
	return h
}

// New returns the Hash held in b, which must be exactly ByteLen bytes.
func New(b []byte) (Hash, error) {
	var h Hash
	if len(b) != ByteLen {
		return h, fmt.Errorf("%w: %d bytes, want %d", ErrInvalid, len(b), ByteLen)
	}
	copy(h[:], b)
	return h, nil
}

// Parse decodes the 32-character text form produced by String.
func Parse(s string) (Hash, error) {
	var h Hash
	if len(s) != StringLen {
		return h, fmt.Errorf("%w: %q has %d characters, want %d", ErrInvalid, s, len(s), StringLen)
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(alphabet, s[i]) < 0 {
			return h, fmt.Errorf("%w: %q has character %q at position %d (allowed: 0-9, a-v)", ErrInvalid, s, s[i], i)
		}
	}
	n, err := encoding.Decode(h[:], []byte(s))
	if err != nil || n != ByteLen {
		return Hash{}, fmt.Errorf("%w: %q: %v", ErrInvalid, s, err)
	}
	return h, nil
}

// MaybeParse is Parse that reports success as a bool, for callers that try several
// interpretations of a string (a revision may be a branch name or a hash).
func MaybeParse(s string) (Hash, bool) {
	h, err := Parse(s)
	return h, err == nil
}

// String returns the 32-character sortable text form.
func (h Hash) String() string { return encoding.EncodeToString(h[:]) }

// IsEmpty reports whether h is the zero Hash.
func (h Hash) IsEmpty() bool { return h == Hash{} }

// Compare orders hashes by their bytes (and so by their text forms).
func (h Hash) Compare(o Hash) int { return bytes.Compare(h[:], o[:]) }

// Less reports whether h sorts before o.
func (h Hash) Less(o Hash) bool { return h.Compare(o) < 0 }

// Set is a set of hashes. It is not safe for concurrent mutation.
type Set map[Hash]struct{}

// NewSet returns a Set holding hs.
func NewSet(hs ...Hash) Set {
	s := make(Set, len(hs))
	for _, h := range hs {
		s[h] = struct{}{}
	}
	return s
}

// Add inserts h.
func (s Set) Add(h Hash) { s[h] = struct{}{} }

// Has reports whether h is in s.
func (s Set) Has(h Hash) bool { _, ok := s[h]; return ok }
