package backend

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/vt/sqlparser"
)

// REPLACE's affected-row count is MySQL's: the rows inserted plus the rows deleted.
//
// MySQL (sql_insert.cc, write_record) counts a REPLACE as stats.copied + stats.deleted.
// A new row that collides with k existing rows (one by the primary key, others by UNIQUE
// keys) deletes all k and counts 1 + k: t (id PRIMARY KEY, u UNIQUE) holding (1, 10) and
// (2, 20), REPLACE INTO t VALUES (1, 20) affects 3 rows. When the collision is on the
// table's last unique key (in MySQL's key order: PRIMARY, then UNIQUE keys of NOT NULL
// columns, then the other UNIQUE keys), no foreign key references the table and it has no
// DELETE trigger, MySQL writes the new row over the old one in place (ha_update_row); if
// the two records are the same, InnoDB answers HA_ERR_RECORD_IS_THE_SAME and the delete
// is not counted: REPLACE INTO p VALUES (1, 1) over an identical (1, 1) in a table with
// only a primary key affects 1 row, and 2 rows if the table also has a UNIQUE key or is
// referenced by a foreign key (MariaDB, which shares write_record, answers the same).
// GMS counted 1 per row plus 1 if it deleted any.
//
// replaceCountRule, added to GMS's OnceAfterAll by init, puts a replaceCounted node over
// a REPLACE that is a statement's root, alone or under its AFTER INSERT trigger executors
// (a REPLACE in a trigger or procedure body keeps GMS's count). Its iterator asks the
// table editor to note the statement's inserts and deletes of the target table
// (replaceCount, kept in the EditSet's replacing, which outlives the edit set's
// mid-statement applies by trigger bodies) and replaces the RowsAffected of the OK result
// GMS's accumulator makes below it. The same node fires the table's DELETE triggers
// (replacetrigger.go).

const replaceCountRuleID analyzer.RuleId = 1_000_010

// init appends replaceCountRule to GMS's OnceAfterAll (appendOnceAfterAll),
// which every analyzer and the short batch lists of a plain INSERT/REPLACE read.
func init() {
	appendOnceAfterAll(analyzer.Rule{Id: replaceCountRuleID, Apply: replaceCountRule})
}

func replaceCountRule(ctx *sql.Context, a *analyzer.Analyzer, n sql.Node, scope *plan.Scope, _ analyzer.RuleSelector, qf *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
	if !scope.IsEmpty() {
		return n, transform.SameTree, nil
	}
	ii := replaceOf(n)
	if ii == nil || len(ii.Returning) > 0 || !n.Resolved() {
		return n, transform.SameTree, nil
	}
	t := replaceTarget(ii.Destination)
	if t == nil {
		return n, transform.SameTree, nil
	}
	trig, err := deleteTriggersOf(ctx, a, ii, t)
	if err != nil {
		return nil, transform.SameTree, err
	}
	if trig != nil {
		qf.Set(sql.QFlagTrigger) // GMS's savepoint undoes what trigger bodies applied
	}
	if n, err = newHalf(ctx, n, ii); err != nil {
		return nil, transform.SameTree, err
	}
	return &replaceCounted{child: n, trig: trig}, transform.NewTree, nil
}

// replaceTarget returns the dsql table under a REPLACE's destination, or nil.
func replaceTarget(n sql.Node) *Table {
	var t sql.Table
	for t == nil {
		switch d := n.(type) {
		case *plan.InsertDestination:
			n = d.Child
		case *plan.ResolvedTable:
			t = d.Table
		case *plan.ForeignKeyHandler:
			t = d.Table
		case sql.TableNode:
			t = d.UnderlyingTable()
		default:
			return nil
		}
	}
	for range 8 {
		switch x := t.(type) {
		case *Table:
			return x
		case sql.TableWrapper:
			t = x.Underlying()
		default:
			return nil
		}
	}
	return nil
}

// replaceCounted is the root of a REPLACE statement: its child, the InsertInto or the
// AFTER INSERT trigger executors over it, is built as GMS builds it, under a
// replaceCountIter.
type replaceCounted struct {
	child sql.Node
	trig  *replaceTriggers // the target's DELETE triggers; nil: none
}

var (
	_ sql.Node            = (*replaceCounted)(nil)
	_ sql.ExecBuilderNode = (*replaceCounted)(nil)
)

