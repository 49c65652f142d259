package server

import (
	"context"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
)

// Transaction statements without parsing or analysis.
//
// A read-only transaction of sysbench (and of most ORMs) is BEGIN, a few SELECTs and
// COMMIT; through GMS's handler, BEGIN and COMMIT each cost a parse, a planbuilder and
// an analyzer pass, about as much CPU as a cached point select's whole execution. Their
// plans never depend on the session or the schema (a StartTransaction, Commit or
// Rollback node, which the analyzer leaves as they are), so txExecute builds the node
// from the statement's text and runs it as runCached runs a cached plan: GMS's
// PrepQueryPlanForExecution (transaction start, read-only check, the node's iterator,
// autocommit handling) inside streamSelect (process list, session command begin and
// end, errors cast as GMS casts them, status flags, the OK packet). What the statement
// does is GMS's own code (rowexec's StartTransaction: commit the open transaction, start
// one, stop autocommit until COMMIT or ROLLBACK; Commit: commit, which fails with 1213
// on a conflict; Rollback), so it behaves exactly as through GMS's handler.
//
// Only the exact statements below (any letter case, blanks between the words, one
// trailing semicolon) take this path; anything else (comments, READ ONLY, WITH
// CONSISTENT SNAPSHOT, AND CHAIN, RELEASE, savepoints) goes through GMS.

// txNode returns the plan of query if it is a plain transaction statement, else nil.
func txNode(query string) sql.Node {
	q := strings.TrimSpace(query)
	q = strings.TrimSpace(strings.TrimSuffix(q, ";"))
	if len(q) > len("START TRANSACTION")+8 {
		return nil
	}
	switch strings.ToUpper(strings.Join(strings.Fields(q), " ")) {
	case "BEGIN", "BEGIN WORK", "START TRANSACTION":
		return plan.NewStartTransaction(sql.ReadWrite)
	case "COMMIT", "COMMIT WORK":
		return plan.NewCommit()
	case "ROLLBACK", "ROLLBACK WORK":
		return plan.NewRollback()
	}
	return nil
}

// txExecute runs query if it is a plain transaction statement (see above); handled
// false means the caller runs it through GMS.
func (h *handler) txExecute(ctx context.Context, c *mysql.Conn, query string, cb func(*sqltypes.Result) error) (handled bool, err error) {
	if h.s.gms == nil || h.s.engine == nil || noFastSelect.Load() {
		return false, nil
	}
	node := txNode(query)
	if node == nil {
		return false, nil
	}
	sqlCtx, err := h.s.gms.SessionManager().NewContextWithQuery(ctx, c, query)
	if err != nil {
		return false, nil
	}
	// As GMS's QueryWithBindings does for every statement but SHOW WARNINGS and SET.
	sqlCtx.ClearWarnings()
	sql.IncrementStatusVariable(sqlCtx, "Questions", 1)
	preparedStats.tx.Add(1)
	return true, h.streamSelect(sqlCtx, c, query, func(ctx *sql.Context) (sql.Schema, sql.RowIter, []*querypb.Field, error) {
		sch, iter, _, err := h.s.engine.SQL.PrepQueryPlanForExecution(ctx, query, node, nil)
		return sch, iter, nil, err
	}, cb)
}
