package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
)

// Session is one connection's state: GMS's BaseSession plus the current transaction.
//
// GMS drives a session from one goroutine at a time, but a query may read tables from
// several goroutines (parallel partitions), so the transaction state is behind a mutex.
// Transactions are owned by the session that started them.
type Session struct {
	*sql.BaseSession
	provider *backend.Provider // nil: snapshots are taken lazily (see package doc)
	heads    struct {
		sync.Mutex
		m       map[string]string // folded repository name -> checked-out branch
		version uint64            // SetCheckedOut calls (snapcache.go)
	}
	snaps snapCache  // the last transaction-start snapshot set (snapcache.go)
	temps tempTables // temporary tables (temporary.go)
	// keep is the transaction the next CommandBegin keeps (KeepTransaction).
	keep sql.Transaction
}

var (
	_ sql.Session               = (*Session)(nil)
	_ sql.TransactionSession    = (*Session)(nil)
	_ sql.LifecycleAwareSession = (*Session)(nil)
	_ backend.Session           = (*Session)(nil)
)

// Option configures a Session.
type Option func(*Session)

// WithProvider makes transactions snapshot every database of p when they start (see
// "Snapshots" in the package doc). Servers and harnesses always pass it; without it a
// database's snapshot is taken when the transaction first reads the database.
func WithProvider(p *backend.Provider) Option { return func(s *Session) { s.provider = p } }

// New returns a session over base (e.g. sql.NewBaseSession() or
// sql.NewBaseSessionWithClientServer(...)).
func New(base *sql.BaseSession, opts ...Option) *Session {
	s := &Session{BaseSession: base}
	for _, o := range opts {
		o(s)
	}
	return s
}

// databases lists the databases a transaction snapshots when it starts (nil without a
// provider).
func (s *Session) databases(ctx *sql.Context) []*backend.Database {
	if s.provider == nil {
		return nil
	}
	all := s.provider.AllDatabases(ctx)
	out := make([]*backend.Database, 0, len(all))
	for _, db := range all {
		if d, ok := db.(*backend.Database); ok && !d.IsReadOnly() { // revisions need no snapshot
			out = append(out, d)
		}
	}
	return out
}

var txIDs atomic.Uint64

// Transaction is a dsql transaction: per database touched, the working set of its branch
// when the transaction first read the database (the snapshot) and the transaction's
// current root. Safe for concurrent use (one mutex); owned by one Session.
type Transaction struct {
	id       uint64
	readOnly bool
	// all gives the snapshot set of every database at the start (nil: lazy snapshots
	// only).
	all func(*sql.Context) (*snapSet, error)
	mu  struct {
		sync.Mutex
		dbs map[string]*dbTx // by txKey: the databases used so far
		// snap holds the working sets of the databases taken at the start (shared and
		// immutable, snapcache.go); a database's dbTx is made from it at first use.
		snap       *snapSet
		savepoints []savepoint
		// ended: CommitTransaction or Rollback ran. GMS keeps a transaction whose COMMIT
		// failed on the context and runs the next statements in it; its first use then
		// restarts it (fresh snapshots of every database) instead of reading stale ones.
		ended bool
	}
}

type dbTx struct {
	db       *backend.Database
	branch   string
	snapshot repo.WorkingSet
	root     repo.Root // working root
	staged   repo.Root
	edits    *backend.EditSet
	merge    *txMerge // the transaction's merge state (mergestate.go); nil: the snapshot's
}

type savepoint struct {
	name   string
	roots  map[string][2]repo.Root // working, staged
	merges map[string]*txMerge
}

var _ sql.Transaction = (*Transaction)(nil)

func newTransaction(readOnly bool, all func(*sql.Context) (*snapSet, error)) *Transaction {
	t := &Transaction{id: txIDs.Add(1), readOnly: readOnly, all: all}
	t.mu.dbs = map[string]*dbTx{}
	return t
}

