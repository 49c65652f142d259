package backend

import (
	"sync"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
)

// DefaultCollation is the collation of a database created without COLLATE or CHARACTER
// SET (dsql init, CREATE DATABASE db), and so of its tables and columns created without
// one: MySQL 8's default for utf8mb4, utf8mb4_0900_ai_ci (case- and accent-insensitive,
// NO PAD). GMS's own default, sql.Collation_Default, is utf8mb4_0900_bin.
const DefaultCollation = sql.Collation_utf8mb4_0900_ai_ci

// The database collation is a row of SchemasTable: type 'collation', name 'database',
// fragment = the collation's name (e.g. "utf8mb4_0900_bin"). DefaultCollation is stored
// as no row at all, so a repository made by dsql init or by CREATE DATABASE without
// COLLATE has no SchemasTable, and its root is the same as before DefaultCollation
// existed.
//
// Before DefaultCollation, "no row" meant GMS's default utf8mb4_0900_bin. A repository
// made then without COLLATE now reads as utf8mb4_0900_ai_ci: its existing tables and
// columns keep the collation each stores (utf8mb4_0900_bin), only tables created later
// without COLLATE get utf8mb4_0900_ai_ci. ALTER DATABASE db COLLATE utf8mb4_0900_bin
// (which stores a row) keeps new tables binary too. The alternative, "no row" still
// meaning utf8mb4_0900_bin and a row for every new repository, would give every new
// repository a SchemasTable and a root unlike every older one's, for a difference only
// new tables of old repositories can see.

var _ sql.CollatedDatabase = (*Database)(nil)

// GetCollation implements sql.CollatedDatabase (DefaultCollation if none is stored or
// the session's root cannot be read).
func (db *Database) GetCollation(ctx *sql.Context) sql.CollationID {
	if f, err := db.schemaFragments(ctx); err == nil && f.collation != 0 {
		return f.collation
	}
	return DefaultCollation
}

// SetCollation implements sql.CollatedDatabase (Collation_Unspecified means
// DefaultCollation).
func (db *Database) SetCollation(ctx *sql.Context, c sql.CollationID) error {
	if c == sql.Collation_Unspecified {
		c = DefaultCollation
	}
	if c == db.GetCollation(ctx) {
		return nil
	}
	return db.editSchemas(ctx, func(se *schemaEditor) error {
		if c == DefaultCollation {
			return se.delete(fragCollation, collationRowName)
		}
		f := fragment{typ: fragCollation, name: collationRowName, fragment: c.Name(), extra: newExtra(creationTime(time.Time{}))}
		return se.put(f)
	})
}

// serverCollationVariables are the GMS system variables whose default setServerCollation
// changes from GMS's sql.Collation_Default to DefaultCollation (and its character set).
var serverCollationVariables = map[string]string{
	"collation_server":     DefaultCollation.Name(),
	"collation_database":   DefaultCollation.Name(),
	"character_set_server": DefaultCollation.CharacterSet().Name(),
}

var setServerCollationOnce sync.Once

// setServerCollation makes DefaultCollation the default (and the global value) of
// @@collation_server, @@collation_database and @@character_set_server, as in MySQL 8.
// GMS's CREATE DATABASE without COLLATE or CHARACTER SET takes @@collation_server, so a
// database made that way gets DefaultCollation (and no collation row). The variables are
// global to the process; the first NewProvider sets them, once, so a later provider does
// not undo a SET GLOBAL. Sessions made before the call keep their values.
func setServerCollation() {
	setServerCollationOnce.Do(func() {
		if sql.SystemVariables == nil {
			return
		}
		var vars []sql.SystemVariable
		for name, def := range serverCollationVariables {
			sv, _, ok := sql.SystemVariables.GetGlobal(name)
			if !ok {
				continue
			}
			msv, ok := sv.(*sql.MysqlSystemVariable)
			if !ok {
				continue
			}
			cp := *msv
			cp.Default = def
			vars = append(vars, &cp)
		}
		sql.SystemVariables.AddSystemVariables(vars)
	})
}
