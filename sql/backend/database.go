package backend

import (
	"fmt"
	"strings"
	"sync"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/storage"
)

// Session is what the backend needs from a connection's session; sql/session.Session
// implements it. Every read and write of a Database goes through the session's current
// transaction: WorkingRoot is the root the transaction reads (its snapshot plus its own
// changes), SetWorkingRoot replaces it, and Edits holds the current statement's
// unflushed row edits for the database.
type Session interface {
	sql.Session
	// WorkingRoot returns the transaction's current root of db (starting the transaction,
	// and taking db's snapshot, if needed).
	WorkingRoot(ctx *sql.Context, db *Database) (repo.Root, error)
	// SetWorkingRoot replaces the transaction's current root of db.
	SetWorkingRoot(ctx *sql.Context, db *Database, root repo.Root) error
	// Edits returns the statement's pending edits of db.
	Edits(ctx *sql.Context, db *Database) (*EditSet, error)
}

func sessionOf(ctx *sql.Context) (Session, error) {
	s, ok := ctx.Session.(Session)
	if !ok {
		return nil, fmt.Errorf("backend: session %T does not implement backend.Session (use sql/session)", ctx.Session)
	}
	return s, nil
}

// Database is one repository seen as a SQL database: the tables of the working root of
// branch main, as the session's transaction sees it.
//
// A Database is safe for concurrent use: it holds no per-session state (that is in the
// Session) and caches only immutable table metadata by schema hash.
type Database struct {
	name  string
	path  string // repository directory, "" if not on disk
	repo  *repo.Repo
	store storage.Store
	owned bool          // the Provider opened store and closes it
	metas sync.Map      // schema hash.Hash -> *tableMeta
	frags fragmentCache // decoded SchemasTable versions by table hash (schemas.go)
}

var (
	_ sql.Database     = (*Database)(nil)
	_ sql.TableCreator = (*Database)(nil)
	_ sql.TableDropper = (*Database)(nil)
	_ sql.TableRenamer = (*Database)(nil)
)

func newDatabase(name, path string, r *repo.Repo, st storage.Store, owned bool) *Database {
	return &Database{name: name, path: path, repo: r, store: st, owned: owned}
}

// Name implements sql.Nameable.
func (db *Database) Name() string { return db.name }

// Repo returns the database's repository.
func (db *Database) Repo() *repo.Repo { return db.repo }

// Branch is the branch whose working set the database reads and writes.
func (db *Database) Branch() string { return repo.DefaultBranch }

func (db *Database) root(ctx *sql.Context) (Session, repo.Root, error) {
	s, err := sessionOf(ctx)
	if err != nil {
		return nil, repo.Root{}, err
	}
	r, err := s.WorkingRoot(ctx, db)
	return s, r, err
}

// meta returns the (cached) SQL view of t's schema.
func (db *Database) meta(t repo.Table) (*tableMeta, error) {
	if m, ok := db.metas.Load(t.SchemaHash()); ok {
		return m.(*tableMeta), nil
	}
	m, err := newTableMeta(db.name, t.Schema())
	if err != nil {
		return nil, err
	}
	db.metas.Store(t.SchemaHash(), m)
	return m, nil
}

// GetTableInsensitive implements sql.Database.
func (db *Database) GetTableInsensitive(ctx *sql.Context, name string) (sql.Table, bool, error) {
	_, root, err := db.root(ctx)
	if err != nil {
		return nil, false, err
	}
	if isSchemasTable(name) {
		name = SchemasTable // dolt_schemas is an alias
	}
	t, ok, err := root.Table(ctx, name)
	if err != nil || !ok {
		return nil, false, err
	}
	m, err := db.meta(t)
	if err != nil {
		return nil, false, err
	}
	return &Table{db: db, meta: m}, true, nil
}

// GetTableNames implements sql.Database.
func (db *Database) GetTableNames(ctx *sql.Context) ([]string, error) {
	_, root, err := db.root(ctx)
	if err != nil {
		return nil, err
	}
	return root.TableNames(), nil
}

// CreateTable implements sql.TableCreator.
func (db *Database) CreateTable(ctx *sql.Context, name string, schema sql.PrimaryKeySchema, collation sql.CollationID, comment string) error {
	s, root, err := db.root(ctx)
	if err != nil {
		return err
	}
	if isSchemasTable(name) {
		return errSchemasTableReserved(name)
	}
	if root.HasTable(name) {
		return sql.ErrTableAlreadyExists.New(name)
	}
	rs, err := toRepoSchema(name, schema, collation, comment)
	if err != nil {
		return err
	}
	t, err := repo.NewTable(ctx, root.NodeStore(), rs)
	if err != nil {
		return err
	}
	if schema.Schema.HasAutoIncrement() {
		if t, err = t.WithAutoIncrement(ctx, 1); err != nil {
			return err
		}
	}
	if root, err = root.PutTable(ctx, t); err != nil {
		return err
	}
	return s.SetWorkingRoot(ctx, db, root)
}

// DropTable implements sql.TableDropper.
func (db *Database) DropTable(ctx *sql.Context, name string) error {
	s, root, err := db.root(ctx)
	if err != nil {
		return err
	}
	if isSchemasTable(name) {
		return errSchemasTableReserved(name)
	}
	if !root.HasTable(name) {
		return sql.ErrTableNotFound.New(name)
	}
	if root, err = root.RemoveTable(ctx, name); err != nil {
		return err
	}
	return s.SetWorkingRoot(ctx, db, root)
}

// RenameTable implements sql.TableRenamer.
func (db *Database) RenameTable(ctx *sql.Context, oldName, newName string) error {
	s, root, err := db.root(ctx)
	if err != nil {
		return err
	}
	if isSchemasTable(oldName) || isSchemasTable(newName) {
		return errSchemasTableReserved(SchemasTable)
	}
	if !root.HasTable(oldName) {
		return sql.ErrTableNotFound.New(oldName)
	}
	if !strings.EqualFold(oldName, newName) && root.HasTable(newName) {
		return sql.ErrTableAlreadyExists.New(newName)
	}
	if root, err = root.RenameTable(ctx, oldName, newName); err != nil {
		return err
	}
	return s.SetWorkingRoot(ctx, db, root)
}
