package server

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"

	"github.com/dsqldb/dsql/sql/backend"
)

// CHECK TABLE, CHECKSUM TABLE, ANALYZE TABLE, OPTIMIZE TABLE and REPAIR TABLE.
//
// GMS's parser refuses CHECK, CHECKSUM, OPTIMIZE and REPAIR TABLE (1064), so
// mysqlcheck (mariadb-check), which sends them, did not work; GMS's ANALYZE TABLE names
// the table without its database and only analyzes tables of the current one. The handler (ComQuery) and dsql sql recognise them by their text
// (tableMaintenance: the statement alone, any letter case, backquoted and
// database-qualified names, the options MySQL accepts) and run a tableMaint node through
// GMS's PrepQueryPlanForExecution, as txExecute runs a transaction statement: the
// statement gets the session's transaction (a table is checked as the transaction sees
// it), the process list and the result packets of any statement. Results are MySQL's:
//
//   - CHECK TABLE t: one row (Table, Op, Msg_type, Msg_text) `db.t check status OK` for a
//     sound table; for a damaged one an `error` row per problem backend.VerifyTable found
//     (a node whose stored bytes do not hash to its address, an index entry missing or
//     extra), then `error Corrupt`. QUICK and FAST compare only entry counts; MEDIUM,
//     EXTENDED, CHANGED and FOR UPGRADE do the full check.
//   - CHECKSUM TABLE t: (Table, Checksum), backend.TableChecksum: equal for equal rows,
//     0 for an empty table, NULL and warning 1146 for a missing one.
//   - ANALYZE TABLE t: the statistics provider's analysis (analyze.go), `status OK`.
//     ANALYZE TABLE ... UPDATE HISTOGRAM and DROP HISTOGRAM stay GMS's.
//   - OPTIMIZE TABLE t: `status Table is already up to date`: a prolly tree's shape is a
//     function of its rows, so there is nothing to reorganise.
//   - REPAIR TABLE t: `note The storage engine for the table doesn't support repair`, as
//     InnoDB answers.
//
// A malformed CHECK, CHECKSUM, OPTIMIZE or REPAIR TABLE fails with 1064 naming the word
// where it went wrong and the statement's form; ANALYZE's other forms (DROP HISTOGRAM,
// ...) stay GMS's. A missing table gets `Error Table 'db.t' doesn't exist` and `status Operation failed`
// (CHECKSUM: NULL); a table that is not a dsql table (a system table) gets `note The
// storage engine for the table doesn't support check`. Each table needs the SELECT
// privilege, and for ANALYZE, OPTIMIZE and REPAIR also INSERT, as in MySQL (1142
// otherwise); no database selected and an unqualified name is 1046.

// maintTarget is one table a tableMaint statement names.
type maintTarget struct{ db, name string }

// tableMaint is the plan of a CHECK, CHECKSUM, OPTIMIZE or REPAIR TABLE statement.
type tableMaint struct {
	op      string // check, checksum, analyze, optimize, repair
	quick   bool   // CHECK ... QUICK or FAST
	targets []maintTarget
	engine  *Engine
	err     error // the statement's syntax error (TableMaintenance), reported when run
}

var (
	_ sql.Node            = (*tableMaint)(nil)
	_ sql.ExecBuilderNode = (*tableMaint)(nil)
)

func (n *tableMaint) Resolved() bool       { return true }
func (n *tableMaint) IsReadOnly() bool     { return true }
func (n *tableMaint) Children() []sql.Node { return nil }
func (n *tableMaint) String() string       { return strings.ToUpper(n.op) + " TABLE" }

func (n *tableMaint) Schema(*sql.Context) sql.Schema {
	if n.op == "checksum" {
		return sql.Schema{
			{Name: "Table", Type: types.LongText},
			{Name: "Checksum", Type: types.Int64, Nullable: true},
		}
	}
	return sql.Schema{
		{Name: "Table", Type: types.LongText},
		{Name: "Op", Type: types.LongText},
		{Name: "Msg_type", Type: types.LongText},
		{Name: "Msg_text", Type: types.LongText},
	}
}

