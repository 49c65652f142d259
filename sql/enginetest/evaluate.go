package enginetest

// Result comparison (enginetest.ResultEvaluationHarness).
//
// GMS compares a query's rows with an assertion's expected rows by its default
// (enginetest/evaluation.go, checkResultsDefault) unless the harness implements
// ResultEvaluationHarness. Harness implements it with that default, step for step, for
// an engine that is not a server engine (Harness never builds one):
//
//  1. both row sets are widened by GMS's own enginetest.WidenRows (integers to
//     int64/uint64, float32 through its text, *apd.Decimal to its Text('f') string,
//     JSON columns to a widened JSONDocument);
//  2. in the actual rows, time.Time becomes the Unix epoch in SHOW statements other than
//     SHOW EVENTS; a uint64 in an ENUM or SET column becomes its string (an ENUM index
//     that does not exist is an error); an sql.AnyWrapper is unwrapped
//     (WrapBehavior_Unwrap) or replaced by its Hash (WrapBehavior_Hash);
//  3. an expected enginetest.CustomValueValidator validates the actual cell at its place
//     (an error or a false verdict fails the test) and is replaced by that cell;
//  4. rows are compared in order (require.Equal) when the query text holds "ORDER BY " or
//     at most one row is expected, otherwise as multisets (require.ElementsMatch);
//  5. when expected columns are given, their names and wire types must equal the result
//     schema's (assert.Equal, the test goes on).
//
// The server-engine steps (OkResult.Info cleared, expected cells converted to the column
// types) do not apply, as they do not for GMS's own in-memory engine.
//
// Two rules are added. The first ("MySQL's DELETE count") applies before step 1 and
// touches only the expectation; the second ("ExactSum") applies just before step 4 and
// touches only the actual rows.
//
// MySQL's DELETE count: a DELETE of two tables joined says how many rows it deleted, in
// MySQL 8 and MariaDB, and dsql too (sql/backend/multidelete.go); GMS's DeleteJoinTests
// expect GMS's count, the number of join rows (DELETE mytable, tabletest FROM mytable
// JOIN tabletest WHERE mytable.i = tabletest.i deletes 3 + 3 rows: MySQL 6, GMS 3). For
// exactly the statements of mysqlDeleteCounts, keyed by their exact text, when the
// expected rows are exactly one row of one cell, GMS's OkResult with the count the table
// gives as GMS's (no InsertID, no Info), that expectation is replaced by an OkResult with
// the table's MySQL count and nothing else changed. The actual result is then compared by
// steps 1-5 like any other, so it must be that OkResult: GMS's count, any other count, an
// InsertID or an Info fails. Any other expectation of those statements (a twin's MySQL
// count, a changed GMS count) and every other statement is compared as GMS compares it;
// GMS's expected rows are never modified (they are shared by every run of the test).
// TestDeleteJoinMySQLTwins runs the same statements with the table's MySQL counts
// written out as the expectation.
//
// ExactSum: MySQL's SUM and AVG of an exact type
// are DECIMAL (sql/backend/exactsum.go), where GMS's assertions expect float64. An actual
// cell holding a decimal (*apd.Decimal) is replaced by a float64 when all of these hold:
//
//   - the column's type is DECIMAL;
//   - the statement calls SUM or AVG (for CALL, the called procedure's body does);
//   - every expected cell of that column is a float64 or NULL, and at least one is a
//     float64;
//   - the decimal's value is exactly a float64's value (the decimal equals the float's
//     exact binary value: 6, 2.0000, 1.5000, 0.7500, not 0.1000, whose nearest float64 is
//     0.1000000000000000055511151231257827...), and the decimal is not a negative zero
//     (MySQL never prints -0; GMS's decimal multiplication can).
//
// The replaced cell is then compared by step 4 like any other, so a decimal matches only
// an expected float64 of the same value at the same place; every other cell, and every
// decimal in any other column or statement, is compared as GMS compares it. Why not 0.1:
// MySQL's AVG of integers has four decimals (0.3333 for 1/3, where GMS expects
// 0.3333333333333333), so accepting a decimal close to a float would accept a different
// number; the exact rule accepts only the same number.
//
// EvaluateExpectedError and EvaluateExpectedErrorKind are GMS's default checks unchanged:
// the error's text equals the expected string; the error (unwrapped by GMS before the
// call) is of the expected kind.

