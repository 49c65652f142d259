package cli

import (
	"context"

	"github.com/spf13/cobra"
)

// addOptions holds the flags of "dsql add" and its test seams.
type addOptions struct {
	all bool // -A: every table

	dir string // the repository directory; "" = the current directory
}

func newAddCommand() *cobra.Command {
	var opts addOptions
	cmd := &cobra.Command{
		Use:   "add (TABLE... | . | -A)",
		Short: "Stage tables for the next commit",
		Example: `  # Stage two tables
  dsql add orders customers

  # Stage every changed table (new, modified and deleted)
  dsql add .
  dsql add -A

  # Same as: CALL dsql_add('orders')`,
		Long: `Copies the working version of each named table (. or -A: of every table, including
new and deleted ones) to the staging area, so that the next dsql commit records it. See
what is staged with dsql status; unstage with dsql reset TABLE.

This runs CALL dsql_add(...) with the same arguments on the repository's embedded engine.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAdd(cmd.Context(), opts, args)
		},
	}
	cmd.Flags().BoolVarP(&opts.all, "all", "A", false, "stage every table: new, modified and deleted")
	return cmd
}

func runAdd(ctx context.Context, opts addOptions, tables []string) error {
	if !opts.all && len(tables) == 0 {
		return usageErrorf("name the tables to stage (dsql add orders), or stage all of them with dsql add . or dsql add -A")
	}
	args := tables
	if opts.all {
		args = append([]string{"-A"}, tables...)
	}
	return withRepository(ctx, opts.dir, "CALL dsql_add('-A')", func(s *vcsSession) error {
		_, err := s.call("dsql_add", args...)
		return err
	})
}
