package dataio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/planbuilder"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/vt/sqlparser"

	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// LoadDataBuilder is a GMS priority exec builder (rowexec.BaseBuilder.PriorityBuilder)
// that runs LOAD DATA into an empty table through Import's bulk path instead of GMS's
// row-by-row INSERT. The file is read by ldReader (MySQL's FIELDS/LINES/IGNORE rules,
// below); each record becomes a record that Import converts exactly as INSERT converts
// the same values, then the rows and indexes are built with prolly.Builder and become
// the transaction's working root. A strict load of whole records (no column list, or one
// naming every column in order) hands Import the field bytes in batches (ldRawSource),
// so they are converted in parallel and through its fast path; other loads go through
// ldIter's rows (rowSource).
//
// Only plain loads take the path: no IGNORE or REPLACE (nor LOCAL, which implies
// IGNORE), no SET clause or user variables, into a table that is empty in the
// transaction's view, has a primary key and no auto-increment column, foreign key,
// enforced check, generated column or trigger. Then MySQL's semantics are those of
// Import: any bad value, NULL in a NOT NULL column or duplicate key (primary or
// unique) fails the statement and leaves the table empty. Everything else builds
// nothing here and runs GMS's own plan.
type LoadDataBuilder struct {
	// Base builds the LOAD DATA source node (GMS's iterator).
	Base sql.NodeExecBuilder
}

// Build implements sql.NodeExecBuilder: a row iterator for an INSERT of LOAD DATA rows
// that takes the bulk path, nil (no error) for every other node.
func (b LoadDataBuilder) Build(ctx *sql.Context, n sql.Node, row sql.Row) (sql.RowIter, error) {
	switch x := n.(type) {
	case *plan.LoadData:
		return newLoadDataIter(ctx, x)
	case *plan.InsertInto:
		it, err := b.bulk(ctx, x, row)
		if it != nil || err != nil {
			return it, err
		}
		return b.withTriggers(ctx, x, row)
	}
	return nil, nil
}

// bulk returns the bulk path's iterator for ii, or nil.
func (b LoadDataBuilder) bulk(ctx *sql.Context, ii *plan.InsertInto, row sql.Row) (sql.RowIter, error) {
	ld, ok := loadDataSource(ii.Source)
	if !ok || ld.IsIgnore || ld.IsReplace || ld.Local || len(ld.SetExprs) > 0 || ii.IsReplace || ii.Ignore || len(ii.Returning) > 0 || ii.OnDupExprs != nil && len(ii.OnDupExprs.AllExpressions()) > 0 {
		return nil, nil
	}
	for _, v := range ld.UserVars {
		if v != nil {
			return nil, nil
		}
	}
	ins, err := plan.GetInsertable(ii.Destination)
	if err != nil {
		return nil, nil
	}
	bt, ok := ins.(*backend.Table)
	if !ok {
		return nil, nil
	}
	db := unwrapDatabase(ii.Database())
	if db == nil || db.Temporary() || db.IsReadOnly() {
		return nil, nil
	}
	sess, ok := ctx.Session.(*session.Session)
	if !ok {
		return nil, nil
	}
	working, _, _, err := sess.Roots(ctx, db)
	if err != nil {
		return nil, err
	}
	t, exists, err := working.Table(ctx, bt.Name())
	if err != nil || !exists {
		return nil, err
	}
	rs := t.Schema()
	if t.Rows().Count() != 0 || !bulkImportable(working, rs) {
		return nil, nil
	}
	for _, c := range rs.Columns {
		if c.AutoIncrement {
			return nil, nil
		}
	}
	if trig, err := tableHasTriggers(ctx, ii.Database(), bt.Name()); err != nil || trig {
		return nil, err // INSERT fires them (withTriggers)
	}
	sch := ii.Destination.Schema(ctx)
	if len(sch) != len(rs.Columns) {
		return nil, nil
	}
	if raw, err := newLDRawSource(ctx, ld, sch); raw != nil || err != nil {
		if err != nil {
			return nil, err
		}
		return &loadDataBulkIter{db: db, table: rs.Name, src: raw.it, raw: raw, sch: sch}, nil
	}
	src, err := b.Base.Build(ctx, ii.Source, row)
	if err != nil {
		return nil, err
	}
	return &loadDataBulkIter{db: db, table: rs.Name, src: src, sch: sch}, nil
}