import (
	"context"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
	"github.com/dolthub/go-mysql-server/enginetest/queries"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/vt/proto/query"
	"github.com/dolthub/vitess/go/vt/sqlparser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/src-d/go-errors.v1"
)

var _ gmsenginetest.ResultEvaluationHarness = (*Harness)(nil)

// EvaluateQueryResults implements enginetest.ResultEvaluationHarness: GMS's default
// comparison plus the MySQL's DELETE count and ExactSum rules (see the comment at the
// top of this file).
func (h *Harness) EvaluateQueryResults(t *testing.T, expectedRows []sql.Row, expectedCols []*sql.Column, expectedSch sql.Schema, actualRows []sql.Row, q string, wrapBehavior queries.WrapBehavior) {
	evaluateResults(t, t, h.callsSumOrAvg, expectedRows, expectedCols, expectedSch, actualRows, q, wrapBehavior)
}

// EvaluateExpectedError implements enginetest.ResultEvaluationHarness: GMS's default.
func (h *Harness) EvaluateExpectedError(t *testing.T, expected string, err error) {
	expectError(t, expected, err)
}

// EvaluateExpectedErrorKind implements enginetest.ResultEvaluationHarness: GMS's default
// for an engine that is not a server engine.
func (h *Harness) EvaluateExpectedErrorKind(t *testing.T, expected *errors.Kind, err error) {
	expectErrorKind(t, expected, err)
}

func expectError(r resultT, expected string, err error) {
	require.Equal(r, expected, err.Error())
}

func expectErrorKind(r resultT, expected *errors.Kind, err error) {
	require.True(r, expected.Is(err), "Expected error of type %s but got %s", expected, err)
}

// resultT is what the comparison reports to: a *testing.T, or a recorder in tests.
type resultT interface {
	Errorf(format string, args ...interface{})
	FailNow()
}

// evaluateResults compares as described at the top of this file. wt is only used by
// GMS's WidenRows (for its Context); verdicts go to r. sch is the result schema.
func evaluateResults(wt *testing.T, r resultT, callsSumOrAvg func(q string) bool, expected []sql.Row, expectedCols []*sql.Column, sch sql.Schema, rows []sql.Row, q string, wrapBehavior queries.WrapBehavior) {
	expected = mysqlDeleteExpected(q, expected)
	widenedRows := gmsenginetest.WidenRows(wt, sch, rows)
	widenedExpected := gmsenginetest.WidenRows(wt, sch, expected)

	upperQuery := strings.ToUpper(q)
	orderBy := strings.Contains(upperQuery, "ORDER BY ")
	noSchema := len(sch) == 0
	zeroTime := strings.HasPrefix(upperQuery, "SHOW ") && !strings.Contains(upperQuery, "EVENTS")

	for _, row := range widenedRows {
		for i, val := range row {
			switch v := val.(type) {
			case time.Time:
				if zeroTime {
					row[i] = time.Unix(0, 0).UTC()
				}
			case uint64:
				if noSchema {
					continue
				}
				if types.IsEnum(sch[i].Type) {
					el, ok := sch[i].Type.(sql.EnumType).At(int(v))
					if !ok {
						r.Errorf("Enum type element does not exist at index: %v", v)
					}
					row[i] = el
				} else if types.IsSet(sch[i].Type) {
					el, err := sch[i].Type.(sql.SetType).BitsToString(v)
					require.NoError(r, err)
					row[i] = el
				}
			case sql.AnyWrapper:
				switch wrapBehavior {
				case queries.WrapBehavior_Unwrap:
					var err error
					row[i], err = sql.UnwrapAny(context.Background(), v)
					require.NoError(r, err)
				case queries.WrapBehavior_Hash:
					row[i] = v.Hash()
				}
			}
		}
	}

	for i, row := range widenedExpected {
		for j, cell := range row {
			cvv, ok := cell.(gmsenginetest.CustomValueValidator)
			if !ok || i >= len(widenedRows) {
				continue
			}
			actual := widenedRows[i][j]
			valid, err := cvv.Validate(actual)
			if err != nil {
				r.Errorf("%s", err.Error())
			}
			if !valid {
				r.Errorf("Custom value validation, got %v", actual)
			}
			widenedExpected[i][j] = actual
		}
	}

	acceptExactDecimals(sch, widenedExpected, rows, widenedRows, q, callsSumOrAvg)

	if orderBy || len(expected) <= 1 {
		require.Equal(r, widenedExpected, widenedRows, "Unexpected result for query %s", q)
	} else {
		require.ElementsMatch(r, widenedExpected, widenedRows, "Unexpected result for query %s", q)
	}
	if expectedCols != nil {
		assert.Equal(r, resultColumns(expectedCols), resultColumns(sch))
	}
}

