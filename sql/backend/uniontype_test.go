package backend

import (
	"context"
	"testing"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/memory"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/planbuilder"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// TestSetOpColumnIds: a set operation's column ids in schema order (setOpColumnIds) when
// the first SELECT lists a table's columns out of their order, for the plan as the
// planbuilder makes it: the id at each position is the id of the first SELECT's column
// of that position's name (a ColSet's ascending order is not).
func TestSetOpColumnIds(t *testing.T) {
	db := memory.NewDatabase("mydb")
	pro := memory.NewDBProvider(db)
	e := sqle.NewDefault(pro)
	t.Cleanup(func() { _ = e.Close() })
	ctx := sql.NewContext(context.Background(), sql.WithSession(memory.NewSession(sql.NewBaseSession(), pro)))
	ctx.SetCurrentDatabase("mydb")
	if _, iter, _, err := e.Query(ctx, "CREATE TABLE t (id INT PRIMARY KEY, a INT, b DECIMAL(5,2), c DECIMAL(10,4))"); err != nil {
		t.Fatal(err)
	} else if _, err := sql.RowIterToRows(ctx, iter); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT b, a FROM t UNION SELECT 1.5, 2.125",
		"SELECT c, id, b, a FROM t UNION ALL SELECT 1, 2, 3, 4.5",
		"SELECT b, a FROM t UNION SELECT 1.5, 2.125 UNION SELECT a, c FROM t",
		"SELECT * FROM (SELECT a, c, b FROM t WHERE a > 1 UNION SELECT 1.5, 2, 3) d",
	} {
		node, _, _, _, err := planbuilder.New(ctx, e.Analyzer.Catalog, nil).Parse(q, nil, false)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		// The table's columns' ids by name, from the first SELECT's projections.
		idOf := map[sql.ColumnId]string{}
		transform.InspectWithOpaque(ctx, node, func(_ *sql.Context, n sql.Node) bool {
			if pr, ok := n.(*plan.Project); ok {
				for _, e := range pr.Projections {
					if gf, ok := e.(*expression.GetField); ok && gf.Id() != 0 && gf.Table() == "t" {
						idOf[gf.Id()] = gf.Name()
					}
				}
			}
			return true
		})
		found := 0
		transform.InspectWithOpaque(ctx, node, func(_ *sql.Context, n sql.Node) bool {
			u, ok := n.(*plan.SetOp)
			if !ok {
				return true
			}
			found++
			sch := u.Schema(ctx)
			ids := setOpColumnIds(ctx, u, len(sch))
			if len(ids) != len(sch) {
				t.Errorf("%s: %d ids for %d columns", q, len(ids), len(sch))
				return true
			}
			for i, c := range ids {
				if name, ok := idOf[c]; !ok || name != sch[i].Name {
					t.Errorf("%s: column %d (%s) given id %d (%s)", q, i, sch[i].Name, c, name)
				}
			}
			return true
		})
		if found == 0 {
			t.Errorf("%s: no SetOp in the plan", q)
		}
	}
}
