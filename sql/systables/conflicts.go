package systables

import (
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/vt/sqlparser"

	"github.com/dsqldb/dsql/merkle/merge"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// The merge system tables, without prefix; dsql_conflicts_<t> is matched by prefix.
const (
	ConflictsTable   = "conflicts"
	MergeStatusTable = "merge_status"
	conflictsPrefix  = "conflicts_"
)

// The conflicts of a merge in progress live in the branch's persisted working set
// (repo.MergeState, written by dsql_merge). These tables read it as the session's
// transaction sees it (session.Session.MergeState: the snapshot's, with the
// transaction's own resolutions), and resolving through them changes the transaction's
// merge state, which COMMIT writes with the transaction's roots and ROLLBACK drops. A
// read-only revision database has no merge in progress.

// lookupMergeTable returns dsql_conflicts, dsql_merge_status or dsql_conflicts_<t>.
func lookupMergeTable(ctx *sql.Context, db *backend.Database, name, base string) (sql.Table, bool, error) {
	switch {
	case base == ConflictsTable:
		return newConflictsTable(db, name), true, nil
	case base == MergeStatusTable:
		return newMergeStatusTable(db, name), true, nil
	case base == SchemaConflictsTable:
		return newSchemaConflictsTable(db, name), true, nil
	case strings.HasPrefix(base, conflictsPrefix):
		return newTableConflicts(ctx, db, name, name[len(name)-len(base)+len(conflictsPrefix):])
	}
	return lookupViolationsTable(ctx, db, name, base)
}

// mergeState returns the merge in progress on the session's branch of db, if any.
func mergeState(ctx *sql.Context, db *backend.Database) (string, repo.MergeState, bool, error) {
	if db.IsReadOnly() {
		return "", repo.MergeState{}, false, nil
	}
	branch, err := db.Branch(ctx)
	if err != nil {
		return "", repo.MergeState{}, false, err
	}
	if s, isDsql := ctx.Session.(*session.Session); isDsql {
		ms, ok, err := s.MergeState(ctx, db)
		return branch, ms, ok, err
	}
	ws, err := db.Repo().WorkingSet(ctx, branch)
	if err != nil {
		return "", repo.MergeState{}, false, err
	}
	ms, ok := ws.Merge()
	return branch, ms, ok, nil
}

// setMergeState makes ms (after resolving some of its conflicts or violations) the merge
// state of db's branch in the session's transaction; a cherry-pick or revert left with
// nothing to resolve ends (it concludes with an ordinary commit).
func setMergeState(ctx *sql.Context, db *backend.Database, ms repo.MergeState) error {
	s, ok := ctx.Session.(*session.Session)
	if !ok {
		return fmt.Errorf("resolving conflicts needs a dsql session, not %T", ctx.Session)
	}
	merging := true
	if !ms.Unresolved() {
		head, err := s.Head(ctx, db)
		if err != nil {
			return err
		}
		pick, err := merge.IsPickState(ctx, db.Repo(), head, ms)
		if err != nil {
			return err
		}
		merging = !pick
	}
	return s.SetMergeState(ctx, db, ms, merging)
}

func newConflictsTable(db *backend.Database, name string) sql.Table {
	cols := []column{{name: "table", typ: textType, pk: true}, {name: "num_conflicts", typ: uint64Type}}
	return newTable(name, db.Name(), cols, func(ctx *sql.Context) (sql.RowIter, error) {
		_, ms, ok, err := mergeState(ctx, db)
		if err != nil || !ok {
			return sql.RowsToRowIter(), err
		}
		cts, err := merge.LoadConflicts(ctx, db.Repo(), ms)
		if err != nil {
			return nil, err
		}
		rows := make([]sql.Row, 0, len(cts))
		for _, ct := range cts {
			rows = append(rows, sql.Row{ct.Name, ct.Keys.Count()})
		}
		return sql.RowsToRowIter(rows...), nil
	})
}

func newMergeStatusTable(db *backend.Database, name string) sql.Table {
	cols := []column{
		{name: "is_merging", typ: boolType},
		{name: "source", typ: textType, nullable: true},
		{name: "source_commit", typ: textType, nullable: true},
		{name: "target", typ: textType, nullable: true},
		{name: "unmerged_tables", typ: textType, nullable: true},
	}
	return newTable(name, db.Name(), cols, func(ctx *sql.Context) (sql.RowIter, error) {
		branch, ms, ok, err := mergeState(ctx, db)
		if err != nil {
			return nil, err
		}
		if !ok {
			return sql.RowsToRowIter(sql.Row{false, nil, nil, nil, nil}), nil
		}
		var unmerged any
		if len(ms.Conflicts) > 0 || len(ms.SchemaConflicts) > 0 {
			var names []string
			seen := map[string]bool{}
			for _, tc := range ms.Conflicts {
				names, seen[strings.ToLower(tc.Table)] = append(names, tc.Table), true
			}
			for _, sc := range ms.SchemaConflicts {
				if !seen[strings.ToLower(sc.Table)] {
					names = append(names, sc.Table)
				}
			}
			sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
			unmerged = strings.Join(names, ", ")
		}
		src := ms.Commit.String()
		if bs, err := db.Repo().Branches(ctx); err == nil {
			for _, b := range bs {
				if c, err := db.Repo().Branch(ctx, b); err == nil && c.Hash() == ms.Commit && b != branch {
					src = b
					break
				}
			}
		}
		return sql.RowsToRowIter(sql.Row{true, src, ms.Commit.String(), branch, unmerged}), nil
	})
}

// tableConflicts is dsql_conflicts_<t>: one row per conflicted row of t with its base,
// ours and theirs versions. DELETE of a row resolves it keeping ours (the working row);
// UPDATE of its our_ columns writes them into t's working row and resolves it
// (conflictUpdater).
type tableConflicts struct {
	*table
	db    *backend.Database
	tname string
	sch   repo.Schema // t's schema as the conflicts show it
	types []sql.Type  // the SQL type of each column of sch
	idCol int
}

var (
	_ sql.Table          = (*tableConflicts)(nil)
	_ sql.DeletableTable = (*tableConflicts)(nil)
	_ sql.UpdatableTable = (*tableConflicts)(nil)
	_ sql.CheckTable     = (*tableConflicts)(nil)
)

// ourCol is the position of our_<column o> in a row of dsql_conflicts_<t>: after
// from_root_ish and the base_ columns.
func (tc *tableConflicts) ourCol(o int) int { return 1 + len(tc.sch.Columns) + o }

// newTableConflicts builds dsql_conflicts_<t> with t's columns as of the working root
// (the schema ours had at the merge; a table without a merge in progress has no rows).
func newTableConflicts(ctx *sql.Context, db *backend.Database, name, tname string) (sql.Table, bool, error) {
	sch, ok, err := conflictSchema(ctx, db, tname)
	if err != nil || !ok {
		return nil, ok, err
	}
	prefix := name[:len(name)-len("conflicts_")-len(tname)]
	types := make([]sql.Type, len(sch.Columns))
	for i, c := range sch.Columns {
		if types[i], err = typeconv.TypeFor(c.SQLType); err != nil {
			return nil, false, fmt.Errorf("%s: column %q: %w", name, c.Name, err)
		}
	}
	cols := []column{{name: "from_root_ish", typ: textType, nullable: true}}
	for _, side := range []string{"base_", "our_", "their_"} {
		for i, c := range sch.Columns {
			cols = append(cols, column{name: side + c.Name, typ: types[i], nullable: true})
		}
		if side != "base_" {
			cols = append(cols, column{name: side + "diff_type", typ: textType, nullable: true})
		}
	}
	cols = append(cols, column{name: prefix + "conflict_id", typ: textType, pk: true})
	tc := &tableConflicts{db: db, tname: tname, sch: sch, types: types, idCol: len(cols) - 1}
	tc.table = newTable(name, db.Name(), cols, func(ctx *sql.Context) (sql.RowIter, error) {
		return tc.rows(ctx, types)
	})
	return tc, true, nil
}

// conflictSchema returns the schema of table tname for its conflicts table: from the
// merge state's pre-merge root if the table has conflicts, else from the working root.
func conflictSchema(ctx *sql.Context, db *backend.Database, tname string) (repo.Schema, bool, error) {
	_, ms, ok, err := mergeState(ctx, db)
	if err != nil {
		return repo.Schema{}, false, err
	}
	if ok {
		cts, err := merge.LoadConflicts(ctx, db.Repo(), ms)
		if err != nil {
			return repo.Schema{}, false, err
		}
		if ct, found := merge.Find(cts, tname); found {
			return ct.Ours.Schema(), true, nil
		}
	}
	if db.IsReadOnly() {
		return repo.Schema{}, false, nil
	}
	branch, err := db.Branch(ctx)
	if err != nil {
		return repo.Schema{}, false, err
	}
	ws, err := db.Repo().WorkingSet(ctx, branch)
	if err != nil {
		return repo.Schema{}, false, err
	}
	t, found, err := ws.Working().Table(ctx, tname)
	if err != nil || !found {
		return repo.Schema{}, false, err
	}
	return t.Schema(), true, nil
}

// rowCodec decodes the rows of a table of schema sch (key and value tuples) into SQL
// rows in column order.
type rowCodec struct {
	sch    repo.Schema
	kd, vd tuple.Desc
	types  []sql.Type
	inKey  []bool // column o is in the key ...
	idx    []int  // ... at this field index (of the key or the value)
}

func newRowCodec(sch repo.Schema, kd, vd tuple.Desc, types []sql.Type) *rowCodec {
	c := &rowCodec{sch: sch, kd: kd, vd: vd, types: types, inKey: make([]bool, len(sch.Columns)), idx: make([]int, len(sch.Columns))}
	if sch.Keyless() {
		for o := range c.idx {
			c.idx[o] = 1 + o
		}
		return c
	}
	for p, o := range sch.PrimaryKey {
		c.inKey[o], c.idx[o] = true, p
	}
	v := 0
	for o := range sch.Columns {
		if !c.inKey[o] {
			c.idx[o] = v
			v++
		}
	}
	return c
}

// decode returns the row of (key, val); all NULL when val is nil (no such row).
func (c *rowCodec) decode(key, val []byte) ([]any, error) {
	out := make([]any, len(c.sch.Columns))
	if val == nil {
		return out, nil
	}
	for o := range c.sch.Columns {
		var err error
		if c.inKey[o] {
			out[o], err = typeconv.GetValue(c.kd, key, c.idx[o], c.types[o])
		} else {
			out[o], err = typeconv.GetValue(c.vd, val, c.idx[o], c.types[o])
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (tc *tableConflicts) rows(ctx *sql.Context, types []sql.Type) (sql.RowIter, error) {
	_, ms, ok, err := mergeState(ctx, tc.db)
	if err != nil || !ok {
		return sql.RowsToRowIter(), err
	}
	cts, err := merge.LoadConflicts(ctx, tc.db.Repo(), ms)
	if err != nil {
		return nil, err
	}
	ct, found := merge.Find(cts, tc.tname)
	if !found {
		return sql.RowsToRowIter(), nil
	}
	codec := newRowCodec(ct.Ours.Schema(), ct.Ours.KeyDesc(), ct.Ours.ValueDesc(), types)
	decode := codec.decode
	diffType := func(base, side []byte) any {
		switch {
		case base == nil && side != nil:
			return "added"
		case base != nil && side == nil:
			return "removed"
		case base != nil:
			return "modified"
		}
		return nil
	}
	var rows []sql.Row
	err = ct.Rows(ctx, func(cr merge.ConflictRow) (bool, error) {
		row := sql.Row{ms.Commit.String()}
		for i, v := range [][]byte{cr.Base, cr.Ours, cr.Theirs} {
			vals, err := decode(cr.Key, v)
			if err != nil {
				return false, err
			}
			row = append(row, vals...)
			if i > 0 {
				row = append(row, diffType(cr.Base, v))
			}
		}
		row = append(row, hex.EncodeToString(cr.Key))
		rows = append(rows, row)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return sql.RowsToRowIter(rows...), nil
}

// Deleter implements sql.DeletableTable: deleting rows of dsql_conflicts_<t> marks those
// conflicts resolved, keeping the working (our) rows. The change is the transaction's:
// it reaches the branch at COMMIT (with autocommit, at the end of the statement), and
// ROLLBACK brings the conflicts back.
func (tc *tableConflicts) Deleter(*sql.Context) sql.RowDeleter {
	return &conflictDeleter{tc: tc}
}

type conflictDeleter struct {
	tc   *tableConflicts
	keys [][]byte
}

func (d *conflictDeleter) StatementBegin(*sql.Context) {}

func (d *conflictDeleter) DiscardChanges(*sql.Context, error) error { d.keys = nil; return nil }

func (d *conflictDeleter) StatementComplete(ctx *sql.Context) error { return d.flush(ctx) }

func (d *conflictDeleter) Close(ctx *sql.Context) error { return d.flush(ctx) }

func (d *conflictDeleter) Delete(_ *sql.Context, row sql.Row) error {
	id, ok := row[d.tc.idCol].(string)
	if !ok {
		return fmt.Errorf("%s: bad conflict id %v", d.tc.Name(), row[d.tc.idCol])
	}
	k, err := hex.DecodeString(id)
	if err != nil {
		return fmt.Errorf("%s: bad conflict id %q: %w", d.tc.Name(), id, err)
	}
	d.keys = append(d.keys, k)
	return nil
}

func (d *conflictDeleter) flush(ctx *sql.Context) error {
	if len(d.keys) == 0 {
		return nil
	}
	keys := d.keys
	d.keys = nil
	_, ms, ok, err := mergeState(ctx, d.tc.db)
	if err != nil || !ok {
		return err
	}
	cts, err := merge.LoadConflicts(ctx, d.tc.db.Repo(), ms)
	if err != nil {
		return err
	}
	ct, found := merge.Find(cts, d.tc.tname)
	if !found {
		return nil
	}
	if ct, err = ct.Without(ctx, keys...); err != nil {
		return err
	}
	if ms, err = merge.WithConflicts(ms, ct.Name, ct.Keys); err != nil {
		return err
	}
	return setMergeState(ctx, d.tc.db, ms)
}

// GetChecks implements sql.CheckTable: t's CHECK constraints with their column references
// turned into the our_ columns, so that GMS checks the row an UPDATE of the our_ columns
// writes into t as an UPDATE of t would. A check that cannot be rewritten is left out (t's
// own checks still hold for the rows other statements write).
func (tc *tableConflicts) GetChecks(*sql.Context) ([]sql.CheckDefinition, error) {
	var out []sql.CheckDefinition
	for _, ck := range tc.sch.Checks {
		expr, err := prefixColumns(ck.Expr, "our_")
		if err != nil {
			continue
		}
		out = append(out, sql.CheckDefinition{Name: ck.Name, CheckExpression: expr, Enforced: ck.Enforced})
	}
	return out, nil
}

// prefixColumns returns the SQL expression expr with prefix put before every column name
// it references (and table qualifiers dropped).
func prefixColumns(expr, prefix string) (string, error) {
	stmt, err := sqlparser.Parse("SELECT " + expr)
	if err != nil {
		return "", err
	}
	sel, ok := stmt.(*sqlparser.Select)
	if !ok || len(sel.SelectExprs) != 1 {
		return "", fmt.Errorf("not an expression: %q", expr)
	}
	ae, ok := sel.SelectExprs[0].(*sqlparser.AliasedExpr)
	if !ok {
		return "", fmt.Errorf("not an expression: %q", expr)
	}
	err = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			return false, fmt.Errorf("subquery in %q", expr)
		case *sqlparser.ColName:
			n.Name = sqlparser.NewColIdent(prefix + n.Name.String())
			n.Qualifier = sqlparser.TableName{}
		}
		return true, nil
	}, ae.Expr)
	if err != nil {
		return "", err
	}
	return sqlparser.String(ae.Expr), nil
}

// Updater implements sql.UpdatableTable: an UPDATE of the our_ columns of
// dsql_conflicts_<t> writes the updated row into t through t's own table editor (type
// conversion by GMS, NOT NULL checked here, CHECK constraints through GetChecks, unique
// keys and secondary indexes by the editor) in the session's transaction, and resolves
// the conflict as DELETE does, in the same transaction: COMMIT lands both, ROLLBACK
// drops both (the conflict is back, the table as before). Only
// the our_ columns outside the primary key may change, and (with foreign_key_checks on)
// not those in a foreign key: GMS makes foreign-key checks only for statements on t
// itself. For the same reason a table with generated columns is refused. A row ours
// deleted is inserted again with the conflict's key. Keyless tables are refused: their
// rows have no identity other than their values.
func (tc *tableConflicts) Updater(*sql.Context) sql.RowUpdater {
	return &conflictUpdater{tc: tc, del: &conflictDeleter{tc: tc}}
}

type conflictUpdater struct {
	tc  *tableConflicts
	del *conflictDeleter
	// Set at the first Update.
	target  *backend.Table
	updater sql.RowUpdater
	codec   *rowCodec
	// fkCols maps the folded names of t's columns in a foreign key (as child or parent,
	// with foreign_key_checks on) to the key.
	fkCols map[string]fkColumn
}

func (u *conflictUpdater) StatementBegin(*sql.Context) {}

func (u *conflictUpdater) DiscardChanges(ctx *sql.Context, err error) error {
	u.del.keys = nil
	if u.updater != nil {
		return u.updater.DiscardChanges(ctx, err)
	}
	return nil
}

// StatementComplete writes the rows into the transaction, then resolves the conflicts.
func (u *conflictUpdater) StatementComplete(ctx *sql.Context) error {
	if u.updater != nil {
		if err := u.updater.StatementComplete(ctx); err != nil {
			u.del.keys = nil
			return err
		}
	}
	return u.del.flush(ctx)
}

func (u *conflictUpdater) Close(ctx *sql.Context) error {
	if u.updater != nil {
		if err := u.updater.Close(ctx); err != nil {
			u.del.keys = nil
			return err
		}
	}
	return u.del.flush(ctx)
}

// updatable returns the names of the columns an UPDATE may change.
func (u *conflictUpdater) updatable() []string {
	var names []string
	for o, c := range u.tc.sch.Columns {
		if !u.tc.inKey(o) && c.Generated == "" {
			names = append(names, "our_"+c.Name)
		}
	}
	return names
}

func (tc *tableConflicts) inKey(o int) bool {
	for _, p := range tc.sch.PrimaryKey {
		if p == o {
			return true
		}
	}
	return false
}

// start looks up t in the session's working root and checks that its schema is still
// the one the conflicts were recorded in.
func (u *conflictUpdater) start(ctx *sql.Context) error {
	name := u.tc.Name()
	if u.tc.sch.Keyless() {
		return fmt.Errorf("%s: table %s has no primary key, so a conflicted row cannot be updated in place; "+
			"DELETE it from %s to keep ours, or CALL dsql_conflicts_resolve('--ours'|'--theirs', '%s'), then change %s",
			name, u.tc.tname, name, u.tc.tname, u.tc.tname)
	}
	for _, c := range u.tc.sch.Columns {
		if c.Generated != "" {
			return fmt.Errorf("%s: table %s has generated columns, which a write through %s does not compute: "+
				"resolve the conflict (DELETE or dsql_conflicts_resolve), then UPDATE %s", name, u.tc.tname, name, u.tc.tname)
		}
	}
	st, ok, err := u.tc.db.GetTableInsensitive(ctx, u.tc.tname)
	if err != nil {
		return err
	}
	bt, isBackend := st.(*backend.Table)
	if !ok || !isBackend {
		return fmt.Errorf("%s: table %s no longer exists", name, u.tc.tname)
	}
	s, ok := ctx.Session.(backend.Session)
	if !ok {
		return fmt.Errorf("%s: session %T is not a dsql session", name, ctx.Session)
	}
	root, err := s.WorkingRoot(ctx, u.tc.db)
	if err != nil {
		return err
	}
	rt, found, err := root.Table(ctx, u.tc.tname)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%s: table %s no longer exists", name, u.tc.tname)
	}
	if !sameLayout(rt.Schema(), u.tc.sch) {
		return fmt.Errorf("%s: the schema of %s changed since the merge; resolve its conflicts with DELETE or dsql_conflicts_resolve", name, u.tc.tname)
	}
	if u.fkCols, err = foreignKeyColumns(ctx, bt); err != nil {
		return err
	}
	u.target, u.updater = bt, bt.Updater(ctx)
	u.codec = newRowCodec(rt.Schema(), rt.KeyDesc(), rt.ValueDesc(), u.tc.types)
	u.updater.StatementBegin(ctx)
	return nil
}

// foreignKeyColumns returns the columns of t in a foreign key, as child or parent (none
// with foreign_key_checks off): a write through dsql_conflicts_<t> does not go through
// GMS's foreign-key checks, so Update refuses to change them.
func foreignKeyColumns(ctx *sql.Context, t *backend.Table) (map[string]fkColumn, error) {
	if v, err := ctx.GetSessionVariable(ctx, "foreign_key_checks"); err == nil {
		if n, ok := v.(int8); ok && n == 0 {
			return nil, nil
		}
		if n, ok := v.(int64); ok && n == 0 {
			return nil, nil
		}
	}
	out := map[string]fkColumn{}
	declared, err := t.GetDeclaredForeignKeys(ctx)
	if err != nil {
		return nil, err
	}
	for _, fk := range declared {
		for _, c := range fk.Columns {
			out[strings.ToLower(c)] = fkColumn{name: fk.Name, child: true}
		}
	}
	referenced, err := t.GetReferencedForeignKeys(ctx)
	if err != nil {
		return nil, err
	}
	for _, fk := range referenced {
		for _, c := range fk.ParentColumns {
			if _, child := out[strings.ToLower(c)]; !child {
				out[strings.ToLower(c)] = fkColumn{name: fk.Name}
			}
		}
	}
	return out, nil
}

// fkColumn is a column's foreign key: its name, and whether the column is on the child
// side.
type fkColumn struct {
	name  string
	child bool
}

// sameLayout reports whether a and b have the same columns (names, types, nullability)
// and primary key.
func sameLayout(a, b repo.Schema) bool {
	if len(a.Columns) != len(b.Columns) || !slices.Equal(a.PrimaryKey, b.PrimaryKey) {
		return false
	}
	for i := range a.Columns {
		ca, cb := a.Columns[i], b.Columns[i]
		if !strings.EqualFold(ca.Name, cb.Name) || ca.Type != cb.Type || ca.SQLType != cb.SQLType {
			return false
		}
	}
	return true
}

// cmpNe reports whether a and b differ as values of type t (or cannot be compared).
func cmpNe(ctx *sql.Context, t sql.Type, a, b any) bool {
	n, err := t.Compare(ctx, a, b)
	return err != nil || n != 0
}

// Update implements sql.RowUpdater.
func (u *conflictUpdater) Update(ctx *sql.Context, old, new sql.Row) error {
	tc := u.tc
	sch := tc.Schema(ctx)
	allowed := map[int]bool{}
	if !tc.sch.Keyless() {
		for o, c := range tc.sch.Columns {
			if !tc.inKey(o) && c.Generated == "" {
				allowed[tc.ourCol(o)] = true
			}
		}
	}
	for i := range old {
		if allowed[i] {
			continue
		}
		if cmp, err := sch[i].Type.Compare(ctx, old[i], new[i]); err != nil || cmp != 0 {
			if tc.sch.Keyless() {
				return u.start(ctx) // the keyless error
			}
			return fmt.Errorf("%s: column %s cannot be updated; only %s can (the row written into %s)",
				tc.Name(), sch[i].Name, strings.Join(u.updatable(), ", "), tc.tname)
		}
	}
	if u.updater == nil {
		if err := u.start(ctx); err != nil {
			return err
		}
	}
	id, ok := old[tc.idCol].(string)
	if !ok {
		return fmt.Errorf("%s: bad conflict id %v", tc.Name(), old[tc.idCol])
	}
	key, err := hex.DecodeString(id)
	if err != nil {
		return fmt.Errorf("%s: bad conflict id %q: %w", tc.Name(), id, err)
	}
	// The row now in t (the transaction's view, which may differ from our_ if t was changed
	// since the merge); the key columns come from the conflict's key.
	s := ctx.Session.(backend.Session)
	root, err := s.WorkingRoot(ctx, tc.db)
	if err != nil {
		return err
	}
	rt, _, err := root.Table(ctx, tc.tname)
	if err != nil {
		return err
	}
	curVal, found, err := rt.Rows().Get(ctx, key)
	if err != nil {
		return err
	}
	row := make(sql.Row, len(tc.sch.Columns))
	var cur sql.Row
	if found {
		if cur, err = u.codec.decode(key, curVal); err != nil {
			return err
		}
		copy(row, cur)
	}
	for o, c := range tc.sch.Columns {
		switch {
		case tc.inKey(o):
			if row[o], err = typeconv.GetValue(u.codec.kd, key, u.codec.idx[o], tc.types[o]); err != nil {
				return err
			}
		case c.Generated == "":
			row[o] = new[tc.ourCol(o)]
		}
	}
	tsch := u.target.Schema(ctx)
	for o, c := range tsch {
		if row[o] == nil && !c.Nullable {
			return sql.ErrInsertIntoNonNullableProvidedNull.New(c.Name)
		}
		fk, inFK := u.fkCols[strings.ToLower(c.Name)]
		if !inFK || tc.inKey(o) {
			continue
		}
		// A changed value, or a row written back with a child value: it would need the
		// key's checks.
		if (found && cmpNe(ctx, c.Type, cur[o], row[o])) || (!found && fk.child && row[o] != nil) {
			return fmt.Errorf("%s: column %s of %s is in foreign key %s, which a write through %s does not check: "+
				"resolve the conflict (DELETE or dsql_conflicts_resolve), then UPDATE %s", tc.Name(), c.Name, tc.tname, fk.name, tc.Name(), tc.tname)
		}
	}
	if found {
		err = u.updater.Update(ctx, cur, row)
	} else {
		err = u.target.Inserter(ctx).Insert(ctx, row)
	}
	if err != nil {
		return err
	}
	u.del.keys = append(u.del.keys, key)
	return nil
}
