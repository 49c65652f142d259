package cli

import (
	"context"
	"flag"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// updateScripts rewrites the expected output of the transcripts (cmp stdout/stderr) from
// what the commands print: go test ./cli -run TestScripts -update-scripts.
var updateScripts = flag.Bool("update-scripts", false, "rewrite the testdata/script transcripts' expected output")

// TestMain lets the transcripts run dsql as a command: testscript re-executes this test
// binary as "dsql", which runs Main like cmd/dsql does.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"dsql": func() {
			os.Exit(Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs the CLI transcripts in testdata/script: one per verb and a dataset
// story. Each runs in its own work directory, which is also $HOME and $DSQL_CONFIG_HOME,
// with TZ=UTC so that dates print the same everywhere.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *updateScripts,
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.WorkDir)
			env.Setenv(envConfigHome, env.WorkDir)
			env.Setenv("TZ", "UTC")
			env.Setenv(envNoColor, "1")
			env.Setenv(envAuthorName, "")
			env.Setenv(envAuthorEmail, "")
			return nil
		},
	})
}
