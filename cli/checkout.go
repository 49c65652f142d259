package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// checkoutOptions holds the flags of "dsql checkout" and its test seams.
type checkoutOptions struct {
	newBranch   string // -b NAME
	resetBranch string // -B NAME: create or reset
	force       bool   // -f: discard changes that would be lost
	dashDashAt  int    // position of "--" among the arguments, -1 without one

	dir string // the repository directory; "" = the current directory
}

func newCheckoutCommand() *cobra.Command {
	var opts checkoutOptions
	cmd := &cobra.Command{
		Use:   "checkout BRANCH | checkout (-b|-B) NEW [START] | checkout [--] TABLE...",
		Short: "Switch branches, or restore tables to their committed version",
		Example: `  # Switch to another branch (uncommitted changes come along, as in git)
  dsql checkout feature

  # Create a branch and switch to it, at the current commit or at a tag
  dsql checkout -b feature
  dsql checkout -b v1-fixes v1

  # Throw away the uncommitted changes of a table
  dsql checkout orders
  dsql checkout -- orders

  # Same as: CALL dsql_checkout('feature')`,
		Long: `With a branch name, makes it the current branch of the repository (the one dsql sql,
dsql commit and new server sessions use). Uncommitted changes are carried over when the
switch cannot lose them; otherwise checkout stops and says which tables are in the way:
commit them, or discard them with dsql reset --hard or -f.

-b NEW [START] creates branch NEW at START (a branch, tag or commit; default: the current
commit) and switches to it; -B also resets an existing branch NEW. Tags and commits are
read-only: check them out as a new branch with -b (or read them with SELECT ... AS OF
'tag', or USE ` + "`db/tag`" + `).

With table names (after -- to be explicit), restores those tables in the working set to
their staged version (or HEAD's), discarding their uncommitted changes.

This runs CALL dsql_checkout('--move', ...) on the repository's embedded engine.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dashDashAt = cmd.ArgsLenAtDash()
			return runCheckout(cmd.Context(), opts, args, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.newBranch, "branch", "b", "", "create branch NEW and switch to it")
	f.StringVarP(&opts.resetBranch, "force-branch", "B", "", "create or reset branch NEW and switch to it")
	f.BoolVarP(&opts.force, "force", "f", false, "switch even if uncommitted changes are lost")
	return cmd
}

// checkoutArgs are the arguments of CALL dsql_checkout.
func checkoutArgs(opts checkoutOptions, args []string) ([]string, error) {
	if opts.newBranch != "" && opts.resetBranch != "" {
		return nil, usageErrorf("-b and -B exclude each other: pick one")
	}
	out := []string{"--move"}
	if opts.force {
		out = append(out, "-f")
	}
	switch {
	case opts.newBranch != "" || opts.resetBranch != "":
		if opts.dashDashAt >= 0 || len(args) > 1 {
			return nil, usageErrorf("-b and -B take a new branch name and at most one start revision")
		}
		if opts.newBranch != "" {
			out = append(out, "-b", opts.newBranch)
		} else {
			out = append(out, "-B", opts.resetBranch)
		}
		return append(out, args...), nil
	case len(args) == 0:
		return nil, usageErrorf("name a branch to switch to, -b NEW to create one, or tables to restore")
	case opts.dashDashAt >= 0:
		// dsql checkout [REV] -- TABLE...
		out = append(out, args[:opts.dashDashAt]...)
		out = append(out, "--")
		return append(out, args[opts.dashDashAt:]...), nil
	}
	return append(out, args...), nil
}

func runCheckout(ctx context.Context, opts checkoutOptions, args []string, stdout io.Writer) error {
	pargs, err := checkoutArgs(opts, args)
	if err != nil {
		return err
	}
	return withRepository(ctx, opts.dir, "CALL dsql_checkout('feature')", func(s *vcsSession) error {
		rows, err := s.call("dsql_checkout", pargs...)
		if err != nil {
			return err
		}
		if opts.newBranch != "" { // git's words for a new branch
			_, err := fmt.Fprintf(stdout, "Switched to a new branch '%s'\n", opts.newBranch)
			return err
		}
		for _, r := range rows {
			if len(r) > 1 {
				if msg := strings.TrimSpace(str(r[1])); msg != "" {
					if _, err := fmt.Fprintln(stdout, msg); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}
