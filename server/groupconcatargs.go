package server

import (
	"reflect"

	ast "github.com/dolthub/vitess/go/vt/sqlparser"
)

// GROUP_CONCAT of several arguments.
//
// MySQL's GROUP_CONCAT(a, b) writes a and b of each row one after the other (skipping
// the rows where either is NULL): over ('x', 1), ('y', NULL), ('z', 3) it is 'x1,z3'.
// GMS wrote only the first argument ('x,y,z'). fixGroupConcatArgs, called by odkuParser
// on every statement it parses, gives GROUP_CONCAT the one argument CONCAT(a, b, ...),
// which is NULL exactly when one of them is, so the same rows are skipped; DISTINCT, ORDER
// BY and SEPARATOR are kept. One difference remains: DISTINCT compares the joined text,
// so the rows ('a', 'bc') and ('ab', 'c') count once (MySQL compares the arguments).
// TestGroupConcatArgs.
func fixGroupConcatArgs(query string, stmt ast.Statement) {
	if stmt == nil || !containsFold(query, "group_concat") {
		return
	}
	var visit func(g *ast.GroupConcatExpr)
	visit = func(g *ast.GroupConcatExpr) {
		// eachNode does not look inside the call it found: its arguments may hold more.
		eachNode(reflect.ValueOf(g.Exprs), visit)
		eachNode(reflect.ValueOf(g.OrderBy), visit)
		if len(g.Exprs) < 2 {
			return
		}
		for _, e := range g.Exprs {
			if _, ok := e.(*ast.AliasedExpr); !ok {
				return // * or another form: GMS's
			}
		}
		g.Exprs = ast.SelectExprs{&ast.AliasedExpr{Expr: &ast.FuncExpr{Name: ast.NewColIdent("concat"), Exprs: g.Exprs}}}
	}
	eachNode(reflect.ValueOf(stmt), visit)
}
