package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/dataio"
	"github.com/dsqldb/dsql/sql/procedures"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/sql/systables"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/pebblestore"
)

// PrivilegesFile is where users and grants are stored, relative to the data directory.
var PrivilegesFile = filepath.Join(".dsqlcfg", "privileges.db")

// ErrInUse is returned (wrapped, with the database and the lock file named) when a
// repository is open in another dsql process. It wraps storage.ErrInUse too.
var ErrInUse = errors.New("in use by another dsql process")

// EngineOptions configure NewEngine.
type EngineOptions struct {
	// DataDir holds the repositories: each subdirectory with a .dsql store is a database
	// named after the subdirectory, and DataDir itself is one, named after its base name,
	// if it has a .dsql store. Required.
	DataDir string
	// ReadOnly refuses statements that write.
	ReadOnly bool
	// Author signs the initial commit of databases made by CREATE DATABASE.
	Author repo.Signature
	// Superusers exist while the engine runs; they are never written to the privileges
	// file. Users made by CREATE USER are.
	Superusers []UserConfig
	// Logger receives store messages (nil: slog.Default()).
	Logger *slog.Logger
	// SelfOnly serves DataDir's own repository and nothing else: the subdirectories are
	// neither scanned nor opened (nor locked), and CREATE DATABASE fails. The
	// command-line verbs, which act on one repository, start faster with it, and a
	// nested repository held by another process does not stop them.
	SelfOnly bool
}

// Engine is the SQL engine both front ends (dsql sql and dsql sql-server) run: a GMS
// engine over a backend.Provider of the data directory's repositories, each in a
// pebblestore, with users and grants loaded from and persisted to PrivilegesFile.
//
// An Engine is safe for concurrent use by many sessions. Its creator calls Close after the
// last query; Close releases every store (and so its lock).
type Engine struct {
	// SQL is the GMS engine; run queries with a context from NewContext.
	SQL *sqle.Engine
	// Provider serves the repositories.
	Provider *backend.Provider
	// DefaultDatabase is the name of DataDir's own repository ("" if DataDir is not one):
	// new sessions start in it.
	DefaultDatabase string

	selfStore storage.Store // DataDir's own store, owned here (not by the Provider)
	closeOnce sync.Once
	closeErr  error
}

