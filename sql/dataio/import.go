package dataio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// Mode is what an import does to the table.
type Mode int

const (
	// Create makes a new table (it must not exist) holding the file's rows.
	Create Mode = iota
	// Update upserts: a row whose primary key exists replaces the columns the file
	// sets; other rows are inserted.
	Update
	// Replace replaces every row of an existing table with the file's rows (like
	// TRUNCATE then INSERT).
	Replace
)

// ImportOptions configure Import.
type ImportOptions struct {
	Table string
	Mode  Mode
	// Schema is the new table's schema (Create).
	Schema repo.Schema
	// Continue skips rows that cannot be imported (reported to OnSkip) instead of
	// failing.
	Continue bool
	OnSkip   func(*RowError)
	// Progress, if set, is updated as rows are read.
	Progress *Progress
	// MemLimit bounds the bytes of rows sorted in memory before a run spills to a
	// temporary file (unsorted input); 0 means 256 MiB.
	MemLimit int
	// TempDir holds the sort runs ("" = os.TempDir()).
	TempDir string
}

// Progress counts rows and input bytes as an import goes; safe to read from another
// goroutine.
type Progress struct {
	Rows  atomic.Int64
	Bytes atomic.Int64
}

// ImportResult says what an import did.
type ImportResult struct {
	Rows    int64 // rows written from the file
	Skipped int64 // rows skipped (Continue)
	Sorted  bool  // the input was in primary-key order (bulk path)
}

// ErrImport marks an import refused for a reason other than a bad row.
var ErrImport = errors.New("dataio: import")

