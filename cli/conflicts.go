package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"
)

// conflictsOptions holds the flags of "dsql conflicts" and its test seams.
type conflictsOptions struct {
	ours, theirs bool // resolve --ours / --theirs

	dir string // the repository directory; "" = the current directory
}

func newConflictsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "conflicts cat TABLE... | conflicts resolve --ours|--theirs TABLE...",
		Short: "Show and resolve the row conflicts of a merge in progress",
		Example: `  # Which rows conflict, with their base, ours and theirs versions
  dsql conflicts cat orders

  # Keep our rows, or take theirs, for every conflict of the tables ('.' for all)
  dsql conflicts resolve --ours orders
  dsql conflicts resolve --theirs orders customers
  dsql commit -m "Merge feature"

  # Same as: SELECT * FROM dsql_conflicts_orders; CALL dsql_conflicts_resolve('--theirs', 'orders')`,
		Long: `After dsql merge (or cherry-pick, revert) stopped on conflicts, cat prints each conflicted
row of a table three times, labelled base (the merge base; missing when both sides added
the row), ours and theirs ("deleted" when that side deleted the row). resolve settles every
conflict of the named tables: --ours keeps the rows in the working set, --theirs writes
their version of each conflicted row. Conflicts can also be settled one row at a time in
SQL (DELETE FROM dsql_conflicts_TABLE keeps ours). Commit once none are left.

cat reads dsql_conflicts_TABLE and resolve runs CALL dsql_conflicts_resolve(...) on the
repository's embedded engine.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	var catOpts conflictsOptions
	cat := &cobra.Command{
		Use:   "cat TABLE...",
		Short: "Print the conflicted rows of tables: base, ours and theirs",
		Example: `  # Each conflicted row of orders as base, ours and theirs
  dsql conflicts cat orders

  # Same as: SELECT * FROM dsql_conflicts_orders`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConflictsCat(cmd.Context(), catOpts, args, cmd.OutOrStdout())
		},
	}
	var resOpts conflictsOptions
	resolve := &cobra.Command{
		Use:   "resolve --ours|--theirs TABLE...",
		Short: "Resolve every conflict of tables with our or their rows",
		Example: `  # Take their rows for orders, keep ours everywhere else
  dsql conflicts resolve --theirs orders
  dsql conflicts resolve --ours .

  # Same as: CALL dsql_conflicts_resolve('--theirs', 'orders')`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConflictsResolve(cmd.Context(), resOpts, args)
		},
	}
	resolve.Flags().BoolVar(&resOpts.ours, "ours", false, "keep our rows (the working set's)")
	resolve.Flags().BoolVar(&resOpts.theirs, "theirs", false, "take their rows")
	cmd.AddCommand(cat, resolve)
	return cmd
}

func runConflictsResolve(ctx context.Context, opts conflictsOptions, tables []string) error {
	if opts.ours == opts.theirs {
		return usageErrorf("choose one of --ours and --theirs")
	}
	side := "--ours"
	if opts.theirs {
		side = "--theirs"
	}
	return withRepository(ctx, opts.dir, "CALL dsql_conflicts_resolve('--ours', 'orders')", func(s *vcsSession) error {
		_, err := s.call("dsql_conflicts_resolve", append([]string{side}, tables...)...)
		return err
	})
}

func runConflictsCat(ctx context.Context, opts conflictsOptions, tables []string, stdout io.Writer) error {
	return withRepository(ctx, opts.dir, "SELECT * FROM dsql_conflicts_orders", func(s *vcsSession) error {
		for i, t := range tables {
			if i > 0 {
				if _, err := io.WriteString(stdout, "\n"); err != nil {
					return err
				}
			}
			if err := catConflicts(s, t, stdout); err != nil {
				return err
			}
		}
		return nil
	})
}

// catConflicts prints the conflicts of one table as a boxed table whose first column
// labels each version of a conflicted row.
func catConflicts(s *vcsSession, tname string, w io.Writer) error {
	_, has, err := s.query("SELECT num_conflicts FROM dsql_conflicts WHERE LOWER(`table`) = LOWER(?)", tname)
	if err != nil {
		return err
	}
	if len(has) == 0 {
		// Say so plainly, whether the table exists or not.
		if _, _, err := s.query("SELECT 1 FROM " + quoteIdent(tname) + " LIMIT 0"); err != nil {
			return err
		}
		_, err := fmt.Fprintf(w, "table %s has no conflicts\n", tname)
		return err
	}
	sch, rows, err := s.query("SELECT * FROM " + quoteIdent("dsql_conflicts_"+tname))
	if err != nil {
		return err
	}
	rs, err := toResultSet(s.ctx, sch, rows)
	if err != nil {
		return err
	}
	// Columns: from_root_ish, base_<c>... (n), our_<c>... (n), our_diff_type,
	// their_<c>... (n), their_diff_type, dsql_conflict_id.
	n := (len(rs.names) - 4) / 3
	if n <= 0 || 3*n+4 != len(rs.names) {
		return fmt.Errorf("dsql_conflicts_%s: unexpected columns %v", tname, rs.names)
	}
	baseAt, oursAt, theirsAt := 1, 1+n, 2+2*n
	ourType, theirType := 1+2*n, 2+3*n

	t := table.NewWriter()
	style := table.StyleDefault
	style.Format.Header = text.FormatDefault
	t.SetStyle(style)
	header := table.Row{""}
	configs := []table.ColumnConfig{{Number: 1, AlignHeader: text.AlignLeft, Align: text.AlignLeft}}
	for i := 0; i < n; i++ {
		header = append(header, strings.TrimPrefix(rs.names[baseAt+i], "base_"))
		c := table.ColumnConfig{Number: i + 2, AlignHeader: text.AlignLeft, Align: text.AlignLeft}
		if rs.numeric[baseAt+i] {
			c.Align = text.AlignRight
		}
		configs = append(configs, c)
	}
	t.AppendHeader(header)
	t.SetColumnConfigs(configs)
	version := func(label string, r []cell, at int, deleted bool) table.Row {
		row := table.Row{label}
		if deleted {
			row[0] = label + " (deleted)"
		}
		for i := 0; i < n; i++ {
			switch c := r[at+i]; {
			case deleted:
				row = append(row, "")
			case c.null:
				row = append(row, "NULL")
			default:
				row = append(row, c.text)
			}
		}
		return row
	}
	for i, r := range rs.rows {
		if i > 0 {
			t.AppendSeparator()
		}
		if r[ourType].text != "added" { // both added the row: there is no base
			t.AppendRow(version("base", r, baseAt, false))
		}
		t.AppendRow(version("ours", r, oursAt, r[ourType].text == "removed"))
		t.AppendRow(version("theirs", r, theirsAt, r[theirType].text == "removed"))
	}
	_, err = io.WriteString(w, t.Render()+"\n")
	return err
}
