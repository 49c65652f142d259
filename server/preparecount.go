package server

import (
	"strings"

	"github.com/dolthub/vitess/go/mysql"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
	ast "github.com/dolthub/vitess/go/vt/sqlparser"
)

// The parameter count of a prepared statement (COM_STMT_PREPARE).
//
// vitess's connection parses the statement and counts its placeholders by walking the
// AST with sqlparser.Walk, which does not visit a set operation's ORDER BY and LIMIT
// (SetOp.walkSubtree walks the two arms only): SELECT 1 UNION SELECT 2 LIMIT ? was
// prepared with no parameter, and its execute failed in the client ("expected 0
// arguments, got 1") or with vitess's parameter checks. The handler's ComPrepare runs
// before the prepare is answered, on the PrepareData vitess keeps for the statement, so
// preparedParams counts the placeholders of the statement itself, on the tokenizer's
// tokens (the parser numbers a statement's ? :v1, :v2, ... in the order the tokenizer
// meets them, the same count; one in a string or a comment is no token), and raises
// the count vitess made when it is short. A count vitess made is never lowered.

// preparedParams sets p's parameter count (and the slices sized by it) to the number of
// placeholders in query when vitess counted fewer.
func preparedParams(query string, p *mysql.PrepareData) {
	if p == nil || !strings.Contains(query, "?") {
		return
	}
	n := countPlaceholders(query)
	if n <= int(p.ParamsCount) || n > 65535 {
		return
	}
	types := make([]int32, n)
	copy(types, p.ParamsType)
	bvs := make(map[string]*querypb.BindVariable, n)
	for k, v := range p.BindVars {
		bvs[k] = v
	}
	p.ParamsCount, p.ParamsType, p.BindVars = uint16(n), types, bvs
}

// countPlaceholders returns the number of ? placeholders among query's tokens (0 if the
// tokenizer fails: vitess's parse has failed on such a statement already).
func countPlaceholders(query string) int {
	tk := ast.NewStringTokenizer(query)
	n := 0
	for {
		typ, val := tk.Scan()
		switch typ {
		case 0:
			return n
		case ast.LEX_ERROR:
			return 0
		case ast.VALUE_ARG:
			if strings.HasPrefix(string(val), ":v") {
				n++
			}
		}
	}
}
