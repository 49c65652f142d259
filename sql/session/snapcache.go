package session

import (
	"strings"
	"sync"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/storage"
)

// Snapshot reuse.
//
// A transaction starts with the snapshot of every database of the provider (see
// "Snapshots" in the package doc): every autocommit statement starts one. Loading each
// database's working set anew made that cost grow with the number of databases the
// server holds (about 1.4 us each: 50 databases tripled a point select's CPU), although
// most statements touch one database and most working sets have not changed since the
// session's last statement. A session therefore keeps its last snapshot set and reuses
// it:
//
//   - snapSet is immutable once published: a transaction reads it (Transaction.snap)
//     and makes a database's state (dbTx) from its entry when it first uses the
//     database, so a transaction that touches one database makes one state.
//   - The set is remade in full when the provider's databases changed
//     (Provider.DatabasesVersion), when the session's current database changed (a
//     "db/branch" current database is listed too) or when the session checked out
//     another branch anywhere (heads.version); otherwise only the entries of databases
//     whose store's ref generation (storage.RefGenerations) moved are reloaded. A
//     store without generations is reloaded every time. Entries are keyed by
//     repository and branch (txKey), so an entry of another branch than the one the
//     session now has checked out is never used (the database is then loaded at first
//     use, as one created after the start is).
//   - Invariant (no stale reuse): an entry's generation is read before its working
//     set is loaded, and a store's generation changes only after a Commit's refs are
//     visible. So when the generation is unchanged, no Commit has finished on that
//     store since the entry was loaded, and the entry is as new as a fresh load would
//     be but for a Commit still in progress, which no client has been told of and which
//     a fresh load may miss as well.
type snapSet struct {
	entries map[string]snapEntry // by txKey
}

// entry returns the working set of key in set (nil: none).
func (set *snapSet) entry(key string) (snapEntry, bool) {
	if set == nil {
		return snapEntry{}, false
	}
	e, ok := set.entries[key]
	return e, ok
}

// snapEntry is one database's working set in a snapSet.
type snapEntry struct {
	db     *backend.Database
	branch string
	ws     repo.WorkingSet
}

// snapCache is a session's last snapSet and what it was made from.
type snapCache struct {
	mu       sync.Mutex
	set      *snapSet
	provider uint64 // Provider.DatabasesVersion
	current  string // the session's current database, if it names a branch ("db/b")
	heads    uint64 // Session.heads.version
	dbs      []*backend.Database
	keys     []string // txKey of dbs[i] when loaded
	gens     []uint64 // store generation of dbs[i] read before loading
	hasGen   []bool   // dbs[i]'s store has generations
}

// snapshotSet returns the snapshot set for a transaction starting now (nil without a
// provider).
func (s *Session) snapshotSet(ctx *sql.Context) (*snapSet, error) {
	if s.provider == nil {
		return nil, nil
	}
	c := &s.snaps
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := ctx.GetCurrentDatabase()
	if !strings.Contains(cur, "/") {
		cur = ""
	}
	pv, hv := s.provider.DatabasesVersion(), s.headsVersion()
	full := c.set == nil || pv != c.provider || cur != c.current || hv != c.heads
	if full {
		c.dbs = s.databases(ctx)
		c.keys = make([]string, len(c.dbs))
		c.gens = make([]uint64, len(c.dbs))
		c.hasGen = make([]bool, len(c.dbs))
	}
	var stale []int
	for i, db := range c.dbs {
		if full || !c.hasGen[i] {
			stale = append(stale, i)
			continue
		}
		if g, _ := refGeneration(db); g != c.gens[i] {
			stale = append(stale, i)
		}
	}
	if len(stale) == 0 {
		return c.set, nil
	}
	entries := make(map[string]snapEntry, len(c.dbs))
	if !full {
		for k, e := range c.set.entries {
			entries[k] = e
		}
		for _, i := range stale {
			delete(entries, c.keys[i])
		}
	}
	c.set = nil // until the new set is complete
	for _, i := range stale {
		db := c.dbs[i]
		gen, ok := refGeneration(db)
		branch, err := db.Branch(ctx)
		if err != nil {
			return nil, err
		}
		ws, err := workingSets.load(ctx, db.Repo(), branch)
		if err != nil {
			return nil, wrapDBError(db, err)
		}
		key := txKey(db, branch)
		c.keys[i], c.gens[i], c.hasGen[i] = key, gen, ok
		if _, dup := entries[key]; !dup { // "shop" and "shop/main": the first one listed
			entries[key] = snapEntry{db: db, branch: branch, ws: ws}
		}
	}
	c.set = &snapSet{entries: entries}
	c.provider, c.current, c.heads = pv, cur, s.headsVersion() // db.Branch may check one out
	return c.set, nil
}

// refGeneration returns the ref generation of db's store, ok false if it has none.
func refGeneration(db *backend.Database) (uint64, bool) {
	if g, ok := db.Repo().Store().(storage.RefGenerations); ok {
		return g.RefGeneration(), true
	}
	return 0, false
}

// headsVersion returns the number of SetCheckedOut calls so far.
func (s *Session) headsVersion() uint64 {
	s.heads.Lock()
	defer s.heads.Unlock()
	return s.heads.version
}
