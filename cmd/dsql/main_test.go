package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"dsql.dev/earlyinit"
)

func TestMain(m *testing.M) {
	earlyinit.Restore() // as main does: the GC was off during package initialisation
	os.Exit(m.Run())
}

// TestGCPercentRestored: after earlyinit.Restore (the first thing main does) the GC runs
// with the percentage $GOGC asks for (100 if unset, -1 for off), as if earlyinit had never
// turned it off.
func TestGCPercentRestored(t *testing.T) {
	want := 100
	switch v := os.Getenv("GOGC"); v {
	case "":
	case "off":
		want = -1
	default:
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Skipf("GOGC=%q", v)
		}
		want = n
	}
	earlyinit.Restore()
	got := debug.SetGCPercent(want)
	if got != want {
		t.Errorf("GC percent after Restore = %d, want %d (GOGC=%q)", got, want, os.Getenv("GOGC"))
	}
}

// TestBinary builds the real dsql binary, with the version set through -ldflags the way a
// release build sets it, and checks what a shell sees: output, stderr and exit codes.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "dsql")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command("go", "build", "-o", bin,
		"-ldflags", "-X github.com/dsqldb/dsql/cli.Version=1.2.3-ldflags", ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	tests := []struct {
		args       []string
		wantCode   int
		wantStdout string // prefix of stdout
		wantStderr string // prefix of stderr
	}{
		{args: []string{"version"}, wantCode: 0, wantStdout: "dsql version 1.2.3-ldflags\nstorage format: "},
		{args: []string{"--version"}, wantCode: 0, wantStdout: "dsql version 1.2.3-ldflags\n"},
		{args: []string{"--help"}, wantCode: 0, wantStdout: "Git for tables: a versioned SQL database\n"},
		{args: []string{"frobnicate"}, wantCode: 2, wantStderr: "dsql: unknown command \"frobnicate\""},
		{args: []string{"--frobnicate"}, wantCode: 2, wantStderr: "dsql: unknown flag: --frobnicate\n"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, tt.args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code = exitErr.ExitCode()
		} else if err != nil {
			t.Fatalf("dsql %s: %v", strings.Join(tt.args, " "), err)
		}
		if code != tt.wantCode {
			t.Errorf("dsql %s: exit code %d, want %d (stderr %q)", strings.Join(tt.args, " "), code, tt.wantCode, stderr.String())
		}
		if !strings.HasPrefix(stdout.String(), tt.wantStdout) {
			t.Errorf("dsql %s: stdout %q, want prefix %q", strings.Join(tt.args, " "), stdout.String(), tt.wantStdout)
		}
		if !strings.HasPrefix(stderr.String(), tt.wantStderr) || (tt.wantStderr == "" && stderr.Len() > 0) {
			t.Errorf("dsql %s: stderr %q, want prefix %q", strings.Join(tt.args, " "), stderr.String(), tt.wantStderr)
		}
	}
}
