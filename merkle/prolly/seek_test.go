package prolly

import (
	"context"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/dsqldb/dsql/storage/memstore"
)

func TestIterFromAndBackFrom(t *testing.T) {
	ctx := context.Background()
	ns := NewNodeStore(memstore.New(), 1<<20)
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	for _, n := range []int{0, 1, 7, 3000} {
		b := NewBuilder(ns, nil)
		keys := make([]uint32, 0, n)
		for i := 0; i < n; i++ {
			keys = append(keys, uint32(i*2))
			var k [4]byte
			binary.BigEndian.PutUint32(k[:], uint32(i*2))
			if err := b.Add(ctx, k[:], nil); err != nil {
				t.Fatal(err)
			}
		}
		m, err := b.Finish(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for trial := 0; trial < 50; trial++ {
			x := uint32(r.IntN(2*n + 3))
			before := func(k []byte) bool { return binary.BigEndian.Uint32(k) < x }
			it, err := m.IterFrom(ctx, before)
			if err != nil {
				t.Fatal(err)
			}
			want := (x + 1) / 2 * 2
			k, _, err := it.Next(ctx)
			if int(want) >= 2*n {
				if err != io.EOF {
					t.Fatalf("n=%d x=%d: got %x, want EOF", n, x, k)
				}
			} else if err != nil || binary.BigEndian.Uint32(k) != want {
				t.Fatalf("n=%d x=%d: got %x %v, want %d", n, x, k, err, want)
			}
			after := func(k []byte) bool { return binary.BigEndian.Uint32(k) > x }
			it, err = m.IterBackFrom(ctx, after)
			if err != nil {
				t.Fatal(err)
			}
			k, _, err = it.Next(ctx)
			if n == 0 {
				if err != io.EOF {
					t.Fatalf("empty map: got %x", k)
				}
				continue
			}
			w := min(x/2*2, uint32(2*n-2))
			if err != nil || binary.BigEndian.Uint32(k) != w {
				t.Fatalf("back n=%d x=%d: got %x %v, want %d", n, x, k, err, w)
			}
			if k2, _, err := it.Next(ctx); w > 0 && (err != nil || binary.BigEndian.Uint32(k2) != w-2) {
				t.Fatalf("back n=%d x=%d: second %x %v", n, x, k2, err)
			}
			_ = keys
		}
	}
}
