package backend

import (
	"strings"
	"sync"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/transform"
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

// @@collation_database and @@character_set_database without a current database.
//
// MySQL gives them, when no database is current, the values of @@collation_server and
// @@character_set_server (utf8mb4_0900_ai_ci and utf8mb4 by default). GMS's plan
// builder fixes, in each reference to them, the collation they report: the current
// database's, or GMS's default utf8mb4_0900_bin when there is none. dbCollationBuilder,
// a priority builder of the exec builder (InstallDatabaseCollationVars), gives such a
// reference the session's @@collation_server when the node that holds it is built with
// no current database. (An analyzer rule would miss the plain SELECT @@collation_database:
// GMS runs simple SELECTs through a short list of rules of its own.) With a current
// database nothing changes. Tests: server TestCollationDatabaseVariable.

// InstallDatabaseCollationVars installs dbCollationBuilder as the priority builder of
// a's exec builder (ahead of those installed before it); server.NewEngine and the
// enginetest harness call it.
func InstallDatabaseCollationVars(a *analyzer.Analyzer) {
	b := a.ExecBuilder
	if _, done := b.PriorityBuilder.(dbCollationBuilder); done {
		return
	}
	b.PriorityBuilder = dbCollationBuilder{base: b, next: b.PriorityBuilder}
}

// dbCollationBuilder is a priority builder of the exec builder (see above).
type dbCollationBuilder struct {
	base sql.NodeExecBuilder // the builder it is the priority builder of
	next sql.NodeExecBuilder // the priority builder before it (nil: none)
}

var _ sql.NodeExecBuilder = dbCollationBuilder{}

// Build implements sql.NodeExecBuilder.
func (b dbCollationBuilder) Build(ctx *sql.Context, n sql.Node, row sql.Row) (sql.RowIter, error) {
	if ctx.GetCurrentDatabase() == "" {
		if nn, changed, err := withServerCollation(ctx, n); err != nil {
			return nil, err
		} else if changed {
			return b.base.Build(ctx, nn, row) // the references in nn no longer match
		}
	}
	if b.next == nil {
		return nil, nil
	}
	return b.next.Build(ctx, n, row)
}

// withServerCollation returns n with its references to the session's
// @@collation_database and @@character_set_database that report GMS's default (no
// database was current when they were planned) reporting the session's
// @@collation_server instead, and whether any changed. Only n's own expressions are
// looked at: its children are built, and so seen, on their own.
func withServerCollation(ctx *sql.Context, n sql.Node) (sql.Node, bool, error) {
	ex, ok := n.(sql.Expressioner)
	if !ok {
		return n, false, nil
	}
	found := false
	for _, e := range ex.Expressions() {
		if transform.InspectExpr(ctx, e, func(ctx *sql.Context, e sql.Expression) bool {
			v, ok := e.(*expression.SystemVar)
			return ok && isDatabaseCollationVar(v)
		}) {
			found = true
			break
		}
	}
	if !found {
		return n, false, nil
	}
	server := serverCollation(ctx)
	if server == sql.Collation_Default {
		return n, false, nil
	}
	nn, same, err := transform.OneNodeExpressions(ctx, n, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
		v, ok := e.(*expression.SystemVar)
		if !ok || !isDatabaseCollationVar(v) {
			return e, transform.SameTree, nil
		}
		nv := *v
		nv.Collation = server
		return &nv, transform.NewTree, nil
	})
	return nn, !bool(same), err
}

// isDatabaseCollationVar reports whether v is a reference to the session's
// @@collation_database or @@character_set_database (whose value GMS takes from
// v.Collation) planned with no current database (so with GMS's default collation).
func isDatabaseCollationVar(v *expression.SystemVar) bool {
	if v.Collation != sql.Collation_Default || v.Scope == nil || v.Scope.IsGlobalOnly() {
		return false
	}
	return strings.EqualFold(v.Name, "collation_database") || strings.EqualFold(v.Name, "character_set_database")
}

// serverCollation is the session's @@collation_server (DefaultCollation if unreadable).
func serverCollation(ctx *sql.Context) sql.CollationID {
	v, err := ctx.GetSessionVariable(ctx, "collation_server")
	if err != nil {
		return DefaultCollation
	}
	name, ok := v.(string)
	if !ok {
		return DefaultCollation
	}
	c, err := sql.ParseCollation("", name, false)
	if err != nil {
		return DefaultCollation
	}
	return c
}
