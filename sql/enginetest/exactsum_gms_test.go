package enginetest

import (
	"os"
	"strings"
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
	"github.com/dolthub/go-mysql-server/enginetest/queries"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// exactSumSkips are the GMS assertions (by query text with whitespace collapsed,
// case-insensitive) that still fail with exact SUM and AVG (sql/backend/exactsum.go) after
// Harness's ExactSum comparison rule (evaluate.go) accepts a DECIMAL answer equal to an
// expected float64. Each maps to why its expected text cannot match; the ones marked
// "twin" run with MySQL 8's answers in TestExactSumMySQLTwins. With DSQL_ENGINETEST=1
// they run (and fail).
var exactSumSkips = map[string]string{
	// TestGMSQueries
	"SELECT pk DIV 2, SUM(c3) + min(c3) as sum_and_min FROM one_pk GROUP BY 1 ORDER BY 1": "rows match; the assertion's ExpectedColumns says DOUBLE where MySQL 8's column is DECIMAL (twin)",
	"SELECT pk DIV 2, SUM(`c3`) + min( c3 ) FROM one_pk GROUP BY 1 ORDER BY 1":            "rows match; the assertion's ExpectedColumns says DOUBLE where MySQL 8's column is DECIMAL (twin)",
	"select pk, first_value(pk) over (order by pk desc), lag(pk, 1) over (order by pk desc), count(pk) over(partition by v1 order by pk), max(pk) over(partition by v1 order by pk desc), avg(v2) over (partition by v1 order by pk) from one_pk_three_idx order by pk": "expects GMS's 0.3333333333333333 for AVG of integers 0, 0, 1; MySQL 8 and dsql give DECIMAL 0.3333 (twin)",
	"SELECT SUM( DISTINCT CAST(i AS DECIMAL)) from mytable;": "expects \"6\"; GMS types CAST(i AS DECIMAL) DECIMAL(65,30) (MySQL: DECIMAL(10,0)), so the exact sum prints 30 decimals (twin)",
	// TestGMSCreateTable: CREATE TABLE ... AS SELECT SUM(i) makes a DECIMAL column, as in
	// MySQL; the assertion's SELECT * FROM t1 calls no SUM, so the ExactSum rule does not
	// apply to its float64 expectations.
	"CREATE TABLE t1 as select s, sum(i) from mytable group by s":                   "the table's SUM column is DECIMAL(32,0) as in MySQL 8; GMS expects DOUBLE values from SELECT * (twin)",
	"CREATE TABLE t1 as select s, sum(i) from mytable group by s having sum(i) > 2": "the table's SUM column is DECIMAL(32,0) as in MySQL 8; GMS expects DOUBLE values from SELECT * (twin)",
}

// exactSumCreateTableSkips are the TestGMSCreateTable assertions that show the columns
// CREATE TABLE ... AS SELECT SUM(i), AVG(i) made: decimal(32,0) and decimal(14,4) as in
// MySQL 8, where GMS's expected text says double. The first is a script name: its one
// assertion, "show create table t2;", has the text of a passing assertion of another
// script ("create table with select preserves default").
var exactSumCreateTableSkips = map[string]string{
	"create table columns from aggregate functions": "SHOW CREATE TABLE prints decimal(32,0)/decimal(14,4) for SUM/AVG columns, as MySQL 8; GMS expects double (twin)",
	"show create table t11;":                        "SHOW CREATE TABLE prints decimal(32,0) for a SUM column, as MySQL 8; GMS expects double (twin)",
}

// collapseSpace lower-cases q and collapses its whitespace runs to one space.
func collapseSpace(q string) string { return strings.ToLower(strings.Join(strings.Fields(q), " ")) }

// exactSumHarness is a Harness that also skips exactSumSkips and extra (by
// whitespace-collapsed query text), unless DSQL_ENGINETEST=1.
type exactSumHarness struct {
	*Harness
	skips map[string]string
}

func withExactSumSkips(h *Harness, extra map[string]string) gmsenginetest.Harness {
	if os.Getenv("DSQL_ENGINETEST") == "1" {
		return h
	}
	skips := map[string]string{}
	for q, why := range exactSumSkips {
		skips[collapseSpace(q)] = why
	}
	for q, why := range intModSkips {
		skips[collapseSpace(q)] = why
	}
	for q, why := range extra {
		skips[collapseSpace(q)] = why
	}
	return &exactSumHarness{Harness: h, skips: skips}
}

// SkipQueryTest implements enginetest.SkippingHarness.
func (h *exactSumHarness) SkipQueryTest(q string) bool {
	if _, ok := h.skips[collapseSpace(q)]; ok {
		return true
	}
	return h.Harness.SkipQueryTest(q)
}

// TestExactSumMySQLTwins: GMS assertions of exactSumSkips, on GMS's tables and rows,
// with MySQL 8's answers (DECIMAL sums and averages: "6", "2.0000").
func TestExactSumMySQLTwins(t *testing.T) {
	script := queries.ScriptTest{
		Name: "SUM and AVG of exact types with MySQL's DECIMAL answers",
		SetUpScript: []string{
			"CREATE TABLE mytable (i BIGINT PRIMARY KEY, s VARCHAR(20) NOT NULL)",
			"INSERT INTO mytable VALUES (1, 'first row'), (2, 'second row'), (3, 'third row')",
			"CREATE TABLE one_pk_three_idx (pk INT PRIMARY KEY, v1 INT, v2 INT, v3 INT)",
			"INSERT INTO one_pk_three_idx VALUES (0,0,0,0),(1,0,0,1),(2,0,1,0),(3,0,2,2),(4,1,0,0),(5,2,0,3),(6,3,3,0),(7,4,4,4)",
			"CREATE TABLE big (a BIGINT, d DECIMAL(30,10))",
			"INSERT INTO big VALUES (9007199254740993, 12345678901234567890.1234567891), (1, 0.0000000001)",
			"CREATE TABLE one_pk (pk SMALLINT PRIMARY KEY, c1 SMALLINT, c2 SMALLINT, c3 SMALLINT, c4 SMALLINT, c5 SMALLINT)",
			"INSERT INTO one_pk VALUES (0,0,1,2,3,4),(1,10,11,12,13,14),(2,20,21,22,23,24),(3,30,31,32,33,34)",
			"CREATE TABLE t1 (i INT)",
			"INSERT INTO t1 VALUES (1)",
			"CREATE TABLE t2 SELECT SUM(i), MAX(i), MIN(i), AVG(i) FROM t1",
		},
		Assertions: []queries.ScriptTestAssertion{
			{Query: "SELECT SUM(i) FROM mytable", Expected: []sql.Row{{"6"}}},
			{Query: "SELECT SUM(i) + 1, i FROM mytable GROUP BY i ORDER BY i", Expected: []sql.Row{{"2", int64(1)}, {"3", int64(2)}, {"4", int64(3)}}},
			{Query: "SELECT avg(i) FROM mytable GROUP BY i HAVING avg(i) > 1", Expected: []sql.Row{{"2.0000"}, {"3.0000"}}},
			{Query: "SELECT i, SUM(i) as b FROM mytable GROUP BY i ORDER BY b DESC", Expected: []sql.Row{{int64(3), "3"}, {int64(2), "2"}, {int64(1), "1"}}},
			// MySQL: "6"; GMS's CAST(i AS DECIMAL) is DECIMAL(65,30), not DECIMAL(10,0).
			{Query: "SELECT SUM( DISTINCT CAST(i AS DECIMAL)) from mytable;", Expected: []sql.Row{{"6.000000000000000000000000000000"}}},
			{Query: "select sum(10) from mytable", Expected: []sql.Row{{"30"}}},
			{Query: "SELECT floor(i), avg(char_length(s)) FROM mytable mt group by 1 ORDER BY floor(i) DESC", Expected: []sql.Row{{int64(3), "9.0000"}, {int64(2), "10.0000"}, {int64(1), "9.0000"}}},
			{
				Query: "select pk, sum(v1) over (partition by v2 order by pk), avg(v2) over (partition by v1 order by pk) from one_pk_three_idx order by pk",
				Expected: []sql.Row{
					{int32(0), "0", "0.0000"}, {int32(1), "0", "0.0000"}, {int32(2), "0", "0.3333"}, {int32(3), "0", "0.7500"},
					{int32(4), "1", "0.0000"}, {int32(5), "3", "0.0000"}, {int32(6), "3", "3.0000"}, {int32(7), "4", "4.0000"},
				},
			},
			{Query: "SELECT SUM(a), AVG(a), SUM(d), AVG(d) FROM big", Expected: []sql.Row{{"9007199254740994", "4503599627370497.0000", "12345678901234567890.1234567892", "6172839450617283945.06172839460000"}}},
			{Query: "SELECT SUM(a), AVG(d) FROM big WHERE a > 1e18", Expected: []sql.Row{{nil, nil}}},
			{
				Query:           "SELECT pk DIV 2, SUM(c3) + min(c3) as sum_and_min FROM one_pk GROUP BY 1 ORDER BY 1",
				Expected:        []sql.Row{{int64(0), "16"}, {int64(1), "76"}},
				ExpectedColumns: sql.Schema{{Name: "pk DIV 2", Type: types.Int64}, {Name: "sum_and_min", Type: types.MustCreateDecimalType(28, 0)}},
			},
			// CREATE TABLE ... AS SELECT SUM/AVG: DECIMAL columns with MySQL's types.
			{Query: "CREATE TABLE ctas AS SELECT s, SUM(i) FROM mytable GROUP BY s", Expected: []sql.Row{{types.NewOkResult(3)}}},
			{Query: "SELECT * FROM ctas ORDER BY s", Expected: []sql.Row{{"first row", "1"}, {"second row", "2"}, {"third row", "3"}}},
			{
				Query:    "SELECT table_name, column_name, column_type FROM information_schema.columns WHERE table_name IN ('t2', 'ctas') ORDER BY table_name, ordinal_position",
				Expected: []sql.Row{{"ctas", "s", "varchar(20)"}, {"ctas", "SUM(i)", "decimal(41,0)"}, {"t2", "SUM(i)", "decimal(32,0)"}, {"t2", "MAX(i)", "int"}, {"t2", "MIN(i)", "int"}, {"t2", "AVG(i)", "decimal(14,4)"}},
			},
		},
	}
	gmsenginetest.TestScript(t, NewHarness(nil), script)
}
