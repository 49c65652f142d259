package dataio

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/planbuilder"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/vt/sqlparser"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// The row path: tables whose rows INSERT checks, computes or fires something for (no
// primary key, a foreign key in either direction, an enforced CHECK constraint, a
// generated column, an INSERT or UPDATE trigger, a column default that is an expression
// and the file may not give) are imported by running the file's rows
// through GMS's own INSERT machinery, in the import's transaction:
//
//   - every field is converted as on the bulk path (the same colConv, so the same value and
//     the same file:line:column error for a bad value), then the rows of up to
//     rowBatch records are fed as the source of one analyzed INSERT INTO t (file columns)
//     plan, which fills defaults (expression defaults too), computes generated columns and
//     AUTO_INCREMENT values, evaluates CHECK constraints, checks foreign keys and unique
//     keys, and fires triggers, exactly as an INSERT of the same rows does;
//   - -u (Update) is INSERT ... ON DUPLICATE KEY UPDATE of the file's columns (UPDATE
//     triggers fire for the rows updated); -r (Replace) empties the table first like
//     TRUNCATE (no DELETE triggers; refused, as MySQL refuses TRUNCATE, when another table's
//     foreign key references it), then inserts;
//   - each batch is one statement (its edits are applied, or discarded on error, by GMS's
//     statement protocol); a failing row fails the import with the row's file and line and
//     MySQL's message and code (1452 for a foreign key, 3819 for a CHECK constraint, ...),
//     and the working root is put back as it was, so the table (and every table a trigger
//     wrote) is unchanged. Nothing reaches disk before the caller commits the transaction,
//     so kill -9 leaves it unchanged too. With Continue the failing row is skipped and
//     counted: the rows of its batch before it are inserted again in a statement of their
//     own and the batch goes on after it.
//
// Rows keep the file's order (a foreign key to a row of the same file needs the parent
// first, as with INSERT).

// rowBatch is how many records one statement of the row path inserts.
const (
	rowBatch         = 8192
	rowBatchContinue = 1024
)

// needsRowPath reports whether rs (in root) must be imported through INSERT: see above;
// also when a column whose default is an expression may be missing from src's records
// (not in a delimited file's header; any JSON file), since only INSERT evaluates it.
func needsRowPath(ctx *sql.Context, db *backend.Database, root repo.Root, rs repo.Schema, src Reader) (bool, error) {
	if !bulkImportable(root, rs) {
		return true, nil
	}
	header := src.Header()
	for _, c := range rs.Columns {
		if c.Default == "" || (header != nil && slices.ContainsFunc(header, func(h string) bool { return strings.EqualFold(h, c.Name) })) {
			continue
		}
		typ, err := typeconv.TypeFor(c.SQLType)
		if err != nil {
			return false, err
		}
		if v, ok, _ := literalDefault(ctx, c.Default, typ); ok {
			if _, expr := v.(errDefault); expr {
				return true, nil
			}
		}
	}
	return tableHasTriggers(ctx, db, rs.Name, "insert", "update")
}

// tableHasTriggers reports whether db has a trigger on table for one of events (none
// given: any).
func tableHasTriggers(ctx *sql.Context, db sql.Database, table string, events ...string) (bool, error) {
	tdb, ok := db.(sql.TriggerDatabase)
	if !ok {
		return false, nil
	}
	ts, err := tdb.GetTriggers(ctx)
	if err != nil {
		return false, err
	}
	for _, tr := range ts {
		stmt, err := sqlparser.Parse(tr.CreateStatement)
		if err != nil {
			// Unparseable: assume it may be on the table (the row path is always correct).
			if strings.Contains(strings.ToLower(tr.CreateStatement), strings.ToLower(table)) {
				return true, nil
			}
			continue
		}
		ddl, ok := stmt.(*sqlparser.DDL)
		if !ok || ddl.TriggerSpec == nil || !strings.EqualFold(ddl.Table.Name.String(), table) {
			continue
		}
		if len(events) == 0 {
			return true, nil
		}
		for _, ev := range events {
			if strings.EqualFold(ddl.TriggerSpec.Event, ev) {
				return true, nil
			}
		}
	}
	return false, nil
}

