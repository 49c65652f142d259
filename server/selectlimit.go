package server

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"

	"github.com/cockroachdb/apd/v3"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/iters"
	"github.com/dolthub/go-mysql-server/sql/rowexec"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	ast "github.com/dolthub/vitess/go/vt/sqlparser"
)

// @@sql_select_limit.
//
// MySQL returns at most @@sql_select_limit rows to the client for a top-level SELECT,
// TABLE or set operation (UNION, INTERSECT, EXCEPT) without a LIMIT or INTO of its own
// (selectLimitApplies). It does not limit subqueries and derived tables, INSERT ...
// SELECT, CREATE TABLE ... SELECT, SHOW, or the statements of stored routines and
// triggers. The default and the largest value (18446744073709551615) mean no limit.
// SET takes what MySQL takes (selectLimitType): a negative integer is 0 with warning
// 1292; a fraction or a number past the largest value fails with 1232.
//
// GMS has an analyzer rule for it (applyDefaultSelectLimit), but the analyzer skips its
// rule batches for a SELECT of one table, optionally filtered (its "simple select"
// batches), so `SELECT * FROM t` and `TABLE t` returned every row; and a plan analyzed
// with the limit in it would keep that limit in the server's plan caches. dsql applies
// the limit when the statement's plan is built into row iterators instead:
//
//   - selectLimitProcessList wraps the engine's process list. GMS's handler and the
//     server's fast paths (streamSelect) call its BeginQuery once per statement, before
//     the statement is planned or run. It reads @@sql_select_limit (the only read per
//     statement); when the value limits, it parses the statement (or takes a prepared
//     statement's from the session) and, if selectLimitApplies, gives the statement's
//     context a selectLimitMark.
//   - selectLimitBuilder, the outermost priority builder of the engine's exec builder:
//     the first node built under a mark is the statement's plan root (GMS builds the root
//     first, its children inside that call and subqueries after it); the root's rows go
//     through an iters.LimitIter, which GMS's handler and streamSelect look through for
//     deferred projections as they do for a LIMIT's.
//   - GMS's rule is removed, so no analyzed plan holds the limit: a cached plan
//     (prepared.go, textcache.go) is right whatever the variable is when it runs.
//
// A CALL is not a select: the statements of the procedure run under no mark (and
// their contexts are interpreted, which BeginQuery leaves alone). EXECUTE of a
// statement prepared with PREPARE is judged by the prepared statement. The embedded
// front end (dsql sql) runs statements without the process list; it marks each
// statement's context through Engine.StatementContext.

// selectLimitVar is the variable's name.
const selectLimitVar = "sql_select_limit"

// gmsSelectLimitRule is the name of GMS's analyzer rule that installSelectLimit removes.
const gmsSelectLimitRule = "applyDefaultSelectLimit"

// setSelectLimitVariable declares @@sql_select_limit as MySQL does: unsigned, 0 to
// 18446744073709551615, default 18446744073709551615 (GMS declares it signed with the
// default 2147483647). Process-wide, like setVersionVariables; a second call leaves the
// declaration (and a SET GLOBAL made since) alone.
func setSelectLimitVariable() {
	if sv, _, ok := sql.SystemVariables.GetGlobal(selectLimitVar); ok {
		if def, ok := sv.GetDefault().(uint64); ok && def == math.MaxUint64 {
			return
		}
	}
	sql.SystemVariables.AddSystemVariables([]sql.SystemVariable{&sql.MysqlSystemVariable{
		Name:              selectLimitVar,
		Scope:             sql.GetMysqlScope(sql.SystemVariableScope_Both),
		Dynamic:           true,
		SetVarHintApplies: true,
		Type:              selectLimitType{types.NewSystemUintType(selectLimitVar, 0, math.MaxUint64)},
		Default:           uint64(math.MaxUint64),
	}})
}

// selectLimitType is @@sql_select_limit's type: GMS's unsigned system variable type,
// except that a negative integer is stored as 0 with warning 1292 (GMS's wrapped it
// around to a huge value, which meant no limit) and a number with a fraction or beyond
// 18446744073709551615 fails with 1232, as in MySQL (GMS rounded or truncated it).
type selectLimitType struct {
	sql.SystemVariableType
}

