package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dsqldb/dsql/sql/dataio"
)

// tableExportOptions holds the flags of "dsql table export".
type tableExportOptions struct {
	fileType    string
	rev         string
	force       bool
	table, file string

	dir        string
	isTerminal func(io.Writer) bool
}

func newTableExportCommand() *cobra.Command {
	var opts tableExportOptions
	cmd := &cobra.Command{
		Use:   "export [flags] TABLE FILE",
		Short: "Export a table's rows to a CSV, TSV, PSV, JSON, JSONL, Parquet or SQL file",
		Example: `  # The working set's rows, in primary-key order
  dsql table export people people.csv

  # From a revision: a branch, tag, commit or HEAD~n
  dsql table export --rev v1 people people-v1.jsonl
  dsql table export people people.parquet

  # As SQL (DROP TABLE, CREATE TABLE, INSERTs), or to standard output
  dsql table export people people.sql
  dsql table export --file-type csv people -`,
		Long: `Writes every row of TABLE, in primary-key order, to FILE ("-" for standard output).
The format comes from the file's extension unless --file-type names it: csv, tsv and psv
(a header line, RFC 4180 quoting, NULL as an empty field), json ({"rows": [...]}),
jsonl (one object per line), parquet (one column per table column, MySQL types as
Parquet logical types: INT(8..64, signed or not), FLOAT, DOUBLE, DECIMAL, STRING, JSON,
DATE, TIMESTAMP, byte arrays) or sql (DROP TABLE IF EXISTS, CREATE TABLE and INSERT
statements that dsql and MariaDB can load). Values are written as MySQL prints them.
An existing FILE is only overwritten with --force; the file appears whole or not at all.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.table, opts.file = args[0], args[1]
			return runTableExport(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.fileType, "file-type", "", "csv, tsv, psv, json, jsonl, parquet or sql (default: from the file's extension)")
	f.StringVar(&opts.rev, "rev", "", "export the table as of this revision (branch, tag, commit, HEAD~n)")
	f.BoolVarP(&opts.force, "force", "f", false, "overwrite FILE if it exists")
	return cmd
}

// runTableExport runs "dsql table export".
func runTableExport(ctx context.Context, opts tableExportOptions, stdout, stderr io.Writer) error {
	format, err := dataio.FormatFor(opts.file, opts.fileType, dataio.ExportFormats)
	if err != nil {
		return usageErrorf("%s", strings.TrimPrefix(err.Error(), "dataio: "))
	}
	toStdout := opts.file == "-"
	if !toStdout && !opts.force {
		if _, err := os.Stat(opts.file); err == nil {
			return fmt.Errorf("%s exists: pass --force to overwrite it", opts.file)
		}
	}
	return withRepository(ctx, opts.dir, "", func(s *vcsSession) error {
		db, err := s.database()
		if err != nil {
			return err
		}
		root, err := s.rootAt(db, opts.rev)
		if err != nil {
			return err
		}
		t, ok, err := root.Table(ctx, opts.table)
		if err != nil {
			return err
		}
		if !ok {
			where := "the working set"
			if opts.rev != "" {
				where = "revision " + opts.rev
			}
			return fmt.Errorf("table %q does not exist in %s", opts.table, where)
		}
		eo := dataio.ExportOptions{Format: format, Progress: &dataio.Progress{}}
		if format == dataio.SQL {
			create, err := showCreate(s, "TABLE", t.Name(), opts.rev)
			if err != nil {
				return err
			}
			eo.CreateTable = indexesInSchemaOrder(create, t.Schema())
		}
		var w io.Writer = stdout
		var tmp *os.File
		if !toStdout {
			tmp, err = os.CreateTemp(filepath.Dir(opts.file), "."+filepath.Base(opts.file)+".tmp*")
			if err != nil {
				return err
			}
			defer func() {
				if tmp != nil {
					_ = tmp.Close()
					_ = os.Remove(tmp.Name())
				}
			}()
			w = tmp
		}
		stop := func() {}
		if !toStdout {
			stop = startProgress(stderr, opts.isTerminal, "Exporting "+t.Name(), eo.Progress, 0)
		}
		n, err := dataio.Export(s.ctx, t, w, eo)
		stop()
		if err != nil {
			return err
		}
		if tmp != nil {
			if err := tmp.Chmod(0o644); err != nil {
				return err
			}
			if err := tmp.Sync(); err != nil {
				return err
			}
			if err := tmp.Close(); err != nil {
				return err
			}
			if err := os.Rename(tmp.Name(), opts.file); err != nil {
				return err
			}
			tmp = nil
			fmt.Fprintf(stderr, "Exported %d %s of table %s to %s.\n", n, pluralWord(n, "row", "rows"), t.Name(), opts.file)
		}
		return nil
	})
}

// quoteName quotes an identifier with backquotes.
func quoteName(s string) string {
	return "`" + strings.ReplaceAll(s, "`", "``") + "`"
}
