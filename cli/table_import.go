package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/dataio"
	"github.com/dsqldb/dsql/sql/session"
)

// tableImportOptions holds the flags of "dsql table import".
type tableImportOptions struct {
	create, update, replace bool
	pk                      []string
	schemaFile              string
	fileType                string
	cont                    bool
	table, file             string

	dir        string               // "" = the current directory
	isTerminal func(io.Writer) bool // nil: stderr is a terminal *os.File
}

func newTableImportCommand() *cobra.Command {
	var opts tableImportOptions
	cmd := &cobra.Command{
		Use:   "import -c|-u|-r [flags] TABLE FILE",
		Short: "Import rows from a CSV, TSV, PSV, JSON, JSONL or Parquet file into a table",
		Example: `  # Create a table: column types inferred from the file, key = first column
  dsql table import -c people people.csv
  dsql table import -c --pk id,day visits visits.jsonl
  dsql table import -c --schema people.sql people people.csv
  dsql table import -c events events.parquet

  # Upsert rows into an existing table, or replace all of its rows
  dsql table import -u people more-people.csv
  dsql table import -r people people.csv

  # Skip rows that cannot be imported (they are counted and reported)
  dsql table import -u --continue people messy.csv`,
		Long: `Imports the rows of FILE into TABLE of the repository in the current directory, into
the working set of the checked-out branch (commit them with dsql commit).

-c creates the table: from --schema FILE (a CREATE TABLE statement), or else with the
narrowest column types that hold every value of the file (INT, BIGINT, DECIMAL, DOUBLE,
DATE, DATETIME, TINYINT(1) for true/false, VARCHAR(n), TEXT, JSON) and the primary key
--pk (default: the first column). -u updates an existing table: rows whose primary key
exists get the file's columns, the others are inserted. -r replaces every row of an
existing table.

CSV, TSV and PSV files start with a header line naming the columns; fields follow RFC
4180 quoting; an empty field is NULL. JSON files hold an array of objects or
{"rows": [...]}; JSONL files one object per line. Parquet files hold flat columns
(integers, FLOAT/DOUBLE, DECIMAL, STRING/JSON, DATE, TIMESTAMP, BOOLEAN, bytes; no
nested columns), named by the file's schema. The format comes from the file's extension
unless --file-type names it. Values are converted as INSERT converts them.

The import is atomic: a bad row (wrong column count, a value that does not fit its
column, a duplicate primary key) stops it with the file, line and column, and the table
stays exactly as it was, also if the process is killed. --continue skips such rows
instead and reports how many. Input sorted by primary key is written in one streaming
pass; other input is sorted in bounded memory with temporary files.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.table, opts.file = args[0], args[1]
			return runTableImport(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.create, "create-table", "c", false, "create the table")
	f.BoolVarP(&opts.update, "update-table", "u", false, "upsert rows into the existing table")
	f.BoolVarP(&opts.replace, "replace-table", "r", false, "replace every row of the existing table")
	f.StringSliceVar(&opts.pk, "pk", nil, "primary-key column(s) of a new table, comma-separated (default: the first column)")
	f.StringVarP(&opts.schemaFile, "schema", "s", "", "file with the new table's CREATE TABLE statement")
	f.StringVar(&opts.fileType, "file-type", "", "csv, tsv, psv, json, jsonl or parquet (default: from the file's extension)")
	f.BoolVar(&opts.cont, "continue", false, "skip rows that cannot be imported, and report how many")
	return cmd
}

// runTableImport runs "dsql table import".
func runTableImport(ctx context.Context, opts tableImportOptions, stdout, stderr io.Writer) error {
	n := 0
	mode := dataio.Create
	for _, on := range []struct {
		set bool
		m   dataio.Mode
	}{{opts.create, dataio.Create}, {opts.update, dataio.Update}, {opts.replace, dataio.Replace}} {
		if on.set {
			n++
			mode = on.m
		}
	}
	if n != 1 {
		return usageErrorf("pass exactly one of -c (create the table), -u (update it) or -r (replace its rows)")
	}
	if mode != dataio.Create && (opts.schemaFile != "" || len(opts.pk) > 0) {
		return usageErrorf("--schema and --pk only apply to a new table (-c)")
	}
	if opts.schemaFile != "" && len(opts.pk) > 0 {
		return usageErrorf("--pk and --schema do not go together: the schema names the primary key")
	}
	format, err := dataio.FormatFor(opts.file, opts.fileType, dataio.ImportFormats)
	if err != nil {
		return usageErrorf("%s", strings.TrimPrefix(err.Error(), "dataio: "))
	}
	open := func() (*os.File, dataio.Reader, error) {
		f, err := os.Open(opts.file)
		if err != nil {
			return nil, nil, err
		}
		r, err := dataio.NewReader(f, format, opts.file)
		if err != nil {
			_ = f.Close()
			return nil, nil, importError(err, false)
		}
		return f, r, nil
	}
	fi, err := os.Stat(opts.file)
	if err != nil {
		return err
	}

	// The new table's CREATE TABLE: from --schema, or inferred in a first pass over the
	// file; its schema is made below, in the repository's database.
	var schema repo.Schema
	var ddl string
	if mode == dataio.Create {
		if opts.schemaFile != "" {
			b, err := os.ReadFile(opts.schemaFile)
			if err != nil {
				return err
			}
			ddl = string(b)
		} else {
			f, r, err := open()
			if err != nil {
				return err
			}
			in, err := dataio.InferFrom(r, func(e *dataio.RowError) error {
				if opts.cont && e.Skippable {
					return nil
				}
				return e
			})
			_ = f.Close()
			if err != nil {
				return importError(err, opts.cont)
			}
			if ddl, err = in.CreateTable(opts.table, opts.pk); err != nil {
				return err
			}
		}
	}

	f, r, err := open()
	if err != nil {
		return err
	}
	defer f.Close()

	return withRepository(ctx, opts.dir, "", func(s *vcsSession) error {
		db, err := s.database()
		if err != nil {
			return err
		}
		if mode == dataio.Create {
			// Columns without COLLATE get the database's collation, as in CREATE TABLE.
			if schema, err = dataio.SchemaFromDDLIn(s.ctx, ddl, opts.table, db.GetCollation(s.ctx)); err != nil {
				return fmt.Errorf("%s: %w", orDefault(opts.schemaFile, "the inferred schema"), err)
			}
		}
		var skipped []*dataio.RowError
		progress := &dataio.Progress{}
		stop := startProgress(stderr, opts.isTerminal, "Importing "+opts.table, progress, fi.Size())
		res, err := dataio.Import(s.ctx, db, r, opts.file, dataio.ImportOptions{
			Table:    opts.table,
			Mode:     mode,
			Schema:   schema,
			Continue: opts.cont,
			Progress: progress,
			OnSkip: func(e *dataio.RowError) {
				if len(skipped) < 10 {
					skipped = append(skipped, e)
				}
			},
		})
		if err == nil {
			err = s.ctx.Session.(*session.Session).EndTransaction(s.ctx)
		}
		stop()
		if err != nil {
			return importError(err, opts.cont)
		}
		for _, e := range skipped {
			fmt.Fprintf(stderr, "skipped %s\n", e)
		}
		if res.Skipped > len64(skipped) {
			fmt.Fprintf(stderr, "... and %d more\n", res.Skipped-len64(skipped))
		}
		verb := map[dataio.Mode]string{dataio.Create: "Created", dataio.Update: "Updated", dataio.Replace: "Replaced the rows of"}[mode]
		fmt.Fprintf(stdout, "%s table %s: %d %s imported", verb, opts.table, res.Rows, pluralWord(res.Rows, "row", "rows"))
		if opts.cont {
			fmt.Fprintf(stdout, ", %d %s skipped", res.Skipped, pluralWord(res.Skipped, "row", "rows"))
		}
		fmt.Fprintln(stdout, ".")
		return nil
	})
}

func len64[T any](s []T) int64 { return int64(len(s)) }

func pluralWord(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// importError adds to a bad row's error that nothing was imported and how to go on.
func importError(err error, cont bool) error {
	var re *dataio.RowError
	if errors.As(err, &re) {
		advice := "Fix the file and run the import again."
		if re.Skippable && !cont {
			advice = "Fix the row, or use --continue to skip bad rows."
		}
		return fmt.Errorf("%s\nNothing was imported; the table is unchanged. %s", re.Error(), advice)
	}
	if errors.Is(err, dataio.ErrImport) {
		return errors.New(strings.TrimPrefix(err.Error(), "dataio: import: "))
	}
	return err
}

// startProgress shows a progress line on stderr while an import or export runs, when
// stderr is a terminal: rows, rows/s and, when total (bytes) is known, the percentage.
// The returned function stops it and clears the line.
func startProgress(stderr io.Writer, check func(io.Writer) bool, label string, p *dataio.Progress, total int64) func() {
	if check == nil {
		check = func(w io.Writer) bool {
			f, ok := w.(*os.File)
			return ok && term.IsTerminal(int(f.Fd()))
		}
	}
	if !check(stderr) {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(stderr, "\r\033[K")
				return
			case <-t.C:
				rows := p.Rows.Load()
				secs := time.Since(start).Seconds()
				line := fmt.Sprintf("%s: %s rows, %s rows/s", label, groupDigits(rows), groupDigits(int64(float64(rows)/max(secs, 0.001))))
				if total > 0 {
					pct := float64(p.Bytes.Load()) * 100 / float64(total)
					line += fmt.Sprintf(", %3.0f%% %s", min(pct, 100), bar(pct, 20))
				}
				fmt.Fprint(stderr, "\r\033[K"+line)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

func bar(pct float64, width int) string {
	n := int(pct * float64(width) / 100)
	n = min(max(n, 0), width)
	return "[" + strings.Repeat("=", n) + strings.Repeat(" ", width-n) + "]"
}

func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
