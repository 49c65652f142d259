package cli

import (
	"context"

	"github.com/spf13/cobra"
)

// resetOptions holds the flags of "dsql reset" and its test seams.
type resetOptions struct {
	soft, hard bool // --soft, --hard (neither: mixed)

	dir string // the repository directory; "" = the current directory
}

func newResetCommand() *cobra.Command {
	var opts resetOptions
	cmd := &cobra.Command{
		Use:   "reset [--soft | --hard] [REVISION] | reset TABLE...",
		Short: "Unstage tables, or move the branch to another commit",
		Example: `  # Unstage a table (its working changes stay)
  dsql reset orders

  # Unstage everything
  dsql reset

  # Throw away every uncommitted change, staged or not
  dsql reset --hard

  # Move the branch back one commit, keeping its changes staged
  dsql reset --soft HEAD~1

  # Move the branch to a tag, discarding everything after it
  dsql reset --hard v1

  # Same as: CALL dsql_reset('--hard')`,
		Long: `With table names, unstages those tables: their staged version goes back to the one
at HEAD and their working changes stay.

Otherwise moves the current branch to REVISION (default HEAD): --soft keeps the staged
and working tables, the default (mixed) keeps the working tables and unstages them, and
--hard makes both staged and working tables equal to REVISION, discarding uncommitted
changes.

This runs CALL dsql_reset(...) with the same arguments on the repository's embedded engine.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReset(cmd.Context(), opts, args)
		},
	}
	cmd.Flags().BoolVar(&opts.soft, "soft", false, "keep the staged and working tables")
	cmd.Flags().BoolVar(&opts.hard, "hard", false, "discard every uncommitted change")
	return cmd
}

// resetArgs are the arguments of CALL dsql_reset.
func resetArgs(opts resetOptions, args []string) ([]string, error) {
	if opts.soft && opts.hard {
		return nil, usageErrorf("--soft and --hard exclude each other: pick one")
	}
	var out []string
	switch {
	case opts.soft:
		out = append(out, "--soft")
	case opts.hard:
		out = append(out, "--hard")
	}
	if (opts.soft || opts.hard) && len(args) > 1 {
		return nil, usageErrorf("--soft and --hard take at most one revision, got %q", args)
	}
	return append(out, args...), nil
}

func runReset(ctx context.Context, opts resetOptions, args []string) error {
	pargs, err := resetArgs(opts, args)
	if err != nil {
		return err
	}
	return withRepository(ctx, opts.dir, "CALL dsql_reset('--hard')", func(s *vcsSession) error {
		_, err := s.call("dsql_reset", pargs...)
		return err
	})
}
