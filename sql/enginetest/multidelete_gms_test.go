package enginetest

import (
	"os"
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
	"github.com/dolthub/go-mysql-server/enginetest/queries"
	"github.com/dolthub/go-mysql-server/enginetest/scriptgen/setup"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// multiDeleteSkips are the GMS DeleteJoinTests that delete from two tables and expect
// GMS's affected-row count, the number of join rows; MySQL 8 and MariaDB count the rows
// deleted, one per table per join row here (sql/backend/multidelete.go): DELETE mytable,
// tabletest FROM mytable JOIN tabletest WHERE mytable.i = tabletest.i deletes 3 + 3 rows
// and says 6, GMS 3. They run with MySQL's count in TestDeleteJoinMySQLTwins.
var multiDeleteSkips = map[string]string{
	"DELETE mytable, tabletest FROM mytable join tabletest where mytable.i=tabletest.i;":                                                                                                    multiDeleteWhy,
	"DELETE MYTABLE, TABLETEST FROM mytable join tabletest where mytable.i=tabletest.i;":                                                                                                    multiDeleteWhy,
	"DELETE FROM mytable, tabletest USING mytable inner join tabletest on mytable.i=tabletest.i;":                                                                                           multiDeleteWhy,
	"DELETE mytable, tabletest FROM mytable join tabletest where mytable.i=tabletest.i and mytable.i = 2;":                                                                                  multiDeleteWhy,
	"DELETE tabletest, mytable FROM mytable join tabletest where mytable.i=tabletest.i and mytable.i = 2;":                                                                                  multiDeleteWhy,
	"with t (n) as (select (1) from dual) delete mytable, tabletest from mytable join tabletest where mytable.i=tabletest.i and mytable.i in (select n from t)":                             multiDeleteWhy,
	"DELETE mytable, tabletest FROM mytable join tabletest on mytable.i=tabletest.i join JSON_TABLE('[{\"x\": 1},{\"x\": 2}]', '$[*]' COLUMNS (x INT PATH '$.x')) as jt on jt.x=mytable.i;": multiDeleteWhy,
}

const multiDeleteWhy = "expects GMS's count of join rows for a two-table DELETE; MySQL 8 counts the rows deleted (twice as many)"

// deleteHarness is the harness of TestGMSDelete: with multiDeleteSkips unless
// DSQL_ENGINETEST=1.
func deleteHarness() *Harness {
	if os.Getenv("DSQL_ENGINETEST") == "1" {
		return NewHarness(nil)
	}
	skips := map[string]string{}
	for q, why := range multiDeleteSkips {
		skips[normQuery(q)] = why
	}
	return NewHarness(skips)
}

// TestDeleteJoinMySQLTwins: the assertions of multiDeleteSkips on GMS's tables, with
// MySQL 8's affected-row count (each join row deletes one row of each of the two
// tables), and the rows they leave.
func TestDeleteJoinMySQLTwins(t *testing.T) {
	h := NewHarness(nil)
	h.Setup(setup.MydbData, setup.MytableData, setup.TabletestData)
	n := 0
	for _, tt := range queries.DeleteJoinTests {
		if _, ok := multiDeleteSkips[tt.WriteQuery]; !ok {
			continue
		}
		n++
		twin := tt
		res := tt.ExpectedWriteResult[0][0].(types.OkResult)
		res.RowsAffected *= 2
		twin.ExpectedWriteResult = []sql.Row{{res}}
		t.Run(tt.WriteQuery, func(t *testing.T) { gmsenginetest.RunWriteQueryTest(t, h, twin) })
	}
	if n != len(multiDeleteSkips) {
		t.Fatalf("found %d of the %d queries of multiDeleteSkips in GMS's DeleteJoinTests: GMS's tests changed; update multiDeleteSkips", n, len(multiDeleteSkips))
	}
}
