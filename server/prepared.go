package server

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/planbuilder"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
	ast "github.com/dolthub/vitess/go/vt/sqlparser"

	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
)

// Prepared lookup statements.
//
// GMS runs every COM_STMT_EXECUTE of a prepared statement like a new query, minus the
// parse: it binds the cached AST with the parameter values (planbuilder: name
// resolution, privilege checks) and runs the whole analyzer, ~50 us of CPU for a
// primary-key point select and ~100-200 us for a range select, an UPDATE or an INSERT,
// often more than reading or writing the rows. For the commonest prepared statements
// the server keeps GMS's analyzed plan per connection and statement and re-executes it
// with the new parameters instead: SELECTs, UPDATEs and DELETEs whose WHERE parameters
// only bound an index lookup, and single-row INSERTs. sysbench's statements are all of
// this kind: `SELECT c FROM sbtest1 WHERE id=?`, its four `id BETWEEN ? AND ?` range
// selects, `UPDATE sbtest1 SET k=k+1 WHERE id=?`, `UPDATE sbtest1 SET c=? WHERE id=?`,
// `DELETE FROM sbtest1 WHERE id=?` and `INSERT INTO sbtest1 (id, k, c, pad) VALUES
// (?, ?, ?, ?)`. The plan's only value-dependent parts are the static index lookup,
// one closed range per index column, which is rebuilt from the parameters, and the
// literals GMS's planbuilder made of the other parameters (`SET c = ?`, an INSERT's
// row), which are made again the same way (paramLiteral) and must have the planned
// types. Everything else the plan holds is fixed by the statement text, the current
// database, the table's schema and (for writes) its triggers and foreign keys, which
// are checked at every execute.
//
// Eligible statements (fromStatement has the full list): one unqualified table; for a
// SELECT, columns and COUNT/SUM/MIN/MAX/AVG of a column in the select list, DISTINCT
// and ORDER BY of columns allowed; for an UPDATE, SET values that are `?` or
// arithmetic on columns and constants; for SELECT, UPDATE and DELETE a WHERE that is
// an AND of `column = ?` and `column BETWEEN ? AND ?`; for an INSERT, a column list
// and one row of `?` and constants, without IGNORE or ON DUPLICATE KEY UPDATE. GMS
// must have planned a lookup whose every index column is bounded by exactly those
// parameters converted to the column's integer type, under only Project, Sort,
// Distinct, GroupBy and TableAlias nodes (SELECT), Update and UpdateSource (UPDATE) or
// DeleteFrom (DELETE), with no Filter left; or an InsertInto of the table from a
// Project over one row of Values; and each parameter's literal must be the one
// paramLiteral makes (adopt). A write to a table with a foreign key is never cached,
// and one with a trigger plans otherwise (a trigger node). A plan that is not of this
// kind runs as GMS analyzed it; a statement that plans so 16 times in a row is left to
// GMS. An execute whose lookup parameters are not integers in their columns' ranges,
// or that gives an empty BETWEEN, runs through GMS. (@@sql_select_limit is applied
// when a plan is built into row iterators, not by the analyzer, so cached plans serve
// SELECTs under any limit: selectlimit.go.) A parameter whose literal has another
// type than planned (an integer's type follows its size), and an AUTO_INCREMENT
// parameter that is 0 where the planned one was not or the reverse (0 generates a
// value and sets LAST_INSERT_ID), re-plan.
//
// At every execute the server first starts the statement's transaction as GMS would
// (session.Session.KeepTransaction then keeps it through GMS's handler, so the
// statement runs on the snapshot its plan was checked against), then checks, else plans
// again: the session's current database and sql_mode are the ones planned for (the
// analyzer consults sql_mode: ONLY_FULL_GROUP_BY, NO_AUTO_VALUE_ON_ZERO); that database resolves
// the table name to
// the same table with the same schema (backend.Table.SameTable: so any DDL, a checked
// out branch where the table has another schema, a dropped table, a temporary table
// shadowing the name all re-plan, and a missing table fails as GMS fails); for a write,
// that the table's triggers and foreign keys are as planned (backend.Table.WriteState:
// a new trigger or key re-plans); and the user still has the privileges the statement
// needs (GMS's authorization handler on
// the statement's table, as the planbuilder calls it). Rows are always read from the
// session's transaction (backend tables hold no data), so new rows, another branch's
// rows and transactions behave as through GMS. The first execute of a plan runs through
// GMS's handler (ComExecuteBound: transaction start and autocommit, process list, result
// encoding), which also gives the result's column descriptions; later ones run in the
// connection's goroutine (runCached: the same steps, streamed by streamSelect,
// without the two goroutines GMS's handler starts per result, about half the CPU of a
// prepared point select).

// preparedStats counts cached-plan executes (hits), those of them run by runCached
// (direct), plannings (plans), prepared SELECTs run by selectExecute (selects), and
// transaction statements run by txExecute (tx), for tests.
var preparedStats struct{ hits, direct, plans, selects, tx atomic.Int64 }

