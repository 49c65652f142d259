package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Defaults of the settings a Config leaves unset.
const (
	DefaultHost           = "127.0.0.1"
	DefaultPort           = 3306
	DefaultMaxConnections = 100
	DefaultLogLevel       = "info"
	DefaultUserHost       = "localhost"
	// DefaultPollWait is how long a connection's thread waits in poll(2) for the
	// client's next packet before handing the wait to Go's network poller
	// (pollconn_linux.go).
	DefaultPollWait = 2 * time.Millisecond
	maxPollWait     = time.Second
	// DefaultSpinWait is how long a connection's thread first polls its socket without
	// sleeping, for a client that answers fast (pollconn_linux.go, "Spinning").
	DefaultSpinWait = 50 * time.Microsecond
	maxSpinWait     = time.Millisecond
	// DefaultIdleRelease is how long the server must have run no statement before it
	// drops its caches of decoded tree nodes and hands freed memory back (idle.go).
	DefaultIdleRelease = 10 * time.Second
)

// Config is the configuration of a Server, usually read from a YAML file with LoadConfig.
// The zero value is valid and means every default (see DefaultConfig). A Config is a plain
// value: copy it freely; it is not safe to change one while New reads it.
//
// The YAML file has these keys (all optional):
//
//	listener:
//	  host: 127.0.0.1            # address to listen on
//	  port: 3306
//	  max_connections: 100       # simultaneous client connections; more wait, then fail
//	  tls_cert: server.crt       # PEM files; when both are set TLS is offered
//	  tls_key: server.key
//	  require_secure_transport: false  # refuse clients that do not use TLS
//	  poll_wait: 2ms             # a connection's thread waits this long for the next
//	                             # statement before parking (0s: park at once; Linux)
//	  spin_wait: 50us            # of which it first spends this long polling without
//	                             # sleeping, for clients that answer fast (0s: never)
//	idle_release: 10s            # after this long without statements, drop the node
//	                             # caches and return free memory (0s: never)
//	read_only: false             # refuse every statement that writes
//	log_level: info              # debug, info, warn or error
//	data_dir: dbs                # where the repositories are (relative to the file;
//	                             # default: the current directory)
//	users:                       # superusers that exist while the server runs
//	  - name: root               # (not stored; CREATE USER makes stored users)
//	    password: ""
//	    host: localhost          # "%" for any host
//
// An unknown key is an error naming the key and its line.
type Config struct {
	Listener ListenerConfig `yaml:"listener"`
	// ReadOnly refuses statements that write (data, schema, users).
	ReadOnly bool `yaml:"read_only"`
	// LogLevel is debug, info, warn or error ("" = info).
	LogLevel string `yaml:"log_level"`
	// Users are superusers that exist while the server runs (not persisted). Empty means
	// root@localhost with an empty password.
	Users []UserConfig `yaml:"users"`
	// DataDir holds the repositories: every subdirectory with a .dsql store is a
	// database, and so is DataDir itself if it has one. "" means the current directory.
	DataDir string `yaml:"data_dir"`
	// IdleRelease is how long the server must have run no statement before it drops its
	// caches of decoded tree nodes and returns freed memory to the operating system
	// (idle.go). nil means DefaultIdleRelease; 0 never.
	IdleRelease *time.Duration `yaml:"idle_release"`
}

// idleRelease is IdleRelease with its default.
func (c Config) idleRelease() time.Duration {
	if c.IdleRelease == nil {
		return DefaultIdleRelease
	}
	return *c.IdleRelease
}

// ListenerConfig is the network part of a Config.
type ListenerConfig struct {
	Host string `yaml:"host"`
	// Port is the TCP port; 0 in a Config means DefaultPort. (A test that wants any free
	// port passes its own net.Listener to New through Options.)
	Port           int    `yaml:"port"`
	MaxConnections uint64 `yaml:"max_connections"`
	TLSCert        string `yaml:"tls_cert"`
	TLSKey         string `yaml:"tls_key"`
	// RequireSecureTransport refuses connections that do not use TLS; needs TLSCert/TLSKey.
	RequireSecureTransport bool `yaml:"require_secure_transport"`
	// PollWait is how long a connection's thread waits in poll(2) for the client's next
	// packet before parking in Go's network poller: waking the reading thread directly
	// saves several thread wake-ups per statement. nil means DefaultPollWait; 0 parks at
	// once. Linux only (elsewhere reads always park).
	PollWait *time.Duration `yaml:"poll_wait"`
	// SpinWait is how long, at the start of that wait, the thread polls the socket
	// without sleeping, for a client whose next packet comes that fast (most do inside
	// a transaction): a packet that finds the thread awake costs no wake-up. A
	// connection whose client does not answer that fast stops spinning (backing off),
	// and at most half the CPUs spin at once. nil means DefaultSpinWait; 0 never
	// spins. Only with a PollWait (Linux).
	SpinWait *time.Duration `yaml:"spin_wait"`
}