// Convert implements sql.Type.
func (t selectLimitType) Convert(ctx context.Context, v any) (any, sql.ConvertInRange, error) {
	switch n := v.(type) {
	case int, int8, int16, int32, int64:
		if i := reflectInt(n); i < 0 {
			return selectLimitNegative(ctx, strconv.FormatInt(i, 10))
		}
	case float32, float64:
		f := reflectFloat(n)
		switch {
		case f != math.Trunc(f) || f >= math.MaxUint64:
			return nil, sql.InRange, selectLimitTypeError(fmt.Sprint(v))
		case f < 0:
			return selectLimitNegative(ctx, fmt.Sprint(v))
		}
	case *apd.Decimal:
		var r apd.Decimal
		r.Reduce(n)
		if r.Form != apd.Finite || r.Exponent < 0 {
			return nil, sql.InRange, selectLimitTypeError(n.String())
		}
		if r.Negative && !r.IsZero() {
			return selectLimitNegative(ctx, n.String())
		}
		u, err := strconv.ParseUint(r.Text('f'), 10, 64)
		if err != nil {
			return nil, sql.InRange, selectLimitTypeError(n.String())
		}
		return u, sql.InRange, nil
	}
	return t.SystemVariableType.Convert(ctx, v)
}

// selectLimitNegative is the value of a negative integer set to @@sql_select_limit: 0,
// with MySQL's warning.
func selectLimitNegative(ctx context.Context, v string) (any, sql.ConvertInRange, error) {
	if sctx, ok := ctx.(*sql.Context); ok {
		sctx.Warn(mysql.ERTruncatedWrongValue, "Truncated incorrect %s value: '%s'", selectLimitVar, v)
	}
	return uint64(0), sql.InRange, nil
}

// selectLimitTypeError is MySQL's error for a value of @@sql_select_limit that is not
// an integer from 0 to 18446744073709551615.
func selectLimitTypeError(v string) error {
	return mysql.NewSQLError(mysql.ERWrongTypeForVar, "42000",
		"Incorrect argument type to variable '%s': %s is not an integer from 0 to 18446744073709551615", selectLimitVar, v)
}

// reflectInt gives a signed integer of any size as an int64.
func reflectInt(v any) int64 {
	switch n := v.(type) {
	case int:
		return int64(n)
	case int8:
		return int64(n)
	case int16:
		return int64(n)
	case int32:
		return int64(n)
	case int64:
		return n
	}
	return 0
}

// reflectFloat gives a float of either size as a float64.
func reflectFloat(v any) float64 {
	if f, ok := v.(float32); ok {
		return float64(f)
	}
	f, _ := v.(float64)
	return f
}

// installSelectLimit makes e apply @@sql_select_limit (see above): it removes GMS's
// rule from e's analyzer, wraps e's process list and puts selectLimitBuilder in front
// of e's exec builder's priority builders. Called once, by NewEngine, before any
// statement runs.
func installSelectLimit(e *sqle.Engine) error {
	removed := false
	for _, batch := range e.Analyzer.Batches {
		var rules []analyzer.Rule
		for i, r := range batch.Rules {
			if r.Id.String() != gmsSelectLimitRule {
				continue
			}
			rules = append(append(rules, batch.Rules[:i]...), batch.Rules[i+1:]...) // a new slice: the old may be shared
			removed = true
			break
		}
		if rules != nil {
			batch.Rules = rules
		}
	}
	if !removed {
		return fmt.Errorf("server: GMS's analyzer has no rule %s to replace; @@%s would be applied twice", gmsSelectLimitRule, selectLimitVar)
	}
	e.ProcessList = selectLimitProcessList{ProcessList: e.ProcessList, parser: e.Parser}
	b := e.Analyzer.ExecBuilder
	b.PriorityBuilder = selectLimitBuilder{base: b, next: b.PriorityBuilder}
	return nil
}

// selectLimitKey is the context key of a statement's selectLimitMark.
type selectLimitKey struct{}

// selectLimitMark is carried by the context of a statement whose rows
// @@sql_select_limit limits. Its statement's goroutines share it.
type selectLimitMark struct {
	limit int64       // the rows to return at most
	taken atomic.Bool // the statement's plan root has been built
}

// selectLimitProcessList is the engine's process list with BeginQuery marking the
// statements @@sql_select_limit limits. Safe for concurrent use, as the list it wraps.
type selectLimitProcessList struct {
	sql.ProcessList
	parser sql.Parser
}

// BeginQuery begins the statement with the wrapped list and gives its context a
// selectLimitMark if @@sql_select_limit limits the statement query.
func (pl selectLimitProcessList) BeginQuery(ctx *sql.Context, query string) (*sql.Context, error) {
	qctx, err := pl.ProcessList.BeginQuery(ctx, query)
	if err != nil || qctx == nil || qctx.IsInterpreted() {
		return qctx, err
	}
	return markSelectLimit(qctx, pl.parser, query), nil
}