// lookupPlan is a connection's cached plan of one prepared statement.
type lookupPlan struct {
	query    string
	kind     planKind
	eligible bool // false: the statement never takes the cached path
	misses   int  // plannings in a row that adopt refused

	// From the statement (set when eligible).
	table  string               // the table name, lower case
	auth   ast.AuthInformation  // what GMS authorizes for the table
	params map[string][2]string // lower-case column name -> bind variables of its lower and upper bound ("v1")
	sets   map[string]string    // UPDATE: lower-case column name -> bind variable of `SET column = ?`
	values map[int]string       // INSERT: position in the VALUES row -> bind variable
	autoAt int                  // INSERT: position of the AUTO_INCREMENT column in the row, or -1

	// From the last planning (nil node: plan at the next execute).
	db      string                   // current database planned for
	sqlMode string                   // the session's sql_mode planned under
	tbl     *backend.Table           // the planned table
	ws      backend.WriteState       // UPDATE, DELETE: tbl's WriteState when planned
	node    sql.Node                 // the analyzed plan
	path    []sql.Node               // node's nodes above ita, top first
	ita     *plan.IndexedTableAccess // the lookup
	lookup  sql.IndexLookup          // ita's lookup
	order   [][2]string              // bind variables per range column
	slots   map[int]string           // UPDATE: position in the SET list -> bind variable
	insert  *plan.InsertInto         // INSERT: node
	source  *plan.Project            // INSERT: the insert's source, a Project over one row of Values
	trim    sql.Node                 // INSERT: the charTrim over source (backend.IsCharTrim), or nil
	// INSERT: whether the AUTO_INCREMENT column's parameter was 0 when planned. GMS
	// plans 0 as "generate a value" (FirstGeneratedAutoIncRowIdx 0: that row sets
	// LAST_INSERT_ID) unless NO_AUTO_VALUE_ON_ZERO, other values as given (-1): an
	// execute of the other kind re-plans.
	autoZero bool

	// The result's column descriptions as GMS sent them for this plan, and the session's
	// character_set_results they were made under (nil: not seen yet).
	fields  []*querypb.Field
	charset sql.CharacterSetID
}

// planKind is the kind of statement a lookupPlan runs.
type planKind uint8

const (
	kindSelect planKind = iota
	kindUpdate
	kindDelete
	kindInsert
)

type planKey struct{ conn, stmt uint32 }

// maxPlansPerConn bounds a connection's cached plans: vitess does not tell the handler
// about COM_STMT_CLOSE, so a client that prepares and closes statement after statement
// would otherwise grow the cache without end. Past it the connection's plans are dropped.
const maxPlansPerConn = 256

// maxPlanMisses is how many plannings in a row adopt may refuse before the statement is
// left to GMS.
const maxPlanMisses = 16

// lookupPlans holds the cached plans of every connection.
type lookupPlans struct {
	mu   sync.Mutex
	m    map[uint32]map[uint32]*lookupPlan // connection ID -> statement ID -> plan
	text map[uint32]map[string]*lookupPlan // connection ID -> normalized text -> plan (textcache.go)
}

func (pp *lookupPlans) getText(conn uint32, key string) *lookupPlan {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	return pp.text[conn][key]
}

func (pp *lookupPlans) putText(conn uint32, key string, p *lookupPlan) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if pp.text == nil {
		pp.text = make(map[uint32]map[string]*lookupPlan)
	}
	c := pp.text[conn]
	if c == nil || len(c) >= maxTextPlansPerConn {
		c = make(map[string]*lookupPlan)
		pp.text[conn] = c
	}
	c[key] = p
}

func (pp *lookupPlans) get(k planKey) *lookupPlan {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	return pp.m[k.conn][k.stmt]
}

func (pp *lookupPlans) put(k planKey, p *lookupPlan) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if pp.m == nil {
		pp.m = make(map[uint32]map[uint32]*lookupPlan)
	}
	c := pp.m[k.conn]
	if c == nil || len(c) >= maxPlansPerConn {
		c = make(map[uint32]*lookupPlan)
		pp.m[k.conn] = c
	}
	c[k.stmt] = p
}

// forget drops a connection's plans (it closed).
func (pp *lookupPlans) forget(conn uint32) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	delete(pp.m, conn)
	delete(pp.text, conn)
}

// boundExecutor is GMS's handler's entry point for running an analyzed plan.
type boundExecutor interface {
	ComExecuteBound(ctx context.Context, conn *mysql.Conn, query string, bound mysql.BoundQuery, cb mysql.ResultSpoolFn) error
}

// stmtExecute runs a COM_STMT_EXECUTE through a cached plan (lookupPlan) if it can;
// handled false means the caller runs it through GMS.
func (h *handler) stmtExecute(ctx context.Context, c *mysql.Conn, p *mysql.PrepareData, cb func(*sqltypes.Result) error) (handled bool, err error) {
	if h.s.gms == nil || len(p.BindVars) == 0 {
		return false, nil
	}
	k := planKey{conn: c.ConnectionID, stmt: p.StatementID}
	pp := h.s.plans.get(k)
	if pp != nil && pp.query == p.PrepareStmt && !pp.eligible {
		return false, nil
	}
	sqlCtx, err := h.s.gms.SessionManager().NewContextWithQuery(ctx, c, p.PrepareStmt)
	if err != nil {
		return false, nil
	}
	stmt, ok := sqlCtx.Session.GetPreparedQuery(p.PrepareStmt)
	if !ok {
		return false, nil
	}
	if pp == nil || pp.query != p.PrepareStmt {
		pp = &lookupPlan{query: p.PrepareStmt}
		pp.eligible = pp.fromStatement(stmt)
		h.s.plans.put(k, pp)
		if !pp.eligible {
			return false, nil
		}
	}
	return h.runLookup(ctx, sqlCtx, c, pp, stmt, p.PrepareStmt, p.BindVars, cb)
}

