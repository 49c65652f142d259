package dataio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
)

// Format is a file format of import and export.
type Format string

// The formats. Parquet is not supported yet.
const (
	CSV   Format = "csv"   // comma-separated, RFC 4180 quoting, header line
	TSV   Format = "tsv"   // tab-separated, same quoting, header line
	PSV   Format = "psv"   // pipe-separated, same quoting, header line
	JSON  Format = "json"  // an array of objects, or {"rows": [...]}
	JSONL Format = "jsonl" // one object per line
	SQL   Format = "sql"   // export only: CREATE TABLE and INSERT statements
	// Parquet is a flat Parquet file (parquet.go); reading needs a seekable file.
	Parquet Format = "parquet"
)

// ImportFormats and ExportFormats list the formats each direction accepts.
var (
	ImportFormats = []Format{CSV, TSV, PSV, JSON, JSONL, Parquet}
	ExportFormats = []Format{CSV, TSV, PSV, JSON, JSONL, SQL, Parquet}
)

// ErrFormat marks an unknown or unsupported file format.
var ErrFormat = errors.New("dataio: unsupported file format")

// FormatFor returns the format named explicit, or, when explicit is "", the one the
// extension of path names (.csv, .tsv, .psv, .json, .jsonl/.ndjson, .sql, .parquet).
func FormatFor(path, explicit string, allowed []Format) (Format, error) {
	name := strings.ToLower(explicit)
	if name == "" {
		name = strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
		if name == "ndjson" {
			name = "jsonl"
		}
		if name == "" {
			return "", fmt.Errorf("%w: cannot tell the format of %q from its name; pass --file-type (%s)", ErrFormat, path, formatList(allowed))
		}
	}
	for _, f := range allowed {
		if string(f) == name {
			return f, nil
		}
	}
	return "", fmt.Errorf("%w: %q (want one of %s)", ErrFormat, name, formatList(allowed))
}

func formatList(fs []Format) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// Record is one row of an input file.
type Record struct {
	// Line is the 1-based line of the file where the record starts.
	Line int
	// Names are the column names of Values: the header of a delimited file (shared by
	// every record; do not modify) or an object's keys in file order.
	Names []string
	// Values hold nil (NULL: an empty field of a delimited file, JSON null), string,
	// json.Number, bool, or RawJSON (a nested object or array). Valid until the next call
	// of Next.
	Values []any
	// Cols, for delimited files, are the 1-based byte columns where each field starts
	// (for error messages); nil for JSON.
	Cols []int
}

// RawJSON is a nested JSON object or array, as text.
type RawJSON string

// Reader reads the records of an input file. It is not safe for concurrent use.
type Reader interface {
	// Header returns the column names of a delimited file's header line (nil for JSON).
	Header() []string
	// Next returns the next record, or io.EOF after the last one. A malformed record is
	// a *RowError; the reader cannot go on after a syntax error (Skippable reports
	// false).
	Next() (Record, error)
	// Offset is how many bytes of the input were consumed so far (for progress).
	Offset() int64
}

// RowError is a problem with one record (or field) of the input: where it is, what is
// wrong and whether the import may skip it.
type RowError struct {
	File      string
	Line      int    // 1-based; 0 if unknown
	Column    int    // 1-based byte column; 0 if unknown
	Field     string // the column name, if one field is at fault
	Reason    string
	Skippable bool // --continue may skip the record and go on
}

func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		fmt.Fprintf(&b, "column %q: ", e.Field)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// countingReader counts the bytes read through it and remembers where newlines are, so
// that JSON readers can turn byte offsets into line numbers.
type countingReader struct {
	r        io.Reader
	n        int64
	trackNL  bool
	nl       []int64 // offsets of newlines past the last lineAt query
	nlBefore int     // newlines before nl[0]
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.trackNL {
		for i := 0; i < n; {
			j := bytes.IndexByte(p[i:n], '\n')
			if j < 0 {
				break
			}
			c.nl = append(c.nl, c.n+int64(i+j))
			i += j + 1
		}
	}
	c.n += int64(n)
	return n, err
}

