package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chzyer/readline"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/vt/sqlparser"
	"github.com/spf13/cobra"

	"github.com/dsqldb/dsql/server"
)

// sqlOptions holds the flags of "dsql sql" and its test seams.
type sqlOptions struct {
	query  string // -q: statements to run instead of reading stdin
	format string // -r: tabular, csv, json or vertical

	dir         string               // the data directory; "" = the current directory
	isTerminal  func(io.Reader) bool // nil = stdin is a terminal *os.File
	historyFile string               // "" = ~/.dsql_history
	getenv      func(string) string  // nil = os.Getenv
	now         func() time.Time     // nil = time.Now (shell timings)
}

func newSQLCommand() *cobra.Command {
	var opts sqlOptions
	cmd := &cobra.Command{
		Use:   "sql",
		Short: "Run SQL on the repositories here, without a server",
		Example: `  # Run statements (separated by ;) and print the results as tables
  dsql sql -q "CREATE TABLE t (id INT PRIMARY KEY, name TEXT); INSERT INTO t VALUES (1, 'a')"
  dsql sql -q "SELECT * FROM t"

  # Other result formats
  dsql sql -r csv -q "SELECT * FROM t" > t.csv
  dsql sql -r json -q "SELECT * FROM t"

  # Run a script from standard input
  dsql sql < script.sql

  # Interactive shell with line editing and history (when stdin is a terminal)
  dsql sql`,
		Long: `Runs SQL statements on the repository in the current directory and on every repository
in its subdirectories (each is a database named after its directory), through the same
engine as dsql sql-server but without a network. The current database starts as the
repository of the current directory; USE db switches.

Statements come from -q, else from standard input when it is not a terminal, else from
an interactive shell (history in ~/.dsql_history; end a statement with ; or with \G for
vertical output; exit, quit or Ctrl-D leave). The first failing statement of -q or of a
script stops the run with exit code 1; in the shell it is reported and the shell goes
on. Only one dsql process can have a repository open at a time: stop dsql sql-server
before running dsql sql on its directory.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSQL(cmd.Context(), opts, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVarP(&opts.query, "query", "q", "", "statements to run, separated by ;")
	cmd.Flags().StringVarP(&opts.format, "result-format", "r", formatTabular,
		"result format: "+strings.Join(resultFormats, ", "))
	return cmd
}

// sqlRunner runs statements in one session of an engine and prints their results.
type sqlRunner struct {
	eng    *server.Engine
	ctx    *sql.Context
	format string
	out    io.Writer
	errOut io.Writer
	// interactive adds the mysql client's "N rows in set (t sec)" and "Query OK" lines.
	interactive bool
	now         func() time.Time
}

// runSQL opens the repositories of opts.dir and runs the statements of opts.query, of
// stdin, or of the interactive shell.
func runSQL(ctx context.Context, opts sqlOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	if !slices.Contains(resultFormats, opts.format) {
		return usageErrorf("invalid result format %q for -r: want one of %s", opts.format, strings.Join(resultFormats, ", "))
	}
	dir, err := workDir(opts.dir)
	if err != nil {
		return err
	}
	logger, err := server.NewLogger(stderr, "error")
	if err != nil {
		return err
	}
	server.RouteLibraryLogs(logger)
	eng, err := server.NewEngine(ctx, server.EngineOptions{
		DataDir: dir,
		Author:  authorSignature("", "", opts.getenv),
		Logger:  logger,
	})
	if err != nil {
		return err
	}
	r := &sqlRunner{eng: eng, ctx: eng.NewContext(ctx), format: opts.format, out: stdout, errOut: stderr, now: opts.now}
	if r.now == nil {
		r.now = time.Now
	}

	switch {
	case opts.query != "":
		err = r.runScript(opts.query)
	case isTerminal(opts.isTerminal, stdin):
		r.interactive = true
		err = r.runShell(stdin, opts.historyFile)
	default:
		var script []byte
		script, err = io.ReadAll(stdin)
		if err == nil {
			err = r.runScript(string(script))
		}
	}
	if cerr := eng.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

func isTerminal(check func(io.Reader) bool, stdin io.Reader) bool {
	if check != nil {
		return check(stdin)
	}
	f, ok := stdin.(*os.File)
	return ok && readline.IsTerminal(int(f.Fd()))
}

// runScript runs the statements of script one after another and stops at the first error.
func (r *sqlRunner) runScript(script string) error {
	stmts, err := splitScript(script)
	if err != nil {
		return fmt.Errorf("splitting the statements: %w", err)
	}
	for _, stmt := range stmts {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if err := r.exec(stmt, r.format); err != nil {
			return err
		}
	}
	return nil
}

// exec runs one statement and prints its result in format.
func (r *sqlRunner) exec(stmt, format string) error {
	start := r.now()
	stmt = server.PrepareQueryText(stmt)
	// The query text on the context is what the server's handler sets too (GMS rules
	// read it, e.g. to tell a view read from DDL).
	ctx := r.eng.StatementContext(r.ctx.WithQuery(stmt), stmt) // @@sql_select_limit
	var sch sql.Schema
	var iter sql.RowIter
	var err error
	if n := r.eng.TableMaintenance(stmt); n != nil { // CHECK TABLE and the like, as the server runs them
		sch, iter, _, err = r.eng.SQL.PrepQueryPlanForExecution(ctx, stmt, n, nil)
	} else {
		sch, iter, _, err = r.eng.SQL.Query(ctx, stmt)
	}
	if err != nil {
		return err
	}
	rows, err := sql.RowIterToRows(ctx, iter)
	if err != nil {
		return err
	}
	elapsed := r.now().Sub(start).Seconds()
	// Some statements (LOAD DATA) report an OK result under another schema; the
	// server's handler goes by the row too.
	if types.IsOkResultSchema(sch) || len(sch) == 0 || len(rows) == 1 && types.IsOkResult(rows[0]) {
		if r.interactive {
			var n uint64
			if len(rows) == 1 && types.IsOkResult(rows[0]) {
				n = types.GetOkResult(rows[0]).RowsAffected
			}
			_, err = fmt.Fprintf(r.out, "Query OK, %d %s affected (%.2f sec)\n\n", n, plural(n, "row", "rows"), elapsed)
		}
		return err
	}
	rs, err := toResultSet(r.ctx, sch, rows)
	if err != nil {
		return err
	}
	if r.interactive && len(rows) == 0 {
		_, err = fmt.Fprintf(r.out, "Empty set (%.2f sec)\n\n", elapsed)
		return err
	}
	if err := writeResult(r.out, format, rs); err != nil {
		return err
	}
	if r.interactive {
		n := uint64(len(rows))
		_, err = fmt.Fprintf(r.out, "%d %s in set (%.2f sec)\n\n", n, plural(n, "row", "rows"), elapsed)
	}
	return err
}

func plural(n uint64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// runShell is the interactive shell: it reads lines with readline until a statement ends
// with ; or \G, runs it, and reports errors without stopping.
func (r *sqlRunner) runShell(stdin io.Reader, historyFile string) error {
	if historyFile == "" {
		if home, err := os.UserHomeDir(); err == nil {
			historyFile = filepath.Join(home, ".dsql_history")
		}
	}
	rl, err := readline.NewEx(&readline.Config{
		Prompt:                 r.prompt(),
		HistoryFile:            historyFile,
		HistorySearchFold:      true,
		DisableAutoSaveHistory: true, // save whole statements, not lines
		Stdin:                  io.NopCloser(stdin),
		Stdout:                 r.out,
		Stderr:                 r.errOut,
		InterruptPrompt:        "^C",
		EOFPrompt:              "exit",
	})
	if err != nil {
		return fmt.Errorf("starting the shell: %w", err)
	}
	defer rl.Close()
	fmt.Fprintf(r.out, "dsql %s shell. End statements with ; or \\G; type exit or press Ctrl-D to leave.\n\n", Version)

	var buf strings.Builder
	for {
		if err := r.ctx.Err(); err != nil {
			return nil // interrupted from outside (SIGTERM): leave quietly
		}
		if buf.Len() == 0 {
			rl.SetPrompt(r.prompt())
		} else {
			rl.SetPrompt(strings.Repeat(" ", max(0, len(r.prompt())-3)) + "-> ")
		}
		line, err := rl.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			buf.Reset() // Ctrl-C drops the statement being typed
			continue
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		trimmed := strings.TrimSpace(line)
		if buf.Len() == 0 {
			switch strings.ToLower(strings.TrimSuffix(trimmed, ";")) {
			case "":
				continue
			case "exit", "quit", `\q`:
				return nil
			}
		}
		if buf.Len() > 0 {
			buf.WriteByte('\n')
		}
		buf.WriteString(line)
		text := strings.TrimSpace(buf.String())
		if !strings.HasSuffix(text, ";") && !strings.HasSuffix(text, `\G`) {
			continue // the statement goes on on the next line
		}
		buf.Reset()
		_ = rl.SaveHistory(strings.ReplaceAll(text, "\n", " "))
		format := r.format
		if strings.HasSuffix(text, `\G`) {
			text = strings.TrimSuffix(text, `\G`)
			format = formatVertical
		}
		stmts, err := sqlparser.SplitStatementToPieces(text)
		if err != nil {
			fmt.Fprintf(r.errOut, "dsql: %v\n", err)
			continue
		}
		for _, stmt := range stmts {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if err := r.exec(stmt, format); err != nil {
				fmt.Fprintf(r.errOut, "dsql: %v\n", err)
				break
			}
		}
	}
}

// prompt is "<current database>> ", or "dsql> " without one.
func (r *sqlRunner) prompt() string {
	if db := r.ctx.GetCurrentDatabase(); db != "" {
		return db + "> "
	}
	return "dsql> "
}