// runLookup runs one execute of pp's statement (stmt, its AST with parameters; query,
// the text the process list and GMS's handler show) with parameters bvs: from the
// cached plan if it holds, else planned (and cached if adopt takes it). handled false
// means the caller runs the statement through GMS.
func (h *handler) runLookup(ctx context.Context, sqlCtx *sql.Context, c *mysql.Conn, pp *lookupPlan, stmt ast.Statement, query string, bvs map[string]*querypb.BindVariable, cb func(*sqltypes.Result) error) (handled bool, err error) {
	be, ok := h.Handler.(boundExecutor)
	if !ok {
		return false, nil
	}
	vals, ok := paramValues(bvs)
	if !ok {
		return false, nil
	}
	// The plan is checked against, and runs on, the statement's snapshot: start the
	// transaction as GMS would (dropping a leftover one first, as its CommandBegin
	// does), and have the session keep it through the CommandBegin of GMS's handler.
	sess, ok := sqlCtx.Session.(*session.Session)
	if !ok {
		return false, nil
	}
	if err := sess.CommandBegin(); err != nil {
		return false, nil
	}
	if sqlCtx.GetTransaction() == nil {
		tx, err := sess.StartTransaction(sqlCtx, sql.ReadWrite)
		if err != nil {
			return false, nil
		}
		sqlCtx.SetTransaction(tx)
	}
	var node sql.Node
	replan := !h.valid(sqlCtx, pp)
	if !replan {
		if node, ok, replan = h.cachedNode(sqlCtx, pp, vals, bvs); !ok && !replan {
			return false, nil // a parameter out of its column's range: GMS knows what that means
		}
	}
	if replan {
		if node, ok = h.plan(sqlCtx, pp, stmt, query, bvs); !ok {
			return false, nil
		}
	}
	// A statement starts with no warnings, as GMS's QueryWithBindings does for every
	// statement but SHOW WARNINGS and SET (which are never cached).
	sqlCtx.ClearWarnings()
	sql.IncrementStatusVariable(sqlCtx, "Questions", 1) // as GMS's QueryWithBindings does
	if pp.kind == kindSelect {
		sql.IncrementStatusVariable(sqlCtx, "Com_select", 1)
	}
	sess.KeepTransaction(sqlCtx.GetTransaction())
	defer sess.KeepTransaction(nil)
	if pp.kind != kindSelect {
		// GMS's handler: the OK packet, its counts and the autocommit.
		return true, be.ComExecuteBound(ctx, c, query, node, func(r *sqltypes.Result, _ bool) error { return cb(r) })
	}
	if cs := sqlCtx.GetCharacterSetResults(); pp.fields != nil && pp.charset == cs {
		return true, h.runCached(sqlCtx, c, query, pp, node, cb)
	}
	// GMS's handler runs it, and the result's column descriptions are kept for the
	// executes that runCached serves.
	cs := sqlCtx.GetCharacterSetResults()
	return true, be.ComExecuteBound(ctx, c, query, node, func(r *sqltypes.Result, _ bool) error {
		if r != nil && len(r.Fields) > 0 && pp.node != nil {
			pp.fields, pp.charset = r.Fields, cs
		}
		return cb(r)
	})
}

// runCached runs a cached SELECT plan in the connection's goroutine (streamSelect,
// with PrepQueryPlanForExecution as GMS's handler runs a bound plan: the engine's
// transaction start, read-only check and finalized iterators). The column descriptions
// are those GMS sent for the same plan under the same character_set_results.
func (h *handler) runCached(ctx *sql.Context, c *mysql.Conn, query string, pp *lookupPlan, node sql.Node, cb func(*sqltypes.Result) error) error {
	return h.streamSelect(ctx, c, query, func(ctx *sql.Context) (sql.Schema, sql.RowIter, []*querypb.Field, error) {
		sch, iter, _, err := h.s.engine.SQL.PrepQueryPlanForExecution(ctx, query, node, nil)
		if err == nil {
			preparedStats.direct.Add(1)
		}
		return sch, iter, pp.fields, err
	}, cb)
}

// setStatusFlags sets the autocommit and in-transaction flags of c's next OK/EOF packet
// from the session, as GMS's handler does after every statement.
func setStatusFlags(ctx *sql.Context, c *mysql.Conn) error {
	v, err := ctx.GetSessionVariable(ctx, sql.AutoCommitSessionVar)
	if err != nil {
		return err
	}
	on, err := sql.ConvertToBool(ctx, v)
	if err != nil {
		return err
	}
	if on {
		c.StatusFlags |= uint16(mysql.ServerStatusAutocommit)
	} else {
		c.StatusFlags &^= uint16(mysql.ServerStatusAutocommit)
	}
	if ctx.GetTransaction() != nil {
		c.StatusFlags |= uint16(mysql.ServerInTransaction)
	} else {
		c.StatusFlags &^= uint16(mysql.ServerInTransaction)
	}
	return nil
}

// fromStatement checks the statement's shape and records its kind, table,
// authorization and parameters; false if it is not eligible.
//
// Eligible: a SELECT, UPDATE or DELETE of one unqualified table (no AS OF, hints,
// partitions, WITH, LIMIT, RETURNING) whose WHERE is an AND of `column = ?` and
// `column BETWEEN ? AND ?`, one per column, and:
//   - SELECT: no INTO, GROUP BY, HAVING, windows, locking or query options other than
//     DISTINCT; a select list of columns of the table and COUNT/SUM/MIN/MAX/AVG of one
//     column (or COUNT(*)); an ORDER BY of columns of the table;
//   - UPDATE: no IGNORE or ORDER BY; each SET value is `?` or built from columns of the
//     table, constants, unary minus and + - * / (no functions);
//   - DELETE: no ORDER BY, no multi-table form.
//
// Parameters therefore occur in the WHERE and as whole SET values only, and the
// analyzed plan depends on their values only through what the WHERE becomes and those
// SET literals; adopt checks that this is the index lookup and the literals alone.
func (pp *lookupPlan) fromStatement(stmt ast.Statement) bool {
	switch st := stmt.(type) {
	case *ast.Select:
		return pp.fromSelect(st)
	case *ast.Update:
		if st.Ignore != "" || st.With != nil || len(st.OrderBy) > 0 || st.Limit != nil || len(st.Returning) > 0 {
			return false
		}
		own, ok := pp.target(st.TableExprs)
		if !ok {
			return false
		}
		pp.kind, pp.sets = kindUpdate, map[string]string{}
		for _, ae := range st.Exprs {
			if ae.Name == nil || !own(ae.Name) {
				return false
			}
			col := strings.ToLower(ae.Name.Name.String())
			if _, dup := pp.sets[col]; dup {
				return false
			}
			if v, ok := bindParam(ae.Expr); ok {
				pp.sets[col] = v
				continue
			}
			if !plainValue(ae.Expr, own) {
				return false
			}
		}
		return pp.where(st.Where, own)
	case *ast.Delete:
		if len(st.Targets) > 0 || st.With != nil || len(st.Partitions) > 0 || len(st.OrderBy) > 0 || st.Limit != nil || len(st.Returning) > 0 {
			return false
		}
		own, ok := pp.target(st.TableExprs)
		if !ok {
			return false
		}
		pp.kind = kindDelete
		return pp.where(st.Where, own)
	case *ast.Insert:
		return pp.fromInsert(st)
	}
	return false
}

