package server

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/dsqldb/dsql/merkle/repo"
)

// BenchmarkSysbench runs the statements of sysbench's OLTP tests (1 table sbtest1 of
// 10,000 rows with secondary index k_1, as `sysbench prepare` builds it) against an
// in-process server over TCP, one connection, with go-sql-driver interpolating the
// parameters client side so that every statement is a text query (COM_QUERY), as with
// bench/sysbench.sh's --db-ps-mode=disable; the PS/ sub-benchmarks run the same events on a
// second connection through server-side prepared statements (prepared once, then
// COM_STMT_EXECUTE per statement, BEGIN/COMMIT as text), as with --ps-mode auto. Column k and select_random_ranges' bounds
// follow sysbench's default skewed distribution, so that its ten ranges overlap and
// match thousands of rows as they do in sysbench. Each sub-benchmark is one sysbench event, so
// ns/op compares with the script's median latency; profile with
//
//	go test -run '^$' -bench Sysbench/PointSelect -cpuprofile cpu.out ./server/
//
// Each sub-benchmark also reports cpu-us/op: the process's CPU time (every thread) per
// event, steadier than ns/op on a loaded machine.
func BenchmarkSysbench(b *testing.B) {
	const tableSize = 10_000
	dir := b.TempDir()
	if err := InitRepository(context.Background(), dir, repo.Signature{Name: "b", Email: "b@example.com"}); err != nil {
		b.Fatal(err)
	}
	cfg := testConfig(dir)
	cfg.LogLevel = "warn"
	// The client runs in this process, on the same two Ps as the server: a server
	// thread waiting in poll(2) (listener.poll_wait) holds a P the client then lacks,
	// which a separate client process (as with bench/sysbench.sh, where the wait saves
	// 5-10%) does not feel. These benchmarks measure the server's CPU per statement, so
	// reads park at once. DSQL_BENCH_POLL_WAIT=2ms sets a wait.
	wait := time.Duration(0)
	if v := os.Getenv("DSQL_BENCH_POLL_WAIT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatal(err)
		}
		wait = d
	}
	cfg.Listener.PollWait = &wait
	s, err := New(context.Background(), cfg, Options{Log: &syncBuffer{}})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })

	mcfg := mysql.NewConfig()
	mcfg.User, mcfg.Net, mcfg.Addr = "root", "tcp", s.Addr().String()
	mcfg.AllowNativePasswords = true
	mcfg.InterpolateParams = true
	conn, err := mysql.NewConnector(mcfg)
	if err != nil {
		b.Fatal(err)
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(1)
	b.Cleanup(func() { _ = db.Close() })
	// ps: the same statements as server-side prepared statements (COM_STMT_PREPARE once
	// per statement text, then COM_STMT_EXECUTE), as with sysbench's --db-ps-mode=auto.
	pcfg := mcfg.Clone()
	pcfg.InterpolateParams = false
	pcfg.DBName = "sbtest" // made below, before the first connection
	pconn, err := mysql.NewConnector(pcfg)
	if err != nil {
		b.Fatal(err)
	}
	pdb := sql.OpenDB(pconn)
	pdb.SetMaxOpenConns(1)
	pdb.SetMaxIdleConns(1)
	b.Cleanup(func() { _ = pdb.Close() })
	stmts := map[string]*sql.Stmt{}
	ps := false
	stmt := func(q string) *sql.Stmt {
		st, ok := stmts[q]
		if !ok {
			var err error
			if st, err = pdb.Prepare(q); err != nil {
				b.Fatalf("prepare %s: %v", q, err)
			}
			stmts[q] = st
		}
		return st
	}
	exec := func(q string, args ...any) {
		b.Helper()
		var err error
		switch {
		case !ps:
			_, err = db.Exec(q, args...)
		case len(args) == 0: // BEGIN, COMMIT: text, as sysbench sends them
			_, err = pdb.Exec(q)
		default:
			_, err = stmt(q).Exec(args...)
		}
		if err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	// DSQL_BENCH_DATABASES=N adds N empty databases: a statement's cost must not grow
	// with the databases the server holds (sql/session/snapcache.go).
	if v := os.Getenv("DSQL_BENCH_DATABASES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			exec(fmt.Sprintf("CREATE DATABASE extra%d", i))
		}
	}
	exec("CREATE DATABASE sbtest")
	exec("USE sbtest")
	exec(`CREATE TABLE sbtest1(
  id INTEGER NOT NULL AUTO_INCREMENT,
  k INTEGER DEFAULT '0' NOT NULL,
  c CHAR(120) DEFAULT '' NOT NULL,
  pad CHAR(60) DEFAULT '' NOT NULL,
  PRIMARY KEY (id))`)
	rng := rand.New(rand.NewPCG(1, 2))
	digits := func(groups int) string {
		var sb strings.Builder
		for g := 0; g < groups; g++ {
			if g > 0 {
				sb.WriteByte('-')
			}
			fmt.Fprintf(&sb, "%011d", rng.Int64N(1e11))
		}
		return sb.String()
	}
	// special imitates sysbench's default distribution (--rand-type=special): most values
	// fall in a narrow band in the middle of [1, tableSize], the rest spread around it, so
	// select_random_ranges' ten ranges overlap.
	special := func() int {
		if rng.IntN(4) < 3 {
			return tableSize/2 - 50 + rng.IntN(100)
		}
		sum := 0
		for range 12 {
			sum += rng.IntN(tableSize)
		}
		return 1 + sum/12
	}
	for lo := 1; lo <= tableSize; lo += 1000 {
		var sb strings.Builder
		sb.WriteString("INSERT INTO sbtest1(id, k, c, pad) VALUES")
		for i := lo; i < lo+1000 && i <= tableSize; i++ {
			if i > lo {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "(%d, %d, '%s', '%s')", i, special(), digits(10), digits(5))
		}
		exec(sb.String())
	}
	exec("CREATE INDEX k_1 ON sbtest1(k)")
	id := func() int { return 1 + rng.IntN(tableSize) }

	query := func(b *testing.B, q string, args ...any) {
		var rows *sql.Rows
		var err error
		if ps {
			rows, err = stmt(q).Query(args...)
		} else {
			rows, err = db.Query(q, args...)
		}
		if err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		_ = rows.Close()
	}
	// loop runs the events and reports the process's CPU time (user+system, all threads:
	// the server's goroutines, Pebble's background work, GC) per event as cpu-us/op,
	// which a loaded machine distorts far less than ns/op.
	loop := func(b *testing.B, event func(b *testing.B)) {
		var before, after syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
		n := 0
		for b.Loop() {
			event(b)
			n++
		}
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
		cpu := func(r *syscall.Rusage) time.Duration {
			return time.Duration(r.Utime.Nano() + r.Stime.Nano())
		}
		if n > 0 {
			b.ReportMetric(float64(cpu(&after)-cpu(&before))/float64(n)/1e3, "cpu-us/op")
		}
	}
	run := func(name string, event func(b *testing.B)) {
		b.Run(name, func(b *testing.B) {
			ps = false
			loop(b, event)
		})
		b.Run("PS/"+name, func(b *testing.B) {
			ps = true
			defer func() { ps = false }()
			loop(b, event)
		})
	}
	pointSelect := func(b *testing.B) { query(b, "SELECT c FROM sbtest1 WHERE id=?", id()) }
	simpleRange := func(b *testing.B) {
		i := id()
		query(b, "SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ?", i, i+99)
	}
	sumRange := func(b *testing.B) {
		i := id()
		query(b, "SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN ? AND ?", i, i+99)
	}
	orderRange := func(b *testing.B) {
		i := id()
		query(b, "SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c", i, i+99)
	}
	distinctRange := func(b *testing.B) {
		i := id()
		query(b, "SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c", i, i+99)
	}
	ranges := strings.TrimSuffix(strings.Repeat("k BETWEEN ? AND ? OR ", 10), " OR ")
	randomRanges := func(b *testing.B) {
		args := make([]any, 0, 20)
		for range 10 {
			v := special()
			args = append(args, v, v+5)
		}
		query(b, "SELECT count(k) FROM sbtest1 WHERE "+ranges, args...)
	}
	run("PointSelect", pointSelect)
	run("SimpleRange", simpleRange)
	run("SumRange", sumRange)
	run("OrderRange", orderRange)
	run("DistinctRange", distinctRange)
	run("RandomRanges", randomRanges)
	run("ReadOnly", func(b *testing.B) {
		exec("BEGIN")
		for range 10 {
			pointSelect(b)
		}
		simpleRange(b)
		sumRange(b)
		orderRange(b)
		distinctRange(b)
		exec("COMMIT")
	})
	run("UpdateIndex", func(b *testing.B) { exec("UPDATE sbtest1 SET k=k+1 WHERE id=?", id()) })
	run("UpdateNonIndex", func(b *testing.B) { exec("UPDATE sbtest1 SET c=? WHERE id=?", digits(10), id()) })
	run("Insert", func(b *testing.B) {
		exec("INSERT INTO sbtest1 (id, k, c, pad) VALUES (0, ?, ?, ?)", id(), digits(10), digits(5))
	})
	run("WriteOnly", func(b *testing.B) {
		exec("BEGIN")
		exec("UPDATE sbtest1 SET k=k+1 WHERE id=?", id())
		exec("UPDATE sbtest1 SET c=? WHERE id=?", digits(10), id())
		i := id()
		exec("DELETE FROM sbtest1 WHERE id=?", i)
		exec("INSERT INTO sbtest1 (id, k, c, pad) VALUES (?, ?, ?, ?)", i, id(), digits(10), digits(5))
		exec("COMMIT")
	})
}
