package integration

import (
	"database/sql"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// sqlConn adapts *sql.Conn for the tests' small helpers.
type sqlConn struct{ *sql.Conn }

// TestRestartAndKill9: rows are still there after a graceful restart, and after kill -9
// every row whose INSERT was acknowledged is present (Durability: an OK means the data
// survives a crash).
func TestRestartAndKill9(t *testing.T) {
	dir := itNewRepo(t, "durdb")
	s := itStart(t, dir)
	db := s.db("durdb")
	itExec(t, db, "CREATE TABLE events (id INT PRIMARY KEY, payload VARCHAR(100))")
	for i := 0; i < 50; i++ {
		itExec(t, db, fmt.Sprintf("INSERT INTO events VALUES (%d, 'before restart %d')", i, i))
	}
	db.Close()
	s.stop()

	s = itStart(t, dir)
	db = s.db("durdb")
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM events").Scan(&n); err != nil || n != 50 {
		t.Fatalf("after restart: %d rows (%v), want 50", n, err)
	}
	// Insert in a loop from another goroutine; kill -9 the server mid-stream.
	var acked atomic.Int64
	acked.Store(49)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 50; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := db.Exec("INSERT INTO events VALUES (?, ?)", i, fmt.Sprintf("acked %d", i)); err != nil {
				return // the server died
			}
			acked.Store(int64(i))
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for acked.Load() < 150 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	s.kill9()
	close(stop)
	<-done
	last := acked.Load()
	if last < 60 {
		t.Fatalf("only %d inserts acknowledged before the kill", last)
	}
	db.Close()

	s = itStart(t, dir) // no lock cleanup needed after kill -9
	db = s.db("durdb")
	var missing int
	if err := db.QueryRow("SELECT ? + 1 - COUNT(*) FROM events WHERE id <= ?", last, last).Scan(&missing); err != nil {
		t.Fatal(err)
	}
	if missing != 0 {
		t.Fatalf("%d acknowledged rows missing after kill -9 (acknowledged up to id %d)", missing, last)
	}
	t.Logf("%d rows acknowledged before kill -9; all present after restart", last+1)
	s.stop()
}
