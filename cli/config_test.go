package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGlobalConfigFile(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		if k == envConfigHome {
			return dir
		}
		return ""
	}
	g := globalConfig{getenv: getenv}
	cfg, err := g.read()
	if err != nil || len(cfg) != 0 {
		t.Fatalf("read of a missing file = %v, %v; want empty", cfg, err)
	}
	if err := g.update(func(m map[string]string) error { m["user.name"] = "Ada"; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := g.update(func(m map[string]string) error { m["user.email"] = "ada@x"; return nil }); err != nil {
		t.Fatal(err)
	}
	cfg, err = g.read()
	if err != nil || cfg["user.name"] != "Ada" || cfg["user.email"] != "ada@x" {
		t.Fatalf("read back %v, %v", cfg, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != globalConfigFile {
		t.Errorf("config directory holds %v, want only %s (no temporary files left)", entries, globalConfigFile)
	}

	// A damaged file is reported with its path and what to do.
	if err := os.WriteFile(filepath.Join(dir, globalConfigFile), []byte("[1,2"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := g.read(); err == nil || !strings.Contains(err.Error(), "fix or remove the file") {
		t.Errorf("read of a damaged file: %v", err)
	}
}

func TestCheckConfigArgs(t *testing.T) {
	tests := []struct {
		opts configOptions
		args []string
		ok   bool
	}{
		{configOptions{list: true}, nil, true},
		{configOptions{get: true}, []string{"k"}, true},
		{configOptions{add: true, global: true}, []string{"k", "v"}, true},
		{configOptions{unset: true}, []string{"a", "b"}, true},
		{configOptions{}, nil, false},
		{configOptions{list: true, get: true}, []string{"k"}, false},
		{configOptions{add: true}, []string{"k"}, false},
		{configOptions{add: true}, []string{" ", "v"}, false},
		{configOptions{list: true, global: true, local: true}, nil, false},
		{configOptions{list: true}, []string{"x"}, false},
	}
	for _, tt := range tests {
		if err := checkConfigArgs(tt.opts, tt.args); (err == nil) != tt.ok {
			t.Errorf("checkConfigArgs(%+v, %q) = %v, want ok=%v", tt.opts, tt.args, err, tt.ok)
		}
	}
}

func TestConfigGlobalOutsideRepository(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		if k == envConfigHome {
			return dir
		}
		return ""
	}
	ctx := context.Background()
	opts := configOptions{dir: dir, getenv: getenv}
	add := opts
	add.add, add.global = true, true
	if err := runConfig(ctx, add, []string{"User.Name", "Ada"}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	get := opts
	get.get = true
	if err := runConfig(ctx, get, []string{"user.name"}, &out); err != nil || out.String() != "Ada\n" {
		t.Errorf("--get user.name = %q, %v; want Ada (keys are case-insensitive)", out.String(), err)
	}
}
