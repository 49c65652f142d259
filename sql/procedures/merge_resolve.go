package procedures

import (
	"errors"
	"fmt"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/merge"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
)

const conflictsResolveUsage = "dsql_conflicts_resolve(--ours | --theirs, TABLE... | '.')"

// conflictsResolve resolves every conflict of the named tables ('.': all) of the merge in
// progress: --ours keeps the working rows (ours, unless changed since), --theirs writes
// theirs' version of each conflicted row into the working root (indexes updated). The
// resolved tables are staged (as `git add` marks a file resolved). It commits the SQL
// transaction first and changes the working set durably. Once the last conflict of a
// cherry-pick or revert is resolved its merge state is dropped, so that dsql_commit makes
// an ordinary one-parent commit.
func conflictsResolve(ctx *sql.Context, args []string) (sql.RowIter, error) {
	f := newFlags("dsql_conflicts_resolve", conflictsResolveUsage)
	ours := f.Bool("ours", false, "keep our rows")
	theirs := f.Bool("theirs", false, "take their rows")
	if err := f.parse(args); err != nil {
		return nil, err
	}
	if *ours == *theirs {
		return nil, f.usageError("choose one of --ours and --theirs")
	}
	if f.NArg() == 0 {
		return nil, f.usageError("name the tables to resolve ('.' for all)")
	}
	e, err := writable(ctx, "dsql_conflicts_resolve")
	if err != nil {
		return nil, err
	}
	if err := e.sess.EndTransaction(ctx); err != nil {
		return nil, err
	}
	r := e.db.Repo()
	err = updateBranch(ctx, e, func(head repo.Commit, cur repo.WorkingSet) (repo.Commit, repo.WorkingSet, error) {
		ms, merging := cur.Merge()
		if !merging || len(ms.Conflicts) == 0 {
			return head, cur, errors.New("dsql_conflicts_resolve: there are no conflicts to resolve")
		}
		cts, err := merge.LoadConflicts(ctx, r, ms)
		if err != nil {
			return head, cur, err
		}
		var todo []merge.ConflictTable
		if f.NArg() == 1 && f.Arg(0) == "." {
			todo = cts
		} else {
			for _, n := range f.Args() {
				ct, ok := merge.Find(cts, n)
				if !ok {
					return head, cur, fmt.Errorf("dsql_conflicts_resolve: table %q has no conflicts", n)
				}
				todo = append(todo, ct)
			}
		}
		working, staged := cur.Working(), cur.Staged()
		var names []string
		for _, ct := range todo {
			if *theirs {
				if working, err = merge.ResolveTheirs(ctx, working, ct); err != nil {
					return head, cur, fmt.Errorf("dsql_conflicts_resolve: %w", err)
				}
			}
			empty, err := prolly.NewEmpty(ctx, r.NodeStore(), ct.Keys.Compare())
			if err != nil {
				return head, cur, err
			}
			if ms, err = merge.WithConflicts(ms, ct.Name, empty); err != nil {
				return head, cur, err
			}
			names = append(names, ct.Name)
		}
		if staged, err = copyTables(ctx, staged, working, names); err != nil {
			return head, cur, err
		}
		next := repo.NewWorkingSet(working, staged).WithMerge(ms)
		if len(ms.Conflicts) == 0 {
			// A cherry-pick or revert concludes with an ordinary commit: drop its state.
			pick, err := merge.IsPickState(ctx, r, head, ms)
			if err != nil {
				return head, cur, err
			}
			if pick {
				next = next.ClearMerge()
			}
		}
		return head, next, nil
	})
	if err != nil {
		return nil, err
	}
	return ok()
}
