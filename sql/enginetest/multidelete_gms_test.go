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

// multiDeleteTriggerSkips are the GMS trigger scripts that expect GMS's refusal of a
// multi-table DELETE of a table with DELETE triggers ("delete from with explicit target
// tables does not support triggers"); dsql fires the triggers once per deleted row, as
// MySQL 8 and MariaDB do (sql/backend/multidelete_trigger.go). They run with MySQL's
// answers as twins in TestMultiDeleteTriggersMySQLTwins.
var multiDeleteTriggerSkips = map[string]string{
	"single trigger before single target table delete from join":     multiDeleteTriggerWhy,
	"multiple trigger before single target table delete from join":   multiDeleteTriggerWhy,
	"multiple trigger before multiple target table delete from join": multiDeleteTriggerWhy,
}

const multiDeleteTriggerWhy = "expects GMS's refusal of a multi-table DELETE with DELETE triggers; MySQL 8 fires them once per deleted row"

// triggersHarness is the harness of TestGMSTriggers: with multiDeleteTriggerSkips unless
// DSQL_ENGINETEST=1.
func triggersHarness() *Harness {
	if os.Getenv("DSQL_ENGINETEST") == "1" {
		return NewHarness(nil)
	}
	skips := map[string]string{}
	for name, why := range multiDeleteTriggerSkips {
		skips[normQuery(name)] = why
	}
	return NewHarness(skips)
}

// TestMultiDeleteTriggersMySQLTwins: the scripts of multiDeleteTriggerSkips with MySQL
// 8's (and MariaDB 10.11's) answers: the DELETE deletes 3 rows of a (and 3 of b when b
// is a target too), a's trigger adds 1 to c.x per row of a and b's per row of b (b's
// trigger does not fire when b is only joined).
func TestMultiDeleteTriggersMySQLTwins(t *testing.T) {
	want := map[string]int64{ // rows deleted, which is also c.x after
		"single trigger before single target table delete from join":     3,
		"multiple trigger before single target table delete from join":   3,
		"multiple trigger before multiple target table delete from join": 6,
	}
	for _, script := range queries.TriggerTests {
		n, ok := want[script.Name]
		if !ok {
			continue
		}
		delete(want, script.Name)
		if len(script.Assertions) != 1 {
			t.Fatalf("script %q has %d assertions, not 1: GMS's script changed; update the twin", script.Name, len(script.Assertions))
		}
		twin := script
		twin.Assertions = []queries.ScriptTestAssertion{
			{Query: script.Assertions[0].Query, Expected: []sql.Row{{types.NewOkResult(int(n))}}},
			{Query: "select x from c", Expected: []sql.Row{{n}}},
		}
		gmsenginetest.TestScript(t, NewHarness(nil), twin)
	}
	if len(want) > 0 {
		t.Fatalf("GMS has no scripts %v any more; update multiDeleteTriggerSkips and this test", want)
	}
}