// NewEngine opens every repository of opts.DataDir and builds the engine. A repository
// that another process has open fails the whole call with an error wrapping ErrInUse and
// storage.ErrInUse that names the database and the lock file.
func NewEngine(ctx context.Context, opts EngineOptions) (*Engine, error) {
	if opts.DataDir == "" {
		return nil, errors.New("server: no data directory")
	}
	dir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("server: data directory: %w", err)
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("server: data directory: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("server: data directory %s is not a directory", dir)
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	open := func(storeDir string) (storage.Store, error) {
		return openStore(storeDir, logger)
	}

	if err := setVersionVariables(); err != nil {
		return nil, err
	}
	if err := setLoadDataVariables(); err != nil {
		return nil, err
	}
	setSelectLimitVariable()
	e := &Engine{}
	bopts := backend.Options{Dir: dir, Open: open, Author: opts.Author, Extensions: Extensions(opts.Author)}
	if opts.SelfOnly {
		bopts.Dir, bopts.Open = "", nil // no scan of DataDir; CREATE DATABASE fails
	}
	if fi, err := os.Stat(filepath.Join(dir, backend.RepoDir)); err == nil && fi.IsDir() {
		st, err := open(filepath.Join(dir, backend.RepoDir))
		if err != nil {
			return nil, err
		}
		e.selfStore = st
		e.DefaultDatabase = filepath.Base(dir)
		bopts.Stores = map[string]storage.Store{e.DefaultDatabase: st}
	}
	prov, err := backend.NewProvider(ctx, bopts)
	if err != nil {
		if e.selfStore != nil {
			_ = e.selfStore.Close()
		}
		var iu *inUseError
		if errors.As(err, &iu) {
			return nil, iu // the clear message, without the provider's prefix
		}
		return nil, fmt.Errorf("server: %w", err)
	}
	e.Provider = prov

	overrides := parenOverrides() // (SELECT 1) and other parenthesized queries (parens.go)
	// SHOW CREATE TABLE lays columns out as MySQL 8 (showcreate.go).
	overrides.SchemaFormatter = schemaFormatter{&sql.MySqlSchemaFormatter{}}
	an := analyzer.NewBuilder(prov).AddOverrides(overrides).Build()
	fixGroupByValidation(an)
	fixShowCreateEnumDefaults(an)
	fixViewReadCommits(an)
	// LOAD DATA into an empty table: bulk path; SHOW COLUMNS as MySQL prints it (showcolumns.go).
	an.ExecBuilder.PriorityBuilder = newShowColumnsBuilder(dataio.LoadDataBuilder{Base: an.ExecBuilder})
	backend.InstallRowChanges(an)       // an UPDATE changes a row whose bytes change, as MySQL (rowchange.go)
	backend.InstallCollatedDistinct(an) // SELECT DISTINCT, UNION, INTERSECT, EXCEPT, PAD SPACE GROUP BY compare strings under their collation (distinct.go)
	backend.InstallStrictChecks(an)     // out-of-range assignments, integer overflow, division by zero, second primary key fail (strict.go)
	backend.InstallPlannerFixes(an)     // no reversed index scan under a LIMIT (sortlimit.go)
	// @@collation_database without a current database is @@collation_server (collation.go).
	backend.InstallDatabaseCollationVars(an)
	e.SQL = sqle.New(an, &sqle.Config{IsReadOnly: opts.ReadOnly})
	// ANALYZE TABLE of an empty table (analyze.go).
	e.SQL.Analyzer.Catalog.StatsProvider = emptyTableStats{e.SQL.Analyzer.Catalog.StatsProvider}
	if err := installSelectLimit(e.SQL); err != nil { // @@sql_select_limit at execution (selectlimit.go)
		_ = e.Close()
		return nil, err
	}
	e.SQL.Analyzer.Catalog.RegisterFunction(sql.NewEmptyContext(), Functions(opts.Author)...)
	if err := loadPrivileges(ctx, e.SQL, filepath.Join(dir, PrivilegesFile), opts.Superusers); err != nil {
		_ = e.Close()
		return nil, err
	}
	return e, nil
}

// openStore opens the pebblestore at storeDir (<repository>/.dsql), reporting a store held
// by another process as an inUseError.
// Extensions returns dsql's system tables, procedures and table functions as a
// backend.Extensions (author: the default signature of commits made in SQL without
// --author and without user.name in the repository's config).
func Extensions(author repo.Signature) backend.Extensions {
	var popts []procedures.Option
	if author.Name != "" {
		popts = append(popts, procedures.WithAuthor(author))
	}
	return backend.Extensions{
		SystemTable:    systables.Lookup,
		Procedures:     procedures.New(popts...),
		TableFunctions: systables.TableFunctions(),
	}
}

// Functions returns dsql's SQL functions (active_branch(), dsql_hashof(), ...).
func Functions(author repo.Signature) []sql.Function {
	var popts []procedures.Option
	if author.Name != "" {
		popts = append(popts, procedures.WithAuthor(author))
	}
	return procedures.Functions(popts...)
}

func openStore(storeDir string, logger *slog.Logger) (storage.Store, error) {
	st, err := pebblestore.Open(storeDir, pebblestore.Options{Logger: logger})
	if errors.Is(err, storage.ErrInUse) {
		repoDir := filepath.Dir(storeDir)
		return nil, &inUseError{db: filepath.Base(repoDir), lock: filepath.Join(storeDir, "LOCK"), err: err}
	}
	return st, err
}

// inUseError names the database whose store another process holds.
type inUseError struct {
	db, lock string
	err      error
}

func (e *inUseError) Error() string {
	return fmt.Sprintf("database %s is %s (lock held on %s); stop that process or serve another directory",
		e.db, ErrInUse, e.lock)
}

func (e *inUseError) Is(target error) bool { return target == ErrInUse }
func (e *inUseError) Unwrap() error        { return e.err }

var sessionIDs atomic.Uint32

// NewContext returns a query context over a new session of user root@localhost (a
// superuser of every engine NewEngine builds with the default users), whose current
// database is DefaultDatabase and whose @@collation_connection is utf8mb4_0900_ai_ci,
// MySQL 8's own client's. It is the context of the embedded front end (dsql sql); the
// server builds its sessions from connections instead.
func (e *Engine) NewContext(ctx context.Context) *sql.Context {
	base := sql.NewBaseSessionWithClientServer("dsql", sql.Client{User: "root", Address: "localhost"}, sessionIDs.Add(1))
	// String literals as with MySQL 8's own client (clientcollation.go).
	applyClientCollation(ctx, base, uint8(sql.Collation_utf8mb4_0900_ai_ci))
	sctx := sql.NewContext(ctx, sql.WithSession(session.New(base, session.WithProvider(e.Provider))), sql.WithServices(sql.Services{LoadInfile: localInfile}))
	if e.DefaultDatabase != "" {
		sctx.SetCurrentDatabase(e.DefaultDatabase)
	}
	return sctx
}

// Close closes the GMS engine, then every store (releasing their locks). It is
// idempotent; queries must have finished.
func (e *Engine) Close() error {
	e.closeOnce.Do(func() {
		var errs []error
		if e.SQL != nil {
			errs = append(errs, e.SQL.Close())
		}
		if e.Provider != nil {
			errs = append(errs, e.Provider.Close())
		}
		if e.selfStore != nil {
			errs = append(errs, e.selfStore.Close())
		}
		e.closeErr = errors.Join(errs...)
	})
	return e.closeErr
}

// ErrAlreadyRepository is returned by InitRepository for a directory that already has a
// .dsql store.
var ErrAlreadyRepository = errors.New("already a dsql repository")

// InitRepository makes dir a repository (dsql init): a pebblestore in dir/.dsql holding
// branch main at the initial commit, signed by author (zero Time: now). It fails with an
// error wrapping ErrAlreadyRepository if dir/.dsql exists, and leaves nothing behind on
// any other failure.
func InitRepository(ctx context.Context, dir string, author repo.Signature) (err error) {
	storeDir := filepath.Join(dir, backend.RepoDir)
	if _, err := os.Lstat(storeDir); err == nil {
		return fmt.Errorf("%s is %w (it has a %s directory)", dir, ErrAlreadyRepository, backend.RepoDir)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("server: %w", err)
	}
	st, err := pebblestore.Open(storeDir, pebblestore.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("server: creating the store: %w", err)
	}
	defer func() {
		if cerr := st.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("server: closing the store: %w", cerr)
		}
		if err != nil {
			_ = os.RemoveAll(storeDir)
		}
	}()
	if _, err := repo.Init(ctx, st, author); err != nil {
		return fmt.Errorf("server: initialising the repository: %w", err)
	}
	return nil
}
