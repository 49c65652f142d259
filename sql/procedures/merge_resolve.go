package procedures

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/merge"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
)

const conflictsResolveUsage = "dsql_conflicts_resolve(--ours | --theirs, TABLE... | '.')"

// conflictsResolve resolves every conflict of the named tables ('.': all) of the merge in
// progress: --ours keeps the working rows (ours, unless changed since), --theirs writes
// theirs' version of each conflicted row into the working root (indexes updated). The
// resolved tables are staged (as `git add` marks a file resolved). The roots and the
// merge state change in the session's transaction (COMMIT lands them together, ROLLBACK
// drops them; with autocommit the CALL is its own transaction). Once the last conflict of a
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
	r := e.db.Repo()
	ms, merging, err := e.sess.MergeState(ctx, e.db)
	if err != nil {
		return nil, err
	}
	if !merging || (len(ms.Conflicts) == 0 && len(ms.SchemaConflicts) == 0) {
		return nil, errors.New("dsql_conflicts_resolve: there are no conflicts to resolve")
	}
	cts, err := merge.LoadConflicts(ctx, r, ms)
	if err != nil {
		return nil, err
	}
	var todo []merge.ConflictTable
	var schemaTodo []string
	all := f.NArg() == 1 && f.Arg(0) == "."
	if all {
		todo = cts
		for _, sc := range ms.SchemaConflicts {
			schemaTodo = append(schemaTodo, sc.Table)
		}
	} else {
		for _, n := range f.Args() {
			ct, ok := merge.Find(cts, n)
			sc := slices.IndexFunc(ms.SchemaConflicts, func(c repo.SchemaConflict) bool { return strings.EqualFold(c.Table, n) })
			if !ok && sc < 0 {
				return nil, fmt.Errorf("dsql_conflicts_resolve: table %q has no conflicts", n)
			}
			if ok {
				todo = append(todo, ct)
			}
			if sc >= 0 {
				schemaTodo = append(schemaTodo, ms.SchemaConflicts[sc].Table)
			}
		}
	}
	working, staged, _, err := e.sess.Roots(ctx, e.db)
	if err != nil {
		return nil, err
	}
	var names []string
	if len(schemaTodo) > 0 {
		// A schema conflict: the working root holds ours' table; --theirs takes theirs'.
		if *theirs {
			mc, err := r.Commit(ctx, ms.Commit)
			if err != nil {
				return nil, err
			}
			theirRoot, err := r.Root(ctx, mc.RootHash())
			if err != nil {
				return nil, err
			}
			if working, err = copyTables(ctx, working, theirRoot, schemaTodo); err != nil {
				return nil, err
			}
		}
		for _, n := range schemaTodo {
			ms = merge.WithoutSchemaConflict(ms, n)
		}
		names = append(names, schemaTodo...)
	}
	for _, ct := range todo {
		if *theirs {
			if working, err = merge.ResolveTheirs(ctx, working, ct); err != nil {
				return nil, fmt.Errorf("dsql_conflicts_resolve: %w", err)
			}
		}
		empty, err := prolly.NewEmpty(ctx, r.NodeStore(), ct.Keys.Compare())
		if err != nil {
			return nil, err
		}
		if ms, err = merge.WithConflicts(ms, ct.Name, empty); err != nil {
			return nil, err
		}
		names = append(names, ct.Name)
	}
	if staged, err = copyTables(ctx, staged, working, names); err != nil {
		return nil, err
	}
	merging = true
	if !ms.Unresolved() {
		// A cherry-pick or revert concludes with an ordinary commit: drop its state.
		head, err := e.sess.Head(ctx, e.db)
		if err != nil {
			return nil, err
		}
		pick, err := merge.IsPickState(ctx, r, head, ms)
		if err != nil {
			return nil, err
		}
		merging = !pick
	}
	if err := e.sess.SetRoots(ctx, e.db, working, staged); err != nil {
		return nil, err
	}
	if err := e.sess.SetMergeState(ctx, e.db, ms, merging); err != nil {
		return nil, err
	}
	return ok()
}