// lineAt returns the 1-based line of byte offset off; offsets must not decrease from
// call to call.
func (c *countingReader) lineAt(off int64) int {
	k := sort.Search(len(c.nl), func(i int) bool { return c.nl[i] >= off })
	c.nlBefore += k
	c.nl = c.nl[k:]
	return c.nlBefore + 1
}

// NewReader returns a Reader of format f over r; name is the file name used in errors.
// A UTF-8 byte order mark at the start is skipped.
func NewReader(r io.Reader, f Format, name string) (Reader, error) {
	if f == Parquet {
		return newParquetReader(r, name)
	}
	br := bufio.NewReaderSize(r, 1<<20)
	bom := 0
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
		bom = 3
	}
	switch f {
	case CSV, TSV, PSV:
		return newDelimitedReader(br, int64(bom), f, name)
	case JSON, JSONL:
		return newJSONReader(&countingReader{r: br, n: int64(bom), trackNL: true}, f, name)
	}
	return nil, fmt.Errorf("%w: cannot import %s", ErrFormat, f)
}

// delimitedReader reads CSV, TSV and PSV. It parses exactly as encoding/csv does with
// FieldsPerRecord -1 (RFC 4180 quoting, "" inside quotes, quoted fields across lines,
// \r\n read as \n, empty lines skipped, a bare quote in an unquoted field and a stray
// character after a closing quote are errors with encoding/csv's line and column;
// TestDelimitedLikeEncodingCSV compares the two), but appends the fields of many records
// to one buffer (rawBatch) instead of making strings, so that the import's bulk path
// converts them without a string per record.
type delimitedReader struct {
	name    string
	br      *bufio.Reader
	comma   byte
	off     int64 // bytes consumed
	numLine int   // lines read
	long    []byte
	header  []string
	one     rawBatch // Next's record
	vals    []any
	cols    []int
}

// rawBatch holds consecutive records of a delimited file, parsed but not converted: the
// bytes of every field back to back in data, where field j (counting across records)
// ends at ends[j] and starts where field j-1 ends. Records with the wrong number of
// fields are not in it: they are problems in errs, placed before the record they
// preceded.
type rawBatch struct {
	data  []byte
	ends  []int
	cols  []int32 // 1-based byte column of each field (errors)
	lines []int   // line of each record
	// null, when not empty (LOAD DATA), says which fields are SQL NULL: an empty field
	// that is not is the empty string. Empty (a delimited file), an empty field is NULL.
	null []bool
	errs []posErr
	err  error // ends the input (a syntax or read error) after the records
	eof  bool
	off  int64 // input bytes consumed after the batch
}

// posErr is a problem placed before the at-th record (or entry) of a batch.
type posErr struct {
	at  int
	err *RowError
}

func (b *rawBatch) reset() {
	b.data, b.ends, b.cols, b.lines, b.errs = b.data[:0], b.ends[:0], b.cols[:0], b.lines[:0], b.errs[:0]
	b.null = b.null[:0]
	b.err, b.eof, b.off = nil, false, 0
}

// field returns field j (counting across records).
func (b *rawBatch) field(j int) []byte {
	s := 0
	if j > 0 {
		s = b.ends[j-1]
	}
	return b.data[s:b.ends[j]]
}

// truncate drops the fields from f and the bytes from d on.
func (b *rawBatch) truncate(d, f int) {
	b.data, b.ends, b.cols = b.data[:d], b.ends[:f], b.cols[:f]
}

