package dataio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"math/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// csvRecords reads text with encoding/csv (FieldsPerRecord -1): each record's fields,
// line and field columns, then the error that ended it (nil at EOF).
type csvRec struct {
	fields []string
	line   int
	cols   []int
}

func readEncodingCSV(text string, comma rune) ([]csvRec, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = comma
	r.FieldsPerRecord = -1
	var out []csvRec
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		c := csvRec{fields: append([]string(nil), rec...)}
		c.line, _ = r.FieldPos(0)
		for i := range rec {
			_, col := r.FieldPos(i)
			c.cols = append(c.cols, col)
		}
		out = append(out, c)
	}
}

func readOurs(text string, comma byte, bufSize int) ([]csvRec, error) {
	d := &delimitedReader{name: "x", br: bufio.NewReaderSize(strings.NewReader(text), bufSize), comma: comma}
	var out []csvRec
	var b rawBatch
	for {
		b.reset()
		err := d.readRecord(&b)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		c := csvRec{line: b.lines[0]}
		for i := range b.ends {
			c.fields = append(c.fields, string(b.field(i)))
			c.cols = append(c.cols, int(b.cols[i]))
		}
		out = append(out, c)
	}
}

// TestDelimitedLikeEncodingCSV: the delimited reader splits records exactly as
// encoding/csv does (fields, lines, columns, and the line and column of syntax errors),
// on random texts of quotes, separators, CR, LF and text.
func TestDelimitedLikeEncodingCSV(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	alphabet := []string{"a", "b", "é", ",", "\t", `"`, `""`, "\n", "\r", "\r\n", " ", "x,y", `"q"`}
	fixed := []string{
		"", "\n", "a", "a\n", "a,b\r\nc,d\r\n", "a,b\r", `"a""b",c` + "\n", `"a` + "\n" + `b",c`,
		`"unterminated`, `"x"y`, `a"b`, "\n\n\na\n\n", `""`, `"",""` + "\n", "a,\"b\nc\"\r\n,d",
		"\"a\r\nb\"\n", "a,b,\n,,\n", "\"\"\"\"", "\"a\"\n\"b\"",
	}
	for i := 0; i < 4000; i++ {
		var sb strings.Builder
		for n := rng.Intn(30); n > 0; n-- {
			sb.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		fixed = append(fixed, sb.String())
	}
	for _, text := range fixed {
		for _, comma := range []byte{',', '\t'} {
			want, werr := readEncodingCSV(text, rune(comma))
			for _, bufSize := range []int{16, 4096} {
				got, gerr := readOurs(text, comma, bufSize)
				require.Equal(t, want, got, "%q", text)
				if werr == nil {
					require.NoError(t, gerr, "%q", text)
					continue
				}
				var pe *csv.ParseError
				require.True(t, errors.As(werr, &pe), "%q: %v", text, werr)
				var re *RowError
				require.True(t, errors.As(gerr, &re), "%q: want %v, got %v", text, werr, gerr)
				require.Equal(t, pe.Line, re.Line, "%q: %v / %v", text, werr, gerr)
				require.Equal(t, pe.Column, re.Column, "%q: %v / %v", text, werr, gerr)
				require.True(t, strings.HasPrefix(re.Reason, pe.Err.Error()), "%q: %v / %v", text, werr, gerr)
			}
		}
	}
}

// TestReadBatchLikeNext: batches hold the records Next returns (NULL for empty fields),
// with the field-count problems in their places.
func TestReadBatchLikeNext(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	alphabet := []string{"a", "1", ",", `""`, "\n", "\r\n", "\n\n", `"x,y"`, "2024-01-02"}
	for i := 0; i < 1000; i++ {
		var sb strings.Builder
		sb.WriteString("c1,c2,c3\n")
		for n := rng.Intn(60); n > 0; n-- {
			sb.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		text := sb.String()
		type item struct {
			line int
			vals []any
			cols []int
			err  string
		}
		var want []item
		r, err := NewReader(strings.NewReader(text), CSV, "x.csv")
		require.NoError(t, err)
		var wantErr error
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			var re *RowError
			if errors.As(err, &re) && re.Skippable {
				want = append(want, item{line: re.Line, err: re.Error()})
				continue
			}
			if err != nil {
				wantErr = err
				break
			}
			want = append(want, item{line: rec.Line, vals: append([]any(nil), rec.Values...), cols: append([]int(nil), rec.Cols...)})
		}
		r2, err := NewReader(strings.NewReader(text), CSV, "x.csv")
		require.NoError(t, err)
		d := r2.(*delimitedReader)
		var got []item
		var gotErr error
		var b rawBatch
		for {
			d.readBatch(&b, 1+rng.Intn(4), 1<<20)
			ei := 0
			for k := range b.lines {
				for ; ei < len(b.errs) && b.errs[ei].at == k; ei++ {
					got = append(got, item{line: b.errs[ei].err.Line, err: b.errs[ei].err.Error()})
				}
				it := item{line: b.lines[k]}
				for f := k * 3; f < k*3+3; f++ {
					var v any
					if s := b.field(f); len(s) > 0 {
						v = string(s)
					}
					it.vals = append(it.vals, v)
					it.cols = append(it.cols, int(b.cols[f]))
				}
				got = append(got, it)
			}
			for ; ei < len(b.errs); ei++ {
				got = append(got, item{line: b.errs[ei].err.Line, err: b.errs[ei].err.Error()})
			}
			if b.err != nil {
				gotErr = b.err
				break
			}
			if b.eof {
				break
			}
		}
		require.Equal(t, want, got, "%q", text)
		require.Equal(t, wantErr, gotErr, "%q", text)
	}
}

// TestInferDelimitedLikeNext: InferFrom's batch path over a delimited file chooses the
// types that adding each record from Next chooses, and reports the same problems.
func TestInferDelimitedLikeNext(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	vals := []string{"", "1", "-7", "007", "2.5", "1e3", "true", "2024-01-02", "2024-01-02 03:04:05.25",
		"abc", `"x,y"`, "99999999999999999999", "{}", "é"}
	for i := 0; i < 300; i++ {
		var sb strings.Builder
		sb.WriteString("a,b,c\n")
		for n := rng.Intn(3 * batchRows / 2); n > 0; n-- {
			for f := 0; f < 3; f++ {
				if f > 0 {
					sb.WriteByte(',')
				}
				if rng.Intn(8) > 0 || i%2 == 0 {
					sb.WriteString(vals[(f+i)%len(vals)]) // mostly one kind per column
				} else {
					sb.WriteString(vals[rng.Intn(len(vals))])
				}
			}
			if rng.Intn(500) == 0 {
				sb.WriteString(",extra")
			}
			sb.WriteByte('\n')
		}
		text := sb.String()
		want := NewInferrer([]string{"a", "b", "c"})
		r, err := NewReader(strings.NewReader(text), CSV, "x.csv")
		require.NoError(t, err)
		var wantSkips []int
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var re *RowError
				require.True(t, errors.As(err, &re) && re.Skippable, "%v", err)
				wantSkips = append(wantSkips, re.Line)
				continue
			}
			want.Add(rec)
		}
		r2, err := NewReader(strings.NewReader(text), CSV, "x.csv")
		require.NoError(t, err)
		var gotSkips []int
		got, err := InferFrom(r2, func(re *RowError) error { gotSkips = append(gotSkips, re.Line); return nil })
		require.NoError(t, err)
		require.Equal(t, wantSkips, gotSkips)
		for c := range 3 {
			wt, werr := want.Type(c, false)
			gt, gerr := got.Type(c, false)
			require.Equal(t, wt, gt)
			require.Equal(t, werr, gerr)
		}
	}
}
