package prolly

import (
	"encoding/binary"
	"math"
	"math/rand"
	"testing"
)

// isBoundaryExact is the split rule as written in the package doc, without isBoundary's
// fast reject.
func isBoundaryExact(key []byte, level, s0, s int) bool {
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
	p := 1 - math.Exp(a*a-b*b)
	return float64(keyHash(key, level)) < p*(1<<32)
}

// TestBoundaryFastRejectIsExact checks that isBoundary decides exactly as the rule does
// (a different decision would change stored trees): every start size with a range of
// entry sizes, and random cases, at several levels.
func TestBoundaryFastRejectIsExact(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed))
	key := make([]byte, 8)
	check := func(level, s0, s int) {
		binary.BigEndian.PutUint64(key, r.Uint64())
		if got, want := isBoundary(key, level, s0, s), isBoundaryExact(key, level, s0, s); got != want {
			t.Fatalf("key %x level %d s0 %d s %d: isBoundary %v, rule %v", key, level, s0, s, got, want)
		}
	}
	sizes := []int{1, 2, 3, 5, 8, 13, 21, 30, 64, 100, 300, 1000, 5000}
	boundaries := 0
	for s0 := 0; s0 <= ForceNodeSize; s0++ {
		for _, d := range sizes {
			check(s0%3, s0, s0+d)
		}
	}
	for i := 0; i < 2_000_000; i++ {
		s0 := r.Intn(ForceNodeSize)
		s := s0 + 1 + r.Intn(200)
		if r.Intn(10) == 0 {
			s = s0 + 1 + r.Intn(MaxEntrySize)
		}
		check(r.Intn(4), s0, s)
		if isBoundaryExact(key, 0, s0, s) {
			boundaries++
		}
	}
	if boundaries == 0 {
		t.Fatal("no boundary at all: the test does not exercise the rule")
	}
}