func (r *replaceCounted) Resolved() bool                      { return r.child.Resolved() }
func (r *replaceCounted) IsReadOnly() bool                    { return false }
func (r *replaceCounted) String() string                      { return r.child.String() }
func (r *replaceCounted) Schema(*sql.Context) sql.Schema      { return types.OkResultSchema }
func (r *replaceCounted) Children() []sql.Node                { return []sql.Node{r.child} }
func (r *replaceCounted) DebugString(ctx *sql.Context) string { return sql.DebugString(ctx, r.child) }

// WithChildren implements sql.Node. A child that is no longer a REPLACE is returned as it is.
func (r *replaceCounted) WithChildren(_ *sql.Context, children ...sql.Node) (sql.Node, error) {
	if len(children) != 1 {
		return nil, sql.ErrInvalidChildrenNumber.New(r, len(children), 1)
	}
	if replaceOf(children[0]) == nil {
		return children[0], nil
	}
	return &replaceCounted{child: children[0], trig: r.trig}, nil
}

// BuildRowIter implements sql.ExecBuilderNode.
func (r *replaceCounted) BuildRowIter(ctx *sql.Context, b sql.NodeExecBuilder, row sql.Row) (sql.RowIter, error) {
	it, err := b.Build(ctx, r.child, row)
	if err != nil {
		return nil, err
	}
	t := replaceTarget(replaceOf(r.child).Destination)
	if t == nil {
		return it, nil
	}
	return &replaceCountIter{child: it, t: t, trig: r.trig, b: b}, nil
}

// replaceCountIter passes on its child's rows (GMS puts its accumulator between them: it
// is a sql.MutableRowIter), with the RowsAffected of the OK result replaced by the count
// the table editor noted. Not safe for concurrent use.
type replaceCountIter struct {
	child sql.RowIter
	t     *Table
	trig  *replaceTriggers
	b     sql.NodeExecBuilder
	cnt   *replaceCount
}

var _ sql.MutableRowIter = (*replaceCountIter)(nil)

func (r *replaceCountIter) GetChildIter() sql.RowIter { return r.child }

func (r *replaceCountIter) WithChildIter(child sql.RowIter) sql.RowIter {
	n := *r
	n.child = child
	return &n
}

func (r *replaceCountIter) Next(ctx *sql.Context) (sql.Row, error) {
	if r.cnt == nil {
		cnt, err := newReplaceCount(ctx, r.t)
		if err != nil {
			return nil, err
		}
		cnt.trig, cnt.b = r.trig, r.b
		if err := setReplacing(ctx, r.t, cnt); err != nil {
			return nil, err
		}
		r.cnt = cnt
	}
	row, err := r.child.Next(ctx)
	if err != nil || len(row) != 1 {
		return row, err
	}
	res, ok := row[0].(types.OkResult)
	if !ok {
		return row, nil
	}
	res.RowsAffected = uint64(r.cnt.affected())
	ctx.GetLastQueryInfo().RowCount.Store(r.cnt.affected()) // ROW_COUNT() is RowsAffected
	return sql.NewRow(res), nil
}

// Close implements sql.RowIter: the table editor stops noting.
func (r *replaceCountIter) Close(ctx *sql.Context) error {
	err := r.child.Close(ctx)
	if r.cnt != nil {
		if rerr := setReplacing(ctx, r.t, nil); err == nil {
			err = rerr
		}
	}
	return err
}

// setReplacing makes cnt (nil: none) what the table editor notes t's writes in.
func setReplacing(ctx *sql.Context, t *Table, cnt *replaceCount) error {
	s, err := sessionOf(ctx)
	if err != nil {
		return err
	}
	es, err := s.Edits(ctx, t.db)
	if err != nil {
		return err
	}
	name := strings.ToLower(t.meta.name)
	if cnt == nil {
		delete(es.replacing, name)
	} else {
		es.replacing[name] = cnt
	}
	if te := es.get(name); te != nil {
		te.replace = cnt
	}
	return nil
}

// replaceCount is what the table editor notes of a REPLACE's writes to its target table
// (tableEdit.replace; nil when the statement is no REPLACE). Not safe for concurrent use.
type replaceCount struct {
	m        *tableMeta
	inserted int64
	deleted  int64
	same     int64  // rows written in place over an identical record (counted once)
	lastDel  []byte // the encoded record deleted since the last insert, if any
	// tried: an insert was tried and has not succeeded, so the next delete is REPLACE's
	// own (of the row it collided with); other deletes of the table (a self-referencing
	// foreign key's ON DELETE CASCADE) are not counted, as in MySQL.
	tried bool
	// inPlace: MySQL may write over the row in place (no foreign key references the
	// table, no DELETE trigger on it).
	inPlace bool
	trig    *replaceTriggers    // the table's DELETE triggers (replacetrigger.go); nil: none
	b       sql.NodeExecBuilder // builds trig's executors
}

