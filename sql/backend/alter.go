package backend

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// ALTER TABLE.
//
// Every change of a table's columns or primary key is a rewrite: the new schema's rows
// are collected from the old rows, sorted in memory (a table must fit in memory for now),
// written with prolly.Builder, and every secondary index is rebuilt from the new rows.
// The new table replaces the old one in the session's working root only when the rewrite
// completes, so a failing change (a value that does not convert, a duplicate key) leaves
// the table as it was, and schema changes commit and roll back with the transaction like
// DML.
//
// GMS drives most rewrites itself (sql.RewritableTable: it streams the old rows, projects
// and converts them into the new schema and hands them to RewriteInserter); the
// sql.AlterableTable and sql.PrimaryKeyAlterableTable methods do the same from the stored
// rows for the statements GMS does not rewrite (RENAME COLUMN, ALTER COLUMN SET/DROP
// DEFAULT).
//
// Indexes follow MySQL: a renamed column is renamed in every index, a dropped column is
// removed from every index, and an index left without columns is dropped. Metadata-only
// changes (comment, default collation, target row size, CHECK constraints) replace the schema and keep the
// row and index maps.

var (
	_ sql.AlterableTable              = (*Table)(nil)
	_ sql.RewritableTable             = (*Table)(nil)
	_ sql.PrimaryKeyAlterableTable    = (*Table)(nil)
	_ sql.CommentAlterableTable       = (*Table)(nil)
	_ sql.CollationAlterableTable     = (*Table)(nil)
	_ sql.TargetRowSizeAlterableTable = (*Table)(nil)
)

// ShouldRewriteTable implements sql.RewritableTable: every column and key change is a
// rewrite.
func (t *Table) ShouldRewriteTable(*sql.Context, sql.PrimaryKeySchema, sql.PrimaryKeySchema, *sql.Column, *sql.Column) bool {
	return true
}

// RewriteInserter implements sql.RewritableTable.
func (t *Table) RewriteInserter(ctx *sql.Context, oldSchema, newSchema sql.PrimaryKeySchema, oldColumn, newColumn *sql.Column, idxCols []sql.IndexColumn) (sql.RowInserter, error) {
	newSchema = withoutDroppedKeyColumns(newSchema)
	if oldColumn == nil && newColumn == nil && slices.Equal(oldSchema.PkOrdinals, newSchema.PkOrdinals) &&
		len(oldSchema.Schema) == len(newSchema.Schema) {
		// A UNIQUE index was added: CreateIndex has already built and checked it.
		return noopInserter{}, nil
	}
	if err := checkRowSize(oldSchema.Schema, newSchema.Schema); err != nil {
		return nil, err
	}
	if oldColumn == nil && newColumn != nil && !addsOnly(oldSchema.Schema, newSchema.Schema, newColumn.Name) {
		// GMS plans each clause of a multi-clause ALTER TABLE against the columns the
		// clauses before it leave, but places a column added FIRST last in that plan; the
		// rows it then hands over would be shifted into the wrong columns.
		return nil, sql.ErrUnsupportedFeature.New(fmt.Sprintf("ALTER TABLE %s: this ADD COLUMN %s follows a clause that changed the column order (such as ADD COLUMN ... FIRST); run it as a separate ALTER TABLE statement", t.meta.name, newColumn.Name))
	}
	if len(oldSchema.PkOrdinals) > 0 && len(newSchema.PkOrdinals) == 0 {
		if err := sql.ValidatePrimaryKeyDrop(ctx, t, oldSchema); err != nil {
			return nil, err
		}
	}
	for _, ic := range idxCols {
		i := newSchema.Schema.IndexOfColName(ic.Name)
		if i < 0 {
			return nil, sql.ErrKeyColumnDoesNotExist.New(ic.Name)
		}
		if c := newSchema.Schema[i]; c.PrimaryKey && ic.Length > 0 && types.IsText(c.Type) {
			return nil, sql.ErrUnsupportedIndexPrefix.New(c.Name)
		}
	}
	if oldColumn != nil && newColumn != nil {
		if err := checkBlankToNumber(ctx, t, oldSchema.Schema, oldColumn, newColumn); err != nil { // strictconv.go
			return nil, err
		}
	}
	renames := map[string]string{}
	if oldColumn != nil && newColumn != nil {
		renames[strings.ToLower(oldColumn.Name)] = newColumn.Name
	}
	if err := t.checkReferencedKeys(ctx, oldSchema, newSchema, renames); err != nil {
		return nil, err
	}
	w, err := t.newRewriter(ctx, newSchema, renames)
	if err != nil {
		return nil, err
	}
	// GMS converts the rows it scans from this Table next: hand temporal values over in
	// their MySQL form (altertemporal.go).
	t.alter = newAlterConversion(oldSchema.Schema.IndexOfColName(columnName(oldColumn)), oldColumn, newColumn)
	if oldColumn == nil && newColumn != nil {
		// An added NOT NULL ENUM without default takes its first member (alterenum.go).
		w.fill, w.fillValue = addedEnumFill(ctx, newSchema.Schema, newColumn)
		w.failRows = addedZeroDate(ctx, newColumn) // strictconv.go
	}
	return w, nil
}