// withTriggers plans a LOAD DATA into a table with INSERT triggers again, with its
// triggers: GMS's planner does not mark LOAD DATA as an INSERT, so its analyzer applies
// no triggers (MySQL's LOAD DATA fires them). The statement's text is planned as an
// INSERT by an analyzer over the same databases, and its LOAD DATA node replaced by
// loadDataNode (which this builder leaves alone, so it is not planned twice).
func (b LoadDataBuilder) withTriggers(ctx *sql.Context, ii *plan.InsertInto, row sql.Row) (sql.RowIter, error) {
	ld, ok := loadDataSource(ii.Source)
	if !ok {
		return nil, nil
	}
	sess, ok := ctx.Session.(*session.Session)
	if !ok || sess.Provider() == nil {
		return nil, nil
	}
	ins, err := plan.GetInsertable(ii.Destination)
	if err != nil {
		return nil, nil
	}
	if trig, err := tableHasTriggers(ctx, ii.Database(), ins.Name(), "insert"); err != nil || !trig {
		return nil, err
	}
	a := analyzer.NewDefault(sess.Provider())
	node, _, _, qFlags, err := planbuilder.New(ctx, a.Catalog, nil).Parse(ctx.Query(), nil, false)
	if err != nil {
		return nil, nil
	}
	if nii, ok := node.(*plan.InsertInto); !ok {
		return nil, nil
	} else if nld, ok := loadDataSource(nii.Source); !ok || nld.File != ld.File {
		return nil, nil
	}
	if qFlags == nil {
		qFlags = &sql.QueryFlags{}
	}
	qFlags.Set(sql.QFlagInsert)
	analyzed, err := a.Analyze(ctx, node, nil, qFlags)
	if err != nil {
		return nil, err
	}
	analyzed, _, err = transform.Node(ctx, analyzed, func(_ *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
		if l, ok := n.(*plan.LoadData); ok {
			return &loadDataNode{LoadData: l}, transform.NewTree, nil
		}
		return n, transform.SameTree, nil
	})
	if err != nil {
		return nil, err
	}
	return b.Base.Build(ctx, analyzed, row)
}

// loadDataNode is a LOAD DATA source already planned with its triggers (withTriggers).
type loadDataNode struct {
	*plan.LoadData
}

var _ sql.ExecSourceRel = (*loadDataNode)(nil)

func (n *loadDataNode) WithChildren(ctx *sql.Context, children ...sql.Node) (sql.Node, error) {
	if len(children) != 0 {
		return nil, sql.ErrInvalidChildrenNumber.New(n, len(children), 0)
	}
	return n, nil
}

func (n *loadDataNode) RowIter(ctx *sql.Context, _ sql.Row) (sql.RowIter, error) {
	it, err := newLoadDataIter(ctx, n.LoadData)
	if it == nil && err == nil {
		return nil, fmt.Errorf("LOAD DATA %s: this form is not supported with triggers", n.File)
	}
	return it, err
}

// loadDataSource returns the LOAD DATA node under an INSERT's source (the planner puts a
// projection onto the destination's columns over it).
func loadDataSource(n sql.Node) (*plan.LoadData, bool) {
	for {
		switch x := n.(type) {
		case *plan.LoadData:
			return x, true
		case *plan.Project:
			n = x.Child
		default:
			return nil, false
		}
	}
}

// unwrapDatabase returns the *backend.Database under GMS's wrappers, or nil.
func unwrapDatabase(d sql.Database) *backend.Database {
	for d != nil {
		switch x := d.(type) {
		case *backend.Database:
			return x
		case interface{ Unwrap() sql.Database }:
			d = x.Unwrap()
		default:
			return nil
		}
	}
	return nil
}

// loadDataBulkIter runs the import on its first Next and returns one OK result.
type loadDataBulkIter struct {
	db    *backend.Database
	table string
	src   sql.RowIter
	raw   *ldRawSource // the fields of src's file as bytes, when they can be (else nil)
	sch   sql.Schema
	done  bool
}

func (it *loadDataBulkIter) Next(ctx *sql.Context) (sql.Row, error) {
	if it.done {
		return nil, io.EOF
	}
	it.done = true
	names := make([]string, len(it.sch))
	for i, c := range it.sch {
		names[i] = c.Name
	}
	var r Reader = &rowSource{ctx: ctx, it: it.src, names: names}
	if it.raw != nil {
		it.raw.names = names
		r = it.raw
	}
	res, err := Import(ctx, it.db, r, "LOAD DATA", ImportOptions{Table: it.table, Mode: Replace})
	if err != nil {
		return nil, loadDataError(err)
	}
	return sql.NewRow(types.NewOkResult(int(res.Rows))), nil
}

