package systables

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// The diff_type values of dsql_patch.
const (
	PatchSchema = "schema"
	PatchData   = "data"
)

// patchColumns are the columns of dsql_patch.
var patchColumns = []column{
	{name: "statement_order", typ: uint64Type},
	{name: "from_commit_hash", typ: textType, nullable: true},
	{name: "to_commit_hash", typ: textType},
	{name: "table_name", typ: textType},
	{name: "diff_type", typ: textType},
	{name: "statement", typ: textType},
}

// A patch is the SQL that turns the tables of one root into those of another. For each
// changed table (in name order) come its schema statements, then its data statements:
//
//   - created: CREATE TABLE (columns, primary key, indexes, checks, collation, comment),
//     then one INSERT per row;
//   - dropped: DROP TABLE;
//   - renamed: RENAME TABLE old TO new, then what changed besides the name;
//   - modified schema: ALTER TABLE statements, each doing one thing, in an order that
//     is always valid: DROP CHECK, DROP INDEX, DROP PRIMARY KEY, DROP COLUMN, ADD COLUMN /
//     MODIFY COLUMN (with FIRST / AFTER where the position changed), ADD PRIMARY KEY,
//     ADD INDEX, ADD CONSTRAINT ... CHECK, then table COMMENT and COLLATE;
//   - modified rows of a primary-key table: INSERT, UPDATE of the changed columns and
//     DELETE, by primary key, in key order;
//   - keyless tables: DELETE ... LIMIT n for n fewer copies of a row, one INSERT of n
//     rows for n more;
//   - a changed primary key: rows cannot be matched, so DELETE FROM t and an INSERT of
//     every row.
//
// Values are written as literals that MySQL parses back to the same value: numbers bare,
// binary strings as X'..', everything else quoted and escaped. Generated columns are
// never written. Not covered: foreign keys (they live on the root, not the table),
// triggers and views (rows of dsql_schemas, patched as data), AUTO_INCREMENT counters.

// patchStmt is one statement of a patch.
type patchStmt struct {
	table, diffType, stmt string
}

// patchIter streams the statements of a patch, table by table; data statements are
// produced from the row diff as they are read. Not safe for concurrent use.
type patchIter struct {
	from, to repo.Root
	tables   []tableChange
	pending  []patchStmt
	data     *patchData // the current table's data, if any
	schema   bool       // produce schema statements
	rows     bool       // produce data statements
}

// newPatchIter returns the patch from -> to of table (every changed table if "").
func newPatchIter(ctx context.Context, from, to repo.Root, table string) (*patchIter, error) {
	tables, err := changedTables(ctx, from, to, table)
	if err != nil {
		return nil, err
	}
	return &patchIter{from: from, to: to, tables: tables, schema: true, rows: true}, nil
}

// Next returns the next statement, or io.EOF.
func (p *patchIter) Next(ctx context.Context) (patchStmt, error) {
	for {
		if len(p.pending) > 0 {
			s := p.pending[0]
			p.pending = p.pending[1:]
			return s, nil
		}
		if p.data != nil {
			s, err := p.data.next(ctx)
			if err == nil {
				return s, nil
			}
			if err != io.EOF {
				return patchStmt{}, err
			}
			p.data = nil
		}
		if len(p.tables) == 0 {
			return patchStmt{}, io.EOF
		}
		c := p.tables[0]
		p.tables = p.tables[1:]
		if err := p.startTable(ctx, c); err != nil {
			return patchStmt{}, err
		}
	}
}

// startTable queues the schema statements of one changed table and opens its data diff.
func (p *patchIter) startTable(ctx context.Context, c tableChange) error {
	var pair tablePair
	var ft, tt repo.Table
	if c.fromName != "" {
		t, _, err := p.from.Table(ctx, c.fromName)
		if err != nil {
			return err
		}
		ft = t
		if pair.from, err = newTableView(t); err != nil {
			return err
		}
	}
	if c.toName != "" {
		t, _, err := p.to.Table(ctx, c.toName)
		if err != nil {
			return err
		}
		tt = t
		if pair.to, err = newTableView(t); err != nil {
			return err
		}
	}
	name := c.name()
	var stmts []string
	rekeyed := false
	switch {
	case pair.from == nil:
		stmts = []string{createTableStatement(tt.Schema())}
	case pair.to == nil:
		stmts = []string{"DROP TABLE " + quoteIdent(c.fromName) + ";"}
	default:
		if c.fromName != c.toName {
			stmts = append(stmts, "RENAME TABLE "+quoteIdent(c.fromName)+" TO "+quoteIdent(c.toName)+";")
		}
		if ft.SchemaHash() != tt.SchemaHash() {
			stmts = append(stmts, alterStatements(ft.Schema(), tt.Schema())...)
		}
		rekeyed = pair.from.keyless != pair.to.keyless || !reflect.DeepEqual(pair.from.keyDesc, pair.to.keyDesc)
	}
	if p.schema {
		for _, s := range stmts {
			p.pending = append(p.pending, patchStmt{table: name, diffType: PatchSchema, stmt: s})
		}
	}
	if !p.rows || pair.to == nil {
		return nil
	}
	d := &patchData{table: name, to: pair.to, pk: tt.Schema().PrimaryKey}
	switch {
	case rekeyed:
		// Rows cannot be matched by key: replace them all.
		p.pending = append(p.pending, patchStmt{table: name, diffType: PatchData, stmt: "DELETE FROM " + quoteIdent(name) + ";"})
		it, err := (tablePair{to: pair.to}).changes(ctx, nil)
		if err != nil {
			return err
		}
		d.it = it
	case pair.from != nil && pair.from.t.Rows().Hash() == pair.to.t.Rows().Hash():
		return nil
	default:
		it, err := pair.changes(ctx, nil)
		if errors.Is(err, ErrPrimaryKeyChanged) {
			return fmt.Errorf("table %q: %w", name, err)
		}
		if err != nil {
			return err
		}
		d.it = it
		if pair.from != nil {
			d.fromSch = pair.from.sch
		}
	}
	p.data = d
	return nil
}