// fromInsert is fromStatement for an INSERT: `INSERT INTO t (columns) VALUES (...)` of
// one row into an unqualified table, each value `?` or a constant, without IGNORE, ON
// DUPLICATE KEY UPDATE, partitions, WITH or RETURNING.
func (pp *lookupPlan) fromInsert(st *ast.Insert) bool {
	if st.Action != ast.InsertStr || st.Ignore != "" || st.With != nil || len(st.Partitions) > 0 || len(st.Returning) > 0 ||
		len(st.OnDup) > 0 || len(st.Columns) == 0 || !st.Table.DbQualifier.IsEmpty() || !st.Table.SchemaQualifier.IsEmpty() {
		return false
	}
	rows, ok := st.Rows.(*ast.AliasedValues)
	if !ok || !rows.As.IsEmpty() || len(rows.Columns) > 0 || len(rows.Values) != 1 || len(rows.Values[0]) != len(st.Columns) {
		return false
	}
	pp.kind, pp.table, pp.auth = kindInsert, strings.ToLower(st.Table.Name.String()), st.Auth
	pp.values, pp.autoAt = map[int]string{}, -1
	for j, e := range rows.Values[0] {
		if name, ok := bindParam(e); ok {
			pp.values[j] = name
			continue
		}
		if !plainValue(e, func(ast.Expr) bool { return false }) {
			return false
		}
	}
	return true
}

// fromSelect is fromStatement for a SELECT.
func (pp *lookupPlan) fromSelect(sel *ast.Select) bool {
	if sel.Into != nil || sel.With != nil || sel.Limit != nil || sel.Having != nil ||
		(sel.Lock != nil && (sel.Lock.Type != "" || len(sel.Lock.Tables) > 0)) || len(sel.GroupBy) > 0 || len(sel.Window) > 0 ||
		!onlyDistinct(sel.QueryOpts) {
		return false
	}
	own, ok := pp.target(sel.From)
	if !ok {
		return false
	}
	pp.kind = kindSelect
	for _, se := range sel.SelectExprs {
		ae, ok := se.(*ast.AliasedExpr)
		if !ok {
			return false
		}
		if own(ae.Expr) {
			continue
		}
		fe, ok := ae.Expr.(*ast.FuncExpr)
		if !ok || fe.Over != nil || !fe.Qualifier.IsEmpty() || fe.Distinct || len(fe.Exprs) != 1 {
			return false
		}
		switch strings.ToLower(fe.Name.String()) {
		case "count", "sum", "min", "max", "avg":
		default:
			return false
		}
		switch arg := fe.Exprs[0].(type) {
		case *ast.AliasedExpr:
			if !own(arg.Expr) {
				return false
			}
		case *ast.StarExpr:
			if !strings.EqualFold(fe.Name.String(), "count") || !arg.TableName.IsEmpty() {
				return false
			}
		default:
			return false
		}
	}
	for _, o := range sel.OrderBy {
		if !own(o.Expr) {
			return false
		}
	}
	return pp.where(sel.Where, own)
}

// target checks a statement's table expressions (one unqualified table, no AS OF,
// hints or partitions), records the table and its authorization, and returns the test
// for a column of that table.
func (pp *lookupPlan) target(tes ast.TableExprs) (own func(ast.Expr) bool, ok bool) {
	if len(tes) != 1 {
		return nil, false
	}
	te, ok := tes[0].(*ast.AliasedTableExpr)
	if !ok || te.Hints != nil || te.AsOf != nil || len(te.Partitions) > 0 || te.Lateral {
		return nil, false
	}
	tn, ok := te.Expr.(ast.TableName)
	if !ok || !tn.DbQualifier.IsEmpty() || !tn.SchemaQualifier.IsEmpty() {
		return nil, false
	}
	pp.table = strings.ToLower(tn.Name.String())
	pp.auth = te.Auth
	alias := strings.ToLower(te.As.String())
	return func(e ast.Expr) bool {
		cn, ok := e.(*ast.ColName)
		if !ok || cn.StoredProcVal != nil {
			return false
		}
		q := cn.Qualifier
		if !q.DbQualifier.IsEmpty() || !q.SchemaQualifier.IsEmpty() {
			return false
		}
		name := strings.ToLower(q.Name.String())
		return name == "" || (alias == "" && name == pp.table) || (alias != "" && name == alias)
	}, true
}

// where checks and records the WHERE: an AND of `column = ?` and `column BETWEEN ? AND
// ?`, one per column of the table.
func (pp *lookupPlan) where(w *ast.Where, own func(ast.Expr) bool) bool {
	if w == nil || w.Type != ast.WhereStr {
		return false
	}
	pp.params = map[string][2]string{}
	add := func(col ast.Expr, lo, hi string) bool {
		name := strings.ToLower(col.(*ast.ColName).Name.String())
		if _, dup := pp.params[name]; dup {
			return false
		}
		pp.params[name] = [2]string{lo, hi}
		return true
	}
	var conj func(e ast.Expr) bool
	conj = func(e ast.Expr) bool {
		switch e := e.(type) {
		case *ast.AndExpr:
			return conj(e.Left) && conj(e.Right)
		case *ast.ComparisonExpr:
			v, ok := bindParam(e.Right)
			return ok && e.Operator == ast.EqualStr && e.Escape == nil && own(e.Left) && add(e.Left, v, v)
		case *ast.RangeCond:
			lo, ok1 := bindParam(e.From)
			hi, ok2 := bindParam(e.To)
			return ok1 && ok2 && e.Operator == ast.BetweenStr && own(e.Left) && add(e.Left, lo, hi)
		default:
			return false
		}
	}
	return conj(w.Expr)
}

