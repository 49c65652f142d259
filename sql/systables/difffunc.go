package systables

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/transform"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
)

// The kinds of diff table function.
const (
	diffKindRows    = "diff"
	diffKindStat    = "diff_stat"
	diffKindSummary = "diff_summary"
	diffKindPatch   = "patch"
)

// diffTableFunctions returns dsql_diff, dsql_diff_stat, dsql_diff_summary, dsql_patch
// and their dolt_ aliases.
func diffTableFunctions() []sql.TableFunction {
	var out []sql.TableFunction
	for _, p := range Prefixes {
		for _, k := range []string{diffKindRows, diffKindStat, diffKindSummary, diffKindPatch} {
			out = append(out, &diffFunc{name: p + k, kind: k})
		}
	}
	return out
}

// diffFunc is one of the diff table functions:
//
//	dsql_diff(from, to, table)         the changed rows of table (layout of diffColumns),
//	dsql_diff('from..to', table)       each side in its own revision's schema
//	dsql_diff('a...b', table)          from the merge base of a and b to b
//	dsql_diff_stat(from, to[, table])  row and cell counts per changed table
//	dsql_diff_summary(from, to[, table]) one row per created, dropped, renamed or modified table
//	dsql_patch(from, to[, table])      the SQL statements that turn from into to (patch.go)
//
// A revision is anything ResolveCommit accepts (HEAD is the session's branch), or WORKING
// or STAGED for the session's working and staged roots. Arguments must be constants (or
// bound parameters): the result's columns depend on the table's schemas, so they are
// evaluated when the query is planned, and again when it runs.
type diffFunc struct {
	name string
	kind string
	db   *backend.Database
	args []sql.Expression
	sch  sql.Schema // dsql_diff: planned columns
	// planned schemas of the two sides (dsql_diff)
	toSch, fromSch sql.Schema
}

var (
	_ sql.TableFunction      = (*diffFunc)(nil)
	_ sql.ExecSourceRel      = (*diffFunc)(nil)
	_ sql.CollationCoercible = (*diffFunc)(nil)
)

// NewInstance implements sql.TableFunction.
func (f *diffFunc) NewInstance(ctx *sql.Context, db sql.Database, args []sql.Expression) (sql.Node, error) {
	bdb, ok := db.(*backend.Database)
	if !ok {
		name := "<none>"
		if db != nil {
			name = db.Name()
		}
		return nil, fmt.Errorf("%s: database %s is not a dsql database", f.name, name)
	}
	g := &diffFunc{name: f.name, kind: f.kind, db: bdb, args: args}
	if err := g.plan(ctx); err != nil {
		return nil, err
	}
	return g, nil
}

// plan computes the columns of a dsql_diff from its arguments, once they are known.
func (f *diffFunc) plan(ctx *sql.Context) error {
	if f.kind != diffKindRows || f.db == nil {
		return nil
	}
	for _, a := range f.args {
		bound := true
		transform.InspectExpr(ctx, a, func(_ *sql.Context, e sql.Expression) bool {
			if _, ok := e.(*expression.BindVar); ok {
				bound = false
			}
			return !bound
		})
		if !bound || !a.Resolved() {
			return nil // a prepared statement: planned again once bound
		}
	}
	args, err := f.evalArgs(ctx, nil)
	if err != nil {
		return err
	}
	_, _, p, err := f.rowsTarget(ctx, args)
	if err != nil {
		return err
	}
	f.toSch, f.fromSch = p.schemas()
	f.sch = diffColumns(f.name, f.db.Name(), f.toSch, f.fromSch)
	return nil
}

// schemas returns the GMS schemas of the two sides: a side without the table takes the
// other's.
func (p tablePair) schemas() (to, from sql.Schema) {
	if p.to != nil {
		to = p.to.sch
	}
	if p.from != nil {
		from = p.from.sch
	}
	if to == nil {
		to = from
	}
	if from == nil {
		from = to
	}
	return to, from
}

// rowsTarget resolves dsql_diff's arguments: the two sides and the table.
func (f *diffFunc) rowsTarget(ctx *sql.Context, args []string) (from, to diffSide, p tablePair, err error) {
	from, to, used, err := resolveRange(ctx, f.db, args)
	if err != nil {
		return from, to, p, fmt.Errorf("%s: %w", f.name, err)
	}
	rest := args[used:]
	if len(rest) != 1 {
		return from, to, p, fmt.Errorf("%s: expected (from, to, table) or ('from..to', table)", f.name)
	}
	p, ok, err := loadPair(ctx, from.root, to.root, rest[0])
	if err != nil {
		return from, to, p, fmt.Errorf("%s: %w", f.name, err)
	}
	if !ok {
		return from, to, p, fmt.Errorf("%s: table %q not found in either revision", f.name, rest[0])
	}
	return from, to, p, nil
}

