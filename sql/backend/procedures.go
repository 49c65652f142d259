package backend

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
)

// Stored procedures are rows of SchemasTable (type 'procedure', fragment = the CREATE
// PROCEDURE statement; extra also holds modified_us). Dolt keeps them in a separate
// dolt_procedures table; dsql keeps every schema object in one table.

var _ sql.StoredProcedureDatabase = (*Database)(nil)

// GetStoredProcedure implements sql.StoredProcedureDatabase.
func (db *Database) GetStoredProcedure(ctx *sql.Context, name string) (sql.StoredProcedureDetails, bool, error) {
	f, err := db.schemaFragments(ctx)
	if err != nil {
		return sql.StoredProcedureDetails{}, false, err
	}
	p, ok := f.procs[strings.ToLower(name)]
	return p, ok, nil
}

// GetStoredProcedures implements sql.StoredProcedureDatabase: every procedure, by name.
func (db *Database) GetStoredProcedures(ctx *sql.Context) ([]sql.StoredProcedureDetails, error) {
	f, err := db.schemaFragments(ctx)
	if err != nil {
		return nil, err
	}
	return append([]sql.StoredProcedureDetails(nil), f.procList...), nil
}

// SaveStoredProcedure implements sql.StoredProcedureDatabase.
func (db *Database) SaveStoredProcedure(ctx *sql.Context, spd sql.StoredProcedureDetails) error {
	mode := spd.SqlMode
	if mode == "" {
		mode = sql.LoadSqlMode(ctx).String()
	}
	f := fragment{typ: fragProcedure, name: spd.Name, fragment: spd.CreateStatement, sqlMode: mode}
	return db.createFragment(ctx, f, sql.ErrStoredProcedureAlreadyExists.New(spd.Name))
}

// DropStoredProcedure implements sql.StoredProcedureDatabase.
func (db *Database) DropStoredProcedure(ctx *sql.Context, name string) error {
	return db.dropFragment(ctx, fragProcedure, name, sql.ErrStoredProcedureDoesNotExist.New(name))
}
