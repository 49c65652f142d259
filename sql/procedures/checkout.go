package procedures

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
)

const checkoutUsage = "dsql_checkout([--move [-f]] BRANCH | [--move [-f]] -b|-B NEW_BRANCH [START] | [REV] -- TABLE... | TABLE...)"

// checkout switches the session's branch, creates and switches (-b/-B), or restores tables
// from HEAD.
func checkout(ctx *sql.Context, args []string) (sql.RowIter, error) {
	f := newFlags("dsql_checkout", checkoutUsage)
	create := f.StringP("branch", "b", "", "create BRANCH and switch to it")
	forceCreate := f.StringP("force-branch", "B", "", "create or reset BRANCH and switch to it")
	move := f.Bool("move", false, "carry uncommitted changes to the target branch and make it the repository's HEAD (the CLI's git semantics)")
	discard := f.BoolP("force", "f", false, "with --move: discard the uncommitted changes instead of carrying them")
	if err := f.parse(args); err != nil {
		return nil, err
	}
	e, err := writable(ctx, "dsql_checkout")
	if err != nil {
		return nil, err
	}
	operands := f.Args()
	dash := f.ArgsLenAtDash()

	if *create != "" || *forceCreate != "" {
		if *create != "" && *forceCreate != "" {
			return nil, f.usageError("-b and -B cannot be used together")
		}
		if dash >= 0 {
			return nil, f.usageError("-b does not take tables")
		}
		if len(operands) > 1 {
			return nil, f.usageError("too many arguments for -b: %s", tableList(operands))
		}
		name, forced := *create, false
		if *forceCreate != "" {
			name, forced = *forceCreate, true
		}
		start := "HEAD"
		if len(operands) == 1 {
			start = operands[0]
		}
		if err := createBranch(ctx, e, name, start, forced); err != nil {
			return nil, fmt.Errorf("dsql_checkout: %w", err)
		}
		msg, err := switchBranch(ctx, e, name, *move, *discard)
		if err != nil {
			return nil, fmt.Errorf("dsql_checkout: %w", err)
		}
		return checkoutResult(msg) // Dolt's wording, also for a new branch
	}

	if len(operands) == 0 {
		return nil, f.usageError("name a branch to switch to or tables to restore")
	}
	switch {
	case dash == 0:
		return restoreTables(ctx, e, "", operands)
	case dash == 1:
		return restoreTables(ctx, e, operands[0], operands[1:])
	case dash > 1:
		return nil, f.usageError("expected REV -- TABLE..., got %d arguments before --", dash)
	}
	if len(operands) == 1 {
		if b, isBranch, err := findBranch(ctx, e.db.Repo(), operands[0]); err != nil {
			return nil, err
		} else if isBranch {
			msg, err := switchBranch(ctx, e, b, *move, *discard)
			if err != nil {
				return nil, fmt.Errorf("dsql_checkout: %w", err)
			}
			return checkoutResult(msg)
		}
	}
	// Every operand must be a table.
	working, staged, _, err := e.sess.Roots(ctx, e.db)
	if err != nil {
		return nil, err
	}
	_, head, err := e.headRoot(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range operands {
		if working.HasTable(n) || staged.HasTable(n) || head.HasTable(n) {
			continue
		}
		if _, err := e.resolve(ctx, n); err == nil {
			return nil, fmt.Errorf("dsql_checkout: %q is a revision, not a branch: checking out a commit (detached HEAD) is not supported; create a branch at it with dsql_checkout('-b', 'NEW_BRANCH', '%s')", n, n)
		}
		return nil, fmt.Errorf("dsql_checkout: %q is neither a branch nor a table", n)
	}
	return restoreTables(ctx, e, "", operands)
}

// checkoutResult is the one-row result {0, msg}, or err.
func checkoutResult(msg string, err ...error) (sql.RowIter, error) {
	for _, e := range err {
		if e != nil {
			return nil, e
		}
	}
	return sql.RowsToRowIter(sql.Row{int64(0), msg}), nil
}

// findBranch looks name up among the branches, exactly, else case-insensitively when that
// is unambiguous.
func findBranch(ctx *sql.Context, r *repo.Repo, name string) (string, bool, error) {
	names, err := r.Branches(ctx)
	if err != nil {
		return "", false, err
	}
	found := ""
	for _, n := range names {
		if n == name {
			return n, true, nil
		}
		if strings.EqualFold(n, name) {
			if found != "" {
				return "", false, nil
			}
			found = n
		}
	}
	return found, found != "", nil
}

// restoreTables discards the uncommitted changes of tables. Without rev (checkout TABLE,
// checkout -- TABLE) the working version of each table is replaced by its staged version,
// or HEAD's if it is not staged (git's and Dolt's checkout of a path; the staged root is
// unchanged). With rev (checkout REV -- TABLE) both the working and the staged versions
// become rev's.
func restoreTables(ctx *sql.Context, e env, rev string, names []string) (sql.RowIter, error) {
	working, staged, _, err := e.sess.Roots(ctx, e.db)
	if err != nil {
		return nil, err
	}
	if rev != "" {
		c, err := e.resolve(ctx, rev)
		if err != nil {
			return nil, fmt.Errorf("dsql_checkout: %w", err)
		}
		from, err := e.db.Repo().Root(ctx, c.RootHash())
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if !from.HasTable(n) {
				return nil, fmt.Errorf("dsql_checkout: table %q not found in %s", n, rev)
			}
		}
		if working, err = copyTables(ctx, working, from, names); err != nil {
			return nil, err
		}
		if staged, err = copyTables(ctx, staged, from, names); err != nil {
			return nil, err
		}
		return checkoutResult("", e.sess.SetRoots(ctx, e.db, working, staged))
	}
	_, head, err := e.headRoot(ctx)
	if err != nil {
		return nil, err
	}
	var fromStaged, fromHead []string
	for _, n := range names {
		switch {
		case staged.HasTable(n):
			fromStaged = append(fromStaged, n)
		case head.HasTable(n):
			fromHead = append(fromHead, n)
		case working.HasTable(n):
			return nil, fmt.Errorf("dsql_checkout: table %q is new (neither staged nor in HEAD), so there is nothing to restore; DROP TABLE it to discard it", n)
		default:
			return nil, fmt.Errorf("dsql_checkout: table %q not found", n)
		}
	}
	if working, err = copyTables(ctx, working, staged, fromStaged); err != nil {
		return nil, err
	}
	if working, err = copyTables(ctx, working, head, fromHead); err != nil {
		return nil, err
	}
	return checkoutResult("", e.sess.SetRoots(ctx, e.db, working, staged))
}