// bindParam returns the bind variable name of a `?`.
func bindParam(e ast.Expr) (string, bool) {
	v, ok := e.(*ast.SQLVal)
	if !ok || v.Type != ast.ValArg {
		return "", false
	}
	return strings.TrimPrefix(string(v.Val), ":"), true
}

// plainValue reports whether e is built from columns of the table (own), constants
// (no parameters), parentheses, unary minus and + - * /.
func plainValue(e ast.Expr, own func(ast.Expr) bool) bool {
	switch e := e.(type) {
	case *ast.ColName:
		return own(e)
	case *ast.SQLVal:
		return e.Type != ast.ValArg
	case *ast.NullVal, ast.BoolVal:
		return true
	case *ast.ParenExpr:
		return plainValue(e.Expr, own)
	case *ast.UnaryExpr:
		return e.Operator == ast.UMinusStr && plainValue(e.Expr, own)
	case *ast.BinaryExpr:
		switch e.Operator {
		case ast.PlusStr, ast.MinusStr, ast.MultStr, ast.DivStr:
			return plainValue(e.Left, own) && plainValue(e.Right, own)
		}
	}
	return false
}

// onlyDistinct reports whether q sets no query option but DISTINCT.
func onlyDistinct(q ast.QueryOpts) bool {
	q.Distinct = false
	return reflect.ValueOf(q).IsZero()
}

// paramValues decodes the parameters: integers as int64 or uint64, quoted values
// (text, binary, temporal) as their string; ok false if any is something else (NULL,
// a float, a decimal).
func paramValues(bvs map[string]*querypb.BindVariable) (map[string]any, bool) {
	vals := make(map[string]any, len(bvs))
	for name, bv := range bvs {
		switch {
		case sqltypes.IsSigned(bv.Type):
			n, err := strconv.ParseInt(string(bv.Value), 10, 64)
			if err != nil {
				return nil, false
			}
			vals[name] = n
		case sqltypes.IsUnsigned(bv.Type):
			n, err := strconv.ParseUint(string(bv.Value), 10, 64)
			if err != nil {
				return nil, false
			}
			vals[name] = n
		case sqltypes.IsQuoted(bv.Type):
			vals[name] = string(bv.Value)
		default:
			return nil, false
		}
	}
	return vals, true
}

// keyValue converts parameter v to range column type typ; ok false unless exact.
func keyValue(ctx *sql.Context, typ sql.Type, v any) (any, bool) {
	switch v.(type) {
	case int64, uint64:
	default:
		return nil, false
	}
	if !types.IsInteger(typ) {
		return nil, false
	}
	k, inRange, err := typ.Convert(ctx, v)
	if err != nil || inRange != sql.InRange || k == nil {
		return nil, false
	}
	if c, err := typ.Compare(ctx, k, v); err != nil || c != 0 {
		return nil, false
	}
	return k, true
}

// valid reports whether pp's plan still holds for the session of ctx: same current
// database, which resolves the table to the same table and schema, and the privileges.
func (h *handler) valid(ctx *sql.Context, pp *lookupPlan) bool {
	if pp.node == nil || ctx.GetCurrentDatabase() != pp.db || sqlMode(ctx) != pp.sqlMode {
		return false
	}
	cat := h.s.engine.SQL.Analyzer.Catalog
	db, err := cat.Database(ctx, pp.db)
	if err != nil {
		return false
	}
	t, ok, err := db.GetTableInsensitive(ctx, pp.table)
	if err != nil || !ok || !pp.tbl.SameTable(t) {
		return false
	}
	if pp.kind != kindSelect {
		if ws, err := pp.tbl.WriteState(ctx); err != nil || ws != pp.ws {
			return false
		}
	}
	ah := cat.AuthorizationHandler()
	return ah.HandleAuth(ctx, ah.NewQueryState(ctx), pp.auth) == nil
}

// builder is a planbuilder for converting parameters as GMS's binding does.
func (h *handler) builder(ctx *sql.Context) *planbuilder.Builder {
	return planbuilder.New(ctx, h.s.engine.SQL.Analyzer.Catalog, h.s.engine.SQL.EventScheduler)
}