func (f *diffFunc) evalArgs(ctx *sql.Context, row sql.Row) ([]string, error) {
	args := make([]string, len(f.args))
	for i, a := range f.args {
		v, err := a.Eval(ctx, row)
		if err != nil {
			return nil, err
		}
		switch v := v.(type) {
		case nil:
			return nil, fmt.Errorf("%s: argument %d is NULL", f.name, i+1)
		case string:
			args[i] = v
		case []byte:
			args[i] = string(v)
		default:
			args[i] = fmt.Sprint(v)
		}
	}
	return args, nil
}

// Name implements sql.Nameable.
func (f *diffFunc) Name() string { return f.name }

// String implements sql.Node.
func (f *diffFunc) String() string {
	parts := make([]string, len(f.args))
	for i, a := range f.args {
		parts[i] = a.String()
	}
	return fmt.Sprintf("%s(%s)", f.name, strings.Join(parts, ", "))
}

// Resolved implements sql.Node.
func (f *diffFunc) Resolved() bool {
	for _, a := range f.args {
		if !a.Resolved() {
			return false
		}
	}
	return true
}

// IsReadOnly implements sql.Node.
func (f *diffFunc) IsReadOnly() bool { return true }

// statColumns are the columns of dsql_diff_stat.
var statColumns = []column{
	{name: "table_name", typ: textType},
	{name: "rows_unmodified", typ: uint64Type},
	{name: "rows_added", typ: uint64Type},
	{name: "rows_deleted", typ: uint64Type},
	{name: "rows_modified", typ: uint64Type},
	{name: "cells_added", typ: uint64Type},
	{name: "cells_deleted", typ: uint64Type},
	{name: "cells_modified", typ: uint64Type},
	{name: "old_row_count", typ: uint64Type},
	{name: "new_row_count", typ: uint64Type},
	{name: "old_cell_count", typ: uint64Type},
	{name: "new_cell_count", typ: uint64Type},
}

// summaryColumns are the columns of dsql_diff_summary.
var summaryColumns = []column{
	{name: "from_table_name", typ: textType},
	{name: "to_table_name", typ: textType},
	{name: "diff_type", typ: textType},
	{name: "data_change", typ: boolType},
	{name: "schema_change", typ: boolType},
}

// Schema implements sql.Node.
func (f *diffFunc) Schema(*sql.Context) sql.Schema {
	db := ""
	if f.db != nil {
		db = f.db.Name()
	}
	switch f.kind {
	case diffKindStat:
		return schemaOf(f.name, db, statColumns)
	case diffKindSummary:
		return schemaOf(f.name, db, summaryColumns)
	case diffKindPatch:
		return schemaOf(f.name, db, patchColumns)
	}
	return f.sch
}

// Children implements sql.Node.
func (f *diffFunc) Children() []sql.Node { return nil }

// WithChildren implements sql.Node.
func (f *diffFunc) WithChildren(_ *sql.Context, children ...sql.Node) (sql.Node, error) {
	if len(children) != 0 {
		return nil, sql.ErrInvalidChildrenNumber.New(f, len(children), 0)
	}
	return f, nil
}

// Expressions implements sql.Expressioner.
func (f *diffFunc) Expressions() []sql.Expression { return f.args }

// WithExpressions implements sql.Expressioner.
func (f *diffFunc) WithExpressions(ctx *sql.Context, exprs ...sql.Expression) (sql.Node, error) {
	if len(exprs) != len(f.args) {
		return nil, sql.ErrInvalidChildrenNumber.New(f, len(exprs), len(f.args))
	}
	g := *f
	g.args = exprs
	if g.sch == nil {
		if err := g.plan(ctx); err != nil {
			return nil, err
		}
	}
	return &g, nil
}

// Database implements sql.Databaser.
func (f *diffFunc) Database() sql.Database { return f.db }

// WithDatabase implements sql.Databaser.
func (f *diffFunc) WithDatabase(db sql.Database) (sql.Node, error) {
	bdb, ok := db.(*backend.Database)
	if !ok {
		return nil, fmt.Errorf("%s: database %s is not a dsql database", f.name, db.Name())
	}
	g := *f
	g.db = bdb
	return &g, nil
}

// CollationCoercibility implements sql.CollationCoercible.
func (f *diffFunc) CollationCoercibility(*sql.Context) (sql.CollationID, byte) {
	return sql.Collation_binary, 7
}

