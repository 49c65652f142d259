package enginetest

import (
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
	"github.com/dolthub/go-mysql-server/enginetest/queries"
	"github.com/dolthub/go-mysql-server/sql"
)

// intModSkips are the TestGMSQueries assertions (by whitespace-collapsed query text, as
// exactSumSkips, which withExactSumSkips merges them into) that expect GMS's DECIMAL
// for MOD of two integers: MySQL 8's MOD/% of integers is an integer
// (sql/backend/intmod.go). TestIntModMySQLTwins runs them with MySQL's answers.
var intModSkips = map[string]string{
	"SELECT 1 % true": "expects GMS's DECIMAL \"0\" for MOD of two integers; MySQL 8 returns the integer 0 (twin)",
	"select mod(pk2, 2) from two_pk group by pk1 + 1, mod(pk2, 2)": "expects GMS's DECIMAL for MOD of two integers; MySQL 8 returns integers (twin)",
	"SELECT MOD(i, 2) from mytable order by i limit 1":             "expects GMS's DECIMAL \"1\" for MOD of two integers; MySQL 8 returns the integer 1 (twin)",
}

// intModScript is GMS's script whose integer-column MODs expect GMS's DECIMAL;
// TestScriptsMySQLTwins runs it with MySQL's integers.
const intModScript = "'%' mod operation result in decimal or float"

// TestIntModMySQLTwins: the assertions of intModSkips on GMS's tables, with MySQL 8's
// integer answers.
func TestIntModMySQLTwins(t *testing.T) {
	script := queries.ScriptTest{
		Name: "MOD of two integers is an integer, as in MySQL 8",
		SetUpScript: []string{
			"CREATE TABLE mytable (i BIGINT PRIMARY KEY, s VARCHAR(20) NOT NULL)",
			"INSERT INTO mytable VALUES (1, 'first row'), (2, 'second row'), (3, 'third row')",
			"CREATE TABLE two_pk (pk1 TINYINT, pk2 TINYINT, c1 TINYINT, PRIMARY KEY (pk1, pk2))",
			"INSERT INTO two_pk VALUES (0,0,0),(0,1,10),(1,0,20),(1,1,30)",
		},
		Assertions: []queries.ScriptTestAssertion{
			{Query: "SELECT 1 % true", Expected: []sql.Row{{int64(0)}}},
			{Query: "select mod(pk2, 2) from two_pk group by pk1 + 1, mod(pk2, 2)", Expected: []sql.Row{{int64(0)}, {int64(1)}, {int64(0)}, {int64(1)}}},
			{Query: "SELECT MOD(i, 2) from mytable order by i limit 1", Expected: []sql.Row{{int64(1)}}},
		},
	}
	gmsenginetest.TestScript(t, NewHarness(nil), script)
}
