package server

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/pebblestore"
)

// syncBuffer is a bytes.Buffer safe for the server's logging goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// initRepo makes dir a repository the way dsql init does: a pebblestore in dir/.dsql with
// branch main and the initial commit.
func initRepo(t *testing.T, dir string) {
	t.Helper()
	st, err := pebblestore.Open(filepath.Join(dir, ".dsql"), pebblestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Init(context.Background(), st, repo.Signature{Name: "t", Email: "t@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

// testConfig serves dataDir on a free loopback port.
func testConfig(dataDir string) Config {
	cfg := DefaultConfig()
	cfg.DataDir = dataDir
	cfg.Listener.Port = 0 // any free port
	cfg.LogLevel = "debug"
	return cfg
}

// startServer starts a server with cfg and closes it when the test ends.
func startServer(t *testing.T, cfg Config) (*Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	s, err := New(context.Background(), cfg, Options{Log: logs})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := s.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return s, logs
}

// connect opens a database/sql handle to s as user:password, database db ("" = none).
func connect(t *testing.T, s *Server, user, password, db string) *sql.DB {
	t.Helper()
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = user, password, "tcp", s.Addr().String(), db
	cfg.AllowNativePasswords = true
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := sql.OpenDB(conn)
	t.Cleanup(func() { _ = h.Close() })
	return h
}

func mustExec(t *testing.T, db *sql.DB, qs ...string) {
	t.Helper()
	for _, q := range qs {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// mysqlErrno returns the MySQL error number of err, or 0.
func mysqlErrno(err error) uint16 {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number
	}
	return 0
}

func TestServerCreateInsertSelect(t *testing.T) {
	dir := t.TempDir()
	s, _ := startServer(t, testConfig(dir))
	db := connect(t, s, "root", "", "")
	mustExec(t, db,
		"CREATE DATABASE shop",
		"CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(6,2))",
		"INSERT INTO shop.items VALUES (1, 'apple', 0.50), (2, 'pear', 0.75)",
		"UPDATE shop.items SET price = 0.60 WHERE id = 1",
	)
	rows, err := db.Query("SELECT id, name, price FROM shop.items ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id int
		var name, price string
		if err := rows.Scan(&id, &name, &price); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s %s", id, name, price))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"1 apple 0.60", "2 pear 0.75"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rows = %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "shop", ".dsql")); err != nil {
		t.Errorf("CREATE DATABASE did not make a repository directory: %v", err)
	}
}

// TestServerServesDataDirRepository: a data directory that is itself a repository (dsql
// init) is a database named after the directory, and sessions start in it.
func TestServerServesDataDirRepository(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "inventory")
	initRepo(t, dir)
	s, _ := startServer(t, testConfig(dir))
	db := connect(t, s, "root", "", "")
	db.SetMaxOpenConns(1)
	var cur string
	if err := db.QueryRow("SELECT DATABASE()").Scan(&cur); err != nil {
		t.Fatal(err)
	}
	if cur != "inventory" {
		t.Errorf("current database = %q, want %q", cur, "inventory")
	}
	mustExec(t, db, "CREATE TABLE t (a INT PRIMARY KEY)", "INSERT INTO t VALUES (7)")
	var a int
	if err := db.QueryRow("SELECT a FROM inventory.t").Scan(&a); err != nil || a != 7 {
		t.Errorf("SELECT a = %d, %v; want 7", a, err)
	}
}

func TestServerWrongPassword(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.Users = []UserConfig{{Name: "admin", Password: "s3cret", Host: "%"}}
	s, _ := startServer(t, cfg)

	if err := connect(t, s, "admin", "s3cret", "").Ping(); err != nil {
		t.Fatalf("right password: %v", err)
	}
	for _, c := range []struct{ user, pw string }{{"admin", "wrong"}, {"admin", ""}, {"nobody", "s3cret"}, {"root", ""}} {
		err := connect(t, s, c.user, c.pw, "").Ping()
		if mysqlErrno(err) != 1045 {
			t.Errorf("%s/%q: err = %v, want MySQL error 1045", c.user, c.pw, err)
		}
	}
}

// TestServerUsersAndGrantsPersist: CREATE USER and GRANT survive a restart; a missing
// grant is MySQL error 1142.
func TestServerUsersAndGrantsPersist(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir)
	s, err := New(context.Background(), cfg, Options{Log: &syncBuffer{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	root := connect(t, s, "root", "", "")
	mustExec(t, root,
		"CREATE DATABASE app",
		"CREATE TABLE app.t (a INT PRIMARY KEY)",
		"INSERT INTO app.t VALUES (1)",
		"CREATE USER 'reader'@'%' IDENTIFIED BY 'pw'",
		"GRANT SELECT ON app.* TO 'reader'@'%'",
	)
	_ = root.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, PrivilegesFile)); err != nil {
		t.Fatalf("privileges file not written: %v", err)
	}

	s2, _ := startServer(t, cfg) // restart over the same directory
	reader := connect(t, s2, "reader", "pw", "app")
	var a int
	if err := reader.QueryRow("SELECT a FROM t").Scan(&a); err != nil || a != 1 {
		t.Fatalf("reader SELECT after restart: a=%d err=%v", a, err)
	}
	_, err = reader.Exec("INSERT INTO t VALUES (2)")
	if mysqlErrno(err) != 1142 {
		t.Errorf("reader INSERT: err = %v, want MySQL error 1142", err)
	}
	if err := connect(t, s2, "reader", "bad", "app").Ping(); mysqlErrno(err) != 1045 {
		t.Errorf("reader with a wrong password: err = %v, want 1045", err)
	}
}

func TestServerSecondProcessInUse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "busy")
	initRepo(t, dir)
	startServer(t, testConfig(dir))

	_, err := New(context.Background(), testConfig(dir), Options{Log: &syncBuffer{}})
	if !errors.Is(err, ErrInUse) || !errors.Is(err, storage.ErrInUse) {
		t.Fatalf("second server: err = %v, want ErrInUse", err)
	}
	want := "database busy is in use by another dsql process (lock held on " + filepath.Join(dir, ".dsql", "LOCK") + ")"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want prefix %q", err, want)
	}
}

// TestServerCloseWaitsForStatements: Close lets a running statement finish, then refuses
// new connections.
func TestServerCloseWaitsForStatements(t *testing.T) {
	cfg := testConfig(t.TempDir())
	s, err := New(context.Background(), cfg, Options{Log: &syncBuffer{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	db := connect(t, s, "root", "", "")
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		var v int
		done <- db.QueryRow("SELECT SLEEP(1)").Scan(&v)
	}()
	time.Sleep(300 * time.Millisecond) // let the statement start
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-done; err != nil {
		t.Errorf("statement in flight during Close: %v", err)
	}
	if d := time.Since(start); d < 500*time.Millisecond {
		t.Errorf("Close returned after %v, before the statement in flight ended", d)
	}
	if err := connect(t, s, "root", "", "").Ping(); err == nil {
		t.Error("a new connection after Close succeeded")
	}
}

func TestServerReadOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ro")
	initRepo(t, dir)
	cfg := testConfig(dir)
	cfg.ReadOnly = true
	s, _ := startServer(t, cfg)
	db := connect(t, s, "root", "", "ro")
	if _, err := db.Exec("CREATE TABLE t (a INT PRIMARY KEY)"); err == nil {
		t.Error("CREATE TABLE on a read-only server succeeded")
	}
	var n int
	if err := db.QueryRow("SELECT 1").Scan(&n); err != nil || n != 1 {
		t.Errorf("SELECT 1 on a read-only server: %d, %v", n, err)
	}
}

// writeSelfSignedCert writes a throwaway certificate for 127.0.0.1 and its key as PEM.
func writeSelfSignedCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "dsql test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TestServerRequireSecureTransport: with a certificate and require_secure_transport, a
// TLS client gets in and a plain one is refused.
func TestServerRequireSecureTransport(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.Listener.TLSCert, cfg.Listener.TLSKey = writeSelfSignedCert(t, t.TempDir())
	cfg.Listener.RequireSecureTransport = true
	s, _ := startServer(t, cfg)

	open := func(tlsMode string) error {
		c, err := mysql.ParseDSN("root@tcp(" + s.Addr().String() + ")/?tls=" + tlsMode)
		if err != nil {
			return err
		}
		conn, err := mysql.NewConnector(c)
		if err != nil {
			return err
		}
		db := sql.OpenDB(conn)
		defer db.Close()
		var n string
		return db.QueryRow("SELECT 1").Scan(&n)
	}
	if err := open("skip-verify"); err != nil {
		t.Errorf("TLS client: %v", err)
	}
	if err := open("false"); err == nil {
		t.Error("a plain client got in although require_secure_transport is set")
	} else {
		t.Logf("plain client refused: %v", err)
	}
}
