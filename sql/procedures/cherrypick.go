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

const (
	cherryPickUsage = "dsql_cherry_pick([--author 'Name <email>'] COMMIT... | --abort)"
	revertUsage     = "dsql_revert([--author 'Name <email>'] COMMIT... | --abort)"
)

func pickSchema() sql.Schema {
	return sql.Schema{
		{Name: "hash", Type: types.LongText, Nullable: true},
		{Name: "data_conflicts", Type: types.Int64, Nullable: false},
		{Name: "schema_conflicts", Type: types.Int64, Nullable: false},
	}
}

// pickKind is what cherryPick does with each commit: apply its change or undo it.
type pickKind struct {
	proc, usage string
	apply       func(ctx *sql.Context, r *repo.Repo, ours repo.Root, c repo.Commit, opts merge.Options) (merge.Pick, error)
	// message is the new commit's message for c.
	message func(c repo.Commit) string
	// keepAuthor: the new commit keeps c's author (cherry-pick), else it is the committer's.
	keepAuthor bool
}

var cherryPickKind = pickKind{
	proc: "dsql_cherry_pick", usage: cherryPickUsage,
	apply: func(ctx *sql.Context, r *repo.Repo, ours repo.Root, c repo.Commit, opts merge.Options) (merge.Pick, error) {
		return merge.CherryPick(ctx, r, ours, c, opts)
	},
	message:    func(c repo.Commit) string { return c.Message() },
	keepAuthor: true,
}

// pickProc is the procedure of kind k (dsql_cherry_pick or dsql_revert).
func pickProc(c *config, k pickKind) procFunc {
	return func(ctx *sql.Context, args ...string) (sql.RowIter, error) { return cherryPick(ctx, c, k, args) }
}

// cherryPick applies (dsql_cherry_pick) or undoes (dsql_revert) the changes of the given
// commits, in order, on top of the session's branch, each as a new one-parent commit,
// on the merge machinery (merkle/merge.CherryPick / Revert: a three-way merge with the
// commit's parent, or the commit, as base). A commit whose result has row conflicts stops
// there: in autocommit mode everything is rolled back with an error; inside an explicit
// transaction the commits before it stay committed and its result stays in the working
// set with its conflicts recorded, to be resolved (dsql_conflicts_<t>,
// dsql_conflicts_resolve) and committed with dsql_commit, or abandoned with --abort; the
// commits after it are not applied. Schema conflicts fail the call and change nothing.
// The result row is (hash of the last new commit, or NULL with conflicts; number of
// conflicted rows; 0). The working set must be clean; merge commits are refused.
func cherryPick(ctx *sql.Context, c *config, k pickKind, args []string) (sql.RowIter, error) {
	f := newFlags(k.proc, k.usage)
	author := f.String("author", "", "author as 'Name <email>'")
	abort := f.Bool("abort", false, "abandon the cherry-pick or revert in progress")
	if err := f.parse(args); err != nil {
		return nil, err
	}
	e, err := writable(ctx, k.proc)
	if err != nil {
		return nil, err
	}
	if *abort {
		if f.NArg() > 0 {
			return nil, f.usageError("--abort takes no other arguments")
		}
		if _, err := mergeAbort(ctx, e); err != nil {
			return nil, errors.New(k.proc + ": " + strings.TrimPrefix(err.Error(), "dsql_merge: "))
		}
		return sql.RowsToRowIter(sql.Row{nil, int64(0), int64(0)}), nil
	}
	if f.NArg() == 0 {
		return nil, f.usageError("name at least one commit")
	}
	branch, err := e.branch(ctx)
	if err != nil {
		return nil, err
	}
	committer, err := signature(ctx, c, e, "", time.Time{})
	if err != nil {
		return nil, err
	}
	var authorSig *repo.Signature
	if *author != "" {
		a, err := signature(ctx, c, e, *author, time.Time{})
		if err != nil {
			return nil, err
		}
		authorSig = &a
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
			return head, cur, fmt.Errorf("%s: a merge, cherry-pick or revert is in progress (%d unresolved conflicts, schema conflicts or tables with violations): resolve them and commit with dsql_commit, or abandon it with dsql_merge('--abort')", k.proc, len(ms.Conflicts)+len(ms.SchemaConflicts)+len(ms.Violations))
		}
		headRoot, err := r.Root(ctx, head.RootHash())
		if err != nil {
			return head, cur, err
		}
		if cur.Working().Hash() != headRoot.Hash() || cur.Staged().Hash() != headRoot.Hash() {
			return head, cur, fmt.Errorf("%s: branch %q has uncommitted changes (%s); commit them (dsql_commit) or discard them (dsql_reset('--hard')) first",
				k.proc, branch, tableList(changedTables(headRoot, cur.Working())))
		}
		tip, tipRoot := head, headRoot
		for _, spec := range f.Args() {
			cm, err := e.resolve(ctx, spec)
			if err != nil {
				return head, cur, fmt.Errorf("%s: %w", k.proc, err)
			}
			p, err := k.apply(ctx, r, tipRoot, cm, mergeOptions(ctx))
			if err != nil {
				return head, cur, fmt.Errorf("%s: %s: %w", k.proc, spec, err)
			}
			a := committer
			if authorSig != nil {
				a = *authorSig
			} else if k.keepAuthor {
				a = cm.Author()
			}
			msg := k.message(cm)
			if p.Unresolved() {
				if !inTx {
					return head, cur, fmt.Errorf("%s: %w: applying %s leaves %s; run it inside a transaction (SET autocommit=0 or BEGIN) to resolve them; nothing was changed",
						k.proc, ErrMergeConflicts, spec, strings.Join(unresolvedParts(p.Result), "; "))
				}
				ms, err := merge.PickState(ctx, r, p, tip, tipRoot, a, committer, msg)
				if err != nil {
					return head, cur, err
				}
				row = sql.Row{nil, int64(p.NumConflicts()), int64(len(p.SchemaConflicts))}
				return tip, repo.NewWorkingSet(p.Root, p.Root).WithMerge(ms), nil
			}
			if p.Root.Hash() == tipRoot.Hash() {
				return head, cur, fmt.Errorf("%s: %s changes nothing on branch %q (its changes are already there, or it is empty); nothing was committed", k.proc, spec, branch)
			}
			next, err := repo.NewCommit(p.Root.Hash(), []repo.Commit{tip}, a, committer, msg)
			if err != nil {
				return head, cur, err
			}
			if tip.Hash() != head.Hash() {
				// An intermediate commit: its chunk must reach the store with the last one.
				if err := r.Store().Put(ctx, tip.Chunk()); err != nil {
					return head, cur, err
				}
			}
			tip, tipRoot = next, p.Root
		}
		row = sql.Row{tip.Hash().String(), int64(0), int64(0)}
		return tip, repo.NewWorkingSet(tipRoot, tipRoot), nil
	})
	if err != nil {
		return nil, err
	}
	return sql.RowsToRowIter(row), nil
}