// patchData turns the row changes of one table into statements.
type patchData struct {
	table   string
	to      *tableView
	fromSch sql.Schema // nil: every change is an insert
	pk      []int
	it      *changeIter
}

func (d *patchData) next(ctx context.Context) (patchStmt, error) {
	for {
		ch, err := d.it.Next(ctx)
		if err != nil {
			return patchStmt{}, err
		}
		// A keyless row's copies come as repeats of one change: one statement for all.
		n := d.it.repeat + 1
		d.it.repeat = 0
		var s string
		switch ch.typ {
		case DiffAdded:
			s = d.insert(ctx, ch.to, n)
		case DiffRemoved:
			s = d.delete(ctx, ch.from, n)
		default:
			s = d.update(ctx, ch.from, ch.to)
		}
		if s != "" {
			return patchStmt{table: d.table, diffType: PatchData, stmt: s}, nil
		}
	}
}

func (d *patchData) insert(ctx context.Context, row sql.Row, n uint64) string {
	var names, vals []string
	for i, c := range d.to.sch {
		if d.to.t.Schema().Columns[i].Generated != "" {
			continue
		}
		names = append(names, quoteIdent(c.Name))
		vals = append(vals, sqlLiteral(ctx, c.Type, row[i]))
	}
	tuple := "(" + strings.Join(vals, ",") + ")"
	tuples := make([]string, n)
	for i := range tuples {
		tuples[i] = tuple
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES %s;", quoteIdent(d.table), strings.Join(names, ","), strings.Join(tuples, ","))
}

// where is the WHERE clause that finds row (of schema sch): by primary key, or by every
// column for a keyless table.
func (d *patchData) where(ctx context.Context, row sql.Row, sch sql.Schema) string {
	var conds []string
	cond := func(c *sql.Column, v any) {
		if v == nil {
			conds = append(conds, quoteIdent(c.Name)+" IS NULL")
			return
		}
		conds = append(conds, quoteIdent(c.Name)+" = "+sqlLiteral(ctx, c.Type, v))
	}
	if len(d.pk) > 0 && !d.to.keyless {
		for _, o := range d.pk {
			c := d.to.sch[o]
			j := sch.IndexOfColName(c.Name)
			if j < 0 {
				continue
			}
			cond(c, row[j])
		}
	} else {
		for i, c := range sch {
			cond(c, row[i])
		}
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

func (d *patchData) delete(ctx context.Context, row sql.Row, n uint64) string {
	s := "DELETE FROM " + quoteIdent(d.table) + d.where(ctx, row, d.fromSch)
	if d.to.keyless {
		s += " LIMIT " + strconv.FormatUint(n, 10)
	}
	return s + ";"
}

func (d *patchData) update(ctx context.Context, from, to sql.Row) string {
	var sets []string
	for i, c := range d.to.sch {
		if d.to.t.Schema().Columns[i].Generated != "" {
			continue
		}
		// A column new since from holds its default after ADD COLUMN: always set it.
		if j := d.fromSch.IndexOfColName(c.Name); j >= 0 {
			old := from[j]
			if old != nil && !reflect.DeepEqual(d.fromSch[j].Type, c.Type) {
				if cv, _, err := c.Type.Convert(ctx, old); err == nil {
					old = cv
				}
			}
			if valuesEqual(ctx, c.Type, old, to[i]) {
				continue
			}
		}
		sets = append(sets, quoteIdent(c.Name)+" = "+sqlLiteral(ctx, c.Type, to[i]))
	}
	if len(sets) == 0 {
		return ""
	}
	return "UPDATE " + quoteIdent(d.table) + " SET " + strings.Join(sets, ", ") + d.where(ctx, to, d.to.sch) + ";"
}

// quoteIdent quotes a MySQL identifier.
func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// quoteString quotes a MySQL string literal.
func quoteString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "\x00", `\0`, "\x1a", `\Z`)
	return "'" + r.Replace(s) + "'"
}

// sqlLiteral renders v, a value of type t, as a literal MySQL reads back as the same
// value.
func sqlLiteral(ctx context.Context, t sql.Type, v any) string {
	if v == nil {
		return "NULL"
	}
	if types.IsBit(t) {
		if cv, _, err := types.Uint64.Convert(ctx, v); err == nil {
			return fmt.Sprint(cv)
		}
	}
	sctx, ok := ctx.(*sql.Context)
	if !ok {
		sctx = sql.NewContext(ctx)
	}
	sv, err := t.SQL(sctx, nil, v)
	if err != nil || sv.IsNull() {
		return quoteString(fmt.Sprint(v))
	}
	switch {
	case types.IsJSON(t):
		return quoteString(sv.ToString())
	case types.IsInteger(t) || types.IsFloat(t) || types.IsDecimal(t) || types.IsYear(t):
		return sv.ToString()
	case types.IsBinaryType(t) || types.IsGeometry(t):
		return "X'" + hex.EncodeToString(sv.Raw()) + "'"
	}
	return quoteString(sv.ToString())
}

// tableCollation returns the collation of a schema (the default if it names none).
func tableCollation(rs repo.Schema) sql.CollationID {
	if rs.Collation != "" {
		if c, err := sql.ParseCollation("", rs.Collation, false); err == nil {
			return c
		}
	}
	return sql.Collation_Default
}

// columnDefinition is the definition of column c of a table of collation coll, as
// CREATE TABLE and ALTER TABLE ... ADD/MODIFY COLUMN take it, laid out as SHOW CREATE
// TABLE lays it out (server/showcreate.go): DEFAULT NULL for a nullable column without
// a default (but BLOB, TEXT, AUTO_INCREMENT and generated ones), NULL after a nullable
// TIMESTAMP, VIRTUAL or STORED, NOT NULL after the generation expression.
func columnDefinition(c repo.Column, coll sql.CollationID) string {
	typ := c.SQLType
	t, err := typeconv.TypeFor(c.SQLType)
	known := err == nil
	if known {
		switch tt := t.(type) {
		case types.EnumType, types.SetType:
			// keep TypeString's spelling of the members
		case sql.TypeWithCollation:
			if st, ok := t.(sql.StringType); !ok || st.CharacterSet() != sql.CharacterSet_binary {
				typ = tt.StringWithTableCollation(coll)
			}
		}
	}
	s := quoteIdent(c.Name) + " " + typ
	if c.Generated != "" {
		g := c.Generated
		if !strings.HasPrefix(g, "(") {
			g = "(" + g + ")"
		}
		s += " GENERATED ALWAYS AS " + g
		if c.GeneratedStored {
			s += " STORED"
		} else {
			s += " VIRTUAL"
		}
	}
	if !c.Type.Nullable {
		s += " NOT NULL"
	} else if known && types.IsTimestampType(t) {
		s += " NULL"
	}
	switch {
	case c.Generated != "" || c.AutoIncrement:
	case c.Default != "":
		s += " DEFAULT " + c.Default
	case c.Type.Nullable && known && !backend.IsBlobOrText(t):
		s += " DEFAULT NULL"
	}
	if c.OnUpdate != "" {
		s += " ON UPDATE " + c.OnUpdate
	}
	if c.AutoIncrement {
		s += " AUTO_INCREMENT"
	}
	if c.Comment != "" {
		s += " COMMENT " + quoteString(c.Comment)
	}
	return s
}

// indexDefinition is the definition of ix after ADD or inside CREATE TABLE.
func indexDefinition(ix repo.Index) string {
	cols := make([]string, len(ix.Columns))
	for i, c := range ix.Columns {
		cols[i] = quoteIdent(c.Name)
		if c.Prefix > 0 {
			cols[i] += "(" + strconv.Itoa(c.Prefix) + ")"
		}
	}
	s := "KEY " + quoteIdent(ix.Name) + " (" + strings.Join(cols, ",") + ")"
	if ix.Unique {
		s = "UNIQUE " + s
	}
	if ix.Comment != "" {
		s += " COMMENT " + quoteString(ix.Comment)
	}
	return s
}

func checkDefinition(c repo.Check) string {
	s := "CONSTRAINT " + quoteIdent(c.Name) + " CHECK (" + c.Expr + ")"
	if !c.Enforced {
		s += " NOT ENFORCED"
	}
	return s
}

func pkDefinition(rs repo.Schema) string {
	cols := make([]string, len(rs.PrimaryKey))
	for i, o := range rs.PrimaryKey {
		cols[i] = quoteIdent(rs.Columns[o].Name)
	}
	return "PRIMARY KEY (" + strings.Join(cols, ",") + ")"
}

// createTableStatement is the CREATE TABLE statement of rs, laid out as SHOW CREATE TABLE
// lays it out.
func createTableStatement(rs repo.Schema) string {
	coll := tableCollation(rs)
	var defs []string
	for _, c := range rs.Columns {
		defs = append(defs, "  "+columnDefinition(c, coll))
	}
	if len(rs.PrimaryKey) > 0 {
		defs = append(defs, "  "+pkDefinition(rs))
	}
	for _, ix := range rs.Indexes {
		defs = append(defs, "  "+indexDefinition(ix))
	}
	for _, c := range rs.Checks {
		defs = append(defs, "  "+checkDefinition(c))
	}
	s := fmt.Sprintf("CREATE TABLE %s (\n%s\n) ENGINE=InnoDB DEFAULT CHARSET=%s COLLATE=%s",
		quoteIdent(rs.Name), strings.Join(defs, ",\n"), coll.CharacterSet().Name(), coll.Name())
	if rs.Comment != "" {
		s += " COMMENT=" + quoteString(rs.Comment)
	}
	return s + ";"
}

// alterStatements returns the ALTER TABLE statements that turn table schema from into
// to (named as to is). Columns are matched by name (case-insensitively): a renamed column
// is a dropped and an added one.
func alterStatements(from, to repo.Schema) []string {
	tbl := "ALTER TABLE " + quoteIdent(to.Name) + " "
	var out []string
	add := func(s string) { out = append(out, tbl+s+";") }
	coll := tableCollation(to)
	fromColl := tableCollation(from)

	// Checks and indexes that went or changed.
	for _, c := range from.Checks {
		if i := findCheck(to.Checks, c.Name); i < 0 || !reflect.DeepEqual(to.Checks[i], c) {
			add("DROP CHECK " + quoteIdent(c.Name))
		}
	}
	for _, ix := range from.Indexes {
		if i := to.Index(ix.Name); i < 0 || !reflect.DeepEqual(to.Indexes[i], ix) {
			add("DROP INDEX " + quoteIdent(ix.Name))
		}
	}
	pkNames := func(rs repo.Schema) []string {
		var ns []string
		for _, o := range rs.PrimaryKey {
			ns = append(ns, strings.ToLower(rs.Columns[o].Name))
		}
		return ns
	}
	pkChanged := !slices.Equal(pkNames(from), pkNames(to))
	if pkChanged && len(from.PrimaryKey) > 0 {
		add("DROP PRIMARY KEY")
	}
	// Columns: drop, then add or modify in the new order.
	var cur []string // the column names as the statements so far leave them
	for _, c := range from.Columns {
		if to.Column(c.Name) < 0 {
			add("DROP COLUMN " + quoteIdent(c.Name))
			continue
		}
		cur = append(cur, c.Name)
	}
	for i, c := range to.Columns {
		pos := " FIRST"
		if i > 0 {
			pos = " AFTER " + quoteIdent(to.Columns[i-1].Name)
		}
		j := from.Column(c.Name)
		if j < 0 {
			add("ADD COLUMN " + columnDefinition(c, coll) + pos)
			cur = slices.Insert(cur, i, c.Name)
			continue
		}
		k := slices.IndexFunc(cur, func(n string) bool { return strings.EqualFold(n, c.Name) })
		old := from.Columns[j]
		same := columnDefinition(old, fromColl) == columnDefinition(c, coll)
		if same && k == i {
			continue
		}
		if k == i {
			pos = ""
		}
		add("MODIFY COLUMN " + columnDefinition(c, coll) + pos)
		cur = slices.Delete(cur, k, k+1)
		cur = slices.Insert(cur, i, c.Name)
	}
	if pkChanged && len(to.PrimaryKey) > 0 {
		add("ADD " + pkDefinition(to))
	}
	for _, ix := range to.Indexes {
		if i := from.Index(ix.Name); i < 0 || !reflect.DeepEqual(from.Indexes[i], ix) {
			add("ADD " + indexDefinition(ix))
		}
	}
	for _, c := range to.Checks {
		if i := findCheck(from.Checks, c.Name); i < 0 || !reflect.DeepEqual(from.Checks[i], c) {
			add("ADD " + checkDefinition(c))
		}
	}
	if from.Comment != to.Comment {
		add("COMMENT = " + quoteString(to.Comment))
	}
	if coll != fromColl {
		add("COLLATE = " + coll.Name())
	}
	return out
}

func findCheck(cs []repo.Check, name string) int {
	return slices.IndexFunc(cs, func(c repo.Check) bool { return strings.EqualFold(c.Name, name) })
}
