package server

import (
	"fmt"
	"io"
	"os"

	"github.com/dolthub/go-mysql-server/sql"
)

// setLoadDataVariables turns @@local_infile on (GMS's default is off), as MariaDB does:
// LOAD DATA LOCAL INFILE then works for every client that offers its file (mysql
// --local-infile=1, go-sql-driver with allowAllFiles=true or a registered reader). The
// file is the client's own, so accepting it gives the client no access it did not have;
// SET GLOBAL local_infile = 0 refuses LOCAL again. Non-LOCAL LOAD DATA reads a file of
// the server's machine, under @@secure_file_priv when that is set.
func setLoadDataVariables() error {
	if err := sql.SystemVariables.AssignValues(map[string]any{"local_infile": int8(1)}); err != nil {
		return fmt.Errorf("server: setting @@local_infile: %w", err)
	}
	return nil
}

// localInfile is the LOAD DATA LOCAL INFILE service of an embedded session (dsql sql):
// the client is this process, so the file is opened where it runs.
func localInfile(name string) (io.ReadCloser, error) {
	return os.Open(name)
}
