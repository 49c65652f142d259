package server

import (
	"context"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	ast "github.com/dolthub/vitess/go/vt/sqlparser"
)

// Parenthesized query expressions at the top level of a statement.
//
// MySQL 8 accepts a query expression in parentheses as a statement: (SELECT 1),
// ((SELECT 1)), (SELECT a FROM t ORDER BY a LIMIT 2), (SELECT a FROM t) ORDER BY a.
// vitess's grammar accepts parentheses only where a UNION follows ((SELECT 1) UNION
// (SELECT 2), (SELECT a FROM t LIMIT 1) UNION ALL SELECT 2 ORDER BY 1), and answers the
// others with a syntax error (1064). parenParser, the engine's parser (so the server's
// COM_QUERY, multi-statement queries, PREPARE ... FROM and dsql sql all use it), parses
// every statement as GMS's parser does; only when that fails and the statement begins
// with '(' does it rewrite the statement's text and parse again, step by step, each step
// made on the vitess tokenizer's tokens (so strings, comments and nested parentheses are
// what they are):
//
//   - ( Q ) alone, Q beginning with SELECT, WITH or '(': the two parentheses become
//     spaces (error positions stay those of the text sent).
//   - ( Q ) ORDER BY ... / LIMIT ...: if Q has no ORDER BY or LIMIT of its own, the same;
//     else the statement becomes SELECT * FROM ( Q ) AS dsql_paren_query ORDER BY ...,
//     which orders and limits Q's rows as MySQL does.
//   - ( ( Q ) ) followed by anything else (a UNION): one pair of parentheses goes.
//
// If no step applies or the last rewrite does not parse either, the statement fails with
// the syntax error of the text as sent, 1064. The rewrite touches the statement being
// parsed only: a multi-statement query's other statements are parsed on their turn.
//
// Not covered: a prepared statement (COM_STMT_PREPARE) of such a shape: vitess's
// connection parses it with its own grammar before dsql sees it, so it fails with that
// syntax error (1064; PREPARE ... FROM in SQL works).

// parenParser is an engine's sql.Parser that also accepts parenthesized query
// expressions (above), and makes the checks GMS's plan builder makes only under GMS's
// own parser (parenschecks.go) on every statement it returns. Safe from many
// goroutines, as the parser it wraps.
type parenParser struct {
	sql.Parser
}

var _ sql.Parser = parenParser{}

// parenOverrides is the engine overrides that make a parenParser over GMS's MySQL
// parser, under odkuParser's rewrite (odkuselect.go) and castCharParser's (castchar.go),
// the parser of the engine and of its plan builders.
func parenOverrides() sql.EngineOverrides {
	return sql.EngineOverrides{Builder: sql.BuilderOverrides{Parser: castCharParser{odkuParser{parenParser{Parser: sql.DefaultMySQLParser}}}}} // (odkuselect.go, castchar.go)
}

func (p parenParser) ParseSimple(query string) (ast.Statement, error) {
	stmt, err := p.Parser.ParseSimple(query)
	if err == nil || !startsWithParen(query) {
		return checked(stmt, err)
	}
	for q, i := query, 0; i < maxParenSteps; i++ {
		var ok bool
		if q, _, ok = unparenStep(q, ';'); !ok {
			break
		}
		if s, err2 := p.Parser.ParseSimple(q); err2 == nil {
			return setDefaultCheck(s), nil
		}
	}
	return stmt, err
}

func (p parenParser) Parse(ctx *sql.Context, query string, multi bool) (ast.Statement, string, string, error) {
	stmt, q, rest, err := p.Parser.Parse(ctx, query, multi)
	if err == nil || !startsWithParen(query) {
		stmt, err = checked(stmt, err)
		return stmt, q, rest, err
	}
	for rq, i := query, 0; i < maxParenSteps; i++ {
		var ok bool
		if rq, _, ok = unparenStep(rq, ';'); !ok {
			break
		}
		if s, q2, rest2, err2 := p.Parser.Parse(ctx, rq, multi); err2 == nil {
			return setDefaultCheck(s), q2, rest2, nil
		}
	}
	return stmt, q, rest, err
}

func (p parenParser) ParseWithOptions(ctx context.Context, query string, delimiter rune, multi bool, options ast.ParserOptions) (ast.Statement, string, string, error) {
	stmt, q, rest, err := p.Parser.ParseWithOptions(ctx, query, delimiter, multi, options)
	if err == nil || !startsWithParen(query) {
		stmt, err = checked(stmt, err)
		return stmt, q, rest, err
	}
	for rq, i := query, 0; i < maxParenSteps; i++ {
		var ok bool
		if rq, _, ok = unparenStep(rq, delimiter); !ok {
			break
		}
		if s, q2, rest2, err2 := p.Parser.ParseWithOptions(ctx, rq, delimiter, multi, options); err2 == nil {
			return setDefaultCheck(s), q2, rest2, nil
		}
	}
	return stmt, q, rest, err
}