// importRows is Import on the row path.
func importRows(ctx *sql.Context, db *backend.Database, src Reader, file string, opts ImportOptions, rs repo.Schema) (res ImportResult, err error) {
	sess := ctx.Session.(*session.Session)
	prov := sess.Provider()
	if prov == nil {
		return ImportResult{}, fmt.Errorf("%w: table %q needs INSERT's checks, which need a session with a provider", ErrImport, rs.Name)
	}
	working, _, _, err := sess.Roots(ctx, db)
	if err != nil {
		return ImportResult{}, err
	}
	defer func() {
		if err != nil {
			// Put the transaction's root back: the table (and any table a trigger wrote)
			// is as it was. A failed statement's own edits were discarded already.
			if es, eerr := sess.Edits(ctx, db); eerr == nil {
				es.Discard()
			}
			if rerr := sess.SetWorkingRoot(ctx, db, working); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
	}()

	switch opts.Mode {
	case Create, Replace:
		if opts.Mode == Replace {
			for _, fk := range working.ForeignKeys() {
				if strings.EqualFold(fk.ParentTable, rs.Name) && !strings.EqualFold(fk.Table, rs.Name) {
					return ImportResult{}, fmt.Errorf("%w: table %q is referenced by foreign key %s of table %q, so its rows cannot be replaced (MySQL refuses TRUNCATE for the same reason): use -u, or delete the rows with SQL first", ErrImport, rs.Name, fk.Name, fk.Table)
				}
			}
		}
		empty, err := repo.NewTable(ctx, working.NodeStore(), rs)
		if err != nil {
			return ImportResult{}, err
		}
		root, err := working.PutTable(ctx, empty)
		if err != nil {
			return ImportResult{}, err
		}
		if err := sess.SetWorkingRoot(ctx, db, root); err != nil {
			return ImportResult{}, err
		}
	}

	sch, err := SQLSchema(rs)
	if err != nil {
		return ImportResult{}, err
	}
	rp := &rowPath{
		ctx: ctx, db: db, file: file, opts: opts, rs: rs, sch: sch,
		eng:   sqle.NewDefault(prov),
		plans: map[string]*rowPlan{},
	}
	// ON DUPLICATE KEY UPDATE counts and bumps ON UPDATE columns for a change of case
	// (sql/backend rowchange.go), as through the server.
	backend.InstallRowChanges(rp.eng.Analyzer)
	for _, c := range sch {
		rp.convs = append(rp.convs, newColConv(c))
	}
	if h := src.Header(); h != nil {
		if _, err := rp.mapping(h); err != nil {
			return ImportResult{}, &RowError{File: file, Line: 1, Reason: err.Error()}
		}
	}
	if err := rp.run(src); err != nil {
		return ImportResult{}, err
	}
	return ImportResult{Rows: rp.inserted, Skipped: rp.skipped}, nil
}

// rowPath is the state of one row-path import.
type rowPath struct {
	ctx   *sql.Context
	db    *backend.Database
	file  string
	opts  ImportOptions
	rs    repo.Schema
	sch   sql.Schema
	convs []*colConv
	eng   *sqle.Engine
	plans map[string]*rowPlan // by column list

	lastNames []string
	lastMap   []int
	lastKey   string

	inserted, skipped int64
}

// rowPlan is an analyzed INSERT of rows of some columns (in file order) and the node that
// feeds it.
type rowPlan struct {
	key  string
	cols []int
	node sql.Node
	feed *rowFeed
}

// mapping returns the table ordinals of names, and a key naming that column list.
func (rp *rowPath) mapping(names []string) ([]int, error) {
	if rp.lastMap != nil && slices.Equal(names, rp.lastNames) {
		return rp.lastMap, nil // (a JSON reader reuses its Names slice: compare contents)
	}
	m := make([]int, len(names))
	seen := make([]bool, len(rp.sch))
	var key strings.Builder
	for i, n := range names {
		o := rp.rs.Column(n)
		if o < 0 {
			cols := make([]string, len(rp.sch))
			for j, c := range rp.sch {
				cols[j] = c.Name
			}
			return nil, fmt.Errorf("column %q of the file is not a column of table %q (its columns: %s)", n, rp.rs.Name, strings.Join(cols, ", "))
		}
		if seen[o] {
			return nil, fmt.Errorf("column %q appears twice", n)
		}
		seen[o] = true
		m[i] = o
		key.WriteString(strconv.Itoa(o))
		key.WriteByte(',')
	}
	rp.lastNames, rp.lastMap, rp.lastKey = slices.Clone(names), m, key.String()
	return m, nil
}

// plan returns the analyzed INSERT for the columns cols (table ordinals, file order).
func (rp *rowPath) plan(key string, cols []int) (*rowPlan, error) {
	if p, ok := rp.plans[key]; ok {
		return p, nil
	}
	q := rp.insertQuery(cols)
	ctx := rp.ctx
	b := planbuilder.New(ctx, rp.eng.Analyzer.Catalog, nil)
	node, _, _, qFlags, err := b.Parse(q, nil, false)
	if err != nil {
		return nil, fmt.Errorf("import: %s: %w", q, err)
	}
	ii, ok := node.(*plan.InsertInto)
	if !ok {
		return nil, fmt.Errorf("import: %s: planned as %T", q, node)
	}
	srcSch := make(sql.Schema, len(cols))
	for i, o := range cols {
		c := *rp.sch[o]
		c.Nullable = true
		c.Source = ""
		c.PrimaryKey = false
		c.AutoIncrement = false
		c.Default, c.Generated = nil, nil
		srcSch[i] = &c
	}
	feed := &rowFeed{}
	ii = ii.WithSource(&feedNode{sch: srcSch, feed: feed})
	ii.LiteralValueSource = false
	analyzed, err := rp.eng.Analyzer.Analyze(ctx, ii, nil, qFlags)
	if err != nil {
		return nil, fmt.Errorf("import: %s: %w", q, err)
	}
	p := &rowPlan{key: key, cols: cols, node: analyzed, feed: feed}
	rp.plans[key] = p
	return p, nil
}

// insertQuery is the INSERT whose plan the row path runs (the VALUES row is replaced by
// the file's rows).
func (rp *rowPath) insertQuery(cols []int) string {
	names := make([]string, len(cols))
	nulls := make([]string, len(cols))
	for i, o := range cols {
		names[i] = quoteIdent(rp.sch[o].Name)
		nulls[i] = "NULL"
	}
	q := fmt.Sprintf("INSERT INTO %s.%s (%s) VALUES (%s)", quoteIdent(rp.db.Name()), quoteIdent(rp.rs.Name),
		strings.Join(names, ", "), strings.Join(nulls, ", "))
	if rp.opts.Mode == Update && len(cols) > 0 {
		set := make([]string, len(cols))
		for i, n := range names {
			set[i] = n + " = VALUES(" + n + ")"
		}
		q += " ON DUPLICATE KEY UPDATE " + strings.Join(set, ", ")
	}
	return q
}

// run reads every record and inserts it.
func (rp *rowPath) run(src Reader) error {
	size := rowBatch
	if rp.opts.Continue {
		size = rowBatchContinue
	}
	var (
		cur   *rowPlan
		rows  []sql.Row
		lines []int
	)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		err := rp.insert(cur, rows, lines)
		rows, lines = nil, nil
		if p := rp.opts.Progress; p != nil {
			p.Rows.Store(rp.inserted)
			p.Bytes.Store(src.Offset())
		}
		return err
	}
	for {
		rec, err := src.Next()
		if err == io.EOF {
			return flush()
		}
		if err != nil {
			var re *RowError
			if errors.As(err, &re) && rp.skip(re) == nil {
				continue
			}
			_ = flush()
			return err
		}
		m, err := rp.mapping(rec.Names)
		if err != nil {
			if err := rp.skip(&RowError{File: rp.file, Line: rec.Line, Reason: err.Error(), Skippable: true}); err != nil {
				return err
			}
			continue
		}
		row := make(sql.Row, len(rec.Values))
		var bad *RowError
		for i, v := range rec.Values {
			cv, reason := rp.convs[m[i]].convert(rp.ctx, v)
			if reason != "" {
				bad = &RowError{File: rp.file, Line: rec.Line, Field: rp.sch[m[i]].Name, Reason: reason, Skippable: true}
				if i < len(rec.Cols) {
					bad.Column = rec.Cols[i]
				}
				break
			}
			row[i] = cv
		}
		if bad != nil {
			if err := rp.skip(bad); err != nil {
				return err
			}
			continue
		}
		if cur == nil || rp.lastKey != cur.key {
			if err := flush(); err != nil {
				return err
			}
			if cur, err = rp.plan(rp.lastKey, m); err != nil {
				return err
			}
		}
		rows = append(rows, row)
		lines = append(lines, rec.Line)
		if len(rows) >= size {
			if err := flush(); err != nil {
				return err
			}
		}
		if err := rp.ctx.Err(); err != nil {
			return err
		}
	}
}