// cachedNode returns pp's (valid) plan with the lookup of vals and the literals of bvs;
// ok false if a value does not convert exactly to its column's type or a range is
// empty (GMS plans those), and replan true if a parameter's literal has another type
// than planned (the plan is remade for the new types).
func (h *handler) cachedNode(ctx *sql.Context, pp *lookupPlan, vals map[string]any, bvs map[string]*querypb.BindVariable) (node sql.Node, ok, replan bool) {
	if pp.kind == kindInsert {
		return h.cachedInsert(ctx, pp, vals, bvs)
	}
	var b *planbuilder.Builder
	if len(pp.slots) > 0 {
		b = h.builder(ctx)
	}
	rng := pp.lookup.Ranges.(sql.MySQLRangeCollection)[0]
	nr := make(sql.MySQLRange, len(rng))
	for i, ce := range rng {
		lo, ok := keyValue(ctx, ce.Typ, vals[pp.order[i][0]])
		if !ok {
			return nil, false, false
		}
		hi := lo
		if pp.order[i][1] != pp.order[i][0] {
			if hi, ok = keyValue(ctx, ce.Typ, vals[pp.order[i][1]]); !ok {
				return nil, false, false
			}
			if c, err := ce.Typ.Compare(ctx, lo, hi); err != nil || c > 0 {
				return nil, false, false
			}
		}
		nr[i] = sql.MySQLRangeColumnExpr{
			LowerBound: sql.Below{Key: lo, Typ: ce.LowerBound.(sql.Below).Typ},
			UpperBound: sql.Above{Key: hi, Typ: ce.UpperBound.(sql.Above).Typ},
			Typ:        ce.Typ,
		}
	}
	lookup := pp.lookup
	lookup.Ranges = sql.MySQLRangeCollection{nr}
	ita, err := plan.NewStaticIndexedAccessForTableNode(ctx, pp.ita.TableNode, lookup)
	if err != nil {
		return nil, false, false
	}
	node = ita.WithId(pp.ita.Id()).WithColumns(pp.ita.Columns())
	for i := len(pp.path) - 1; i >= 0; i-- {
		if node, err = pp.path[i].WithChildren(ctx, node); err != nil {
			return nil, false, false
		}
		if us, ok := node.(*plan.UpdateSource); ok && len(pp.slots) > 0 {
			exprs := slices.Clone(us.UpdateExprs.AllExpressions())
			for at, name := range pp.slots {
				lit, ok := paramLiteral(b, bvs[name])
				sf := exprs[at].(*expression.SetField)
				if !ok {
					return nil, false, false
				}
				if !lit.Type(ctx).Equals(sf.RightChild.Type(ctx)) { // as planned
					return nil, false, true
				}
				if exprs[at], err = sf.WithChildren(ctx, sf.LeftChild, lit); err != nil {
					return nil, false, false
				}
			}
			if node, err = us.WithExpressions(ctx, exprs...); err != nil {
				return nil, false, false
			}
		}
	}
	preparedStats.hits.Add(1)
	return node, true, false
}

// cachedInsert is cachedNode for an INSERT: the cached plan with the row's parameters
// replaced by their literals; ok false if the AUTO_INCREMENT column's parameter is 0
// (GMS then generates the value and sets LAST_INSERT_ID: a plan of its own).
func (h *handler) cachedInsert(ctx *sql.Context, pp *lookupPlan, vals map[string]any, bvs map[string]*querypb.BindVariable) (node sql.Node, ok, replan bool) {
	if name, ok := pp.values[pp.autoAt]; ok {
		zero, isInt := intZero(vals[name])
		if !isInt {
			return nil, false, false // a string that may read as 0
		}
		if zero != pp.autoZero {
			return nil, false, true // generated or not: which row sets LAST_INSERT_ID differs
		}
	}
	b := h.builder(ctx)
	vn := pp.source.Child.(*plan.Values)
	row := slices.Clone(vn.ExpressionTuples[0])
	for j, name := range pp.values {
		lit, ok := paramLiteral(b, bvs[name])
		// The planned row's types must stay: the Values' schema, and so the Project's
		// fields, come from them (an integer literal's type depends on its size).
		if !ok {
			return nil, false, false
		}
		if !lit.Type(ctx).Equals(row[j].Type(ctx)) {
			return nil, false, true
		}
		row[j] = lit
	}
	nv, err := vn.WithExpressions(ctx, row...)
	if err != nil {
		return nil, false, false
	}
	src, err := pp.source.WithChildren(ctx, nv)
	if err != nil {
		return nil, false, false
	}
	if pp.trim != nil {
		if src, err = pp.trim.WithChildren(ctx, src); err != nil {
			return nil, false, false
		}
	}
	preparedStats.hits.Add(1)
	return pp.insert.WithSource(src), true, false
}

// plan has GMS bind and analyze the statement with p's parameters and, if the result
// is the expected lookup, caches it in pp; it returns the analyzed plan to run now, or
// ok false to run the statement through GMS (which reports the error binding or
// analyzing it gave).
func (h *handler) plan(ctx *sql.Context, pp *lookupPlan, stmt ast.Statement, query string, bvs map[string]*querypb.BindVariable) (sql.Node, bool) {
	pp.node, pp.fields = nil, nil
	bindings, ok := bindingExprs(bvs)
	if !ok {
		return nil, false
	}
	node, err := h.s.engine.SQL.BoundQueryPlan(ctx, query, stmt, bindings)
	if err != nil {
		return nil, false // GMS reports it
	}
	var b *planbuilder.Builder // for the literals of SET parameters and INSERT rows
	if pp.kind == kindInsert || len(pp.sets) > 0 {
		b = h.builder(ctx)
	}
	if !pp.adopt(ctx, b, node, bvs) {
		// Not the expected lookup, for these values (one out of its column's range, an
		// empty or unbounded range, a range the analyzer costed as a scan) or for the
		// table as it is (no usable index). The analyzed plan runs through GMS's handler;
		// a statement that keeps planning so is left to GMS for good.
		if pp.misses++; pp.misses >= maxPlanMisses {
			pp.eligible = false
		}
		return node, true
	}
	pp.misses = 0
	preparedStats.plans.Add(1)
	return node, true
}

