package server

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
	ast "github.com/dolthub/vitess/go/vt/sqlparser"

	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
)

// Prepared point selects.
//
// GMS runs every COM_STMT_EXECUTE of a prepared statement like a new query, minus the
// parse: it binds the cached AST with the parameter values (planbuilder: name
// resolution, privilege checks) and runs the whole analyzer, ~50 us of CPU for a
// primary-key point select, more than reading the row. For the commonest prepared
// statement, a point select by primary key (sysbench's `SELECT c FROM sbtest1 WHERE
// id=?`), the server keeps GMS's analyzed plan per connection and statement and
// re-executes it with the new key: the plan's only value-dependent part is the static
// index lookup, one closed point range per key column, which is rebuilt from the new
// parameters. Everything else the plan holds is fixed by the statement text, the current
// database and the table's schema, which are checked at every execute.
//
// Eligible: a prepared SELECT of plain columns of one unqualified table, without AS OF,
// index hints, DISTINCT, GROUP BY, HAVING, ORDER BY, LIMIT, INTO, WITH, locking or
// query options, whose WHERE is one `column = ?` per primary-key column (AND) and nothing
// else, whose key columns are integers and whose parameters are integers in the
// columns' ranges; and GMS must have planned it as a point lookup of the primary key
// (an IndexedTableAccess, under at most a Project of columns), with range bounds equal
// to the parameters converted to the column types. Anything else, and any execute whose
// parameters are not such integers (NULL, a string, out of range), and every execute
// while the session's sql_select_limit is not the default (GMS's analyzer then adds a
// LIMIT), runs through GMS as before.
//
// At every execute the server first starts the statement's transaction as GMS would
// (session.Session.KeepTransaction then keeps it through GMS's handler, so the
// statement runs on the snapshot its plan was checked against), then checks, else plans
// again: the session's current database is the one planned for; that database resolves
// the table name to
// the same table with the same schema (backend.Table.SameTable: so any DDL, a checked
// out branch where the table has another schema, a dropped table, a temporary table
// shadowing the name all re-plan, and a missing table fails as GMS fails); and the
// user still has the privileges the statement needs (GMS's authorization handler on
// the statement's table, as the planbuilder calls it). Rows are always read from the
// session's transaction (backend tables hold no data), so new rows, another branch's
// rows and transactions behave as through GMS. The first execute of a plan runs through
// GMS's handler (ComExecuteBound: transaction start and autocommit, process list, result
// encoding), which also gives the result's column descriptions; later ones run in the
// connection's goroutine (runPoint: the same steps for a result of at most one row,
// without the two goroutines GMS's handler starts per result, about half the CPU of a
// prepared point select).

// preparedStats counts cached-plan executes (hits), those of them run by runPoint
// (direct), plannings (plans), and prepared SELECTs run by selectExecute (selects),
// for tests.
var preparedStats struct{ hits, direct, plans, selects atomic.Int64 }

// pointPlan is a connection's cached plan of one prepared statement.
type pointPlan struct {
	query    string
	eligible bool // false: the statement never takes the cached path

	// From the statement (set when eligible).
	table  string              // the table name, lower case
	auth   ast.AuthInformation // what GMS authorizes for the table
	params map[string]string   // lower-case column name -> bind variable name ("v1")

	// From the last planning (nil node: plan at the next execute).
	db     string                   // current database planned for
	tbl    *backend.Table           // the planned table
	node   sql.Node                 // the analyzed plan
	proj   *plan.Project            // node if it is a Project over ita, else nil
	ita    *plan.IndexedTableAccess // the lookup
	lookup sql.IndexLookup          // ita's lookup
	order  []string                 // bind variable per range column

	// The result's column descriptions as GMS sent them for this plan, and the session's
	// character_set_results they were made under (nil: not seen yet).
	fields  []*querypb.Field
	charset sql.CharacterSetID
}

type planKey struct{ conn, stmt uint32 }

// maxPlansPerConn bounds a connection's cached plans: vitess does not tell the handler
// about COM_STMT_CLOSE, so a client that prepares and closes statement after statement
// would otherwise grow the cache without end. Past it the connection's plans are dropped.
const maxPlansPerConn = 256

// pointPlans holds the cached plans of every connection.
type pointPlans struct {
	mu sync.Mutex
	m  map[uint32]map[uint32]*pointPlan // connection ID -> statement ID -> plan
}

func (pp *pointPlans) get(k planKey) *pointPlan {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	return pp.m[k.conn][k.stmt]
}

