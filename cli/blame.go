package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// blameOptions holds the flags of "dsql blame" and its test seams.
type blameOptions struct {
	dir string // the repository directory; "" = the current directory
}

func newBlameCommand() *cobra.Command {
	var opts blameOptions
	cmd := &cobra.Command{
		Use:   "blame [REVISION] TABLE",
		Short: "Show the last commit that changed each row of a table",
		Example: `  # Who last changed each row of orders, at HEAD
  dsql blame orders

  # As of a branch, tag or commit
  dsql blame v1 orders

  # Same as: SELECT * FROM dsql_blame_orders on the database shop/v1`,
		Long: `Prints, for each row of TABLE at REVISION (default HEAD) in primary-key order, its
primary-key columns and the last commit that changed the row: its message, committer, date
and hash. Rows are followed through merges as git blame follows lines. Uncommitted changes
are not shown; TABLE must have a primary key.

This reads the dsql_blame_<table> system table on the repository's embedded engine.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBlame(cmd.Context(), opts, args, cmd.OutOrStdout())
		},
	}
	return cmd
}

func runBlame(ctx context.Context, opts blameOptions, args []string, stdout io.Writer) error {
	rev, tbl := "", args[len(args)-1]
	if len(args) == 2 {
		rev = args[0]
	}
	hint := "SELECT * FROM " + quoteIdent("dsql_blame_"+tbl)
	return withRepository(ctx, opts.dir, hint, func(s *vcsSession) error {
		// A revision is read through its read-only database, "<db>/<rev>" (AS OF cannot
		// take a bound parameter): an identifier, quoted, never SQL text.
		q := hint
		if rev != "" {
			q = "SELECT * FROM " + quoteIdent(s.dbName+"/"+rev) + "." + quoteIdent("dsql_blame_"+tbl)
		}
		sch, rows, err := s.query(q)
		if err != nil {
			if tableMissing(err) {
				return fmt.Errorf("table %q not found at %s", tbl, revOrHead(rev))
			}
			return err
		}
		commitCol := column(sch, "commit")
		if commitCol < 0 {
			return fmt.Errorf("dsql_blame_%s: no commit column", tbl)
		}
		pk, err := toResultSet(s.ctx, sch[:commitCol], rows)
		if err != nil {
			return err
		}
		rs := &resultSet{
			names:   append(append([]string{}, pk.names...), "commit msg", "committer", "time", "commit"),
			numeric: append(append([]bool{}, pk.numeric...), false, false, false, false),
			isJSON:  make([]bool, len(pk.names)+4),
		}
		for i, r := range rows {
			date := ""
			if t, ok := r[commitCol+1].(time.Time); ok {
				date = t.Local().Format(gitDate)
			}
			line := append(append([]cell{}, pk.rows[i]...),
				cell{text: str(r[commitCol+4])}, cell{text: str(r[commitCol+2])}, cell{text: date}, cell{text: str(r[commitCol])})
			rs.rows = append(rs.rows, line)
		}
		return writeTabular(stdout, rs)
	})
}

// tableMissing reports whether err says that a table does not exist.
func tableMissing(err error) bool {
	return strings.Contains(err.Error(), "table not found")
}

func revOrHead(rev string) string {
	if rev == "" {
		return "HEAD"
	}
	return rev
}