// snapshotAllLocked takes the snapshot of every database t.all lists that it has not
// snapshotted yet.
func (t *Transaction) snapshotAllLocked(ctx *sql.Context) error {
	if t.all == nil {
		return nil
	}
	set, err := t.all(ctx)
	if err != nil {
		return err
	}
	t.mu.snap = set
	return nil
}

// endLocked drops the transaction's state after a commit or rollback.
func (t *Transaction) endLocked() {
	clear(t.mu.dbs)
	t.mu.snap = nil
	t.mu.savepoints = nil
	t.mu.ended = true
}

// String implements sql.Transaction.
func (t *Transaction) String() string { return fmt.Sprintf("dsql-tx-%d", t.id) }

// IsReadOnly implements sql.Transaction.
func (t *Transaction) IsReadOnly() bool { return t.readOnly }

// state returns the transaction's state for db, taking the snapshot on first use.
func (t *Transaction) state(ctx *sql.Context, db *backend.Database) (*dbTx, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stateLocked(ctx, db)
}

func (t *Transaction) stateLocked(ctx *sql.Context, db *backend.Database) (*dbTx, error) {
	if t.mu.ended { // reused after COMMIT/ROLLBACK (see ended): start afresh
		t.mu.ended = false
		if err := t.snapshotAllLocked(ctx); err != nil {
			return nil, err
		}
	}
	branch, err := db.Branch(ctx)
	if err != nil {
		return nil, err
	}
	key := txKey(db, branch)
	if st, ok := t.mu.dbs[key]; ok && st.db.Repo() == db.Repo() {
		return st, nil
	}
	var ws repo.WorkingSet
	if e, ok := t.mu.snap.entry(key); ok && e.db.Repo() == db.Repo() {
		ws = e.ws
	} else if ws, err = workingSets.load(ctx, db.Repo(), branch); err != nil {
		return nil, wrapDBError(db, err)
	}
	st := &dbTx{db: db, branch: branch, snapshot: ws, root: ws.Working(), staged: ws.Staged(), edits: backend.NewEditSet()}
	t.mu.dbs[key] = st
	return st, nil
}

// txKey names a (repository, branch) pair in a transaction: "shop" with main checked out
// and "shop/main" share one state.
func txKey(db *backend.Database, branch string) string {
	return strings.ToLower(db.BaseName()) + "/" + branch
}

// transaction returns the context's transaction, starting one if there is none (a table
// read outside GMS's transaction protocol, e.g. by a test harness).
func (s *Session) transaction(ctx *sql.Context) (*Transaction, error) {
	switch tx := ctx.GetTransaction().(type) {
	case *Transaction:
		return tx, nil
	case nil:
		t := newTransaction(false, s.databasesFunc())
		ctx.SetTransaction(t)
		return t, nil
	default:
		return nil, fmt.Errorf("session: transaction %T is not a dsql transaction", tx)
	}
}