func (p parenParser) ParseOneWithOptions(ctx context.Context, query string, options ast.ParserOptions) (ast.Statement, int, error) {
	stmt, next, err := p.Parser.ParseOneWithOptions(ctx, query, options)
	if err == nil || !startsWithParen(query) {
		stmt, err = checked(stmt, err)
		return stmt, next, err
	}
	grown := 0 // bytes the rewrites added before the statement's end
	for rq, i := query, 0; i < maxParenSteps; i++ {
		var ok bool
		var added int
		if rq, added, ok = unparenStep(rq, ';'); !ok {
			break
		}
		grown += added
		if s, next2, err2 := p.Parser.ParseOneWithOptions(ctx, rq, options); err2 == nil {
			if next2 > 0 {
				next2 -= grown
			}
			return setDefaultCheck(s), next2, nil
		}
	}
	return stmt, next, err
}

// checked is stmt after setDefaultCheck (parenschecks.go) when err is nil.
func checked(stmt ast.Statement, err error) (ast.Statement, error) {
	if err != nil {
		return stmt, err
	}
	return setDefaultCheck(stmt), nil
}

// maxParenSteps bounds the rewrites tried for one statement.
const maxParenSteps = 8

// derivedAlias names the derived table of the ORDER BY / LIMIT rewrite.
const derivedAlias = "dsql_paren_query"

// startsWithParen reports whether query's first character after blanks and comments is
// '(' (cheaply: the tokenizer decides in unparenStep).
func startsWithParen(query string) bool {
	for i := 0; i < len(query); i++ {
		switch query[i] {
		case ' ', '\t', '\r', '\n':
			continue
		case '(':
			return true
		case '/', '-', '#':
			return strings.Contains(query[i:], "(")
		}
		return false
	}
	return false
}

// token is one of the tokenizer's tokens with the byte offset it starts at.
type token struct {
	typ   int
	start int
}

// tokens returns the tokens of query's first statement (up to the first delimiter
// outside parentheses, which is not included) and the offset of that delimiter
// (len(query) if none); false if the tokenizer fails or the text holds a MySQL
// executable comment, whose tokens' offsets this does not follow.
func tokens(query string, delimiter rune) ([]token, int, bool) {
	if strings.Contains(query, "/*!") || strings.Contains(query, "/*+") {
		return nil, 0, false
	}
	tk := ast.NewStringTokenizer(query)
	var out []token
	depth := 0
	for {
		// The tokenizer has read one character past the previous token (Position is
		// one past that character): the token starts at the first non-blank there.
		from := max(tk.Position-1, 0)
		typ, _ := tk.Scan()
		switch typ {
		case 0:
			return out, len(query), true
		case ast.LEX_ERROR:
			return nil, 0, false
		}
		for from < len(query) && isBlank(query[from]) {
			from++
		}
		if from >= len(query) {
			return nil, 0, false
		}
		switch typ {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth == 0 && typ == int(delimiter) && delimiter < 128 {
			return out, from, true
		}
		// A single-character token must be that character where it is said to start.
		if typ < 128 && query[from] != byte(typ) {
			return nil, 0, false
		}
		out = append(out, token{typ: typ, start: from})
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// unparenStep makes one rewrite of the list above on query's first statement; added
// is how many bytes it added, false if none applies.
func unparenStep(query string, delimiter rune) (rewritten string, added int, ok bool) {
	all, end, ok := tokens(query, delimiter)
	if !ok {
		return "", 0, false
	}
	var toks []token // without comments
	for _, t := range all {
		if t.typ != ast.COMMENT {
			toks = append(toks, t)
		}
	}
	if len(toks) < 3 || toks[0].typ != '(' {
		return "", 0, false
	}
	closing := matching(toks, 0)
	if closing < 0 || !queryStart(toks[1].typ) {
		return "", 0, false
	}
	inner, tail := toks[1:closing], toks[closing+1:]
	open, close := toks[0].start, toks[closing].start
	blankOut := func() (string, int, bool) {
		b := []byte(query)
		b[open], b[close] = ' ', ' '
		return string(b), 0, true
	}
	switch {
	case len(tail) == 0:
		return blankOut()
	case tail[0].typ == ast.ORDER || tail[0].typ == ast.LIMIT:
		if !hasOwnOrderOrLimit(inner) {
			return blankOut()
		}
		prefix := "SELECT * FROM "
		suffix := " AS " + derivedAlias
		out := query[:open] + prefix + query[open:close+1] + suffix + query[close+1:end] + query[end:]
		return out, len(prefix) + len(suffix), true
	case inner[0].typ == '(' && matching(toks, 1) == closing-1:
		return blankOut()
	}
	return "", 0, false
}

// matching returns the index of the ')' closing the '(' at toks[i], or -1.
func matching(toks []token, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch toks[j].typ {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return j
			}
		}
	}
	return -1
}

// queryStart reports whether a token can begin a query expression.
func queryStart(typ int) bool {
	return typ == ast.SELECT || typ == ast.WITH || typ == '('
}

// hasOwnOrderOrLimit reports whether the query expression toks has an ORDER BY or LIMIT
// outside parentheses.
func hasOwnOrderOrLimit(toks []token) bool {
	depth := 0
	for _, t := range toks {
		switch t.typ {
		case '(':
			depth++
		case ')':
			depth--
		case ast.ORDER, ast.LIMIT:
			if depth == 0 {
				return true
			}
		}
	}
	return false
}