// deleteCounts are the affected-row counts of a multi-table DELETE in GMS's assertion
// (join rows) and in MySQL 8 (rows deleted).
type deleteCounts struct {
	gms, mysql uint64
}

// mysqlDeleteCounts are the statements of the MySQL's DELETE count rule: GMS's
// DeleteJoinTests that delete from two tables (on GMS's mytable and tabletest, three rows
// each, i = 1, 2, 3 in both), by exact text. Each join row matches one row of each
// target, so MySQL's count is twice GMS's.
var mysqlDeleteCounts = map[string]deleteCounts{
	"DELETE mytable, tabletest FROM mytable join tabletest where mytable.i=tabletest.i;":                                                                                                    {gms: 3, mysql: 6},
	"DELETE MYTABLE, TABLETEST FROM mytable join tabletest where mytable.i=tabletest.i;":                                                                                                    {gms: 3, mysql: 6},
	"DELETE FROM mytable, tabletest USING mytable inner join tabletest on mytable.i=tabletest.i;":                                                                                           {gms: 3, mysql: 6},
	"DELETE mytable, tabletest FROM mytable join tabletest where mytable.i=tabletest.i and mytable.i = 2;":                                                                                  {gms: 1, mysql: 2},
	"DELETE tabletest, mytable FROM mytable join tabletest where mytable.i=tabletest.i and mytable.i = 2;":                                                                                  {gms: 1, mysql: 2},
	"with t (n) as (select (1) from dual) delete mytable, tabletest from mytable join tabletest where mytable.i=tabletest.i and mytable.i in (select n from t)":                             {gms: 1, mysql: 2},
	"DELETE mytable, tabletest FROM mytable join tabletest on mytable.i=tabletest.i join JSON_TABLE('[{\"x\": 1},{\"x\": 2}]', '$[*]' COLUMNS (x INT PATH '$.x')) as jt on jt.x=mytable.i;": {gms: 2, mysql: 4},
}

// mysqlDeleteExpected applies the MySQL's DELETE count rule: for a statement of
// mysqlDeleteCounts whose expectation is exactly GMS's OkResult with GMS's count, it
// returns a new expectation with MySQL's count; otherwise expected itself.
func mysqlDeleteExpected(q string, expected []sql.Row) []sql.Row {
	counts, ok := mysqlDeleteCounts[q]
	if !ok || len(expected) != 1 || len(expected[0]) != 1 {
		return expected
	}
	res, ok := expected[0][0].(types.OkResult)
	if !ok || !reflect.DeepEqual(res, types.OkResult{RowsAffected: counts.gms}) {
		return expected
	}
	return []sql.Row{{types.OkResult{RowsAffected: counts.mysql}}}
}