func (n *tableMaint) WithChildren(_ *sql.Context, children ...sql.Node) (sql.Node, error) {
	if len(children) != 0 {
		return nil, sql.ErrInvalidChildrenNumber.New(n, len(children), 0)
	}
	return n, nil
}

// BuildRowIter implements sql.ExecBuilderNode: the statement's rows.
func (n *tableMaint) BuildRowIter(ctx *sql.Context, _ sql.NodeExecBuilder, _ sql.Row) (sql.RowIter, error) {
	if n.err != nil {
		return nil, n.err
	}
	var rows []sql.Row
	for _, tg := range n.targets {
		db := tg.db
		if db == "" {
			db = ctx.GetCurrentDatabase()
		}
		if db == "" {
			return nil, sql.ErrNoDatabaseSelected.New()
		}
		if mdb := n.engine.SQL.Analyzer.Catalog.MySQLDb; mdb.Enabled() {
			privs := []sql.PrivilegeType{sql.PrivilegeType_Select}
			if n.op == "analyze" || n.op == "optimize" || n.op == "repair" {
				privs = append(privs, sql.PrivilegeType_Insert) // as MySQL asks
			}
			op := sql.NewPrivilegedOperation(sql.PrivilegeCheckSubject{Database: db, Table: tg.name}, privs...)
			if !mdb.UserHasPrivileges(ctx, op) {
				client := ctx.Session.Client()
				return nil, sql.ErrTableAccessDeniedForUser.New(fmt.Sprintf("'%s'@'%s'", client.User, client.Address), tg.name)
			}
		}
		full := db + "." + tg.name
		t, err := n.table(ctx, db, tg.name)
		if err != nil {
			return nil, err
		}
		if t != nil {
			full = db + "." + t.Name()
		}
		r, err := n.run(ctx, db, full, t)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	return sql.RowsToRowIter(rows...), nil
}

// table returns table name of database db, nil if there is none.
func (n *tableMaint) table(ctx *sql.Context, db, name string) (sql.Table, error) {
	d, err := n.engine.Provider.Database(ctx, db)
	if err != nil {
		if sql.ErrDatabaseNotFound.Is(err) {
			return nil, nil
		}
		return nil, err
	}
	t, ok, err := d.GetTableInsensitive(ctx, name)
	if err != nil || !ok {
		return nil, err
	}
	return t, nil
}

// run returns the rows of the statement's operation on t (nil: missing) of database
// db, named full.
func (n *tableMaint) run(ctx *sql.Context, db, full string, t sql.Table) ([]sql.Row, error) {
	msg := func(typ, text string) sql.Row { return sql.Row{full, n.op, typ, text} }
	if n.op == "checksum" {
		if t == nil {
			ctx.Warn(1146, "Table '%s' doesn't exist", full)
			return []sql.Row{{full, nil}}, nil
		}
		sum, err := backend.TableChecksum(ctx, t)
		if errors.Is(err, backend.ErrNotChecked) {
			return []sql.Row{{full, nil}}, nil
		}
		if err != nil {
			return nil, err
		}
		return []sql.Row{{full, int64(sum)}}, nil
	}
	if t == nil {
		return []sql.Row{msg("Error", fmt.Sprintf("Table '%s' doesn't exist", full)), msg("status", "Operation failed")}, nil
	}
	switch n.op {
	case "analyze":
		if err := n.engine.SQL.Analyzer.Catalog.StatsProvider.AnalyzeTable(ctx, t, db); err != nil {
			return []sql.Row{msg("Error", err.Error())}, nil
		}
		return []sql.Row{msg("status", "OK")}, nil
	case "optimize":
		return []sql.Row{msg("status", "Table is already up to date")}, nil
	case "repair":
		return []sql.Row{msg("note", "The storage engine for the table doesn't support repair")}, nil
	}
	problems, err := backend.VerifyTable(ctx, t, n.quick)
	if errors.Is(err, backend.ErrNotChecked) {
		return []sql.Row{msg("note", "The storage engine for the table doesn't support check")}, nil
	}
	if err != nil {
		return nil, err
	}
	if len(problems) == 0 {
		return []sql.Row{msg("status", "OK")}, nil
	}
	var rows []sql.Row
	for _, p := range problems {
		rows = append(rows, msg("error", p))
	}
	return append(rows, msg("error", "Corrupt")), nil
}

// TableMaintenance returns the plan of query if it is a CHECK TABLE, CHECKSUM TABLE,
// OPTIMIZE TABLE or REPAIR TABLE statement (see above), else nil. Run it with
// e.SQL.PrepQueryPlanForExecution.
func (e *Engine) TableMaintenance(query string) sql.Node {
	verb := maintVerb(query)
	if verb == "" {
		return nil // every other statement: no scan past its first word
	}
	n := &tableMaint{engine: e, op: strings.ToLower(verb)}
	// bad is the statement's syntax error: ANALYZE's other forms (UPDATE HISTOGRAM, ...)
	// are GMS's; GMS's parser refuses the other four whole, so they get a clearer 1064.
	bad := func(near string) sql.Node {
		if n.op == "analyze" {
			return nil
		}
		n.err = mysql.NewSQLError(mysql.ERParseError, "42000",
			"You have an error in your SQL syntax near '%s'; write %s", near, maintUsage[n.op])
		return n
	}
	toks, ok := maintTokens(query)
	if !ok {
		return bad(strings.TrimSpace(query))
	}
	word := func(i int) string {
		if i < len(toks) && !toks[i].quoted {
			return strings.ToUpper(toks[i].text)
		}
		return ""
	}
	near := func(i int) string {
		if i >= len(toks) {
			return "the end of the statement"
		}
		if toks[i].punct != 0 {
			return string(toks[i].punct)
		}
		return toks[i].text
	}
	i := 1
	if w := word(1); (n.op == "analyze" || n.op == "optimize" || n.op == "repair") && (w == "NO_WRITE_TO_BINLOG" || w == "LOCAL") {
		i++
	}
	if w := word(i); w != "TABLE" && w != "TABLES" {
		return bad(near(i))
	}
	i++
	for {
		if i >= len(toks) || toks[i].punct != 0 {
			return bad(near(i))
		}
		tg := maintTarget{name: toks[i].text}
		i++
		if i < len(toks) && toks[i].punct == '.' {
			if i+1 >= len(toks) || toks[i+1].punct != 0 {
				return bad(near(i + 1))
			}
			tg = maintTarget{db: tg.name, name: toks[i+1].text}
			i += 2
		}
		n.targets = append(n.targets, tg)
		if i < len(toks) && toks[i].punct == ',' {
			i++
			continue
		}
		break
	}
	// Options.
	for ; i < len(toks); i++ {
		w := word(i)
		switch {
		case n.op == "check" && (w == "QUICK" || w == "FAST"):
			n.quick = true
		case n.op == "check" && (w == "MEDIUM" || w == "EXTENDED" || w == "CHANGED"):
		case n.op == "check" && w == "FOR" && word(i+1) == "UPGRADE":
			i++
		case n.op == "checksum" && (w == "QUICK" || w == "EXTENDED"):
		case n.op == "repair" && (w == "QUICK" || w == "EXTENDED" || w == "USE_FRM"):
		default:
			return bad(near(i))
		}
	}
	return n
}

// maintUsage is each statement's form, for its syntax error.
var maintUsage = map[string]string{
	"check":    "CHECK TABLE t [, t2 ...] [QUICK | FAST | MEDIUM | EXTENDED | CHANGED | FOR UPGRADE]",
	"checksum": "CHECKSUM TABLE t [, t2 ...] [QUICK | EXTENDED]",
	"optimize": "OPTIMIZE [LOCAL] TABLE t [, t2 ...]",
	"repair":   "REPAIR [LOCAL] TABLE t [, t2 ...] [QUICK] [EXTENDED] [USE_FRM]",
}

// maintToken is a word or quoted name of a statement's text, or punctuation (. or ,).
type maintToken struct {
	text   string
	quoted bool
	punct  byte
}

// maintTokens splits query into maintTokens, dropping comments, blanks and one trailing
// ';'; ok is false for anything else (a string literal, an operator, another ';').
func maintTokens(query string) (toks []maintToken, ok bool) {
	q := strings.TrimSpace(query)
	q = strings.TrimSpace(strings.TrimSuffix(q, ";"))
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#' || c == '-' && strings.HasPrefix(q[i:], "-- "):
			i = skipLine(q, i)
		case c == '/' && strings.HasPrefix(q[i:], "/*") && !strings.HasPrefix(q[i:], "/*!"):
			end := strings.Index(q[i+2:], "*/")
			if end < 0 {
				return nil, false
			}
			i += 2 + end + 2
		case c == '.' || c == ',':
			toks = append(toks, maintToken{punct: c})
			i++
		case c == '`':
			var b strings.Builder
			j := i + 1
			for ; j < len(q); j++ {
				if q[j] == '`' {
					if j+1 < len(q) && q[j+1] == '`' {
						b.WriteByte('`')
						j++
						continue
					}
					break
				}
				b.WriteByte(q[j])
			}
			if j >= len(q) {
				return nil, false
			}
			toks = append(toks, maintToken{text: b.String(), quoted: true})
			i = j + 1
		case c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
			j := i
			for j < len(q) && (q[j] == '_' || q[j] == '$' || q[j] >= '0' && q[j] <= '9' || q[j] >= 'a' && q[j] <= 'z' || q[j] >= 'A' && q[j] <= 'Z' || q[j] >= 0x80) {
				j++
			}
			toks = append(toks, maintToken{text: q[i:j]})
			i = j
		default:
			return nil, false
		}
	}
	return toks, true
}

