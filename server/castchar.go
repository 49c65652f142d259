package server

import (
	"context"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	ast "github.com/dolthub/vitess/go/vt/sqlparser"

	"github.com/dsqldb/dsql/sql/backend"
)

// CAST(s AS CHAR(n)) and CONVERT(s, CHAR(n)) cut s to n characters.
//
// MySQL 8 cuts s to its first n characters, with warning 1292 "Truncated incorrect
// CHAR(n) value". GMS's plan builder drops a conversion whose target type equals its
// operand's, and takes CHAR(n) for LONGTEXT whatever n: CAST('abcdef' AS CHAR(3)) and
// CAST(CONCAT(a, b) AS CHAR(3)) were not cut at all; CAST of a VARCHAR column kept a
// conversion that cut n bytes, and could split a character. No analyzer rule can help,
// the length is gone before the plan exists. castCharParser rewrites the parsed
// statement instead: CAST(s AS CHAR(n)) becomes CAST(cast_as_char(s, n) AS CHAR), which
// the plan builder reduces to cast_as_char(s, n), sql/backend/strfuncs.go's expression
// for MySQL's cut (printed as convert(s, char(n)); a column without an alias keeps the
// name of the text as written, CAST(s AS CHAR(n))).
//
// Rewritten: every such CAST or CONVERT of a query, INSERT, UPDATE, DELETE, SET, CALL,
// EXPLAIN, the SELECT of CREATE TABLE ... AS SELECT and CREATE VIEW, and the bodies of
// triggers, procedures and events (their text, stored as written, is parsed again here
// when they run). Not rewritten: column definitions, defaults, generated columns and
// CHECK constraints (GMS stores some of those as the printed statement, which would hold
// the rewrite), where GMS's conversion stays.

// castCharParser is an engine's sql.Parser that rewrites CAST(... AS CHAR(n)) (above) in
// what the parser it wraps returns. Safe from many goroutines, as the parser it wraps.
type castCharParser struct {
	sql.Parser
}

var _ sql.Parser = castCharParser{}

func (p castCharParser) ParseSimple(query string) (ast.Statement, error) {
	stmt, err := p.Parser.ParseSimple(query)
	if err == nil {
		rewriteCastCharIn(query, stmt)
	}
	return stmt, err
}

func (p castCharParser) Parse(ctx *sql.Context, query string, multi bool) (ast.Statement, string, string, error) {
	stmt, q, rest, err := p.Parser.Parse(ctx, query, multi)
	if err == nil {
		rewriteCastCharIn(query, stmt)
	}
	return stmt, q, rest, err
}

func (p castCharParser) ParseWithOptions(ctx context.Context, query string, delimiter rune, multi bool, options ast.ParserOptions) (ast.Statement, string, string, error) {
	stmt, q, rest, err := p.Parser.ParseWithOptions(ctx, query, delimiter, multi, options)
	if err == nil {
		rewriteCastCharIn(query, stmt)
	}
	return stmt, q, rest, err
}

func (p castCharParser) ParseOneWithOptions(ctx context.Context, query string, options ast.ParserOptions) (ast.Statement, int, error) {
	stmt, next, err := p.Parser.ParseOneWithOptions(ctx, query, options)
	if err == nil {
		rewriteCastCharIn(query, stmt)
	}
	return stmt, next, err
}

// rewriteCastCharIn is rewriteCastChar for a statement parsed from query; a query
// without CAST or CONVERT (most) costs a scan of its text instead of a walk of its tree.
func rewriteCastCharIn(query string, stmt ast.Statement) {
	if containsFold(query, "cast") || containsFold(query, "convert") {
		rewriteCastChar(stmt)
	}
}

// rewriteCastChar rewrites, in place, every CAST(s AS CHAR(n)) of node that is not part
// of a table's definition (see above).
func rewriteCastChar(node ast.SQLNode) {
	if node == nil {
		return
	}
	_ = ast.Walk(func(n ast.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *ast.DDL:
			for _, part := range ddlQueries(n) {
				rewriteCastChar(part)
			}
			return false, nil
		case *ast.AlterTable, *ast.DBDDL, *ast.TableSpec, *ast.ColumnDefinition, *ast.ConstraintDefinition:
			return false, nil
		case *ast.ConvertExpr:
			castChar(n)
		}
		return true, nil
	}, node)
}

// ddlQueries are the parts of a DDL statement whose CASTs are rewritten: its SELECT
// (CREATE VIEW, CREATE TABLE ... AS SELECT) and its body (trigger, procedure, event).
func ddlQueries(d *ast.DDL) []ast.SQLNode {
	var out []ast.SQLNode
	if d.ViewSpec != nil && d.ViewSpec.ViewExpr != nil {
		out = append(out, d.ViewSpec.ViewExpr)
	}
	if d.OptSelect != nil && d.OptSelect.Select != nil {
		out = append(out, d.OptSelect.Select)
	}
	if d.TriggerSpec != nil && d.TriggerSpec.Body != nil {
		out = append(out, d.TriggerSpec.Body)
	}
	if d.ProcedureSpec != nil && d.ProcedureSpec.Body != nil {
		out = append(out, d.ProcedureSpec.Body)
	}
	if d.EventSpec != nil && d.EventSpec.Body != nil {
		out = append(out, d.EventSpec.Body)
	}
	return out
}

// castChar makes c, if it is CAST(s AS CHAR(n)) or CAST(s AS NCHAR(n)), CAST(cast_as_char(s,
// n) AS CHAR) (its character set, if any, kept).
func castChar(c *ast.ConvertExpr) {
	t := c.Type
	if t == nil || t.Length == nil || !(strings.EqualFold(t.Type, "char") || strings.EqualFold(t.Type, "nchar")) {
		return
	}
	c.Expr = &ast.FuncExpr{
		Name:  ast.NewColIdent(backend.CastCharFunction),
		Exprs: ast.SelectExprs{&ast.AliasedExpr{Expr: c.Expr}, &ast.AliasedExpr{Expr: t.Length}},
	}
	c.Type = &ast.ConvertType{Type: t.Type, Charset: t.Charset, Operator: t.Operator}
}
