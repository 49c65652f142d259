package cli

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/dsqldb/dsql/server"
)

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSQLServerServesAndStops runs dsql sql-server on a free port with a config file and
// flags, talks to it, then cancels its context as SIGTERM does: it returns nil (exit 0)
// and has released the repository.
func TestSQLServerServesAndStops(t *testing.T) {
	dir := newRepo(t, "served")
	mustSQL(t, dir, "CREATE TABLE t (a INT PRIMARY KEY); INSERT INTO t VALUES (42)")
	cfgFile := filepath.Join(t.TempDir(), "server.yaml")
	if err := os.WriteFile(cfgFile, []byte("log_level: error\nlistener:\n  port: 3306\n  max_connections: 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	port, host := 0, "127.0.0.1"
	ready := make(chan *server.Server, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- runSQLServer(ctx, sqlServerOptions{
			configFile: cfgFile, port: &port, host: &host, dir: dir,
			ready: func(s *server.Server) { ready <- s },
		}, &stdout, &stderr)
	}()
	var srv *server.Server
	select {
	case srv = <-ready:
	case err := <-done:
		t.Fatalf("sql-server ended early: %v\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("sql-server did not start")
	}
	addr := srv.Addr().String()
	want := "dsql sql-server listening on " + addr + " (data directory " + dir + "; databases: served)\n"
	if stdout.String() != want {
		t.Errorf("stdout = %q, want %q", stdout.String(), want)
	}

	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr = "root", "tcp", addr
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	var a int
	if err := db.QueryRow("SELECT a FROM t").Scan(&a); err != nil || a != 42 {
		t.Errorf("SELECT a FROM t over the server: %d, %v", a, err)
	}
	_ = db.Close()

	cancel() // what SIGTERM does through cmd/dsql's signal context
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("sql-server after cancel: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("sql-server did not stop")
	}
	// The store lock is released: dsql sql can open the repository now.
	mustSQL(t, dir, "SELECT 1")
}

func TestSQLServerInUse(t *testing.T) {
	dir := newRepo(t, "locked")
	s, err := server.New(context.Background(), func() server.Config {
		c := server.DefaultConfig()
		c.DataDir, c.Listener.Port = dir, 0
		return c
	}(), server.Options{Log: &lockedBuffer{}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	port := 0
	var stdout, stderr bytes.Buffer
	err = runSQLServer(context.Background(), sqlServerOptions{dir: dir, port: &port}, &stdout, &stderr)
	if err == nil || !strings.HasPrefix(err.Error(), "database locked is in use by another dsql process (lock held on ") {
		t.Errorf("second sql-server: err = %v, want the in-use error", err)
	}
	// dsql sql reports the same.
	_, _, err = sqlIn(t, dir, sqlOptions{query: "SELECT 1"}, "")
	if err == nil || !strings.Contains(err.Error(), "is in use by another dsql process") {
		t.Errorf("dsql sql while served: err = %v, want the in-use error", err)
	}
}

func TestSQLServerBadFlagValue(t *testing.T) {
	level := "loud"
	err := runSQLServer(context.Background(), sqlServerOptions{dir: t.TempDir(), logLevel: &level}, &bytes.Buffer{}, &bytes.Buffer{})
	if _, ok := err.(*usageError); !ok || !strings.Contains(err.Error(), `log_level "loud"`) {
		t.Errorf("err = %v, want a usage error about the log level", err)
	}
}
