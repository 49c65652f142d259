package bench

// BenchmarkDiffCLI: `dsql diff HEAD~1 HEAD` end to end (the built binary, from process
// start to exit) on a table of 100,000 and of 10,000,000 rows whose last commit changed
// 10 rows. The target: the same time on both sizes (cost proportional to the
// change, not the table), and under 50 ms.
//
//	go test -run '^$' -bench DiffCLI -benchtime 50x -v ./bench/
//
// Nothing is built unless -bench selects it. Each repository is built once per run (the
// 10M-row one in about a minute) under the package's temporary directory, removed at the
// end of the run.

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dsqldb/dsql/sql/dataio"
	"github.com/dsqldb/dsql/sql/session"
)

// diffDDL is the table of the diff benchmark.
const diffDDL = "CREATE TABLE t (id INT PRIMARY KEY, v INT, s VARCHAR(32))"

// diffChanged are the ids whose v the second commit changes: spread over the key space
// of every size (each below 100,000).
var diffChanged = []int{1, 777, 5_000, 12_345, 33_333, 50_000, 66_666, 77_777, 88_888, 99_999}

// genReader is a dataio.Reader of rows 1..n of the diff table, sorted by key, made up on
// the fly: the import fast path without a CSV file on disk.
type genReader struct {
	n, i int
	rec  dataio.Record
}

func newGenReader(n int) *genReader {
	return &genReader{n: n, rec: dataio.Record{Names: []string{"id", "v", "s"}, Values: make([]any, 3)}}
}

func (g *genReader) Header() []string { return g.rec.Names }
func (g *genReader) Offset() int64    { return int64(g.i) * 24 }

func (g *genReader) Next() (dataio.Record, error) {
	if g.i >= g.n {
		return dataio.Record{}, io.EOF
	}
	g.i++
	g.rec.Line = g.i + 1
	g.rec.Values[0] = strconv.Itoa(g.i)
	g.rec.Values[1] = strconv.Itoa(g.i * 7 % 1000003)
	g.rec.Values[2] = "row " + strconv.Itoa(g.i)
	return g.rec, nil
}

// diffRepos caches the repositories of one run: rows -> directory.
var diffRepos = map[int]string{}

// diffRepo returns a repository whose table t has rows rows at HEAD~1 and the same rows
// with v changed in the 10 diffChanged rows at HEAD, built once per run: an import of
// the generated rows through dataio.Import (what dsql table import -c does), a commit,
// an UPDATE of the 10 rows and a commit, all in one engine, closed again so that the
// binary can open the repository.
func diffRepo(b *testing.B, rows int) string {
	histMu.Lock()
	defer histMu.Unlock()
	if dir, ok := diffRepos[rows]; ok {
		return dir
	}
	if histRoot == "" { // the package's temporary directory, removed by TestMain
		d, err := os.MkdirTemp("", "dsql-bench-history")
		if err != nil {
			b.Fatal(err)
		}
		histRoot = d
	}
	start := time.Now()
	dir := histInit(b, histRoot, fmt.Sprintf("diff%d", rows))
	ctx := context.Background()
	schema, err := dataio.SchemaFromDDL(ctx, diffDDL, "t")
	if err != nil {
		b.Fatal(err)
	}
	eng, sctx := histEngine(b, dir)
	db, _ := eng.Provider.Lookup(eng.DefaultDatabase)
	res, err := dataio.Import(sctx, db, newGenReader(rows), "generated", dataio.ImportOptions{
		Table: "t", Mode: dataio.Create, Schema: schema, TempDir: histRoot,
	})
	if err != nil {
		b.Fatal(err)
	}
	if res.Rows != int64(rows) {
		b.Fatalf("imported %d rows, want %d", res.Rows, rows)
	}
	if err := sctx.Session.(*session.Session).EndTransaction(sctx); err != nil {
		b.Fatal(err)
	}
	imported := time.Since(start)
	histQuery(b, eng, sctx, "CALL dsql_commit('-Am', 'all rows')")
	ids := make([]string, len(diffChanged))
	for i, id := range diffChanged {
		ids[i] = strconv.Itoa(id)
	}
	histQuery(b, eng, sctx, "UPDATE t SET v = v + 1 WHERE id IN ("+strings.Join(ids, ", ")+")")
	histQuery(b, eng, sctx, "CALL dsql_commit('-am', '10 rows changed')")
	if err := eng.Close(); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d rows (import %v), 2 commits, in %v", rows, imported.Round(time.Millisecond),
		time.Since(start).Round(time.Millisecond))
	diffRepos[rows] = dir
	return dir
}

// timedProcess runs the command made by newCmd b.N times and reports the median wall
// time ("ms-median") and the median CPU time of the process, user plus system
// ("cpu-ms-median"), which the load of a shared machine distorts less. check sees the
// output of the first run.
func timedProcess(b *testing.B, newCmd func() *exec.Cmd, check func(out string) error) {
	b.Helper()
	walls := make([]time.Duration, 0, b.N)
	cpus := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := newCmd()
		t0 := time.Now()
		out, err := cmd.CombinedOutput()
		walls = append(walls, time.Since(t0))
		if err != nil {
			b.Fatalf("%v: %v\n%s", cmd.Args, err, out)
		}
		cpus = append(cpus, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		if i == 0 && check != nil {
			if err := check(string(out)); err != nil {
				b.Fatalf("%v: %v\n%s", cmd.Args, err, out)
			}
		}
	}
	b.StopTimer()
	slices.Sort(walls)
	slices.Sort(cpus)
	b.ReportMetric(float64(walls[len(walls)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(cpus[len(cpus)/2].Microseconds())/1000, "cpu-ms-median")
}

// BenchmarkDiffCLI times `dsql diff HEAD~1 HEAD` (tabular) and `dsql diff HEAD~1 HEAD -r
// sql` in repositories of 100,000 and 10,000,000 rows with 10 rows changed by the last
// commit, and `dsql version` (process start, no store) for scale.
func BenchmarkDiffCLI(b *testing.B) {
	bin := dsqlBinary(b)
	for _, f := range []struct {
		name  string
		args  []string
		check func(string) error
	}{
		{"tabular", []string{"diff", "HEAD~1", "HEAD"}, func(out string) error {
			if n := strings.Count(out, "| > |"); n != len(diffChanged) {
				return fmt.Errorf("%d new rows in the diff, want %d", n, len(diffChanged))
			}
			return nil
		}},
		{"sql", []string{"diff", "HEAD~1", "HEAD", "-r", "sql"}, func(out string) error {
			if n := strings.Count(out, "UPDATE "); n != len(diffChanged) {
				return fmt.Errorf("%d UPDATE statements, want %d", n, len(diffChanged))
			}
			return nil
		}},
	} {
		for _, rows := range []int{100_000, 10_000_000} {
			b.Run(fmt.Sprintf("%s/rows=%d", f.name, rows), func(b *testing.B) {
				dir := diffRepo(b, rows)
				timedProcess(b, func() *exec.Cmd {
					cmd := exec.Command(bin, f.args...)
					cmd.Dir = dir
					cmd.Env = append(os.Environ(), "NO_COLOR=1")
					return cmd
				}, f.check)
			})
		}
	}
	b.Run("version", func(b *testing.B) {
		timedProcess(b, func() *exec.Cmd { return exec.Command(bin, "version") }, nil)
	})
}
