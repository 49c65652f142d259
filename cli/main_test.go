package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// runMain runs Main with args and returns its exit code and what it printed.
func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestMainExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // substring of stdout ("" = stdout must be empty)
		wantStderr string // exact stderr
	}{
		{name: "bare dsql prints help", args: nil, wantCode: ExitOK, wantStdout: "Available Commands:"},
		{name: "--help", args: []string{"--help"}, wantCode: ExitOK, wantStdout: "Available Commands:"},
		{name: "-h", args: []string{"-h"}, wantCode: ExitOK, wantStdout: "Available Commands:"},
		{name: "version", args: []string{"version"}, wantCode: ExitOK, wantStdout: "dsql version "},
		{name: "--version", args: []string{"--version"}, wantCode: ExitOK, wantStdout: "dsql version "},
		{name: "help of a verb", args: []string{"help", "version"}, wantCode: ExitOK, wantStdout: "dsql version [flags]"},
		{
			name: "unknown command", args: []string{"frobnicate"}, wantCode: ExitUsage,
			wantStderr: "dsql: unknown command \"frobnicate\" for \"dsql\"\nRun 'dsql --help' for usage.\n",
		},
		{
			name: "unknown command with suggestion", args: []string{"verson"}, wantCode: ExitUsage,
			wantStderr: "dsql: unknown command \"verson\" for \"dsql\"\n\nDid you mean this?\n\tversion\n\n" +
				"Run 'dsql --help' for usage.\n",
		},
		{
			name: "unknown flag", args: []string{"--frobnicate"}, wantCode: ExitUsage,
			wantStderr: "dsql: unknown flag: --frobnicate\nRun 'dsql --help' for usage.\n",
		},
		{
			name: "unknown shorthand flag", args: []string{"-x"}, wantCode: ExitUsage,
			wantStderr: "dsql: unknown shorthand flag: 'x' in -x\nRun 'dsql --help' for usage.\n",
		},
		{
			name: "unknown flag of a verb", args: []string{"version", "--frobnicate"}, wantCode: ExitUsage,
			wantStderr: "dsql: unknown flag: --frobnicate\nRun 'dsql version --help' for usage.\n",
		},
		{
			name: "bad flag value", args: []string{"--version=maybe"}, wantCode: ExitUsage,
			wantStderr: "dsql: invalid argument \"maybe\" for \"--version\" flag: " +
				"strconv.ParseBool: parsing \"maybe\": invalid syntax\nRun 'dsql --help' for usage.\n",
		},
		{
			name: "extra argument to a verb", args: []string{"version", "extra"}, wantCode: ExitUsage,
			wantStderr: "dsql: unknown command \"extra\" for \"dsql version\"\nRun 'dsql version --help' for usage.\n",
		},
		{
			name: "unknown help topic", args: []string{"help", "frobnicate"}, wantCode: ExitUsage,
			wantStderr: "dsql: unknown help topic \"frobnicate\"\nRun 'dsql help --help' for usage.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runMain(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("Main(%q) = %d, want %d\nstdout:\n%s\nstderr:\n%s", tt.args, code, tt.wantCode, stdout, stderr)
			}
			if tt.wantStdout == "" && stdout != "" {
				t.Errorf("Main(%q) stdout = %q, want nothing", tt.args, stdout)
			}
			if !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("Main(%q) stdout = %q, want it to contain %q", tt.args, stdout, tt.wantStdout)
			}
			if stderr != tt.wantStderr {
				t.Errorf("Main(%q) stderr = %q, want %q", tt.args, stderr, tt.wantStderr)
			}
		})
	}
}

// errWriter fails every write, like a closed pipe.
type errWriter struct{}

var errBrokenPipe = errors.New("write /dev/stdout: broken pipe")

func (errWriter) Write([]byte) (int, error) { return 0, errBrokenPipe }

func TestMainRuntimeErrorExitsOne(t *testing.T) {
	var errOut bytes.Buffer
	code := Main(context.Background(), []string{"version"}, strings.NewReader(""), errWriter{}, &errOut)
	if code != ExitError {
		t.Errorf("Main(version) with a failing stdout = %d, want %d", code, ExitError)
	}
	want := "dsql: " + errBrokenPipe.Error() + "\n"
	if got := errOut.String(); got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
}

func TestUsageErrorWrapping(t *testing.T) {
	base := errors.New("boom")
	uerr := asUsageError(base)
	var target *usageError
	if !errors.As(uerr, &target) || !errors.Is(uerr, base) {
		t.Fatalf("asUsageError(%v) = %#v: want a *usageError wrapping the original", base, uerr)
	}
	if again := asUsageError(uerr); again != uerr {
		t.Errorf("asUsageError wrapped a usage error twice: %#v", again)
	}
	if asUsageError(nil) != nil {
		t.Error("asUsageError(nil) != nil")
	}
}

// allCommands returns every command in the tree under c, c included, skipping cobra's
// hidden ones.
func allCommands(c *cobra.Command) []*cobra.Command {
	cmds := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		if !sub.Hidden {
			cmds = append(cmds, allCommands(sub)...)
		}
	}
	return cmds
}

// TestEveryVerbHelpStartsWithExamples enforces the package convention for every verb,
// including ones added later: --help prints the one-line summary and then "Examples:".
func TestEveryVerbHelpStartsWithExamples(t *testing.T) {
	root := newRootCommand()
	root.InitDefaultHelpCmd()
	for _, c := range allCommands(root) {
		path := strings.Fields(c.CommandPath())[1:] // drop "dsql"
		args := append(path, "--help")
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runMain(t, args...)
			if code != ExitOK || stderr != "" {
				t.Fatalf("dsql %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr)
			}
			lines := strings.Split(stdout, "\n")
			if len(lines) < 4 || lines[0] != c.Short || lines[1] != "" || lines[2] != "Examples:" ||
				!strings.HasPrefix(lines[3], "  ") {
				t.Errorf("dsql %s: help must start with the summary line, a blank line and an indented "+
					"Examples: section; got:\n%s", strings.Join(args, " "), stdout)
			}
		})
	}
}

func TestUnknownVerbWithHelpIsUsageError(t *testing.T) {
	var out, errb strings.Builder
	if code := Main(context.Background(), []string{"frobnicate", "--help"}, strings.NewReader(""), &out, &errb); code != ExitUsage {
		t.Fatalf("exit %d, want %d; stdout %q", code, ExitUsage, out.String())
	}
	if !strings.Contains(errb.String(), `unknown command "frobnicate"`) {
		t.Fatalf("stderr %q", errb.String())
	}
}
