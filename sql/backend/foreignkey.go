package backend

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
)

// Foreign keys.
//
// Definitions live in the Root (repo.Root.ForeignKeys), so they are versioned, merged and
// persisted with the tables. GMS enforces them: it plans the referential checks and
// actions (CASCADE, SET NULL, RESTRICT) using the tables' indexes and the editors returned
// by GetForeignKeyEditor; this file only stores definitions and converts them.
//
// What a repo.ForeignKey does not hold, and how it is handled:
//   - Database / ParentDatabase: a foreign key always refers to a table of its own
//     database; cross-database foreign keys are refused.
//   - IsResolved is stored (repo.ForeignKey.Unresolved, negated). GMS creates a foreign
//     key unresolved when foreign_key_checks=0 (CREATE TABLE, ALTER TABLE ADD); the first
//     INSERT, UPDATE, REPLACE or DELETE that uses it with checks on resolves it: GMS checks
//     the parent table, its columns and index, and every existing child row (refusing the
//     statement with ErrForeignKeyNotResolved if one has no parent row), then calls
//     UpdateForeignKey with IsResolved set, which stores it resolved in the session's
//     root. Keys stored before the flag existed read as resolved.
//   - MatchType: only MATCH SIMPLE (the default) is supported.
//   - IsNotValid (a PostgreSQL notion): not stored.

var _ sql.ForeignKeyTable = (*Table)(nil)

var fkActionsToRepo = map[sql.ForeignKeyReferentialAction]repo.FKAction{
	sql.ForeignKeyReferentialAction_DefaultAction: repo.FKDefault,
	sql.ForeignKeyReferentialAction_Restrict:      repo.FKRestrict,
	sql.ForeignKeyReferentialAction_Cascade:       repo.FKCascade,
	sql.ForeignKeyReferentialAction_SetNull:       repo.FKSetNull,
	sql.ForeignKeyReferentialAction_NoAction:      repo.FKNoAction,
	sql.ForeignKeyReferentialAction_SetDefault:    repo.FKSetDefault,
}

func fkActionToRepo(a sql.ForeignKeyReferentialAction) (repo.FKAction, error) {
	if a == "" {
		return repo.FKDefault, nil
	}
	r, ok := fkActionsToRepo[sql.ForeignKeyReferentialAction(strings.ToUpper(string(a)))]
	if !ok {
		return 0, sql.ErrUnsupportedFeature.New("foreign key referential action " + string(a))
	}
	return r, nil
}

func fkActionToGMS(a repo.FKAction) sql.ForeignKeyReferentialAction {
	for k, v := range fkActionsToRepo {
		if v == a {
			return k
		}
	}
	return sql.ForeignKeyReferentialAction_DefaultAction
}

// fkToRepo converts a GMS foreign key of database db to its stored form.
func fkToRepo(db string, fk sql.ForeignKeyConstraint) (repo.ForeignKey, error) {
	if fk.Database != "" && !strings.EqualFold(fk.Database, db) ||
		fk.ParentDatabase != "" && !strings.EqualFold(fk.ParentDatabase, db) {
		return repo.ForeignKey{}, sql.ErrUnsupportedFeature.New("foreign keys across databases")
	}
	if fk.MatchType != sql.ForeignKeyMatchType_Simple {
		return repo.ForeignKey{}, sql.ErrUnsupportedFeature.New("foreign keys with MATCH FULL or MATCH PARTIAL")
	}
	onUpdate, err := fkActionToRepo(fk.OnUpdate)
	if err != nil {
		return repo.ForeignKey{}, err
	}
	onDelete, err := fkActionToRepo(fk.OnDelete)
	if err != nil {
		return repo.ForeignKey{}, err
	}
	return repo.ForeignKey{
		Name:          fk.Name,
		Table:         fk.Table,
		Columns:       append([]string(nil), fk.Columns...),
		ParentTable:   fk.ParentTable,
		ParentColumns: append([]string(nil), fk.ParentColumns...),
		OnUpdate:      onUpdate,
		OnDelete:      onDelete,
		Unresolved:    !fk.IsResolved,
	}, nil
}

// fkToGMS converts a stored foreign key of database db to GMS's form.
func fkToGMS(db string, fk repo.ForeignKey) sql.ForeignKeyConstraint {
	return sql.ForeignKeyConstraint{
		Name:           fk.Name,
		Database:       db,
		Table:          fk.Table,
		Columns:        append([]string(nil), fk.Columns...),
		ParentDatabase: db,
		ParentTable:    fk.ParentTable,
		ParentColumns:  append([]string(nil), fk.ParentColumns...),
		OnUpdate:       fkActionToGMS(fk.OnUpdate),
		OnDelete:       fkActionToGMS(fk.OnDelete),
		IsResolved:     !fk.Unresolved,
	}
}