// adopt caches node in pp if it is the expected lookup and reports whether it did.
//
// Expected (INSERTs: adoptInsert): an IndexedTableAccess of the statement's table with
// a static lookup of one range on an index whose every column is a WHERE column, each
// bounded by its parameters exactly as keyValue converts them (so the ranges built
// later for other values are those GMS would build), under only Project, Sort,
// Distinct, GroupBy and TableAlias nodes (SELECT), Update over UpdateSource (UPDATE,
// whose `SET c = ?` values must be the parameters' literals: setSlots) or DeleteFrom
// (DELETE). No Filter may be left: the lookup is the whole WHERE, so nothing else in
// the plan holds a parameter's value. A write's table must have no foreign key.
func (pp *lookupPlan) adopt(ctx *sql.Context, b *planbuilder.Builder, node sql.Node, bvs map[string]*querypb.BindVariable) bool {
	if pp.kind == kindInsert {
		return pp.adoptInsert(ctx, b, node, bvs)
	}
	var path []sql.Node
	var us *plan.UpdateSource
	top := node
walk:
	for {
		switch n := top.(type) {
		case *plan.Project, *plan.Sort, *plan.Distinct, *plan.OrderedDistinct, *plan.GroupBy, *plan.TableAlias:
			if pp.kind != kindSelect {
				return false
			}
		case *plan.Update:
			if pp.kind != kindUpdate || len(path) != 0 || n.IsJoin || n.Ignore || len(n.Returning) > 0 {
				return false
			}
		case *plan.UpdateSource:
			// Under the Update, or under the charTrim over it (backend.IsCharTrim).
			if pp.kind != kindUpdate || (len(path) != 1 && (len(path) != 2 || !backend.IsCharTrim(path[1]))) || n.Ignore {
				return false
			}
			us = n
		case *plan.DeleteFrom:
			if pp.kind != kindDelete || len(path) != 0 || n.HasExplicitTargets() || len(n.Returning) > 0 {
				return false
			}
		default:
			if !backend.IsCharTrim(n) || pp.kind != kindUpdate || len(path) != 1 {
				break walk
			}
		}
		ch := top.Children()
		if len(ch) != 1 {
			return false
		}
		path = append(path, top)
		top = ch[0]
	}
	if (pp.kind == kindUpdate && us == nil) || (pp.kind == kindDelete && len(path) != 1) {
		return false
	}
	ita, ok := top.(*plan.IndexedTableAccess)
	if !ok {
		return false
	}
	if !ita.IsStatic() {
		return false
	}
	rt, ok := ita.TableNode.(*plan.ResolvedTable)
	if !ok {
		return false
	}
	var tbl *backend.Table
	switch t := rt.Table.(type) {
	case *backend.Table:
		tbl = t
	case *backend.IndexedTable: // the analyzer's pushdown leaves the lookup's table here
		tbl = t.Table
	}
	if tbl == nil || !strings.EqualFold(tbl.Name(), pp.table) {
		return false
	}
	lookup, ok, err := ita.GetLookup(ctx, nil)
	if err != nil || !ok || lookup.IsSpatialLookup || !reflect.ValueOf(lookup.VectorOrderAndLimit).IsZero() ||
		lookup.Index == nil {
		return false
	}
	ranges, ok := lookup.Ranges.(sql.MySQLRangeCollection)
	exprs := lookup.Index.Expressions()
	if !ok || len(exprs) != len(pp.params) {
		return false
	}
	if lookup.IsEmptyRange || len(ranges) != 1 || len(ranges[0]) != len(exprs) {
		return false // a value no row can have, or an empty BETWEEN
	}
	vals, ok := paramValues(bvs)
	if !ok {
		return false
	}
	slots, ok := pp.setSlots(ctx, b, us, bvs)
	if !ok {
		return false
	}
	order := make([][2]string, len(exprs))
	for i, e := range exprs {
		col := strings.ToLower(e[strings.LastIndexByte(e, '.')+1:])
		names, ok := pp.params[col]
		if !ok {
			return false
		}
		order[i] = names
		ce := ranges[0][i]
		if !types.IsInteger(ce.Typ) {
			return false
		}
		lo, ok1 := ce.LowerBound.(sql.Below)
		hi, ok2 := ce.UpperBound.(sql.Above)
		klo, ok3 := keyValue(ctx, ce.Typ, vals[names[0]])
		khi, ok4 := keyValue(ctx, ce.Typ, vals[names[1]])
		if !ok1 || !ok2 {
			return false
		}
		if !ok3 || !ok4 {
			return false // a value out of the column's range
		}
		// The bounds GMS built must be the parameters as keyValue converts them, so that
		// the keys built later for other values are what GMS would build.
		if reflect.TypeOf(klo) != reflect.TypeOf(lo.Key) || reflect.TypeOf(khi) != reflect.TypeOf(hi.Key) {
			return false
		}
		if c1, err1 := ce.Typ.Compare(ctx, klo, lo.Key); err1 != nil || c1 != 0 {
			return false
		}
		if c2, err2 := ce.Typ.Compare(ctx, khi, hi.Key); err2 != nil || c2 != 0 {
			return false
		}
	}
	if pp.kind != kindSelect {
		// Triggers and foreign-key checks live in nodes this shape does not allow, but
		// the plan must also be remade when they appear: WriteState tells.
		ws, err := tbl.WriteState(ctx)
		if err != nil || ws.HasForeignKeys() {
			return false
		}
		pp.ws = ws
	}
	pp.db, pp.sqlMode = ctx.GetCurrentDatabase(), sqlMode(ctx)
	pp.tbl, pp.node, pp.path, pp.ita, pp.lookup, pp.order, pp.slots = tbl, node, path, ita, lookup, order, slots
	return true
}

// setSlots finds, in an UPDATE's analyzed SET list, the value of every `SET column = ?`:
// it must be the literal GMS's planbuilder makes of the parameter (paramLiteral). It
// returns the bind variable per position in the list (nil for a SELECT or DELETE).
func (pp *lookupPlan) setSlots(ctx *sql.Context, b *planbuilder.Builder, us *plan.UpdateSource, bvs map[string]*querypb.BindVariable) (map[int]string, bool) {
	if us == nil {
		return nil, len(pp.sets) == 0
	}
	slots := map[int]string{}
	for i, e := range us.UpdateExprs.AllExpressions() {
		sf, ok := e.(*expression.SetField)
		if !ok {
			return nil, false
		}
		gf, ok := sf.LeftChild.(*expression.GetField)
		if !ok {
			return nil, false
		}
		name, ok := pp.sets[strings.ToLower(gf.Name())]
		if !ok {
			continue
		}
		if !sameLiteral(ctx, sf.RightChild, b, bvs[name]) {
			return nil, false
		}
		slots[i] = name
	}
	return slots, len(slots) == len(pp.sets)
}

