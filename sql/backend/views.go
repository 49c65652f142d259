package backend

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
)

// Views are rows of SchemasTable (type 'view', fragment = the CREATE VIEW statement),
// read from and written to the session's working root: versioned, merged and rolled back
// like any other rows.

var _ sql.ViewDatabase = (*Database)(nil)

// CreateView implements sql.ViewDatabase.
func (db *Database) CreateView(ctx *sql.Context, name string, selectStatement, createViewStmt string) error {
	if createViewStmt == "" { // callers that only know the body (e.g. ALTER TABLE RENAME of a view)
		createViewStmt = "CREATE VIEW `" + strings.ReplaceAll(name, "`", "``") + "` AS " + selectStatement
	}
	f := fragment{typ: fragView, name: name, fragment: createViewStmt, sqlMode: sql.LoadSqlMode(ctx).String()}
	return db.createFragment(ctx, f, sql.ErrExistingView.New(db.name, name))
}

// DropView implements sql.ViewDatabase.
func (db *Database) DropView(ctx *sql.Context, name string) error {
	return db.dropFragment(ctx, fragView, name, sql.ErrViewDoesNotExist.New(db.name, name))
}

// GetViewDefinition implements sql.ViewDatabase.
func (db *Database) GetViewDefinition(ctx *sql.Context, name string) (sql.ViewDefinition, bool, error) {
	f, err := db.schemaFragments(ctx)
	if err != nil {
		return sql.ViewDefinition{}, false, err
	}
	v, ok := f.views[strings.ToLower(name)]
	return v, ok, nil
}

// AllViews implements sql.ViewDatabase: every view, by name.
func (db *Database) AllViews(ctx *sql.Context) ([]sql.ViewDefinition, error) {
	f, err := db.schemaFragments(ctx)
	if err != nil {
		return nil, err
	}
	return append([]sql.ViewDefinition(nil), f.viewList...), nil
}
