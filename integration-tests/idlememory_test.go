package integration

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestIdleMemory: a dsql sql-server serving a 1M-row table, after a full scan of it and
// then no statements for the server's idle_release (10 s by default), is back under
// 100 MB of RSS (server/idle.go: node caches and block caches emptied, free memory
// returned), and answers the same afterwards.
func TestIdleMemory(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc")
	}
	dir := itNewRepo(t, "big")
	csvPath := filepath.Join(t.TempDir(), "t.csv")
	f, err := os.Create(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewPCG(20261126, 100))
	const rows = 1_000_000
	var sum int64
	fmt.Fprintln(w, "id,a,b,c")
	for i := range rows {
		a := rng.Int64N(1_000_000_000)
		sum += a
		fmt.Fprintf(w, "%d,%d,%g,name%d\n", i, a, rng.Float64(), i%1000)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	itRun(t, dir, "table", "import", "-c", "--pk", "id", "t", csvPath)

	s := itStart(t, dir)
	db := s.db("big")
	scan := func() {
		t.Helper()
		var n, got int64
		if err := db.QueryRow("SELECT COUNT(*), SUM(a) FROM t").Scan(&n, &got); err != nil {
			t.Fatal(err)
		}
		if n != rows || got != sum {
			t.Fatalf("COUNT, SUM = %d, %d; want %d, %d", n, got, rows, sum)
		}
	}
	scan()
	pid := s.cmd.Process.Pid
	after := rssKB(t, pid)
	var rss int64
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if rss = rssKB(t, pid); rss < 100<<10 {
			break
		}
	}
	t.Logf("RSS after the scan %d MB, idle %d MB", after>>10, rss>>10)
	if rss >= 100<<10 {
		t.Fatalf("idle RSS %d MB, want under 100 MB (after the scan: %d MB)", rss>>10, after>>10)
	}
	scan()
}

// rssKB returns the resident set size of process pid in KiB.
func rssKB(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}
