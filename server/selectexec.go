package server

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	gmsserver "github.com/dolthub/go-mysql-server/server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
	ast "github.com/dolthub/vitess/go/vt/sqlparser"
)

// SELECTs in the connection's goroutine.
//
// GMS's handler sends a result set through three goroutines (one reads rows, one
// converts them to the wire format, one writes batches), with a channel send per row
// and a timer per statement: for the short results of OLTP reads (a range of 100 rows)
// the hand-offs cost more CPU than reading the rows. selectExecute (an executed prepared
// SELECT) and queryExecute (a SELECT sent as text, as the mysql client, pandas and most
// ORMs send them) run the statement as GMS's handler does (GMS binds, analyzes and
// executes it; process list entry, session command begin/end, deferred projections,
// autocommit ended by the iterator's Close, the connection's status flags, errors cast
// as GMS casts them) but read, convert and send the rows in the connection's goroutine,
// 128 rows per write as GMS batches them. The column descriptions are made by fieldsOf,
// which follows GMS's rules (TestPreparedSelectFieldsLikeGMS compares the two over every
// column type). Statements other than a plain SELECT (no INTO) go through GMS's handler,
// and so do multi-statement queries (COM_QUERY with CLIENT_MULTI_STATEMENTS).

// plainSelect reports whether query (one statement sent as text) is a SELECT without
// INTO: its first word, after blanks and /* */ or -- comments, is SELECT, and the word
// INTO appears nowhere (conservatively: not even in a string or a name). Executable
// comments (/*! ... */) at the start are not skipped: such queries take GMS's path.
func plainSelect(query string) bool {
	q := query
	for {
		q = strings.TrimLeft(q, " \t\r\n")
		switch {
		case strings.HasPrefix(q, "/*!"), strings.HasPrefix(q, "/*M!"):
			return false
		case strings.HasPrefix(q, "/*"):
			end := strings.Index(q[2:], "*/")
			if end < 0 {
				return false
			}
			q = q[2+end+2:]
			continue
		case strings.HasPrefix(q, "-- "), strings.HasPrefix(q, "#"):
			end := strings.IndexByte(q, '\n')
			if end < 0 {
				return false
			}
			q = q[end+1:]
			continue
		}
		break
	}
	if len(q) < 7 || !strings.EqualFold(q[:6], "select") {
		return false
	}
	switch q[6] {
	case ' ', '\t', '\r', '\n', '*', '(', '/':
	default:
		return false
	}
	for i := 0; i+4 <= len(q); i++ { // no INTO, in any case (without copying q)
		if strings.EqualFold(q[i:i+4], "into") {
			return false
		}
	}
	return true
}

// queryExecute runs a text query (COM_QUERY) if it is a plain SELECT; handled false
// means the caller runs it through GMS.
func (h *handler) queryExecute(ctx context.Context, c *mysql.Conn, query string, cb mysql.ResultSpoolFn) (handled bool, err error) {
	if h.s.gms == nil || h.s.engine == nil || noFastSelect.Load() || !plainSelect(query) {
		return false, nil
	}
	sqlCtx, err := h.s.gms.SessionManager().NewContextWithQuery(ctx, c, query)
	if err != nil {
		return false, nil
	}
	preparedStats.selects.Add(1)
	return true, h.runSelect(sqlCtx, c, query, nil, func(r *sqltypes.Result) error { return cb(r, false) })
}

// resultBatch is the number of rows per result written to the connection (GMS's too).
const resultBatch = 128

// rowsPool recycles streamSelect's batch slices (resultBatch rows each), which it reuses
// for every batch of a result once vitess has written the batch (no server-side
// cursor), so a result's row list costs no allocation of its own.
var rowsPool = sync.Pool{New: func() any { s := make([][]sqltypes.Value, 0, resultBatch); return &s }}

