package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// mergeOptions holds the flags of "dsql merge" and its test seams.
type mergeOptions struct {
	noFF       bool   // --no-ff
	squash     bool   // --squash
	abort      bool   // --abort
	message    string // -m
	messageSet bool

	dir    string              // the repository directory; "" = the current directory
	getenv func(string) string // nil = os.Getenv
}

func newMergeCommand() *cobra.Command {
	var opts mergeOptions
	cmd := &cobra.Command{
		Use:   "merge [--no-ff] [--squash] [-m MESSAGE] BRANCH | merge --abort",
		Short: "Join another branch's history into the current branch",
		Example: `  # Bring feature's commits into main (a fast-forward when main has not moved)
  dsql checkout main
  dsql merge feature

  # Always record a merge commit, with its own message
  dsql merge --no-ff -m "Merge the price fixes" feature

  # Take feature's changes into the working set only, to commit them as one
  dsql merge --squash feature
  dsql commit -m "Price fixes"

  # After a conflict: look, choose, commit; or give up
  dsql conflicts cat orders
  dsql conflicts resolve --theirs orders
  dsql commit -m "Merge feature"
  dsql merge --abort

  # Same as: CALL dsql_merge('feature')`,
		Long: `Merges BRANCH (or any revision) into the current branch. When the current branch is an
ancestor of BRANCH it moves forward ("Fast-forward") unless --no-ff; otherwise the tables are
merged three-way from the merge base, row by row and cell by cell, and a clean merge is
committed at once with the message "Merge branch 'BRANCH' into CURRENT" (or -m).

When both sides changed the same cell differently (or one deleted a row the other changed)
the merge stops: each such table is named in a CONFLICT line, the command exits with
status 1, and the merge stays in progress with ours' rows in the working set. Look at the
conflicts with dsql conflicts cat TABLE, settle them with dsql conflicts resolve
--ours|--theirs TABLE (or by hand in SQL), then dsql commit; dsql merge --abort restores
the working set from before the merge. A table whose schema changed in ways that cannot
be combined stops the merge before anything changes.

The working set must be clean. This runs CALL dsql_merge(...) inside a transaction on the
repository's embedded engine.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.messageSet = cmd.Flags().Changed("message")
			return runMerge(cmd.Context(), opts, args, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.noFF, "no-ff", false, "make a merge commit even when a fast-forward is possible")
	f.BoolVar(&opts.squash, "squash", false, "merge into the working set without committing or recording the merge")
	f.BoolVar(&opts.abort, "abort", false, "abandon the merge in progress and restore the working set")
	f.StringVarP(&opts.message, "message", "m", "", "the merge commit's message")
	return cmd
}

// mergeArgs are the arguments of CALL dsql_merge for opts and args.
func mergeArgs(opts mergeOptions, args []string, author string) ([]string, error) {
	if opts.abort {
		if len(args) > 0 || opts.noFF || opts.squash || opts.messageSet {
			return nil, usageErrorf("--abort takes no branch and no other flags")
		}
		return []string{"--abort"}, nil
	}
	switch {
	case len(args) == 0:
		return nil, usageErrorf("name the branch to merge into the current one")
	case len(args) > 1:
		return nil, usageErrorf("merge one branch at a time (got %d)", len(args))
	case opts.noFF && opts.squash:
		return nil, usageErrorf("--no-ff and --squash exclude each other")
	}
	var out []string
	if opts.noFF {
		out = append(out, "--no-ff")
	}
	if opts.squash {
		out = append(out, "--squash")
	}
	if opts.messageSet {
		out = append(out, "-m", opts.message)
	}
	if author != "" {
		out = append(out, "--author", author)
	}
	return append(out, args[0]), nil
}

// errMergeConflicts is the error (exit status 1) of a merge that stopped on conflicts.
var errMergeConflicts = errors.New("Automatic merge failed; fix conflicts and then commit the result.")

func runMerge(ctx context.Context, opts mergeOptions, args []string, stdout io.Writer) error {
	if _, err := mergeArgs(opts, args, ""); err != nil {
		return err
	}
	return withRepository(ctx, opts.dir, "CALL dsql_merge('feature')", func(s *vcsSession) error {
		author := ""
		if !opts.abort {
			var err error
			if author, err = s.configuredAuthor(ctx, opts.getenv); err != nil {
				return err
			}
		}
		pargs, err := mergeArgs(opts, args, author)
		if err != nil {
			return err
		}
		before, err := s.headHash()
		if err != nil {
			return err
		}
		row, err := s.callInTransaction("dsql_merge", pargs...)
		if err != nil {
			return err
		}
		if opts.abort {
			return nil
		}
		return writeMergeResult(s, stdout, before, row)
	})
}

// callInTransaction runs CALL proc(args...) inside an explicit transaction (so that a
// merge, cherry-pick or revert with conflicts keeps them instead of being rolled back),
// commits the SQL transaction, and returns the call's single result row.
func (s *vcsSession) callInTransaction(proc string, args ...string) ([]any, error) {
	if _, _, err := s.query("START TRANSACTION"); err != nil {
		return nil, err
	}
	rows, err := s.call(proc, args...)
	if err != nil {
		_, _, _ = s.query("ROLLBACK")
		return nil, err
	}
	if _, _, err := s.query("COMMIT"); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s returned no result", proc)
	}
	return rows[0], nil
}

// headHash returns the hash of the current branch's head commit.
func (s *vcsSession) headHash() (string, error) {
	_, rows, err := s.query("SELECT dsql_hashof('HEAD')")
	if err != nil {
		return "", err
	}
	if len(rows) == 0 || len(rows[0]) == 0 {
		return "", errors.New("no HEAD commit")
	}
	return str(rows[0][0]), nil
}

// conflictedTables lists the tables with unresolved conflicts of the merge in progress.
func (s *vcsSession) conflictedTables() ([]string, error) {
	_, rows, err := s.query("SELECT `table` FROM dsql_conflicts ORDER BY 1")
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = str(r[0])
	}
	return out, nil
}

// writeMergeResult prints a dsql_merge result row (hash, fast_forward, conflicts,
// message) in git's words; conflicts end in errMergeConflicts.
func writeMergeResult(s *vcsSession, w io.Writer, before string, row []any) error {
	if len(row) < 4 {
		return errors.New("dsql_merge returned a short row")
	}
	h, ff, conflicts, msg := str(row[0]), truthy(row[1]), row[2], str(row[3])
	var b strings.Builder
	switch {
	case fmt.Sprint(conflicts) != "0":
		tables, err := s.conflictedTables()
		if err != nil {
			return err
		}
		for _, t := range tables {
			fmt.Fprintf(&b, "CONFLICT (content): Merge conflict in %s\n", t)
		}
		// Schema conflicts and constraint violations, as dsql_status reports them.
		_, more, err := s.query("SELECT table_name, status FROM dsql_status WHERE status IN ('schema conflict', 'constraint violation') ORDER BY 1")
		if err != nil {
			return err
		}
		for _, r := range more {
			kind := "schema"
			if str(r[1]) == "constraint violation" {
				kind = "constraint violation"
			}
			fmt.Fprintf(&b, "CONFLICT (%s): Merge conflict in %s\n", kind, str(r[0]))
		}
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
		return errMergeConflicts
	case ff:
		fmt.Fprintf(&b, "Updating %s..%s\nFast-forward\n", shortHash(before), shortHash(h))
	case h == "" || h == before:
		// "Already up to date." or the squash message.
		b.WriteString(msg + "\n")
	default:
		branch, err := s.activeBranch()
		if err != nil {
			return err
		}
		_, mrows, err := s.query("SELECT message FROM dsql_log WHERE commit_hash = ?", h)
		if err != nil {
			return err
		}
		subject := msg
		if len(mrows) > 0 {
			subject, _, _ = strings.Cut(str(mrows[0][0]), "\n")
		}
		fmt.Fprintf(&b, "Merge made by the 'three-way' strategy.\n[%s %s] %s\n", branch, shortHash(h), subject)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