// foreignKeys returns the foreign keys of the session's root that keep returns true for.
func (t *Table) foreignKeys(ctx *sql.Context, keep func(repo.ForeignKey) bool) ([]sql.ForeignKeyConstraint, error) {
	_, root, err := t.db.root(ctx)
	if err != nil {
		return nil, err
	}
	var out []sql.ForeignKeyConstraint
	for _, fk := range root.ForeignKeys() {
		if keep(fk) {
			out = append(out, fkToGMS(t.db.name, fk))
		}
	}
	return out, nil
}

// GetDeclaredForeignKeys implements sql.ForeignKeyTable: the foreign keys of this table
// (as the child), sorted by name.
func (t *Table) GetDeclaredForeignKeys(ctx *sql.Context) ([]sql.ForeignKeyConstraint, error) {
	return t.foreignKeys(ctx, func(fk repo.ForeignKey) bool { return strings.EqualFold(fk.Table, t.meta.name) })
}

// GetReferencedForeignKeys implements sql.ForeignKeyTable: the foreign keys whose parent
// is this table (self-references included).
func (t *Table) GetReferencedForeignKeys(ctx *sql.Context) ([]sql.ForeignKeyConstraint, error) {
	return t.foreignKeys(ctx, func(fk repo.ForeignKey) bool { return strings.EqualFold(fk.ParentTable, t.meta.name) })
}

// putForeignKey stores fk in the session's root, after removing the foreign key named
// replace (if not ""). A name used by another foreign key of the database is
// sql.ErrForeignKeyDuplicateName (MySQL's names are unique per database).
func (t *Table) putForeignKey(ctx *sql.Context, replace string, fk sql.ForeignKeyConstraint) error {
	s, root, err := t.db.root(ctx)
	if err != nil {
		return err
	}
	rfk, err := fkToRepo(t.db.name, fk)
	if err != nil {
		return err
	}
	if replace != "" {
		if _, ok := root.ForeignKey(replace); !ok {
			return sql.ErrForeignKeyNotFound.New(replace, t.meta.name)
		}
		if root, err = root.RemoveForeignKey(ctx, replace); err != nil {
			return err
		}
	}
	if _, dup := root.ForeignKey(rfk.Name); dup {
		return sql.ErrForeignKeyDuplicateName.New(rfk.Name)
	}
	if root, err = root.PutForeignKey(ctx, rfk); err != nil {
		return err
	}
	return s.SetWorkingRoot(ctx, t.db, root)
}

// AddForeignKey implements sql.ForeignKeyTable.
func (t *Table) AddForeignKey(ctx *sql.Context, fk sql.ForeignKeyConstraint) error {
	return t.putForeignKey(ctx, "", fk)
}

// UpdateForeignKey implements sql.ForeignKeyTable: the foreign key named fkName is
// replaced by fk (GMS resolves a key this way, see above).
func (t *Table) UpdateForeignKey(ctx *sql.Context, fkName string, fk sql.ForeignKeyConstraint) error {
	return t.putForeignKey(ctx, fkName, fk)
}

// DropForeignKey implements sql.ForeignKeyTable.
func (t *Table) DropForeignKey(ctx *sql.Context, fkName, tableName, _ string) error {
	s, root, err := t.db.root(ctx)
	if err != nil {
		return err
	}
	if tableName == "" {
		tableName = t.meta.name
	}
	fk, ok := root.ForeignKey(fkName)
	if !ok || !strings.EqualFold(fk.Table, tableName) {
		return sql.ErrForeignKeyNotFound.New(fkName, tableName)
	}
	if root, err = root.RemoveForeignKey(ctx, fkName); err != nil {
		return err
	}
	return s.SetWorkingRoot(ctx, t.db, root)
}

// CreateIndexForForeignKey implements sql.ForeignKeyTable: an ordinary secondary index.
func (t *Table) CreateIndexForForeignKey(ctx *sql.Context, def sql.IndexDef) error {
	return t.CreateIndex(ctx, def)
}

// GetForeignKeyEditor implements sql.ForeignKeyTable (foreignkey_editor.go).
func (t *Table) GetForeignKeyEditor(*sql.Context) sql.ForeignKeyEditor {
	return &fkEditor{tableEditor: &tableEditor{t: t}}
}
