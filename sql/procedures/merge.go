package procedures

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"

	"github.com/dsqldb/dsql/merkle/merge"
	"github.com/dsqldb/dsql/merkle/repo"
)

const mergeUsage = "dsql_merge(BRANCH | REV [--no-ff] [--squash] [-m MESSAGE] [--author 'Name <email>'] | --abort)"

func mergeSchema() sql.Schema {
	return sql.Schema{
		{Name: "hash", Type: types.LongText, Nullable: true},
		{Name: "fast_forward", Type: types.Int64, Nullable: false},
		{Name: "conflicts", Type: types.Int64, Nullable: false},
		{Name: "message", Type: types.LongText, Nullable: true},
	}
}

// ErrMergeConflicts is wrapped by the error of a merge with conflicts in autocommit mode
// (the merge is rolled back) and by dsql_commit's refusal while conflicts are unresolved.
var ErrMergeConflicts = errors.New("merge conflicts")

// mergeBranch merges a branch or revision into the session's branch: already up to
// date; a fast-forward (unless --no-ff); otherwise a three-way merge from the merge base
// (merkle/merge) that, when clean, commits by itself with two parents. With row conflicts
// the merge is rolled back with an error in autocommit mode; inside an explicit
// transaction (BEGIN, or autocommit off) the merged working set is kept with its
// conflicts recorded in the working set's merge state, to be resolved (dsql_conflicts_<t>,
// dsql_conflicts_resolve) and committed, or aborted (--abort).
//
// Like dsql_reset and dsql_checkout, it first commits the SQL transaction, then changes
// the branch's head and working set in one durable compare-and-swap (retried from a
// fresh read if another session commits meanwhile). The working set must be clean.
func mergeBranch(ctx *sql.Context, c *config, args []string) (sql.RowIter, error) {
	f := newFlags("dsql_merge", mergeUsage)
	noFF := f.Bool("no-ff", false, "always make a merge commit")
	squash := f.Bool("squash", false, "merge into the working set without committing or recording the merge")
	abort := f.Bool("abort", false, "abandon the merge in progress")
	messages := f.StringArrayP("message", "m", nil, "merge commit message")
	author := f.String("author", "", "author as 'Name <email>'")
	if err := f.parse(args); err != nil {
		return nil, err
	}
	e, err := writable(ctx, "dsql_merge")
	if err != nil {
		return nil, err
	}
	if *abort {
		if f.NArg() > 0 || *noFF || *squash {
			return nil, f.usageError("--abort takes no other arguments")
		}
		return mergeAbort(ctx, e)
	}
	if f.NArg() != 1 {
		return nil, f.usageError("name one branch or revision to merge")
	}
	if *noFF && *squash {
		return nil, f.usageError("--no-ff and --squash cannot be used together")
	}
	spec := f.Arg(0)
	branch, err := e.branch(ctx)
	if err != nil {
		return nil, err
	}
	committer, err := signature(ctx, c, e, "", time.Time{})
	if err != nil {
		return nil, err
	}
	authorSig := committer
	if *author != "" {
		if authorSig, err = signature(ctx, c, e, *author, time.Time{}); err != nil {
			return nil, err
		}
	}
	msg := strings.Join(*messages, "\n\n")
	if msg == "" {
		if _, berr := e.db.Repo().Branch(ctx, spec); berr == nil {
			msg = fmt.Sprintf("Merge branch '%s' into %s", spec, branch)
		} else {
			msg = fmt.Sprintf("Merge commit '%s' into %s", spec, branch)
		}
	}
	inTx, err := explicitTransaction(ctx)
	if err != nil {
		return nil, err
	}
	if err := e.sess.EndTransaction(ctx); err != nil {
		return nil, err
	}
	r := e.db.Repo()
	var row sql.Row
	err = updateBranch(ctx, e, func(head repo.Commit, cur repo.WorkingSet) (repo.Commit, repo.WorkingSet, error) {
		if ms, merging := cur.Merge(); merging {
			return head, cur, fmt.Errorf("dsql_merge: a merge is in progress (%d unresolved conflicts, schema conflicts or tables with violations): resolve them and commit with dsql_commit, or abandon it with dsql_merge('--abort')", len(ms.Conflicts)+len(ms.SchemaConflicts)+len(ms.Violations))
		}
		headRoot, err := r.Root(ctx, head.RootHash())
		if err != nil {
			return head, cur, err
		}
		theirs, err := e.resolve(ctx, spec)
		if err != nil {
			return head, cur, fmt.Errorf("dsql_merge: %w", err)
		}
		if up, err := r.IsAncestor(ctx, theirs, head); err != nil {
			return head, cur, err
		} else if up {
			row = sql.Row{head.Hash().String(), int64(0), int64(0), "Already up to date."}
			return head, cur, nil
		}
		if cur.Working().Hash() != headRoot.Hash() || cur.Staged().Hash() != headRoot.Hash() {
			return head, cur, fmt.Errorf("dsql_merge: branch %q has uncommitted changes (%s); commit them (dsql_commit) or discard them (dsql_reset('--hard')) before merging",
				branch, tableList(changedTables(headRoot, cur.Working())))
		}
		theirRoot, err := r.Root(ctx, theirs.RootHash())
		if err != nil {
			return head, cur, err
		}
		ff, err := r.IsAncestor(ctx, head, theirs)
		if err != nil {
			return head, cur, err
		}
		if ff && !*noFF && !*squash {
			row = sql.Row{theirs.Hash().String(), int64(1), int64(0), "Fast-forward"}
			return theirs, repo.NewWorkingSet(theirRoot, theirRoot), nil
		}
		base, err := r.MergeBase(ctx, head, theirs)
		if err != nil {
			return head, cur, fmt.Errorf("dsql_merge: %s and %s: %w", branch, spec, err)
		}
		baseRoot, err := r.Root(ctx, base.RootHash())
		if err != nil {
			return head, cur, err
		}
		res, err := merge.Merge(ctx, baseRoot, headRoot, theirRoot, mergeOptions(ctx))
		if err != nil {
			return head, cur, fmt.Errorf("dsql_merge: %w", err)
		}
		if res.Unresolved() {
			what := strings.Join(unresolvedParts(res), "; ")
			switch {
			case *squash:
				return head, cur, fmt.Errorf("dsql_merge: %w: merge has %s: a --squash merge cannot keep them; merge without --squash to resolve them", ErrMergeConflicts, what)
			case !inTx:
				return head, cur, fmt.Errorf("dsql_merge: %w: merge has %s; run it inside a transaction (SET autocommit=0 or BEGIN) to resolve them, "+
					"or resolve the differences on one of the branches first; nothing was changed", ErrMergeConflicts, what)
			}
			ms := res.State(theirs.Hash(), headRoot, baseRoot)
			row = sql.Row{nil, int64(0), numUnresolved(res), unresolvedMessage(res)}
			return head, repo.NewWorkingSet(res.Root, res.Root).WithMerge(ms), nil
		}
		if *squash {
			row = sql.Row{nil, int64(0), int64(0), "Squash commit -- not updating HEAD"}
			return head, repo.NewWorkingSet(res.Root, res.Root), nil
		}
		cm, err := repo.NewCommit(res.Root.Hash(), []repo.Commit{head, theirs}, authorSig, committer, msg)
		if err != nil {
			return head, cur, err
		}
		row = sql.Row{cm.Hash().String(), int64(0), int64(0), "merge successful"}
		return cm, repo.NewWorkingSet(res.Root, res.Root), nil
	})
	if err != nil {
		return nil, err
	}
	return sql.RowsToRowIter(row), nil
}