func newDelimitedReader(br *bufio.Reader, off int64, f Format, name string) (*delimitedReader, error) {
	d := &delimitedReader{name: name, br: br, comma: ',', off: off}
	switch f {
	case TSV:
		d.comma = '\t'
	case PSV:
		d.comma = '|'
	}
	b := &d.one
	err := d.readRecord(b)
	if err == io.EOF {
		return nil, &RowError{File: name, Line: 1, Reason: "the file is empty: the first line must name the columns (a header line such as id,name)"}
	}
	if err != nil {
		return nil, err
	}
	d.header = make([]string, len(b.ends))
	seen := map[string]bool{}
	for i := range b.ends {
		s := strings.TrimSpace(string(b.field(i)))
		if s == "" {
			return nil, &RowError{File: name, Line: b.lines[0], Column: int(b.cols[i]), Reason: fmt.Sprintf("header field %d is empty: every column needs a name", i+1)}
		}
		if seen[strings.ToLower(s)] {
			return nil, &RowError{File: name, Line: b.lines[0], Column: int(b.cols[i]), Reason: fmt.Sprintf("column %q appears twice in the header", s)}
		}
		seen[strings.ToLower(s)] = true
		d.header[i] = s
	}
	d.vals = make([]any, len(d.header))
	d.cols = make([]int, len(d.header))
	return d, nil
}

func (d *delimitedReader) Header() []string { return d.header }
func (d *delimitedReader) Offset() int64    { return d.off }

func (d *delimitedReader) syntaxError(pe *csv.ParseError) error {
	reason := pe.Err.Error()
	if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
		reason += ` (a field that contains quotes must be quoted as a whole, with each quote doubled: "a ""b"" c"; an unterminated quote runs to the end of the file)`
		if pe.StartLine != pe.Line {
			reason += fmt.Sprintf("; the field starts on line %d", pe.StartLine)
		}
	}
	return &RowError{File: d.name, Line: pe.Line, Column: pe.Column, Reason: reason}
}

// readLine returns the next line with its newline (none at the end of the input), \r\n
// turned into \n; valid until the next call.
func (d *delimitedReader) readLine() ([]byte, error) {
	line, err := d.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		d.long = append(d.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = d.br.ReadSlice('\n')
			d.long = append(d.long, line...)
		}
		line = d.long
	}
	n := len(line)
	if n > 0 && err == io.EOF {
		err = nil
		if line[n-1] == '\r' { // a \r before the end of the input is dropped
			line = line[:n-1]
		}
	}
	d.numLine++
	d.off += int64(n)
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// readRecord appends the next record (skipping empty lines) to b: its fields, their
// columns and its line. It returns io.EOF at the end of the input, or a *RowError for a
// syntax error (b is left as it was).
func (d *delimitedReader) readRecord(b *rawBatch) error {
	var line []byte
	var errRead error
	for errRead == nil {
		line, errRead = d.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			continue // an empty line
		}
		break
	}
	if errRead == io.EOF {
		return io.EOF
	}
	recLine := d.numLine
	posLine, col := d.numLine, 1
	d0, f0 := len(b.data), len(b.ends)
	var pe *csv.ParseError
	comma := d.comma
fields:
	for {
		if len(line) == 0 || line[0] != '"' {
			i := bytes.IndexByte(line, comma)
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				pe = &csv.ParseError{StartLine: recLine, Line: d.numLine, Column: col + j, Err: csv.ErrBareQuote}
				break fields
			}
			b.data = append(b.data, field...)
			b.ends = append(b.ends, len(b.data))
			b.cols = append(b.cols, int32(col))
			if i >= 0 {
				line = line[i+1:]
				col += i + 1
				continue fields
			}
			break fields
		}
		// A quoted field.
		fieldCol := col
		line = line[1:]
		col++
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				b.data = append(b.data, line[:i]...)
				line = line[i+1:]
				col += i + 1
				switch {
				case len(line) > 0 && line[0] == '"': // "" is a quote
					b.data = append(b.data, '"')
					line = line[1:]
					col++
				case len(line) > 0 && line[0] == comma: // the field ends
					line = line[1:]
					col++
					b.ends = append(b.ends, len(b.data))
					b.cols = append(b.cols, int32(fieldCol))
					continue fields
				case lengthNL(line) == len(line): // the record ends
					b.ends = append(b.ends, len(b.data))
					b.cols = append(b.cols, int32(fieldCol))
					break fields
				default:
					pe = &csv.ParseError{StartLine: recLine, Line: d.numLine, Column: col - 1, Err: csv.ErrQuote}
					break fields
				}
			case len(line) > 0:
				// The field goes on on the next line.
				b.data = append(b.data, line...)
				if errRead != nil {
					break fields
				}
				col += len(line)
				line, errRead = d.readLine()
				if len(line) > 0 {
					posLine++
					col = 1
				}
				if errRead == io.EOF {
					errRead = nil
				}
			default:
				if errRead == nil {
					pe = &csv.ParseError{StartLine: recLine, Line: posLine, Column: col, Err: csv.ErrQuote}
					break fields
				}
				b.ends = append(b.ends, len(b.data))
				b.cols = append(b.cols, int32(fieldCol))
				break fields
			}
		}
	}
	if pe != nil {
		b.truncate(d0, f0)
		return d.syntaxError(pe)
	}
	if errRead != nil {
		b.truncate(d0, f0)
		return fmt.Errorf("%s: %w", d.name, errRead)
	}
	b.lines = append(b.lines, recLine)
	return nil
}

