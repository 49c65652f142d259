package procedures

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/session"
)

const commitUsage = "dsql_commit([-a | -A] [--allow-empty | --skip-empty] [--amend] [--author 'Name <email>'] [--date DATE] -m MESSAGE)"

// errNothingToCommit is the error of a commit with nothing staged; it says how to fix it.
var errNothingToCommit = errors.New("nothing to commit: stage changes with dsql_add('t') or use -a / --allow-empty")

// commit makes a version commit of the staged root (after staging what -a/-A ask for),
// ending the SQL transaction. It returns the new commit's hash (NULL with --skip-empty when
// there was nothing to commit).
func commit(ctx *sql.Context, c *config, args []string) (sql.RowIter, error) {
	f := newFlags("dsql_commit", commitUsage)
	messages := f.StringArrayP("message", "m", nil, "commit message")
	stageModified := f.BoolP("all", "a", false, "stage tracked tables changed or deleted in the working set")
	stageAll := f.BoolP("ALL", "A", false, "stage every table, new ones included")
	allowEmpty := f.Bool("allow-empty", false, "commit even if nothing is staged")
	skipEmpty := f.Bool("skip-empty", false, "return NULL instead of failing when nothing is staged")
	amend := f.Bool("amend", false, "replace the HEAD commit")
	author := f.String("author", "", "author as 'Name <email>'")
	date := f.String("date", "", "author date")
	force := f.BoolP("force", "f", false, "accepted for Dolt compatibility (constraint violations are not committed)")
	if err := f.parse(args); err != nil {
		return nil, err
	}
	_ = force
	if f.NArg() > 0 {
		return nil, f.usageError("unexpected argument %q (quote the message after -m)", f.Arg(0))
	}
	msg := strings.Join(*messages, "\n\n")
	if strings.TrimSpace(msg) == "" && !*amend {
		return nil, f.usageError("a commit message is required (-m 'message')")
	}
	if *allowEmpty && *skipEmpty {
		return nil, f.usageError("--allow-empty and --skip-empty cannot be used together")
	}
	var when time.Time
	if *date != "" {
		d, err := parseDate(*date)
		if err != nil {
			return nil, fmt.Errorf("dsql_commit: %w", err)
		}
		when = d
	}
	e, err := writable(ctx, "dsql_commit")
	if err != nil {
		return nil, err
	}
	committer, err := signature(ctx, c, e, "", time.Time{})
	if err != nil {
		return nil, err
	}
	authorSig := committer
	if *author != "" || !when.IsZero() {
		if authorSig, err = signature(ctx, c, e, *author, when); err != nil {
			return nil, err
		}
	}
	if *amend && *author == "" {
		// As git: an amended commit keeps its author unless --author says otherwise.
		head, err := e.sess.Head(ctx, e.db)
		if err != nil {
			return nil, err
		}
		a := head.Author()
		authorSig.Name, authorSig.Email = a.Name, a.Email
		if when.IsZero() {
			authorSig.Time = a.Time
		}
	}
	opts := session.CommitOptions{
		Message:    msg,
		Author:     authorSig,
		Committer:  committer,
		AllowEmpty: *allowEmpty,
		Amend:      *amend,
		Check:      checkNoConflicts,
	}
	switch {
	case *stageAll:
		opts.Stage = func(_ *sql.Context, _, working, _ repo.Root) (repo.Root, error) { return working, nil }
	case *stageModified:
		opts.Stage = func(ctx *sql.Context, head, working, staged repo.Root) (repo.Root, error) {
			// Tracked tables (in HEAD or already staged) whose working version differs from
			// the staged one, deletions included; untracked new tables are left out. (A table
			// fixed back to HEAD's version during a merge differs from the staged merge
			// result, so the fix is staged.)
			var names []string
			seen := map[string]bool{}
			for _, r := range []repo.Root{head, staged} {
				for _, t := range r.TableNames() {
					k := strings.ToLower(t)
					if seen[k] {
						continue
					}
					seen[k] = true
					if !sameTable(staged, working, t) {
						names = append(names, t)
					}
				}
			}
			return copyTables(ctx, staged, working, names)
		}
	}
	cm, err := e.sess.CommitVersion(ctx, e.db, opts)
	if errors.Is(err, session.ErrNothingToCommit) {
		if *skipEmpty {
			return sql.RowsToRowIter(sql.Row{nil}), nil
		}
		return nil, errNothingToCommit
	}
	if err != nil {
		return nil, err
	}
	return sql.RowsToRowIter(sql.Row{cm.Hash().String()}), nil
}