func newReplaceCount(ctx *sql.Context, t *Table) (*replaceCount, error) {
	c := &replaceCount{m: t.meta, inPlace: true}
	fks, err := t.GetReferencedForeignKeys(ctx)
	if err != nil {
		return nil, err
	}
	if len(fks) > 0 {
		c.inPlace = false
		return c, nil
	}
	trigs, err := t.db.GetTriggers(ctx)
	if err != nil {
		return nil, err
	}
	for _, tr := range trigs {
		st, err := sqlparser.Parse(tr.CreateStatement)
		if err != nil {
			continue
		}
		if ddl, ok := st.(*sqlparser.DDL); ok && ddl.TriggerSpec != nil &&
			strings.EqualFold(ddl.Table.Name.String(), t.meta.name) && strings.EqualFold(ddl.TriggerSpec.Event, "delete") {
			c.inPlace = false
		}
	}
	return c, nil
}

func (c *replaceCount) affected() int64 { return c.inserted + c.deleted - c.same }

// record returns row's stored record (key and value), or nil.
func (c *replaceCount) record(row sql.Row) []byte {
	var k, v []byte
	var err error
	if c.m.keyless {
		k, v, err = c.m.encodeKeyless(row, 1)
	} else {
		k, v, err = c.m.encodePK(row)
	}
	if err != nil {
		return nil
	}
	return append(append(k, 0xff), v...)
}

// noteTry notes that an insert into the target table begins.
func (c *replaceCount) noteTry() {
	if c != nil {
		c.tried = true
	}
}

// noteDelete notes that row is about to be deleted from the target table and reports
// whether the delete is the REPLACE's own.
func (c *replaceCount) noteDelete(row sql.Row) bool {
	if c == nil || !c.tried {
		return false
	}
	c.tried = false
	c.deleted++
	c.lastDel = c.record(row)
	return true
}

// fireDelete runs the DELETE triggers of when (plan.BeforeTrigger or AfterTrigger) for
// row, a row the REPLACE deletes.
func (c *replaceCount) fireDelete(ctx *sql.Context, when plan.TriggerTime, row sql.Row) error {
	if c == nil || c.trig == nil {
		return nil
	}
	if when == plan.BeforeTrigger {
		return c.trig.fire(ctx, c.b, c.trig.before, row)
	}
	return c.trig.fire(ctx, c.b, c.trig.after, row)
}

// noteInsert notes that row (as stored) was inserted into the target table.
func (c *replaceCount) noteInsert(row sql.Row) {
	if c == nil {
		return
	}
	c.inserted++
	c.tried = false
	if c.lastDel != nil && c.inPlace && c.lastUniqueCollision(row) {
		if rec := c.record(row); rec != nil && string(rec) == string(c.lastDel) {
			c.same++
		}
	}
	c.lastDel = nil
}

// lastUniqueCollision reports whether the first unique key on which row collides with an
// identical record, in MySQL's key order, is the table's last unique key: the first
// unique key whose columns row has all non-NULL (NULLs never collide).
func (c *replaceCount) lastUniqueCollision(row sql.Row) bool {
	ixs, err := c.m.indexes()
	if err != nil {
		return false
	}
	sch := c.m.sch.Schema
	notNull := func(ix *indexMeta) bool {
		for _, col := range ix.cols {
			if sch[col].Nullable {
				return false
			}
		}
		return true
	}
	var order []*indexMeta // PRIMARY, UNIQUE of NOT NULL columns, other UNIQUE
	for pass := range 3 {
		for _, ix := range ixs {
			switch {
			case pass == 0 && ix.primary,
				pass == 1 && !ix.primary && ix.unique && notNull(ix),
				pass == 2 && !ix.primary && ix.unique && !notNull(ix):
				order = append(order, ix)
			}
		}
	}
	for i, ix := range order {
		hasNull := false
		for _, col := range ix.cols {
			if row[col] == nil {
				hasNull = true
			}
		}
		if !hasNull {
			return i == len(order)-1
		}
	}
	return false
}
