package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Exit codes returned by Main.
const (
	ExitOK    = 0 // success
	ExitError = 1 // the command ran and failed
	ExitUsage = 2 // the command line was malformed
)

// Main runs the dsql command line args (without the program name) with the given standard
// streams and returns the process exit code. It never calls os.Exit and never panics on bad
// input; cmd/dsql passes the result to os.Exit.
//
// Cancelling ctx asks the running verb to stop; the verb then fails with ctx's error.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	startTrace(time.Now(), stderr)
	root := newRootCommand()
	traceStep("command tree")
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)

	// `dsql frobnicate --help` must not print the top-level help and succeed: cobra lets
	// --help win over an unknown verb, so check the verb first.
	if len(args) > 1 && !strings.HasPrefix(args[0], "-") && hasHelpFlag(args[1:]) {
		if c, _, ferr := root.Find(args); ferr == nil && c == root && args[0] != "help" {
			fmt.Fprintf(stderr, "dsql: unknown command %q for \"dsql\"\nRun 'dsql --help' for usage.\n", args[0])
			return ExitUsage
		}
	}

	cmd, err := root.ExecuteContextC(ctx)
	traceStep("verb done")
	if err == nil {
		return ExitOK
	}
	msg := strings.TrimRight(err.Error(), "\n")
	var uerr *usageError
	if errors.As(err, &uerr) {
		helpPath := root.CommandPath()
		if cmd != nil {
			helpPath = cmd.CommandPath()
		}
		sep := "\n"
		if strings.Contains(msg, "\n") {
			sep = "\n\n" // set a multi-line message (cobra's suggestions) apart from the hint
		}
		fmt.Fprintf(stderr, "dsql: %s%sRun '%s --help' for usage.\n", msg, sep, helpPath)
		return ExitUsage
	}
	fmt.Fprintf(stderr, "dsql: %s\n", msg)
	return ExitError
}

func hasHelpFlag(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "--help" || a == "-h" {
			return true
		}
	}
	return false
}

// usageError marks an error in the command line itself (as opposed to a failure while
// running the command). Main reports it with exit code ExitUsage and a hint to read --help.
type usageError struct {
	err error
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usageErrorf returns a usageError with a formatted message. Verbs use it for argument
// problems that cobra's flag parsing cannot detect (say, two flags that exclude each other).
func usageErrorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// asUsageError wraps err as a usageError; nil stays nil.
func asUsageError(err error) error {
	if err == nil {
		return nil
	}
	var uerr *usageError
	if errors.As(err, &uerr) {
		return err
	}
	return &usageError{err: err}
}
