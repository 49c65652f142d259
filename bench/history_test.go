package bench

// Benchmarks of version history: reading the newest 10 commits of a long history (the
// dsql_log system table in-process, and `dsql log -n 10` end to end), and committing a
// small change to a large table. Each reports the median time of one operation as
// "ms-median" besides Go's mean ns/op. Nothing here runs without -bench: the histories
// and the 1M-row table are built on first use and shared by the benchmarks of one run.
//
//	go test -run '^$' -bench 'DsqlLog|LogCLI|CommitSmallChange' -benchtime 200x ./bench/

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	gmssql "github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/server"
)

// histEngine opens the engine over dir (a repository named after dir's base name).
func histEngine(tb testing.TB, dir string) (*server.Engine, *gmssql.Context) {
	tb.Helper()
	eng, err := server.NewEngine(context.Background(), server.EngineOptions{
		DataDir: dir,
		Author:  repo.Signature{Name: "bench", Email: "bench@example.com"},
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		tb.Fatal(err)
	}
	return eng, eng.NewContext(context.Background())
}

// histQuery runs q in the session of ctx and returns its rows.
func histQuery(tb testing.TB, eng *server.Engine, ctx *gmssql.Context, q string) []gmssql.Row {
	tb.Helper()
	_, iter, _, err := eng.SQL.Query(ctx, q)
	if err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	rows, err := gmssql.RowIterToRows(ctx, iter)
	if err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return rows
}

// histInit makes a fresh repository <tmp>/<name> and returns its path.
func histInit(tb testing.TB, parent, name string) string {
	tb.Helper()
	dir := filepath.Join(parent, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := server.InitRepository(context.Background(), dir, repo.Signature{Name: "bench", Email: "bench@example.com"}); err != nil {
		tb.Fatal(err)
	}
	return dir
}

var (
	histMu    sync.Mutex
	histRoot  string
	histRepos = map[int]string{} // commits -> repository directory
)

// histRepo returns a repository whose main branch has commits commits on top of the
// initial one (each an INSERT of one row into table t, then CALL dsql_commit('-am')), built
// once per process through one engine session and closed again, so `dsql log` can open it.
func histRepo(b *testing.B, commits int) string {
	histMu.Lock()
	defer histMu.Unlock()
	if dir, ok := histRepos[commits]; ok {
		return dir
	}
	if histRoot == "" {
		d, err := os.MkdirTemp("", "dsql-bench-history")
		if err != nil {
			b.Fatal(err)
		}
		histRoot = d
	}
	dir := histInit(b, histRoot, fmt.Sprintf("h%d", commits))
	start := time.Now()
	eng, ctx := histEngine(b, dir)
	histQuery(b, eng, ctx, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
	for i := 0; i < commits; i++ {
		histQuery(b, eng, ctx, fmt.Sprintf("INSERT INTO t VALUES (%d, %d)", i, i*7))
		flag := "-am"
		if i == 0 {
			flag = "-Am"
		}
		histQuery(b, eng, ctx, fmt.Sprintf("CALL dsql_commit('%s', 'commit %d')", flag, i))
	}
	if err := eng.Close(); err != nil {
		b.Fatal(err)
	}
	b.Logf("built a history of %d commits in %v (%.2f ms/commit)", commits, time.Since(start).Round(time.Millisecond),
		float64(time.Since(start).Microseconds())/1000/float64(commits))
	histRepos[commits] = dir
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if histRoot != "" {
		os.RemoveAll(histRoot)
	}
	if histBin != "" {
		os.RemoveAll(filepath.Dir(histBin))
	}
	os.Exit(code)
}

// timed runs op b.N times, timing each run, and reports the median as ms-median.
func timed(b *testing.B, op func(i int)) {
	b.Helper()
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		op(i)
		ds = append(ds, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "ms-median")
}

// BenchmarkDsqlLog: SELECT * FROM dsql_log LIMIT 10 in an in-process engine, over a history
// of 10 and of 10,000 commits. Reading the newest 10 should not depend on the length of
// the history. For scale, "count" reads the whole history (SELECT COUNT(*) FROM dsql_log).
func BenchmarkDsqlLog(b *testing.B) {
	for _, q := range []struct{ name, sql string }{
		{"limit10", "SELECT * FROM dsql_log LIMIT 10"},
		{"count", "SELECT COUNT(*) FROM dsql_log"},
	} {
		for _, n := range []int{10, 10_000} {
			b.Run(fmt.Sprintf("%s/commits=%d", q.name, n), func(b *testing.B) {
				dir := histRepo(b, n)
				eng, ctx := histEngine(b, dir)
				defer eng.Close()
				timed(b, func(int) {
					if rows := histQuery(b, eng, ctx, q.sql); len(rows) == 0 {
						b.Fatal("no rows")
					}
				})
			})
		}
	}
}

var (
	histBinOnce sync.Once
	histBin     string
	histBinErr  error
)

// dsqlBinary builds cmd/dsql once per process.
func dsqlBinary(b *testing.B) string {
	histBinOnce.Do(func() {
		histMu.Lock()
		defer histMu.Unlock()
		d, err := os.MkdirTemp("", "dsql-bench-bin")
		if err != nil {
			histBinErr = err
			return
		}
		histBin = filepath.Join(d, "dsql")
		out, err := exec.Command("go", "build", "-o", histBin, "../cmd/dsql").CombinedOutput()
		if err != nil {
			histBinErr = fmt.Errorf("go build ../cmd/dsql: %v\n%s", err, out)
		}
	})
	if histBinErr != nil {
		b.Fatal(histBinErr)
	}
	return histBin
}

// BenchmarkLogCLI: `dsql log -n 10` end to end (process start, opening the store, reading
// and printing 10 commits), over a history of 10 and of 10,000 commits; and the same
// through `dsql sql -q "select * from dsql_log limit 10"`. "version" (`dsql version`, which
// opens no store) is the cost of starting the process.
func BenchmarkLogCLI(b *testing.B) {
	bin := dsqlBinary(b)
	for _, verb := range []struct {
		name string
		args []string
	}{
		{"log", []string{"log", "-n", "10"}},
		{"sql", []string{"sql", "-q", "select * from dsql_log limit 10"}},
		{"version", []string{"version"}}, // process start alone, for scale
	} {
		for _, n := range []int{10, 10_000} {
			if verb.name == "version" && n != 10 {
				continue
			}
			b.Run(fmt.Sprintf("%s/commits=%d", verb.name, n), func(b *testing.B) {
				dir := histRepo(b, n)
				timed(b, func(int) {
					cmd := exec.Command(bin, verb.args...)
					cmd.Dir = dir
					if out, err := cmd.CombinedOutput(); err != nil {
						b.Fatalf("dsql %v: %v\n%s", verb.args, err, out)
					}
				})
			})
		}
	}
}

// BenchmarkCommitSmallChange: a commit of 10 changed rows in a table of 1,000,000 rows.
// "update+commit" times UPDATE ... WHERE id IN (10 ids) followed by CALL
// dsql_commit('-am', ...); "update" the UPDATE alone (an autocommitted SQL transaction:
// its rows land in the branch's working set, durably); "commit" the dsql_commit alone (the
// UPDATE runs with the timer stopped). The ids are drawn from a seeded generator.
func BenchmarkCommitSmallChange(b *testing.B) {
	const rows = 1_000_000
	parent := b.TempDir()
	dir := histInit(b, parent, "big")
	eng, ctx := histEngine(b, dir)
	defer eng.Close()
	start := time.Now()
	histQuery(b, eng, ctx, "CREATE TABLE digits (d INT PRIMARY KEY)")
	histQuery(b, eng, ctx, "INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)")
	histQuery(b, eng, ctx, "CREATE TABLE big (id INT PRIMARY KEY, v BIGINT NOT NULL, s VARCHAR(32) NOT NULL)")
	histQuery(b, eng, ctx, `INSERT INTO big
		SELECT a.d + 10*b.d + 100*c.d + 1000*e.d + 10000*f.d + 100000*g.d, 0, 'some text of a row'
		FROM digits a, digits b, digits c, digits e, digits f, digits g`)
	histQuery(b, eng, ctx, "CALL dsql_commit('-Am', '1M rows')")
	b.Logf("built and committed %d rows in %v", rows, time.Since(start).Round(time.Millisecond))
	if n := histQuery(b, eng, ctx, "SELECT COUNT(*) FROM big")[0][0]; fmt.Sprint(n) != fmt.Sprint(rows) {
		b.Fatalf("big has %v rows", n)
	}
	rng := rand.New(rand.NewSource(1))
	update := func(i int) {
		ids := ""
		for j := 0; j < 10; j++ {
			if j > 0 {
				ids += ","
			}
			ids += fmt.Sprint(rng.Intn(rows))
		}
		histQuery(b, eng, ctx, fmt.Sprintf("UPDATE big SET v = v + 1 WHERE id IN (%s)", ids))
	}
	commits := 0
	commit := func(i int) {
		histQuery(b, eng, ctx, fmt.Sprintf("CALL dsql_commit('-am', 'x %d')", i))
		commits++
	}
	runtime.GC()
	b.Run("update+commit", func(b *testing.B) {
		timed(b, func(i int) { update(i); commit(i) })
	})
	b.Run("update", func(b *testing.B) {
		timed(b, func(i int) { update(i) })
		commit(0)
	})
	b.Run("commit", func(b *testing.B) {
		ds := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			update(i)
			b.StartTimer()
			t0 := time.Now()
			commit(i)
			ds = append(ds, time.Since(t0))
		}
		b.StopTimer()
		slices.Sort(ds)
		b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "ms-median")
	})
	// Every commit happened: the initial one, "1M rows", and the benchmark's.
	if n := histQuery(b, eng, ctx, "SELECT COUNT(*) FROM dsql_log")[0][0]; fmt.Sprint(n) != fmt.Sprint(commits+2) {
		b.Fatalf("dsql_log has %v commits, want %d", n, commits+2)
	}
}
