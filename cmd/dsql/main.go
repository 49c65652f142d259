// Command dsql is the command-line program of dsql, a versioned SQL database ("Git for
// tables"). Run "dsql --help" for its verbs. All behaviour lives in package cli; main only
// connects the process (arguments, standard streams, signals, exit code) to cli.Main.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"dsql.dev/earlyinit"

	"github.com/dsqldb/dsql/cli"
)

func main() {
	earlyinit.Restore() // the GC was off during package initialisation
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