func (it *loadDataBulkIter) Close(ctx *sql.Context) error {
	return it.src.Close(ctx)
}

// rowSource is a Reader over the rows of GMS's LOAD DATA iterator: a string per field
// read from the file, nil for \N, and typed values for defaults of absent columns.
type rowSource struct {
	ctx   *sql.Context
	it    sql.RowIter
	names []string
	line  int
}

func (r *rowSource) Header() []string { return r.names }
func (r *rowSource) Offset() int64    { return 0 }

func (r *rowSource) Next() (Record, error) {
	row, err := r.it.Next(r.ctx)
	if err != nil {
		return Record{}, err
	}
	if len(row) != len(r.names) {
		return Record{}, fmt.Errorf("%w: LOAD DATA gave a row of %d values for %d columns", ErrImport, len(row), len(r.names))
	}
	r.line++
	return Record{Line: r.line, Names: r.names, Values: row}, nil
}

// loadDataError gives a bad row's error the MySQL code INSERT would report.
func loadDataError(err error) error {
	var re *RowError
	if !errors.As(err, &re) {
		if errors.Is(err, ErrImport) && strings.Contains(err.Error(), "duplicate entry") {
			return mysql.NewSQLError(mysql.ERDupEntry, "23000", "%s", err.Error())
		}
		return err
	}
	msg := strings.TrimPrefix(re.Error(), "LOAD DATA:")
	msg = "row " + msg
	switch r := strings.ToLower(re.Reason); {
	case strings.Contains(r, "duplicate"):
		return mysql.NewSQLError(mysql.ERDupEntry, "23000", "%s", msg)
	case strings.Contains(r, "not null"):
		return mysql.NewSQLError(mysql.ERBadNullError, "23000", "%s", msg)
	case strings.Contains(r, "too long"):
		return mysql.NewSQLError(mysql.ERDataTooLong, "22001", "%s", msg)
	case strings.Contains(r, "out of range"):
		return mysql.NewSQLError(mysql.ERWarnDataOutOfRange, "22003", "%s", msg)
	}
	return mysql.NewSQLError(mysql.ERTruncatedWrongValueForField, "HY000", "%s", msg)
}

// # MySQL's LOAD DATA field and line rules
//
// LoadDataBuilder also builds the source of every LOAD DATA (the plan.LoadData node, on
// the bulk path and on GMS's row path alike) from ldReader instead of GMS's LOAD DATA
// iterator, so files are read as MySQL and MariaDB read them (MySQL 8 reference, LOAD
// DATA: "Field and Line Handling", "Input Preprocessing"):
//
//   - LINES STARTING BY: everything up to the next occurrence of the prefix is skipped
//     (a line without it is skipped); LINES TERMINATED BY may be several characters and
//     defaults to FIELDS TERMINATED BY when empty; a line terminator equal to the field
//     terminator is ignored.
//   - FIELDS ENCLOSED BY: a field that starts with the character is enclosed; inside it a
//     doubled character stands for one, and the field ends at the character followed by
//     the field or line terminator (else the character is data). Line terminators inside
//     an enclosed field are data. OPTIONALLY only matters for output.
//   - FIELDS ESCAPED BY (default \): \0 \b \n \r \t \Z are NUL, backspace, newline,
//     return, tab and Ctrl-Z, \N alone is NULL, the escape character before any other
//     character stands for that character; ESCAPED BY '' turns escapes off. When it equals
//     the enclosure character, only doubling escapes.
//   - NULL: \N, and the unenclosed word NULL when ENCLOSED BY is not empty; an enclosed
//     "NULL" is the string NULL, as is the word NULL without an enclosure character.
//   - IGNORE n LINES skips n lines by the line terminator; an empty file or a file that
//     ends with the line terminator has no empty last record.
//   - A record with fewer fields than the column list: error 1261 in strict mode (no LOCAL,
//     no IGNORE); otherwise warning 1261 and a missing column takes its type's zero value
//     ('' or 0) when it is NOT NULL or has a non-NULL default, else NULL (as MariaDB).
//   - An empty field for a number or a date is error 1366 in strict mode; otherwise
//     INSERT's IGNORE conversion stores 0. More fields than the list: error 1262 in strict mode,
//     otherwise warning 1262 and the extra fields are dropped.
//   - The column list takes columns and @user variables; SET expressions are evaluated
//     after the record's fields are assigned, over the row being built.
//
// Each record yields the row GMS's analyzed INSERT expects of the LOAD DATA node: one
// value per LoadData.ColNames entry (every destination column when the list is empty),
// strings and NULLs that INSERT converts with its strictness.

