package server

import (
	"fmt"
	"reflect"

	ast "github.com/dolthub/vitess/go/vt/sqlparser"
)

// GMS's checks that depend on the parser being its own.
//
// GMS's plan builder runs one check only when the engine's parser is its own MySQL
// parser (a type assertion on *sql.MysqlParser in planbuilder's
// validateOnUpdateOnDeleteRefActions, the only place GMS looks at the parser's type): a
// foreign key whose ON DELETE or ON UPDATE is SET DEFAULT is refused (sql.ErrForeignKeySetDefault)
// in CREATE TABLE and in ALTER TABLE ... ADD [CONSTRAINT] FOREIGN KEY, at the statement
// itself or, inside a stored procedure's or event's body, when that statement runs. dsql's
// engine parser is parenParser, so GMS skipped the check and created the key, whose
// SET DEFAULT GMS would then carry out (InnoDB never does). parenParser makes the check
// on every statement it returns (setDefaultCheck): such a CREATE TABLE or ALTER TABLE
// becomes a SIGNAL of MySQL's error for a foreign key InnoDB refuses, 1215 (HY000)
// "Cannot add foreign key constraint", with the table and what to use instead
// ("... on 'c': SET DEFAULT is not supported; use NO ACTION, CASCADE or SET NULL"); in a
// procedure's or event's body only that statement does, so CREATE PROCEDURE succeeds
// and CALL fails at it, as in GMS (the body is parsed again from its text at each CALL).
// The statement fails before it changes anything. (MySQL 5.7 refuses these keys with
// 1215 and MySQL's manual says InnoDB rejects them; MySQL 8.0's InnoDB and MariaDB 10.11
// accept them as NO ACTION.) A user without the privileges for the statement gets 1215
// too, not 1142: the SIGNAL needs none.

// setDefaultCheck returns stmt, or in its place (or in place of the statements of its
// stored bodies) the SIGNAL of the error above when it creates a foreign key with SET
// DEFAULT.
func setDefaultCheck(stmt ast.Statement) ast.Statement {
	switch st := stmt.(type) {
	case *ast.DDL:
		if table, ok := ownSetDefault(st); ok {
			return setDefaultSignal(table)
		}
		if st.ProcedureSpec != nil || st.EventSpec != nil || st.TriggerSpec != nil {
			replaceNestedSetDefault(reflect.ValueOf(st), map[uintptr]bool{})
		}
	case *ast.AlterTable:
		if table, ok := ownSetDefault(st); ok {
			return setDefaultSignal(table)
		}
	}
	return stmt
}

// ownSetDefault reports whether stmt itself (not a body it holds) is a CREATE TABLE or
// ALTER TABLE that defines a foreign key with SET DEFAULT, and the table's name.
func ownSetDefault(stmt ast.Statement) (string, bool) {
	switch st := stmt.(type) {
	case *ast.DDL:
		if specSetDefault(st.TableSpec) {
			return st.Table.Name.String(), true
		}
	case *ast.AlterTable:
		for _, d := range st.Statements {
			if d != nil && specSetDefault(d.TableSpec) {
				return st.Table.Name.String(), true
			}
		}
	}
	return "", false
}

// specSetDefault reports whether a table definition's constraints or columns hold a
// foreign key with SET DEFAULT.
func specSetDefault(spec *ast.TableSpec) bool {
	if spec == nil {
		return false
	}
	for _, c := range spec.Constraints {
		if c == nil {
			continue
		}
		if fk, ok := c.Details.(*ast.ForeignKeyDefinition); ok && fkSetDefault(fk) {
			return true
		}
	}
	for _, col := range spec.Columns {
		if col != nil && col.Type.ForeignKeyDef != nil && fkSetDefault(col.Type.ForeignKeyDef) {
			return true
		}
	}
	return false
}

func fkSetDefault(fk *ast.ForeignKeyDefinition) bool {
	return fk.OnDelete == ast.SetDefault || fk.OnUpdate == ast.SetDefault
}

var statementType = reflect.TypeOf((*ast.Statement)(nil)).Elem()

// replaceNestedSetDefault replaces, in the tree v points into, every Statement (a slice
// element or a struct field of that interface type) that ownSetDefault reports with the
// SIGNAL. seen holds the pointers visited (the AST is a tree; this only bounds the walk).
func replaceNestedSetDefault(v reflect.Value, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		replaceNestedSetDefault(v.Elem(), seen)
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		if v.Type() == statementType && v.CanSet() {
			if s, ok := v.Interface().(ast.Statement); ok {
				if table, found := ownSetDefault(s); found {
					v.Set(reflect.ValueOf(setDefaultSignal(table)))
					return
				}
			}
		}
		replaceNestedSetDefault(v.Elem(), seen)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				replaceNestedSetDefault(v.Field(i), seen)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			replaceNestedSetDefault(v.Index(i), seen)
		}
	}
}

// setDefaultErrno is ER_CANNOT_ADD_FOREIGN.
const setDefaultErrno = 1215

// setDefaultSignal is the SIGNAL that fails a statement creating a foreign key on table
// with SET DEFAULT (MESSAGE_TEXT holds at most 128 characters: a long table name is
// left out).
func setDefaultSignal(table string) ast.Statement {
	msg := fmt.Sprintf("Cannot add foreign key constraint on '%s': SET DEFAULT is not supported; use NO ACTION, CASCADE or SET NULL", table)
	if len(msg) > 128 {
		msg = "Cannot add foreign key constraint: SET DEFAULT is not supported; use NO ACTION, CASCADE or SET NULL"
	}
	return &ast.Signal{
		SqlStateValue: "HY000",
		Info: []ast.SignalInfo{
			{ConditionItemName: ast.SignalConditionItemName_MysqlErrno, Value: ast.NewIntVal([]byte(fmt.Sprint(setDefaultErrno)))},
			{ConditionItemName: ast.SignalConditionItemName_MessageText, Value: ast.NewStrVal([]byte(msg))},
		},
	}
}
