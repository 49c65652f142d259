package backend

import (
	"time"

	"github.com/dolthub/go-mysql-server/sql"
)

// The database collation is a row of SchemasTable: type 'collation', name 'database',
// fragment = the collation's name (e.g. "utf8mb4_0900_ai_ci"). The server default
// (sql.Collation_Default) is stored as no row at all, so CREATE DATABASE without COLLATE
// leaves the root without SchemasTable.

var _ sql.CollatedDatabase = (*Database)(nil)

// GetCollation implements sql.CollatedDatabase (the server default if none is stored or
// the session's root cannot be read).
func (db *Database) GetCollation(ctx *sql.Context) sql.CollationID {
	if f, err := db.schemaFragments(ctx); err == nil && f.collation != 0 {
		return f.collation
	}
	return sql.Collation_Default
}

// SetCollation implements sql.CollatedDatabase.
func (db *Database) SetCollation(ctx *sql.Context, c sql.CollationID) error {
	if c == sql.Collation_Unspecified {
		c = sql.Collation_Default
	}
	if c == db.GetCollation(ctx) {
		return nil
	}
	return db.editSchemas(ctx, func(se *schemaEditor) error {
		if c == sql.Collation_Default {
			return se.delete(fragCollation, collationRowName)
		}
		f := fragment{typ: fragCollation, name: collationRowName, fragment: c.Name(), extra: newExtra(creationTime(time.Time{}))}
		return se.put(f)
	})
}