// ldReader splits a LOAD DATA file into fields and records.
type ldReader struct {
	r        *bufio.Reader
	back     []byte // pushed-back bytes, the next one last
	ft, lt   []byte
	ls       []byte
	enc, esc int // -1: none
	encLen   int

	eol, eof    bool // the last field ended its line / the input
	startOfLine bool // LINES STARTING BY must be found before the next field
	cut         bool // the last nextLine skipped data (more fields than columns)
	enclosed    bool // the last field was enclosed
	null        bool // the last field was \N
	err         error
	buf         []byte
	// plain and plainEnc tell the bytes that are always data in an unenclosed and an
	// enclosed field.
	plain, plainEnc [256]bool
}

func newLDReader(r io.Reader, ld *plan.LoadData) *ldReader {
	rd := &ldReader{r: bufio.NewReaderSize(r, 1<<20), ft: []byte(ld.FieldsTerminatedBy), lt: []byte(ld.LinesTerminatedBy),
		ls: []byte(ld.LinesStartingBy), enc: -1, esc: -1}
	if ld.FieldsEnclosedBy != "" {
		rd.enc = int(ld.FieldsEnclosedBy[0])
		rd.encLen = 1
	}
	if ld.FieldsEscapedBy != "" {
		rd.esc = int(ld.FieldsEscapedBy[0])
	}
	if len(rd.lt) == 0 {
		rd.lt = rd.ft
	}
	if bytes.Equal(rd.ft, rd.lt) {
		rd.lt = nil
	}
	rd.startOfLine = len(rd.ls) > 0
	for c := range 256 {
		special := c == rd.esc || c == rd.enc
		rd.plainEnc[c] = !special
		rd.plain[c] = !special && (len(rd.ft) == 0 || c != int(rd.ft[0])) && (len(rd.lt) == 0 || c != int(rd.lt[0]))
	}
	return rd
}

// get returns the next byte, or -1 at the end of the input.
func (r *ldReader) get() int {
	if n := len(r.back); n > 0 {
		c := r.back[n-1]
		r.back = r.back[:n-1]
		return int(c)
	}
	c, err := r.r.ReadByte()
	if err != nil {
		if err != io.EOF && r.err == nil {
			r.err = err
		}
		return -1
	}
	return int(c)
}

func (r *ldReader) push(c int) {
	if c >= 0 {
		r.back = append(r.back, byte(c))
	}
}

// at reports whether c and the bytes after it are t, consuming them if so (else nothing
// after c is consumed).
func (r *ldReader) at(c int, t []byte) bool {
	if len(t) == 0 || c != int(t[0]) {
		return false
	}
	for i := 1; i < len(t); i++ {
		d := r.get()
		if d != int(t[i]) {
			r.push(d)
			for j := i - 1; j >= 1; j-- {
				r.push(int(t[j]))
			}
			return false
		}
	}
	return true
}

func (r *ldReader) unescape(c int) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case 'b':
		return '\b'
	case '0':
		return 0
	case 'Z':
		return 26
	case 'N':
		r.null = true
	}
	return byte(c)
}

// field reads the next field of the current record; ok is false when the record has no
// more (its line ended, or the input).
func (r *ldReader) field() (f []byte, ok bool) {
	f, ok = r.fieldRaw()
	return bytes.Clone(f), ok
}

