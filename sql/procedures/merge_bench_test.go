package procedures_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	sqle "github.com/dolthub/go-mysql-server"
	gmssql "github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"

	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/dataio"
	"github.com/dsqldb/dsql/sql/procedures"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/sql/systables"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/pebblestore"
)

// BenchmarkSQLMergeDisjoint1M times CALL dsql_merge('other') end to end through SQL, on
// disk: a repository in a Pebble store (as the server and CLI open it) whose table
//
//	t (id BIGINT PRIMARY KEY, a BIGINT, b BIGINT, INDEX ab (a, b), INDEX b_only (b))
//
// has 1,000,000 rows at the merge base; main then UPDATEs column a of 1,000 rows and
// branch other column b of 1,000 other rows (spread over the table), each committed. Each
// iteration resets main to its pre-merge commit (untimed) and merges other into it: a
// three-way merge of the rows and both indexes and the merge commit, made durable. The
// issue's target is under 100 ms. Reported: the median wall time (ms-median) and the
// median CPU time of the process during the CALL (cpu-ms-median, Pebble's background
// work included), which a loaded machine distorts less; also the wall and CPU time of
// the first merge (first-ms, first-cpu-ms), which writes the merged nodes and reads
// what the setup left uncached, and nodes loaded and written per merge.
//
//	go test -run '^$' -bench SQLMergeDisjoint -benchtime 20x ./sql/procedures/
//
// The repository is built once per run (an import through dataio.Import, as `dsql table
// import` does, then two UPDATEs and three commits), under the benchmark's temporary
// directory.
func BenchmarkSQLMergeDisjoint1M(b *testing.B) { benchSQLMerge(b, 1_000_000) }

// BenchmarkSQLMergeDisjoint100k is the same merge on a 100,000-row table.
func BenchmarkSQLMergeDisjoint100k(b *testing.B) { benchSQLMerge(b, 100_000) }

const mergeBenchDDL = "CREATE TABLE t (id BIGINT PRIMARY KEY, a BIGINT, b BIGINT, INDEX ab (a, b), INDEX b_only (b))"

// mergeBenchRows is a dataio.Reader of rows 0..n-1 of the merge table (a = id % 97,
// b = id % 89), in key order, made up on the fly.
type mergeBenchRows struct {
	n, i int
	rec  dataio.Record
}

func (g *mergeBenchRows) Header() []string { return g.rec.Names }
func (g *mergeBenchRows) Offset() int64    { return int64(g.i) * 20 }

func (g *mergeBenchRows) Next() (dataio.Record, error) {
	if g.i >= g.n {
		return dataio.Record{}, io.EOF
	}
	id := g.i
	g.i++
	g.rec.Line = g.i + 1
	g.rec.Values[0] = strconv.Itoa(id)
	g.rec.Values[1] = strconv.Itoa(id % 97)
	g.rec.Values[2] = strconv.Itoa(id % 89)
	return g.rec, nil
}

