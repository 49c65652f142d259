package enginetest

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/dolthub/go-mysql-server/enginetest/queries"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	goerrors "gopkg.in/src-d/go-errors.v1"
)

// verdictRecorder is a resultT that records failures; FailNow ends the goroutine, as
// testing.T's does.
type verdictRecorder struct {
	msgs []string
}

func (r *verdictRecorder) Errorf(format string, args ...interface{}) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func (r *verdictRecorder) FailNow() { runtime.Goexit() }

// verdict runs the harness's comparison on a goroutine and reports whether it failed.
func verdict(t *testing.T, sumOrAvg bool, expected []sql.Row, sch sql.Schema, actual []sql.Row, q string) (failed bool, msgs []string) {
	rec := &verdictRecorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		evaluateResults(t, rec, func(string) bool { return sumOrAvg }, expected, nil, sch, actual, q, queries.WrapBehavior_Unwrap)
	}()
	<-done
	return len(rec.msgs) > 0, rec.msgs
}

func dec(t *testing.T, s string) *apd.Decimal {
	d, _, err := apd.NewFromString(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestEvaluateResults: the comparison passes what GMS's default passes plus the ExactSum
// rule's cases, and fails mismatches, including near misses of that rule.
func TestEvaluateResults(t *testing.T) {
	decCol := func(p, s uint8) sql.Schema {
		return sql.Schema{{Name: "SUM(i)", Type: types.MustCreateDecimalType(p, s)}}
	}
	sum32, avg14 := decCol(32, 0), decCol(14, 4)
	twoCols := sql.Schema{{Name: "i", Type: types.Int64}, {Name: "SUM(i)", Type: types.MustCreateDecimalType(32, 0)}}
	dblCol := sql.Schema{{Name: "SUM(f)", Type: types.Float64}}
	strCol := sql.Schema{{Name: "s", Type: types.LongText}}
	const sumQ = "SELECT SUM(i) FROM t"
	cases := []struct {
		name     string
		sumOrAvg bool
		sch      sql.Schema
		expected []sql.Row
		actual   []sql.Row
		q        string
		pass     bool
	}{
		// The ExactSum rule.
		{"float 6 vs decimal 6", true, sum32, []sql.Row{{float64(6)}}, []sql.Row{{dec(t, "6")}}, sumQ, true},
		{"float 2 vs 2.0000", true, avg14, []sql.Row{{float64(2)}}, []sql.Row{{dec(t, "2.0000")}}, sumQ, true},
		{"float 1.5 vs 1.5000", true, avg14, []sql.Row{{1.5}}, []sql.Row{{dec(t, "1.5000")}}, sumQ, true},
		{"float 0.75 vs 0.7500", true, avg14, []sql.Row{{0.75}}, []sql.Row{{dec(t, "0.7500")}}, sumQ, true},
		{"NULL vs NULL in a float column", true, twoCols, []sql.Row{{1, float64(1)}, {2, nil}}, []sql.Row{{int64(1), dec(t, "1")}, {int64(2), nil}}, sumQ + " ORDER BY i", true},
		{"unordered rows as multisets", true, twoCols, []sql.Row{{1, float64(1)}, {2, float64(2)}}, []sql.Row{{int64(2), dec(t, "2")}, {int64(1), dec(t, "1")}}, sumQ, true},
		// Not the same number.
		{"float 0.1 vs 0.1000", true, avg14, []sql.Row{{0.1}}, []sql.Row{{dec(t, "0.1000")}}, sumQ, false},
		{"float 1/3 vs 0.3333", true, avg14, []sql.Row{{1.0 / 3}}, []sql.Row{{dec(t, "0.3333")}}, sumQ, false},
		{"float 6 vs decimal 6 + 1e-9", true, decCol(65, 30), []sql.Row{{float64(6)}}, []sql.Row{{dec(t, "6.000000001")}}, sumQ, false},
		{"float 6 + 1e-9 vs decimal 6", true, decCol(65, 30), []sql.Row{{6.000000001}}, []sql.Row{{dec(t, "6")}}, sumQ, false},
		{"wrong value", true, sum32, []sql.Row{{float64(6)}}, []sql.Row{{dec(t, "7")}}, sumQ, false},
		{"negative zero vs 0", true, sum32, []sql.Row{{float64(0)}}, []sql.Row{{dec(t, "-0")}}, sumQ, false},
		{"2^53+1 vs its float", true, sum32, []sql.Row{{float64(9007199254740993)}}, []sql.Row{{dec(t, "9007199254740993")}}, sumQ, false},
		// Outside the rule.
		{"statement without SUM/AVG", false, sum32, []sql.Row{{float64(6)}}, []sql.Row{{dec(t, "6")}}, "SELECT d FROM t", false},
		{"float in a DOUBLE column vs decimal", true, dblCol, []sql.Row{{float64(6)}}, []sql.Row{{dec(t, "6")}}, sumQ, false},
		{"float expected beside a string in the column", true, twoCols, []sql.Row{{1, float64(1)}, {2, "2"}}, []sql.Row{{int64(1), dec(t, "1")}, {int64(2), dec(t, "2")}}, sumQ + " ORDER BY i", false},
		{"int expected vs decimal", true, sum32, []sql.Row{{6}}, []sql.Row{{dec(t, "6")}}, sumQ, false},
		// GMS's default, unchanged.
		{"decimal text vs decimal", true, avg14, []sql.Row{{"2.0000"}}, []sql.Row{{dec(t, "2.0000")}}, sumQ, true},
		{"decimal text with other scale", true, avg14, []sql.Row{{"2"}}, []sql.Row{{dec(t, "2.0000")}}, sumQ, false},
		{"int widths", true, twoCols[:1], []sql.Row{{int8(3)}}, []sql.Row{{int64(3)}}, sumQ, true},
		{"string vs number", true, strCol, []sql.Row{{"6"}}, []sql.Row{{int64(6)}}, "SELECT s FROM t", false},
		{"number vs string", true, strCol, []sql.Row{{6}}, []sql.Row{{"6"}}, "SELECT s FROM t", false},
		{"too few rows", true, twoCols, []sql.Row{{1, float64(1)}, {2, float64(2)}}, []sql.Row{{int64(1), dec(t, "1")}}, sumQ, false},
		{"too many rows", true, twoCols, []sql.Row{{1, float64(1)}}, []sql.Row{{int64(1), dec(t, "1")}, {int64(1), dec(t, "1")}}, sumQ, false},
		{"duplicate row counts differ", true, twoCols, []sql.Row{{1, float64(1)}, {1, float64(1)}, {2, float64(2)}}, []sql.Row{{int64(1), dec(t, "1")}, {int64(2), dec(t, "2")}, {int64(2), dec(t, "2")}}, sumQ, false},
		{"wrong order under ORDER BY", true, twoCols, []sql.Row{{1, float64(1)}, {2, float64(2)}}, []sql.Row{{int64(2), dec(t, "2")}, {int64(1), dec(t, "1")}}, sumQ + " GROUP BY i ORDER BY i", false},
		{"wrong column count", true, twoCols, []sql.Row{{1, float64(1)}}, []sql.Row{{int64(1)}}, sumQ, false},
		{"empty vs one row", true, sum32, []sql.Row{}, []sql.Row{{dec(t, "1")}}, sumQ, false},
		{"NULL vs 0", true, sum32, []sql.Row{{float64(0)}}, []sql.Row{{nil}}, sumQ, false},
	}
	for _, c := range cases {
		failed, msgs := verdict(t, c.sumOrAvg, c.expected, c.sch, c.actual, c.q)
		if failed == c.pass {
			t.Errorf("%s: failed = %v, want %v (%s)", c.name, failed, !c.pass, strings.Join(msgs, "; "))
		}
	}
}

// TestEvaluateColumns: expected columns are compared by name and wire type, as GMS does:
// a DECIMAL SUM where DOUBLE is expected fails.
func TestEvaluateColumns(t *testing.T) {
	sch := sql.Schema{{Name: "SUM(i)", Type: types.MustCreateDecimalType(32, 0)}}
	for _, c := range []struct {
		cols sql.Schema
		pass bool
	}{
		{sql.Schema{{Name: "SUM(i)", Type: types.MustCreateDecimalType(32, 0)}}, true},
		{sql.Schema{{Name: "SUM(i)", Type: types.Float64}}, false},
		{sql.Schema{{Name: "sum(i)", Type: types.MustCreateDecimalType(32, 0)}}, false},
	} {
		rec := &verdictRecorder{}
		done := make(chan struct{})
		go func() {
			defer close(done)
			evaluateResults(t, rec, func(string) bool { return true }, []sql.Row{{float64(1)}}, c.cols, sch, []sql.Row{{dec(t, "1")}}, "SELECT SUM(i) FROM t", queries.WrapBehavior_Unwrap)
		}()
		<-done
		if (len(rec.msgs) == 0) != c.pass {
			t.Errorf("columns %v: messages %q, want pass = %v", c.cols, rec.msgs, c.pass)
		}
	}
}

// TestTextCallsSumOrAvg: SUM/AVG calls are found as tokens, not in literals or names.
func TestTextCallsSumOrAvg(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT SUM(i) FROM t":                      true,
		"select avg (i) from t":                     true,
		"SELECT i, sum(i) over (order by i) FROM t": true,
		"SELECT 'SUM(i)' FROM t":                    false,
		"SELECT summary(i), average FROM t":         false,
		"SELECT sum FROM t":                         false,
		"SELECT i FROM t /* sum(i) */":              false,
		"CALL p()":                                  false,
	} {
		if got := textCallsSumOrAvg(q); got != want {
			t.Errorf("textCallsSumOrAvg(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestEvaluateErrors: the error checks are GMS's default ones.
func TestEvaluateErrors(t *testing.T) {
	kind := goerrors.NewKind("kind %s")
	other := goerrors.NewKind("other %s")
	for _, c := range []struct {
		name string
		run  func(r resultT)
		pass bool
	}{
		{"same text", func(r resultT) { expectError(r, "boom", errors.New("boom")) }, true},
		{"other text", func(r resultT) { expectError(r, "boom", errors.New("boom!")) }, false},
		{"same kind", func(r resultT) { expectErrorKind(r, kind, kind.New("x")) }, true},
		{"other kind", func(r resultT) { expectErrorKind(r, kind, other.New("x")) }, false},
	} {
		rec := &verdictRecorder{}
		done := make(chan struct{})
		go func() {
			defer close(done)
			c.run(rec)
		}()
		<-done
		if (len(rec.msgs) == 0) != c.pass {
			t.Errorf("%s: messages %q, want pass = %v", c.name, rec.msgs, c.pass)
		}
	}
}