// selectExecute runs p if it is a prepared SELECT; handled false means the caller runs
// it through GMS.
func (h *handler) selectExecute(ctx context.Context, c *mysql.Conn, p *mysql.PrepareData, cb func(*sqltypes.Result) error) (handled bool, err error) {
	if h.s.gms == nil || h.s.engine == nil || noFastSelect.Load() {
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
	if sel, ok := stmt.(*ast.Select); !ok || sel.Into != nil {
		return false, nil
	}
	bindings, ok := bindingExprs(p.BindVars)
	if !ok {
		return false, nil // GMS reports it
	}
	preparedStats.selects.Add(1)
	return true, h.runSelect(sqlCtx, c, p.PrepareStmt, bindings, cb)
}

// bindingExprs gives each parameter as the SQL constant GMS binds it as (GMS's handler
// does the same conversion); ok false if one does not convert.
func bindingExprs(bvs map[string]*querypb.BindVariable) (map[string]ast.Expr, bool) {
	bindings := make(map[string]ast.Expr, len(bvs))
	for name, bv := range bvs {
		e, err := bindingExpr(bv)
		if err != nil {
			return nil, false
		}
		bindings[name] = e
	}
	return bindings, true
}

// bindingExpr is bindingExprs for one parameter.
func bindingExpr(bv *querypb.BindVariable) (ast.Expr, error) {
	v, err := sqltypes.BindVariableToValue(bv)
	if err != nil {
		return nil, err
	}
	return ast.ExprFromValue(v)
}

// noFastSelect turns selectExecute and queryExecute off (tests compare them with GMS's
// handler).
var noFastSelect atomic.Bool

// runSelect runs a SELECT (query, with bindings if prepared) that GMS binds, analyzes
// and executes, in the connection's goroutine (streamSelect).
func (h *handler) runSelect(ctx *sql.Context, c *mysql.Conn, query string, bindings map[string]ast.Expr, cb func(*sqltypes.Result) error) error {
	return h.streamSelect(ctx, c, query, func(ctx *sql.Context) (sql.Schema, sql.RowIter, []*querypb.Field, error) {
		flags := &sql.QueryFlags{}
		flags.Set(sql.QFlagDeferProjections)
		sch, iter, _, err := h.s.engine.SQL.QueryWithBindings(ctx, query, nil, bindings, flags)
		if err != nil {
			return nil, nil, nil, err
		}
		return sch, iter, fieldsOf(ctx, sch), nil
	}, cb)
}

// streamSelect does for a SELECT what GMS's handler does for any statement (process
// list entry, session command begin/end, errors cast as GMS casts them, the connection's
// status flags) around exec, which gives the statement's schema, row iterator and column
// descriptions; it reads the rows, converts them (deferred projections included) and
// sends them in the connection's goroutine, resultBatch rows per write. The iterator's
// Close ends an autocommit transaction.
func (h *handler) streamSelect(ctx *sql.Context, c *mysql.Conn, query string, exec func(*sql.Context) (sql.Schema, sql.RowIter, []*querypb.Field, error), cb func(*sqltypes.Result) error) (err error) {
	defer func() {
		if err != nil {
			err = sql.CastSQLError(err)
		}
	}()
	ctx, err = ctx.ProcessList.BeginQuery(ctx, query)
	if err != nil {
		return err
	}
	defer ctx.ProcessList.EndQuery(ctx)
	if err := sql.SessionCommandBegin(ctx.Session); err != nil {
		return err
	}
	defer sql.SessionCommandEnd(ctx.Session)
	sch, iter, fields, err := exec(ctx)
	if err != nil {
		return err
	}
	iter, projs := gmsserver.GetDeferredProjections(iter)
	buf := sql.ByteBufPool.Get().(*sql.ByteBuffer)
	defer func() {
		buf.Reset()
		sql.ByteBufPool.Put(buf)
	}()
	// With a server-side cursor vitess keeps the results until the client fetches
	// them, so the converted values (which point into buf) must stay.
	cursor := c.StatusFlags&uint16(mysql.ServerCursorExists) != 0
	res := &sqltypes.Result{Fields: fields}
	if !cursor {
		rows := rowsPool.Get().(*[][]sqltypes.Value)
		res.Rows = (*rows)[:0]
		defer func() {
			clear(res.Rows) // keep no values alive in the pool
			*rows = res.Rows[:0]
			rowsPool.Put(rows)
		}()
	}
	sent := false
	for {
		if err = ctx.Err(); err != nil {
			break
		}
		var row sql.Row
		if row, err = iter.Next(ctx); err != nil {
			break
		}
		if types.IsOkResult(row) {
			err = errors.New("a SELECT returned an OK result")
			break
		}
		var vals []sqltypes.Value
		if vals, err = gmsserver.RowToSQL(ctx, sch, row, projs, buf); err != nil {
			break
		}
		res.Rows = append(res.Rows, vals)
		res.RowsAffected++
		if len(res.Rows) == resultBatch {
			if err = cb(res); err != nil {
				break
			}
			sent = true
			if cursor {
				res = &sqltypes.Result{Fields: fields}
			} else {
				// vitess has written the batch: its values and row list are free again.
				buf.Reset()
				clear(res.Rows)
				res = &sqltypes.Result{Fields: fields, Rows: res.Rows[:0]}
			}
		}
	}
	if err == io.EOF {
		err = nil
	}
	if cerr := iter.Close(ctx); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := setStatusFlags(ctx, c); err != nil {
		return err
	}
	if sent && len(res.Rows) == 0 {
		return nil
	}
	return cb(res)
}

// fieldsOf describes the columns of sch for the wire: name and source, type, the
// character set the values are sent in (a binary type's is binary; a text type's is its
// collation's, or character_set_results when the session sets one), the display
// length, NOT NULL / AUTO_INCREMENT / PRIMARY KEY / UNSIGNED flags, and the decimals of
// DECIMAL and temporal columns.
func fieldsOf(ctx *sql.Context, sch sql.Schema) []*querypb.Field {
	results := ctx.GetCharacterSetResults()
	out := make([]*querypb.Field, len(sch))
	for i, col := range sch {
		f := &querypb.Field{
			Name:         col.Name,
			OrgName:      col.Name,
			Table:        col.Source,
			OrgTable:     col.Source,
			Database:     col.DatabaseSource,
			Type:         col.Type.Type(),
			ColumnLength: col.Type.MaxTextResponseByteLength(ctx),
		}
		cs := uint32(sql.Collation_Default.CharacterSet())
		if ct, ok := col.Type.(sql.TypeWithCollation); ok {
			cs = uint32(ct.Collation().CharacterSet())
		}
		switch {
		case types.IsBinaryType(col.Type):
			cs = uint32(sql.Collation_binary)
		case results != sql.CharacterSet_Unspecified:
			cs = uint32(results)
		}
		f.Charset = cs
		var flags querypb.MySqlFlag
		if !col.Nullable {
			flags |= querypb.MySqlFlag_NOT_NULL_FLAG
		}
		if col.AutoIncrement {
			flags |= querypb.MySqlFlag_AUTO_INCREMENT_FLAG
		}
		if col.PrimaryKey {
			flags |= querypb.MySqlFlag_PRI_KEY_FLAG
		}
		if types.IsUnsigned(col.Type) {
			flags |= querypb.MySqlFlag_UNSIGNED_FLAG
		}
		f.Flags = uint32(flags)
		if dt, ok := col.Type.(sql.DecimalType); ok && types.IsDecimal(col.Type) {
			f.Decimals = uint32(dt.Scale())
		} else if tt, ok := col.Type.(sql.DatetimeType); ok && types.IsDatetimeType(col.Type) {
			f.Decimals = uint32(tt.Precision())
		}
		out[i] = f
	}
	return out
}