// markSelectLimit returns ctx with a selectLimitMark if @@sql_select_limit limits the
// statement query, else ctx.
func markSelectLimit(ctx *sql.Context, parser sql.Parser, query string) *sql.Context {
	limit, ok := sessionSelectLimit(ctx)
	if !ok || !(selectLimitProcessList{parser: parser}).limited(ctx, query) {
		return ctx
	}
	return ctx.WithContext(context.WithValue(ctx.Context, selectLimitKey{}, &selectLimitMark{limit: limit}))
}

// StatementContext returns the context to run the statement query in for a front end
// that runs statements without the engine's process list (dsql sql): ctx, with the
// mark that makes @@sql_select_limit apply to the statement if it does.
func (e *Engine) StatementContext(ctx *sql.Context, query string) *sql.Context {
	return markSelectLimit(ctx, e.SQL.Parser, query)
}

// limited reports whether query (its first statement) is one @@sql_select_limit
// limits: prepared statements are taken from the session, others parsed (a text that
// does not parse is not limited; running it reports the error).
func (pl selectLimitProcessList) limited(ctx *sql.Context, query string) bool {
	stmt, ok := ctx.Session.GetPreparedQuery(query)
	if !ok {
		var err error
		stmt, _, err = pl.parser.ParseOneWithOptions(ctx, query, sql.LoadSqlMode(ctx).ParserOptions())
		if err != nil {
			return false
		}
	}
	if ex, ok := stmt.(*ast.Execute); ok { // EXECUTE of a statement prepared with PREPARE
		if stmt, ok = ctx.Session.GetPreparedQuery(ex.Name); !ok {
			return false
		}
	}
	return selectLimitApplies(stmt)
}

// sessionSelectLimit gives the session's @@sql_select_limit as a row count; ok false
// if it does not limit (the default, or at least math.MaxInt64 rows).
func sessionSelectLimit(ctx *sql.Context) (limit int64, ok bool) {
	v, err := ctx.GetSessionVariable(ctx, selectLimitVar)
	if err != nil {
		return 0, false
	}
	switch v := v.(type) {
	case uint64:
		if v >= math.MaxInt64 {
			return 0, false
		}
		return int64(v), true
	case int64: // GMS's declaration, if setSelectLimitVariable did not run
		if v < 0 || v == math.MaxInt64 || v == 2147483647 {
			return 0, false
		}
		return v, true
	}
	return 0, false
}

// selectLimitApplies reports whether stmt, a statement as the client sent it, is one
// whose rows @@sql_select_limit limits: a SELECT (TABLE t parses as one) or a set
// operation of SELECTs, in parentheses or not, with neither a LIMIT nor INTO at its
// top. Subqueries, CTEs and derived tables are inside it and never judged.
func selectLimitApplies(stmt ast.Statement) bool {
	switch s := stmt.(type) {
	case *ast.Select:
		return s.Limit == nil && s.Into == nil
	case *ast.SetOp:
		return s.Limit == nil && s.Into == nil && !setOpInto(s)
	case *ast.ParenSelect:
		return selectLimitApplies(s.Select)
	}
	return false
}

// setOpInto reports whether the last SELECT of a set operation has an INTO (which then
// takes the whole result).
func setOpInto(s *ast.SetOp) bool {
	switch r := s.Right.(type) {
	case *ast.Select:
		return r.Into != nil
	case *ast.SetOp:
		return r.Into != nil || setOpInto(r)
	}
	return false
}

// selectLimitBuilder is the exec builder's outermost priority builder: under a
// selectLimitMark, the first node it is asked to build (the statement's plan root) is
// built by base (through the other priority builders, next) and its rows capped at
// the mark's limit. Other nodes go to next. Safe for concurrent use.
type selectLimitBuilder struct {
	base *rowexec.BaseBuilder
	next sql.NodeExecBuilder
}

var _ sql.NodeExecBuilder = selectLimitBuilder{}

// Build implements sql.NodeExecBuilder.
func (b selectLimitBuilder) Build(ctx *sql.Context, n sql.Node, row sql.Row) (sql.RowIter, error) {
	if m, ok := ctx.Value(selectLimitKey{}).(*selectLimitMark); ok && m.taken.CompareAndSwap(false, true) {
		iter, err := b.base.Build(ctx, n, row) // comes back here; the mark is taken, so it goes to next
		if err != nil {
			return nil, err
		}
		return &iters.LimitIter{Limit: m.limit, ChildIter: iter}, nil
	}
	if b.next == nil {
		return nil, nil
	}
	return b.next.Build(ctx, n, row)
}
