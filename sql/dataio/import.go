package dataio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
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
	if row, err := needsRowPath(ctx, db, working, rs, src); err != nil {
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

// bulkImportable reports whether the bulk builder can load rs (in root) exactly as INSERT
// would: a primary key, no foreign key on either side, no enforced CHECK constraint and
// no generated column. Other tables go through the row path (rowpath.go), where GMS's
// INSERT checks and computes them.
func bulkImportable(root repo.Root, rs repo.Schema) bool {
	if rs.Keyless() {
		return false
	}
	for _, fk := range root.ForeignKeys() {
		if strings.EqualFold(fk.Table, rs.Name) || strings.EqualFold(fk.ParentTable, rs.Name) {
			return false
		}
	}
	for _, c := range rs.Checks {
		if c.Enforced {
			return false
		}
	}
	for _, c := range rs.Columns {
		if c.Generated != "" {
			return false
		}
	}
	return true
}

// importer holds the per-table state of one import. Its fields are set up by
// newImporter and read-only after, except where noted; the per-row state of converting
// records lives in encoders, one per converting goroutine.
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
	autoMax uint64 // set by run from its encoders

	// Delimited input: its header and the table ordinal of each header column. fast,
	// when the header names every column and the import is not an update, says where
	// each field goes in the key or value tuple (encoder.fastRow).
	header    []string
	headerMap []int
	fast      []fastCol
	// workers is how many goroutines convert batches of records at once (1 when rows
	// depend on earlier rows: auto-increment values the file does not give).
	workers int

	keyB, valB *tuple.Builder // the consuming goroutine's (overlay)
	mu         sync.Mutex     // guards skipped and OnSkip calls
	skipped    int64
}

