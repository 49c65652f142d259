package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/vitess/go/mysql"
)

// REPLACE fires the DELETE triggers of the rows it removes, as MySQL does.
//
// MySQL (sql_insert.cc, write_record; MariaDB shares it) runs a REPLACE of one row as: the
// BEFORE INSERT triggers; the write, and for each row it collides with (by the primary
// key or a UNIQUE key) the BEFORE DELETE triggers, the delete, the AFTER DELETE triggers,
// and the write again; then the AFTER INSERT triggers. No UPDATE trigger fires. So t (id
// PRIMARY KEY, u UNIQUE) holding (2, 20) and (3, 30), REPLACE INTO t VALUES (2, 30) fires
// BI(2, 30), BD(2, 20), AD(2, 20), BD(3, 30), AD(3, 30), AI(2, 30). A DELETE trigger that
// writes the REPLACE's own table fails with 1442 when it would fire (not when no row
// collides); a failing trigger fails the statement, which then changes nothing.
//
// GMS fires only the INSERT triggers, and its AFTER INSERT triggers of a REPLACE read the
// wrong half of the row its insert iterator returns (the deleted row, then the new one):
// new.id is the deleted row's id, or NULL.
//
// replaceCountRule (replacecount.go) handles the REPLACE that is a statement's root, alone
// or under its AFTER INSERT trigger executors:
//
//   - deleteTriggersOf builds a DELETE of the target table and runs GMS's applyTriggers
//     over it, which analyzes the table's DELETE triggers with the row in scope as OLD,
//     and keeps the trigger executors it made, in firing order (replaceTriggers);
//   - newHalf puts a projection of the new row between the innermost AFTER INSERT
//     executor and the REPLACE;
//   - the statement's trigger flag is set, so that GMS rolls the session back to the
//     savepoint it takes before the statement if anything fails (trigger bodies end their
//     own statements and so apply the edit set mid-statement).
//
// The table editor's Delete asks the statement's replaceCount whether a delete is the
// REPLACE's own (the one after a failed insert) and if so fires the triggers around it
// (fireDelete). A REPLACE in a trigger or procedure body keeps GMS's behaviour.

// replaceTriggers are the DELETE triggers of a REPLACE's target table. Not safe for
// concurrent use; built per statement.
type replaceTriggers struct {
	before, after []*plan.TriggerExecutor // in firing order; Left is replaced by the row
	table         string
	// inUse: a DELETE trigger writes the target table; the error is returned when a delete
	// would fire the triggers (MySQL's 1442).
	inUse bool
}

// deleteTriggersOf returns the DELETE triggers of t, the target of ii, or nil if it has
// none.
func deleteTriggersOf(ctx *sql.Context, a *analyzer.Analyzer, ii *plan.InsertInto, t *Table) (*replaceTriggers, error) {
	apply := applyTriggersRule()
	if apply == nil {
		return nil, nil
	}
	rt := plan.NewResolvedTable(t, ii.Database(), nil)
	del := plan.NewDeleteFrom(rt, []sql.Node{rt}, false)
	qf := &sql.QueryFlags{}
	qf.Set(sql.QFlagDelete)
	out, _, err := apply(ctx, a, del, nil, analyzer.DefaultRuleSelector, qf)
	if sql.ErrTriggerTableInUse.Is(err) {
		return &replaceTriggers{table: t.Name(), inUse: true}, nil
	}
	if err != nil {
		return nil, err
	}
	rtg := &replaceTriggers{table: t.Name()}
	// After triggers wrap the DeleteFrom, the first to fire innermost; before triggers
	// wrap its child, likewise.
	for n := out; ; {
		if te, ok := n.(*plan.TriggerExecutor); ok {
			rtg.after = append(rtg.after, te)
			n = te.Left()
			continue
		}
		d, ok := n.(*plan.DeleteFrom)
		if !ok {
			return nil, nil
		}
		for c := d.Child; ; {
			te, ok := c.(*plan.TriggerExecutor)
			if !ok {
				break
			}
			rtg.before = append(rtg.before, te)
			c = te.Left()
		}
		break
	}
	if len(rtg.before)+len(rtg.after) == 0 {
		return nil, nil
	}
	reverse(rtg.before)
	reverse(rtg.after)
	return rtg, nil
}