// resultColumn is what step 5 compares of a column.
type resultColumn struct {
	Name string
	Type query.Type
}

func resultColumns(s sql.Schema) []resultColumn {
	cols := make([]resultColumn, len(s))
	for i, c := range s {
		cols[i] = resultColumn{Name: c.Name, Type: c.Type.Type()}
	}
	return cols
}

// acceptExactDecimals applies the ExactSum rule: in each column it covers, a widened
// actual decimal cell that is exactly a float64 becomes that float64. raw are the actual
// rows before widening (to see that a cell was an *apd.Decimal).
func acceptExactDecimals(sch sql.Schema, expected, raw, widened []sql.Row, q string, callsSumOrAvg func(string) bool) {
	asked := false
	for j, col := range sch {
		if !types.IsDecimal(col.Type) || !expectsFloats(expected, j) {
			continue
		}
		if !asked {
			if !callsSumOrAvg(q) {
				return
			}
			asked = true
		}
		for i, row := range raw {
			if j >= len(row) || i >= len(widened) || j >= len(widened[i]) {
				continue
			}
			d, ok := row[j].(*apd.Decimal)
			if !ok || d == nil {
				continue
			}
			if f, ok := exactFloat(d); ok {
				widened[i][j] = f
			}
		}
	}
}

// expectsFloats: every expected cell of column j is a float64 or nil, and one is a float64.
func expectsFloats(expected []sql.Row, j int) bool {
	found := false
	for _, row := range expected {
		if j >= len(row) {
			continue
		}
		switch row[j].(type) {
		case nil:
		case float64:
			found = true
		default:
			return false
		}
	}
	return found
}

// exactFloat returns the float64 whose exact value is d's, if there is one, and d is not
// a negative zero.
func exactFloat(d *apd.Decimal) (float64, bool) {
	if d.Form != apd.Finite {
		return 0, false
	}
	if d.IsZero() && d.Negative {
		return 0, false
	}
	text := d.Text('f')
	want, ok := new(big.Rat).SetString(text)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, false
	}
	got := new(big.Rat)
	if got.SetFloat64(f) == nil || got.Cmp(want) != 0 {
		return 0, false
	}
	return f, true
}

// callsSumOrAvg reports whether q calls SUM or AVG, or is a CALL of a procedure (of the
// session's current database, or the named one) whose body does.
func (h *Harness) callsSumOrAvg(q string) bool {
	if textCallsSumOrAvg(q) {
		return true
	}
	stmt, err := sqlparser.Parse(q)
	if err != nil {
		return false
	}
	call, ok := stmt.(*sqlparser.Call)
	if !ok || h.provider == nil {
		return false
	}
	ctx := h.NewContext()
	dbName := call.ProcName.Qualifier.String()
	if dbName == "" {
		dbName = ctx.GetCurrentDatabase()
	}
	db, err := h.provider.Database(ctx, dbName)
	if err != nil {
		return false
	}
	spdb, ok := db.(sql.StoredProcedureDatabase)
	if !ok {
		return false
	}
	proc, found, err := spdb.GetStoredProcedure(ctx, call.ProcName.Name.String())
	if err != nil || !found {
		return false
	}
	return textCallsSumOrAvg(proc.CreateStatement)
}

// textCallsSumOrAvg reports whether the SQL text holds SUM or AVG followed by "(" as
// tokens (so not inside a string literal or a comment).
func textCallsSumOrAvg(text string) bool {
	tkn := sqlparser.NewStringTokenizer(text)
	prevAgg := false
	for {
		typ, val := tkn.Scan()
		if typ == 0 || typ == sqlparser.LEX_ERROR {
			return false
		}
		if prevAgg && typ == '(' {
			return true
		}
		word := strings.ToLower(string(val))
		prevAgg = typ != sqlparser.STRING && (word == "sum" || word == "avg")
	}
}
