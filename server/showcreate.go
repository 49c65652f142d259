package server

import (
	"fmt"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
)

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
