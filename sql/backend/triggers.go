package backend

import (
	"fmt"

	"github.com/dolthub/go-mysql-server/sql"
)

// Triggers are rows of SchemasTable (type 'trigger', fragment = the CREATE TRIGGER
// statement). GetTriggers returns them in creation order (extra's created_us, then
// name), which is the order GMS fires triggers without FOLLOWS/PRECEDES.

var _ sql.TriggerDatabase = (*Database)(nil)

// GetTriggers implements sql.TriggerDatabase.
func (db *Database) GetTriggers(ctx *sql.Context) ([]sql.TriggerDefinition, error) {
	f, err := db.schemaFragments(ctx)
	if err != nil {
		return nil, err
	}
	return append([]sql.TriggerDefinition(nil), f.triggers...), nil
}

// CreateTrigger implements sql.TriggerDatabase. def.CreatedAt is replaced by the
// database's own creation time (see creationTime).
func (db *Database) CreateTrigger(ctx *sql.Context, def sql.TriggerDefinition) error {
	mode := def.SqlMode
	if mode == "" {
		mode = sql.LoadSqlMode(ctx).String()
	}
	f := fragment{typ: fragTrigger, name: def.Name, fragment: def.CreateStatement, sqlMode: mode}
	return db.createFragment(ctx, f, fmt.Errorf("trigger %q already exists", def.Name))
}

// DropTrigger implements sql.TriggerDatabase.
func (db *Database) DropTrigger(ctx *sql.Context, name string) error {
	return db.dropFragment(ctx, fragTrigger, name, sql.ErrTriggerDoesNotExist.New(name))
}