// fieldRaw is field, in a buffer the next call reuses.
func (r *ldReader) fieldRaw() (f []byte, ok bool) {
	r.null = false
	if r.eol || r.eof {
		return nil, false
	}
	if r.startOfLine {
		r.startOfLine = false
		if !r.findStart() {
			return nil, false
		}
	}
	c := r.get()
	if c < 0 {
		r.eol, r.eof = true, true
		return nil, false
	}
	buf := r.buf[:0]
	defer func() { r.buf = buf }()
	enclosing := -1
	if r.enc >= 0 && c == r.enc {
		enclosing = c
		buf = append(buf, byte(c)) // kept if the enclosure never closes
	} else {
		r.push(c)
	}
	start := len(buf)
	done := func(enclosed, eol bool) ([]byte, bool) {
		r.enclosed, r.eol = enclosed, r.eol || eol
		s := 0
		if enclosed {
			s = start
		}
		return buf[s:], true
	}
	plain := &r.plain
	if enclosing >= 0 {
		plain = &r.plainEnc
	}
	for {
		if len(r.back) == 0 {
			// Bytes that are no escape, enclosure or terminator are data: take the run of
			// them that is buffered at once.
			p, _ := r.r.Peek(r.r.Buffered())
			n := 0
			for n < len(p) && plain[p[n]] {
				n++
			}
			if n > 0 {
				buf = append(buf, p[:n]...)
				_, _ = r.r.Discard(n)
			}
		}
		c = r.get()
		if c < 0 {
			r.eof = true
			return done(false, true)
		}
		if r.esc >= 0 && c == r.esc {
			d := r.get()
			if d < 0 {
				buf = append(buf, byte(r.esc))
				r.eof = true
				return done(false, true)
			}
			if r.esc != r.enc || d == r.esc {
				buf = append(buf, r.unescape(d))
				continue
			}
			r.push(d) // the escape character is the enclosure character
		}
		if enclosing < 0 && r.at(c, r.lt) {
			return done(false, true)
		}
		if enclosing >= 0 && c == enclosing {
			d := r.get()
			if d == enclosing {
				buf = append(buf, byte(d))
				continue
			}
			if d < 0 {
				r.eof = true
				return done(true, true)
			}
			if r.at(d, r.lt) {
				return done(true, true)
			}
			if r.at(d, r.ft) {
				return done(true, false)
			}
			r.push(d)
		} else if enclosing < 0 && r.at(c, r.ft) {
			return done(false, false)
		}
		buf = append(buf, byte(c))
	}
}

// findStart skips to just after the next LINES STARTING BY prefix; false at the end of
// the input.
func (r *ldReader) findStart() bool {
	for c := r.get(); c >= 0; c = r.get() {
		if r.at(c, r.ls) {
			return true
		}
	}
	r.eol, r.eof = true, true
	return false
}

// nextLine moves to the start of the next record, skipping what is left of the current
// line (r.cut reports that something was); true at the end of the input.
func (r *ldReader) nextLine() bool {
	r.cut = false
	r.startOfLine = len(r.ls) > 0
	if r.eol || r.eof {
		r.eol = false
		return r.eof
	}
	if len(r.lt) == 0 {
		return false
	}
	for {
		c := r.get()
		if c < 0 {
			r.eof = true
			return true
		}
		if r.esc >= 0 && c == r.esc {
			r.cut = true
			if r.get() < 0 {
				r.eof = true
				return true
			}
			continue
		}
		if r.at(c, r.lt) {
			return false
		}
		r.cut = true
	}
}

// isNull reports whether the field just read is SQL NULL.
func (r *ldReader) isNull(f []byte) bool {
	return (!r.enclosed && r.encLen > 0 && string(f) == "NULL") || (len(f) == 1 && r.null)
}

// ldEntry is one entry of a LOAD DATA column list: a destination column or a user
// variable.
type ldEntry struct {
	col int    // destination column (-1: a variable)
	v   string // the variable's name
}

// ldIter yields the rows of a LOAD DATA file (see above).
type ldIter struct {
	ld      *plan.LoadData
	rd      *ldReader
	file    io.Closer
	entries []ldEntry
	out     []int // destination column of each output position
	strict  bool
	started bool
	done    bool
	rowNum  int64
}

// newLoadDataIter opens ld's file and returns its rows, or nil (no error) when the
// statement is one this reader does not plan (GMS's iterator then reads it).
func newLoadDataIter(ctx *sql.Context, ld *plan.LoadData) (sql.RowIter, error) {
	sch := ld.DestSch
	entries, ok := loadDataEntries(ctx, ld)
	if !ok || len(ld.FieldsTerminatedBy) == 0 {
		return nil, nil
	}
	it := &ldIter{ld: ld, entries: entries, strict: sql.LoadSqlMode(ctx).Strict() && !ld.IsIgnore}
	if len(ld.ColNames) == 0 {
		it.out = make([]int, len(sch))
		for i := range sch {
			it.out[i] = i
		}
	} else {
		for _, n := range ld.ColNames {
			d := sch.IndexOfColName(n)
			if d < 0 {
				return nil, nil
			}
			it.out = append(it.out, d)
		}
	}
	var r io.ReadCloser
	if ld.Local {
		_, v, ok := sql.SystemVariables.GetGlobal("local_infile")
		if !ok {
			return nil, fmt.Errorf("error: local_infile variable was not found")
		}
		if on, _ := v.(int8); on == 0 {
			return nil, fmt.Errorf("local_infile needs to be set to 1 to use LOCAL")
		}
		f, err := ctx.LoadInfile(ld.File)
		if err != nil {
			return nil, err
		}
		r = f
	} else {
		_, dir, _ := sql.SystemVariables.GetGlobal("secure_file_priv")
		if err := underSecureDir(dir, ld.File); err != nil {
			return nil, sql.ErrLoadDataCannotOpen.New(err.Error())
		}
		f, err := os.Open(ld.File)
		if err != nil {
			return nil, sql.ErrLoadDataCannotOpen.New(err.Error())
		}
		r = f
	}
	it.rd, it.file = newLDReader(r, ld), r
	return it, nil
}