// fieldCountError is the problem of a record of n fields; blank reports a blank line
// (one empty field), which is skipped silently.
func (d *delimitedReader) fieldCountError(line, n int, blank bool) *RowError {
	if blank {
		return nil
	}
	return &RowError{File: d.name, Line: line, Skippable: true,
		Reason: fmt.Sprintf("the row has %d fields but the header names %d columns", n, len(d.header))}
}

func (d *delimitedReader) Next() (Record, error) {
	b := &d.one
	for {
		b.reset()
		if err := d.readRecord(b); err != nil {
			return Record{}, err
		}
		line := b.lines[0]
		if len(b.ends) != len(d.header) {
			if e := d.fieldCountError(line, len(b.ends), len(b.ends) == 1 && b.ends[0] == 0); e != nil {
				return Record{Line: line}, e
			}
			continue
		}
		str := string(b.data)
		prev := 0
		for i, e := range b.ends {
			if e == prev {
				d.vals[i] = nil
			} else {
				d.vals[i] = str[prev:e]
			}
			d.cols[i] = int(b.cols[i])
			prev = e
		}
		return Record{Line: line, Names: d.header, Values: d.vals, Cols: d.cols}, nil
	}
}

// readBatch reads records into b (reset first) until it holds maxRows records or
// maxBytes bytes of fields, or the input ends (b.eof) or fails (b.err).
func (d *delimitedReader) readBatch(b *rawBatch, maxRows, maxBytes int) {
	b.reset()
	nh := len(d.header)
	for len(b.lines) < maxRows && len(b.data) < maxBytes {
		d0, f0 := len(b.data), len(b.ends)
		err := d.readRecord(b)
		if err == io.EOF {
			b.eof = true
			break
		}
		if err != nil {
			b.err = err
			break
		}
		if n := len(b.ends) - f0; n != nh {
			line := b.lines[len(b.lines)-1]
			blank := n == 1 && b.ends[f0] == d0
			b.truncate(d0, f0)
			b.lines = b.lines[:len(b.lines)-1]
			if e := d.fieldCountError(line, n, blank); e != nil {
				b.errs = append(b.errs, posErr{at: len(b.lines), err: e})
			}
		}
	}
	b.off = d.off
}

// jsonReader reads an array of objects, {"rows": [...]}, or (JSONL) a stream of objects.
type jsonReader struct {
	name   string
	f      Format
	cr     *countingReader
	dec    *json.Decoder
	inArr  bool // inside the array of rows
	done   bool
	names  []string
	vals   []any
	lineNo int
}

