package backend

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/storage"
)

// RepoDir is the subdirectory of a repository directory that holds its store. A directory
// of the data directory is a database iff it has one.
const RepoDir = ".dsql"

// Opener opens the store at dir, creating it if it does not exist. With a data directory,
// dir is <data dir>/<database>/.dsql; without one (Options.Dir == ""), dir is the bare
// database name and the opener decides where the store lives (tests return a memstore).
// The opener is the caller's way to pick a storage engine: sql/* never imports Pebble.
type Opener func(dir string) (storage.Store, error)

// Options configure a Provider.
type Options struct {
	// Dir is the data directory: every subdirectory with a RepoDir is a database, named
	// after the subdirectory. "" means no data directory: databases come from Stores and
	// from CREATE DATABASE through Open.
	Dir string
	// Open opens stores for existing and new databases. Nil: CREATE DATABASE fails.
	Open Opener
	// Stores are databases backed by caller-owned stores (tests): an empty store is
	// initialised with repo.Init. The Provider never closes them.
	Stores map[string]storage.Store
	// Author signs the initial commit of new repositories (zero: "dsql <dsql@localhost>").
	Author repo.Signature
	// Extensions plug in system tables, procedures and table functions.
	Extensions Extensions
}

// Provider is dsql's sql.MutableDatabaseProvider: one Database per repository.
//
// A Provider is safe for concurrent use by many goroutines (its database map is behind a
// mutex; Databases are safe too). The creator calls Close after the last query; Close
// closes the stores the Provider opened (not Options.Stores).
type Provider struct {
	opts Options
	mu   struct {
		sync.Mutex
		dbs map[string]*Database // by folded name
	}
	// version advances whenever the set of databases changes (DatabasesVersion).
	version atomic.Uint64
}

// DatabasesVersion returns a number that changes whenever a database is added or
// removed, after the change (sessions cache their list of databases by it).
func (p *Provider) DatabasesVersion() uint64 { return p.version.Load() }

var (
	_ sql.DatabaseProvider        = (*Provider)(nil)
	_ sql.MutableDatabaseProvider = (*Provider)(nil)
)

// NewProvider opens every repository of opts.Dir (if set) and every store of opts.Stores.
// The first call makes DefaultCollation the server's default collation
// (setServerCollation).
func NewProvider(ctx context.Context, opts Options) (*Provider, error) {
	setServerCollation()
	p := &Provider{opts: opts}
	p.mu.dbs = map[string]*Database{}
	if opts.Dir != "" {
		entries, err := os.ReadDir(opts.Dir)
		if err != nil {
			return nil, fmt.Errorf("backend: reading data directory: %w", err)
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			path := filepath.Join(opts.Dir, e.Name())
			if fi, err := os.Stat(filepath.Join(path, RepoDir)); err != nil || !fi.IsDir() {
				continue
			}
			if opts.Open == nil {
				_ = p.Close()
				return nil, fmt.Errorf("backend: data directory %s has databases but no store opener was given", opts.Dir)
			}
			st, err := opts.Open(filepath.Join(path, RepoDir))
			if err != nil {
				_ = p.Close()
				return nil, fmt.Errorf("backend: opening database %q: %w", e.Name(), err)
			}
			if err := p.addLocked(ctx, e.Name(), path, st, true, false); err != nil {
				_ = st.Close()
				_ = p.Close()
				return nil, err
			}
		}
	}
	names := make([]string, 0, len(opts.Stores))
	for n := range opts.Stores {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := p.addLocked(ctx, n, "", opts.Stores[n], false, true); err != nil {
			_ = p.Close()
			return nil, err
		}
	}
	return p, nil
}

// addLocked registers a database over st (initialising an empty store if init).
func (p *Provider) addLocked(ctx context.Context, name, path string, st storage.Store, owned, init bool) error {
	key := strings.ToLower(name)
	if _, dup := p.mu.dbs[key]; dup {
		return fmt.Errorf("backend: two databases named %q (names are case-insensitive)", name)
	}
	r, err := repo.Open(ctx, st)
	if errors.Is(err, repo.ErrNotInitialized) && init {
		r, err = repo.Init(ctx, st, p.author())
	}
	if err != nil {
		return fmt.Errorf("backend: database %q: %w", name, err)
	}
	p.mu.dbs[key] = newDatabase(name, path, r, st, owned)
	p.mu.dbs[key].sys = p.opts.Extensions.SystemTable
	p.version.Add(1)
	registerVariables(name)
	return nil
}

func (p *Provider) author() repo.Signature {
	a := p.opts.Author
	if a.Name == "" {
		a.Name, a.Email = "dsql", "dsql@localhost"
	}
	if a.Time.IsZero() {
		a.Time = time.Now()
	}
	return a
}

