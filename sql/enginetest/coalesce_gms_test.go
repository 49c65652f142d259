package enginetest

import (
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
	"github.com/dolthub/go-mysql-server/enginetest/queries"
	"github.com/dolthub/go-mysql-server/sql"
)

// coalesceSkips are the TestQueries assertions that expect GMS's type for COALESCE of
// integers and DECIMALs, where dsql answers with MySQL's (sql/backend/coalesce.go); their
// MySQL answers run in TestCoalesceMySQLTwin.
var coalesceSkips = map[string]string{
	"select coalesce(1, 0.0);": "expects GMS's \"1\" for COALESCE(1, 0.0); MySQL 8 and MariaDB return the DECIMAL 1.0 (twin)",
}

// TestCoalesceMySQLTwin: the assertions of coalesceSkips with MySQL 8's (and MariaDB
// 10.11's) answers, and the COALESCE of a SUM with 0.00 that GMS's type made overflow.
func TestCoalesceMySQLTwin(t *testing.T) {
	gmsenginetest.TestScript(t, NewHarness(nil), queries.ScriptTest{
		Name: "COALESCE of exact numbers is the DECIMAL that holds them all",
		SetUpScript: []string{
			"CREATE TABLE g (id INT PRIMARY KEY, v INT)",
			"INSERT INTO g VALUES (1, 2), (2, 17)",
		},
		Assertions: []queries.ScriptTestAssertion{
			{Query: "select coalesce(1, 0.0);", Expected: []sql.Row{{"1.0"}}},
			{Query: "SELECT COALESCE(SUM(v), 0.00) FROM g", Expected: []sql.Row{{"19.00"}}},
			{Query: "SELECT COALESCE(SUM(v), 0.00) FROM g WHERE id > 5", Expected: []sql.Row{{"0.00"}}},
		},
	})
}
