package backend_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
)

// BenchmarkReadPaths runs sysbench's read statements through the GMS engine in process
// (no wire protocol, memstore), one statement per op in its own autocommit transaction,
// over sysbench's table sbtest1 of 10,000 rows with index k_1 (k skewed as sysbench
// makes it). It isolates what the backend adds to a statement: table and metadata
// lookups, costing, lookup setup, row decoding. Profile with
//
//	go test -run '^$' -bench ReadPaths/PointSelect -cpuprofile cpu.out ./sql/backend/
func BenchmarkReadPaths(b *testing.B) {
	const tableSize = 10_000
	stores := memStores{}
	p, err := backend.NewProvider(b.Context(), backend.Options{Open: stores.open})
	if err != nil {
		b.Fatal(err)
	}
	e := sqle.NewDefault(p)
	b.Cleanup(func() { _ = e.Close() })
	ctx := sql.NewContext(b.Context(), sql.WithSession(session.New(sql.NewBaseSession())))
	run := func(q string) int {
		_, iter, _, err := e.Query(ctx, q)
		if err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		n := 0
		for {
			_, err := iter.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatalf("%s: %v", q, err)
			}
			n++
		}
		if err := iter.Close(ctx); err != nil {
			b.Fatal(err)
		}
		return n
	}
	run("CREATE DATABASE sbtest")
	ctx.SetCurrentDatabase("sbtest")
	run(`CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL,
		c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id))`)
	rng := rand.New(rand.NewPCG(1, 2))
	skewed := func() int { // sysbench's default distribution, roughly
		if rng.IntN(4) < 3 {
			return tableSize/2 - 50 + rng.IntN(100)
		}
		return 1 + rng.IntN(tableSize)
	}
	for lo := 1; lo <= tableSize; lo += 1000 {
		var sb strings.Builder
		sb.WriteString("INSERT INTO sbtest1 VALUES ")
		for i := lo; i < lo+1000; i++ {
			if i > lo {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, "(%d, %d, '%0119d', '%059d')", i, skewed(), rng.Int64(), rng.Int64())
		}
		run(sb.String())
	}
	run("CREATE INDEX k_1 ON sbtest1(k)")
	id := func() int { return 1 + rng.IntN(tableSize-100) }
	bench := func(name string, q func() string, wantRows int) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if n := run(q()); wantRows >= 0 && n != wantRows {
					b.Fatalf("%d rows, want %d", n, wantRows)
				}
			}
		})
	}
	bench("PointSelect", func() string { return fmt.Sprintf("SELECT c FROM sbtest1 WHERE id=%d", id()) }, 1)
	bench("SimpleRange", func() string {
		i := id()
		return fmt.Sprintf("SELECT c FROM sbtest1 WHERE id BETWEEN %d AND %d", i, i+99)
	}, 100)
	bench("SumRange", func() string {
		i := id()
		return fmt.Sprintf("SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN %d AND %d", i, i+99)
	}, 1)
	bench("RandomRanges", func() string { // select_random_ranges: a covered secondary-index lookup
		var parts []string
		for range 10 {
			v := skewed()
			parts = append(parts, fmt.Sprintf("k BETWEEN %d AND %d", v, v+5))
		}
		return "SELECT count(k) FROM sbtest1 WHERE " + strings.Join(parts, " OR ")
	}, 1)
	bench("SecondaryPoint", func() string { // a secondary lookup that reads rows
		return fmt.Sprintf("SELECT id, c FROM sbtest1 WHERE k=%d", 1+rng.IntN(tableSize))
	}, -1)
}