func benchSQLMerge(b *testing.B, rows int) {
	ctx := context.Background()
	dir := b.TempDir()
	start := time.Now()
	st, err := pebblestore.Open(filepath.Join(dir, "store"), pebblestore.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	prov, err := backend.NewProvider(ctx, backend.Options{
		Stores: map[string]storage.Store{"mydb": st},
		Author: testAuthor,
		Extensions: backend.Extensions{
			SystemTable:    systables.Lookup,
			Procedures:     procedures.New(procedures.WithAuthor(testAuthor)),
			TableFunctions: systables.TableFunctions(),
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer prov.Close()
	eng := sqle.New(analyzer.NewDefault(prov), nil)
	defer eng.Close()
	base := gmssql.NewBaseSessionWithClientServer("localhost", gmssql.Client{User: "root", Address: "localhost"}, 1)
	sctx := gmssql.NewContext(ctx, gmssql.WithSession(session.New(base, session.WithProvider(prov))))
	sctx.SetCurrentDatabase("mydb")
	eng.Analyzer.Catalog.RegisterFunction(sctx, procedures.Functions(procedures.WithAuthor(testAuthor))...)
	query := func(q string) []gmssql.Row {
		b.Helper()
		_, iter, _, err := eng.Query(sctx, q)
		if err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		out, err := gmssql.RowIterToRows(sctx, iter)
		if err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		return out
	}
	schema, err := dataio.SchemaFromDDL(ctx, mergeBenchDDL, "t")
	if err != nil {
		b.Fatal(err)
	}
	db, ok := prov.Lookup("mydb")
	if !ok {
		b.Fatal("no database mydb")
	}
	src := &mergeBenchRows{n: rows, rec: dataio.Record{Names: []string{"id", "a", "b"}, Values: make([]any, 3)}}
	res, err := dataio.Import(sctx, db, src, "generated", dataio.ImportOptions{Table: "t", Mode: dataio.Create, Schema: schema, TempDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	if res.Rows != int64(rows) {
		b.Fatalf("imported %d rows, want %d", res.Rows, rows)
	}
	if err := sctx.Session.(*session.Session).EndTransaction(sctx); err != nil {
		b.Fatal(err)
	}
	query("CALL dsql_commit('-Am', 'base')")
	const changed = 1000
	step := rows / changed
	ids := func(off int) string {
		s := make([]string, changed)
		for i := range s {
			s[i] = strconv.Itoa(i*step + off)
		}
		return strings.Join(s, ", ")
	}
	query("CALL dsql_branch('other')")
	query("CALL dsql_checkout('other')")
	query("UPDATE t SET b = -id WHERE id IN (" + ids(1) + ")")
	query("CALL dsql_commit('-am', 'theirs: b of 1000 rows')")
	query("CALL dsql_checkout('main')")
	query("UPDATE t SET a = -id WHERE id IN (" + ids(0) + ")")
	query("CALL dsql_commit('-am', 'ours: a of 1000 rows')")
	head := fmt.Sprint(query("SELECT dsql_hashof('HEAD')")[0][0])
	b.Logf("built %d rows, two branches of %d changed rows, in %v", rows, changed, time.Since(start).Round(time.Millisecond))

	// Let the setup's background work (Pebble flushes and compactions after the import)
	// finish, so that the first merge's CPU time is its own: wait until the process uses
	// under 5% of a CPU for 300 ms (at most 20 s).
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		c0 := mergeBenchCPU()
		time.Sleep(300 * time.Millisecond)
		if mergeBenchCPU()-c0 < 15*time.Millisecond {
			break
		}
	}
	var first [2]time.Duration // wall and CPU of the first merge (nodes not yet cached)
	b.Run("merge", func(b *testing.B) {
		walls := make([]time.Duration, 0, b.N)
		cpus := make([]time.Duration, 0, b.N)
		ns := db.Repo().NodeStore()
		var loads, writes int64
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			query("CALL dsql_reset('--hard', '" + head + "')")
			b.StartTimer()
			ns.ResetStats()
			c0, t0 := mergeBenchCPU(), time.Now()
			out := query("CALL dsql_merge('other')")
			walls = append(walls, time.Since(t0))
			cpus = append(cpus, mergeBenchCPU()-c0)
			st := ns.Stats()
			loads, writes = loads+st.Loads, writes+st.Writes
			if first[0] == 0 {
				first = [2]time.Duration{walls[0], cpus[0]}
			}
			if len(out) != 1 || fmt.Sprint(out[0][1]) != "0" || fmt.Sprint(out[0][2]) != "0" {
				b.Fatalf("dsql_merge: %v (want a clean three-way merge)", out)
			}
		}
		b.StopTimer()
		// Every changed row but row 0 (a = -0) has a negative column after the merge.
		if got := query("SELECT COUNT(*) FROM t WHERE a < 0 OR b < 0")[0][0]; fmt.Sprint(got) != strconv.Itoa(2*changed-1) {
			b.Fatalf("%v merged rows have a negative column, want %d", got, 2*changed-1)
		}
		slices.Sort(walls)
		slices.Sort(cpus)
		b.ReportMetric(float64(walls[len(walls)/2].Microseconds())/1000, "ms-median")
		b.ReportMetric(float64(cpus[len(cpus)/2].Microseconds())/1000, "cpu-ms-median")
		b.ReportMetric(float64(first[0].Microseconds())/1000, "first-ms")
		b.ReportMetric(float64(first[1].Microseconds())/1000, "first-cpu-ms")
		b.ReportMetric(float64(loads)/float64(b.N), "loads/op")   // nodes read from Pebble
		b.ReportMetric(float64(writes)/float64(b.N), "writes/op") // nodes written
	})
}

// mergeBenchCPU returns the process's CPU time so far (user plus system, all threads).
func mergeBenchCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
