package server

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// TestServerVersionVariables: @@version and VERSION() are the version of the handshake,
// @@version_comment names dsql.
func TestServerVersionVariables(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	var version, fn, comment string
	if err := db.QueryRow("SELECT @@version, VERSION(), @@version_comment").Scan(&version, &fn, &comment); err != nil {
		t.Fatal(err)
	}
	if version != ServerVersion || fn != ServerVersion || comment != VersionComment {
		t.Errorf("@@version, VERSION(), @@version_comment = %q, %q, %q; want %q, %q, %q",
			version, fn, comment, ServerVersion, ServerVersion, VersionComment)
	}
	var name, value string
	if err := db.QueryRow("SHOW VARIABLES LIKE 'version_comment'").Scan(&name, &value); err != nil || value != VersionComment {
		t.Errorf("SHOW VARIABLES LIKE 'version_comment' = %q, %v", value, err)
	}
}

// TestServerTLSStatus: SHOW STATUS tells a TLS client its cipher and protocol version; a
// plain client sees them empty.
func TestServerTLSStatus(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.Listener.TLSCert, cfg.Listener.TLSKey = writeSelfSignedCert(t, t.TempDir())
	s, _ := startServer(t, cfg)

	status := func(tlsMode, name string) string {
		t.Helper()
		c, err := mysql.ParseDSN("root@tcp(" + s.Addr().String() + ")/?tls=" + tlsMode)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := mysql.NewConnector(c)
		if err != nil {
			t.Fatal(err)
		}
		db := sql.OpenDB(conn)
		defer db.Close()
		var n, v string
		if err := db.QueryRow("SHOW STATUS LIKE '"+name+"'").Scan(&n, &v); err != nil {
			t.Fatalf("SHOW STATUS LIKE '%s' (tls=%s): %v", name, tlsMode, err)
		}
		return v
	}
	if c := status("skip-verify", "Ssl_cipher"); !strings.HasPrefix(c, "TLS_") {
		t.Errorf("Ssl_cipher over TLS = %q, want a cipher suite name", c)
	}
	if v := status("skip-verify", "Ssl_version"); !strings.HasPrefix(v, "TLSv1.") {
		t.Errorf("Ssl_version over TLS = %q, want TLSv1.x", v)
	}
	if c := status("false", "Ssl_cipher"); c != "" {
		t.Errorf("Ssl_cipher without TLS = %q, want empty", c)
	}
}
