package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// pickOptions holds the flags of "dsql cherry-pick" and "dsql revert" and their test
// seams.
type pickOptions struct {
	abort bool // --abort

	dir    string              // the repository directory; "" = the current directory
	getenv func(string) string // nil = os.Getenv
}

// pickVerb describes cherry-pick or revert for runPick.
type pickVerb struct {
	name    string // "cherry-pick"
	proc    string // "dsql_cherry_pick"
	failed  string // "could not apply"
	sqlHint string
	// signed: pass the configured author (revert); a cherry-pick keeps the commit's.
	signed bool
}

var cherryPickVerb = pickVerb{name: "cherry-pick", proc: "dsql_cherry_pick", failed: "could not apply",
	sqlHint: "CALL dsql_cherry_pick('abc123')"}

func newCherryPickCommand() *cobra.Command {
	var opts pickOptions
	cmd := &cobra.Command{
		Use:   "cherry-pick COMMIT... | cherry-pick --abort",
		Short: "Apply the changes of existing commits to the current branch",
		Example: `  # Bring one fix from another branch, as a new commit here
  dsql cherry-pick feature~2

  # Several, in order
  dsql cherry-pick 6v2k4bq1 feature

  # After a conflict: resolve and commit, or give up
  dsql conflicts resolve --theirs orders
  dsql commit -m "Fix prices"
  dsql cherry-pick --abort

  # Same as: CALL dsql_cherry_pick('feature~2')`,
		Long: `Applies the change each COMMIT made (from its parent to it) to the current branch, as a
new commit with the same message and author, merging rows and cells three-way like
dsql merge. A commit whose change conflicts with the branch stops there with CONFLICT
lines and exit status 1: the commits before it are committed, its own result is left in
the working set with the conflicts recorded (see dsql conflicts), and the commits after it
are not applied. Resolve the conflicts and dsql commit, or dsql cherry-pick --abort.
Merge commits cannot be picked; the working set must be clean.

This runs CALL dsql_cherry_pick(...) once per commit, inside a transaction, on the
repository's embedded engine.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPick(cmd.Context(), cherryPickVerb, opts, args, cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&opts.abort, "abort", false, "abandon the cherry-pick in progress")
	return cmd
}

func runPick(ctx context.Context, v pickVerb, opts pickOptions, args []string, stdout io.Writer) error {
	switch {
	case opts.abort && len(args) > 0:
		return usageErrorf("--abort takes no commits")
	case !opts.abort && len(args) == 0:
		return usageErrorf("name at least one commit to %s", v.name)
	}
	return withRepository(ctx, opts.dir, v.sqlHint, func(s *vcsSession) error {
		if opts.abort {
			_, err := s.call(v.proc, "--abort")
			return err
		}
		var pre []string
		if v.signed {
			author, err := s.configuredAuthor(ctx, opts.getenv)
			if err != nil {
				return err
			}
			pre = []string{"--author", author}
		}
		// Resolve every revision first, against the branch as it is now (git's way).
		hashes := make([]string, len(args))
		for i, a := range args {
			_, rows, err := s.query("SELECT dsql_hashof(?)", a)
			if err != nil {
				return err
			}
			hashes[i] = str(rows[0][0])
		}
		branch, err := s.activeBranch()
		if err != nil {
			return err
		}
		for i, h := range hashes {
			row, err := s.callInTransaction(v.proc, append(pre, h)...)
			if err != nil {
				return err
			}
			if str(row[0]) == "" { // conflicts
				return pickConflict(s, v, stdout, h, hashes[i+1:])
			}
			subject, err := s.subject(str(row[0]))
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(stdout, "[%s %s] %s\n", branch, shortHash(str(row[0])), subject); err != nil {
				return err
			}
		}
		return nil
	})
}

// subject returns the first line of commit h's message.
func (s *vcsSession) subject(h string) (string, error) {
	_, rows, err := s.query("SELECT message FROM dsql_log(?) LIMIT 1", h)
	if err != nil || len(rows) == 0 {
		return "", err
	}
	subject, _, _ := strings.Cut(str(rows[0][0]), "\n")
	return subject, nil
}

// pickConflict prints the CONFLICT lines of a cherry-pick or revert of commit h that
// stopped, and returns the error that says what to do (exit status 1).
func pickConflict(s *vcsSession, v pickVerb, w io.Writer, h string, skipped []string) error {
	tables, err := s.conflictedTables()
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, t := range tables {
		fmt.Fprintf(&b, "CONFLICT (content): Merge conflict in %s\n", t)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	subject, err := s.subject(h)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%s %s... %s\nhint: after resolving the conflicts (dsql conflicts cat/resolve), run \"dsql commit\";\n"+
		"hint: to give up, run \"dsql %s --abort\"", v.failed, shortHash(h), subject, v.name)
	if len(skipped) > 0 {
		short := make([]string, len(skipped))
		for i, h := range skipped {
			short[i] = shortHash(h)
		}
		msg += fmt.Sprintf("\nhint: these commits were not applied: %s", strings.Join(short, " "))
	}
	return fmt.Errorf("%s", msg)
}