func (pp *pointPlans) put(k planKey, p *pointPlan) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if pp.m == nil {
		pp.m = make(map[uint32]map[uint32]*pointPlan)
	}
	c := pp.m[k.conn]
	if c == nil || len(c) >= maxPlansPerConn {
		c = make(map[uint32]*pointPlan)
		pp.m[k.conn] = c
	}
	c[k.stmt] = p
}

// forget drops a connection's plans (it closed).
func (pp *pointPlans) forget(conn uint32) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	delete(pp.m, conn)
}

// boundExecutor is GMS's handler's entry point for running an analyzed plan.
type boundExecutor interface {
	ComExecuteBound(ctx context.Context, conn *mysql.Conn, query string, bound mysql.BoundQuery, cb mysql.ResultSpoolFn) error
}

// stmtExecute runs a COM_STMT_EXECUTE through a cached point-select plan if it can;
// handled false means the caller runs it through GMS.
func (h *handler) stmtExecute(ctx context.Context, c *mysql.Conn, p *mysql.PrepareData, cb func(*sqltypes.Result) error) (handled bool, err error) {
	be, ok := h.Handler.(boundExecutor)
	if !ok || h.s.gms == nil || len(p.BindVars) == 0 {
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
	if pp == nil || pp.query != p.PrepareStmt {
		pp = &pointPlan{query: p.PrepareStmt}
		if stmt, ok := sqlCtx.Session.GetPreparedQuery(p.PrepareStmt); ok {
			pp.eligible = pp.fromStatement(stmt)
		}
		h.s.plans.put(k, pp)
		if !pp.eligible {
			return false, nil
		}
	}
	vals, ok := intParams(p.BindVars)
	if !ok {
		return false, nil
	}
	if def, _ := sql.HasDefaultValue(sqlCtx, sqlCtx.Session, "sql_select_limit"); !def {
		return false, nil // GMS's analyzer adds a LIMIT that no cached plan has
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
	if h.valid(sqlCtx, pp) {
		if node, ok = h.cachedNode(sqlCtx, pp, vals); !ok {
			return false, nil // a parameter out of its column's range: GMS knows what that means
		}
	} else if node, ok = h.plan(sqlCtx, pp, p); !ok {
		return false, nil
	}
	sql.IncrementStatusVariable(sqlCtx, "Questions", 1) // as GMS's QueryWithBindings does
	sql.IncrementStatusVariable(sqlCtx, "Com_select", 1)
	sess.KeepTransaction(sqlCtx.GetTransaction())
	defer sess.KeepTransaction(nil)
	if cs := sqlCtx.GetCharacterSetResults(); pp.fields != nil && pp.charset == cs {
		return true, h.runPoint(sqlCtx, c, pp, node, cb)
	}
	// GMS's handler runs it, and the result's column descriptions are kept for the
	// executes that runPoint serves.
	cs := sqlCtx.GetCharacterSetResults()
	return true, be.ComExecuteBound(ctx, c, p.PrepareStmt, node, func(r *sqltypes.Result, _ bool) error {
		if r != nil && len(r.Fields) > 0 && pp.node != nil {
			pp.fields, pp.charset = r.Fields, cs
		}
		return cb(r)
	})
}

// runPoint runs a cached point-select plan in the connection's goroutine (streamSelect,
// with PrepQueryPlanForExecution as GMS's handler runs a bound plan: the engine's
// transaction start, read-only check and finalized iterators). The column descriptions
// are those GMS sent for the same plan under the same character_set_results.
func (h *handler) runPoint(ctx *sql.Context, c *mysql.Conn, pp *pointPlan, node sql.Node, cb func(*sqltypes.Result) error) error {
	return h.streamSelect(ctx, c, pp.query, func(ctx *sql.Context) (sql.Schema, sql.RowIter, []*querypb.Field, error) {
		sch, iter, _, err := h.s.engine.SQL.PrepQueryPlanForExecution(ctx, pp.query, node, nil)
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

// fromStatement checks the statement's shape and records its table, authorization
// and parameters; false if it is not an eligible point select.
func (pp *pointPlan) fromStatement(stmt ast.Statement) bool {
	sel, ok := stmt.(*ast.Select)
	if !ok || sel.Into != nil || sel.With != nil || sel.Limit != nil || sel.Having != nil ||
		(sel.Lock != nil && (sel.Lock.Type != "" || len(sel.Lock.Tables) > 0)) || len(sel.GroupBy) > 0 || len(sel.Window) > 0 || len(sel.OrderBy) > 0 ||
		!reflect.ValueOf(sel.QueryOpts).IsZero() || sel.Where == nil || sel.Where.Type != ast.WhereStr ||
		len(sel.From) != 1 {
		return false
	}
	te, ok := sel.From[0].(*ast.AliasedTableExpr)
	if !ok || te.Hints != nil || te.AsOf != nil || len(te.Partitions) > 0 || te.Lateral {
		return false
	}
	tn, ok := te.Expr.(ast.TableName)
	if !ok || !tn.DbQualifier.IsEmpty() || !tn.SchemaQualifier.IsEmpty() {
		return false
	}
	pp.table = strings.ToLower(tn.Name.String())
	alias := strings.ToLower(te.As.String())
	ownColumn := func(cn *ast.ColName) bool {
		if cn.StoredProcVal != nil {
			return false
		}
		q := cn.Qualifier
		if !q.DbQualifier.IsEmpty() || !q.SchemaQualifier.IsEmpty() {
			return false
		}
		name := strings.ToLower(q.Name.String())
		return name == "" || (alias == "" && name == pp.table) || (alias != "" && name == alias)
	}
	for _, se := range sel.SelectExprs {
		ae, ok := se.(*ast.AliasedExpr)
		if !ok {
			return false
		}
		cn, ok := ae.Expr.(*ast.ColName)
		if !ok || !ownColumn(cn) {
			return false
		}
	}
	pp.params = map[string]string{}
	var where func(e ast.Expr) bool
	where = func(e ast.Expr) bool {
		switch e := e.(type) {
		case *ast.AndExpr:
			return where(e.Left) && where(e.Right)
		case *ast.ComparisonExpr:
			if e.Operator != ast.EqualStr || e.Escape != nil {
				return false
			}
			cn, ok := e.Left.(*ast.ColName)
			v, ok2 := e.Right.(*ast.SQLVal)
			if !ok || !ok2 || !ownColumn(cn) || v.Type != ast.ValArg {
				return false
			}
			col := strings.ToLower(cn.Name.String())
			if _, dup := pp.params[col]; dup {
				return false
			}
			pp.params[col] = strings.TrimPrefix(string(v.Val), ":")
			return true
		default:
			return false
		}
	}
	if !where(sel.Where.Expr) {
		return false
	}
	pp.auth = te.Auth
	return true
}

// intParams decodes integer parameters; ok false if any is not an integer.
func intParams(bvs map[string]*querypb.BindVariable) (map[string]any, bool) {
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
		default:
			return nil, false
		}
	}
	return vals, true
}

// keyValue converts parameter v to range column type typ; ok false unless exact.
func keyValue(ctx *sql.Context, typ sql.Type, v any) (any, bool) {
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
func (h *handler) valid(ctx *sql.Context, pp *pointPlan) bool {
	if pp.node == nil || ctx.GetCurrentDatabase() != pp.db {
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
	ah := cat.AuthorizationHandler()
	return ah.HandleAuth(ctx, ah.NewQueryState(ctx), pp.auth) == nil
}

// cachedNode returns pp's (valid) plan with the lookup of vals; ok false if a value does
// not convert exactly to its column's type.
func (h *handler) cachedNode(ctx *sql.Context, pp *pointPlan, vals map[string]any) (sql.Node, bool) {
	rng := pp.lookup.Ranges.(sql.MySQLRangeCollection)[0]
	nr := make(sql.MySQLRange, len(rng))
	for i, ce := range rng {
		k, ok := keyValue(ctx, ce.Typ, vals[pp.order[i]])
		if !ok {
			return nil, false
		}
		nr[i] = sql.MySQLRangeColumnExpr{
			LowerBound: sql.Below{Key: k, Typ: ce.LowerBound.(sql.Below).Typ},
			UpperBound: sql.Above{Key: k, Typ: ce.UpperBound.(sql.Above).Typ},
			Typ:        ce.Typ,
		}
	}
	lookup := pp.lookup
	lookup.Ranges = sql.MySQLRangeCollection{nr}
	ita, err := plan.NewStaticIndexedAccessForTableNode(ctx, pp.ita.TableNode, lookup)
	if err != nil {
		return nil, false
	}
	var node sql.Node = ita.WithId(pp.ita.Id()).WithColumns(pp.ita.Columns())
	if pp.proj != nil {
		if node, err = pp.proj.WithChildren(ctx, node); err != nil {
			return nil, false
		}
	}
	preparedStats.hits.Add(1)
	return node, true
}

// plan has GMS bind and analyze the statement with p's parameters and, if the result
// is a primary-key point lookup as expected, caches it in pp; it returns the analyzed
// plan to run now, or ok false (and pp no longer eligible) to run the statement
// through GMS.
func (h *handler) plan(ctx *sql.Context, pp *pointPlan, p *mysql.PrepareData) (sql.Node, bool) {
	pp.node, pp.fields = nil, nil
	stmt, ok := ctx.Session.GetPreparedQuery(p.PrepareStmt)
	if !ok {
		return nil, false
	}
	bindings := make(map[string]ast.Expr, len(p.BindVars))
	for name, bv := range p.BindVars {
		v, err := sqltypes.BindVariableToValue(bv)
		if err != nil {
			return nil, false
		}
		e, err := ast.ExprFromValue(v)
		if err != nil {
			return nil, false
		}
		bindings[name] = e
	}
	node, err := h.s.engine.SQL.BoundQueryPlan(ctx, p.PrepareStmt, stmt, bindings)
	if err != nil {
		return nil, false // GMS reports it
	}
	if ok, never := pp.adopt(ctx, node, p.BindVars); !ok {
		// The plan is not the expected lookup: for this statement ever (its shape
		// plans otherwise) or for these values (one out of its column's range).
		pp.eligible = !never
		return nil, false
	}
	preparedStats.plans.Add(1)
	return node, true
}

// adopt caches node in pp if it is the expected point lookup. If not, never tells
// whether that comes from the statement rather than from these parameter values.
func (pp *pointPlan) adopt(ctx *sql.Context, node sql.Node, bvs map[string]*querypb.BindVariable) (ok, never bool) {
	top := node
	proj, _ := top.(*plan.Project)
	if proj != nil {
		for _, e := range proj.Projections {
			if _, ok := e.(*expression.GetField); !ok {
				return false, true
			}
		}
		top = proj.Child
	}
	ita, ok := top.(*plan.IndexedTableAccess)
	if !ok {
		return false, true
	}
	if !ita.IsStatic() {
		return false, true
	}
	rt, ok := ita.TableNode.(*plan.ResolvedTable)
	if !ok {
		return false, true
	}
	var tbl *backend.Table
	switch t := rt.Table.(type) {
	case *backend.Table:
		tbl = t
	case *backend.IndexedTable: // the analyzer's pushdown leaves the lookup's table here
		tbl = t.Table
	}
	if tbl == nil || !strings.EqualFold(tbl.Name(), pp.table) {
		return false, true
	}
	lookup, ok, err := ita.GetLookup(ctx, nil)
	if err != nil || !ok || lookup.IsReverse ||
		lookup.IsSpatialLookup || !reflect.ValueOf(lookup.VectorOrderAndLimit).IsZero() ||
		lookup.Index == nil || lookup.Index.ID() != "PRIMARY" {
		return false, true
	}
	ranges, ok := lookup.Ranges.(sql.MySQLRangeCollection)
	exprs := lookup.Index.Expressions()
	if !ok || len(exprs) != len(pp.params) {
		return false, true
	}
	if lookup.IsEmptyRange || len(ranges) != 1 || len(ranges[0]) != len(exprs) {
		return false, false // a value no row can have
	}
	vals, ok := intParams(bvs)
	if !ok {
		return false, true
	}
	order := make([]string, len(exprs))
	for i, e := range exprs {
		col := strings.ToLower(e[strings.LastIndexByte(e, '.')+1:])
		name, ok := pp.params[col]
		if !ok {
			return false, true
		}
		order[i] = name
		ce := ranges[0][i]
		if !types.IsInteger(ce.Typ) {
			return false, true
		}
		lo, ok1 := ce.LowerBound.(sql.Below)
		hi, ok2 := ce.UpperBound.(sql.Above)
		k, ok := keyValue(ctx, ce.Typ, vals[name])
		if !ok1 || !ok2 || !ok {
			return false, false // a value out of the column's range
		}
		// The bounds GMS built must be the parameter as keyValue converts it, so that
		// the keys built later for other values are what GMS would build.
		if reflect.TypeOf(k) != reflect.TypeOf(lo.Key) || reflect.TypeOf(k) != reflect.TypeOf(hi.Key) {
			return false, true
		}
		if c1, err1 := ce.Typ.Compare(ctx, k, lo.Key); err1 != nil || c1 != 0 {
			return false, true
		}
		if c2, err2 := ce.Typ.Compare(ctx, k, hi.Key); err2 != nil || c2 != 0 {
			return false, true
		}
	}
	pp.db = ctx.GetCurrentDatabase()
	pp.tbl, pp.node, pp.proj, pp.ita, pp.lookup, pp.order = tbl, node, proj, ita, lookup, order
	return true, false
}