// createBranch creates branch name at the revision start; with force an existing branch
// (not the session's own nor the repository's HEAD) is reset to start, its working set
// with it.
func createBranch(ctx *sql.Context, e env, name, start string, force bool) error {
	at, err := e.resolve(ctx, start)
	if err != nil {
		return err
	}
	r := e.db.Repo()
	err = r.CreateBranch(ctx, name, at)
	if err == nil || !errors.Is(err, repo.ErrBranchExists) {
		return branchError(name, err)
	}
	if !force {
		return fmt.Errorf("a branch named '%s' already exists; use -f to overwrite it or choose another name", name)
	}
	if cur, _ := e.branch(ctx); cur == name {
		return fmt.Errorf("cannot force-update branch '%s': it is checked out in this session", name)
	}
	for range 10 {
		old, err := r.Branch(ctx, name)
		if err != nil {
			return err
		}
		ws, err := r.WorkingSet(ctx, name)
		if err != nil {
			return err
		}
		root, err := r.Root(ctx, at.RootHash())
		if err != nil {
			return err
		}
		err = r.CommitWorkingSet(ctx, name, old.Hash(), at, ws, repo.NewWorkingSet(root, root))
		if !errors.Is(err, repo.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("branch '%s' keeps changing concurrently; try again", name)
}

// branchError turns repo errors about a branch name into messages that say what to do.
func branchError(name string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, repo.ErrBranchExists):
		return fmt.Errorf("a branch named '%s' already exists; use -f to overwrite it or choose another name", name)
	case errors.Is(err, repo.ErrBranchNotFound):
		return fmt.Errorf("branch '%s' not found", name)
	}
	return err
}

// switchBranch makes branch the session's branch. The current transaction ends first, so
// its changes stay on the old branch's working set. With move (the CLI's git
// semantics) the session's uncommitted changes go with it instead (see carryChanges) and
// the branch becomes the repository's HEAD; with move and discard (checkout -f) they are
// thrown away instead. It returns the message to show.
func switchBranch(ctx *sql.Context, e env, branch string, move, discard bool) (string, error) {
	cur, err := e.branch(ctx)
	if err != nil {
		return "", err
	}
	if err := e.sess.EndTransaction(ctx); err != nil {
		return "", err
	}
	r := e.db.Repo()
	if move && cur != branch {
		if discard {
			err = discardChanges(ctx, r, cur)
		} else {
			err = carryChanges(ctx, r, cur, branch)
		}
		if err != nil {
			return "", err
		}
	}
	if move {
		if err := r.SetHead(ctx, branch); err != nil {
			return "", branchError(branch, err)
		}
	}
	if fixed := e.db.FixedBranch(); fixed != "" {
		// The current database names a branch ("shop/feature"): follow to the new one.
		ctx.SetCurrentDatabase(e.db.BaseName() + "/" + branch)
	}
	e.sess.SetCheckedOut(e.db.BaseName(), branch)
	if cur == branch {
		return fmt.Sprintf("Already on '%s'", branch), nil
	}
	return fmt.Sprintf("Switched to branch '%s'", branch), nil
}

