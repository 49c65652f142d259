package integration

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ccSelfSignedCert writes a self-signed certificate for 127.0.0.1/localhost (its own CA)
// and its key as PEM files into dir and returns their paths.
func ccSelfSignedCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "dsql integration test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// ccStartTLS starts `dsql sql-server` serving dir with TLS on (listener.tls_cert and
// listener.tls_key of a YAML config file) and returns the server and the certificate.
func ccStartTLS(t *testing.T, dir string) (*itServer, string) {
	t.Helper()
	cfgDir := t.TempDir()
	cert, key := ccSelfSignedCert(t, cfgDir)
	cfgFile := filepath.Join(cfgDir, "server.yaml")
	yaml := fmt.Sprintf("listener:\n  tls_cert: %s\n  tls_key: %s\n", cert, key)
	if err := os.WriteFile(cfgFile, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return ccStartArgs(t, dir, "--config", cfgFile), cert
}

// ccStartArgs is itStart with extra sql-server arguments.
func ccStartArgs(t *testing.T, dir string, extra ...string) *itServer {
	t.Helper()
	s := &itServer{t: t, dir: dir, port: itFreePort(t), done: make(chan error, 1)}
	args := append([]string{"sql-server", "--host", "127.0.0.1", "--port", fmt.Sprint(s.port)}, extra...)
	s.cmd = exec.Command(itBin, args...)
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
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.port), 200*time.Millisecond); err == nil {
			c.Close()
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("dsql sql-server did not listen on port %d within 30s\n%s", s.port, s.output())
	return nil
}

// ccNodeDir returns integration-tests/node after checking that node and its
// node_modules (npm ci, which .ci/run does) are there.
func ccNodeDir(t *testing.T) (node, dir string) {
	t.Helper()
	node = itNeed(t, "node", "nodejs npm")
	dir, err := filepath.Abs("node")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "mysql2", "package.json")); err != nil {
		if os.Getenv("DSQL_IT_ALLOW_MISSING") == "1" {
			t.Skipf("mysql2 not installed (cd integration-tests/node && npm ci)")
		}
		t.Fatalf("mysql2 not installed: cd integration-tests/node && npm ci (.ci/run does this)")
	}
	return node, dir
}

// TestNodeMySQL2 drives the server with mysql2 (integration-tests/node/clients.js):
// query() and execute() (prepared statements, reused), every common column type, errors,
// transactions, multiple statements, AS OF, a pool on db/feature, and a user with
// caching_sha2_password logging in over TLS (full authentication, then again).
func TestNodeMySQL2(t *testing.T) {
	node, nodeDir := ccNodeDir(t)
	dir := itNewRepo(t, "nodedb")
	s, cert := ccStartTLS(t, dir)
	db := s.db("nodedb")
	itExec(t, db, "CREATE USER 'app'@'%' IDENTIFIED WITH caching_sha2_password BY 's3cret-pw'",
		"GRANT ALL PRIVILEGES ON *.* TO 'app'@'%'")
	cfg, _ := json.Marshal(map[string]any{
		"host": "127.0.0.1", "port": s.port, "db": "nodedb", "user": "app", "password": "s3cret-pw", "ca": cert,
	})
	cmd := exec.Command(node, "clients.js", string(cfg))
	cmd.Dir = nodeDir
	out, err := cmd.CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var res struct {
		Versions map[string]string
		Checks   int
		Failures []string
	}
	if jerr := json.Unmarshal([]byte(lines[len(lines)-1]), &res); jerr != nil || err != nil {
		t.Fatalf("node clients.js: %v\n%s\nserver log:\n%s", err, out, s.output())
	}
	t.Logf("%d checks, versions %v", res.Checks, res.Versions)
	if res.Checks < 30 {
		t.Errorf("only %d checks ran", res.Checks)
	}
	if len(res.Failures) > 0 {
		t.Errorf("%d of %d mysql2 checks failed:\n%s", len(res.Failures), res.Checks, strings.Join(res.Failures, "\n"))
	}
	s.stop()
}