// RowIter implements sql.ExecSourceRel.
func (f *diffFunc) RowIter(ctx *sql.Context, row sql.Row) (sql.RowIter, error) {
	if f.db == nil {
		return nil, fmt.Errorf("%s: no database selected", f.name)
	}
	args, err := f.evalArgs(ctx, row)
	if err != nil {
		return nil, err
	}
	switch f.kind {
	case diffKindPatch:
		return f.patchRows(ctx, args)
	case diffKindStat, diffKindSummary:
		from, to, used, err := resolveRange(ctx, f.db, args)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		rest := args[used:]
		if len(rest) > 1 {
			return nil, fmt.Errorf("%s: expected (from, to[, table]) or ('from..to'[, table])", f.name)
		}
		table := ""
		if len(rest) == 1 {
			table = rest[0]
		}
		var rows []sql.Row
		if f.kind == diffKindStat {
			rows, err = statRows(ctx, from.root, to.root, table)
		} else {
			rows, err = summaryRows(ctx, from.root, to.root, table)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		return sliceIter(rows), nil
	}
	if f.sch == nil {
		return nil, fmt.Errorf("%s: arguments must be constants", f.name)
	}
	from, to, p, err := f.rowsTarget(ctx, args)
	if err != nil {
		return nil, err
	}
	it, err := p.changes(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	toSch, fromSch := p.schemas()
	return &funcIter{next: func(ctx *sql.Context) (sql.Row, error) {
		ch, err := it.Next(ctx)
		if err != nil {
			return nil, err
		}
		ch.to = projectIf(ctx, ch.to, toSch, f.toSch)
		ch.from = projectIf(ctx, ch.from, fromSch, f.fromSch)
		return diffRow(ch, f.toSch, f.fromSch, to, from), nil
	}}, nil
}

// projectIf projects row onto dst unless src and dst are the same schema.
func projectIf(ctx context.Context, row sql.Row, src, dst sql.Schema) sql.Row {
	if row == nil || sameColumns(src, dst) {
		return row
	}
	return project(ctx, row, src, dst)
}

func sameColumns(a, b sql.Schema) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Type.String() != b[i].Type.String() {
			return false
		}
	}
	return true
}

// tableChange is one table that differs between two roots.
type tableChange struct {
	fromName, toName string // "" where the table does not exist
	diffType         string // added, dropped, modified, renamed
}

// The diff_type values of dsql_diff_summary.
const (
	TableAdded    = "added"
	TableDropped  = "dropped"
	TableModified = "modified"
	TableRenamed  = "renamed"
)

// changedTables lists the tables that differ between from and to, sorted by name, only
// table if it is not "" (matched by either name, case-insensitively).
func changedTables(ctx context.Context, from, to repo.Root, table string) ([]tableChange, error) {
	entries, err := compareRoots(ctx, from, to, false)
	if err != nil {
		return nil, err
	}
	var out []tableChange
	for _, e := range entries {
		var c tableChange
		switch e.Status {
		case StatusNewTable:
			c = tableChange{toName: e.Table, diffType: TableAdded}
		case StatusDeleted:
			c = tableChange{fromName: e.Table, diffType: TableDropped}
		case StatusRenamed:
			c = tableChange{fromName: e.From, toName: e.Table, diffType: TableRenamed}
		default:
			c = tableChange{fromName: nameIn(from, e.Table), toName: e.Table, diffType: TableModified}
		}
		if table != "" && !strings.EqualFold(table, c.fromName) && !strings.EqualFold(table, c.toName) {
			continue
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].name()) < strings.ToLower(out[j].name()) })
	return out, nil
}

func (c tableChange) name() string {
	if c.toName != "" {
		return c.toName
	}
	return c.fromName
}

func summaryRows(ctx context.Context, from, to repo.Root, table string) ([]sql.Row, error) {
	changes, err := changedTables(ctx, from, to, table)
	if err != nil {
		return nil, err
	}
	var rows []sql.Row
	for _, c := range changes {
		dataChange, schemaChange := false, true
		switch c.diffType {
		case TableAdded:
			t, _, err := to.Table(ctx, c.toName)
			if err != nil {
				return nil, err
			}
			dataChange = t.Rows().Count() > 0
		case TableDropped:
			t, _, err := from.Table(ctx, c.fromName)
			if err != nil {
				return nil, err
			}
			dataChange = t.Rows().Count() > 0
		case TableModified:
			ft, _, err := from.Table(ctx, c.fromName)
			if err != nil {
				return nil, err
			}
			tt, _, err := to.Table(ctx, c.toName)
			if err != nil {
				return nil, err
			}
			dataChange = ft.Rows().Hash() != tt.Rows().Hash()
			schemaChange = ft.SchemaHash() != tt.SchemaHash()
		}
		rows = append(rows, sql.Row{c.fromName, c.toName, c.diffType, dataChange, schemaChange})
	}
	return rows, nil
}

// DiffStat is the dsql_diff_stat of one table.
type DiffStat struct {
	Table                                   string
	RowsUnmodified, RowsAdded, RowsDeleted  uint64
	RowsModified, CellsAdded, CellsDeleted  uint64
	CellsModified, OldRowCount, NewRowCount uint64
	OldCellCount, NewCellCount              uint64
}

