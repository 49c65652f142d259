package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsqldb/dsql/server"
)

func TestInitTwice(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "inventory")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runInit(context.Background(), initOptions{dir: dir}, &out); err != nil {
		t.Fatalf("first init: %v", err)
	}
	want := "Initialized an empty dsql repository in " + filepath.Join(dir, ".dsql") + " (database inventory, branch main)\n"
	if out.String() != want {
		t.Errorf("init printed %q, want %q", out.String(), want)
	}
	if fi, err := os.Stat(filepath.Join(dir, ".dsql")); err != nil || !fi.IsDir() {
		t.Fatalf("no .dsql directory after init: %v", err)
	}

	out.Reset()
	err := runInit(context.Background(), initOptions{dir: dir}, &out)
	if !errors.Is(err, server.ErrAlreadyRepository) {
		t.Fatalf("second init: err = %v, want ErrAlreadyRepository", err)
	}
	if want := dir + " is already a dsql repository (it has a .dsql directory)"; err.Error() != want {
		t.Errorf("second init: error %q, want %q", err, want)
	}
	if out.Len() != 0 {
		t.Errorf("second init printed %q", out.String())
	}
}

// TestMainInitTwice checks the exit codes through Main. Not parallel: it changes the
// working directory.
func TestMainInitTwice(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if code, stdout, stderr := runMain(t, "init", "--name", "Ada", "--email", "ada@example.com"); code != ExitOK ||
		!strings.HasPrefix(stdout, "Initialized an empty dsql repository") || stderr != "" {
		t.Fatalf("first init: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr := runMain(t, "init")
	if code != ExitError || stdout != "" || stderr != "dsql: "+dir+" is already a dsql repository (it has a .dsql directory)\n" {
		t.Errorf("second init: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestAuthorSignature(t *testing.T) {
	env := map[string]string{envAuthorName: "Env Name", envAuthorEmail: "env@example.com"}
	getenv := func(k string) string { return env[k] }
	if s := authorSignature("Flag", "flag@example.com", getenv); s.Name != "Flag" || s.Email != "flag@example.com" {
		t.Errorf("flags: %+v", s)
	}
	if s := authorSignature("", "", getenv); s.Name != "Env Name" || s.Email != "env@example.com" {
		t.Errorf("environment: %+v", s)
	}
	if s := authorSignature("", "", func(string) string { return "" }); s.Name == "" || !strings.HasSuffix(s.Email, "@localhost") {
		t.Errorf("defaults: %+v", s)
	}
}