func columnName(c *sql.Column) string {
	if c == nil {
		return ""
	}
	return c.Name
}

// withoutDroppedKeyColumns returns ps without the key ordinals of dropped columns. GMS
// maps the old primary key's columns into the new schema by name
// (sql.SchemaToPrimaryKeySchema), so DROP COLUMN of a key column leaves -1 among the
// ordinals; as in MySQL, the key loses that column (it shrinks, or the table has no
// primary key when it was the only one). The columns are copied, not changed.
func withoutDroppedKeyColumns(ps sql.PrimaryKeySchema) sql.PrimaryKeySchema {
	if !slices.ContainsFunc(ps.PkOrdinals, func(o int) bool { return o < 0 || o >= len(ps.Schema) }) {
		return ps
	}
	pks := []int{}
	for _, o := range ps.PkOrdinals {
		if o >= 0 && o < len(ps.Schema) {
			pks = append(pks, o)
		}
	}
	cols := copyColumns(ps.Schema)
	for i, c := range cols {
		c.PrimaryKey = slices.Contains(pks, i)
	}
	out := sql.NewPrimaryKeySchema(cols, pks...)
	out.PkOrdinals = pks
	return out
}

// addsOnly reports whether newSch is oldSch with the column added inserted somewhere:
// the other columns keep their order.
func addsOnly(oldSch, newSch sql.Schema, added string) bool {
	var rest []string
	for _, c := range newSch {
		if !strings.EqualFold(c.Name, added) {
			rest = append(rest, strings.ToLower(c.Name))
		}
	}
	if len(rest) != len(oldSch) || len(newSch) != len(oldSch)+1 {
		return false
	}
	for i, c := range oldSch {
		if rest[i] != strings.ToLower(c.Name) {
			return false
		}
	}
	return true
}

type noopInserter struct{}

func (noopInserter) Insert(*sql.Context, sql.Row) error                { return nil }
func (noopInserter) StatementBegin(*sql.Context)                       {}
func (noopInserter) DiscardChanges(*sql.Context, error) error          { return nil }
func (noopInserter) StatementComplete(*sql.Context) error              { return nil }
func (noopInserter) Close(*sql.Context) error                          { return nil }
func (noopInserter) String() string                                    { return "noopInserter" }
func (n noopInserter) WithIndexLookup(sql.IndexLookup) sql.RowInserter { return n }

// rewriter collects the rows of a table's new schema and, on Close, replaces the table
// in the session's working root. Not safe for concurrent use.
type rewriter struct {
	t         *Table
	rs        repo.Schema // the new schema
	m         *tableMeta  // its SQL view (row codecs)
	kd        tuple.Desc
	pk        []rewriteRow // primary-key tables
	keyless   map[string]*rewriteRow
	discarded bool
	fill      int // >= 0: the ordinal of an added column whose rows all take fillValue
	fillValue any
	// failRows, if not nil, is the error of the first row: the change is refused on a
	// table that has rows (addedZeroDate).
	failRows error
	n        int64 // rows inserted so far
}

type rewriteRow struct {
	k, v []byte
	row  sql.Row
	n    uint64 // keyless: copies
}

var _ sql.RowInserter = (*rewriter)(nil)

