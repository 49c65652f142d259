package procedures

import (
	"errors"
	"fmt"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
)

const branchUsage = "dsql_branch([-f] NAME [START] | -c|-C [-f] [OLD] NEW | -m|-M [-f] [OLD] NEW | -d|-D [-f] NAME...)"

// branch creates, copies, renames and deletes branches.
func branch(ctx *sql.Context, args []string) (sql.RowIter, error) {
	f := newFlags("dsql_branch", branchUsage)
	cp := f.BoolP("copy", "c", false, "copy a branch with its working set")
	cpForce := f.BoolP("C", "C", false, "copy, overwriting NEW")
	mv := f.BoolP("move", "m", false, "rename a branch")
	mvForce := f.BoolP("M", "M", false, "rename, overwriting NEW")
	del := f.BoolP("delete", "d", false, "delete merged branches")
	delForce := f.BoolP("D", "D", false, "delete branches, merged or not")
	force := f.BoolP("force", "f", false, "overwrite an existing branch / delete an unmerged one")
	if err := f.parse(args); err != nil {
		return nil, err
	}
	ops := 0
	for _, b := range []bool{*cp || *cpForce, *mv || *mvForce, *del || *delForce} {
		if b {
			ops++
		}
	}
	if ops > 1 {
		return nil, f.usageError("choose one of -c, -m and -d")
	}
	e, err := writable(ctx, "dsql_branch")
	if err != nil {
		return nil, err
	}
	operands := f.Args()
	switch {
	case *cp || *cpForce:
		from, to, err := oldNew(ctx, e, f, operands)
		if err != nil {
			return nil, err
		}
		if err := e.db.Repo().CopyBranch(ctx, from, to, *force || *cpForce); err != nil {
			return nil, fmt.Errorf("dsql_branch: %w", refError(to, from, err))
		}
	case *mv || *mvForce:
		from, to, err := oldNew(ctx, e, f, operands)
		if err != nil {
			return nil, err
		}
		if err := renameBranch(ctx, e, from, to, *force || *mvForce); err != nil {
			return nil, fmt.Errorf("dsql_branch: %w", err)
		}
	case *del || *delForce:
		if len(operands) == 0 {
			return nil, f.usageError("name the branches to delete")
		}
		for _, name := range operands {
			if err := deleteBranch(ctx, e, name, *force || *delForce); err != nil {
				return nil, fmt.Errorf("dsql_branch: %w", err)
			}
		}
	default:
		if len(operands) == 0 || len(operands) > 2 {
			return nil, f.usageError("expected NAME [START], got %d arguments", len(operands))
		}
		start := "HEAD"
		if len(operands) == 2 {
			start = operands[1]
		}
		if err := createBranch(ctx, e, operands[0], start, *force); err != nil {
			return nil, fmt.Errorf("dsql_branch: %w", err)
		}
	}
	return ok()
}

// oldNew returns the OLD and NEW operands of -c and -m; OLD defaults to the session's
// branch.
func oldNew(ctx *sql.Context, e env, f *flags, operands []string) (string, string, error) {
	switch len(operands) {
	case 1:
		cur, err := e.branch(ctx)
		return cur, operands[0], err
	case 2:
		return operands[0], operands[1], nil
	}
	return "", "", f.usageError("expected [OLD] NEW, got %d arguments", len(operands))
}

// refError words repo errors of copy and rename.
func refError(target, source string, err error) error {
	switch {
	case errors.Is(err, repo.ErrBranchExists):
		return fmt.Errorf("a branch named '%s' already exists; use -f to overwrite it or choose another name", target)
	case errors.Is(err, repo.ErrBranchNotFound):
		return fmt.Errorf("branch '%s' not found", source)
	case errors.Is(err, repo.ErrCurrentBranch):
		return fmt.Errorf("cannot overwrite branch '%s': it is the repository's HEAD; check out another branch first", target)
	}
	return err
}

// renameBranch renames branch from to to. If it is the session's branch, the session keeps
// it checked out under its new name (the transaction is ended first so that its changes
// land on the branch before it moves).
func renameBranch(ctx *sql.Context, e env, from, to string, force bool) error {
	cur, err := e.branch(ctx)
	if err != nil {
		return err
	}
	if force && to == cur && from != to {
		return fmt.Errorf("cannot overwrite branch '%s': it is checked out in this session; check out another branch first", to)
	}
	if err := e.sess.EndTransaction(ctx); err != nil {
		return err
	}
	if err := e.db.Repo().RenameBranch(ctx, from, to, force); err != nil {
		return refError(to, from, err)
	}
	if e.sess.CheckedOut(e.db.BaseName()) == from {
		e.sess.SetCheckedOut(e.db.BaseName(), to)
	}
	if e.db.FixedBranch() == from {
		ctx.SetCurrentDatabase(e.db.BaseName() + "/" + to)
	}
	return nil
}

// deleteBranch deletes branch name; unless force, only if it is merged into the session's
// HEAD. Neither the session's branch nor the repository's HEAD can be deleted.
func deleteBranch(ctx *sql.Context, e env, name string, force bool) error {
	r := e.db.Repo()
	cur, err := e.branch(ctx)
	if err != nil {
		return err
	}
	if name == cur {
		return fmt.Errorf("cannot delete branch '%s': it is checked out in this session; check out another branch first (CALL dsql_checkout('OTHER'))", name)
	}
	target, err := r.Branch(ctx, name)
	if err != nil {
		return branchError(name, err)
	}
	if !force {
		head, err := r.Branch(ctx, cur)
		if err != nil {
			return err
		}
		merged, err := r.IsAncestor(ctx, target, head)
		if err != nil {
			return err
		}
		if !merged {
			return fmt.Errorf("branch '%s' is not fully merged; delete it anyway with -D", name)
		}
	}
	if err := r.DeleteBranch(ctx, name); err != nil {
		if errors.Is(err, repo.ErrCurrentBranch) {
			return fmt.Errorf("cannot delete branch '%s': it is the repository's HEAD (default branch); check out another branch first (dsql checkout OTHER)", name)
		}
		return branchError(name, err)
	}
	return nil
}
