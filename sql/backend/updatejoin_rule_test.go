package backend

import (
	"context"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/memory"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// TestUpdateJoinRuleOnce: updateJoinRule guards the right side's primary key once,
// however often the plan is analyzed (a prepared statement), and leaves a keyless
// right side and an inner join alone.
func TestUpdateJoinRuleOnce(t *testing.T) {
	db := memory.NewDatabase("mydb")
	pro := memory.NewDBProvider(db)
	ctx := sql.NewContext(context.Background(), sql.WithSession(memory.NewSession(sql.NewBaseSession(), pro)))
	table := func(name string, pk bool) sql.Node {
		sch := sql.Schema{
			{Name: "id", Type: types.Int32, Source: name, PrimaryKey: pk, Nullable: !pk},
			{Name: "v", Type: types.Int32, Source: name, Nullable: true},
		}
		return plan.NewResolvedTable(memory.NewTable(ctx, db, name, sql.NewPrimaryKeySchema(sch), nil), db, nil)
	}
	build := func(right sql.Node, op plan.JoinType) sql.Node {
		left := table("a", true)
		cond := expression.NewLiteral(true, types.Boolean)
		j := plan.NewJoin(ctx, left, right, op, cond)
		return plan.NewUpdateJoin(map[string]sql.Node{}, plan.NewUpdateSource(ctx, j, false, nil))
	}
	guards := func(n sql.Node) int {
		return strings.Count(n.(*plan.UpdateJoin).Child.(*plan.UpdateSource).Child.(*plan.JoinNode).Filter.String(), "IS NULL")
	}
	n := build(table("b", true), plan.JoinTypeLeftOuter)
	for i := 1; i <= 3; i++ {
		var err error
		if n, _, err = updateJoinRule(ctx, nil, n, nil, nil, nil); err != nil {
			t.Fatal(err)
		}
		if g := guards(n); g != 1 {
			t.Fatalf("after %d analyses: %d guards in %s", i, g, n)
		}
	}
	for _, n := range []sql.Node{build(table("k", false), plan.JoinTypeLeftOuter), build(table("b", true), plan.JoinTypeInner)} {
		out, _, err := updateJoinRule(ctx, nil, n, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if g := guards(out); g != 0 {
			t.Fatalf("%s: guarded", out)
		}
	}
}