// skip handles a bad row: with Continue it is counted and reported; otherwise it ends the
// import.
func (rp *rowPath) skip(e *RowError) error {
	if !rp.opts.Continue || !e.Skippable {
		return e
	}
	rp.skipped++
	if rp.opts.OnSkip != nil {
		rp.opts.OnSkip(e)
	}
	return nil
}

// insert inserts rows (one statement); with Continue a failing row is skipped and the
// others inserted.
func (rp *rowPath) insert(p *rowPlan, rows []sql.Row, lines []int) error {
	for len(rows) > 0 {
		n, err := rp.exec(p, rows)
		if err == nil {
			rp.inserted += int64(len(rows))
			return nil
		}
		if n == 0 || rp.ctx.Err() != nil {
			return err
		}
		k := n - 1 // the row being inserted when the statement failed
		re := &RowError{File: rp.file, Line: lines[k], Reason: insertReason(err), Skippable: true}
		if err := rp.skip(re); err != nil {
			return err
		}
		// The statement was discarded: insert the rows before the bad one again, then go
		// on after it.
		if k > 0 {
			if err := rp.insert(p, rows[:k], lines[:k]); err != nil {
				return err
			}
		}
		rows, lines = rows[k+1:], lines[k+1:]
	}
	return nil
}

// exec runs p's INSERT over rows as one statement; n is how many rows its source had
// handed out when it failed (0: the failure is not a row's).
func (rp *rowPath) exec(p *rowPlan, rows []sql.Row) (n int, err error) {
	ctx := rp.ctx
	sess := ctx.Session.(*session.Session)
	// A trigger's statement applies the edits made so far to the root, so discarding
	// the failed statement's edits is not enough: the root is put back as it was.
	before, err := sess.WorkingRoot(ctx, rp.db)
	if err != nil {
		return 0, err
	}
	p.feed.rows, p.feed.pos = rows, 0
	iter, err := rp.eng.Analyzer.ExecBuilder.Build(ctx, p.node, nil)
	if err != nil {
		return 0, err
	}
	for {
		if _, err = iter.Next(ctx); err != nil {
			break
		}
	}
	if err == io.EOF {
		err = nil
	}
	n = p.feed.pos
	if cerr := iter.Close(ctx); cerr != nil && err == nil {
		n, err = 0, cerr
	}
	if err != nil {
		if es, eerr := sess.Edits(ctx, rp.db); eerr == nil {
			es.Discard()
		}
		if rerr := sess.SetWorkingRoot(ctx, rp.db, before); rerr != nil {
			return 0, errors.Join(err, rerr)
		}
	}
	return n, err
}

