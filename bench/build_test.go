package bench

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/pebblestore"
)

// BenchmarkBuild1MPebble is the import fast path end to end on disk: 1,000,000 narrow rows
// (8-byte key, 16-byte value) streamed through prolly.Builder into a Pebble store and made
// durable with one Commit. Reports rows/s.
//
//	go test -run '^$' -bench Build1MPebble -benchtime 3x ./bench/
func BenchmarkBuild1MPebble(b *testing.B) {
	ctx := context.Background()
	const rows = 1_000_000
	for i := 0; i < b.N; i++ {
		st, err := pebblestore.Open(b.TempDir(), pebblestore.Options{})
		if err != nil {
			b.Fatal(err)
		}
		bl := prolly.NewBuilder(prolly.NewNodeStore(st, 0), nil)
		var k [8]byte
		v := make([]byte, 16)
		for j := 0; j < rows; j++ {
			binary.BigEndian.PutUint64(k[:], uint64(j))
			binary.LittleEndian.PutUint64(v, uint64(j)*0x9e3779b97f4a7c15)
			if err := bl.Add(ctx, k[:], v); err != nil {
				b.Fatal(err)
			}
		}
		m, err := bl.Finish(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Commit(ctx, nil, []storage.RefUpdate{{Name: "refs/heads/main", New: m.Hash()}}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
