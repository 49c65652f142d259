package enginetest

import (
	"os"
	"strings"
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
	"github.com/dolthub/go-mysql-server/enginetest/queries"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
)

// fullSuites skips the calling test unless DSQL_ENGINETEST=1: it marks the suites that do
// not pass yet (their failures are listed in RESULTS.md).
func fullSuites(t *testing.T) {
	if os.Getenv("DSQL_ENGINETEST") != "1" {
		t.Skip("set DSQL_ENGINETEST=1 to run this GMS suite (it has failures; see RESULTS.md)")
	}
}

func TestGMSQueries(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestQueries(t, withExactSumSkips(NewHarness(nil), coalesceSkips))
}

func TestGMSInsertInto(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestInsertInto(t, NewHarness(nil))
}

func TestGMSUpdate(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestUpdate(t, NewHarness(nil))
}

func TestGMSDelete(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestDelete(t, NewHarness(nil)) // two-table DELETE counts: evaluate.go's MySQL's DELETE count rule
}

func TestGMSTruncate(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestTruncate(t, NewHarness(nil))
}

// insertIgnoreSkips are the TestInsertIgnoreInto scripts dsql answers as MySQL 8 does
// where GMS's test expects GMS's own warning: INSERT IGNORE of 'adsda' into VARCHAR(1)
// stores 'a' with warning 1265 "Data truncated for column 'v2' at row 1" in MySQL and
// dsql, where GMS warns 1105. TestInsertIgnoreMySQLWarnings runs both scripts with
// MySQL's code instead (with DSQL_ENGINETEST=1 GMS's versions run too, and fail).
var insertIgnoreSkips = map[string]string{
	"Test that INSERT IGNORE properly addresses data conversion": "expects GMS's warning 1105 where MySQL 8 gives 1265",
	"Insert Ignore works correctly with ON DUPLICATE UPDATE":     "expects GMS's warning 1105 where MySQL 8 gives 1265",
}

func TestGMSInsertIgnoreInto(t *testing.T) { // runs in CI with insertIgnoreSkips
	var skips map[string]string
	if os.Getenv("DSQL_ENGINETEST") != "1" {
		skips = map[string]string{}
		for name, why := range insertIgnoreSkips {
			skips[strings.ToLower(name)] = why
		}
	}
	gmsenginetest.TestInsertIgnoreInto(t, NewHarness(skips))
}

// TestInsertIgnoreMySQLWarnings: the two scripts of insertIgnoreSkips, each assertion as
// GMS's, except that the truncating INSERT IGNORE warns 1265 as in MySQL 8.
func TestInsertIgnoreMySQLWarnings(t *testing.T) {
	truncated := queries.ScriptTestAssertion{
		Query:                 "INSERT IGNORE INTO t2 values (1, 'adsda')",
		Expected:              []sql.Row{{types.OkResult{RowsAffected: 1}}},
		ExpectedWarningsCount: 1,
		ExpectedWarning:       mysql.ERWarnDataTruncated,
	}
	for _, script := range []queries.ScriptTest{{
		Name: "INSERT IGNORE converts and truncates with MySQL's warnings",
		SetUpScript: []string{
			"CREATE TABLE t1 (pk int primary key, v1 int)",
			"CREATE TABLE t2 (pk int primary key, v2 varchar(1))",
		},
		Assertions: []queries.ScriptTestAssertion{
			{
				Query:                 "INSERT IGNORE INTO t1 VALUES (1, 'dasd')",
				Expected:              []sql.Row{{types.OkResult{RowsAffected: 1}}},
				ExpectedWarningsCount: 1,
				ExpectedWarning:       mysql.ERTruncatedWrongValueForField,
			},
			{Query: "SELECT * FROM t1", Expected: []sql.Row{{1, 0}}},
			truncated,
			{Query: "SELECT * FROM t2", Expected: []sql.Row{{1, "a"}}},
		},
	}, {
		Name: "INSERT IGNORE ... ON DUPLICATE KEY UPDATE with MySQL's warnings",
		SetUpScript: []string{
			"CREATE TABLE t1 (id INT PRIMARY KEY, v int);",
			"INSERT INTO t1 VALUES (1,1)",
			"CREATE TABLE t2 (pk int primary key, v2 varchar(1))",
			"ALTER TABLE t2 ADD CONSTRAINT cx CHECK (pk < 100)",
		},
		Assertions: []queries.ScriptTestAssertion{
			{
				Query:                 "INSERT IGNORE INTO t1 VALUES (1,2) ON DUPLICATE KEY UPDATE v='dsd';",
				Expected:              []sql.Row{{types.OkResult{RowsAffected: 2}}},
				ExpectedWarningsCount: 1,
				ExpectedWarning:       mysql.ERTruncatedWrongValueForField,
			},
			{Query: "SELECT * FROM t1", Expected: []sql.Row{{1, 0}}},
			truncated,
			{Query: "SELECT * FROM t2", Expected: []sql.Row{{1, "a"}}},
			{
				Query:    "INSERT IGNORE INTO t2 VALUES (1, 's') ON DUPLICATE KEY UPDATE pk = 1000", // violates the check
				Expected: []sql.Row{{types.OkResult{RowsAffected: 0}}},
			},
			{Query: "SELECT * FROM t2", Expected: []sql.Row{{1, "a"}}},
		},
	}} {
		gmsenginetest.TestScript(t, NewHarness(nil), script)
	}
}

func TestGMSTransactionScripts(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestTransactionScripts(t, NewHarness(nil))
}
