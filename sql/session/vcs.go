package session

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
)

// ErrNothingToCommit is returned by CommitVersion when the staged root equals the head's
// root (and the commit is neither empty-allowed nor a merge).
var ErrNothingToCommit = errors.New("nothing to commit")

// CheckedOut implements backend.Session: the branch the session has checked out in the
// repository named base ("": the repository's HEAD).
func (s *Session) CheckedOut(base string) string {
	s.heads.Lock()
	defer s.heads.Unlock()
	return s.heads.m[strings.ToLower(base)]
}

// SetCheckedOut makes branch the session's branch of the repository named base: later
// statements read and write that branch's working set. The caller ends the current
// transaction first (its changes belong to the old branch).
func (s *Session) SetCheckedOut(base, branch string) {
	s.heads.Lock()
	defer s.heads.Unlock()
	if s.heads.m == nil {
		s.heads.m = map[string]string{}
	}
	s.heads.m[strings.ToLower(base)] = branch
	s.heads.version++
}

// Branch returns the branch db reads and writes in this session.
func (s *Session) Branch(ctx *sql.Context, db *backend.Database) (string, error) {
	return db.Branch(ctx)
}

// flushed returns the transaction's state for db with the statement's pending edits
// applied.
func (s *Session) flushed(ctx *sql.Context, db *backend.Database) (*Transaction, *dbTx, error) {
	tx, err := s.transaction(ctx)
	if err != nil {
		return nil, nil, err
	}
	st, err := tx.state(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if st.edits.Pending() {
		if st.root, err = st.edits.Apply(ctx, st.root); err != nil {
			return nil, nil, err
		}
	}
	return tx, st, nil
}

// Roots returns the transaction's working and staged roots of db and the working set its
// snapshot was taken from.
func (s *Session) Roots(ctx *sql.Context, db *backend.Database) (working, staged repo.Root, snapshot repo.WorkingSet, err error) {
	tx, st, err := s.flushed(ctx, db)
	if err != nil {
		return repo.Root{}, repo.Root{}, repo.WorkingSet{}, err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	return st.root, st.staged, st.snapshot, nil
}

// SetRoots replaces the transaction's working and staged roots of db (dsql_add,
// dsql_reset, dsql_checkout of a table); they reach the branch at COMMIT like any change.
func (s *Session) SetRoots(ctx *sql.Context, db *backend.Database, working, staged repo.Root) error {
	tx, st, err := s.flushed(ctx, db)
	if err != nil {
		return err
	}
	if tx.readOnly {
		return sql.ErrReadOnlyTransaction.New()
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	st.root, st.staged = working, staged
	return nil
}

// Head returns the current head commit of the branch db reads and writes.
func (s *Session) Head(ctx *sql.Context, db *backend.Database) (repo.Commit, error) {
	if c, ok := db.Revision(); ok {
		return c, nil
	}
	b, err := db.Branch(ctx)
	if err != nil {
		return repo.Commit{}, err
	}
	return db.Repo().Branch(ctx, b)
}

// CommitOptions describe a version commit (dsql_commit).
type CommitOptions struct {
	Message    string
	Author     repo.Signature
	Committer  repo.Signature
	AllowEmpty bool
	// Amend replaces the head commit: the new commit takes its parents (and, if Message
	// is empty, its message).
	Amend bool
	// StageAll stages the working root before committing (after the transaction's
	// changes are merged with concurrent ones).
	Stage func(ctx *sql.Context, head, working, staged repo.Root) (repo.Root, error)
	// Check, if set, vets the merged working set before the commit (e.g. unresolved
	// conflicts).
	Check func(ctx *sql.Context, ws repo.WorkingSet) error
}

// CommitVersion ends the session's transaction the way COMMIT does (every database's
// changes merged into its branch's working set), and for db also makes a commit of the
// staged root whose first parent is the branch's head at that moment. Head, working set
// and commit move in one durable compare-and-swap, retried with a fresh merge if another
// session commits first, so concurrent commits on one branch never lose each other
// (each becomes the parent of the next). ErrNothingToCommit if the staged root equals
// the head's root (unless AllowEmpty or a merge is being concluded).
func (s *Session) CommitVersion(ctx *sql.Context, db *backend.Database, opts CommitOptions) (repo.Commit, error) {
	tx, st, err := s.flushed(ctx, db)
	if err != nil {
		return repo.Commit{}, err
	}
	if tx.readOnly {
		return repo.Commit{}, sql.ErrReadOnlyTransaction.New()
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	c, err := commitVersion(ctx, st, opts)
	if err != nil {
		return repo.Commit{}, err
	}
	// The rest of the transaction commits as usual.
	key := txKey(db, st.branch)
	var errs []error
	for k, other := range tx.mu.dbs {
		if k == key {
			continue
		}
		if other.edits.Pending() {
			if other.root, err = other.edits.Apply(ctx, other.root); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if other.changed() {
			if err := commitDB(ctx, other); err != nil {
				errs = append(errs, err)
			}
		}
	}
	tx.endLocked()
	return c, errors.Join(errs...)
}

func commitVersion(ctx *sql.Context, st *dbTx, opts CommitOptions) (repo.Commit, error) {
	r := st.db.Repo()
	for range maxCommitAttempts {
		cur, err := r.WorkingSet(ctx, st.branch)
		if err != nil {
			return repo.Commit{}, err
		}
		head, err := r.Branch(ctx, st.branch)
		if err != nil {
			return repo.Commit{}, err
		}
		next, err := st.mergeInto(ctx, cur)
		if err != nil {
			return repo.Commit{}, err
		}
		headRoot, err := r.Root(ctx, head.RootHash())
		if err != nil {
			return repo.Commit{}, err
		}
		if opts.Stage != nil {
			staged, err := opts.Stage(ctx, headRoot, next.Working(), next.Staged())
			if err != nil {
				return repo.Commit{}, err
			}
			next = next.WithStaged(staged)
		}
		if opts.Check != nil {
			if err := opts.Check(ctx, next); err != nil {
				return repo.Commit{}, err
			}
		}
		merge, merging := next.Merge()
		var parents []repo.Commit
		msg := opts.Message
		if opts.Amend {
			for _, ph := range head.Parents() {
				p, err := r.Commit(ctx, ph)
				if err != nil {
					return repo.Commit{}, err
				}
				parents = append(parents, p)
			}
			if msg == "" {
				msg = head.Message()
			}
		} else {
			parents = []repo.Commit{head}
		}
		if merging {
			mc, err := r.Commit(ctx, merge.Commit)
			if err != nil {
				return repo.Commit{}, err
			}
			parents = append(parents, mc)
		}
		if !opts.AllowEmpty && !merging && !opts.Amend && next.Staged().Hash() == headRoot.Hash() {
			return repo.Commit{}, ErrNothingToCommit
		}
		c, err := repo.NewCommit(next.Staged().Hash(), parents, opts.Author, opts.Committer, msg)
		if err != nil {
			return repo.Commit{}, err
		}
		err = r.CommitWorkingSet(ctx, st.branch, head.Hash(), c, cur, next.ClearMerge())
		if errors.Is(err, repo.ErrConflict) {
			continue
		}
		if err != nil {
			return repo.Commit{}, fmt.Errorf("session: committing to branch %q: %w", st.branch, err)
		}
		return c, nil
	}
	return repo.Commit{}, deadlock("branch %q: gave up after %d concurrent commits", st.branch, maxCommitAttempts)
}

// MoveHead points the branch db reads and writes at commit to, with the working set ws
// returns for the branch's current one (reset --hard, reset --soft to another commit,
// fast-forward), in one durable compare-and-swap retried on concurrent updates. The
// transaction's state of db is dropped: the next statement reads the new working set.
func (s *Session) MoveHead(ctx *sql.Context, db *backend.Database, to repo.Commit, ws func(cur repo.WorkingSet) (repo.WorkingSet, error)) error {
	tx, st, err := s.flushed(ctx, db)
	if err != nil {
		return err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	r := db.Repo()
	for range maxCommitAttempts {
		cur, err := r.WorkingSet(ctx, st.branch)
		if err != nil {
			return err
		}
		head, err := r.Branch(ctx, st.branch)
		if err != nil {
			return err
		}
		next, err := ws(cur)
		if err != nil {
			return err
		}
		err = r.CommitWorkingSet(ctx, st.branch, head.Hash(), to, cur, next)
		if errors.Is(err, repo.ErrConflict) {
			continue
		}
		if err != nil {
			return err
		}
		delete(tx.mu.dbs, txKey(db, st.branch))
		return nil
	}
	return deadlock("branch %q: gave up after %d concurrent updates", st.branch, maxCommitAttempts)
}

// EndTransaction commits the session's current transaction (as COMMIT does) so that a
// procedure can act on the branches' durable state; the next statement starts afresh.
func (s *Session) EndTransaction(ctx *sql.Context) error {
	tx := ctx.GetTransaction()
	if tx == nil {
		return nil
	}
	return s.CommitTransaction(ctx, tx)
}

// transactionCommit reports whether @@dsql_transaction_commit (or its dolt_ alias) is on.
func (s *Session) transactionCommit(ctx *sql.Context) bool {
	for _, name := range []string{backend.TransactionCommitVar, backend.TransactionCommitAlias} {
		v, err := s.GetSessionVariable(ctx, name)
		if err != nil {
			continue
		}
		if on, err := sql.ConvertToBool(ctx, v); err == nil && on {
			return true
		}
	}
	return false
}

// transactionCommitOptions are the options of the version commit a SQL COMMIT makes when
// @@dsql_transaction_commit is on: everything in the working root, signed by the SQL user.
func (s *Session) transactionCommitOptions(ctx *sql.Context) CommitOptions {
	sig := s.SQLUser()
	return CommitOptions{
		Message: "Transaction commit", Author: sig, Committer: sig,
		Stage: func(_ *sql.Context, _, working, _ repo.Root) (repo.Root, error) { return working, nil },
	}
}

// SQLUser returns a signature for the session's SQL user ("root <root@localhost>"), dated
// now.
func (s *Session) SQLUser() repo.Signature {
	c := s.Client()
	user, host := c.User, c.Address
	if user == "" {
		user = "root"
	}
	if host == "" || host == "%" {
		host = "localhost"
	}
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	return repo.Signature{Name: user, Email: user + "@" + host, Time: time.Now()}
}

// Provider returns the provider the session was created with (WithProvider), nil if none:
// sql/procedures resolves the current database through it.
func (s *Session) Provider() *backend.Provider { return s.provider }
