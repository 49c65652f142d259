package server

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// LocalFile is where a running server leaves the address and the credentials with which
// dsql commands on the same machine reach it (see LocalServer), relative to the data
// directory. It is written (mode 0600) when the server starts accepting and removed
// when it stops; a file left by a killed server is recognised as stale (its process is
// gone or its port does not answer) and ignored.
var LocalFile = filepath.Join(".dsqlcfg", "sql-server.json")

// localUser is the ephemeral superuser local dsql commands log in as. Its password is
// random per server process and exists only in memory and in LocalFile.
const localUser = "dsql_local"

// LocalInfo is the content of LocalFile.
type LocalInfo struct {
	PID      int    `json:"pid"`
	Address  string `json:"address"` // host:port to dial
	User     string `json:"user"`
	Password string `json:"password"`
	DataDir  string `json:"data_dir"`
}

// DSN returns a go-sql-driver/mysql data source name for database db on the server.
func (li LocalInfo) DSN(db string) string {
	return fmt.Sprintf("%s:%s@tcp(%s)/%s?parseTime=true&loc=UTC", li.User, li.Password, li.Address, db)
}

func newLocalPassword() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// dialAddress turns a listening address into one a local client can dial (a wildcard
// host becomes the loopback address).
func dialAddress(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// writeLocalFile records li in dataDir's LocalFile.
func writeLocalFile(dataDir string, li LocalInfo) error {
	data, err := json.MarshalIndent(li, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dataDir, LocalFile)
	if err := writeFileAtomic(path, data); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

// removeLocalFile removes dataDir's LocalFile if it is this process's.
func removeLocalFile(dataDir string) {
	path := filepath.Join(dataDir, LocalFile)
	if li, err := readLocalFile(path); err == nil && li.PID == os.Getpid() {
		_ = os.Remove(path)
	}
}

func readLocalFile(path string) (LocalInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return LocalInfo{}, err
	}
	var li LocalInfo
	if err := json.Unmarshal(data, &li); err != nil {
		return LocalInfo{}, fmt.Errorf("%s: %w", path, err)
	}
	return li, nil
}

// ErrNoLocalServer means no running server serves a repository.
var ErrNoLocalServer = errors.New("no running dsql sql-server serves this repository")

// LocalServer finds the running server that serves the repository in dir: one whose
// data directory is dir itself or dir's parent (a server of many repositories). It
// returns the server's LocalInfo and the database name of the repository there.
func LocalServer(dir string) (LocalInfo, string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return LocalInfo{}, "", err
	}
	for _, dataDir := range []string{dir, filepath.Dir(dir)} {
		li, err := readLocalFile(filepath.Join(dataDir, LocalFile))
		if err != nil || !li.alive() {
			continue
		}
		return li, filepath.Base(dir), nil
	}
	return LocalInfo{}, "", ErrNoLocalServer
}

// alive reports whether the server that wrote li still runs and listens.
func (li LocalInfo) alive() bool {
	if li.PID <= 0 || li.Address == "" {
		return false
	}
	if err := syscall.Kill(li.PID, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	c, err := net.DialTimeout("tcp", li.Address, time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// String names the server for messages.
func (li LocalInfo) String() string {
	return "dsql sql-server (pid " + strconv.Itoa(li.PID) + ") on " + li.Address
}
