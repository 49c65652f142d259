package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// commitOptions holds the flags of "dsql commit" and its test seams.
type commitOptions struct {
	message    string // -m
	messageSet bool   // -m was given (an empty message is refused by the procedure, not here)
	all        bool   // -a: stage every modified or deleted table first
	allTables  bool   // -A: also stage new tables
	allowEmpty bool   // --allow-empty
	amend      bool   // --amend
	author     string // --author "Name <email>"
	date       string // --date

	dir    string              // the repository directory; "" = the current directory
	getenv func(string) string // nil = os.Getenv
}

func newCommitCommand() *cobra.Command {
	var opts commitOptions
	cmd := &cobra.Command{
		Use:   "commit -m MESSAGE [-a|-A] [--allow-empty] [--amend] [--author \"Name <email>\"] [--date DATE]",
		Short: "Record the staged tables as a new commit",
		Example: `  # Commit what dsql add staged
  dsql add orders
  dsql commit -m "Add the March orders"

  # Stage every changed table (-a: modified and deleted, -A: also new ones) and commit
  dsql commit -am "Fix prices"
  dsql commit -A -m "Import customers"

  # Rewrite the last commit (its message, or with newly staged changes)
  dsql commit --amend -m "Add the March and April orders"

  # Sign as someone else, at another time
  dsql commit -m "Backfill" --author "Ada Lovelace <ada@example.com>" --date 2024-01-31T12:00:00

  # Same as: CALL dsql_commit('-am', 'Fix prices')`,
		Long: `Makes a new commit on the current branch from the staged tables (see dsql add and
dsql status) and prints "[branch hash] message". The author is --author, else user.name and
user.email from dsql config (the repository's value wins over the global one).

This runs CALL dsql_commit(...) with the same flags on the repository's embedded engine.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.messageSet = cmd.Flags().Changed("message")
			return runCommit(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.message, "message", "m", "", "the commit message")
	f.BoolVarP(&opts.all, "all", "a", false, "stage every modified and deleted table first")
	f.BoolVarP(&opts.allTables, "ALL", "A", false, "stage every table first, new ones too")
	f.BoolVar(&opts.allowEmpty, "allow-empty", false, "commit even when nothing is staged")
	f.BoolVar(&opts.amend, "amend", false, "replace the branch's last commit instead of adding one")
	f.StringVar(&opts.author, "author", "", `the author, as "Name <email>" (default: user.name and user.email from dsql config)`)
	f.StringVar(&opts.date, "date", "", "the author date (default: now), e.g. 2024-01-31T12:00:00")
	return cmd
}

// commitArgs are the arguments of CALL dsql_commit for opts, signed by author.
func commitArgs(opts commitOptions, author string) []string {
	var args []string
	if opts.allTables {
		args = append(args, "-A")
	} else if opts.all {
		args = append(args, "-a")
	}
	if opts.allowEmpty {
		args = append(args, "--allow-empty")
	}
	if opts.amend {
		args = append(args, "--amend")
	}
	if opts.messageSet {
		args = append(args, "-m", opts.message)
	}
	if author != "" {
		args = append(args, "--author", author)
	}
	if opts.date != "" {
		args = append(args, "--date", opts.date)
	}
	return args
}

func runCommit(ctx context.Context, opts commitOptions, stdout io.Writer) error {
	if !opts.messageSet && !opts.amend {
		return usageErrorf(`no commit message: pass one with -m "message"`)
	}
	return withRepository(ctx, opts.dir, "CALL dsql_commit('-am', 'message')", func(s *vcsSession) error {
		author := opts.author
		if author == "" {
			var err error
			if author, err = s.configuredAuthor(ctx, opts.getenv); err != nil {
				return err
			}
		}
		rows, err := s.call("dsql_commit", commitArgs(opts, author)...)
		if err != nil {
			return commitError(err)
		}
		if len(rows) == 0 || len(rows[0]) == 0 {
			return errors.New("dsql_commit returned no commit hash")
		}
		h := str(rows[0][0])
		branch, err := s.activeBranch()
		if err != nil {
			return err
		}
		msg := opts.message
		if !opts.messageSet {
			_, mrows, err := s.query("SELECT message FROM dsql_log WHERE commit_hash = ?", h)
			if err != nil {
				return err
			}
			if len(mrows) > 0 {
				msg = str(mrows[0][0])
			}
		}
		subject, _, _ := strings.Cut(msg, "\n")
		_, err = fmt.Fprintf(stdout, "[%s %s] %s\n", branch, shortHash(h), subject)
		return err
	})
}

// commitError adds what to do to the procedure's errors the user can fix.
func commitError(err error) error {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "nothing to commit"):
		return &procError{err: err, msg: "nothing to commit: no changes are staged (see dsql status).\n" +
			"Stage tables with dsql add <table>, stage every change with dsql commit -a (or -A for new tables too), " +
			"or pass --allow-empty to record a commit without changes"}
	case strings.Contains(msg, "author"):
		return fmt.Errorf("%w\nGive the author as --author \"Name <email>\"", err)
	}
	return err
}
