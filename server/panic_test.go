package server

import (
	"context"
	"strings"
	"testing"

	gmssql "github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// panicExpr is test_panic(x), a function that panics when evaluated, as a bug in GMS or
// dsql would (an index out of range). GMS's LOCATE with a start past the end of an empty
// string was such a bug until dsql replaced LOCATE (sql/backend/strfuncs.go).
type panicExpr struct {
	expression.UnaryExpressionStub
}

func (p *panicExpr) Eval(*gmssql.Context, gmssql.Row) (any, error) {
	var none []int
	i := 3
	return none[i], nil
}
func (p *panicExpr) Type(*gmssql.Context) gmssql.Type { return types.Int64 }
func (p *panicExpr) IsNullable(*gmssql.Context) bool  { return true }
func (p *panicExpr) String() string                   { return "test_panic(" + p.Child.String() + ")" }
func (p *panicExpr) FunctionName() string             { return "test_panic" }
func (p *panicExpr) Description() string              { return "panics" }
func (p *panicExpr) WithChildren(_ *gmssql.Context, c ...gmssql.Expression) (gmssql.Expression, error) {
	return &panicExpr{expression.UnaryExpressionStub{Child: c[0]}}, nil
}

// TestStatementPanic: a statement that makes GMS panic (test_panic above, registered in
// this server's catalog only) fails with 1105 and a short message, on text and prepared
// paths, with and without a table (dsql's own SELECT path used to let the panic close
// the connection); the connection goes on working, and the session's open transaction is
// rolled back (server.go recoverStatement).
func TestStatementPanic(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	s.engine.SQL.Analyzer.Catalog.RegisterFunction(gmssql.NewEmptyContext(), gmssql.Function1{Name: "test_panic",
		Fn: func(_ *gmssql.Context, e gmssql.Expression) gmssql.Expression {
			return &panicExpr{expression.UnaryExpressionStub{Child: e}}
		}})
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10))", "INSERT INTO t VALUES (1, '')")
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	check := func(what string, err error) {
		t.Helper()
		if mysqlErrno(err) != 1105 || strings.Contains(err.Error(), "goroutine") || !strings.Contains(err.Error(), "rolled back") {
			t.Fatalf("%s: %v; want a short 1105", what, err)
		}
		var one int
		if err := c.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Fatalf("%s: the connection does not answer after the panic: %v", what, err)
		}
	}
	var v any
	check("literal", c.QueryRowContext(ctx, "SELECT test_panic(4)").Scan(&v))
	check("table", c.QueryRowContext(ctx, "SELECT test_panic(s) FROM t WHERE id = 1").Scan(&v))
	check("prepared", c.QueryRowContext(ctx, "SELECT test_panic(s) FROM t WHERE id = ?", 1).Scan(&v))

	// In a transaction: its writes are rolled back with it.
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "INSERT INTO t VALUES (2, 'x')"); err != nil {
		t.Fatal(err)
	}
	check("in a transaction", c.QueryRowContext(ctx, "SELECT test_panic(s) FROM t WHERE id = 1").Scan(&v))
	var n int
	if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("after the panic in a transaction: %d rows, %v; want 1 (the INSERT rolled back)", n, err)
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM app.t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("after COMMIT: %d rows, %v; want 1", n, err)
	}
}
