package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/sql/backend"
)

// TestIdleRelease: after Config.IdleRelease without statements the server empties every
// repository's node cache (idle.go), once per idle period, and the next statements read
// the same rows.
func TestIdleRelease(t *testing.T) {
	cfg := testConfig(t.TempDir())
	wait := 200 * time.Millisecond
	cfg.IdleRelease = &wait
	s, _ := startServer(t, cfg)
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(40))")
	var vals []string
	for i := range 5000 {
		vals = append(vals, fmt.Sprintf("(%d, 'value %d')", i, i*7))
	}
	mustExec(t, db, "INSERT INTO app.t VALUES "+strings.Join(vals, ","))
	check := func() {
		t.Helper()
		var n int
		var sum int64
		if err := db.QueryRow("SELECT COUNT(*), SUM(id) FROM app.t WHERE v LIKE 'value %'").Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		if n != 5000 || sum != 5000*4999/2 {
			t.Fatalf("COUNT, SUM = %d, %d", n, sum)
		}
	}
	check()
	cached := func() int64 {
		var total int64
		for _, d := range s.engine.Provider.AllDatabases(sql.NewEmptyContext()) {
			if bd, ok := d.(*backend.Database); ok {
				total += bd.Repo().NodeStore().Stats().Cached
			}
		}
		return total
	}
	if cached() == 0 {
		t.Fatal("nothing cached after the scan: the test cannot see a release")
	}
	waitFor := func(want int64) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); s.idle.releases.Load() < want; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d releases after 30 s, want %d", s.idle.releases.Load(), want)
			}
		}
	}
	waitFor(1)
	if c := cached(); c != 0 {
		t.Fatalf("%d bytes of nodes cached after the idle release", c)
	}
	check()
	if cached() == 0 {
		t.Fatal("the node cache did not refill")
	}
	waitFor(2) // a new idle period after the statement: released again
	if n := s.idle.releases.Load(); n != 2 {
		t.Fatalf("%d releases, want 2 (one per idle period)", n)
	}
}
