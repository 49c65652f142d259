package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStartupTrace: with DSQL_TRACE_STARTUP set, Main reports each start-up step on its
// stderr (and the verb's output is unchanged); without it, nothing.
func TestStartupTrace(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "shop")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := runInit(ctx, initOptions{dir: dir, name: "A", email: "a@x"}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)

	code, plain, stderr := runMain(t, "log", "--oneline")
	if code != ExitOK || stderr != "" {
		t.Fatalf("dsql log without tracing: exit %d, stderr %q", code, stderr)
	}

	t.Setenv(envTraceStartup, "1")
	code, traced, stderr := runMain(t, "log", "--oneline")
	if code != ExitOK {
		t.Fatalf("dsql log with tracing: exit %d, stderr %q", code, stderr)
	}
	if traced != plain {
		t.Errorf("tracing changed the output: %q, want %q", traced, plain)
	}
	for _, step := range []string{"command tree", "open: engine", "query SELECT", "close", "verb done"} {
		if !strings.Contains(stderr, "dsql: startup: "+step) {
			t.Errorf("trace has no step %q:\n%s", step, stderr)
		}
	}
}