// insertReason is the message of an INSERT error, with its MySQL error code.
func insertReason(err error) string {
	err = backend.MySQLError(err)
	var se *mysql.SQLError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (MySQL error %d)", se.Message, se.Num)
	}
	if se := sql.CastSQLError(err); se != nil && se.Num != mysql.ERUnknownError {
		return fmt.Sprintf("%s (MySQL error %d)", se.Message, se.Num)
	}
	return err.Error()
}

// rowFeed holds the rows of the statement being run.
type rowFeed struct {
	rows []sql.Row
	pos  int
}

// feedNode is the source of a row-path INSERT: the rows of its feed.
type feedNode struct {
	sch  sql.Schema
	feed *rowFeed
}

var _ sql.ExecSourceRel = (*feedNode)(nil)

func (n *feedNode) Resolved() bool                 { return true }
func (n *feedNode) String() string                 { return "ImportRows" }
func (n *feedNode) Schema(*sql.Context) sql.Schema { return n.sch }
func (n *feedNode) Children() []sql.Node           { return nil }
func (n *feedNode) IsReadOnly() bool               { return true }
func (n *feedNode) WithChildren(_ *sql.Context, children ...sql.Node) (sql.Node, error) {
	if len(children) != 0 {
		return nil, sql.ErrInvalidChildrenNumber.New(n, len(children), 0)
	}
	return n, nil
}

func (n *feedNode) RowIter(*sql.Context, sql.Row) (sql.RowIter, error) {
	return &feedIter{feed: n.feed}, nil
}

type feedIter struct{ feed *rowFeed }

func (it *feedIter) Next(*sql.Context) (sql.Row, error) {
	f := it.feed
	if f.pos >= len(f.rows) {
		return nil, io.EOF
	}
	r := f.rows[f.pos]
	f.pos++
	return r.Copy(), nil
}

func (it *feedIter) Close(*sql.Context) error { return nil }