// newRewriter returns a rewriter to schema ps; renames maps folded old column names to
// new ones (for the indexes).
func (t *Table) newRewriter(ctx *sql.Context, ps sql.PrimaryKeySchema, renames map[string]string) (*rewriter, error) {
	_, _, rt, err := t.current(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := alteredSchema(rt.Schema(), ps, renames)
	if err != nil {
		return nil, err
	}
	m, err := newTableMeta(t.db.name, rs)
	if err != nil {
		return nil, err
	}
	kd, err := rs.KeyDesc()
	if err != nil {
		return nil, err
	}
	return &rewriter{t: t, rs: rs, m: m, kd: kd, keyless: map[string]*rewriteRow{}, fill: -1}, nil
}

// alteredSchema returns the repo schema of table cur changed to columns and key ps:
// comment, collation and checks are kept; indexes follow renamed and dropped columns.
func alteredSchema(cur repo.Schema, ps sql.PrimaryKeySchema, renames map[string]string) (repo.Schema, error) {
	// Primary-key columns are NOT NULL (MODIFY of a key column may omit it).
	cols := copyColumns(ps.Schema)
	for _, o := range ps.PkOrdinals {
		cols[o].Nullable = false
	}
	ps = sql.NewPrimaryKeySchema(cols, ps.PkOrdinals...)
	rs, err := toRepoSchema(cur.Name, ps, sql.Collation_Unspecified, cur.Comment)
	if err != nil {
		return repo.Schema{}, err
	}
	// Columns read from the stored schema carry their stored text unresolved; keep it
	// verbatim (String would parenthesize it, turning a literal into an expression).
	for i, c := range ps.Schema {
		if u, ok := defaultText(c.Default); ok {
			rs.Columns[i].Default = storedDefault(u, c.Nullable)
		}
		if u, ok := defaultText(c.Generated); ok {
			rs.Columns[i].Generated = u
		}
		if u, ok := defaultText(c.OnUpdate); ok {
			rs.Columns[i].OnUpdate = u
		}
	}
	rs.Collation = cur.Collation
	rs.TargetRowSize = cur.TargetRowSize
	rs.Checks = slices.Clone(cur.Checks)
	for _, ix := range cur.Indexes {
		nix := ix
		nix.Columns = nil
		for _, ic := range ix.Columns {
			name := ic.Name
			if n, ok := renames[strings.ToLower(name)]; ok {
				name = n
			}
			if o := rs.Column(name); o >= 0 {
				ic.Name = rs.Columns[o].Name
				nix.Columns = append(nix.Columns, ic)
			}
		}
		if len(nix.Columns) > 0 {
			rs.Indexes = append(rs.Indexes, nix)
		}
	}
	if err := rs.Validate(); err != nil {
		return repo.Schema{}, sql.ErrUnsupportedFeature.New(err.Error())
	}
	return rs, nil
}

// defaultText returns the stored text of an unresolved default or generation expression.
func defaultText(d *sql.ColumnDefaultValue) (string, bool) {
	if d == nil {
		return "", false
	}
	switch u := d.Expr.(type) {
	case *sql.UnresolvedColumnDefault:
		return u.ExprString, true
	case sql.UnresolvedColumnDefault:
		return u.ExprString, true
	}
	return "", false
}

// Insert implements sql.RowInserter. Rows are new values: their CHAR values are stored
// without trailing spaces (a column changed to CHAR loses them here).
func (w *rewriter) Insert(ctx *sql.Context, row sql.Row) error {
	if w.failRows != nil {
		return w.failRows
	}
	if w.fill >= 0 && w.fill < len(row) {
		row[w.fill] = w.fillValue
	}
	w.n++
	for i, c := range w.m.sch.Schema {
		if i >= len(row) {
			break
		}
		s, ok := row[i].(string)
		if !ok || !textType(c.Type) {
			continue
		}
		if pos := typeconv.Unrepresentable(c.Type, s); pos >= 0 { // strictconv.go
			fixed, err := fitCharset(ctx, c.Type, c.Name, s, pos, w.n, false)
			if err != nil {
				return err
			}
			row = row.Copy()
			row[i] = fixed
		}
	}
	row = typeconv.TrimCharRow(w.m.sch.Schema, row)
	if w.m.keyless {
		k, _, err := w.m.encodeKeyless(row, 1)
		if err != nil {
			return err
		}
		if r, ok := w.keyless[string(k)]; ok {
			r.n++
			return nil
		}
		w.keyless[string(k)] = &rewriteRow{k: k, row: row.Copy(), n: 1}
		return nil
	}
	for _, o := range w.m.sch.PkOrdinals {
		if row[o] == nil {
			return sql.ErrInsertIntoNonNullableProvidedNull.New(w.m.sch.Schema[o].Name)
		}
	}
	k, v, err := w.m.encodePK(row)
	if err != nil {
		return err
	}
	w.pk = append(w.pk, rewriteRow{k: k, v: v, row: row.Copy()})
	return nil
}

// StatementBegin implements sql.EditOpenerCloser.
func (w *rewriter) StatementBegin(*sql.Context) {}

// DiscardChanges implements sql.EditOpenerCloser: the table stays as it was.
func (w *rewriter) DiscardChanges(*sql.Context, error) error {
	w.t.alter = nil
	w.discarded = true
	w.pk, w.keyless = nil, nil
	return nil
}

// StatementComplete implements sql.EditOpenerCloser.
func (w *rewriter) StatementComplete(*sql.Context) error { return nil }

// Close implements sql.Closer: unless discarded, the rewritten table replaces the old one.
func (w *rewriter) Close(ctx *sql.Context) error {
	w.t.alter = nil
	if w.discarded {
		return nil
	}
	w.discarded = true // Close runs once
	rows := w.pk
	if w.m.keyless {
		rows = make([]rewriteRow, 0, len(w.keyless))
		for _, r := range w.keyless {
			k, v, err := w.m.encodeKeyless(r.row, r.n)
			if err != nil {
				return err
			}
			rows = append(rows, rewriteRow{k: k, v: v, row: r.row})
		}
	}
	cmp := w.kd.Compare
	slices.SortFunc(rows, func(a, b rewriteRow) int { return cmp(a.k, b.k) })
	for i := 1; i < len(rows); i++ {
		if cmp(rows[i-1].k, rows[i].k) == 0 {
			return dupKeyErr(ctx, w.m, nil, rows[i].row, rows[i-1].row)
		}
	}
	s, root, rt, err := w.t.current(ctx)
	if err != nil {
		return err
	}
	nt, err := rt.WithSchema(ctx, w.rs)
	if err != nil {
		return err
	}
	b := prolly.NewBuilder(root.NodeStore(), cmp)
	var autoMax uint64
	for _, r := range rows {
		if err := b.Add(ctx, r.k, r.v); err != nil {
			return err
		}
		if a := w.m.autoCol; a >= 0 && r.row[a] != nil {
			if v, _, err := types.Uint64.Convert(ctx, r.row[a]); err == nil {
				if u, ok := v.(uint64); ok && u > autoMax {
					autoMax = u
				}
			}
		}
	}
	built, err := b.Finish(ctx)
	if err != nil {
		return err
	}
	if nt, err = nt.WithRows(ctx, built); err != nil {
		return err
	}
	if nt, err = w.t.db.rebuildIndexes(ctx, nt); err != nil {
		return err
	}
	var autoInc uint64
	if w.m.autoCol >= 0 {
		autoInc = max(rt.AutoIncrement(), autoMax+1)
	}
	if autoInc != nt.AutoIncrement() {
		if nt, err = nt.WithAutoIncrement(ctx, autoInc); err != nil {
			return err
		}
	}
	return w.t.db.replaceTable(ctx, s, root, nt)
}

// rebuildIndexes rebuilds every secondary index of t from its rows.
func (db *Database) rebuildIndexes(ctx *sql.Context, t repo.Table) (repo.Table, error) {
	m, err := db.meta(t)
	if err != nil {
		return repo.Table{}, err
	}
	ixs, err := m.indexes()
	if err != nil {
		return repo.Table{}, err
	}
	for _, im := range ixs {
		if im.primary {
			continue
		}
		built, err := buildIndex(ctx, m, im, t.Rows())
		if err != nil {
			return repo.Table{}, err
		}
		if t, err = t.WithIndex(ctx, im.name, built); err != nil {
			return repo.Table{}, err
		}
	}
	return t, nil
}

// replaceTable puts t into root, drops the statement's pending edits of it (they were
// made against the old table) and makes root the session's working root.
func (db *Database) replaceTable(ctx *sql.Context, s Session, root repo.Root, t repo.Table) error {
	root, err := root.PutTable(ctx, t)
	if err != nil {
		return err
	}
	if es, err := s.Edits(ctx, db); err == nil {
		es.drop(t.Name())
	}
	return s.SetWorkingRoot(ctx, db, root)
}

// alterSchema applies fn to a copy of the table's current schema and stores the result,
// keeping the row and index maps (for changes that do not alter row encodings).
func (t *Table) alterSchema(ctx *sql.Context, fn func(rs *repo.Schema) error) error {
	s, root, rt, err := t.current(ctx)
	if err != nil {
		return err
	}
	rs := rt.Schema().Clone()
	if err := fn(&rs); err != nil {
		return err
	}
	nt, err := rt.WithSchema(ctx, rs)
	if err != nil {
		return err
	}
	return t.db.replaceTable(ctx, s, root, nt)
}

// rewriteWith rewrites the table's stored rows into schema ps, each row through project.
func (t *Table) rewriteWith(ctx *sql.Context, ps sql.PrimaryKeySchema, renames map[string]string, project func(sql.Row) (sql.Row, error)) error {
	_, _, rt, err := t.current(ctx)
	if err != nil {
		return err
	}
	cm, err := t.db.meta(rt)
	if err != nil {
		return err
	}
	w, err := t.newRewriter(ctx, ps, renames)
	if err != nil {
		return err
	}
	it, err := rt.Rows().Iter(ctx, prolly.All)
	if err != nil {
		return err
	}
	for {
		k, v, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		var row sql.Row
		n := uint64(1)
		if cm.keyless {
			row, n, err = cm.decodeKeyless(v)
		} else {
			row, err = cm.codec.Decode(k, v, nil)
		}
		if err != nil {
			return err
		}
		nr, err := project(row)
		if err != nil {
			return err
		}
		for ; n > 0; n-- {
			if err := w.Insert(ctx, nr); err != nil {
				return err
			}
		}
	}
	return w.Close(ctx)
}

// currentSchema returns the table's schema as the session sees it now (the Table value
// may predate an earlier change in the same statement).
func (t *Table) currentSchema(ctx *sql.Context) (sql.PrimaryKeySchema, error) {
	_, _, rt, err := t.current(ctx)
	if err != nil {
		return sql.PrimaryKeySchema{}, err
	}
	m, err := t.db.meta(rt)
	if err != nil {
		return sql.PrimaryKeySchema{}, err
	}
	return m.sch, nil
}

// withColumns returns the primary-key schema of cols whose key is the columns of old's
// key that are still present (renames: folded old name -> new name).
func withColumns(old sql.PrimaryKeySchema, cols sql.Schema, renames map[string]string) sql.PrimaryKeySchema {
	var pks []int
	for _, o := range old.PkOrdinals {
		name := old.Schema[o].Name
		if n, ok := renames[strings.ToLower(name)]; ok {
			name = n
		}
		if i := cols.IndexOfColName(name); i >= 0 {
			pks = append(pks, i)
		}
	}
	for i, c := range cols {
		c.PrimaryKey = slices.Contains(pks, i)
	}
	ps := sql.NewPrimaryKeySchema(cols, pks...)
	if ps.PkOrdinals == nil {
		ps.PkOrdinals = []int{}
	}
	return ps
}

// position returns where a column goes in a schema of n columns (without it) by order;
// def is used if order is nil.
func position(cols sql.Schema, order *sql.ColumnOrder, def int) (int, error) {
	switch {
	case order == nil:
		return def, nil
	case order.First:
		return 0, nil
	default:
		i := cols.IndexOfColName(order.AfterColumn)
		if i < 0 {
			return 0, sql.ErrTableColumnNotFound.New("", order.AfterColumn)
		}
		return i + 1, nil
	}
}

func copyColumns(s sql.Schema) sql.Schema {
	out := make(sql.Schema, len(s))
	for i, c := range s {
		cc := *c
		out[i] = &cc
	}
	return out
}

// AddColumn implements sql.AlterableTable (GMS normally rewrites instead): existing rows
// get the column's default (NULL, or the type's zero value for a NOT NULL column
// without one).
func (t *Table) AddColumn(ctx *sql.Context, column *sql.Column, order *sql.ColumnOrder) error {
	old, err := t.currentSchema(ctx)
	if err != nil {
		return err
	}
	if old.Schema.IndexOfColName(column.Name) >= 0 {
		return sql.ErrColumnExists.New(column.Name)
	}
	cols := copyColumns(old.Schema)
	at, err := position(cols, order, len(cols))
	if err != nil {
		return err
	}
	nc := *column
	nc.Source = t.meta.name
	cols = slices.Insert(cols, at, &nc)
	ps := withColumns(old, cols, nil)
	return t.rewriteWith(ctx, ps, nil, func(row sql.Row) (sql.Row, error) {
		nr := slices.Insert(row.Copy(), at, nil)
		var v any
		if nc.Default != nil && nc.Default.Resolved() {
			var err error
			if v, err = nc.Default.Eval(ctx, nr); err != nil {
				return nil, err
			}
		} else if ev, ok := implicitEnumDefault(ctx, &nc); ok {
			v = ev // an ENUM's first member (alterenum.go)
		} else if !nc.Nullable {
			v = nc.Type.Zero()
		}
		if v != nil {
			cv, _, err := nc.Type.Convert(ctx, v)
			if err != nil {
				return nil, err
			}
			v = cv
		}
		nr[at] = v
		return nr, nil
	})
}

// DropColumn implements sql.AlterableTable (GMS normally rewrites instead).
func (t *Table) DropColumn(ctx *sql.Context, columnName string) error {
	old, err := t.currentSchema(ctx)
	if err != nil {
		return err
	}
	i := old.Schema.IndexOfColName(columnName)
	if i < 0 {
		return sql.ErrTableColumnNotFound.New(t.meta.name, columnName)
	}
	cols := slices.Delete(copyColumns(old.Schema), i, i+1)
	next := withColumns(old, cols, nil)
	if err := t.checkReferencedKeys(ctx, old, next, nil); err != nil {
		return err
	}
	return t.rewriteWith(ctx, next, nil, func(row sql.Row) (sql.Row, error) {
		return slices.Delete(row.Copy(), i, i+1), nil
	})
}

// ModifyColumn implements sql.AlterableTable: RENAME COLUMN, ALTER COLUMN SET/DROP
// DEFAULT, and (when GMS does not rewrite) MODIFY/CHANGE COLUMN. Values are converted to
// the new type with GMS's conversion; a value that does not fit fails the statement and
// leaves the table unchanged.
func (t *Table) ModifyColumn(ctx *sql.Context, columnName string, column *sql.Column, order *sql.ColumnOrder) error {
	// GMS's ALTER COLUMN SET/DROP DEFAULT edits the *sql.Column of Schema() in place:
	// forget the cached view of the current schema so that no later reader sees it.
	if _, _, rt, err := t.current(ctx); err == nil {
		defer t.db.metas.Delete(rt.SchemaHash())
	}
	old, err := t.currentSchema(ctx)
	if err != nil {
		return err
	}
	from := old.Schema.IndexOfColName(columnName)
	if from < 0 {
		return sql.ErrTableColumnNotFound.New(t.meta.name, columnName)
	}
	if j := old.Schema.IndexOfColName(column.Name); j >= 0 && j != from {
		return sql.ErrColumnExists.New(column.Name)
	}
	oldCol := old.Schema[from]
	nc := *column
	nc.Source = t.meta.name
	nc.PrimaryKey = oldCol.PrimaryKey
	if nc.PrimaryKey {
		nc.Nullable = false
	}
	cols := slices.Delete(copyColumns(old.Schema), from, from+1)
	to, err := position(cols, order, from)
	if err != nil {
		return err
	}
	cols = slices.Insert(cols, to, &nc)
	renames := map[string]string{strings.ToLower(oldCol.Name): nc.Name}
	ps := withColumns(old, cols, renames)
	same := oldCol.Type.Equals(nc.Type)
	return t.rewriteWith(ctx, ps, renames, func(row sql.Row) (sql.Row, error) {
		nr := row.Copy()
		v := nr[from]
		nr = slices.Delete(nr, from, from+1)
		if !same && v != nil {
			cv, inRange, err := alterConvert(ctx, v, oldCol.Type, nc.Type)
			if err != nil {
				return nil, err
			}
			if inRange != sql.InRange {
				return nil, sql.ErrValueOutOfRange.New(v, nc.Type)
			}
			v = cv
		}
		if v == nil && !nc.Nullable {
			return nil, sql.ErrInsertIntoNonNullableProvidedNull.New(nc.Name)
		}
		return slices.Insert(nr, to, v), nil
	})
}

// CreatePrimaryKey implements sql.PrimaryKeyAlterableTable (GMS normally rewrites
// instead). Duplicate keys fail the statement and leave the table unchanged.
func (t *Table) CreatePrimaryKey(ctx *sql.Context, columns []sql.IndexColumn) error {
	old, err := t.currentSchema(ctx)
	if err != nil {
		return err
	}
	if len(old.PkOrdinals) > 0 {
		return sql.ErrMultiplePrimaryKeysDefined.New()
	}
	cols := copyColumns(old.Schema)
	var pks []int
	for _, ic := range columns {
		i := cols.IndexOfColName(ic.Name)
		if i < 0 {
			return sql.ErrKeyColumnDoesNotExist.New(ic.Name)
		}
		if ic.Length > 0 && types.IsText(cols[i].Type) {
			return sql.ErrUnsupportedIndexPrefix.New(cols[i].Name)
		}
		cols[i].PrimaryKey, cols[i].Nullable = true, false
		pks = append(pks, i)
	}
	ps := sql.NewPrimaryKeySchema(cols, pks...)
	return t.rewriteWith(ctx, ps, nil, func(row sql.Row) (sql.Row, error) { return row, nil })
}

// DropPrimaryKey implements sql.PrimaryKeyAlterableTable (GMS normally rewrites instead).
func (t *Table) DropPrimaryKey(ctx *sql.Context) error {
	old, err := t.currentSchema(ctx)
	if err != nil {
		return err
	}
	if len(old.PkOrdinals) == 0 {
		return sql.ErrCantDropFieldOrKey.New("PRIMARY")
	}
	if err := sql.ValidatePrimaryKeyDrop(ctx, t, old); err != nil {
		return err
	}
	cols := copyColumns(old.Schema)
	for _, c := range cols {
		c.PrimaryKey = false
	}
	ps := sql.NewPrimaryKeySchema(cols)
	ps.PkOrdinals = []int{}
	if err := t.checkReferencedKeys(ctx, old, ps, nil); err != nil {
		return err
	}
	return t.rewriteWith(ctx, ps, nil, func(row sql.Row) (sql.Row, error) { return row, nil })
}

// ModifyComment implements sql.CommentAlterableTable.
func (t *Table) ModifyComment(ctx *sql.Context, comment string) error {
	return t.alterSchema(ctx, func(rs *repo.Schema) error {
		rs.Comment = comment
		return nil
	})
}

// ModifyTargetRowSize implements sql.TargetRowSizeAlterableTable (the table option
// TARGET_ROW_SIZE or TOAST_TUPLE_TARGET of CREATE TABLE): the value is kept in the schema
// and shown by SHOW CREATE TABLE; it does not change how rows are stored.
func (t *Table) ModifyTargetRowSize(ctx *sql.Context, sizeInBytes uint64) error {
	return t.alterSchema(ctx, func(rs *repo.Schema) error {
		rs.TargetRowSize = sizeInBytes
		return nil
	})
}

// ModifyDefaultCollation implements sql.CollationAlterableTable (ALTER TABLE ... COLLATE):
// the table's default collation, used by columns added later; existing columns keep
// theirs.
func (t *Table) ModifyDefaultCollation(ctx *sql.Context, collation sql.CollationID) error {
	return t.alterSchema(ctx, func(rs *repo.Schema) error {
		if _, ok := tuple.CollationByName(collation.Name()); !ok {
			return sql.ErrUnsupportedFeature.New(fmt.Sprintf("collation %s", collation.Name()))
		}
		rs.Collation = collation.Name()
		return nil
	})
}

// ModifyStoredCollation implements sql.CollationAlterableTable (ALTER TABLE ... CONVERT TO
// CHARACTER SET): not supported yet.
func (t *Table) ModifyStoredCollation(*sql.Context, sql.CollationID) error {
	return sql.ErrUnsupportedFeature.New("ALTER TABLE ... CONVERT TO CHARACTER SET")
}
