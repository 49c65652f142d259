// Package integration holds black-box tests of the built dsql binary driven by real
// clients: the mysql CLI (Debian mariadb-client), go-sql-driver/mysql, and pandas through
// SQLAlchemy + PyMySQL (/usr/bin/python3). .ci/run installs those clients; a test whose
// client is missing fails with the package to install, unless DSQL_IT_ALLOW_MISSING=1.
package integration

import (
	"bytes"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
)

// itBin is the dsql binary under test, built once by TestMain.
var itBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dsql-it-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	itBin = filepath.Join(dir, "dsql")
	build := exec.Command("go", "build", "-o", itBin, "../cmd/dsql")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building dsql:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// itRun runs dsql with args in dir and returns its combined output; it fails the test on
// a non-zero exit.
func itRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(itBin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("dsql %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// itNewRepo makes <tmp>/<name>, runs `dsql init` in it and returns its path. The server
// serves it as database <name>.
func itNewRepo(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	itRun(t, dir, "init")
	return dir
}

func itFreePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// itServer is a running `dsql sql-server`.
type itServer struct {
	t    *testing.T
	dir  string
	port int
	cmd  *exec.Cmd
	mu   sync.Mutex
	logs bytes.Buffer
	done chan error
}

func (s *itServer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.Write(p)
}

func (s *itServer) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

// itStart starts `dsql sql-server` in dir on a free loopback port and waits until it
// accepts connections. The server is killed at the end of the test if still running.
func itStart(t *testing.T, dir string) *itServer {
	t.Helper()
	s := &itServer{t: t, dir: dir, port: itFreePort(t), done: make(chan error, 1)}
	s.cmd = exec.Command(itBin, "sql-server", "--host", "127.0.0.1", "--port", fmt.Sprint(s.port))
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = s, s
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			t.Fatalf("dsql sql-server exited early: %v\n%s", err, s.output())
		default:
		}
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("dsql sql-server did not listen on port %d within 30s\n%s", s.port, s.output())
	return nil
}

// stop sends SIGTERM and expects a clean exit (status 0) within 20 s.
func (s *itServer) stop() {
	s.t.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			s.t.Fatalf("dsql sql-server exited with %v after SIGTERM\n%s", err, s.output())
		}
	case <-time.After(20 * time.Second):
		s.t.Fatalf("dsql sql-server still running 20s after SIGTERM\n%s", s.output())
	}
}

// kill9 kills the server the hard way, as a crash or power cut would.
func (s *itServer) kill9() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// db opens a go-sql-driver connection pool to database name.
func (s *itServer) db(name string) *sql.DB {
	s.t.Helper()
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/%s", s.port, name))
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { db.Close() })
	return db
}

// itNeed returns the path of an external client program, or fails (skips with
// DSQL_IT_ALLOW_MISSING=1) saying which Debian package provides it.
func itNeed(t *testing.T, prog, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err == nil {
		return p
	}
	if os.Getenv("DSQL_IT_ALLOW_MISSING") == "1" {
		t.Skipf("%s not installed (apt-get install %s)", prog, pkg)
	}
	t.Fatalf("%s not installed: apt-get install %s (.ci/run does this)", prog, pkg)
	return ""
}

func itExec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}
