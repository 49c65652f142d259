package backend

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"

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
	// CheckedOut returns the branch the session has checked out in the repository named
	// base ("" if it has not chosen one: the repository's HEAD applies).
	CheckedOut(base string) string
	// SetCheckedOut makes branch the session's branch of the repository named base.
	SetCheckedOut(base, branch string)
}

func sessionOf(ctx *sql.Context) (Session, error) {
	s, ok := ctx.Session.(Session)
	if !ok {
		return nil, fmt.Errorf("backend: session %T does not implement backend.Session (use sql/session)", ctx.Session)
	}
	return s, nil
}

// repoHandle is what every Database over one repository shares: the repository, its
// store, and caches of immutable metadata.
type repoHandle struct {
	base  string // the repository's database name
	path  string // repository directory, "" if not on disk
	repo  *repo.Repo
	store storage.Store
	owned bool          // the Provider opened store and closes it
	metas sync.Map      // schema hash.Hash -> *tableMeta
	frags fragmentCache // decoded SchemasTable versions by table hash (schemas.go)
	// views caches the Databases for "base/<revision>" names: *Database by exact suffix.
	views sync.Map
	// sys resolves system tables (Extensions.SystemTable); nil: none.
	sys func(ctx *sql.Context, db *Database, name string) (sql.Table, bool, error)
	// autoIncs are the live AUTO_INCREMENT counters (autoinc.go).
	autoIncs autoIncTracker
}

// Database is one repository seen as a SQL database, in one of three forms:
//
//   - the repository's own name ("shop"): the branch the session has checked out (see
//     Session.CheckedOut; the repository's HEAD until the session checks out another);
//   - "shop/<branch>": that branch, read-write, whatever the session has checked out;
//   - "shop/<tag or commit>": that commit's root, read-only.
//
// Reads and writes of a branch go through the session's transaction (its snapshot of the
// branch's working set); a revision's root is immutable and read directly.
//
// A Database is safe for concurrent use: it holds no per-session state (that is in the
// Session) and caches only immutable metadata.
type Database struct {
	*repoHandle
	name    string       // the SQL name
	branch  string       // fixed branch ("" for the repository's own name: the session's)
	rev     *repo.Commit // a read-only revision (nil for branches)
	revRoot repo.Root    // rev's root
	temp    bool         // the session's temporary tables of the database (temporary.go)
}

var (
	_ sql.Database            = (*Database)(nil)
	_ sql.TableCreator        = (*Database)(nil)
	_ sql.IndexedTableCreator = (*Database)(nil)
	_ sql.TableDropper        = (*Database)(nil)
	_ sql.TableRenamer        = (*Database)(nil)
	_ sql.ReadOnlyDatabase    = (*Database)(nil)
	_ sql.VersionedDatabase   = (*Database)(nil)
)

func newDatabase(name, path string, r *repo.Repo, st storage.Store, owned bool) *Database {
	h := &repoHandle{base: name, path: path, repo: r, store: st, owned: owned}
	return &Database{repoHandle: h, name: name}
}

// Name implements sql.Nameable.
func (db *Database) Name() string { return db.name }

// BaseName returns the name of the repository's own database ("shop" for "shop/feature").
func (db *Database) BaseName() string { return db.base }

// Repo returns the database's repository.
func (db *Database) Repo() *repo.Repo { return db.repo }

// Revision returns the commit of a read-only revision database.
func (db *Database) Revision() (repo.Commit, bool) {
	if db.rev == nil {
		return repo.Commit{}, false
	}
	return *db.rev, true
}

// IsReadOnly implements sql.ReadOnlyDatabase: revision databases are read-only.
func (db *Database) IsReadOnly() bool { return db.rev != nil }

// FixedBranch returns the branch of a "base/branch" database ("" otherwise).
func (db *Database) FixedBranch() string { return db.branch }

// Branch returns the branch whose working set the database reads and writes for the
// session of ctx: the fixed branch of "base/branch", else the session's checked-out
// branch, else the repository's HEAD (which the session then keeps). An error for
// revision databases.
func (db *Database) Branch(ctx *sql.Context) (string, error) {
	if db.rev != nil {
		return "", db.errReadOnly()
	}
	if db.branch != "" {
		return db.branch, nil
	}
	s, ok := ctx.Session.(Session)
	if !ok {
		return db.repo.Head(ctx)
	}
	if b := s.CheckedOut(db.base); b != "" {
		return b, nil
	}
	// The session starts on the repository's HEAD and stays there until it checks out
	// another branch (another process moving HEAD does not move open sessions).
	b, err := db.repo.Head(ctx)
	if err != nil {
		return "", err
	}
	s.SetCheckedOut(db.base, b)
	return b, nil
}

func (db *Database) errReadOnly() error {
	return fmt.Errorf("database %q is read-only: it names commit %s, not a branch; to change data, use a branch (USE `%s/<branch>`)",
		db.name, db.rev.Hash(), db.base)
}

func (db *Database) root(ctx *sql.Context) (Session, repo.Root, error) {
	s, err := sessionOf(ctx)
	if err != nil {
		return nil, repo.Root{}, err
	}
	if db.rev != nil {
		return s, db.revRoot, nil
	}
	r, err := s.WorkingRoot(ctx, db)
	return s, r, err
}

