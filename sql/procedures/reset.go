package procedures

import (
	"fmt"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
)

const resetUsage = "dsql_reset([TABLE...] | --hard [REV] | --soft [REV] | [--mixed] REV)"

// reset unstages tables, or moves the branch head to a revision (--hard, --soft, mixed).
func reset(ctx *sql.Context, args []string) (sql.RowIter, error) {
	f := newFlags("dsql_reset", resetUsage)
	hard := f.Bool("hard", false, "head, staged and working roots to REV")
	soft := f.Bool("soft", false, "head to REV, keeping staged and working (without REV: unstage everything)")
	mixed := f.Bool("mixed", false, "head and staged root to REV, keeping working (the default)")
	if err := f.parse(args); err != nil {
		return nil, err
	}
	modes := 0
	for _, b := range []bool{*hard, *soft, *mixed} {
		if b {
			modes++
		}
	}
	if modes > 1 {
		return nil, f.usageError("choose one of --hard, --soft and --mixed")
	}
	e, err := writable(ctx, "dsql_reset")
	if err != nil {
		return nil, err
	}
	operands := f.Args()
	switch {
	case *hard:
		if len(operands) > 1 {
			return nil, f.usageError("--hard takes at most one revision, got %d arguments", len(operands))
		}
		to, err := resetTarget(ctx, e, operands)
		if err != nil {
			return nil, err
		}
		root, err := e.db.Repo().Root(ctx, to.RootHash())
		if err != nil {
			return nil, err
		}
		err = e.sess.MoveHead(ctx, e.db, to, func(repo.WorkingSet) (repo.WorkingSet, error) {
			return repo.NewWorkingSet(root, root), nil
		})
		if err != nil {
			return nil, fmt.Errorf("dsql_reset: %w", err)
		}
		return ok()
	case *soft && len(operands) == 0, !*soft && !*mixed && len(operands) == 0:
		// Unstage everything (Dolt's meaning of reset --soft without a revision).
		return unstage(ctx, e, nil)
	case *soft:
		if len(operands) > 1 {
			return nil, f.usageError("--soft takes at most one revision, got %d arguments", len(operands))
		}
		return moveHead(ctx, e, operands[0], false)
	case *mixed:
		if len(operands) > 1 {
			return nil, f.usageError("--mixed takes at most one revision, got %d arguments", len(operands))
		}
		return moveHead(ctx, e, operands[0], true)
	}
	// No mode: tables to unstage, or a single revision (mixed reset). Tables win.
	working, staged, _, err := e.sess.Roots(ctx, e.db)
	if err != nil {
		return nil, err
	}
	_, head, err := e.headRoot(ctx)
	if err != nil {
		return nil, err
	}
	var unknown []string
	for _, n := range operands {
		if !working.HasTable(n) && !staged.HasTable(n) && !head.HasTable(n) {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) == 0 {
		return unstage(ctx, e, operands)
	}
	if len(operands) == 1 {
		if _, err := e.resolve(ctx, operands[0]); err != nil {
			return nil, fmt.Errorf("dsql_reset: %q is neither a table nor a revision: %w", operands[0], err)
		}
		return moveHead(ctx, e, operands[0], true)
	}
	return nil, fmt.Errorf("dsql_reset: table %q not found", unknown[0])
}

// resetTarget resolves the optional revision operand (default HEAD).
func resetTarget(ctx *sql.Context, e env, operands []string) (repo.Commit, error) {
	if len(operands) == 0 {
		return e.sess.Head(ctx, e.db)
	}
	c, err := e.resolve(ctx, operands[0])
	if err != nil {
		return repo.Commit{}, fmt.Errorf("dsql_reset: %w", err)
	}
	return c, nil
}

// unstage sets staged[t] = HEAD[t] for the named tables (every table if names is nil).
func unstage(ctx *sql.Context, e env, names []string) (sql.RowIter, error) {
	working, staged, _, err := e.sess.Roots(ctx, e.db)
	if err != nil {
		return nil, err
	}
	_, head, err := e.headRoot(ctx)
	if err != nil {
		return nil, err
	}
	if names == nil {
		staged = head
	} else if staged, err = copyTables(ctx, staged, head, names); err != nil {
		return nil, err
	}
	if err := e.sess.SetRoots(ctx, e.db, working, staged); err != nil {
		return nil, err
	}
	return ok()
}

// moveHead points the branch at revision spec keeping the working root, and the staged
// root too unless mixed (then staged = spec's root). The transaction ends first so that
// its changes are in the working set that is kept.
func moveHead(ctx *sql.Context, e env, spec string, mixed bool) (sql.RowIter, error) {
	to, err := e.resolve(ctx, spec)
	if err != nil {
		return nil, fmt.Errorf("dsql_reset: %w", err)
	}
	if err := e.sess.EndTransaction(ctx); err != nil {
		return nil, err
	}
	root, err := e.db.Repo().Root(ctx, to.RootHash())
	if err != nil {
		return nil, err
	}
	err = e.sess.MoveHead(ctx, e.db, to, func(cur repo.WorkingSet) (repo.WorkingSet, error) {
		if mixed {
			return cur.WithStaged(root), nil
		}
		return cur, nil
	})
	if err != nil {
		return nil, fmt.Errorf("dsql_reset: %w", err)
	}
	return ok()
}
