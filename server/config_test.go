package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseConfigDefaults(t *testing.T) {
	for _, src := range []string{"", "# nothing\n", "listener: {}\n"} {
		c, err := ParseConfig([]byte(src))
		if err != nil {
			t.Fatalf("ParseConfig(%q): %v", src, err)
		}
		if c.Address() != "127.0.0.1:3306" || c.Listener.MaxConnections != DefaultMaxConnections ||
			c.LogLevel != "info" || c.DataDir != "" || c.ReadOnly {
			t.Errorf("ParseConfig(%q) = %+v, want the defaults", src, c)
		}
		if len(c.Users) != 1 || c.Users[0] != (UserConfig{Name: "root", Host: "localhost"}) {
			t.Errorf("ParseConfig(%q).Users = %+v, want root@localhost without a password", src, c.Users)
		}
	}
}

func TestParseConfigFull(t *testing.T) {
	src := `listener:
  host: 0.0.0.0
  port: 13306
  max_connections: 7
  tls_cert: c.pem
  tls_key: k.pem
  require_secure_transport: true
read_only: true
log_level: debug
data_dir: /srv/dsql
users:
  - name: app
    password: pw
    host: "%"
  - name: ops
`
	c, err := ParseConfig([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Listener: ListenerConfig{Host: "0.0.0.0", Port: 13306, MaxConnections: 7, TLSCert: "c.pem", TLSKey: "k.pem",
			RequireSecureTransport: true},
		ReadOnly: true, LogLevel: "debug", DataDir: "/srv/dsql",
		Users: []UserConfig{{Name: "app", Password: "pw", Host: "%"}, {Name: "ops", Host: "localhost"}},
	}
	if c.Listener != want.Listener || c.ReadOnly != want.ReadOnly || c.LogLevel != want.LogLevel ||
		c.DataDir != want.DataDir || len(c.Users) != 2 || c.Users[0] != want.Users[0] || c.Users[1] != want.Users[1] {
		t.Errorf("ParseConfig =\n%+v\nwant\n%+v", c, want)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown top-level key", "log_level: info\nlisten: 1\n", `config: line 2: unknown key "listen"`},
		{"unknown nested key", "listener:\n  host: x\n  prot: 3306\n", `config: line 3: unknown key "prot"`},
		{"unknown user key", "users:\n  - name: a\n    passwd: b\n", `config: line 3: unknown key "passwd"`},
		{"wrong type", "listener:\n  port: lots\n", "config: line 2: cannot unmarshal !!str `lots` into int"},
		{"bad log level", "log_level: loud\n", `config: log_level "loud" is not one of debug, info, warn, error`},
		{"bad port", "listener:\n  port: 70000\n", "config: listener.port 70000 is not a TCP port (0-65535)"},
		{"cert without key", "listener:\n  tls_cert: c.pem\n", "config: listener.tls_cert and listener.tls_key must be set together"},
		{"secure transport without TLS", "listener:\n  require_secure_transport: true\n",
			"config: listener.require_secure_transport needs listener.tls_cert and listener.tls_key"},
		{"user without name", "users:\n  - password: x\n", "config: users[0] has no name"},
		{"two documents", "read_only: true\n---\nread_only: false\n", "config: the file holds more than one YAML document"},
		{"not YAML", "listener: [\n", "config: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.src))
			if err == nil {
				t.Fatalf("ParseConfig(%q) succeeded, want error %q", tt.src, tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("ParseConfig(%q) error = %q, want prefix %q", tt.src, err, tt.want)
			}
		})
	}
}

func TestLoadConfigRelativePathsAndFileName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "server.yaml")
	if err := os.WriteFile(path, []byte("data_dir: dbs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != filepath.Join(dir, "dbs") {
		t.Errorf("DataDir = %q, want it relative to the file: %q", c.DataDir, filepath.Join(dir, "dbs"))
	}
	if err := os.WriteFile(path, []byte("bogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadConfig(path)
	if want := path + `: config: line 1: unknown key "bogus"`; err == nil || err.Error() != want {
		t.Errorf("LoadConfig error = %v, want %q", err, want)
	}
}

// TestParseConfigPollWait: listener.poll_wait takes a duration, defaults to
// DefaultPollWait, 0s turns the wait off, and a negative or huge one is refused with
// the key's name (a value that is no duration, with its line).
func TestParseConfigPollWait(t *testing.T) {
	for src, want := range map[string]time.Duration{
		"":                                DefaultPollWait,
		"listener:\n  poll_wait: 5ms\n":   5 * time.Millisecond,
		"listener:\n  poll_wait: 0s\n":    0,
		"listener:\n  poll_wait: 250us\n": 250 * time.Microsecond,
	} {
		c, err := ParseConfig([]byte(src))
		if err != nil {
			t.Fatalf("ParseConfig(%q): %v", src, err)
		}
		if got := c.Listener.pollWait(); got != want {
			t.Errorf("ParseConfig(%q): poll wait %v, want %v", src, got, want)
		}
	}
	for _, src := range []string{"listener:\n  poll_wait: -1ms\n", "listener:\n  poll_wait: 1h\n"} {
		if _, err := ParseConfig([]byte(src)); err == nil || !strings.Contains(err.Error(), "poll_wait") {
			t.Errorf("ParseConfig(%q) = %v, want an error naming poll_wait", src, err)
		}
	}
	if _, err := ParseConfig([]byte("listener:\n  poll_wait: soon\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("poll_wait: soon: %v, want an error naming line 2", err)
	}
}

// TestParseConfigIdleRelease: idle_release takes a duration, defaults to
// DefaultIdleRelease, 0s turns it off, and a negative one is refused naming the key.
func TestParseConfigIdleRelease(t *testing.T) {
	for src, want := range map[string]time.Duration{
		"":                    DefaultIdleRelease,
		"idle_release: 30s\n": 30 * time.Second,
		"idle_release: 0s\n":  0,
	} {
		cfg, err := ParseConfig([]byte(src))
		if err != nil {
			t.Fatalf("ParseConfig(%q): %v", src, err)
		}
		if got := cfg.idleRelease(); got != want {
			t.Errorf("ParseConfig(%q): idle release %v, want %v", src, got, want)
		}
	}
	if _, err := ParseConfig([]byte("idle_release: -1s\n")); err == nil || !strings.Contains(err.Error(), "idle_release") {
		t.Errorf("a negative idle_release: %v, want an error naming idle_release", err)
	}
}

// TestParseConfigSpinWait: listener.spin_wait takes a duration from 0s to 1ms and
// defaults to DefaultSpinWait; out-of-range values are refused naming the key.
func TestParseConfigSpinWait(t *testing.T) {
	for src, want := range map[string]time.Duration{
		"":                               DefaultSpinWait,
		"listener:\n  spin_wait: 50us\n": 50 * time.Microsecond,
		"listener:\n  spin_wait: 0s\n":   0,
	} {
		c, err := ParseConfig([]byte(src))
		if err != nil {
			t.Fatalf("ParseConfig(%q): %v", src, err)
		}
		if got := c.Listener.spinWait(); got != want {
			t.Errorf("ParseConfig(%q): spin wait %v, want %v", src, got, want)
		}
	}
	for _, src := range []string{"listener:\n  spin_wait: -1us\n", "listener:\n  spin_wait: 2ms\n"} {
		if _, err := ParseConfig([]byte(src)); err == nil || !strings.Contains(err.Error(), "spin_wait") {
			t.Errorf("ParseConfig(%q) = %v, want an error naming spin_wait", src, err)
		}
	}
}