func newJSONReader(cr *countingReader, f Format, name string) (*jsonReader, error) {
	dec := json.NewDecoder(cr)
	dec.UseNumber()
	j := &jsonReader{name: name, f: f, cr: cr, dec: dec}
	if f == JSONL {
		if !dec.More() {
			if _, err := dec.Token(); err != io.EOF {
				return nil, j.syntaxError(err)
			}
			return nil, &RowError{File: name, Line: 1, Reason: "the file is empty: expected one JSON object per line"}
		}
		return j, nil
	}
	tok, err := dec.Token()
	if err == io.EOF {
		return nil, &RowError{File: name, Line: 1, Reason: `the file is empty: expected an array of objects or {"rows": [...]}`}
	}
	if err != nil {
		return nil, j.syntaxError(err)
	}
	switch tok {
	case json.Delim('['):
		j.inArr = true
		return j, nil
	case json.Delim('{'):
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, j.syntaxError(err)
			}
			if k == "rows" {
				t, err := dec.Token()
				if err != nil {
					return nil, j.syntaxError(err)
				}
				if t != json.Delim('[') {
					return nil, &RowError{File: name, Line: j.line(), Reason: `"rows" must be an array of objects`}
				}
				j.inArr = true
				return j, nil
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, j.syntaxError(err)
			}
		}
		return nil, &RowError{File: name, Line: j.line(), Reason: `the object has no "rows" array`}
	}
	return nil, &RowError{File: name, Line: j.line(), Reason: `expected an array of objects or {"rows": [...]}`}
}

func (j *jsonReader) Header() []string { return nil }
func (j *jsonReader) Offset() int64    { return j.cr.n }

func (j *jsonReader) line() int { return j.cr.lineAt(j.dec.InputOffset()) }

func (j *jsonReader) syntaxError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &RowError{File: j.name, Line: j.cr.lineAt(se.Offset), Reason: "invalid JSON: " + se.Error()}
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return &RowError{File: j.name, Line: j.line(), Reason: "invalid JSON: the file ends in the middle of a value"}
	}
	return &RowError{File: j.name, Line: j.line(), Reason: "invalid JSON: " + err.Error()}
}

func (j *jsonReader) Next() (Record, error) {
	if j.done {
		return Record{}, io.EOF
	}
	if !j.dec.More() {
		j.done = true
		if j.inArr {
			if _, err := j.dec.Token(); err != nil { // the closing ]
				return Record{}, j.syntaxError(err)
			}
		}
		return Record{}, io.EOF
	}
	// The record starts at the next non-space byte after the decoder's offset.
	tok, err := j.dec.Token()
	if err != nil {
		return Record{}, j.syntaxError(err)
	}
	line := j.line()
	if tok != json.Delim('{') {
		// Skip the value so that --continue can go on.
		if d, ok := tok.(json.Delim); ok && d == '[' {
			depth := 1
			for depth > 0 {
				t, err := j.dec.Token()
				if err != nil {
					return Record{}, j.syntaxError(err)
				}
				if d, ok := t.(json.Delim); ok {
					if d == '[' || d == '{' {
						depth++
					} else {
						depth--
					}
				}
			}
		}
		return Record{Line: line}, &RowError{File: j.name, Line: line, Skippable: true, Reason: "expected a JSON object (one row), found " + describeToken(tok)}
	}
	j.names, j.vals = j.names[:0], j.vals[:0]
	for j.dec.More() {
		k, err := j.dec.Token()
		if err != nil {
			return Record{}, j.syntaxError(err)
		}
		key, _ := k.(string)
		var v any
		if err := j.dec.Decode(&v); err != nil {
			return Record{}, j.syntaxError(err)
		}
		switch x := v.(type) {
		case map[string]any, []any:
			b, err := json.Marshal(x)
			if err != nil {
				return Record{}, err
			}
			v = RawJSON(b)
		}
		j.names = append(j.names, key)
		j.vals = append(j.vals, v)
	}
	if _, err := j.dec.Token(); err != nil { // the closing }
		return Record{}, j.syntaxError(err)
	}
	return Record{Line: line, Names: j.names, Values: j.vals}, nil
}

func describeToken(t json.Token) string {
	switch t.(type) {
	case json.Delim:
		return "an array"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", t)
}
