package dataio

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Inferrer chooses column types for a new table from the values of a file: for each
// column the narrowest of these types that holds every non-NULL value: TINYINT(1)
// (booleans: true/false), INT, BIGINT, DECIMAL(p,0) (wider integers), DOUBLE (decimal
// fractions and exponents), DATE, DATETIME(fsp), JSON (nested JSON values),
// VARCHAR(n) (n rounded up to a power of two, at least 16, at most 255) and TEXT (longer
// strings). A column without any value is VARCHAR(255). Integers with leading zeros
// ("007") stay strings. Not safe for concurrent use.
type Inferrer struct {
	names []string
	index map[string]int
	cols  []*colGuess
	// fixed, when set, holds column types that the file's own schema gives (Parquet);
	// "" leaves a column to inference.
	fixed []string
}

type colGuess struct {
	any                                bool // a non-NULL value was seen
	notBool, notInt, notFloat, notDate bool
	notDatetime, notJSON               bool
	minInt, maxInt                     int64
	bigDigits                          int // integers beyond int64: most digits
	fsp                                int
	maxChars                           int
}

// NewInferrer returns an Inferrer; header, if not nil, fixes the column order (delimited
// files); JSON keys are added in the order they are first seen.
func NewInferrer(header []string) *Inferrer {
	in := &Inferrer{index: map[string]int{}}
	for _, h := range header {
		in.column(h)
	}
	return in
}

func (in *Inferrer) column(name string) int {
	k := strings.ToLower(name)
	if i, ok := in.index[k]; ok {
		return i
	}
	in.index[k] = len(in.names)
	in.names = append(in.names, name)
	in.cols = append(in.cols, &colGuess{minInt: math.MaxInt64, maxInt: math.MinInt64})
	return len(in.names) - 1
}

// Add takes one record's values into account.
func (in *Inferrer) Add(rec Record) {
	for i, v := range rec.Values {
		in.cols[in.column(rec.Names[i])].add(v)
	}
}

// Columns returns the column names in order.
func (in *Inferrer) Columns() []string { return in.names }

func (g *colGuess) add(v any) {
	var s string
	switch x := v.(type) {
	case nil:
		return
	case bool:
		g.any = true
		g.notInt, g.notFloat, g.notDate, g.notDatetime, g.notJSON = true, true, true, true, true
		g.maxChars = max(g.maxChars, 5)
		return
	case RawJSON:
		g.any = true
		g.notBool, g.notInt, g.notFloat, g.notDate, g.notDatetime = true, true, true, true, true
		g.maxChars = max(g.maxChars, utf8.RuneCountInString(string(x)))
		return
	case json.Number:
		s = string(x)
	case string:
		s = x
	}
	g.addString(s)
}

// addString takes the text value s into account; it does not keep s.
func (g *colGuess) addString(s string) {
	g.any = true
	g.notJSON = true
	g.maxChars = max(g.maxChars, utf8.RuneCountInString(s))
	if !g.notBool && !strings.EqualFold(s, "true") && !strings.EqualFold(s, "false") {
		g.notBool = true
	}
	if !g.notInt {
		if n, ok := plainInt(s); ok {
			g.minInt, g.maxInt = min(g.minInt, n), max(g.maxInt, n)
		} else if d, ok := bigInt(s); ok {
			g.bigDigits = max(g.bigDigits, d)
		} else {
			g.notInt = true
		}
	}
	if !g.notFloat && (!plainNumber(s) || leadingZero(s) || !validFloat(s)) {
		g.notFloat = true
	}
	if !g.notDate {
		if _, ok := parseISODate(s); !ok {
			g.notDate = true
		}
	}
	if !g.notDatetime {
		fsp := 0
		if i := strings.IndexByte(s, '.'); i > 0 {
			fsp = len(s) - i - 1
		}
		if fsp > 6 {
			g.notDatetime = true
		} else if _, ok := parseISODatetime(s, 6); ok {
			g.fsp = max(g.fsp, fsp)
		} else {
			g.notDatetime = true
		}
	}
}

func leadingZero(s string) bool {
	s = strings.TrimPrefix(s, "-")
	return len(s) > 1 && s[0] == '0' && s[1] != '.'
}

func validFloat(s string) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && !math.IsInf(f, 0)
}

