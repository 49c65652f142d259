package prolly

import (
	"math"

	"github.com/cespare/xxhash/v2"
)

// Split rule (see the package doc, "History independence").
//
// Entries are added to a node in key order. After adding an entry the node's running size S
// (the encoded size of its entries) is compared with the size before the entry, S0:
//
//   - S < MinNodeSize: never a boundary;
//   - S >= ForceNodeSize: always a boundary (the hard maximum);
//   - otherwise a boundary iff H(key, level) < P(S0, S) * 2^32, where H is a 32-bit hash of
//     the entry's key salted by the tree level, and P is the probability that a node whose
//     size is Weibull(k=4, λ=weibullScale)-distributed ends between S0 and S given that it
//     did not end before S0: P = 1 - exp((S0/λ)^k - (S/λ)^k).
//
// The hash depends on the key only, so the boundary decision for an entry depends on its key
// and the sizes of the entries since the previous boundary; a value update that keeps the
// value's size never moves a boundary. After a boundary the state is empty, which is what
// lets the Editor re-chunk from the start of any node and stop as soon as a new boundary
// falls on an old one.
const (
	// TargetNodeSize is the mean encoded node size the rule aims for.
	TargetNodeSize = 4096
	// MinNodeSize is the smallest size at which a node may end (the last node of a level
	// may be smaller).
	MinNodeSize = 512
	// ForceNodeSize forces a boundary: a node's entries sum to at most ForceNodeSize plus
	// the size of its last entry.
	ForceNodeSize = 16384
	// MaxEntrySize bounds one key plus value. Larger values must be stored out of line by
	// the caller (the SQL layer stores large TEXT/BLOB values as separate chunks).
	MaxEntrySize = 64 << 10
	// MaxNodeSize is the largest encoded node the rule can produce: ForceNodeSize of entries,
	// one more entry, and the node header.
	MaxNodeSize = ForceNodeSize + MaxEntrySize + 16

	weibullScale = 4400.0
)

// levelSalt makes each level choose different boundaries from the same keys.
func levelSalt(level int) uint64 {
	return 0x9e3779b97f4a7c15 * uint64(level+1)
}

// keyHash returns the 32-bit boundary hash of key at level.
func keyHash(key []byte, level int) uint32 {
	h := xxhash.Sum64(key) ^ levelSalt(level)
	// splitmix64 finalizer: spreads the salt through every bit.
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return uint32(h >> 32)
}

// isBoundary applies the split rule to an entry that took the node from size s0 to s.
func isBoundary(key []byte, level, s0, s int) bool {
	if s < MinNodeSize {
		return false
	}
	if s >= ForceNodeSize {
		return true
	}
	a := float64(s0) / weibullScale
	b := float64(s) / weibullScale
	a *= a
	b *= b
	x := b*b - a*a // p = 1 - exp(-x) below
	h := float64(keyHash(key, level))
	// Fast reject, exact: 1 - exp(-x) <= x for x >= 0, so a hash at or above x * 2^32
	// (with a margin far wider than the rounding of either side) is never below p. It
	// spares the exp for nearly every entry, whose p is small.
	if h >= (x*(1+1e-6)+1e-9)*(1<<32) {
		return false
	}
	p := 1 - math.Exp(a*a-b*b) // k = 4

	return h < p*(1<<32)
}
