package backend

import (
	"io"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// A multi-table DELETE deletes each matched row once, as MySQL does.
//
// DELETE t2 FROM t1 JOIN t2 ON t2.y <= t1.id joins first and deletes from the targets
// (here t2) the rows the join produced; a t2 row that several t1 rows match is in several
// join rows. MySQL (sql_delete.cc, multi_delete) deletes it once and counts it once; rows
// of a target that a foreign key's ON DELETE CASCADE from another target already removed
// are skipped and not counted (DELETE p, c FROM p JOIN c ON c.pid = p.id with c's rows
// cascading from p counts only p's rows). GMS's deleteIter called the target's Delete for
// every join row, and the second call failed with 1105 "row was not found when
// attempting to delete"; its count was the number of join rows.
//
// multiDeleteRule, added to GMS's OnceAfterAll by init, puts every DELETE with explicit
// targets (the multi-table forms, DELETE t1, t2 FROM ... and DELETE FROM t1, t2 USING
// ...) under a multiDelete node, which runs it with multiDeleteIter instead of GMS's
// deleteIter:
//
//   - the whole join is read first, each target row noted once (by its row-map key: the
//     primary key, or for a keyless table the whole row), before anything is deleted:
//     trigger bodies and foreign key cascades may apply the edit set to the session's
//     root mid-statement, and a join still reading would see that;
//   - the noted rows are then deleted in the order first seen, each only if the statement
//     still sees it in the table;
//   - a keyless table's copies of a row are indistinguishable in the join, and every copy
//     matches the join rows any one matches, so the first sight of the row deletes every
//     copy the statement still sees (MySQL deletes each physical row);
//   - a target part whose primary key is NULL is the NULL-extended side of an outer join,
//     not a row, and is skipped;
//   - the affected-row count (and ROW_COUNT()) is the number of rows deleted;
//   - each deleted row fires its table's DELETE triggers once (multidelete_trigger.go).
//
// The deletes go through the targets' deleters as GMS's would (foreign key handlers
// included) inside GMS's TableEditorIter, so statement atomicity is unchanged: a failing
// multi-table DELETE discards every edit. A target that is not a dsql table keeps GMS's
// behaviour (every join row deletes).

const multiDeleteRuleID analyzer.RuleId = 1_000_020

// init appends multiDeleteRule to GMS's OnceAfterAll (appendOnceAfterAll).
func init() {
	appendOnceAfterAll(analyzer.Rule{Id: multiDeleteRuleID, Apply: multiDeleteRule})
}

func multiDeleteRule(ctx *sql.Context, _ *analyzer.Analyzer, n sql.Node, _ *plan.Scope, _ analyzer.RuleSelector, qf *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
	if qf != nil && !qf.IsSet(sql.QFlagDelete) {
		return n, transform.SameTree, nil
	}
	out, changed, err := wrapMultiDeletes(ctx, n)
	if err != nil || !changed {
		return n, transform.SameTree, err
	}
	return out, transform.NewTree, nil
}

// wrapMultiDeletes puts each DELETE with explicit targets in n under a multiDelete.
func wrapMultiDeletes(ctx *sql.Context, n sql.Node) (sql.Node, bool, error) {
	switch d := n.(type) {
	case *multiDelete:
		return n, false, nil
	case *plan.DeleteFrom:
		if isMultiDelete(d) {
			return &multiDelete{del: d}, true, nil
		}
		return n, false, nil
	}
	return mapChildren(ctx, n, func(_ int, c sql.Node) (sql.Node, bool, error) {
		return wrapMultiDeletes(ctx, c)
	})
}

// isMultiDelete reports whether d is a DELETE with explicit targets that multiDelete runs.
func isMultiDelete(d *plan.DeleteFrom) bool {
	return d.HasExplicitTargets() && len(d.Returning) == 0 && d.Resolved()
}

// multiDelete runs the multi-table DELETE del (see above). Its result is the OK result.
type multiDelete struct {
	del  *plan.DeleteFrom
	trig []*replaceTriggers // per target, its DELETE triggers; nil: none (multidelete_trigger.go)
}

var (
	_ sql.Node            = (*multiDelete)(nil)
	_ sql.ExecBuilderNode = (*multiDelete)(nil)
)

func (m *multiDelete) Resolved() bool                      { return m.del.Resolved() }
func (m *multiDelete) IsReadOnly() bool                    { return false }
func (m *multiDelete) String() string                      { return m.del.String() }
func (m *multiDelete) Schema(*sql.Context) sql.Schema      { return types.OkResultSchema }
func (m *multiDelete) Children() []sql.Node                { return []sql.Node{m.del} }
func (m *multiDelete) DebugString(ctx *sql.Context) string { return sql.DebugString(ctx, m.del) }

// WithChildren implements sql.Node. A child that is no longer a multi-table DELETE is
// returned as it is.
func (m *multiDelete) WithChildren(_ *sql.Context, children ...sql.Node) (sql.Node, error) {
	if len(children) != 1 {
		return nil, sql.ErrInvalidChildrenNumber.New(m, len(children), 1)
	}
	d, ok := children[0].(*plan.DeleteFrom)
	if !ok || !isMultiDelete(d) {
		return children[0], nil
	}
	return &multiDelete{del: d, trig: m.trig}, nil
}

// BuildRowIter implements sql.ExecBuilderNode: the join is built as GMS builds it, and
// the targets' deleters as GMS's buildDeleteFrom gets them.
func (m *multiDelete) BuildRowIter(ctx *sql.Context, b sql.NodeExecBuilder, row sql.Row) (sql.RowIter, error) {
	child, err := b.Build(ctx, m.del.Child, row)
	if err != nil {
		return nil, err
	}
	sch := m.del.Child.Schema(ctx)
	loop := &multiDeleteLoop{child: child, width: len(sch)}
	var editors []sql.EditOpenerCloser
	for i, target := range m.del.GetDeleteTargets() {
		tg, err := newDeleteTarget(ctx, target, sch)
		if err != nil {
			_ = child.Close(ctx)
			return nil, err
		}
		if i < len(m.trig) && tg.t != nil {
			tg.trig, tg.b = m.trig[i], b
		}
		loop.targets = append(loop.targets, tg)
		editors = append(editors, tg.d)
	}
	return &multiDeleteIter{inner: plan.NewTableEditorIter(loop, editors...), loop: loop}, nil
}

// deleteTarget is one target of a multi-table DELETE: its deleter, the columns of its
// rows in the join's rows, and the rows the statement has seen. Not safe for concurrent
// use; one per statement execution.
type deleteTarget struct {
	d          sql.RowDeleter
	start, end int    // the target's columns in the join row: [start, end)
	t          *Table // nil: not a dsql table (every join row deletes)
	seen       map[string]struct{}
	trig       *replaceTriggers    // the table's DELETE triggers; nil: none
	b          sql.NodeExecBuilder // builds the triggers' bodies
}

func newDeleteTarget(ctx *sql.Context, target sql.Node, sch sql.Schema) (*deleteTarget, error) {
	deletable, err := plan.GetDeletable(target)
	if err != nil {
		return nil, err
	}
	// The target's columns are found by its alias if it has one, as GMS finds them.
	source := deletable.Name()
	transform.InspectWithOpaque(ctx, target, func(_ *sql.Context, n sql.Node) bool {
		if ta, ok := n.(*plan.TableAlias); ok {
			source = ta.Name()
			return false
		}
		return true
	})
	start, end := -1, -1
	for i, c := range sch {
		if strings.EqualFold(c.Source, source) {
			if start < 0 {
				start = i
			}
			end = i + 1
		} else if start >= 0 {
			break
		}
	}
	if start < 0 {
		return nil, sql.ErrTableNotFound.New(source)
	}
	return &deleteTarget{
		d: deletable.Deleter(ctx), start: start, end: end,
		t: deleteTargetTable(target), seen: map[string]struct{}{},
	}, nil
}

// deleteTargetTable returns the dsql table a DELETE target deletes from, or nil.
func deleteTargetTable(n sql.Node) *Table {
	for range 8 {
		switch x := n.(type) {
		case *plan.TableAlias:
			n = x.Child
		case *plan.IndexedTableAccess:
			n = x.TableNode
		default:
			return replaceTarget(n)
		}
	}
	return nil
}

// note records row (the target's part of a join row) in pending unless the statement
// has seen it already.
func (tg *deleteTarget) note(row sql.Row, pending []pendingDelete) ([]pendingDelete, error) {
	row = append(sql.Row(nil), row...)
	if tg.t == nil {
		return append(pending, pendingDelete{tg, row}), nil
	}
	key, err := tg.t.meta.deleteKey(row)
	if err != nil || key == nil {
		return pending, err
	}
	if _, ok := tg.seen[string(key)]; ok {
		return pending, nil
	}
	tg.seen[string(key)] = struct{}{}
	return append(pending, pendingDelete{tg, row}), nil
}

// delete deletes every copy of row the statement still sees (none if a cascade from
// another target removed it), firing the table's DELETE triggers around each, and
// returns how many rows it deleted.
func (tg *deleteTarget) delete(ctx *sql.Context, row sql.Row) (int64, error) {
	if tg.t == nil {
		return 1, tg.d.Delete(ctx, row)
	}
	copies, err := (&tableEditor{t: tg.t}).liveCopies(ctx, row)
	if err != nil {
		return 0, err
	}
	for range copies {
		if tg.trig != nil {
			err = tg.deleteFiring(ctx, row)
		} else {
			err = tg.d.Delete(ctx, row)
		}
		if err != nil {
			return 0, err
		}
	}
	return int64(copies), nil
}

// deleteKey returns row's row-map key: its primary key, or for a keyless table the
// whole row. It is nil for a row whose primary key has a NULL: the NULL-extended side of
// an outer join.
func (m *tableMeta) deleteKey(row sql.Row) ([]byte, error) {
	if m.keyless {
		key, _, err := m.encodeKeyless(row, 1)
		return key, err
	}
	for _, i := range m.sch.PkOrdinals {
		if i < len(row) && row[i] == nil {
			return nil, nil
		}
	}
	key, _, err := m.encodePK(row)
	return key, err
}

// liveCopies returns how many copies of row the statement sees in the table: 0 or 1 with
// a primary key; keyless tables keep a count.
func (e *tableEditor) liveCopies(ctx *sql.Context, row sql.Row) (uint64, error) {
	m := e.t.meta
	key, err := m.deleteKey(row)
	if err != nil || key == nil {
		return 0, err
	}
	te, err := e.edit(ctx)
	if err != nil {
		return 0, err
	}
	v, found, err := te.ed.Get(ctx, key)
	if err != nil || !found {
		return 0, err
	}
	if !m.keyless {
		return 1, nil
	}
	n, _ := m.kvalDesc.GetUint(v, 0)
	return n, nil
}

// pendingDelete is a row a target will delete once the join has been read.
type pendingDelete struct {
	tg  *deleteTarget
	row sql.Row
}

// multiDeleteLoop reads the whole join, noting each target row once, then deletes them
// in the order first seen; it returns no rows. The join is read before anything is
// deleted because trigger bodies and foreign key cascades may apply the edit set to the
// session's root mid-statement, which a join still reading would then see. Not safe for
// concurrent use.
type multiDeleteLoop struct {
	child   sql.RowIter
	width   int // the join's columns; rows may carry outer-scope columns before them
	targets []*deleteTarget
	deleted int64
	closed  bool
}

func (l *multiDeleteLoop) Next(ctx *sql.Context) (sql.Row, error) {
	var pending []pendingDelete
	for {
		row, err := l.child.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil && sql.ErrRowEditCanceled.Is(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		off := len(row) - l.width
		for _, tg := range l.targets {
			if pending, err = tg.note(row[off+tg.start:off+tg.end], pending); err != nil {
				return nil, err
			}
		}
	}
	for _, p := range pending {
		n, err := p.tg.delete(ctx, p.row)
		if err != nil {
			return nil, err
		}
		l.deleted += n
	}
	return nil, io.EOF
}

// Close closes the deleters and the join, as GMS's deleteIter does.
func (l *multiDeleteLoop) Close(ctx *sql.Context) error {
	if l.closed {
		return nil
	}
	l.closed = true
	var first error
	for _, tg := range l.targets {
		if err := tg.d.Close(ctx); err != nil && first == nil {
			first = err
		}
	}
	if err := l.child.Close(ctx); err != nil && first == nil {
		first = err
	}
	return first
}

// multiDeleteIter runs the loop to its end, closes it (completing or discarding the
// statement's edits) and returns the OK result with the number of rows deleted, as
// GMS's accumulator does for a DELETE. Not safe for concurrent use.
type multiDeleteIter struct {
	inner  sql.RowIter // the TableEditorIter over loop
	loop   *multiDeleteLoop
	done   bool
	closed bool
}

func (it *multiDeleteIter) Next(ctx *sql.Context) (sql.Row, error) {
	if it.done {
		return nil, io.EOF
	}
	it.done = true
	for {
		_, err := it.inner.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	it.closed = true
	if err := it.inner.Close(ctx); err != nil {
		return nil, err
	}
	n := it.loop.deleted
	ctx.GetLastQueryInfo().RowCount.Store(n) // ROW_COUNT() is RowsAffected
	return sql.NewRow(types.NewOkResult(int(n))), nil
}

func (it *multiDeleteIter) Close(ctx *sql.Context) error {
	if it.closed {
		return nil
	}
	it.closed = true
	return it.inner.Close(ctx)
}
