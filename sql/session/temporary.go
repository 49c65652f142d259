package session

import (
	"strings"
	"sync"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/storage/memstore"
)

// Temporary tables (see sql/backend/temporary.go): per database name, a Root over an
// in-memory store that only this session reads and writes. It is outside every
// transaction: statements change it at once (atomically, through its own EditSet), and
// COMMIT, ROLLBACK and savepoints leave it alone. A database's store is dropped with its
// last temporary table, and everything with the session (SessionEnd).

// tempCacheBytes is the node cache of a temporary store (its chunks are in memory
// anyway; the cache only saves decoding).
const tempCacheBytes = 1 << 20

type tempTables struct {
	mu  sync.Mutex
	dbs map[string]*tempDB // by folded database name
}

type tempDB struct {
	store *memstore.Store
	root  repo.Root
	edits *backend.EditSet
}

var _ backend.TemporarySession = (*Session)(nil)

// TemporaryRoot implements backend.TemporarySession.
func (s *Session) TemporaryRoot(db string) (repo.Root, bool) {
	s.temps.mu.Lock()
	defer s.temps.mu.Unlock()
	td, ok := s.temps.dbs[strings.ToLower(db)]
	if !ok {
		return repo.Root{}, false
	}
	return td.root, true
}

// tempDB returns the temporary state of db (a temporary view), creating it if needed.
func (s *Session) tempDB(ctx *sql.Context, db *backend.Database) (*tempDB, error) {
	s.temps.mu.Lock()
	defer s.temps.mu.Unlock()
	key := strings.ToLower(db.Name())
	if td, ok := s.temps.dbs[key]; ok {
		return td, nil
	}
	st := memstore.New()
	root, err := repo.EmptyRoot(ctx, prolly.NewNodeStore(st, tempCacheBytes))
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	td := &tempDB{store: st, root: root, edits: backend.NewEditSet()}
	if s.temps.dbs == nil {
		s.temps.dbs = map[string]*tempDB{}
	}
	s.temps.dbs[key] = td
	return td, nil
}

func (s *Session) tempWorkingRoot(ctx *sql.Context, db *backend.Database) (repo.Root, error) {
	td, err := s.tempDB(ctx, db)
	if err != nil {
		return repo.Root{}, err
	}
	s.temps.mu.Lock()
	defer s.temps.mu.Unlock()
	return td.root, nil
}

// setTempRoot replaces db's temporary root; without tables (and pending edits) the
// state and its store are dropped.
func (s *Session) setTempRoot(ctx *sql.Context, db *backend.Database, root repo.Root) error {
	td, err := s.tempDB(ctx, db)
	if err != nil {
		return err
	}
	s.temps.mu.Lock()
	defer s.temps.mu.Unlock()
	td.root = root
	if len(root.TableNames()) == 0 && !td.edits.Pending() {
		delete(s.temps.dbs, strings.ToLower(db.Name()))
		_ = td.store.Close()
	}
	return nil
}

func (s *Session) tempEdits(ctx *sql.Context, db *backend.Database) (*backend.EditSet, error) {
	td, err := s.tempDB(ctx, db)
	if err != nil {
		return nil, err
	}
	return td.edits, nil
}

// dropTemporaryTables drops every temporary table of the session.
func (s *Session) dropTemporaryTables() {
	s.temps.mu.Lock()
	defer s.temps.mu.Unlock()
	for k, td := range s.temps.dbs {
		_ = td.store.Close()
		delete(s.temps.dbs, k)
	}
}
