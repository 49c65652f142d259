package bench

import (
	"bufio"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/server"
	"github.com/dsqldb/dsql/sql/dataio"
	"github.com/dsqldb/dsql/sql/session"
)

// importDDL is the benchmark table: the 5 columns (int key, int, double,
// varchar, datetime). bench/import.sh loads the same file into MariaDB.
const importDDL = "CREATE TABLE t (id INT PRIMARY KEY, n INT, d DOUBLE, s VARCHAR(64), dt DATETIME)"

// WriteImportCSV writes rows rows of the benchmark table to path, sorted by key unless
// shuffled (fixed seed).
func writeImportCSV(path string, rows int, shuffled bool) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewSource(1))
	ids := make([]int, rows)
	for i := range ids {
		ids[i] = i + 1
	}
	if shuffled {
		rng.Shuffle(rows, func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	}
	fmt.Fprintln(w, "id,n,d,s,dt")
	for _, id := range ids {
		fmt.Fprintf(w, "%d,%d,%d.%03d,name %d,2024-%02d-%02d %02d:%02d:%02d\n", id, rng.Intn(2000)-1000,
			rng.Intn(1000000), rng.Intn(1000), id, 1+id%12, 1+id%28, id%24, id%60, (id*7)%60)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// BenchmarkImport1M imports a 1,000,000-row, 5-column CSV into a new table of an on-disk
// repository through the embedded engine, exactly as dsql table import -c --schema does,
// including the durable commit of the working set. Reports rows/s. Sorted is the bulk
// path; Shuffled sorts in memory (and spills past 256 MiB).
//
//	go test -run '^$' -bench Import1M -benchtime 1x ./bench/
func BenchmarkImport1M(b *testing.B) {
	for _, shuffled := range []bool{false, true} {
		name := "Sorted"
		if shuffled {
			name = "Shuffled"
		}
		b.Run(name, func(b *testing.B) {
			benchImport(b, 1_000_000, shuffled)
		})
	}
}

func benchImport(b *testing.B, rows int, shuffled bool) {
	ctx := context.Background()
	csvPath := filepath.Join(b.TempDir(), "t.csv")
	if err := writeImportCSV(csvPath, rows, shuffled); err != nil {
		b.Fatal(err)
	}
	schema, err := dataio.SchemaFromDDL(ctx, importDDL, "t")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := filepath.Join(b.TempDir(), "db")
		if err := os.Mkdir(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := server.InitRepository(ctx, dir, repo.Signature{Name: "bench", Email: "bench@localhost"}); err != nil {
			b.Fatal(err)
		}
		eng, err := server.NewEngine(ctx, server.EngineOptions{DataDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		sctx := eng.NewContext(ctx)
		db, _ := eng.Provider.Lookup(eng.DefaultDatabase)
		f, err := os.Open(csvPath)
		if err != nil {
			b.Fatal(err)
		}
		r, err := dataio.NewReader(f, dataio.CSV, csvPath)
		if err != nil {
			b.Fatal(err)
		}
		res, err := dataio.Import(sctx, db, r, csvPath, dataio.ImportOptions{Table: "t", Mode: dataio.Create, Schema: schema, TempDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		if err := sctx.Session.(*session.Session).EndTransaction(sctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = f.Close()
		if res.Rows != int64(rows) {
			b.Fatalf("imported %d rows, want %d", res.Rows, rows)
		}
		if err := eng.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