// Import reads every record of src into the table opts.Table of db, in the session of
// ctx: the new table (rows and every secondary index) becomes the transaction's working
// root, which reaches the branch when the caller commits the transaction (one durable
// write). On error nothing is changed: the working root is only replaced at the end.
//
// Rows are converted with the column types exactly as INSERT converts string literals,
// encoded with typeconv, and written with prolly.Builder: sorted input goes straight into
// the builder, unsorted input is sorted in bounded memory (sorter).
func Import(ctx *sql.Context, db *backend.Database, src Reader, file string, opts ImportOptions) (ImportResult, error) {
	sess, ok := ctx.Session.(*session.Session)
	if !ok {
		return ImportResult{}, fmt.Errorf("dataio: not a dsql session")
	}
	working, _, _, err := sess.Roots(ctx, db)
	if err != nil {
		return ImportResult{}, err
	}
	ns := working.NodeStore()
	existing, exists, err := working.Table(ctx, opts.Table)
	if err != nil {
		return ImportResult{}, err
	}
	var rs repo.Schema
	switch opts.Mode {
	case Create:
		if exists || working.HasTable(opts.Table) {
			return ImportResult{}, fmt.Errorf("%w: table %q already exists: use -u to update it or -r to replace its rows", ErrImport, opts.Table)
		}
		rs = opts.Schema
		rs.Name = opts.Table
	default:
		if !exists {
			return ImportResult{}, fmt.Errorf("%w: table %q does not exist: use -c to create it", ErrImport, opts.Table)
		}
		rs = existing.Schema()
	}
	if row, err := needsRowPath(ctx, db, working, rs); err != nil {
		return ImportResult{}, err
	} else if row {
		return importRows(ctx, db, src, file, opts, rs) // INSERT's checks and triggers (rowpath.go)
	}
	im, err := newImporter(ctx, rs, src, file, opts)
	if err != nil {
		return ImportResult{}, err
	}
	var base *prolly.Map
	if opts.Mode == Update {
		m := existing.Rows()
		base = &m
	}
	rows, res, err := im.run(ctx, ns, base)
	if err != nil {
		return ImportResult{}, err
	}
	var nt repo.Table
	if opts.Mode == Create {
		if nt, err = repo.NewTable(ctx, ns, rs); err != nil {
			return ImportResult{}, err
		}
	} else {
		nt = existing
	}
	if nt, err = nt.WithRows(ctx, rows); err != nil {
		return ImportResult{}, err
	}
	if nt, err = buildIndexes(ctx, im, nt); err != nil {
		return ImportResult{}, err
	}
	if im.autoCol >= 0 {
		next := im.autoMax + 1
		if opts.Mode == Update {
			next = max(next, existing.AutoIncrement())
		}
		if next != nt.AutoIncrement() {
			if nt, err = nt.WithAutoIncrement(ctx, next); err != nil {
				return ImportResult{}, err
			}
		}
	}
	root, err := working.PutTable(ctx, nt)
	if err != nil {
		return ImportResult{}, err
	}
	if err := sess.SetWorkingRoot(ctx, db, root); err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// checkImportable refuses tables whose rows INSERT would check or compute in ways the
// import does not reproduce yet.
func checkImportable(root repo.Root, rs repo.Schema) error {
	if rs.Keyless() {
		return fmt.Errorf("%w: table %q has no primary key; import needs one (pass --pk for a new table)", ErrImport, rs.Name)
	}
	for _, fk := range root.ForeignKeys() {
		if strings.EqualFold(fk.Table, rs.Name) || strings.EqualFold(fk.ParentTable, rs.Name) {
			return fmt.Errorf("%w: table %q has foreign key %s, which import does not check yet: load it with INSERT, or drop the foreign key, import, and add it again", ErrImport, rs.Name, fk.Name)
		}
	}
	for _, c := range rs.Checks {
		if c.Enforced {
			return fmt.Errorf("%w: table %q has CHECK constraint %s, which import does not evaluate yet: load it with INSERT", ErrImport, rs.Name, c.Name)
		}
	}
	for _, c := range rs.Columns {
		if c.Generated != "" {
			return fmt.Errorf("%w: table %q has generated column %s, which import does not compute yet: load it with INSERT", ErrImport, rs.Name, c.Name)
		}
	}
	return nil
}

// importer holds the per-table state of one import. Not safe for concurrent use.
type importer struct {
	file    string
	opts    ImportOptions
	src     Reader
	rs      repo.Schema
	sch     sql.Schema
	pk      []int
	codec   *typeconv.RowCodec
	kd      tuple.Desc
	convs   []*colConv
	defs    []any // values of columns absent from a record
	hasDef  []bool
	autoCol int
	autoMax uint64
	autoNxt uint64

	// name mapping cache for delimited files (Names is the same slice every record)
	lastNames []string
	lastMap   []int

	keyB, valB *tuple.Builder
	mu         sync.Mutex // guards skipped and OnSkip calls (both import stages skip)
	skipped    int64
}

func newImporter(ctx *sql.Context, rs repo.Schema, src Reader, file string, opts ImportOptions) (*importer, error) {
	im := &importer{file: file, opts: opts, src: src, rs: rs, pk: rs.PrimaryKey, autoCol: -1}
	sch, err := SQLSchema(rs)
	if err != nil {
		return nil, err
	}
	im.sch = sch
	for i, c := range rs.Columns {
		im.convs = append(im.convs, newColConv(im.sch[i]))
		if c.AutoIncrement {
			im.autoCol = i
		}
	}
	if im.codec, err = typeconv.NewRowCodec(im.sch, rs.PrimaryKey); err != nil {
		return nil, err
	}
	im.kd = im.codec.KeyDesc()
	im.keyB = tuple.NewBuilder(im.codec.KeyDesc())
	im.valB = tuple.NewBuilder(im.codec.ValueDesc())
	im.defs = make([]any, len(rs.Columns))
	im.hasDef = make([]bool, len(rs.Columns))
	for i, c := range rs.Columns {
		v, ok, err := literalDefault(ctx, c.Default, im.sch[i].Type)
		if err != nil {
			return nil, fmt.Errorf("table %q column %q: default %s: %w", rs.Name, c.Name, c.Default, err)
		}
		im.defs[i], im.hasDef[i] = v, ok
	}
	if h := src.Header(); h != nil {
		// A delimited file names its columns once: check them now.
		if _, err := im.mapping(h); err != nil {
			return nil, &RowError{File: file, Line: 1, Reason: err.Error()}
		}
	}
	return im, nil
}

// SQLSchema returns the GMS schema of a stored table schema, as sql/backend builds it.
func SQLSchema(rs repo.Schema) (sql.Schema, error) {
	sch := make(sql.Schema, len(rs.Columns))
	for i, c := range rs.Columns {
		typ, err := typeconv.TypeFor(c.SQLType)
		if err != nil {
			return nil, fmt.Errorf("table %q column %q: %w", rs.Name, c.Name, err)
		}
		sch[i] = &sql.Column{Name: c.Name, Type: typ, Nullable: c.Type.Nullable, Source: rs.Name,
			PrimaryKey: slices.Contains(rs.PrimaryKey, i), AutoIncrement: c.AutoIncrement}
	}
	return sch, nil
}

// literalDefault returns the value of a column default that is a literal (NULL, a
// number, a quoted string); ok is false for no default. Expression defaults are refused
// when a row needs them (see absent).
func literalDefault(ctx *sql.Context, text string, typ sql.Type) (any, bool, error) {
	t := strings.TrimSpace(text)
	for len(t) >= 2 && t[0] == '(' && t[len(t)-1] == ')' {
		t = strings.TrimSpace(t[1 : len(t)-1])
	}
	if t == "" {
		return nil, false, nil
	}
	if strings.EqualFold(t, "NULL") {
		return nil, true, nil
	}
	var lit string
	switch {
	case len(t) >= 2 && (t[0] == '\'' || t[0] == '"') && t[len(t)-1] == t[0]:
		s, ok := unquoteSQL(t)
		if !ok {
			return nil, false, nil
		}
		lit = s
	case plainNumber(t):
		lit = t
	default:
		return errDefault{}, true, nil // an expression: only an error if a row needs it
	}
	c := newColConv(&sql.Column{Type: typ})
	v, reason := c.convert(ctx, lit)
	if reason != "" {
		return nil, false, errors.New(reason)
	}
	return v, true, nil
}

type errDefault struct{}

func unquoteSQL(t string) (string, bool) {
	q := t[0]
	body := t[1 : len(t)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		ch := body[i]
		switch {
		case ch == q && i+1 < len(body) && body[i+1] == q:
			b.WriteByte(q)
			i++
		case ch == q:
			return "", false
		case ch == '\\' && i+1 < len(body):
			i++
			switch body[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			default:
				b.WriteByte(body[i])
			}
		default:
			b.WriteByte(ch)
		}
	}
	return b.String(), true
}

// mapping returns, for each name, the table ordinal of the column it names.
func (im *importer) mapping(names []string) ([]int, error) {
	if len(names) > 0 && len(names) == len(im.lastNames) && &names[0] == &im.lastNames[0] {
		return im.lastMap, nil
	}
	m := make([]int, len(names))
	seen := make([]bool, len(im.sch))
	for i, n := range names {
		o := im.rs.Column(n)
		if o < 0 {
			return nil, fmt.Errorf("column %q of the file is not a column of table %q (its columns: %s)", n, im.rs.Name, im.columnList())
		}
		if seen[o] {
			return nil, fmt.Errorf("column %q appears twice", n)
		}
		seen[o] = true
		m[i] = o
	}
	if im.opts.Mode != Update {
		for _, o := range im.pk {
			if !seen[o] && o != im.autoCol {
				return nil, fmt.Errorf("primary-key column %q is missing", im.sch[o].Name)
			}
		}
	} else {
		for _, o := range im.pk {
			if !seen[o] {
				return nil, fmt.Errorf("primary-key column %q is missing (an update finds rows by their key)", im.sch[o].Name)
			}
		}
	}
	im.lastNames, im.lastMap = names, m
	return m, nil
}

func (im *importer) columnList() string {
	s := make([]string, len(im.sch))
	for i, c := range im.sch {
		s[i] = c.Name
	}
	return strings.Join(s, ", ")
}

// rowError makes a RowError for the record at line.
func (im *importer) rowError(rec Record, field int, col string, reason string) *RowError {
	e := &RowError{File: im.file, Line: rec.Line, Field: col, Reason: reason, Skippable: true}
	if field >= 0 && field < len(rec.Cols) {
		e.Column = rec.Cols[field]
	}
	return e
}

// skip handles a bad row: with Continue it is counted and reported; otherwise it ends
// the import.
func (im *importer) skip(e *RowError) error {
	if !im.opts.Continue || !e.Skippable {
		return e
	}
	im.mu.Lock()
	defer im.mu.Unlock()
	im.skipped++
	if im.opts.OnSkip != nil {
		im.opts.OnSkip(e)
	}
	return nil
}

// encode converts rec into the key and value of its row; mask (upserts) marks the
// columns the record sets.
func (im *importer) encode(ctx *sql.Context, rec Record, row sql.Row) (entry, *RowError) {
	m, err := im.mapping(rec.Names)
	if err != nil {
		return entry{}, im.rowError(rec, -1, "", err.Error())
	}
	for i := range row {
		row[i] = nil
	}
	var present []bool
	if im.opts.Mode == Update && len(m) < len(row) {
		present = make([]bool, len(row))
	}
	set := 0
	for i, v := range rec.Values {
		o := m[i]
		cv, reason := im.convs[o].convert(ctx, v)
		if reason != "" {
			return entry{}, im.rowError(rec, i, im.sch[o].Name, reason)
		}
		row[o] = cv
		if present != nil {
			present[o] = true
		}
		set++
	}
	if set < len(row) {
		// Columns the record does not set get their defaults.
		given := make([]bool, len(row))
		for _, o := range m {
			given[o] = true
		}
		for o := range row {
			if given[o] {
				continue
			}
			switch {
			case o == im.autoCol:
				im.autoNxt = max(im.autoNxt, im.autoMax) + 1
				v, _, err := im.sch[o].Type.Convert(ctx, im.autoNxt)
				if err != nil {
					return entry{}, im.rowError(rec, -1, im.sch[o].Name, err.Error())
				}
				row[o] = v
			case im.hasDef[o]:
				if _, isExpr := im.defs[o].(errDefault); isExpr {
					if present != nil {
						continue // an update may keep the stored value
					}
					return entry{}, &RowError{File: im.file, Line: rec.Line, Field: im.sch[o].Name,
						Reason: "the column is not in the file and its default is an expression, which import does not evaluate yet: add the column to the file"}
				}
				row[o] = im.defs[o]
			}
		}
	}
	for o, c := range im.sch {
		if row[o] != nil || c.Nullable {
			continue
		}
		if present != nil && !present[o] {
			// Absent from an update: the stored value is kept (merge), and a new row
			// without it is refused there (checkNew). A placeholder keeps Encode happy.
			row[o] = c.Type.Zero()
			continue
		}
		return entry{}, im.rowError(rec, slices.Index(m, o), c.Name, "the column is NOT NULL but the value is empty (NULL)")
	}
	if im.autoCol >= 0 && row[im.autoCol] != nil {
		if u, _, err := types.Uint64.Convert(ctx, row[im.autoCol]); err == nil {
			if n, ok := u.(uint64); ok && n > im.autoMax {
				im.autoMax = n
			}
		}
	}
	k, v, err := im.codec.Encode(im.keyB, im.valB, row)
	if err != nil {
		return entry{}, im.rowError(rec, -1, "", "the row cannot be stored: "+err.Error())
	}
	if len(k)+len(v) > prolly.MaxEntrySize {
		return entry{}, im.rowError(rec, -1, "", fmt.Sprintf("the row is %d bytes; dsql stores rows of at most %d bytes (64 KiB) for now", len(k)+len(v), prolly.MaxEntrySize))
	}
	e := entry{k: k, v: v, line: rec.Line}
	if present != nil {
		e.mask = make([]byte, (len(row)+7)/8)
		for o, p := range present {
			if p {
				e.mask[o/8] |= 1 << (o % 8)
			}
		}
	}
	return e, nil
}

// run reads every record and returns the new row map: the file's rows (Create, Replace)
// or base with them upserted (Update).
func (im *importer) run(ctx *sql.Context, ns *prolly.NodeStore, base *prolly.Map) (prolly.Map, ImportResult, error) {
	memLimit := im.opts.MemLimit
	if memLimit <= 0 {
		memLimit = 256 << 20
	}
	dup := func(a, b entry) error {
		where := "an earlier row"
		if a.line > 0 {
			where = "line " + strconv.Itoa(a.line)
		}
		e := &RowError{File: im.file, Line: b.line, Skippable: true,
			Reason: fmt.Sprintf("duplicate primary key %s: the same key is on %s", im.keyString(b.k), where)}
		return im.skip(e)
	}
	s := newSorter(ns, im.kd.Compare, memLimit, im.opts.TempDir, im.opts.Mode == Update, dup)
	defer s.close()
	// Two stages, one goroutine each: reading and converting records into encoded
	// entries, and adding entries to the sorter/builder. Batches keep file order, and a
	// producer error travels after the entries before it, so errors come in file order.
	type batch struct {
		es  []entry
		off int64
		err error
	}
	ch := make(chan batch, 8)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(ch)
		row := make(sql.Row, len(im.sch))
		es := make([]entry, 0, 1024)
		send := func(b batch) bool {
			select {
			case ch <- b:
				return true
			case <-done:
				return false
			}
		}
		for {
			rec, err := im.src.Next()
			if err == io.EOF {
				send(batch{es: es, off: im.src.Offset()})
				return
			}
			if err != nil {
				var re *RowError
				if errors.As(err, &re) {
					err = im.skip(re)
				}
				if err != nil {
					send(batch{es: es, err: err})
					return
				}
				continue
			}
			e, re := im.encode(ctx, rec, row)
			if re != nil {
				if err := im.skip(re); err != nil {
					send(batch{es: es, err: err})
					return
				}
				continue
			}
			es = append(es, e)
			if len(es) == cap(es) {
				if !send(batch{es: es, off: im.src.Offset()}) {
					return
				}
				es = make([]entry, 0, 1024)
			}
		}
	}()
	var n int64
	consume := func() error {
		for b := range ch {
			for _, e := range b.es {
				if err := s.add(ctx, e); err != nil {
					return err
				}
			}
			n += int64(len(b.es))
			if b.err != nil {
				return b.err
			}
			if p := im.opts.Progress; p != nil {
				p.Rows.Store(n)
				p.Bytes.Store(b.off)
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return nil
	}
	err := consume()
	close(done)
	wg.Wait()
	if err != nil {
		return prolly.Map{}, ImportResult{}, err
	}
	sorted := s.sorted
	src, err := s.finish(ctx)
	if err != nil {
		return prolly.Map{}, ImportResult{}, err
	}
	res := ImportResult{Sorted: sorted}
	var out prolly.Map
	if ms, ok := src.(*mapSource); ok && ms.built && im.opts.Mode != Update {
		out = ms.m
		res.Rows = int64(out.Count())
	} else {
		out, res.Rows, err = im.merge(ctx, ns, base, src)
		if err != nil {
			return prolly.Map{}, ImportResult{}, err
		}
	}
	im.mu.Lock()
	res.Skipped = im.skipped
	im.mu.Unlock()
	return out, res, nil
}

// merge builds the map of the entries of src, upserted into base (if not empty).
func (im *importer) merge(ctx *sql.Context, ns *prolly.NodeStore, base *prolly.Map, src source) (prolly.Map, int64, error) {
	b := prolly.NewBuilder(ns, im.kd.Compare)
	var n int64
	var old source = emptySource{}
	if base != nil && base.Count() > 0 {
		old = &mapSource{m: *base}
	}
	oe, oerr := old.next(ctx)
	for {
		ne, nerr := src.next(ctx)
		if nerr != nil && nerr != io.EOF {
			return prolly.Map{}, 0, nerr
		}
		// Copy base entries before ne.
		for oerr == nil && (nerr == io.EOF || im.kd.Compare(oe.k, ne.k) < 0) {
			if err := b.Add(ctx, oe.k, oe.v); err != nil {
				return prolly.Map{}, 0, err
			}
			oe, oerr = old.next(ctx)
		}
		if oerr != nil && oerr != io.EOF {
			return prolly.Map{}, 0, oerr
		}
		if nerr == io.EOF {
			break
		}
		v := ne.v
		if oerr == nil && im.kd.Compare(oe.k, ne.k) == 0 {
			if ne.mask != nil {
				merged, err := im.overlay(ne, oe)
				if err != nil {
					return prolly.Map{}, 0, err
				}
				v = merged
			}
			oe, oerr = old.next(ctx)
		} else if ne.mask != nil {
			// A new row from a partial record: absent columns must have had defaults.
			if err := im.checkNew(ne); err != nil {
				if err := im.skip(err); err != nil {
					return prolly.Map{}, 0, err
				}
				continue
			}
		}
		if err := b.Add(ctx, ne.k, v); err != nil {
			return prolly.Map{}, 0, err
		}
		n++
	}
	m, err := b.Finish(ctx)
	return m, n, err
}

type emptySource struct{}

func (emptySource) next(context.Context) (entry, error) { return entry{}, io.EOF }

// overlay returns the value of the stored row old with the columns ne sets replaced.
func (im *importer) overlay(ne, old entry) ([]byte, error) {
	nr, err := im.codec.Decode(ne.k, ne.v, nil)
	if err != nil {
		return nil, err
	}
	or, err := im.codec.Decode(old.k, old.v, nil)
	if err != nil {
		return nil, err
	}
	for o := range nr {
		if ne.mask[o/8]&(1<<(o%8)) == 0 {
			nr[o] = or[o]
		}
	}
	_, v, err := im.codec.Encode(im.keyB, im.valB, nr)
	return v, err
}

// checkNew checks that a partial record inserting a new row has every NOT NULL column.
func (im *importer) checkNew(ne entry) *RowError {
	for o, c := range im.sch {
		if ne.mask[o/8]&(1<<(o%8)) != 0 {
			continue
		}
		if _, isExpr := im.defs[o].(errDefault); isExpr || (!c.Nullable && (!im.hasDef[o] || im.defs[o] == nil) && o != im.autoCol) {
			return &RowError{File: im.file, Line: ne.line, Field: c.Name, Skippable: true,
				Reason: "the row is new and the file does not set this column, which has no default"}
		}
	}
	return nil
}

// keyString formats a primary key for messages.
func (im *importer) keyString(k []byte) string {
	var parts []string
	for i, o := range im.pk {
		v, err := typeconv.GetValue(im.kd, k, i, im.sch[o].Type)
		if err != nil {
			return "?"
		}
		parts = append(parts, fmt.Sprint(formatValue(v)))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
