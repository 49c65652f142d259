package backend_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

// TestScanStringsStay: the strings a scan returns are the stored tuples' bytes
// (typeconv.Arena.Immutable); rows kept from full scans, point and range lookups and
// secondary-index lookups keep their values while the same rows are updated, deleted
// and reinserted many times and the garbage collector runs (seeded).
func TestScanStringsStay(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, c VARCHAR(200), k INT, KEY kc (k, c))")
	rng := rand.New(rand.NewPCG(20261127, 1))
	val := func(id, gen int) string {
		return fmt.Sprintf("%d-%d-%s", id, gen, strings.Repeat(string(rune('a'+rng.IntN(26))), 20+rng.IntN(100)))
	}
	model := map[int]string{}
	var ins []string
	for id := 1; id <= 300; id++ {
		model[id] = val(id, 0)
		ins = append(ins, fmt.Sprintf("(%d, '%s', %d)", id, model[id], id%7))
	}
	e.exec(ctx, "INSERT INTO t VALUES "+strings.Join(ins, ", "))
	type kept struct {
		q          string
		rows, want []sql.Row
	}
	var all []kept
	// keep runs q and records, from the model, what it must return now.
	keep := func(q string, lo, hi int, byK int) {
		var want []sql.Row
		for id := lo; id <= hi; id++ {
			c, ok := model[id]
			if !ok || (byK >= 0 && id%7 != byK) {
				continue
			}
			want = append(want, sql.Row{int32(id), c, int32(id % 7)})
		}
		all = append(all, kept{q, e.rows(ctx, q), want})
	}
	keep("SELECT id, c, k FROM t", 1, 300, -1)                              // full scan
	keep("SELECT id, c, k FROM t WHERE id = 17", 17, 17, -1)                // point lookup
	keep("SELECT id, c, k FROM t WHERE id BETWEEN 40 AND 140", 40, 140, -1) // range
	keep("SELECT id, c, k FROM t WHERE k = 3 ORDER BY id", 1, 300, 3)       // secondary index
	for gen := 1; gen <= 20; gen++ {
		for range 15 {
			id := 1 + rng.IntN(300)
			switch rng.IntN(3) {
			case 0:
				model[id] = val(id, gen)
				e.exec(ctx, fmt.Sprintf("UPDATE t SET c = '%s' WHERE id = %d", model[id], id))
			case 1:
				e.exec(ctx, fmt.Sprintf("DELETE FROM t WHERE id = %d", id))
				model[id] = val(id, gen)
				e.exec(ctx, fmt.Sprintf("INSERT INTO t VALUES (%d, '%s', %d)", id, model[id], id%7))
			default:
				keep(fmt.Sprintf("SELECT id, c, k FROM t WHERE id = %d", id), id, id, -1)
			}
		}
		runtime.GC()
	}
	for _, k := range all {
		require.Equal(t, k.want, k.rows, k.q)
	}
	require.Greater(t, len(all), 50)
	for id, c := range model {
		require.Equal(t, []sql.Row{{c}}, e.rows(ctx, fmt.Sprintf("SELECT c FROM t WHERE id = %d", id)))
	}
}