// underSecureDir checks that file is in the directory @@secure_file_priv names, if any.
func underSecureDir(dir any, file string) error {
	d, _ := dir.(string)
	if d == "" {
		return nil
	}
	ds, err := os.Stat(d)
	if err != nil {
		return err
	}
	if fs, err := os.Stat(filepath.Dir(file)); err == nil && os.SameFile(ds, fs) {
		return nil
	}
	fa, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	da, _ := filepath.Abs(d)
	if strings.HasPrefix(fa, da+string(filepath.Separator)) {
		return nil
	}
	return sql.ErrSecureFilePriv.New()
}

// loadDataEntries returns the column list of ld: from the statement's own text when it
// is there (the plan does not keep where SET columns end and the list's own begin), else
// from the plan when that is unambiguous.
func loadDataEntries(ctx *sql.Context, ld *plan.LoadData) ([]ldEntry, bool) {
	sch := ld.DestSch
	if stmt, err := sqlparser.Parse(ctx.Query()); err == nil {
		if l, ok := stmt.(*sqlparser.Load); ok && l.Infile == ld.File {
			if len(l.Columns) == 0 {
				return allColumns(sch), true
			}
			var es []ldEntry
			for _, c := range l.Columns {
				name := c.String()
				if strings.HasPrefix(name, "@") && sch.IndexOfColName(name) < 0 {
					es = append(es, ldEntry{col: -1, v: strings.TrimPrefix(name, "@")})
					continue
				}
				d := sch.IndexOfColName(name)
				if d < 0 {
					return nil, false
				}
				es = append(es, ldEntry{col: d})
			}
			return es, true
		}
	}
	vars := 0
	for _, v := range ld.UserVars {
		if v != nil {
			vars++
		}
	}
	if len(ld.ColNames) == 0 && vars == 0 {
		return allColumns(sch), true
	}
	// The planner appends SET columns missing from the list to ColNames, and pads
	// UserVars to max(len(schema), len(list)) plus those: the padding tells how many
	// were appended when the list is shorter than the schema. A list at least as long
	// without variables names every column, so none was appended; else it is ambiguous.
	cols := len(ld.ColNames)
	for _, e := range ld.SetExprs {
		if e == nil {
			continue
		}
		appended := len(ld.UserVars) - len(sch)
		switch {
		case appended >= 0 && appended <= cols && cols-appended+vars < len(sch):
			cols -= appended
		case vars > 0:
			return nil, false
		}
		break
	}
	var es []ldEntry
	c := 0
	for _, v := range ld.UserVars {
		if len(es) == cols+vars {
			break
		}
		if sf, ok := v.(*expression.SetField); ok {
			uv, ok := sf.LeftChild.(*expression.UserVar)
			if !ok {
				return nil, false
			}
			es = append(es, ldEntry{col: -1, v: uv.Name})
			continue
		}
		if c >= cols {
			return nil, false
		}
		d := sch.IndexOfColName(ld.ColNames[c])
		if d < 0 {
			return nil, false
		}
		es = append(es, ldEntry{col: d})
		c++
	}
	return es, len(es) == cols+vars
}

func allColumns(sch sql.Schema) []ldEntry {
	es := make([]ldEntry, len(sch))
	for i := range sch {
		es[i] = ldEntry{col: i}
	}
	return es
}

