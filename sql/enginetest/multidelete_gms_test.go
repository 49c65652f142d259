package enginetest

import (
	"os"
	"reflect"
	"strings"
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
	"github.com/dolthub/go-mysql-server/enginetest/queries"
	"github.com/dolthub/go-mysql-server/enginetest/scriptgen/setup"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// TestDeleteJoinMySQLTwins: the statements of evaluate.go's MySQL's DELETE count rule
// (mysqlDeleteCounts) on GMS's tables, with the table's MySQL 8 count written out as the
// expectation (each join row deletes one row of each of the two tables), and the rows
// they leave. It also checks that GMS still expects the table's GMS count, so that the
// rule, which applies only to that expectation, still covers every one of them.
func TestDeleteJoinMySQLTwins(t *testing.T) {
	h := NewHarness(nil)
	h.Setup(setup.MydbData, setup.MytableData, setup.TabletestData)
	n := 0
	for _, tt := range queries.DeleteJoinTests {
		counts, ok := mysqlDeleteCounts[tt.WriteQuery]
		if !ok {
			continue
		}
		n++
		want := []sql.Row{{types.OkResult{RowsAffected: counts.gms}}}
		if !reflect.DeepEqual(tt.ExpectedWriteResult, want) {
			t.Errorf("GMS expects %v of %q, mysqlDeleteCounts says %v: GMS's test changed; update mysqlDeleteCounts", tt.ExpectedWriteResult, tt.WriteQuery, want)
		}
		twin := tt
		twin.ExpectedWriteResult = []sql.Row{{types.OkResult{RowsAffected: counts.mysql}}}
		t.Run(tt.WriteQuery, func(t *testing.T) { gmsenginetest.RunWriteQueryTest(t, h, twin) })
	}
	if n != len(mysqlDeleteCounts) {
		t.Fatalf("found %d of the %d queries of mysqlDeleteCounts in GMS's DeleteJoinTests: GMS's tests changed; update mysqlDeleteCounts", n, len(mysqlDeleteCounts))
	}
}

// TestMySQLDeleteCountRule: the rule turns GMS's expected count of exactly the
// statements of mysqlDeleteCounts into MySQL's, so MySQL's count passes and GMS's fails;
// anything else about the result, other statements and other expectations are compared
// as GMS compares them.
func TestMySQLDeleteCountRule(t *testing.T) {
	const q = "DELETE mytable, tabletest FROM mytable join tabletest where mytable.i=tabletest.i;"
	const qJSON = "DELETE mytable, tabletest FROM mytable join tabletest on mytable.i=tabletest.i join JSON_TABLE('[{\"x\": 1},{\"x\": 2}]', '$[*]' COLUMNS (x INT PATH '$.x')) as jt on jt.x=mytable.i;"
	const qOne = "DELETE mytable FROM mytable join tabletest where mytable.i=tabletest.i;"
	ok := func(n uint64) sql.Row { return sql.Row{types.OkResult{RowsAffected: n}} }
	rows := func(r ...sql.Row) []sql.Row { return r }
	cases := []struct {
		name             string
		q                string
		expected, actual []sql.Row
		pass             bool
	}{
		{"MySQL's count", q, rows(ok(3)), rows(ok(6)), true},
		{"MySQL's count, USING", "DELETE FROM mytable, tabletest USING mytable inner join tabletest on mytable.i=tabletest.i;", rows(ok(3)), rows(ok(6)), true},
		{"MySQL's count, upper case", "DELETE MYTABLE, TABLETEST FROM mytable join tabletest where mytable.i=tabletest.i;", rows(ok(3)), rows(ok(6)), true},
		{"MySQL's count, one pair", "DELETE tabletest, mytable FROM mytable join tabletest where mytable.i=tabletest.i and mytable.i = 2;", rows(ok(1)), rows(ok(2)), true},
		{"MySQL's count, JSON_TABLE", qJSON, rows(ok(2)), rows(ok(4)), true},
		// The rule's statements, other answers.
		{"GMS's count", q, rows(ok(3)), rows(ok(3)), false},
		{"GMS's count, JSON_TABLE", qJSON, rows(ok(2)), rows(ok(2)), false},
		{"another count", q, rows(ok(3)), rows(ok(5)), false},
		{"MySQL's count and an InsertID", q, rows(ok(3)), rows(sql.Row{types.OkResult{RowsAffected: 6, InsertID: 1}}), false},
		{"MySQL's count and an Info", q, rows(ok(3)), rows(sql.Row{types.OkResult{RowsAffected: 6, Info: plan.UpdateInfo{Matched: 6, Updated: 6}}}), false},
		{"MySQL's count twice", q, rows(ok(3)), rows(ok(6), ok(6)), false},
		{"a row, not an OkResult", q, rows(ok(3)), rows(sql.Row{int64(6)}), false},
		{"nothing", q, rows(ok(3)), nil, false},
		// Other expectations of the rule's statements: compared as GMS compares them.
		{"the twin's expectation", q, rows(ok(6)), rows(ok(6)), true},
		{"another GMS count", q, rows(ok(4)), rows(ok(8)), false},
		{"another GMS count, matched", q, rows(ok(4)), rows(ok(4)), true},
		{"an expected InsertID", q, rows(sql.Row{types.OkResult{RowsAffected: 3, InsertID: 1}}), rows(ok(6)), false},
		{"an expected plain number", q, rows(sql.Row{3}), rows(ok(6)), false},
		// Other statements.
		{"a one-table DELETE", qOne, rows(ok(3)), rows(ok(6)), false},
		{"a one-table DELETE, matched", qOne, rows(ok(3)), rows(ok(3)), true},
		{"the statement with other spacing", q + " ", rows(ok(3)), rows(ok(6)), false},
		{"the statement in lower case", strings.ToLower(q), rows(ok(3)), rows(ok(6)), false},
	}
	for _, c := range cases {
		expected := c.expected
		var before []sql.Row
		for _, r := range expected {
			before = append(before, r.Copy())
		}
		failed, msgs := verdict(t, false, expected, types.OkResultSchema, c.actual, c.q)
		if failed == c.pass {
			t.Errorf("%s: failed = %v, want %v (%s)", c.name, failed, !c.pass, strings.Join(msgs, "; "))
		}
		if !reflect.DeepEqual(expected, before) {
			t.Errorf("%s: the rule modified the expected rows: %v, was %v", c.name, expected, before)
		}
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