// fastCol says where field i of a delimited record goes in the fast path: field of the
// key tuple (key) or of the value tuple, converted by conv.
type fastCol struct {
	conv     *colConv
	key      bool
	field    int
	nullable bool
	auto     bool
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
	autoGiven := false
	if h := src.Header(); h != nil {
		// A delimited file names its columns once: check them now.
		m, err := im.mapping(h)
		if err != nil {
			return nil, &RowError{File: file, Line: 1, Reason: err.Error()}
		}
		im.header, im.headerMap = h, m
		autoGiven = slices.Contains(m, im.autoCol)
	}
	im.workers = min(max(runtime.GOMAXPROCS(0), 1), 4)
	if im.autoCol >= 0 && !autoGiven {
		im.workers = 1
	}
	if _, ok := src.(batchReader); ok && opts.Mode != Update && len(im.headerMap) == len(im.sch) {
		field := make([]int, len(im.sch))
		for k, o := range im.pk {
			field[o] = -(k + 1)
		}
		for k, o := range typeconv.ValueOrdinals(im.sch, im.pk) {
			field[o] = k
		}
		im.fast = make([]fastCol, len(im.headerMap))
		for i, o := range im.headerMap {
			fc := fastCol{conv: im.convs[o], field: field[o], nullable: im.sch[o].Nullable, auto: o == im.autoCol}
			if fc.field < 0 {
				fc.key, fc.field = true, -fc.field-1
			}
			im.fast[i] = fc
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

// encoder converts records into entries for one goroutine: its own tuple builders, row,
// mapping cache and auto-increment state.
type encoder struct {
	im         *importer
	keyB, valB *tuple.Builder
	row        sql.Row
	vals       []any
	cols       []int
	lastNames  []string
	lastMap    []int
	autoMax    uint64
	autoNxt    uint64
	arena      []byte // holds the keys and values of fast-path entries
}

func (im *importer) newEncoder() *encoder {
	return &encoder{im: im, keyB: tuple.NewBuilder(im.codec.KeyDesc()), valB: tuple.NewBuilder(im.codec.ValueDesc()),
		row: make(sql.Row, len(im.sch)), vals: make([]any, len(im.header)), cols: make([]int, len(im.header))}
}

// mapping is importer.mapping, remembering the last list of names.
func (e *encoder) mapping(names []string) ([]int, error) {
	if e.lastMap != nil && slices.Equal(names, e.lastNames) {
		return e.lastMap, nil
	}
	m, err := e.im.mapping(names)
	if err != nil {
		return nil, err
	}
	e.lastNames, e.lastMap = names, m
	return m, nil
}

// encode converts rec into the key and value of its row; mask (upserts) marks the
// columns the record sets.
func (e *encoder) encode(ctx *sql.Context, rec Record) (entry, *RowError) {
	im, row := e.im, e.row
	m, err := e.mapping(rec.Names)
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
				e.autoNxt = max(e.autoNxt, e.autoMax) + 1
				v, _, err := im.sch[o].Type.Convert(ctx, e.autoNxt)
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
			if n, ok := u.(uint64); ok && n > e.autoMax {
				e.autoMax = n
			}
		}
	}
	k, v, err := im.codec.Encode(e.keyB, e.valB, row)
	if err != nil {
		return entry{}, im.rowError(rec, -1, "", "the row cannot be stored: "+err.Error())
	}
	if len(k)+len(v) > prolly.MaxEntrySize {
		return entry{}, im.rowError(rec, -1, "", fmt.Sprintf("the row is %d bytes; dsql stores rows of at most %d bytes (64 KiB) for now", len(k)+len(v), prolly.MaxEntrySize))
	}
	ent := entry{k: k, v: v, line: rec.Line}
	if present != nil {
		ent.mask = make([]byte, (len(row)+7)/8)
		for o, p := range present {
			if p {
				ent.mask[o/8] |= 1 << (o % 8)
			}
		}
	}
	return ent, nil
}

// fastRow encodes record r of b straight from its field bytes into a key and a value in
// e.arena, without Go values in between (im.fast). ok is false when a field needs more
// than the fast conversions (a non-canonical form, a bad value, a NOT NULL column left
// empty): the caller then converts the record with encode, which gives the same bytes
// or the error.
func (e *encoder) fastRow(ctx *sql.Context, b *rawBatch, r int) (ent entry, ok bool) {
	im := e.im
	nh := len(im.fast)
	base := r * nh
	start := 0
	if base > 0 {
		start = b.ends[base-1]
	}
	size := b.ends[base+nh-1] - start
	for i := range im.fast {
		fc := &im.fast[i]
		end := b.ends[base+i]
		s := b.data[start:end]
		start = end
		tb := e.valB
		if fc.key {
			tb = e.keyB
		}
		if len(s) == 0 {
			if len(b.null) != 0 && !b.null[base+i] {
				return e.fail() // an empty string (LOAD DATA): encode converts it
			}
			if !fc.nullable {
				return e.fail()
			}
			tb.PutNull(fc.field)
			continue
		}
		if fc.auto {
			n, ok := fc.conv.autoValue(s)
			if !ok {
				return e.fail()
			}
			e.autoMax = max(e.autoMax, n)
		}
		if !fc.conv.encodeField(ctx, tb, fc.field, s) {
			return e.fail()
		}
	}
	if need := size + 16*nh + 64; cap(e.arena)-len(e.arena) < need {
		e.arena = make([]byte, 0, max(256<<10, 2*need))
	}
	a0 := len(e.arena)
	out, err := e.keyB.Append(e.arena)
	if err != nil {
		return e.fail()
	}
	a1 := len(out)
	if out, err = e.valB.Append(out); err != nil {
		return e.fail()
	}
	e.arena = out
	ent = entry{k: out[a0:a1:a1], v: out[a1:len(out):len(out)], line: b.lines[r]}
	if len(ent.k)+len(ent.v) > prolly.MaxEntrySize {
		return entry{}, false // encode reports it
	}
	return ent, true
}

func (e *encoder) fail() (entry, bool) {
	e.keyB.Reset()
	e.valB.Reset()
	return entry{}, false
}

// encodeRaw converts record r of b: through fastRow if it can, else through encode.
func (e *encoder) encodeRaw(ctx *sql.Context, b *rawBatch, r int) (entry, *RowError) {
	im := e.im
	if im.fast != nil {
		if ent, ok := e.fastRow(ctx, b, r); ok {
			return ent, nil
		}
	}
	nh := len(im.header)
	for i := range nh {
		if len(b.null) != 0 {
			if b.null[r*nh+i] {
				e.vals[i] = nil
			} else {
				e.vals[i] = string(b.field(r*nh + i))
			}
		} else if s := b.field(r*nh + i); len(s) > 0 {
			e.vals[i] = string(s)
		} else {
			e.vals[i] = nil
		}
		e.cols[i] = int(b.cols[r*nh+i])
	}
	return e.encode(ctx, Record{Line: b.lines[r], Names: im.header, Values: e.vals, Cols: e.cols})
}

// batchReader is a Reader that also reads whole batches of records as field bytes
// (delimited files, LOAD DATA's bulk path): run's pipeline then converts them with the
// fast path (encoder.encodeRaw).
type batchReader interface {
	Reader
	// readBatch reads records into b (reset first) until it holds maxRows records or
	// maxBytes bytes of fields, or the input ends (b.eof) or fails (b.err).
	readBatch(b *rawBatch, maxRows, maxBytes int)
}

// A job is one batch of input on its way through run's pipeline: the reading goroutine
// fills raw (a delimited file) or recs (any other Reader) and hands the job to a
// converting goroutine and, in file order, to the consuming one, which waits for done.
type job struct {
	raw   *rawBatch
	recs  []Record
	rerrs []posErr // problems of the Reader, before the record at
	rerr  error    // the error that ended the input, after recs
	off   int64

	es   []entry
	errs []posErr // skippable problems, before the entry at (Continue)
	err  error    // the problem that ends the import, after es
	done chan struct{}
}

// Batches: at most this many records or bytes of fields.
const (
	batchRows  = 4096
	batchBytes = 1 << 20
)

// rawPool and esPool recycle the buffers of batches: a rawBatch once converted, the
// entries of a batch once the sorter took them (it copies the entries it keeps).
var (
	rawPool = sync.Pool{New: func() any { return new(rawBatch) }}
	esPool  sync.Pool
)

// place records problem re of the record that would have been entry len(j.es): a skip
// to report (Continue, skippable), or the end of the batch. It reports whether the
// batch goes on.
func (im *importer) place(j *job, re *RowError) bool {
	if im.opts.Continue && re.Skippable {
		j.errs = append(j.errs, posErr{at: len(j.es), err: re})
		return true
	}
	j.err = re
	return false
}

// convert turns the records of j into entries.
func (e *encoder) convert(ctx *sql.Context, j *job) {
	im := e.im
	n, errs, end := len(j.recs), j.rerrs, j.rerr
	if j.raw != nil {
		n, errs, end = len(j.raw.lines), j.raw.errs, j.raw.err
	}
	if es, _ := esPool.Get().(*[]entry); es != nil && cap(*es) >= n {
		j.es = (*es)[:0]
	} else {
		j.es = make([]entry, 0, max(n, batchRows))
	}
	ei := 0
	for r := 0; r < n; r++ {
		for ; ei < len(errs) && errs[ei].at == r; ei++ {
			if !im.place(j, errs[ei].err) {
				return
			}
		}
		var ent entry
		var re *RowError
		if j.raw != nil {
			ent, re = e.encodeRaw(ctx, j.raw, r)
		} else {
			ent, re = e.encode(ctx, j.recs[r])
		}
		if re != nil {
			if !im.place(j, re) {
				return
			}
			continue
		}
		j.es = append(j.es, ent)
	}
	for ; ei < len(errs); ei++ {
		if !im.place(j, errs[ei].err) {
			return
		}
	}
	j.err = end
}

// readJob fills j with the next batch of the input; last reports the end of the input.
func (im *importer) readJob(j *job) (last bool) {
	if d, ok := im.src.(batchReader); ok {
		raw := rawPool.Get().(*rawBatch)
		d.readBatch(raw, batchRows, batchBytes)
		j.raw, j.off = raw, raw.off
		return raw.eof || raw.err != nil
	}
	header := im.src.Header()
	for len(j.recs) < batchRows {
		rec, err := im.src.Next()
		if err == io.EOF {
			last = true
			break
		}
		if err != nil {
			var re *RowError
			if errors.As(err, &re) && re.Skippable {
				j.rerrs = append(j.rerrs, posErr{at: len(j.recs), err: re})
				continue
			}
			j.rerr, last = err, true
			break
		}
		// The Reader may reuse the record's slices: keep copies.
		if len(header) == 0 || len(rec.Names) == 0 || &rec.Names[0] != &header[0] {
			rec.Names = slices.Clone(rec.Names)
		}
		rec.Values, rec.Cols = slices.Clone(rec.Values), slices.Clone(rec.Cols)
		j.recs = append(j.recs, rec)
	}
	j.off = im.src.Offset()
	return last
}

// run reads every record and returns the new row map: the file's rows (Create, Replace)
// or base with them upserted (Update).
//
// Three stages run at once: one goroutine reads batches of records (readJob), im.workers
// goroutines convert batches into encoded entries (encoder.convert), and the calling
// goroutine takes the batches in file order and adds their entries to the sorter (the
// prolly builder for sorted input), which writes the nodes to the store. Problems travel
// in their batches at their places, so the first bad row of the file ends the import
// even when a later batch was converted first, and skipped rows are reported in file
// order.
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

	order := make(chan *job, 2*im.workers+2) // bounds the batches in memory
	work := make(chan *job, im.workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(work)
		defer close(order)
		for {
			j := &job{done: make(chan struct{})}
			last := im.readJob(j)
			select {
			case order <- j:
			case <-stop:
				return
			}
			select {
			case work <- j:
			case <-stop:
				return
			}
			if last {
				return
			}
		}
	}()
	encs := make([]*encoder, im.workers)
	for w := range encs {
		enc := im.newEncoder()
		encs[w] = enc
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				select {
				case <-stop:
				default:
					enc.convert(ctx, j)
				}
				if j.raw != nil && cap(j.raw.data) <= 4*batchBytes { // not a huge record's buffer
					rawPool.Put(j.raw)
				}
				j.raw = nil
				close(j.done)
			}
		}()
	}
	var n int64
	consume := func() error {
		for j := range order {
			<-j.done
			ei := 0
			for i, e := range j.es {
				for ; ei < len(j.errs) && j.errs[ei].at == i; ei++ {
					if err := im.skip(j.errs[ei].err); err != nil {
						return err
					}
				}
				if err := s.add(ctx, e); err != nil {
					return err
				}
			}
			for ; ei < len(j.errs); ei++ {
				if err := im.skip(j.errs[ei].err); err != nil {
					return err
				}
			}
			n += int64(len(j.es))
			if j.err != nil {
				return j.err
			}
			clear(j.es)
			es := j.es[:0]
			esPool.Put(&es)
			j.es = nil
			if p := im.opts.Progress; p != nil {
				p.Rows.Store(n)
				p.Bytes.Store(j.off)
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return nil
	}
	err := consume()
	close(stop)
	wg.Wait()
	for _, enc := range encs {
		im.autoMax = max(im.autoMax, enc.autoMax)
	}
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
