package server

import (
	"reflect"
	"strings"

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
// range scan for 'ab\_c%'); patterns without a backslash keep it. Not covered: a
// pattern bound as a parameter of a prepared statement (`name LIKE ?` with 'a\_b'),
// which GMS still simplifies as above. TestLikeEscapes.
func fixLikeEscapes(query string, stmt ast.Statement) {
	if stmt == nil || !strings.Contains(query, `\`) {
		return
	}
	eachNode(reflect.ValueOf(stmt), func(c *ast.ComparisonExpr) {
		fixLikeEscape(c)
	})
}

// fixLikeEscape gives c its ESCAPE '\' if it is such a LIKE, and does the same below it.
func fixLikeEscape(c *ast.ComparisonExpr) {
	if (c.Operator == ast.LikeStr || c.Operator == ast.NotLikeStr) && c.Escape == nil {
		if v, ok := c.Right.(*ast.SQLVal); ok && v.Type == ast.StrVal && strings.ContainsRune(string(v.Val), '\\') {
			c.Escape = ast.NewStrVal([]byte(`\`))
		}
	}
	// eachNode does not look inside the comparison it found: its operands may hold more.
	for _, e := range []ast.Expr{c.Left, c.Right, c.Escape} {
		if e != nil {
			eachNode(reflect.ValueOf(e), fixLikeEscape)
		}
	}
}