func (it *ldIter) Next(ctx *sql.Context) (sql.Row, error) {
	rd := it.rd
	if it.done {
		return nil, io.EOF
	}
	if !it.started {
		it.started = true
		for n := it.ld.IgnoreNum; n > 0; n-- {
			if rd.nextLine() {
				it.done = true
				return nil, rd.errOr(io.EOF)
			}
		}
	}
	sch := it.ld.DestSch
	dest := make(sql.Row, len(sch))
	got := 0
	for _, e := range it.entries {
		f, ok := rd.field()
		if !ok {
			break
		}
		got++
		var v any
		if !rd.isNull(f) {
			v = string(f)
		}
		if e.col < 0 {
			if err := setUserVar(ctx, e.v, v); err != nil {
				return nil, err
			}
			continue
		}
		if len(f) == 0 && v != nil && it.strict {
			// MySQL refuses an empty field for a number or a date in strict mode (GMS's
			// INSERT would store 0); otherwise INSERT's IGNORE conversion gives 0.
			if c := sch[e.col]; types.IsNumber(c.Type) || types.IsTime(c.Type) || types.IsYear(c.Type) {
				return nil, mysql.NewSQLError(1366, "HY000", "Incorrect %s value: '' for column '%s' at row %d", typeWord(c.Type), c.Name, it.rowNum+1)
			}
		}
		if v != nil && typeconv.IsChar(sch[e.col].Type) {
			// A CHAR value loses its trailing spaces (as stored), and spaces past the
			// column's length are no error, as in MySQL.
			v, _ = typeconv.TrimChar(v)
		}
		dest[e.col] = v
	}
	if rd.err != nil {
		return nil, rd.err
	}
	if got == 0 {
		it.done = true
		return nil, io.EOF
	}
	it.rowNum++
	if got < len(it.entries) {
		if it.strict {
			return nil, mysql.NewSQLError(1261, "01000", "Row %d doesn't contain data for all columns", it.rowNum)
		}
		ctx.Warn(1261, "Row %d doesn't contain data for all columns", it.rowNum)
		for _, e := range it.entries[got:] {
			if e.col < 0 {
				if err := setUserVar(ctx, e.v, nil); err != nil {
					return nil, err
				}
				continue
			}
			// As MariaDB: the type's zero value ('' or 0) for a NOT NULL column or one
			// with a non-NULL default, else NULL (not the default).
			if c := sch[e.col]; !c.AutoIncrement && (!c.Nullable || nonNullDefault(c)) {
				dest[e.col] = c.Type.Zero()
			}
		}
	}
	for d, e := range it.ld.SetExprs {
		if e == nil {
			continue
		}
		v, err := e.Eval(ctx, dest)
		if err != nil {
			return nil, err
		}
		dest[d] = v
	}
	if rd.nextLine() {
		it.done = true
	}
	if rd.err != nil {
		return nil, rd.err
	}
	if rd.cut {
		if it.strict {
			return nil, mysql.NewSQLError(1262, "01000", "Row %d was truncated; it contained more data than there were input columns", it.rowNum)
		}
		ctx.Warn(1262, "Row %d was truncated; it contained more data than there were input columns", it.rowNum)
	}
	row := make(sql.Row, len(sch))
	for p, d := range it.out {
		row[p] = dest[d]
	}
	return row, nil
}

// nonNullDefault reports whether c has a default other than NULL.
func nonNullDefault(c *sql.Column) bool {
	if c.Default == nil {
		return false
	}
	if l, ok := c.Default.Expr.(*expression.Literal); ok && l.Value() == nil {
		return false
	}
	return true
}

func typeWord(t sql.Type) string {
	switch {
	case types.IsInteger(t):
		return "integer"
	case types.IsDecimal(t):
		return "decimal"
	case types.IsFloat(t):
		return "double"
	case types.IsTime(t) || types.IsYear(t):
		return strings.ToLower(t.String())
	}
	return "value"
}

func (r *ldReader) errOr(err error) error {
	if r.err != nil {
		return r.err
	}
	return err
}

func setUserVar(ctx *sql.Context, name string, v any) error {
	if v == nil {
		return ctx.SetUserVariable(ctx, name, nil, types.Null)
	}
	return ctx.SetUserVariable(ctx, name, v, types.LongText)
}

func (it *ldIter) Close(*sql.Context) error {
	if it.file == nil {
		return nil
	}
	err := it.file.Close()
	it.file = nil
	return err
}

// ldRawSource is the bulk path's Reader when every field of a record goes to the
// destination column at its position (no column list, or one naming every column in
// order) in strict mode: it reads the file with ldReader into raw batches (the field
// bytes, after LOAD DATA's escapes, enclosures and NULL markers, with which fields are
// NULL), so that Import converts them as a delimited file's, in parallel and through
// the fast path. The errors of strict mode (1261, 1262, 1366 for an empty number or
// date) end the batch where ldIter would have returned them.
type ldRawSource struct {
	it      *ldIter
	names   []string
	empty   []bool // the column refuses an empty field (a number or a date)
	rowNum  int
	started bool
	done    bool
	one     rawBatch // Next's record
	vals    []any
}

