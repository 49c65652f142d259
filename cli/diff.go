package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/vt/sqlparser"
	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"
)

// Formats of dsql diff -r.
const (
	diffFormatTabular = "tabular"
	diffFormatSQL     = "sql"
	diffFormatJSON    = "json"
)

// diffOptions holds the flags of "dsql diff" and its test seams.
type diffOptions struct {
	staged   bool   // --staged / --cached: HEAD vs STAGED
	stat     bool   // --stat
	summary  bool   // --summary
	nameOnly bool   // --name-only
	schema   bool   // --schema: only schema changes
	data     bool   // --data: only data changes
	format   string // -r
	where    string // --where
	limit    int    // --limit (0: none)
	color    string // --color: auto, always or never

	dir  string
	term termOptions
}

func newDiffCommand() *cobra.Command {
	var opts diffOptions
	cmd := &cobra.Command{
		Use:   "diff [from [to]] [tables...]",
		Short: "Show the rows and tables that differ between two revisions",
		Example: `  # Uncommitted changes (working set vs HEAD)
  dsql diff

  # Staged changes, one table
  dsql diff --staged orders

  # Between two commits, as a runnable SQL patch
  dsql diff HEAD~1 HEAD -r sql

  # Counts only, and only some rows
  dsql diff main feature --stat
  dsql diff HEAD~3 --where "to_total > 100" --limit 10`,
		Long: `Compares two revisions table by table and row by row (by primary key; keyless tables
by whole row). With no revision it compares HEAD with the working set (--staged: with the
staged set); with one, that revision with the working set; 'a..b' and 'a...b' (from the
merge base) are accepted. Arguments after the revisions that name tables limit the diff to
those tables. Revisions may also be WORKING or STAGED.

Formats (-r): tabular (the schema statements of a table whose schema changed, then a
marker column: + added, - removed, < a modified row's old values, > its new values; the
cells of a modified row that changed are coloured on a terminal, old red and new green,
and otherwise marked as git's --word-diff=plain marks words, [-old-] on the < row and
{+new+} on the > row; a column only one side has is not marked), sql (a patch:
CREATE/DROP/RENAME TABLE and ALTER TABLE for schema changes, then INSERT, UPDATE and
DELETE, one statement per line), json (schema_diff holds the same schema statements).
The schema statements are those of dsql_patch(). --schema shows only schema changes,
--data only data changes. --stat prints row and cell counts, --summary one line per
changed table, --name-only the changed tables' names. --where filters rows with an
expression on the to_ and from_ columns of dsql_diff(); --limit caps the rows per table.
--color auto (the default) colours output to a terminal unless NO_COLOR is set; always
and never force it on or off.

This reads dsql_diff_summary(), dsql_diff_stat(), dsql_diff() and dsql_patch() on the
repository's embedded engine.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(cmd.Context(), opts, args, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.staged, "staged", false, "compare HEAD with the staged set instead of the working set")
	f.BoolVar(&opts.staged, "cached", false, "same as --staged")
	f.BoolVar(&opts.stat, "stat", false, "print row and cell counts instead of rows")
	f.BoolVar(&opts.summary, "summary", false, "print one line per changed table")
	f.BoolVar(&opts.nameOnly, "name-only", false, "print only the names of the changed tables")
	f.BoolVar(&opts.schema, "schema", false, "show only schema changes (tables whose schema changed, and their statements)")
	f.BoolVar(&opts.data, "data", false, "show only data changes (tables whose rows changed, and their rows)")
	f.StringVarP(&opts.format, "result-format", "r", diffFormatTabular, "output format: tabular, sql or json")
	f.StringVar(&opts.where, "where", "", "only rows matching this expression on to_<col> and from_<col> columns")
	f.IntVar(&opts.limit, "limit", 0, "at most this many rows per table (0: all)")
	f.StringVar(&opts.color, "color", colorAuto, "colour the output: auto (on a terminal without NO_COLOR), always or never")
	return cmd
}

// diffTableEntry is one changed table, a row of dsql_diff_summary.
type diffTableEntry struct {
	from, to     string // names ("" where the table does not exist)
	diffType     string // added, dropped, modified, renamed
	dataChange   bool
	schemaChange bool
}

func (t diffTableEntry) name() string {
	if t.to != "" {
		return t.to
	}
	return t.from
}

func runDiff(ctx context.Context, opts diffOptions, args []string, stdout io.Writer) error {
	switch opts.format {
	case diffFormatTabular, diffFormatSQL, diffFormatJSON:
	default:
		return fmt.Errorf("unknown result format %q: use tabular, sql or json", opts.format)
	}
	if opts.limit < 0 {
		return fmt.Errorf("--limit must not be negative")
	}
	if opts.schema && opts.data {
		return usageErrorf("--schema and --data exclude each other")
	}
	paint, err := colorPainter(opts.color, stdout, opts.term)
	if err != nil {
		return err
	}
	return withRepository(ctx, opts.dir, "SELECT * FROM dsql_diff('HEAD', 'WORKING', 'table')", func(s *vcsSession) error {
		rangeArgs, tables, err := diffArgs(s, opts, args)
		if err != nil {
			return err
		}
		entries, err := diffSummary(s, rangeArgs, tables)
		if err != nil {
			return err
		}
		if opts.schema || opts.data {
			kept := entries[:0]
			for _, e := range entries {
				if (opts.schema && e.schemaChange) || (opts.data && e.dataChange) {
					kept = append(kept, e)
				}
			}
			entries = kept
		}
		d := &differ{s: s, opts: opts, rangeArgs: rangeArgs, w: stdout, paint: paint}
		switch {
		case opts.nameOnly:
			for _, e := range entries {
				fmt.Fprintln(stdout, e.name())
			}
			return nil
		case opts.summary:
			return d.writeSummary(entries)
		case opts.stat:
			return d.writeStat(entries)
		case opts.format == diffFormatJSON:
			return d.writeJSON(entries)
		}
		for _, e := range entries {
			if err := d.writeTable(e); err != nil {
				return err
			}
		}
		return nil
	})
}

// diffArgs splits the arguments into the revision arguments of the diff functions and
// the tables: leading arguments that are not tables of the working set are revisions.
func diffArgs(s *vcsSession, opts diffOptions, args []string) (rangeArgs, tables []string, err error) {
	_, rows, err := s.query("SHOW TABLES")
	if err != nil {
		return nil, nil, err
	}
	known := map[string]bool{}
	for _, r := range rows {
		known[strings.ToLower(str(r[0]))] = true
	}
	var revs []string
	for i, a := range args {
		if known[strings.ToLower(a)] || len(revs) == 2 || (len(revs) == 1 && strings.Contains(revs[0], "..")) {
			tables = args[i:]
			break
		}
		revs = append(revs, a)
	}
	to := "WORKING"
	if opts.staged {
		to = "STAGED"
	}
	switch {
	case len(revs) == 0:
		return []string{"HEAD", to}, tables, nil
	case len(revs) == 1 && strings.Contains(revs[0], ".."):
		return revs, tables, nil
	case len(revs) == 1:
		return []string{revs[0], to}, tables, nil
	}
	return revs, tables, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys(ss ...string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// diffSummary returns the changed tables (only those named in tables, if any), sorted by
// name.
func diffSummary(s *vcsSession, rangeArgs, tables []string) ([]diffTableEntry, error) {
	_, rows, err := s.query("SELECT from_table_name, to_table_name, diff_type, data_change, schema_change FROM dsql_diff_summary("+
		placeholders(len(rangeArgs))+")", anys(rangeArgs...)...)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, t := range tables {
		want[strings.ToLower(t)] = true
	}
	var out []diffTableEntry
	for _, r := range rows {
		e := diffTableEntry{from: str(r[0]), to: str(r[1]), diffType: str(r[2]), dataChange: truthy(r[3]), schemaChange: truthy(r[4])}
		if len(want) > 0 && !want[strings.ToLower(e.from)] && !want[strings.ToLower(e.to)] {
			continue
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].name()) < strings.ToLower(out[j].name()) })
	return out, nil
}

// differ writes the diff of a set of tables.
type differ struct {
	s         *vcsSession
	opts      diffOptions
	rangeArgs []string
	w         io.Writer
	paint     painter
}

// diffRows is the rows of dsql_diff for one table, split into the two sides.
type diffRows struct {
	toCols, fromCols []string      // column names without to_/from_
	to, from         []*sql.Column // their schema columns
	toRows, fromRows [][]cell      // one per changed row, nil where the side has no row
	numeric          map[string]bool
	types            []string // diff_type per row
}

// rows reads dsql_diff(range..., table) [WHERE ...] [LIMIT n].
func (d *differ) rows(table string) (*diffRows, error) {
	// The arguments go through user variables set with bound parameters: dsql_diff's
	// columns depend on them, and --where names those columns, so they must be known
	// when the statement is planned (a bind variable is not, yet).
	fargs := append(append([]string{}, d.rangeArgs...), table)
	vars := make([]string, len(fargs))
	for i := range fargs {
		vars[i] = "@dsql_diff_arg" + strconv.Itoa(i+1)
	}
	if _, _, err := d.s.query("SET "+strings.Join(vars, " = ?, ")+" = ?", anys(fargs...)...); err != nil {
		return nil, err
	}
	q := "SELECT * FROM dsql_diff(" + strings.Join(vars, ", ") + ")"
	var args []any
	if d.opts.where != "" {
		q += " WHERE " + d.opts.where // the user's own SQL expression, as in Dolt
	}
	if d.opts.limit > 0 {
		q += " LIMIT ?"
		args = append(args, d.opts.limit)
	}
	sch, rows, err := d.s.query(q, args...)
	if err != nil && d.opts.where != "" && strings.Contains(err.Error(), "could not be found") {
		return &diffRows{}, nil // --where names columns this table lacks: no rows match
	}
	if err != nil {
		return nil, err
	}
	rs, err := toResultSet(d.s.ctx, sch, rows)
	if err != nil {
		return nil, err
	}
	toCommit, fromCommit, diffType := column(sch, "to_commit"), column(sch, "from_commit"), column(sch, "diff_type")
	out := &diffRows{numeric: map[string]bool{}}
	for i := 0; i < toCommit; i++ {
		out.toCols = append(out.toCols, strings.TrimPrefix(sch[i].Name, "to_"))
		out.to = append(out.to, sch[i])
		out.numeric[out.toCols[len(out.toCols)-1]] = rs.numeric[i]
	}
	for i := toCommit + 2; i < fromCommit; i++ {
		out.fromCols = append(out.fromCols, strings.TrimPrefix(sch[i].Name, "from_"))
		out.from = append(out.from, sch[i])
		if _, ok := out.numeric[out.fromCols[len(out.fromCols)-1]]; !ok {
			out.numeric[out.fromCols[len(out.fromCols)-1]] = rs.numeric[i]
		}
	}
	for _, r := range rs.rows {
		typ := r[diffType].text
		out.types = append(out.types, typ)
		var tr, fr []cell
		if typ != "removed" {
			tr = r[:toCommit]
		}
		if typ != "added" {
			fr = r[toCommit+2 : fromCommit]
		}
		out.toRows = append(out.toRows, tr)
		out.fromRows = append(out.fromRows, fr)
	}
	return out, nil
}

// byName returns the value of column name of a side's row, and whether the side has it.
func byName(cols []string, row []cell, name string) (cell, bool) {
	for i, c := range cols {
		if strings.EqualFold(c, name) {
			return row[i], true
		}
	}
	return cell{null: true}, false
}

// displayCols are the columns a table's rows are shown with: the new side's, then the
// old side's columns it lacks.
func (r *diffRows) displayCols() []string {
	out := append([]string{}, r.toCols...)
	for _, c := range r.fromCols {
		found := false
		for _, t := range r.toCols {
			if strings.EqualFold(c, t) {
				found = true
			}
		}
		if !found {
			out = append(out, c)
		}
	}
	return out
}

func (d *differ) header(e diffTableEntry) {
	from, to := e.from, e.to
	a, b := "a/"+from, "b/"+to
	if from == "" {
		a = "/dev/null"
		from = to
	}
	if to == "" {
		b = "/dev/null"
		to = from
	}
	fmt.Fprintln(d.w, d.paint.bold("diff --dsql a/"+from+" b/"+to))
	switch e.diffType {
	case "added":
		fmt.Fprintln(d.w, d.paint.bold("added table"))
	case "dropped":
		fmt.Fprintln(d.w, d.paint.bold("deleted table"))
	case "renamed":
		fmt.Fprintln(d.w, d.paint.bold("rename from "+e.from))
		fmt.Fprintln(d.w, d.paint.bold("rename to "+e.to))
	}
	fmt.Fprintln(d.w, d.paint.bold("--- "+a))
	fmt.Fprintln(d.w, d.paint.bold("+++ "+b))
}

// writeTable prints one table's diff in the tabular or sql format.
func (d *differ) writeTable(e diffTableEntry) error {
	if d.opts.format == diffFormatSQL {
		return d.writeSQL(e)
	}
	d.header(e)
	stmts, err := d.schemaStatements(e)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		fmt.Fprintln(d.w, s)
	}
	if !e.dataChange || d.opts.schema {
		return nil
	}
	r, err := d.rows(e.name())
	if err != nil {
		return err
	}
	if len(r.types) == 0 {
		return nil
	}
	cols := r.displayCols()
	t := table.NewWriter()
	style := table.StyleDefault
	style.Format.Header = text.FormatDefault
	t.SetStyle(style)
	hdr := table.Row{""}
	configs := []table.ColumnConfig{{Number: 1}}
	for i, c := range cols {
		hdr = append(hdr, c)
		cfg := table.ColumnConfig{Number: i + 2, AlignHeader: text.AlignLeft, Align: text.AlignLeft}
		if r.numeric[c] {
			cfg.Align = text.AlignRight
		}
		configs = append(configs, cfg)
	}
	t.AppendHeader(hdr)
	t.SetColumnConfigs(configs)
	// mark marks a changed cell of a modified row: its colour on a terminal, else git's
	// word-diff brackets.
	mark := func(colour func(string) string, open, close string) func(string) string {
		if d.paint.on {
			return colour
		}
		return func(s string) string { return open + s + close }
	}
	markOld, markNew := mark(d.paint.red, "[-", "-]"), mark(d.paint.green, "{+", "+}")
	line := func(marker string, row []cell, names []string, other []cell, otherNames []string, colour, changed func(string) string) {
		out := table.Row{colour(marker)}
		for _, c := range cols {
			v, ok := byName(names, row, c)
			s := "NULL"
			if !v.null {
				s = v.text
			}
			if !ok {
				s = ""
			}
			if other != nil {
				// A modified row: mark only the cells that changed (in a column both
				// sides have).
				if o, found := byName(otherNames, other, c); ok && found && o != v {
					s = changed(s)
				}
			} else {
				s = colour(s)
			}
			out = append(out, s)
		}
		t.AppendRow(out)
	}
	for i, typ := range r.types {
		switch typ {
		case "added":
			line("+", r.toRows[i], r.toCols, nil, nil, d.paint.green, nil)
		case "removed":
			line("-", r.fromRows[i], r.fromCols, nil, nil, d.paint.red, nil)
		default:
			line("<", r.fromRows[i], r.fromCols, r.toRows[i], r.toCols, d.paint.red, markOld)
			line(">", r.toRows[i], r.toCols, r.fromRows[i], r.fromCols, d.paint.green, markNew)
		}
	}
	_, err = io.WriteString(d.w, t.Render()+"\n")
	return err
}

// Values of --color.
const (
	colorAuto   = "auto"
	colorAlways = "always"
	colorNever  = "never"
)

// colorPainter returns the painter of --color mode for output to w.
func colorPainter(mode string, w io.Writer, o termOptions) (painter, error) {
	switch mode {
	case colorAuto, "":
		return newPainter(w, o), nil
	case colorAlways:
		return painter{on: true}, nil
	case colorNever:
		return painter{on: false}, nil
	}
	return painter{}, usageErrorf("--color must be auto, always or never, not %q", mode)
}

// quoteIdent quotes a MySQL identifier.
func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// sqlLiteral renders a cell as a SQL literal.
func sqlLiteral(c cell, numeric bool) string {
	if c.null {
		return "NULL"
	}
	if numeric {
		return c.text
	}
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "\x00", `\0`)
	return "'" + r.Replace(c.text) + "'"
}

// schemaStatements returns the statements that turn the table's old schema into its new
// one (CREATE, DROP and RENAME TABLE, ALTER TABLE for columns, keys, indexes and checks):
// the schema rows of dsql_patch(), which come before its data rows, so the scan stops at
// the first data row. None with --data.
func (d *differ) schemaStatements(e diffTableEntry) ([]string, error) {
	if !e.schemaChange || d.opts.data {
		return nil, nil
	}
	fargs := append(append([]string{}, d.rangeArgs...), e.name())
	q := "SELECT diff_type, statement FROM dsql_patch(" + placeholders(len(fargs)) + ")"
	var out []string
	err := d.s.scan(q, anys(fargs...), func(row sql.Row) bool {
		if str(row[0]) != "schema" {
			return false
		}
		out = append(out, str(row[1]))
		return true
	})
	return out, err
}

// writeSQL prints one table's diff as a runnable patch: one statement per line.
func (d *differ) writeSQL(e diffTableEntry) error {
	stmts, err := d.schemaStatements(e)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		fmt.Fprintln(d.w, strings.ReplaceAll(s, "\n", ""))
	}
	if !e.dataChange || e.diffType == "dropped" || d.opts.schema {
		return nil
	}
	r, err := d.rows(e.name())
	if err != nil {
		return err
	}
	pk, err := d.primaryKey(e.name())
	if err != nil {
		return err
	}
	tbl := quoteIdent(e.name())
	where := func(cols []string, row []cell) string {
		var conds []string
		keys := pk
		if len(keys) == 0 {
			keys = cols
		}
		for _, k := range keys {
			v, _ := byName(cols, row, k)
			if v.null {
				conds = append(conds, quoteIdent(k)+" IS NULL")
			} else {
				conds = append(conds, quoteIdent(k)+" = "+sqlLiteral(v, r.numeric[k]))
			}
		}
		w := " WHERE " + strings.Join(conds, " AND ")
		if len(pk) == 0 {
			w += " LIMIT 1"
		}
		return w
	}
	for i, typ := range r.types {
		switch typ {
		case "added":
			names := make([]string, len(r.toCols))
			vals := make([]string, len(r.toCols))
			for j, c := range r.toCols {
				names[j] = quoteIdent(c)
				vals[j] = sqlLiteral(r.toRows[i][j], r.numeric[c])
			}
			fmt.Fprintf(d.w, "INSERT INTO %s (%s) VALUES (%s);\n", tbl, strings.Join(names, ","), strings.Join(vals, ","))
		case "removed":
			fmt.Fprintf(d.w, "DELETE FROM %s%s;\n", tbl, where(r.fromCols, r.fromRows[i]))
		default:
			var sets []string
			for j, c := range r.toCols {
				o, _ := byName(r.fromCols, r.fromRows[i], c)
				if o != r.toRows[i][j] {
					sets = append(sets, quoteIdent(c)+" = "+sqlLiteral(r.toRows[i][j], r.numeric[c]))
				}
			}
			if len(sets) == 0 {
				continue
			}
			fmt.Fprintf(d.w, "UPDATE %s SET %s%s;\n", tbl, strings.Join(sets, ", "), where(r.fromCols, r.fromRows[i]))
		}
	}
	return nil
}

// primaryKey returns the primary-key columns of table in the working set (none for a
// keyless table).
func (d *differ) primaryKey(table string) ([]string, error) {
	_, rows, err := d.s.query("SELECT column_name FROM information_schema.key_column_usage "+
		"WHERE table_schema = database() AND table_name = ? AND constraint_name = 'PRIMARY' ORDER BY ordinal_position", table)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rows {
		out = append(out, str(r[0]))
	}
	return out, nil
}

// writeJSON prints {"tables":[{"name":..,"schema_diff":[..],"data_diff":[{"from_row":{..},"to_row":{..}}]}]}.
func (d *differ) writeJSON(entries []diffTableEntry) error {
	var b strings.Builder
	b.WriteString(`{"tables":[`)
	for ti, e := range entries {
		if ti > 0 {
			b.WriteString(",")
		}
		stmts, err := d.schemaStatements(e)
		if err != nil {
			return err
		}
		for i, s := range stmts {
			stmts[i] = strings.ReplaceAll(s, "\n", "")
		}
		if stmts == nil {
			stmts = []string{}
		}
		name, _ := json.Marshal(e.name())
		sd, _ := json.Marshal(stmts)
		fmt.Fprintf(&b, `{"name":%s,"schema_diff":%s,"data_diff":[`, name, sd)
		if e.dataChange && !d.opts.schema {
			r, err := d.rows(e.name())
			if err != nil {
				return err
			}
			for i := range r.types {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString(`{"from_row":`)
				writeJSONRow(&b, r.fromCols, r.fromRows[i], r.numeric)
				b.WriteString(`,"to_row":`)
				writeJSONRow(&b, r.toCols, r.toRows[i], r.numeric)
				b.WriteString("}")
			}
		}
		b.WriteString("]}")
	}
	b.WriteString("]}\n")
	_, err := io.WriteString(d.w, b.String())
	return err
}

// writeJSONRow writes a row as an object in column order ({} for no row).
func writeJSONRow(b *strings.Builder, cols []string, row []cell, numeric map[string]bool) {
	b.WriteString("{")
	if row != nil {
		for i, c := range cols {
			if i > 0 {
				b.WriteString(",")
			}
			k, _ := json.Marshal(c)
			b.Write(k)
			b.WriteString(":")
			switch {
			case row[i].null:
				b.WriteString("null")
			case numeric[c]:
				b.WriteString(row[i].text)
			default:
				v, _ := json.Marshal(row[i].text)
				b.Write(v)
			}
		}
	}
	b.WriteString("}")
}

// writeSummary prints one line per changed table.
func (d *differ) writeSummary(entries []diffTableEntry) error {
	t := table.NewWriter()
	style := table.StyleDefault
	style.Format.Header = text.FormatDefault
	t.SetStyle(style)
	t.AppendHeader(table.Row{"Table name", "Diff type", "Data change", "Schema change"})
	yn := func(b bool) string {
		if b {
			return "true"
		}
		return "false"
	}
	for _, e := range entries {
		name := e.name()
		if e.diffType == "renamed" {
			name = e.from + " -> " + e.to
		}
		t.AppendRow(table.Row{name, e.diffType, yn(e.dataChange), yn(e.schemaChange)})
	}
	_, err := io.WriteString(d.w, t.Render()+"\n")
	return err
}

// writeStat prints the row and cell counts of each table with changed rows, as Dolt's
// diff --stat does.
func (d *differ) writeStat(entries []diffTableEntry) error {
	for _, e := range entries {
		if !e.dataChange {
			continue
		}
		_, rows, err := d.s.query("SELECT * FROM dsql_diff_stat("+placeholders(len(d.rangeArgs)+1)+")",
			anys(append(append([]string{}, d.rangeArgs...), e.name())...)...)
		if err != nil {
			return err
		}
		for _, r := range rows {
			n := make([]uint64, len(r))
			for i := 1; i < len(r); i++ {
				n[i], _ = strconv.ParseUint(str(r[i]), 10, 64)
			}
			unmod, added, deleted, modified := n[1], n[2], n[3], n[4]
			cAdded, cDeleted, cModified := n[5], n[6], n[7]
			oldRows, newRows, oldCells := n[8], n[9], n[10]
			fmt.Fprintf(d.w, "diff --dsql a/%s b/%s\n", str(r[0]), str(r[0]))
			line := func(v, base uint64, one, many string) {
				word := many
				if v == 1 {
					word = one
				}
				if base == 0 {
					fmt.Fprintf(d.w, "%d %s\n", v, word)
					return
				}
				fmt.Fprintf(d.w, "%d %s (%.2f%%)\n", v, word, float64(v)*100/float64(base))
			}
			line(unmod, oldRows, "Row Unmodified", "Rows Unmodified")
			line(added, oldRows, "Row Added", "Rows Added")
			line(deleted, oldRows, "Row Deleted", "Rows Deleted")
			line(modified, oldRows, "Row Modified", "Rows Modified")
			line(cAdded, oldCells, "Cell Added", "Cells Added")
			line(cDeleted, oldCells, "Cell Deleted", "Cells Deleted")
			line(cModified, oldCells, "Cell Modified", "Cells Modified")
			fmt.Fprintf(d.w, "(%d Row Entries vs %d Row Entries)\n\n", oldRows, newRows)
		}
	}
	return nil
}

// scan runs one statement with bound args and hands its rows to f until f returns false
// or the rows end; the rest of the result is never computed.
func (s *vcsSession) scan(stmt string, args []any, f func(sql.Row) bool) (err error) {
	bindings := make(map[string]sqlparser.Expr, len(args))
	for i, a := range args {
		e, err := bindValue(a)
		if err != nil {
			return err
		}
		bindings["v"+strconv.Itoa(i+1)] = e
	}
	_, iter, _, err := s.eng.SQL.QueryWithBindings(s.ctx, stmt, nil, bindings, nil)
	if err != nil {
		return cliError(err)
	}
	defer func() {
		if cerr := iter.Close(s.ctx); cerr != nil && err == nil {
			err = cliError(cerr)
		}
	}()
	for {
		row, err := iter.Next(s.ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return cliError(err)
		}
		if !f(row) {
			return nil
		}
	}
}
