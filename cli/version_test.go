package cli

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/dsqldb/dsql/storage"
)

func TestRunVersion(t *testing.T) {
	head := fmt.Sprintf("dsql version %s\nstorage format: %d\ngo: %s\n",
		Version, storage.FormatVersion, runtime.Version())
	tests := []struct {
		name     string
		settings []debug.BuildSetting
		noInfo   bool
		want     string
	}{
		{name: "no build info", noInfo: true, want: head},
		{name: "no vcs info", settings: []debug.BuildSetting{{Key: "-compiler", Value: "gc"}}, want: head},
		{
			name: "clean revision",
			settings: []debug.BuildSetting{
				{Key: "vcs", Value: "git"},
				{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
				{Key: "vcs.modified", Value: "false"},
			},
			want: head + "revision: 0123456789abcdef0123456789abcdef01234567\n",
		},
		{
			name: "modified tree",
			settings: []debug.BuildSetting{
				{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
				{Key: "vcs.modified", Value: "true"},
			},
			want: head + "revision: 0123456789abcdef0123456789abcdef01234567 (modified)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := versionOptions{readBuildInfo: func() (*debug.BuildInfo, bool) {
				if tt.noInfo {
					return nil, false
				}
				return &debug.BuildInfo{GoVersion: runtime.Version(), Settings: tt.settings}, true
			}}
			var out bytes.Buffer
			if err := runVersion(context.Background(), opts, &out); err != nil {
				t.Fatalf("runVersion: %v", err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("runVersion printed %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVersionVariable checks that the link-time variable is what "dsql version" and
// "dsql --version" print. Not parallel: it changes a package variable.
func TestVersionVariable(t *testing.T) {
	saved := Version
	t.Cleanup(func() { Version = saved })
	Version = "9.8.7-test"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, stdout, stderr := runMain(t, args...)
		if code != ExitOK || stderr != "" {
			t.Fatalf("dsql %s: exit %d, stderr %q", args[0], code, stderr)
		}
		if first, _, _ := strings.Cut(stdout, "\n"); first != "dsql version 9.8.7-test" {
			t.Errorf("dsql %s: first line %q, want %q", args[0], first, "dsql version 9.8.7-test")
		}
	}
}