// adoptInsert is adopt for an INSERT. Expected: an InsertInto (no REPLACE, IGNORE, ON
// DUPLICATE KEY UPDATE, RETURNING or AFTER trigger) of the statement's table, a plain
// resolved table without foreign keys, whose source is a Project over one row of
// Values in which every parameter is the literal GMS's planbuilder makes of it
// (paramLiteral). The row's other values come from the statement text. If the row gives
// the AUTO_INCREMENT column a parameter, it must be an integer, and whether it is 0 is
// recorded (autoZero).
func (pp *lookupPlan) adoptInsert(ctx *sql.Context, b *planbuilder.Builder, node sql.Node, bvs map[string]*querypb.BindVariable) bool {
	ii, ok := node.(*plan.InsertInto)
	if !ok || ii.IsReplace || ii.Ignore || len(ii.OnDupExprs.AllExpressions()) > 0 || len(ii.Returning) > 0 || ii.HasAfterTrigger {
		return false
	}
	// The destination is an InsertDestination (the table's schema with defaults) over
	// the table, which the analyzer wraps in a ProcessTable for the process list; an
	// INSERT never reads the destination, so the wrapper's callbacks (bound to the
	// planning statement) are never called.
	dst := ii.Destination
	if d, ok := dst.(*plan.InsertDestination); ok {
		dst = d.Child
	}
	rt, ok := dst.(*plan.ResolvedTable)
	if !ok {
		return false
	}
	var under sql.Table = rt.Table
	if pt, ok := under.(*plan.ProcessTable); ok {
		under = pt.Underlying()
	}
	tbl, ok := under.(*backend.Table)
	if !ok || !strings.EqualFold(tbl.Name(), pp.table) {
		return false
	}
	source, trim := ii.Source, sql.Node(nil)
	if backend.IsCharTrim(source) {
		trim, source = source, source.Children()[0]
	}
	src, ok := source.(*plan.Project)
	if !ok {
		return false
	}
	vn, ok := src.Child.(*plan.Values)
	if !ok || len(vn.ExpressionTuples) != 1 || len(vn.ExpressionTuples[0]) != len(ii.ColumnNames) {
		return false
	}
	row := vn.ExpressionTuples[0]
	for j, name := range pp.values {
		if !sameLiteral(ctx, row[j], b, bvs[name]) {
			return false
		}
	}
	autoAt := -1
	for _, col := range tbl.Schema(ctx) {
		if col.AutoIncrement {
			for j, name := range ii.ColumnNames {
				if strings.EqualFold(name, col.Name) {
					autoAt = j
				}
			}
		}
	}
	autoZero := false
	if name, isParam := pp.values[autoAt]; isParam {
		vals, ok := paramValues(map[string]*querypb.BindVariable{name: bvs[name]})
		if !ok {
			return false
		}
		zero, isInt := intZero(vals[name])
		if !isInt {
			return false // a string; cachedInsert takes only integers for the column
		}
		autoZero = zero
	}
	ws, err := tbl.WriteState(ctx)
	if err != nil || ws.HasForeignKeys() {
		return false
	}
	pp.db, pp.sqlMode = ctx.GetCurrentDatabase(), sqlMode(ctx)
	pp.tbl, pp.ws, pp.node, pp.insert, pp.source, pp.trim, pp.autoAt, pp.autoZero = tbl, ws, node, ii, src, trim, autoAt, autoZero
	return true
}

// sqlMode is the session's sql_mode as set (LoadSqlMode parses it; a comparison needs
// only the text).
func sqlMode(ctx *sql.Context) string {
	v, err := ctx.GetSessionVariable(ctx, sql.SqlModeSessionVar)
	if err != nil {
		return ""
	}
	s, _ := v.(string)
	return s
}

// intZero reports whether v (a paramValues value) is the integer 0; isInt false if it
// is no integer.
func intZero(v any) (zero, isInt bool) {
	switch v := v.(type) {
	case int64:
		return v == 0, true
	case uint64:
		return v == 0, true
	}
	return false, false
}

// paramLiteral is the literal GMS's planbuilder makes of a parameter (as its
// SetBindings does: the value as an SQL constant, then ConvertVal, which sizes an
// integer's type by its value and gives a string the connection's collation); ok false
// for NULL or anything that is not such a literal.
func paramLiteral(b *planbuilder.Builder, bv *querypb.BindVariable) (lit *expression.Literal, ok bool) {
	if bv == nil {
		return nil, false
	}
	e, err := bindingExpr(bv)
	sv, isVal := e.(*ast.SQLVal)
	if err != nil || !isVal {
		return nil, false
	}
	defer func() {
		if recover() != nil { // the planbuilder reports errors by panicking
			lit, ok = nil, false
		}
	}()
	lit, ok = b.ConvertVal(sv).(*expression.Literal)
	return lit, ok
}

// sameLiteral reports whether e is exactly the literal paramLiteral makes of bv.
func sameLiteral(ctx *sql.Context, e sql.Expression, b *planbuilder.Builder, bv *querypb.BindVariable) bool {
	lit, ok := e.(*expression.Literal)
	want, ok2 := paramLiteral(b, bv)
	if !ok || !ok2 || !lit.Type(ctx).Equals(want.Type(ctx)) || reflect.TypeOf(lit.Value()) != reflect.TypeOf(want.Value()) {
		return false
	}
	c, err := lit.Type(ctx).Compare(ctx, lit.Value(), want.Value())
	return err == nil && c == 0
}
