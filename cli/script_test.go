package cli

import (
	"context"
	"flag"
	"os"
	"regexp"
	"strings"
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
		Cmds:          map[string]func(ts *testscript.TestScript, neg bool, args []string){"cmpmask": cmpMask},
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

// maskPlaceholders are the placeholders a cmpmask golden file may use for what changes
// from run to run.
var maskPlaceholders = map[string]string{
	"<HASH>":  `[0-9a-v]{32}`, // a commit hash
	"<SHORT>": `[0-9a-v]{8}`,  // a short commit hash
	"<DATE>":  `[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]?[0-9] [0-9:]{8} [0-9]{4} [-+][0-9]{4}`,
}

var maskPattern = regexp.MustCompile(`<HASH>|<SHORT>|<DATE>`)

// cmpMask is the script command "cmpmask stdout|stderr FILE": like cmp, except that FILE
// may hold <HASH>, <SHORT> and <DATE> where the output has a commit hash, a short hash or
// a date.
func cmpMask(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! cmpmask")
	}
	if len(args) != 2 {
		ts.Fatalf("usage: cmpmask stdout|stderr FILE")
	}
	var got string
	switch args[0] {
	case "stdout":
		got = ts.ReadFile("stdout")
	case "stderr":
		got = ts.ReadFile("stderr")
	default:
		ts.Fatalf("cmpmask: compare stdout or stderr, not %q", args[0])
	}
	want := ts.ReadFile(args[1])
	var re strings.Builder
	re.WriteString("^")
	last := 0
	for _, loc := range maskPattern.FindAllStringIndex(want, -1) {
		re.WriteString(regexp.QuoteMeta(want[last:loc[0]]))
		re.WriteString(maskPlaceholders[want[loc[0]:loc[1]]])
		last = loc[1]
	}
	re.WriteString(regexp.QuoteMeta(want[last:]))
	re.WriteString("$")
	if !regexp.MustCompile(re.String()).MatchString(got) {
		ts.Logf("got:\n%s\nwant (masked):\n%s", got, want)
		ts.Fatalf("%s does not match %s", args[0], args[1])
	}
}