// writableRoot is root for statements that change the database: an error for revisions.
func (db *Database) writableRoot(ctx *sql.Context) (Session, repo.Root, error) {
	if db.rev != nil {
		return nil, repo.Root{}, db.errReadOnly()
	}
	return db.root(ctx)
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
	if t, ok, err := db.temporaryTable(ctx, name); ok || err != nil {
		return t, ok, err
	}
	_, root, err := db.root(ctx)
	if err != nil {
		return nil, false, err
	}
	if isSchemasTable(name) {
		name = SchemasTable // dolt_schemas is an alias
	} else if db.sys != nil && isSystemName(name) {
		if t, ok, err := db.sys(ctx, db, name); ok || err != nil {
			return t, ok, err
		}
	}
	t, ok, err := tables.get(ctx, root, name)
	if err != nil || !ok {
		return nil, false, err
	}
	m, err := db.meta(t)
	if err != nil {
		return nil, false, err
	}
	return &Table{db: db, meta: m}, true, nil
}

// isSystemName reports whether name has a system table prefix (dsql_ or dolt_).
func isSystemName(name string) bool {
	return len(name) > 5 && (strings.EqualFold(name[:5], "dsql_") || strings.EqualFold(name[:5], "dolt_"))
}

// GetTableNames implements sql.Database: the user's tables (not dsql_schemas, which
// stays readable by name, nor system tables), as SHOW TABLES, information_schema and
// mysqldump list them.
func (db *Database) GetTableNames(ctx *sql.Context) ([]string, error) {
	_, root, err := db.root(ctx)
	if err != nil {
		return nil, err
	}
	names := root.TableNames()
	out := names[:0:0]
	for _, n := range names {
		if !isSchemasTable(n) { // dsql_schemas holds views etc.; it is not a user table
			out = append(out, n)
		}
	}
	return out, nil
}

// CreateTable implements sql.TableCreator.
func (db *Database) CreateTable(ctx *sql.Context, name string, schema sql.PrimaryKeySchema, collation sql.CollationID, comment string) error {
	s, root, err := db.writableRoot(ctx)
	if err != nil {
		return err
	}
	if isSchemasTable(name) {
		return errSchemasTableReserved(name)
	}
	if root.HasTable(name) {
		return sql.ErrTableAlreadyExists.New(name)
	}
	if err := checkOnePrimaryKey(schema); err != nil {
		return err
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
	db.forgetAutoIncrement(ctx, name)
	return s.SetWorkingRoot(ctx, db, root)
}

// checkOnePrimaryKey refuses a schema with more than one primary key, as MySQL does with
// error 1068 (ER_MULTIPLE_PRI_KEY). GMS flags every column declared PRIMARY KEY
// (CREATE TABLE t (a INT PRIMARY KEY, b INT PRIMARY KEY), or an inline key next to a
// PRIMARY KEY (...) clause, or two such clauses) but puts only one of the keys in
// PkOrdinals, so the others would be dropped silently: a column flagged as part of the
// primary key that PkOrdinals leaves out is such a second key.
func checkOnePrimaryKey(schema sql.PrimaryKeySchema) error {
	if len(schema.PkOrdinals) == 0 {
		return nil // no key: the flags alone make none (NewPrimaryKeySchema derives ordinals from them)
	}
	for i, c := range schema.Schema {
		if c.PrimaryKey && !slices.Contains(schema.PkOrdinals, i) {
			return sql.ErrMultiplePrimaryKeysDefined.New()
		}
	}
	return nil
}

// CreateIndexedTable implements sql.IndexedTableCreator: CREATE TABLE with a PRIMARY KEY
// clause. A prefix length on a primary-key column (PRIMARY KEY (v(10))) is refused, as by
// ALTER TABLE ... ADD PRIMARY KEY: the row map is keyed by whole column values.
func (db *Database) CreateIndexedTable(ctx *sql.Context, name string, schema sql.PrimaryKeySchema, idxDef sql.IndexDef, collation sql.CollationID, comment string) error {
	for _, ic := range idxDef.Columns {
		i := schema.Schema.IndexOfColName(ic.Name)
		if i < 0 {
			return sql.ErrKeyColumnDoesNotExist.New(ic.Name)
		}
		if c := schema.Schema[i]; ic.Length > 0 && types.IsText(c.Type) {
			return sql.ErrUnsupportedIndexPrefix.New(c.Name)
		}
	}
	return db.CreateTable(ctx, name, schema, collation, comment)
}

// DropTable implements sql.TableDropper.
func (db *Database) DropTable(ctx *sql.Context, name string) error {
	if ok, err := db.dropTemporaryTable(ctx, name); ok || err != nil {
		return err
	}
	s, root, err := db.writableRoot(ctx)
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
	db.forgetAutoIncrement(ctx, name)
	return s.SetWorkingRoot(ctx, db, root)
}

// RenameTable implements sql.TableRenamer.
func (db *Database) RenameTable(ctx *sql.Context, oldName, newName string) error {
	if ok, err := db.renameTemporaryTable(ctx, oldName, newName); ok || err != nil {
		return err
	}
	s, root, err := db.writableRoot(ctx)
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
	db.forgetAutoIncrement(ctx, oldName)
	db.forgetAutoIncrement(ctx, newName)
	return s.SetWorkingRoot(ctx, db, root)
}