// carryChanges moves the uncommitted changes of branch from (its working and staged
// roots' differences from its head) onto branch to, as git's checkout carries a dirty
// working tree: allowed only if every changed table is the same in both heads and has no
// uncommitted change on to; otherwise nothing changes and the error names the tables.
// from's working set is reset to its head. The two working sets are updated one after
// the other with compare-and-swaps; if the second fails, the first is put back.
func carryChanges(ctx *sql.Context, r *repo.Repo, from, to string) error {
	for range 10 {
		err := carryOnce(ctx, r, from, to)
		if !errors.Is(err, repo.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("branches '%s' and '%s' keep changing concurrently; try again", from, to)
}

func carryOnce(ctx *sql.Context, r *repo.Repo, from, to string) error {
	fromWS, err := r.WorkingSet(ctx, from)
	if err != nil {
		return err
	}
	if _, merging := fromWS.Merge(); merging {
		return fmt.Errorf("branch '%s' has a merge in progress; commit it or abort it (dsql merge --abort) before switching", from)
	}
	_, fromRoot, err := branchRoot(ctx, r, from)
	if err != nil {
		return err
	}
	_, toRoot, err := branchRoot(ctx, r, to)
	if err != nil {
		return err
	}
	changed := union(changedTables(fromRoot, fromWS.Working()), changedTables(fromRoot, fromWS.Staged()))
	if len(changed) == 0 {
		return nil
	}
	toWS, err := r.WorkingSet(ctx, to)
	if err != nil {
		return err
	}
	var blocked []string
	for _, t := range changed {
		if !sameTable(fromRoot, toRoot, t) || !sameTable(toRoot, toWS.Working(), t) || !sameTable(toRoot, toWS.Staged(), t) {
			blocked = append(blocked, t)
		}
	}
	if len(blocked) > 0 {
		return fmt.Errorf("your local changes to tables %s would be overwritten by checkout; commit them (dsql commit -am ...) or discard them (dsql reset --hard)", tableList(blocked))
	}
	working, err := copyTables(ctx, toWS.Working(), fromWS.Working(), changed)
	if err != nil {
		return err
	}
	staged, err := copyTables(ctx, toWS.Staged(), fromWS.Staged(), changed)
	if err != nil {
		return err
	}
	newTo := toWS.WithWorking(working).WithStaged(staged)
	if err := r.UpdateWorkingSet(ctx, to, toWS, newTo); err != nil {
		return err
	}
	if err := r.UpdateWorkingSet(ctx, from, fromWS, repo.NewWorkingSet(fromRoot, fromRoot)); err != nil {
		// Put to's working set back; if that fails too, the changes exist on both branches
		// (never on neither).
		_ = r.UpdateWorkingSet(ctx, to, newTo, toWS)
		return err
	}
	return nil
}

// discardChanges resets branch b's working set to its head (checkout -f).
func discardChanges(ctx *sql.Context, r *repo.Repo, b string) error {
	for range 10 {
		ws, err := r.WorkingSet(ctx, b)
		if err != nil {
			return err
		}
		_, root, err := branchRoot(ctx, r, b)
		if err != nil {
			return err
		}
		err = r.UpdateWorkingSet(ctx, b, ws, repo.NewWorkingSet(root, root))
		if !errors.Is(err, repo.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("branch '%s' keeps changing concurrently; try again", b)
}

func branchRoot(ctx *sql.Context, r *repo.Repo, b string) (repo.Commit, repo.Root, error) {
	c, err := r.Branch(ctx, b)
	if err != nil {
		return repo.Commit{}, repo.Root{}, branchError(b, err)
	}
	root, err := r.Root(ctx, c.RootHash())
	return c, root, err
}

// union merges two sorted-by-folded-name lists without duplicates (case-insensitively).
func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range [][]string{a, b} {
		for _, n := range l {
			if k := strings.ToLower(n); !seen[k] {
				seen[k] = true
				out = append(out, n)
			}
		}
	}
	sortFolded(out)
	return out
}
