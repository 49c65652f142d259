package server

import (
	"bytes"
	"context"
	"reflect"
	"strings"

	"github.com/dolthub/vitess/go/mysql"
	ast "github.com/dolthub/vitess/go/vt/sqlparser"
)

// LIKE patterns with escapes.
//
// A LIKE without an ESCAPE clause escapes with a backslash: `name LIKE 'a\_b'` matches
// 'a_b' only, `LIKE '50\%'` matches '50%' (the server keeps those backslashes in the
// literal, neutralizeMariaDBComments). GMS's simplifyFilters turns a LIKE of a literal
// pattern with no wildcard left into `=` and one ending in its only % into a range,
// but counts an escaped _ or % as no wildcard without removing the escape: `name LIKE
// 'a\_b'` became `name = 'a\_b'`, which matches the four characters a\_b and not a_b.
// It leaves a LIKE with an ESCAPE clause alone.
//
// fixLikeEscapes, called by odkuParser on every statement it parses, gives each LIKE
// and NOT LIKE whose pattern is a string literal holding a backslash, and that has no
// ESCAPE clause, the clause ESCAPE '\', which means what the default means, so GMS
// evaluates the LIKE itself. Such a pattern loses GMS's rewrite into a range (an index
// range scan for 'ab\_c%'); patterns without a backslash keep it. A pattern bound as a
// parameter of a prepared statement (`name LIKE ?` with 'a\_b') gets the same from
// fixLikeParams, which ComStmtExecute calls when a string parameter holds a backslash.
// Not covered: SQL's PREPARE s FROM '... LIKE ?' with EXECUTE s USING @v, whose
// variable GMS binds into the stored plan, not into a parsed statement. TestLikeEscapes.
func fixLikeEscapes(query string, stmt ast.Statement) {
	if stmt == nil || !strings.Contains(query, `\`) {
		return
	}
	eachLike(stmt, func(c *ast.ComparisonExpr) {
		if v, ok := c.Right.(*ast.SQLVal); ok && v.Type == ast.StrVal && strings.ContainsRune(string(v.Val), '\\') {
			c.Escape = ast.NewStrVal([]byte(`\`))
		}
	})
}

// fixLikeParams is fixLikeEscapes for the parameters of a prepared statement: each
// LIKE and NOT LIKE of stmt without an ESCAPE clause whose pattern is a parameter named
// in withBackslash (bound to a string holding a backslash in this execution) gets
// ESCAPE '\'. stmt is the connection's parsed statement, kept for its later executions:
// those keep the clause, which means what the default means, and lose only GMS's range
// rewrite of the pattern.
func fixLikeParams(stmt ast.Statement, withBackslash map[string]bool) {
	eachLike(stmt, func(c *ast.ComparisonExpr) {
		if v, ok := c.Right.(*ast.SQLVal); ok && v.Type == ast.ValArg && withBackslash[strings.TrimPrefix(string(v.Val), ":")] {
			c.Escape = ast.NewStrVal([]byte(`\`))
		}
	})
}

// eachLike calls f with every LIKE and NOT LIKE comparison of stmt that has no ESCAPE
// clause, nested ones included.
func eachLike(stmt ast.Statement, f func(*ast.ComparisonExpr)) {
	var visit func(c *ast.ComparisonExpr)
	visit = func(c *ast.ComparisonExpr) {
		if (c.Operator == ast.LikeStr || c.Operator == ast.NotLikeStr) && c.Escape == nil {
			f(c)
		}
		// eachNode does not look inside the comparison it found: its operands may hold more.
		for _, e := range []ast.Expr{c.Left, c.Right, c.Escape} {
			if e != nil {
				eachNode(reflect.ValueOf(e), visit)
			}
		}
	}
	eachNode(reflect.ValueOf(stmt), visit)
}

// likeParams applies fixLikeParams to p's statement when one of p's parameters holds a
// backslash (numbers never do), before the statement is bound and planned.
func (h *handler) likeParams(ctx context.Context, c *mysql.Conn, p *mysql.PrepareData) {
	var names map[string]bool
	for name, bv := range p.BindVars {
		if bv != nil && bytes.IndexByte(bv.Value, '\\') >= 0 {
			if names == nil {
				names = map[string]bool{}
			}
			names[name] = true
		}
	}
	if names == nil || h.s.gms == nil {
		return
	}
	sqlCtx, err := h.s.gms.SessionManager().NewContextWithQuery(ctx, c, p.PrepareStmt)
	if err != nil {
		return
	}
	if stmt, ok := sqlCtx.Session.GetPreparedQuery(p.PrepareStmt); ok {
		fixLikeParams(stmt, names)
	}
}