func statRows(ctx *sql.Context, from, to repo.Root, table string) ([]sql.Row, error) {
	changes, err := changedTables(ctx, from, to, table)
	if err != nil {
		return nil, err
	}
	var rows []sql.Row
	for _, c := range changes {
		if c.diffType == TableRenamed {
			continue // no data change
		}
		s, err := tableStat(ctx, from, to, c)
		if err != nil {
			return nil, err
		}
		if s.RowsAdded+s.RowsDeleted+s.RowsModified == 0 {
			continue // no row changed (schema only, or an empty table created or dropped)
		}
		rows = append(rows, sql.Row{s.Table, s.RowsUnmodified, s.RowsAdded, s.RowsDeleted, s.RowsModified,
			s.CellsAdded, s.CellsDeleted, s.CellsModified, s.OldRowCount, s.NewRowCount, s.OldCellCount, s.NewCellCount})
	}
	return rows, nil
}

// tableStat counts the changes of one table: rows by a diff of the row maps, cells of a
// modified row by comparing its columns by name (a column on one side only counts as a
// changed cell when its value there is not NULL).
func tableStat(ctx *sql.Context, from, to repo.Root, c tableChange) (DiffStat, error) {
	s := DiffStat{Table: c.name()}
	var p tablePair
	if c.fromName != "" {
		t, _, err := from.Table(ctx, c.fromName)
		if err != nil {
			return s, err
		}
		if p.from, err = newTableView(t); err != nil {
			return s, err
		}
	}
	if c.toName != "" {
		t, _, err := to.Table(ctx, c.toName)
		if err != nil {
			return s, err
		}
		if p.to, err = newTableView(t); err != nil {
			return s, err
		}
	}
	var err error
	if s.OldRowCount, err = p.from.rowCount(ctx); err != nil {
		return s, err
	}
	if s.NewRowCount, err = p.to.rowCount(ctx); err != nil {
		return s, err
	}
	toSch, fromSch := p.schemas()
	if p.from != nil {
		s.OldCellCount = s.OldRowCount * uint64(len(fromSch))
	}
	if p.to != nil {
		s.NewCellCount = s.NewRowCount * uint64(len(toSch))
	}
	it, err := p.changes(ctx, nil)
	if err != nil {
		return s, err
	}
	for {
		ch, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return s, err
		}
		switch ch.typ {
		case DiffAdded:
			s.RowsAdded++
			s.CellsAdded += uint64(len(toSch))
		case DiffRemoved:
			s.RowsDeleted++
			s.CellsDeleted += uint64(len(fromSch))
		default:
			s.RowsModified++
			s.CellsModified += uint64(len(changedCells(ctx, ch.from, ch.to, fromSch, toSch)))
		}
	}
	s.RowsUnmodified = s.OldRowCount - s.RowsDeleted - s.RowsModified
	return s, nil
}

// changedCells returns the names of the columns whose values differ between a modified
// row's old (schema fromSch) and new (toSch) values, in toSch order then the dropped
// columns.
func changedCells(ctx context.Context, from, to sql.Row, fromSch, toSch sql.Schema) []string {
	var out []string
	for i, c := range toSch {
		j := fromSch.IndexOfColName(c.Name)
		var old any
		if j >= 0 {
			old = from[j]
		}
		if !valuesEqual(ctx, c.Type, old, to[i]) {
			out = append(out, c.Name)
		}
	}
	for j, c := range fromSch {
		if toSch.IndexOfColName(c.Name) < 0 && from[j] != nil {
			out = append(out, c.Name)
		}
	}
	return out
}

// valuesEqual reports whether a and b are the same value of type t: strings by their
// bytes, so that a change of only the case or accents of a value under a
// case-insensitive collation is a change, as MySQL stores it (backend.SameValue).
func valuesEqual(ctx context.Context, t sql.Type, a, b any) bool {
	return backend.SameValue(ctx, t, a, b)
}

// patchRows is the result of dsql_patch: the statements of the patch, numbered from 1.
func (f *diffFunc) patchRows(ctx *sql.Context, args []string) (sql.RowIter, error) {
	from, to, used, err := resolveRange(ctx, f.db, args)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	rest := args[used:]
	if len(rest) > 1 {
		return nil, fmt.Errorf("%s: expected (from, to[, table]) or ('from..to'[, table])", f.name)
	}
	table := ""
	if len(rest) == 1 {
		table = rest[0]
	}
	p, err := newPatchIter(ctx, from.root, to.root, table)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	var n uint64
	return &funcIter{next: func(ctx *sql.Context) (sql.Row, error) {
		s, err := p.Next(ctx)
		if err == io.EOF {
			return nil, io.EOF
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		n++
		return sql.Row{n, sideLabel(from), sideLabel(to), s.table, s.diffType, s.stmt}, nil
	}}, nil
}