// mergeAbort restores the working set from before the merge in progress.
func mergeAbort(ctx *sql.Context, e env) (sql.RowIter, error) {
	if err := e.sess.EndTransaction(ctx); err != nil {
		return nil, err
	}
	r := e.db.Repo()
	err := updateBranch(ctx, e, func(head repo.Commit, cur repo.WorkingSet) (repo.Commit, repo.WorkingSet, error) {
		ms, merging := cur.Merge()
		if !merging {
			return head, cur, errors.New("dsql_merge: there is no merge to abort")
		}
		pre, err := r.Root(ctx, ms.PreMergeWorking)
		if err != nil {
			return head, cur, err
		}
		return head, repo.NewWorkingSet(pre, pre), nil
	})
	if err != nil {
		return nil, err
	}
	return sql.RowsToRowIter(sql.Row{nil, int64(0), int64(0), "merge aborted"}), nil
}

// explicitTransaction reports whether the statement runs inside an explicit transaction
// (BEGIN / START TRANSACTION, or autocommit off), where a merge may keep conflicts.
func explicitTransaction(ctx *sql.Context) (bool, error) {
	if ctx.GetIgnoreAutoCommit() {
		return true, nil
	}
	v, err := ctx.GetSessionVariable(ctx, sql.AutoCommitSessionVar)
	if err != nil {
		return false, err
	}
	on, err := sql.ConvertToBool(ctx, v)
	if err != nil {
		return false, err
	}
	return !on, nil
}

// updateBranch moves the session's branch of e.db to the head and working set fn returns
// for the current ones, in one durable compare-and-swap (repo.CommitWorkingSet); if the
// branch or its working set changed meanwhile, fn runs again on a fresh read. fn
// returning the head and working set it was given changes nothing.
func updateBranch(ctx *sql.Context, e env, fn func(head repo.Commit, cur repo.WorkingSet) (repo.Commit, repo.WorkingSet, error)) error {
	r := e.db.Repo()
	branch, err := e.branch(ctx)
	if err != nil {
		return err
	}
	for range maxBranchAttempts {
		head, err := r.Branch(ctx, branch)
		if err != nil {
			return err
		}
		cur, err := r.WorkingSet(ctx, branch)
		if err != nil {
			return err
		}
		nh, next, err := fn(head, cur)
		if err != nil {
			return err
		}
		if nh.Hash() == head.Hash() && next.Hash() == cur.Hash() {
			return nil
		}
		err = r.CommitWorkingSet(ctx, branch, head.Hash(), nh, cur, next)
		if errors.Is(err, repo.ErrConflict) {
			continue
		}
		return err
	}
	return sql.ErrLockDeadlock.New(fmt.Sprintf("branch %q: gave up after %d concurrent updates", branch, maxBranchAttempts))
}

const maxBranchAttempts = 100

// checkNoConflicts is dsql_commit's CommitOptions.Check: a merge with unresolved
// conflicts cannot be committed.
func checkNoConflicts(_ *sql.Context, ws repo.WorkingSet) error {
	ms, merging := ws.Merge()
	if !merging || !ms.Unresolved() {
		return nil
	}
	if len(ms.Conflicts) == 0 {
		return fmt.Errorf("dsql_commit: %w: %s; then commit again, or abandon the merge with CALL dsql_merge('--abort')", ErrMergeConflicts, unresolvedStateError(ms))
	}
	names := make([]string, len(ms.Conflicts))
	for i, tc := range ms.Conflicts {
		names[i] = tc.Table
	}
	return fmt.Errorf("dsql_commit: %w: unresolved conflicts in %s; resolve them (DELETE FROM dsql_conflicts_%s keeps ours, or CALL dsql_conflicts_resolve('--ours'|'--theirs', '%s')) "+
		"and commit again, or abandon the merge with CALL dsql_merge('--abort')", ErrMergeConflicts, tableList(names), names[0], names[0])
}
