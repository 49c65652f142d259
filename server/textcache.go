package server

import (
	"context"
	"strconv"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
	ast "github.com/dolthub/vitess/go/vt/sqlparser"
)

// Text statements through the plan cache.
//
// Most clients send statements as text with the values written in (the mysql client,
// PyMySQL and so pandas, Node's mysql2 query(), most ORMs, sysbench's oltp_insert), so
// every execute of "the same" statement is a new text that GMS parses, binds and
// analyzes whole. textExecute parses a single text statement and, if it is a SELECT,
// UPDATE, DELETE or INSERT of a shape the prepared-plan cache serves (prepared.go),
// turns its integer and string constants in those shapes' parameter places into
// parameters (normalize): `column = c` and `column BETWEEN c AND c` in the WHERE,
// `SET column = c`, and an INSERT's row. The normalized text keys a per-connection cache
// of lookupPlans, and the statement runs through runLookup with the constants as
// parameter values, as the prepared statement would. A constant bound as a parameter
// plans to the same literal as the constant itself (GMS's binding converts the
// parameter's SQL constant with the same ConvertVal), so results, warnings and errors
// are those of the text (TestTextCacheMatchesGMS compares the two).
//
// Left to GMS: texts longer than maxTextLen, texts with comments (they may carry
// optimizer hints or executable MySQL code) or a ';' (several statements, or a
// delimiter), a text that does not parse (GMS reports the error), statements without
// such a constant, and anything fromStatement refuses once normalized. Those pay one
// extra parse of a short text here; the statements the cache serves skip GMS's parse,
// bind and analysis.

// maxTextPlansPerConn bounds a connection's cached text plans (as maxPlansPerConn).
const maxTextPlansPerConn = 256

// maxTextLen is the longest text textExecute parses. A text it cannot serve is parsed
// again by GMS; past this length (bulk loaders' multi-row INSERTs, which it never
// serves) that second parse would cost more than the cache saves elsewhere.
const maxTextLen = 4096

// textExecute runs a text statement (COM_QUERY, from ComQuery or, for clients that
// allow several statements per query, ComMultiQuery: a text without ';' is one
// statement) through the plan cache if it can; handled false means the caller runs it
// another way.
func (h *handler) textExecute(ctx context.Context, c *mysql.Conn, query string, cb mysql.ResultSpoolFn) (handled bool, err error) {
	if h.s.gms == nil || h.s.engine == nil || noFastSelect.Load() || !textCandidate(query) {
		return false, nil
	}
	sqlCtx, err := h.s.gms.SessionManager().NewContextWithQuery(ctx, c, query)
	if err != nil {
		return false, nil
	}
	stmt, _, rest, err := h.s.engine.SQL.Parser.ParseWithOptions(sqlCtx, query, ';', false, sql.LoadSqlMode(sqlCtx).ParserOptions())
	if err != nil || strings.TrimSpace(rest) != "" {
		return false, nil
	}
	bvs := normalize(stmt)
	if len(bvs) == 0 {
		return false, nil
	}
	key := ast.String(stmt)
	pp := h.s.plans.getText(c.ConnectionID, key)
	if pp == nil {
		pp = &lookupPlan{query: key}
		pp.eligible = pp.fromStatement(stmt)
		h.s.plans.putText(c.ConnectionID, key, pp)
	}
	if !pp.eligible {
		return false, nil
	}
	return h.runLookup(ctx, sqlCtx, c, pp, stmt, query, bvs, func(r *sqltypes.Result) error { return cb(r, false) })
}

// textCandidate is textExecute's quick test of the text: at most maxTextLen bytes, it
// starts with SELECT, INSERT, UPDATE or DELETE and has no comment and no ';'
// (conservatively: not even in a string).
func textCandidate(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n")
	if len(q) < 7 || len(q) > maxTextLen || strings.ContainsAny(q, ";#") || strings.Contains(q, "/*") || strings.Contains(q, "--") {
		return false
	}
	switch strings.ToLower(q[:6]) {
	case "select", "insert", "update", "delete":
		return true
	}
	return false
}

// normalize replaces the integer and string constants of stmt's parameter places (see
// above) with parameters v1, v2, ... and returns their values as bind variables (the
// SQL constant each parameter stands for: sqltypes.BindVariableToValue and
// ast.ExprFromValue give it back). Other constants stay.
func normalize(stmt ast.Statement) map[string]*querypb.BindVariable {
	bvs := map[string]*querypb.BindVariable{}
	param := func(e *ast.Expr) {
		v, ok := (*e).(*ast.SQLVal)
		if !ok {
			return
		}
		var bv *querypb.BindVariable
		switch v.Type {
		case ast.IntVal:
			s := string(v.Val)
			if _, err := strconv.ParseInt(s, 10, 64); err == nil {
				bv = &querypb.BindVariable{Type: sqltypes.Int64, Value: []byte(s)}
			} else if _, err := strconv.ParseUint(s, 10, 64); err == nil {
				bv = &querypb.BindVariable{Type: sqltypes.Uint64, Value: []byte(s)}
			}
		case ast.StrVal:
			bv = &querypb.BindVariable{Type: sqltypes.VarChar, Value: append([]byte(nil), v.Val...)}
		}
		if bv == nil {
			return
		}
		name := "v" + strconv.Itoa(len(bvs)+1)
		bvs[name] = bv
		*e = ast.NewValArg([]byte(":" + name))
	}
	var where func(e ast.Expr)
	where = func(e ast.Expr) {
		switch e := e.(type) {
		case *ast.AndExpr:
			where(e.Left)
			where(e.Right)
		case *ast.ComparisonExpr:
			if _, ok := e.Left.(*ast.ColName); ok && e.Operator == ast.EqualStr && e.Escape == nil {
				param(&e.Right)
			}
		case *ast.RangeCond:
			if _, ok := e.Left.(*ast.ColName); ok && e.Operator == ast.BetweenStr {
				param(&e.From)
				param(&e.To)
			}
		}
	}
	switch st := stmt.(type) {
	case *ast.Select:
		if st.Where != nil && st.Where.Type == ast.WhereStr {
			where(st.Where.Expr)
		}
	case *ast.Update:
		for _, ae := range st.Exprs {
			param(&ae.Expr)
		}
		if st.Where != nil && st.Where.Type == ast.WhereStr {
			where(st.Where.Expr)
		}
	case *ast.Delete:
		if st.Where != nil && st.Where.Type == ast.WhereStr {
			where(st.Where.Expr)
		}
	case *ast.Insert:
		if rows, ok := st.Rows.(*ast.AliasedValues); ok && len(rows.Values) == 1 {
			for j := range rows.Values[0] {
				param(&rows.Values[0][j])
			}
		}
	}
	return bvs
}