// plainInt parses a canonical integer (no sign but -, no leading zeros).
func plainInt(s string) (int64, bool) {
	if leadingZero(s) || strings.HasPrefix(s, "+") {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// bigInt reports a canonical integer too wide for int64, and its digit count.
func bigInt(s string) (int, bool) {
	t := strings.TrimPrefix(s, "-")
	if len(t) < 19 || len(t) > 65 || leadingZero(t) {
		return 0, false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return 0, false
		}
	}
	return len(t), true
}

// Type returns the SQL type chosen for column i.
func (in *Inferrer) Type(i int, primaryKey bool) (string, error) {
	g := in.cols[i]
	switch {
	case !g.any:
		return "VARCHAR(255)", nil
	case !g.notBool:
		return "TINYINT(1)", nil
	case !g.notInt && g.bigDigits > 0:
		return fmt.Sprintf("DECIMAL(%d,0)", g.bigDigits), nil
	case !g.notInt && g.minInt >= math.MinInt32 && g.maxInt <= math.MaxInt32:
		return "INT", nil
	case !g.notInt:
		return "BIGINT", nil
	case !g.notFloat:
		return "DOUBLE", nil
	case !g.notDate:
		return "DATE", nil
	case !g.notDatetime:
		if g.fsp > 0 {
			return fmt.Sprintf("DATETIME(%d)", g.fsp), nil
		}
		return "DATETIME", nil
	case !g.notJSON && !primaryKey:
		return "JSON", nil
	}
	n := g.maxChars
	switch {
	case n <= 255:
		w := 16
		for w < n {
			w *= 2
		}
		return fmt.Sprintf("VARCHAR(%d)", min(w, 255)), nil
	case primaryKey && n <= 768:
		return fmt.Sprintf("VARCHAR(%d)", n), nil
	case primaryKey:
		return "", fmt.Errorf("primary-key column %q holds strings of up to %d characters; keys are limited to 768: choose another key with --pk", in.names[i], n)
	case n <= 16383:
		return "TEXT", nil
	}
	return "MEDIUMTEXT", nil
}

// CreateTable returns the CREATE TABLE statement of a table with the inferred columns
// and primary key pk (column names; empty: the first column).
func (in *Inferrer) CreateTable(table string, pk []string) (string, error) {
	if len(in.names) == 0 {
		return "", errors.New("the file names no columns")
	}
	if len(pk) == 0 {
		pk = []string{in.names[0]}
	}
	isPK := make([]bool, len(in.names))
	for j, p := range pk {
		i, ok := in.index[strings.ToLower(p)]
		if !ok {
			return "", fmt.Errorf("--pk names column %q, which the file does not have (its columns: %s)", p, strings.Join(in.names, ", "))
		}
		isPK[i] = true
		pk[j] = in.names[i]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (\n", quoteIdent(table))
	for i, n := range in.names {
		typ, err := in.Type(i, isPK[i])
		if err != nil {
			return "", err
		}
		if i < len(in.fixed) && in.fixed[i] != "" {
			typ = in.fixed[i]
		}
		fmt.Fprintf(&b, "  %s %s", quoteIdent(n), typ)
		if isPK[i] {
			b.WriteString(" NOT NULL")
		}
		b.WriteString(",\n")
	}
	q := make([]string, len(pk))
	for i, p := range pk {
		q[i] = quoteIdent(p)
	}
	fmt.Fprintf(&b, "  PRIMARY KEY (%s)\n)", strings.Join(q, ", "))
	return b.String(), nil
}

// InferFrom reads every record of r into a new Inferrer. Records that fail to parse end
// it with their error unless skip accepts them.
func InferFrom(r Reader, skip func(*RowError) error) (*Inferrer, error) {
	in := NewInferrer(r.Header())
	if d, ok := r.(*delimitedReader); ok && len(in.cols) == len(d.header) {
		return in, in.addDelimited(d, skip)
	}
	for {
		rec, err := r.Next()
		if err == io.EOF {
			if pr, ok := r.(*parquetReader); ok {
				in.fixed = pr.sqlTypes()
			}
			return in, nil
		}
		if err != nil {
			var re *RowError
			if errors.As(err, &re) && skip != nil {
				if err := skip(re); err != nil {
					return nil, err
				}
				if re.Skippable {
					continue
				}
			}
			return nil, err
		}
		in.Add(rec)
	}
}

// addDelimited takes every record of d into account: batches of fields read by another
// goroutine, each field looked at in place (no string or Go value per field).
func (in *Inferrer) addDelimited(d *delimitedReader, skip func(*RowError) error) error {
	batches := make(chan *rawBatch, 2)
	free := make(chan *rawBatch, 3)
	for range 3 {
		free <- new(rawBatch)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for {
			var b *rawBatch
			select {
			case b = <-free:
			case <-stop:
				return
			}
			d.readBatch(b, batchRows, batchBytes)
			select {
			case batches <- b:
			case <-stop:
				return
			}
			if b.eof || b.err != nil {
				return
			}
		}
	}()
	problem := func(err error) error {
		var re *RowError
		if errors.As(err, &re) && skip != nil {
			if err := skip(re); err != nil {
				return err
			}
			if re.Skippable {
				return nil
			}
		}
		return err
	}
	nh := len(in.cols)
	for b := range batches {
		ei := 0
		for r := range b.lines {
			for ; ei < len(b.errs) && b.errs[ei].at == r; ei++ {
				if err := problem(b.errs[ei].err); err != nil {
					return err
				}
			}
			for i, g := range in.cols {
				if f := b.field(r*nh + i); len(f) > 0 {
					g.addString(unsafe.String(&f[0], len(f)))
				}
			}
		}
		for ; ei < len(b.errs); ei++ {
			if err := problem(b.errs[ei].err); err != nil {
				return err
			}
		}
		if b.err != nil {
			return problem(b.err)
		}
		free <- b
	}
	return nil
}
