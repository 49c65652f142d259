package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// A multi-table DELETE fires the DELETE triggers of each row it deletes, once, as MySQL
// does.
//
// GMS's applyTriggers refuses a DELETE with explicit targets of which one has a trigger
// ("delete from with explicit target tables does not support triggers"). init wraps
// GMS's applyTriggers rule in OnceAfterAll (a copy) with multiDeleteTriggersRule: for a
// multi-table DELETE that is the statement's root it builds, per target, a single-table
// DELETE of the target's table and runs GMS's applyTriggers over it (which analyzes the
// table's DELETE triggers with the row in scope as OLD, and refuses a trigger that writes
// its own table with 1442), keeps the trigger executors it made (replaceTriggers, as
// REPLACE does: replacetrigger.go), and returns the multiDelete node with them. Every
// other statement goes to GMS's rule as before.
//
// deleteTarget.delete then fires, for each row it deletes, the BEFORE DELETE triggers,
// the delete and the AFTER DELETE triggers; the edit set is applied to the session's
// root before each firing, so trigger bodies read the statement's writes so far, and the
// statement's trigger flag makes GMS roll the session back to its savepoint if anything
// fails. MySQL deletes the first table's rows during the join and the others' after it,
// so with triggers on two targets its firing order across the tables can differ from
// dsql's (each join row's targets in turn); each row's triggers fire once either way.

func init() {
	rules := append([]analyzer.Rule(nil), analyzer.OnceAfterAll...)
	for i, r := range rules {
		if r.Id.String() == "applyTriggers" {
			rules[i] = analyzer.Rule{Id: r.Id, Apply: multiDeleteTriggersRule(r.Apply)}
		}
	}
	analyzer.OnceAfterAll = rules
}

// multiDeleteTriggersRule wraps GMS's applyTriggers (apply) as described above.
func multiDeleteTriggersRule(apply analyzer.RuleFunc) analyzer.RuleFunc {
	return func(ctx *sql.Context, a *analyzer.Analyzer, n sql.Node, scope *plan.Scope, sel analyzer.RuleSelector, qf *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
		d, ok := n.(*plan.DeleteFrom)
		if !ok || !isMultiDelete(d) || qf == nil {
			return apply(ctx, a, n, scope, sel, qf)
		}
		trig := make([]*replaceTriggers, len(d.GetDeleteTargets()))
		found := false
		for i, target := range d.GetDeleteTargets() {
			t := deleteTargetTable(target)
			if t == nil {
				continue
			}
			rt := plan.NewResolvedTable(t, t.db, nil)
			del := plan.NewDeleteFrom(rt, []sql.Node{rt}, false)
			tqf := &sql.QueryFlags{}
			tqf.Set(sql.QFlagDelete)
			out, _, err := apply(ctx, a, del, scope, sel, tqf)
			if err != nil {
				return nil, transform.SameTree, err
			}
			if trig[i] = triggersOfDelete(out, t.Name()); trig[i] != nil {
				found = true
			}
		}
		if !found {
			return n, transform.SameTree, nil
		}
		qf.Set(sql.QFlagTrigger) // GMS's savepoint undoes what trigger bodies applied
		return &multiDelete{del: d, trig: trig}, transform.NewTree, nil
	}
}

// triggersOfDelete returns the trigger executors GMS's applyTriggers put around and under
// a single-table DELETE (out), in firing order, or nil if there are none.
func triggersOfDelete(out sql.Node, table string) *replaceTriggers {
	rtg := &replaceTriggers{table: table}
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
			return nil
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
		return nil
	}
	reverse(rtg.before)
	reverse(rtg.after)
	return rtg
}

// deleteFiring deletes row through tg's deleter with the target's DELETE triggers around
// it (b builds the trigger bodies).
func (tg *deleteTarget) deleteFiring(ctx *sql.Context, row sql.Row) error {
	e := &tableEditor{t: tg.t}
	if err := e.flush(ctx); err != nil {
		return err
	}
	if err := tg.trig.fire(ctx, tg.b, tg.trig.before, row); err != nil {
		return err
	}
	if err := tg.d.Delete(ctx, row); err != nil {
		return err
	}
	if err := e.flush(ctx); err != nil {
		return err
	}
	return tg.trig.fire(ctx, tg.b, tg.trig.after, row)
}