// Database implements sql.DatabaseProvider (names are case-insensitive).
func (p *Provider) Database(ctx *sql.Context, name string) (sql.Database, error) {
	db, err := p.Resolve(ctx, name)
	if err != nil {
		return nil, err
	}
	return db, nil
}

// Lookup returns the repository database of that name (case-insensitive); it does not
// resolve "db/branch" names (see Database(ctx, name)).
func (p *Provider) Lookup(name string) (*Database, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	db, ok := p.mu.dbs[strings.ToLower(name)]
	return db, ok
}

// Resolve returns the database of a name: a repository's own name, "repo/branch" or
// "repo/revision" (see Database.View).
func (p *Provider) Resolve(ctx *sql.Context, name string) (*Database, error) {
	if db, ok := p.Lookup(name); ok {
		return db, nil
	}
	base, suffix, ok := strings.Cut(name, "/")
	if !ok {
		return nil, sql.ErrDatabaseNotFound.New(name)
	}
	db, ok := p.Lookup(base)
	if !ok {
		return nil, sql.ErrDatabaseNotFound.New(name)
	}
	return db.View(ctx, suffix)
}

// HasDatabase implements sql.DatabaseProvider.
func (p *Provider) HasDatabase(ctx *sql.Context, name string) bool {
	_, err := p.Resolve(ctx, name)
	return err == nil
}

// AllDatabases implements sql.DatabaseProvider: every repository's database, plus the
// session's current database when it is a branch or revision view, sorted by name.
func (p *Provider) AllDatabases(ctx *sql.Context) []sql.Database {
	p.mu.Lock()
	out := make([]sql.Database, 0, len(p.mu.dbs)+1)
	for _, db := range p.mu.dbs {
		out = append(out, db)
	}
	p.mu.Unlock()
	// A session whose current database is "db/branch" or "db/rev" sees it too (in
	// information_schema, SHOW TABLE STATUS, ...), as clients that connect to a branch
	// expect.
	if ctx != nil && ctx.Session != nil {
		if cur := ctx.GetCurrentDatabase(); strings.Contains(cur, "/") {
			if v, err := p.Resolve(ctx, cur); err == nil {
				out = append(out, v)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name()) < strings.ToLower(out[j].Name()) })
	return out
}

// CreateDatabase implements sql.MutableDatabaseProvider: a new repository (repo.Init) in
// <Dir>/<name>/.dsql, or through Open(name) without a data directory.
func (p *Provider) CreateDatabase(ctx *sql.Context, name string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.mu.dbs[strings.ToLower(name)]; ok {
		return sql.ErrDatabaseExists.New(name)
	}
	if p.opts.Open == nil {
		return fmt.Errorf("backend: cannot create database %q: the provider has no store opener", name)
	}
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." || name == "" {
		return fmt.Errorf("backend: invalid database name %q", name)
	}
	var path, dir string
	if p.opts.Dir != "" {
		path = filepath.Join(p.opts.Dir, name)
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("backend: cannot create database %q: %s already exists", name, path)
		}
		dir = filepath.Join(path, RepoDir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("backend: creating database %q: %w", name, err)
		}
	} else {
		dir = name
	}
	fail := func(err error) error {
		if path != "" {
			_ = os.RemoveAll(path)
		}
		return fmt.Errorf("backend: creating database %q: %w", name, err)
	}
	st, err := p.opts.Open(dir)
	if err != nil {
		return fail(err)
	}
	r, err := repo.Init(ctx, st, p.author())
	if err != nil {
		_ = st.Close()
		return fail(err)
	}
	p.mu.dbs[strings.ToLower(name)] = newDatabase(name, path, r, st, true)
	p.mu.dbs[strings.ToLower(name)].sys = p.opts.Extensions.SystemTable
	p.version.Add(1)
	registerVariables(name)
	return nil
}

// DropDatabase implements sql.MutableDatabaseProvider: it forgets the database, closes its
// store (if the Provider opened it) and removes its directory.
func (p *Provider) DropDatabase(ctx *sql.Context, name string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := strings.ToLower(name)
	db, ok := p.mu.dbs[key]
	if !ok {
		return sql.ErrDatabaseNotFound.New(name)
	}
	delete(p.mu.dbs, key)
	p.version.Add(1)
	var err error
	if db.owned {
		err = db.store.Close()
	}
	if db.path != "" {
		if rerr := os.RemoveAll(db.path); rerr != nil && err == nil {
			err = rerr
		}
	}
	if err != nil {
		return fmt.Errorf("backend: dropping database %q: %w", name, err)
	}
	return nil
}

// Close closes every store the Provider opened. The Provider must not be used after.
func (p *Provider) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for k, db := range p.mu.dbs {
		if db.owned {
			errs = append(errs, db.store.Close())
		}
		delete(p.mu.dbs, k)
		p.version.Add(1)
	}
	return errors.Join(errs...)
}