// maintExecute runs query if it is a table maintenance statement (see above); handled
// false means the caller runs it through GMS.
func (h *handler) maintExecute(ctx context.Context, c *mysql.Conn, query string, cb func(*sqltypes.Result) error) (handled bool, err error) {
	if h.s.gms == nil || h.s.engine == nil {
		return false, nil
	}
	node := h.s.engine.TableMaintenance(query)
	if node == nil {
		return false, nil
	}
	sqlCtx, err := h.s.gms.SessionManager().NewContextWithQuery(ctx, c, query)
	if err != nil {
		return false, nil
	}
	sqlCtx.ClearWarnings()
	sql.IncrementStatusVariable(sqlCtx, "Questions", 1)
	return true, h.streamSelect(sqlCtx, c, query, func(ctx *sql.Context) (sql.Schema, sql.RowIter, []*querypb.Field, error) {
		sch, iter, _, err := h.s.engine.SQL.PrepQueryPlanForExecution(ctx, query, node, nil)
		if err != nil {
			return nil, nil, nil, err
		}
		return sch, iter, fieldsOf(ctx, sch), nil
	}, cb)
}

// splitMaint splits a multi-statement query after its first statement if that starts
// like a table maintenance statement: first is the text up to its ';' (outside
// backquotes and comments), rest what follows; ok is false for any other query.
func splitMaint(query string) (first, rest string, ok bool) {
	if maintVerb(query) == "" {
		return "", "", false
	}
	for i := 0; i < len(query); i++ {
		switch query[i] {
		case '`', '\'', '"':
			i = skipQuoted(query, i, query[i]) - 1
		case '#':
			i = skipLine(query, i) - 1
		case '/':
			if strings.HasPrefix(query[i:], "/*") {
				end := strings.Index(query[i+2:], "*/")
				if end < 0 {
					return query, "", true
				}
				i += 2 + end + 1
			}
		case ';':
			return query[:i+1], query[i+1:], true
		}
	}
	return query, "", true
}

// maintVerb returns query's first word if it is CHECK, CHECKSUM, ANALYZE, OPTIMIZE or
// REPAIR (in upper case; any letter case, after blanks), else "".
func maintVerb(query string) string {
	q := strings.TrimLeft(query, " \t\r\n")
	if i := strings.IndexAny(q, " \t\r\n;"); i >= 0 {
		q = q[:i]
	}
	for _, w := range [...]string{"CHECK", "CHECKSUM", "ANALYZE", "OPTIMIZE", "REPAIR"} {
		if strings.EqualFold(q, w) {
			return w
		}
	}
	return ""
}
