package cli

import "github.com/spf13/cobra"

var revertVerb = pickVerb{name: "revert", proc: "dsql_revert", failed: "could not revert",
	sqlHint: "CALL dsql_revert('HEAD')", signed: true}

func newRevertCommand() *cobra.Command {
	var opts pickOptions
	cmd := &cobra.Command{
		Use:   "revert COMMIT... | revert --abort",
		Short: "Make commits that undo the changes of existing commits",
		Example: `  # Undo the last commit with a new one
  dsql revert HEAD

  # Undo an older one (later changes to the same rows stay, cell by cell)
  dsql revert HEAD~3

  # Same as: CALL dsql_revert('HEAD')`,
		Long: `For each COMMIT, makes a new commit on the current branch that undoes the change it
made (a three-way merge with the commit as base and its parent as theirs), with git's
message: Revert "<subject>" and "This reverts commit <hash>.". A revert that conflicts with
later changes stops with CONFLICT lines and exit status 1, leaving the result in the
working set with the conflicts recorded (see dsql conflicts): resolve them and dsql
commit, or dsql revert --abort. Merge commits cannot be reverted; the working set must be
clean.

This runs CALL dsql_revert(...) once per commit, inside a transaction, on the repository's
embedded engine.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPick(cmd.Context(), revertVerb, opts, args, cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&opts.abort, "abort", false, "abandon the revert in progress")
	return cmd
}