func reverse(s []*plan.TriggerExecutor) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// applyTriggersRule returns GMS's applyTriggers rule, or nil.
func applyTriggersRule() analyzer.RuleFunc {
	for _, r := range analyzer.OnceAfterAll {
		if r.Id.String() == "applyTriggers" {
			return r.Apply
		}
	}
	return nil
}

// errTriggerTableInUse is MySQL's ER_CANT_UPDATE_USED_TABLE_IN_SF_OR_TRG for a DELETE
// trigger of table that writes table, fired by a REPLACE into it.
func errTriggerTableInUse(table string) error {
	return mysql.NewSQLError(1442, "HY000", "Can't update table '%s' in stored function/trigger because it is already used by statement which invoked this stored function/trigger; "+
		"a DELETE trigger of %s fires for each row a REPLACE into %s removes, so it must not write %s: change the trigger or use INSERT ... ON DUPLICATE KEY UPDATE",
		table, table, table, table)
}

// fire runs the triggers of times (before or after) for the deleted row, with b.
func (r *replaceTriggers) fire(ctx *sql.Context, b sql.NodeExecBuilder, execs []*plan.TriggerExecutor, row sql.Row) error {
	if r.inUse {
		return errTriggerTableInUse(r.table)
	}
	for _, te := range execs {
		n := plan.NewTriggerExecutor(&deletedRow{row: row}, te.Right(), te.TriggerEvent, te.TriggerTime, te.TriggerDefinition)
		it, err := b.Build(ctx, n, nil)
		if err != nil {
			return err
		}
		_, err = it.Next(ctx)
		if cerr := it.Close(ctx); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// deletedRow is the row a REPLACE deletes, the left child of a DELETE trigger's executor.
type deletedRow struct {
	row sql.Row
}

var (
	_ sql.Node            = (*deletedRow)(nil)
	_ sql.ExecBuilderNode = (*deletedRow)(nil)
)

func (d *deletedRow) Resolved() bool                 { return true }
func (d *deletedRow) IsReadOnly() bool               { return true }
func (d *deletedRow) String() string                 { return "ReplacedRow" }
func (d *deletedRow) Schema(*sql.Context) sql.Schema { return nil }
func (d *deletedRow) Children() []sql.Node           { return nil }

func (d *deletedRow) WithChildren(_ *sql.Context, children ...sql.Node) (sql.Node, error) {
	if len(children) != 0 {
		return nil, sql.ErrInvalidChildrenNumber.New(d, len(children), 0)
	}
	return d, nil
}

// BuildRowIter implements sql.ExecBuilderNode: the row, once.
func (d *deletedRow) BuildRowIter(*sql.Context, sql.NodeExecBuilder, sql.Row) (sql.RowIter, error) {
	return sql.RowsToRowIter(d.row), nil
}

// replaceOf returns the REPLACE under n (n itself, or under AFTER INSERT trigger
// executors and newHalf's projection), or nil.
func replaceOf(n sql.Node) *plan.InsertInto {
	for {
		switch x := n.(type) {
		case *plan.InsertInto:
			if !x.IsReplace {
				return nil
			}
			return x
		case *plan.TriggerExecutor:
			if x.TriggerEvent != plan.InsertTrigger || x.TriggerTime != plan.AfterTrigger {
				return nil
			}
			n = x.Left()
		case *plan.Project:
			n = x.Child
		default:
			return nil
		}
	}
}

// newHalf puts a projection of the new row (the second half of the rows a REPLACE's
// insert iterator returns) between the innermost AFTER INSERT trigger executor of n and
// the REPLACE ii under it. GMS's accumulator finds the insert iterator through a
// projection's iterator.
func newHalf(ctx *sql.Context, n sql.Node, ii *plan.InsertInto) (sql.Node, error) {
	te, ok := n.(*plan.TriggerExecutor)
	if !ok {
		return n, nil
	}
	if te.Left() != sql.Node(ii) {
		left, err := newHalf(ctx, te.Left(), ii)
		if err != nil {
			return nil, err
		}
		return te.WithChildren(ctx, left, te.Right())
	}
	sch := ii.Destination.Schema(ctx)
	exprs := make([]sql.Expression, len(sch))
	for i, c := range sch {
		exprs[i] = expression.NewGetFieldWithTable(len(sch)+i, 0, c.Type, c.DatabaseSource, c.Source, c.Name, c.Nullable)
	}
	return te.WithChildren(ctx, plan.NewProject(ctx, exprs, ii), te.Right())
}
