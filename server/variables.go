package server

import (
	"crypto/tls"
	"fmt"
	"net"

	"github.com/dolthub/go-mysql-server/sql"
)

// VersionComment is @@version_comment, which tools show next to @@version.
const VersionComment = "dsql"

// DefaultSQLMode is MySQL 8.0's default @@sql_mode (GMS's lacks NO_ZERO_IN_DATE,
// NO_ZERO_DATE and ERROR_FOR_DIVISION_BY_ZERO).
const DefaultSQLMode = "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"

// setVersionVariables makes @@version (and so VERSION()) the version the server announces
// in its handshake, ServerVersion, @@version_comment VersionComment, and @@sql_mode
// MySQL 8.0's default, in place of GMS's defaults (8.0.31, "Dolt", a mode without
// ERROR_FOR_DIVISION_BY_ZERO). The variables are global to the process; sessions made
// after the call see these values.
func setVersionVariables() error {
	if err := sql.SystemVariables.AssignValues(map[string]any{
		"version":         ServerVersion,
		"version_comment": VersionComment,
		"sql_mode":        DefaultSQLMode,
	}); err != nil {
		return fmt.Errorf("server: setting @@version: %w", err)
	}
	return nil
}

// setTLSStatus sets the session status variables Ssl_cipher and Ssl_version of a session
// whose connection is conn (the connection under vitess's mysql.Conn), as MySQL does for a
// TLS connection; for a plain one they stay empty. Called once the client has logged in,
// so the TLS handshake is done.
func setTLSStatus(base *sql.BaseSession, conn net.Conn) {
	tc, ok := conn.(*tls.Conn)
	if !ok {
		return
	}
	st := tc.ConnectionState()
	if !st.HandshakeComplete {
		return
	}
	_ = base.SetStatusVariable(nil, "Ssl_cipher", tls.CipherSuiteName(st.CipherSuite))
	_ = base.SetStatusVariable(nil, "Ssl_version", tlsVersionName(st.Version))
}

// tlsVersionName names a TLS version the way MySQL's Ssl_version does ("TLSv1.3").
func tlsVersionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLSv1"
	case tls.VersionTLS11:
		return "TLSv1.1"
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS13:
		return "TLSv1.3"
	}
	return tls.VersionName(v)
}
