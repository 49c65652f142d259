package server

import (
	"fmt"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"

	"github.com/dsqldb/dsql/sql/backend"
)

// SHOW CREATE TABLE prints what MySQL 8 prints (see also docs/compatibility.md):
//
//   - a column is laid out in MySQL 8's order and with its clauses (schemaFormatter);
//   - an ENUM or SET default is its value, not GMS's index or bitmask
//     (fixShowCreateEnumDefaults).

// schemaFormatter is the engine's sql.SchemaFormatter: GMS's MySQL formatter, except
// for the definition of a column in SHOW CREATE TABLE, which is MySQL 8's
// (columnDefinition).
type schemaFormatter struct {
	*sql.MySqlSchemaFormatter
}

var _ sql.SchemaFormatter = schemaFormatter{}

// GenerateCreateTableColumnDefinition implements sql.SchemaFormatter.
func (f schemaFormatter) GenerateCreateTableColumnDefinition(col *sql.Column, colDefault, onUpdate string, tableCollation sql.CollationID) string {
	return f.columnDefinition(col, colDefault, onUpdate, tableCollation)
}

// columnDefinition is the line of col in SHOW CREATE TABLE, as MySQL 8 writes it
// (sql_show.cc, store_create_info): name, type (with CHARACTER SET and COLLATE when
// they differ from the table's), GENERATED ALWAYS AS (expr) VIRTUAL or STORED, NOT NULL
// (NULL for a nullable TIMESTAMP), SRID, DEFAULT, ON UPDATE, AUTO_INCREMENT, COMMENT.
// colDefault and onUpdate are the texts GMS made of col's default and ON UPDATE
// expression ("" for none).
//
// GMS's own formatter printed nothing for a nullable column without a default, where
// MySQL prints DEFAULT NULL (JSON and spatial columns included), but for BLOB and TEXT
// columns (MySQL prints none for them, even when declared DEFAULT NULL) and for
// AUTO_INCREMENT and generated columns. It omitted VIRTUAL, the default kind of
// generated column, and the NULL of a nullable TIMESTAMP, which MySQL prints. And it
// wrote NOT NULL before GENERATED ALWAYS AS and AUTO_INCREMENT before DEFAULT. Since
// dsql stores DEFAULT NULL as no default (backend storedDefault), both declarations of
// a nullable column print the same.
func (f schemaFormatter) columnDefinition(col *sql.Column, colDefault, onUpdate string, tableCollation sql.CollationID) string {
	var b strings.Builder
	b.WriteString("  ")
	b.WriteString(f.QuoteIdentifier(col.Name))
	b.WriteByte(' ')
	if ct, ok := col.Type.(sql.TypeWithCollation); ok {
		b.WriteString(ct.StringWithTableCollation(tableCollation))
	} else {
		b.WriteString(col.Type.String())
	}
	if col.Generated != nil {
		b.WriteString(" GENERATED ALWAYS AS ")
		b.WriteString(col.Generated.String())
		if col.Virtual {
			b.WriteString(" VIRTUAL")
		} else {
			b.WriteString(" STORED")
		}
	}
	switch {
	case !col.Nullable:
		b.WriteString(" NOT NULL")
	case types.IsTimestampType(col.Type):
		// MySQL spells it out: with explicit_defaults_for_timestamp off, a TIMESTAMP
		// is NOT NULL unless declared NULL.
		b.WriteString(" NULL")
	}
	if c, ok := col.Type.(sql.SpatialColumnType); ok {
		if srid, defined := c.GetSpatialTypeSRID(); defined {
			fmt.Fprintf(&b, " /*!80003 SRID %v */", srid)
		}
	}
	if def := columnDefaultText(col, colDefault); def != "" {
		b.WriteString(" DEFAULT ")
		b.WriteString(def)
	}
	if col.OnUpdate != nil {
		b.WriteString(" ON UPDATE ")
		b.WriteString(onUpdate)
	}
	if col.AutoIncrement {
		b.WriteString(" AUTO_INCREMENT")
	}
	if col.Comment != "" {
		b.WriteString(" COMMENT '")
		b.WriteString(sql.EscapeSpecialCharactersInComment(col.Comment))
		b.WriteByte('\'')
	}
	return b.String()
}

// columnDefaultText is what SHOW CREATE TABLE prints after DEFAULT for col ("": no
// DEFAULT clause). colDefault is GMS's text of col's default.
func columnDefaultText(col *sql.Column, colDefault string) string {
	if col.Generated != nil || col.AutoIncrement {
		return ""
	}
	if backend.IsBlobOrText(col.Type) {
		if col.Default == nil || strings.EqualFold(colDefault, "NULL") {
			return ""
		}
		return colDefault
	}
	if col.Default == nil {
		if col.Nullable {
			return "NULL"
		}
		return ""
	}
	return colDefault
}