// newLDRawSource returns the raw Reader of ld into the columns sch, or nil (no error)
// when the load needs ldIter's rows.
func newLDRawSource(ctx *sql.Context, ld *plan.LoadData, sch sql.Schema) (*ldRawSource, error) {
	if !sql.LoadSqlMode(ctx).Strict() || len(ld.SetExprs) > 0 || len(ld.DestSch) != len(sch) {
		return nil, nil
	}
	if len(ld.ColNames) != 0 {
		if len(ld.ColNames) != len(sch) {
			return nil, nil
		}
		for i, n := range ld.ColNames {
			if !strings.EqualFold(n, sch[i].Name) {
				return nil, nil
			}
		}
	}
	for i, c := range ld.DestSch {
		if !strings.EqualFold(c.Name, sch[i].Name) {
			return nil, nil
		}
	}
	ri, err := newLoadDataIter(ctx, ld)
	if ri == nil || err != nil {
		return nil, err
	}
	it := ri.(*ldIter)
	ok := it.strict && len(it.entries) == len(sch) && len(it.out) == len(sch)
	for i := 0; ok && i < len(sch); i++ {
		ok = it.entries[i].col == i && it.out[i] == i
	}
	if !ok {
		return nil, it.Close(ctx)
	}
	s := &ldRawSource{it: it, empty: make([]bool, len(sch))}
	for i, c := range ld.DestSch {
		s.empty[i] = types.IsNumber(c.Type) || types.IsTime(c.Type) || types.IsYear(c.Type)
	}
	return s, nil
}

func (s *ldRawSource) Header() []string { return s.names }
func (s *ldRawSource) Offset() int64    { return 0 }

// Next returns the next record as strings and NULLs (Import's row path).
func (s *ldRawSource) Next() (Record, error) {
	b := &s.one
	s.readBatch(b, 1, 1)
	if b.err != nil {
		return Record{}, b.err
	}
	if len(b.lines) == 0 {
		return Record{}, io.EOF
	}
	s.vals = s.vals[:0]
	for j := range b.ends {
		if b.null[j] {
			s.vals = append(s.vals, nil)
		} else {
			s.vals = append(s.vals, string(b.field(j)))
		}
	}
	return Record{Line: b.lines[0], Names: s.names, Values: s.vals}, nil
}

// readBatch implements batchReader, as ldIter.Next reads records.
func (s *ldRawSource) readBatch(b *rawBatch, maxRows, maxBytes int) {
	b.reset()
	rd, ld := s.it.rd, s.it.ld
	n := len(s.empty)
	fail := func(d0, f0 int, err error) {
		b.data, b.ends, b.cols, b.null = b.data[:d0], b.ends[:f0], b.cols[:f0], b.null[:f0]
		b.err = err
		s.done = true
	}
	if !s.started {
		s.started = true
		for k := ld.IgnoreNum; k > 0; k-- {
			if rd.nextLine() {
				s.done = true
				b.eof, b.err = true, rd.err
				return
			}
		}
	}
	for len(b.lines) < maxRows && len(b.data) < maxBytes {
		if s.done {
			b.eof = true
			return
		}
		d0, f0 := len(b.data), len(b.ends)
		got := 0
		for got < n {
			f, ok := rd.fieldRaw()
			if !ok {
				break
			}
			null := rd.isNull(f)
			if null {
				f = nil
			} else if len(f) == 0 && s.empty[got] {
				c := ld.DestSch[got]
				fail(d0, f0, mysql.NewSQLError(1366, "HY000", "Incorrect %s value: '' for column '%s' at row %d", typeWord(c.Type), c.Name, s.rowNum+1))
				return
			}
			b.data = append(b.data, f...)
			b.ends = append(b.ends, len(b.data))
			b.cols = append(b.cols, 0)
			b.null = append(b.null, null)
			got++
		}
		if rd.err != nil {
			fail(d0, f0, rd.err)
			return
		}
		if got == 0 {
			s.done, b.eof = true, true
			return
		}
		s.rowNum++
		if got < n {
			fail(d0, f0, mysql.NewSQLError(1261, "01000", "Row %d doesn't contain data for all columns", s.rowNum))
			return
		}
		if rd.nextLine() {
			s.done = true
		}
		if rd.err != nil {
			fail(d0, f0, rd.err)
			return
		}
		if rd.cut {
			fail(d0, f0, mysql.NewSQLError(1262, "01000", "Row %d was truncated; it contained more data than there were input columns", s.rowNum))
			return
		}
		b.lines = append(b.lines, s.rowNum)
	}
}
