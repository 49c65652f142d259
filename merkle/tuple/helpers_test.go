package tuple

import (
	"flag"
	"math/rand/v2"
	"testing"
	"time"
)

var seedFlag = flag.Uint64("seed", 0, "seed for randomized tests (0: derive from the clock)")

// newRand returns a seeded generator and logs the seed so that a failure can be replayed
// with -seed.
func newRand(t testing.TB) *rand.Rand {
	t.Helper()
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -seed=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))
}

func mustDesc(t testing.TB, fields ...Field) Desc {
	t.Helper()
	d, err := NewDesc(fields...)
	if err != nil {
		t.Fatalf("NewDesc: %v", err)
	}
	return d
}

// build builds a tuple from Go values (nil for NULL) and checks that it validates.
func build(t testing.TB, d Desc, vals ...any) Tuple {
	t.Helper()
	tup, err := buildErr(d, vals...)
	if err != nil {
		t.Fatalf("Build(%v): %v", vals, err)
	}
	if err := d.Validate(tup); err != nil {
		t.Fatalf("Validate(Build(%v)) = %v; bytes %x", vals, err, []byte(tup))
	}
	return tup
}

func buildErr(d Desc, vals ...any) (Tuple, error) {
	b := NewBuilder(d)
	for i, v := range vals {
		b.Put(i, v)
	}
	return b.Build()
}

func nn(enc Encoding) Field { return Field{Enc: enc} }
func nl(enc Encoding) Field { return Field{Enc: enc, Nullable: true} }

func str(c Collation, nullable bool) Field {
	return Field{Enc: StringEnc, Collation: c, Nullable: nullable}
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}