// enumDefaultsRuleID names the analyzer rule added by fixShowCreateEnumDefaults (any id
// GMS does not use).
const enumDefaultsRuleID analyzer.RuleId = 1_000_001

// fixShowCreateEnumDefaults adds to a's last batch a rule that makes SHOW CREATE TABLE
// print the default of an ENUM or SET column as its value (DEFAULT 'new'), as MySQL does.
//
// GMS prints a literal default by converting it to the column's type and quoting the
// result (rowexec convertColumnDefaultToString), which for ENUM and SET is the internal
// value: the member's index (DEFAULT '1') or the set's bitmask, which neither MySQL nor
// MariaDB accepts back, so a dump could not be loaded. The rule replaces, in the
// ShowCreateTable node only, such a default by a text literal of its value; the table's
// schema and every other use of the default (inserts, information_schema) are untouched.
func fixShowCreateEnumDefaults(a *analyzer.Analyzer) {
	last := a.Batches[len(a.Batches)-1]
	rules := append([]analyzer.Rule(nil), last.Rules...) // the slice may be shared
	last.Rules = append(rules, analyzer.Rule{Id: enumDefaultsRuleID, Apply: showCreateEnumDefaults})
}

func showCreateEnumDefaults(ctx *sql.Context, _ *analyzer.Analyzer, n sql.Node, _ *plan.Scope, _ analyzer.RuleSelector, _ *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
	sc, ok := n.(*plan.ShowCreateTable)
	if !ok || sc.IsView {
		return n, transform.SameTree, nil
	}
	target := sc.TargetSchema()
	var sch sql.Schema // copy of target, made at the first change
	for i, col := range target {
		def, err := enumDefaultAsText(ctx, col)
		if err != nil {
			return nil, transform.SameTree, err
		}
		if def == nil {
			continue
		}
		if sch == nil {
			sch = append(sql.Schema(nil), target...)
		}
		c := *col
		c.Default = def
		sch[i] = &c
	}
	if sch == nil {
		return n, transform.SameTree, nil
	}
	out, err := sc.WithTargetSchema(sch)
	if err != nil {
		return nil, transform.SameTree, err
	}
	return out, transform.NewTree, nil
}

// enumDefaultAsText returns the literal default of col, an ENUM or SET column, as a
// default whose expression is the text of its value (a member's name, or the set's
// members joined by commas); nil if col is of another type or has no literal default.
func enumDefaultAsText(ctx *sql.Context, col *sql.Column) (*sql.ColumnDefaultValue, error) {
	def := col.Default
	if def == nil || !def.IsLiteral() || col.Generated != nil || !def.Resolved() {
		return nil, nil
	}
	enumType, isEnum := col.Type.(sql.EnumType)
	setType, isSet := col.Type.(sql.SetType)
	if !isEnum && !isSet {
		return nil, nil
	}
	switch def.Type(ctx).(type) {
	case sql.EnumType, sql.SetType:
	default:
		return nil, nil // not converted to the column's type: GMS prints it as it is
	}
	v, err := def.Eval(ctx, nil)
	if err != nil || v == nil {
		return nil, nil // GMS prints NULL, or reports the error itself
	}
	var text string
	switch {
	case isEnum:
		idx, ok := toUint64(v)
		if !ok {
			return nil, nil
		}
		s, ok := enumType.At(int(idx))
		if !ok {
			return nil, fmt.Errorf("server: default of column %s: no member %d in %s", col.Name, idx, col.Type)
		}
		text = s
	case isSet:
		bits, ok := toUint64(v)
		if !ok {
			return nil, nil
		}
		if text, err = setType.BitsToString(bits); err != nil {
			return nil, err
		}
	}
	return &sql.ColumnDefaultValue{
		Expr:          expression.NewLiteral(text, types.LongText),
		Literal:       true,
		ReturnNil:     def.ReturnNil,
		Parenthesized: def.Parenthesized,
	}, nil
}

// toUint64 returns an ENUM index or SET bitmask as a uint64.
func toUint64(v any) (uint64, bool) {
	switch x := v.(type) {
	case uint16:
		return uint64(x), true
	case uint64:
		return x, true
	case uint32:
		return uint64(x), true
	case uint8:
		return uint64(x), true
	case int:
		return uint64(x), x >= 0
	case int64:
		return uint64(x), x >= 0
	}
	return 0, false
}