// WorkingRoot implements backend.Session.
func (s *Session) WorkingRoot(ctx *sql.Context, db *backend.Database) (repo.Root, error) {
	if db.Temporary() {
		return s.tempWorkingRoot(ctx, db)
	}
	tx, err := s.transaction(ctx)
	if err != nil {
		return repo.Root{}, err
	}
	st, err := tx.state(ctx, db)
	if err != nil {
		return repo.Root{}, err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	return st.root, nil
}

// SetWorkingRoot implements backend.Session. In a READ ONLY transaction only DDL gets
// here (GMS and the backend's editors refuse row changes first); it commits implicitly,
// as in MySQL.
func (s *Session) SetWorkingRoot(ctx *sql.Context, db *backend.Database, root repo.Root) error {
	if db.Temporary() {
		return s.setTempRoot(ctx, db, root)
	}
	tx, err := s.transaction(ctx)
	if err != nil {
		return err
	}
	st, err := tx.state(ctx, db)
	if err != nil {
		return err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	st.root = root
	return nil
}

// Edits implements backend.Session.
func (s *Session) Edits(ctx *sql.Context, db *backend.Database) (*backend.EditSet, error) {
	if db.Temporary() {
		return s.tempEdits(ctx, db)
	}
	tx, err := s.transaction(ctx)
	if err != nil {
		return nil, err
	}
	st, err := tx.state(ctx, db)
	if err != nil {
		return nil, err
	}
	return st.edits, nil
}

func (s *Session) databasesFunc() func(*sql.Context) (*snapSet, error) {
	if s.provider == nil {
		return nil
	}
	return s.snapshotSet
}

// wrapDBError names db in an error loading its working set.
func wrapDBError(db *backend.Database, err error) error {
	return fmt.Errorf("session: database %q: %w", db.Name(), err)
}

// StartTransaction implements sql.TransactionSession: the snapshot of every database of
// the provider is taken now (GMS calls it at BEGIN / START TRANSACTION [WITH CONSISTENT
// SNAPSHOT | READ ONLY | READ WRITE], and at the start of a statement that runs outside a
// transaction: every autocommit statement, the first statement after COMMIT with
// autocommit off). Databases created later are snapshotted at first use.
func (s *Session) StartTransaction(ctx *sql.Context, tc sql.TransactionCharacteristic) (sql.Transaction, error) {
	t := newTransaction(tc == sql.ReadOnly, s.databasesFunc())
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.snapshotAllLocked(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// CommandBegin implements sql.LifecycleAwareSession (the MySQL server calls it before
// every command). With autocommit on and no explicit transaction, a transaction still on
// the session is a leftover of a statement whose result iterator was never closed (GMS's
// server does not close it when the statement fails while producing its OK result); it
// holds no committed-to-be changes (the failed statement's edits were discarded), and
// reusing it would make the next statement read its stale snapshot, so it is dropped.
func (s *Session) CommandBegin() error {
	keep := s.keep
	s.keep = nil
	if s.GetTransaction() == nil || s.GetIgnoreAutoCommit() || s.GetTransaction() == keep {
		return nil
	}
	ctx := sql.NewContext(context.Background(), sql.WithSession(s))
	v, err := s.GetSessionVariable(ctx, sql.AutoCommitSessionVar)
	if err != nil {
		return err
	}
	if on, err := sql.ConvertToBool(ctx, v); err == nil && on {
		if t, ok := s.GetTransaction().(*Transaction); ok {
			t.mu.Lock()
			t.endLocked()
			t.mu.Unlock()
		}
		s.SetTransaction(nil)
	}
	return nil
}

// KeepTransaction makes the next CommandBegin keep tx if it is still the session's
// transaction (nil: forget an earlier request). The server uses it when it has started a
// statement's transaction and checked a cached plan against that snapshot before GMS's
// handler runs the statement (and calls CommandBegin): the statement then runs on the
// snapshot it was checked against. The caller clears it once the statement has run.
func (s *Session) KeepTransaction(tx sql.Transaction) { s.keep = tx }

// CommandEnd implements sql.LifecycleAwareSession.
func (s *Session) CommandEnd() {}

// SessionEnd implements sql.LifecycleAwareSession: the session's temporary tables go.
func (s *Session) SessionEnd() { s.dropTemporaryTables() }

func asTx(tx sql.Transaction) (*Transaction, error) {
	t, ok := tx.(*Transaction)
	if !ok {
		return nil, fmt.Errorf("session: transaction %T is not a dsql transaction", tx)
	}
	return t, nil
}

// CommitTransaction implements sql.TransactionSession: every database the transaction
// changed gets its new root in its branch's working set (see Commit). On a
// serialization failure (error 1213) the transaction is rolled back: its changes are
// dropped and the next statement starts from fresh snapshots.
func (s *Session) CommitTransaction(ctx *sql.Context, tx sql.Transaction) error {
	t, err := asTx(tx)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	keys := make([]string, 0, len(t.mu.dbs))
	for k := range t.mu.dbs {
		keys = append(keys, k)
	}
	sortStrings(keys)
	versioned := s.transactionCommit(ctx)
	var errs []error
	for _, k := range keys {
		st := t.mu.dbs[k]
		if st.edits.Pending() {
			if st.root, err = st.edits.Apply(ctx, st.root); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if !st.changed() {
			continue
		}
		if versioned {
			if _, err := commitVersion(ctx, st, s.transactionCommitOptions(ctx)); err == nil || !errors.Is(err, ErrNothingToCommit) {
				if err != nil {
					errs = append(errs, err)
				}
				continue
			}
		}
		if err := commitDB(ctx, st); err != nil {
			errs = append(errs, err)
		}
	}
	t.endLocked()
	if len(errs) == 0 {
		return nil
	}
	// The transaction is over (rolled back), as in MySQL after a deadlock: GMS's COMMIT
	// would otherwise leave it on the session with autocommit suspended.
	if ctx.GetTransaction() == tx {
		ctx.SetTransaction(nil)
		ctx.SetIgnoreAutoCommit(false)
	}
	// The first error keeps its kind (sql.ErrLockDeadlock maps to MySQL error 1213).
	return errs[0]
}

// Rollback implements sql.TransactionSession: the transaction's roots are dropped.
func (s *Session) Rollback(ctx *sql.Context, tx sql.Transaction) error {
	t, err := asTx(tx)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.endLocked()
	return nil
}

// CreateSavepoint implements sql.TransactionSession.
func (s *Session) CreateSavepoint(ctx *sql.Context, tx sql.Transaction, name string) error {
	t, err := asTx(tx)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	sp := savepoint{name: name, roots: map[string][2]repo.Root{}, merges: map[string]*txMerge{}}
	for k, st := range t.mu.dbs {
		sp.roots[k] = [2]repo.Root{st.root, st.staged}
		sp.merges[k] = st.merge
	}
	t.mu.savepoints = append(removeSavepoint(t.mu.savepoints, name), sp)
	return nil
}

func removeSavepoint(sps []savepoint, name string) []savepoint {
	out := sps[:0:0]
	for _, sp := range sps {
		if !strings.EqualFold(sp.name, name) {
			out = append(out, sp)
		}
	}
	return out
}

func findSavepoint(sps []savepoint, name string) int {
	for i := len(sps) - 1; i >= 0; i-- {
		if strings.EqualFold(sps[i].name, name) {
			return i
		}
	}
	return -1
}

// RollbackToSavepoint implements sql.TransactionSession: roots return to the savepoint
// (databases first read after it return to their snapshots); later savepoints are
// removed; pending statement edits are dropped.
func (s *Session) RollbackToSavepoint(ctx *sql.Context, tx sql.Transaction, name string) error {
	t, err := asTx(tx)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	i := findSavepoint(t.mu.savepoints, name)
	if i < 0 {
		return sql.ErrSavepointDoesNotExist.New(name)
	}
	sp := t.mu.savepoints[i]
	for k, st := range t.mu.dbs {
		st.edits.Discard()
		if r, ok := sp.roots[k]; ok {
			st.root, st.staged = r[0], r[1]
		} else {
			st.root, st.staged = st.snapshot.Working(), st.snapshot.Staged()
		}
		st.merge = sp.merges[k]
	}
	t.mu.savepoints = t.mu.savepoints[:i+1]
	return nil
}

// ReleaseSavepoint implements sql.TransactionSession.
func (s *Session) ReleaseSavepoint(ctx *sql.Context, tx sql.Transaction, name string) error {
	t, err := asTx(tx)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	i := findSavepoint(t.mu.savepoints, name)
	if i < 0 {
		return sql.ErrSavepointDoesNotExist.New(name)
	}
	t.mu.savepoints = t.mu.savepoints[:i]
	return nil
}
