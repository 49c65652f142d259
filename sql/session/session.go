package session

import (
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
}

var (
	_ sql.Session            = (*Session)(nil)
	_ sql.TransactionSession = (*Session)(nil)
	_ backend.Session        = (*Session)(nil)
)

// New returns a session over base (e.g. sql.NewBaseSession() or
// sql.NewBaseSessionWithClientServer(...)).
func New(base *sql.BaseSession) *Session { return &Session{BaseSession: base} }

var txIDs atomic.Uint64

// Transaction is a dsql transaction: per database touched, the working set of its branch
// when the transaction first read the database (the snapshot) and the transaction's
// current root. Safe for concurrent use (one mutex); owned by one Session.
type Transaction struct {
	id       uint64
	readOnly bool
	mu       struct {
		sync.Mutex
		dbs        map[string]*dbTx // by folded database name
		savepoints []savepoint
	}
}

type dbTx struct {
	db       *backend.Database
	snapshot repo.WorkingSet
	root     repo.Root
	edits    *backend.EditSet
}

type savepoint struct {
	name  string
	roots map[string]repo.Root
}

var _ sql.Transaction = (*Transaction)(nil)

func newTransaction(readOnly bool) *Transaction {
	t := &Transaction{id: txIDs.Add(1), readOnly: readOnly}
	t.mu.dbs = map[string]*dbTx{}
	return t
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
	key := strings.ToLower(db.Name())
	if st, ok := t.mu.dbs[key]; ok && st.db == db {
		return st, nil
	}
	ws, err := db.Repo().WorkingSet(ctx, db.Branch())
	if err != nil {
		return nil, fmt.Errorf("session: database %q: %w", db.Name(), err)
	}
	st := &dbTx{db: db, snapshot: ws, root: ws.Working(), edits: backend.NewEditSet()}
	t.mu.dbs[key] = st
	return st, nil
}

// transaction returns the context's transaction, starting one if there is none (a table
// read outside GMS's transaction protocol, e.g. by a test harness).
func (s *Session) transaction(ctx *sql.Context) (*Transaction, error) {
	switch tx := ctx.GetTransaction().(type) {
	case *Transaction:
		return tx, nil
	case nil:
		t := newTransaction(false)
		ctx.SetTransaction(t)
		return t, nil
	default:
		return nil, fmt.Errorf("session: transaction %T is not a dsql transaction", tx)
	}
}

// WorkingRoot implements backend.Session.
func (s *Session) WorkingRoot(ctx *sql.Context, db *backend.Database) (repo.Root, error) {
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

// SetWorkingRoot implements backend.Session.
func (s *Session) SetWorkingRoot(ctx *sql.Context, db *backend.Database, root repo.Root) error {
	tx, err := s.transaction(ctx)
	if err != nil {
		return err
	}
	if tx.readOnly {
		return sql.ErrReadOnlyTransaction.New()
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

// StartTransaction implements sql.TransactionSession. Snapshots are taken lazily, per
// database, when the transaction first reads it.
func (s *Session) StartTransaction(ctx *sql.Context, tc sql.TransactionCharacteristic) (sql.Transaction, error) {
	return newTransaction(tc == sql.ReadOnly), nil
}

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
	var errs []error
	for _, k := range keys {
		st := t.mu.dbs[k]
		if st.edits.Pending() {
			if st.root, err = st.edits.Apply(ctx, st.root); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if st.root.Hash() == st.snapshot.Working().Hash() {
			continue
		}
		if err := commitDB(ctx, st); err != nil {
			errs = append(errs, err)
		}
	}
	clear(t.mu.dbs)
	t.mu.savepoints = nil
	if len(errs) == 0 {
		return nil
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
	clear(t.mu.dbs)
	t.mu.savepoints = nil
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
	sp := savepoint{name: name, roots: map[string]repo.Root{}}
	for k, st := range t.mu.dbs {
		sp.roots[k] = st.root
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
			st.root = r
		} else {
			st.root = st.snapshot.Working()
		}
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
