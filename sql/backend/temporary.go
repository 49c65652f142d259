package backend

import (
	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
)

// Temporary tables (CREATE TEMPORARY TABLE).
//
// A temporary table belongs to one session and one database name: only that session sees
// it, it shadows a permanent table of the same name, it is not versioned (never part of a
// working set, a commit or a merge) and it disappears with the session. Its rows live in
// the session (sql/session keeps, per database name, a repo.Root over an in-memory store;
// TemporarySession), so every table code path works on it unchanged: the Table's
// Database is the database's temporary view (Database.Temporary), and the session answers
// WorkingRoot, SetWorkingRoot and Edits for a temporary view from its temporary root
// instead of the transaction. Statements on temporary tables are atomic like any other,
// but their changes are not transactional: ROLLBACK does not undo them, and CREATE/DROP
// TEMPORARY TABLE do not commit implicitly (GMS does not flag them as DDL). Writes to
// them are allowed in READ ONLY transactions, as in MySQL. Foreign keys cannot involve
// them (GMS refuses), and their AUTO_INCREMENT counters are the session's own.

var (
	_ sql.TemporaryTable         = (*Table)(nil)
	_ sql.TemporaryTableCreator  = (*Database)(nil)
	_ sql.TemporaryTableDatabase = (*Database)(nil)
)

// TemporarySession is implemented by sessions that keep temporary tables
// (sql/session.Session).
type TemporarySession interface {
	// TemporaryRoot returns the root holding the session's temporary tables of the
	// database named db (case-insensitive); ok=false if the session has none there.
	TemporaryRoot(db string) (root repo.Root, ok bool)
}

// IsTemporary implements sql.TemporaryTable. (GMS's read-only-transaction check
// type-asserts every written table to sql.TemporaryTable, so every Table needs it.)
func (t *Table) IsTemporary() bool { return t.db.temp }

// Temporary reports whether db is a temporary view: the database through which a
// session's temporary tables are read and written. A session must answer WorkingRoot,
// SetWorkingRoot and Edits for it from its temporary tables, not from a transaction.
func (db *Database) Temporary() bool { return db.temp }

// temporaryView returns the temporary view of db (cached per database name).
func (db *Database) temporaryView() *Database {
	if db.temp {
		return db
	}
	key := "temporary:" + db.name
	if v, ok := db.views.Load(key); ok {
		return v.(*Database)
	}
	v, _ := db.views.LoadOrStore(key, &Database{repoHandle: db.repoHandle, name: db.name, temp: true})
	return v.(*Database)
}

// temporaryRoot returns the session's temporary tables of db, if it has any.
func (db *Database) temporaryRoot(ctx *sql.Context) (repo.Root, bool) {
	if db.temp {
		return repo.Root{}, false
	}
	ts, ok := ctx.Session.(TemporarySession)
	if !ok {
		return repo.Root{}, false
	}
	return ts.TemporaryRoot(db.name)
}

// temporaryTable returns the session's temporary table name of db, if there is one.
func (db *Database) temporaryTable(ctx *sql.Context, name string) (sql.Table, bool, error) {
	root, ok := db.temporaryRoot(ctx)
	if !ok || !root.HasTable(name) {
		return nil, false, nil
	}
	tv := db.temporaryView()
	rt, ok, err := tables.get(ctx, root, name)
	if err != nil || !ok {
		return nil, false, err
	}
	m, err := tv.meta(rt)
	if err != nil {
		return nil, false, err
	}
	return &Table{db: tv, meta: m}, true, nil
}

// dropTemporaryTable drops the session's temporary table name of db if there is one
// (DROP [TEMPORARY] TABLE drops a temporary table before a permanent one of that name).
func (db *Database) dropTemporaryTable(ctx *sql.Context, name string) (bool, error) {
	root, ok := db.temporaryRoot(ctx)
	if !ok || !root.HasTable(name) {
		return false, nil
	}
	return true, db.temporaryView().DropTable(ctx, name)
}

// renameTemporaryTable renames the session's temporary table oldName of db if there is
// one (RENAME TABLE and ALTER TABLE ... RENAME act on it before a permanent table).
func (db *Database) renameTemporaryTable(ctx *sql.Context, oldName, newName string) (bool, error) {
	root, ok := db.temporaryRoot(ctx)
	if !ok || !root.HasTable(oldName) {
		return false, nil
	}
	return true, db.temporaryView().RenameTable(ctx, oldName, newName)
}

// CreateTemporaryTable implements sql.TemporaryTableCreator.
func (db *Database) CreateTemporaryTable(ctx *sql.Context, name string, schema sql.PrimaryKeySchema, collation sql.CollationID) error {
	if _, ok := ctx.Session.(TemporarySession); !ok {
		return sql.ErrTemporaryTableNotSupported.New()
	}
	return db.temporaryView().CreateTable(ctx, name, schema, collation, "")
}

// GetAllTemporaryTables implements sql.TemporaryTableDatabase: the session's temporary
// tables of db.
func (db *Database) GetAllTemporaryTables(ctx *sql.Context) ([]sql.Table, error) {
	root, ok := db.temporaryRoot(ctx)
	if !ok {
		return nil, nil
	}
	var out []sql.Table
	for _, n := range root.TableNames() {
		t, ok, err := db.temporaryTable(ctx, n)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, t)
		}
	}
	return out, nil
}