// spinWait is SpinWait with its default.
func (l ListenerConfig) spinWait() time.Duration {
	if l.SpinWait == nil {
		return DefaultSpinWait
	}
	return *l.SpinWait
}

// pollWait is PollWait with its default.
func (l ListenerConfig) pollWait() time.Duration {
	if l.PollWait == nil {
		return DefaultPollWait
	}
	return *l.PollWait
}

// UserConfig is a superuser defined by the configuration.
type UserConfig struct {
	Name     string `yaml:"name"`
	Password string `yaml:"password"`
	// Host the user may connect from: "localhost" (default; loopback addresses count as
	// localhost), a host name or address, or "%" for any.
	Host string `yaml:"host"`
}

// DefaultConfig returns the configuration used when there is no file: listen on
// 127.0.0.1:3306, 100 connections, log level info, root@localhost without a password,
// the current directory as data directory (DataDir "").
func DefaultConfig() Config {
	var c Config
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	if c.Listener.Host == "" {
		c.Listener.Host = DefaultHost
	}
	if c.Listener.Port == 0 {
		c.Listener.Port = DefaultPort
	}
	if c.Listener.MaxConnections == 0 {
		c.Listener.MaxConnections = DefaultMaxConnections
	}
	if c.LogLevel == "" {
		c.LogLevel = DefaultLogLevel
	}
	if len(c.Users) == 0 {
		c.Users = []UserConfig{{Name: "root", Host: DefaultUserHost}}
	}
	for i := range c.Users {
		if c.Users[i].Host == "" {
			c.Users[i].Host = DefaultUserHost
		}
	}
}

// Address is the listener's host:port.
func (c Config) Address() string {
	return net.JoinHostPort(c.Listener.Host, strconv.Itoa(c.Listener.Port))
}

// Validate reports the first setting that makes no sense, or nil.
func (c Config) Validate() error {
	if c.Listener.Port < 0 || c.Listener.Port > 65535 {
		return fmt.Errorf("config: listener.port %d is not a TCP port (0-65535)", c.Listener.Port)
	}
	if w := c.Listener.pollWait(); w < 0 || w > maxPollWait {
		return fmt.Errorf("config: listener.poll_wait %v is out of range; give a duration from 0s to %v, such as 2ms", w, maxPollWait)
	}
	if w := c.Listener.spinWait(); w < 0 || w > maxSpinWait {
		return fmt.Errorf("config: listener.spin_wait %v is out of range; give a duration from 0s to %v, such as 50us", w, maxSpinWait)
	}
	if r := c.idleRelease(); r < 0 {
		return fmt.Errorf("config: idle_release %v is negative; give a duration such as 10s, or 0s to never release", r)
	}
	if _, err := ParseLogLevel(c.LogLevel); err != nil {
		return err
	}
	if (c.Listener.TLSCert == "") != (c.Listener.TLSKey == "") {
		return errors.New("config: listener.tls_cert and listener.tls_key must be set together")
	}
	if c.Listener.RequireSecureTransport && c.Listener.TLSCert == "" {
		return errors.New("config: listener.require_secure_transport needs listener.tls_cert and listener.tls_key")
	}
	for i, u := range c.Users {
		if u.Name == "" {
			return fmt.Errorf("config: users[%d] has no name", i)
		}
	}
	return nil
}

// ParseLogLevel maps debug, info, warn and error ("" = info) to slog levels.
func ParseLogLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "", "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("config: log_level %q is not one of debug, info, warn, error", s)
}

// LoadConfig reads the YAML file at path strictly (unknown keys, wrong types and extra
// documents are errors naming the line), fills in defaults and validates the result.
// Relative paths in the file (data_dir, TLS files) are taken relative to the file's
// directory.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	c, err := ParseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	base := filepath.Dir(path)
	for _, p := range []*string{&c.DataDir, &c.Listener.TLSCert, &c.Listener.TLSKey} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(base, *p)
		}
	}
	return c, nil
}

// ParseConfig decodes a YAML configuration strictly, fills in defaults and validates it.
// Relative paths stay as they are (relative to the current directory).
func ParseConfig(data []byte) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(&c)
	switch {
	case errors.Is(err, io.EOF): // empty file: every default
	case err != nil:
		return Config{}, configError(err)
	default:
		var extra yaml.Node
		if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
			return Config{}, errors.New("config: the file holds more than one YAML document")
		}
	}
	c.applyDefaults()
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

var unknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type \S+$`)

// configError rewrites yaml's decoding errors into "config: line N: unknown key "k""
// lines; other messages keep yaml's wording.
func configError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("config: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		if g := unknownField.FindStringSubmatch(m); g != nil {
			m = fmt.Sprintf("line %s: unknown key %q", g[1], g[2])
		}
		msgs[i] = m
	}
	return fmt.Errorf("config: %s", strings.Join(msgs, "; "))
}
