package procedures_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/vt/sqlparser"
	"github.com/stretchr/testify/require"
)

// Procedures act on the current database, whatever form its name has: "mydb" (the
// session's branch), "mydb/branch" (that branch) or "mydb/rev" (read-only).
func TestDatabaseForms(t *testing.T) {
	runScripts(t, []script{
		{name: "branch database", setup: append(base, "CALL dsql_branch('feat')", "CALL dsql_branch('other')"), steps: []step{
			{q: "USE `mydb/feat`"},
			{q: "SELECT active_branch()", want: rs("feat")},
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dsql_commit('-am', 'on feat')", want: rs(hash)},
			{q: "SELECT message FROM dsql_log LIMIT 1", want: rs("on feat")},
			{q: "SELECT message FROM `mydb/main`.dsql_log LIMIT 1", want: rs("create t")},
			// Checking out from a branch database follows to the new branch's database.
			{q: "CALL dsql_checkout('other')", want: []sqlRow{r(0, "Switched to branch 'other'")}},
			{q: "SELECT database(), active_branch()", want: []sqlRow{r("mydb/other", "other")}},
			{q: "CALL dsql_branch('-m', 'other', 'renamed')"},
			{q: "SELECT database(), active_branch()", want: []sqlRow{r("mydb/renamed", "renamed")}},
		}},
		{name: "revision database is read-only", setup: append(base, "CALL dsql_tag('v1')"), steps: []step{
			{q: "USE `mydb/v1`"},
			{q: "SELECT active_branch()", want: rs(nil)},
			{q: "SELECT dsql_hashof('HEAD') = dsql_hashof('v1')", want: rs(true)},
			{q: "SELECT dsql_hashof_db() = dsql_hashof_db('v1')", want: rs(true)},
			{q: "CALL dsql_commit('--allow-empty', '-m', 'x')", err: "read-only"},
			{q: "CALL dsql_add('.')", err: "read-only"},
			{q: "CALL dsql_reset('--hard')", err: "read-only"},
			{q: "CALL dsql_branch('from-tag')", err: "read-only"},
			{q: "CALL dsql_tag('v1-copy')", want: rs(0)},
			{q: "USE mydb"},
			{q: "SELECT dsql_hashof('v1-copy') = dsql_hashof('v1')", want: rs(true)},
		}},
	})
}

func TestNoDatabaseSelected(t *testing.T) {
	e := newEnv(t)
	ctx := e.session("a")
	ctx.SetCurrentDatabase("")
	_, err := e.query(ctx, "CALL dsql_commit('-m', 'x')")
	require.Error(t, err)
	require.True(t, sql.ErrNoDatabaseSelected.Is(err), err)
	require.Equal(t, []sql.Row{{nil}}, e.rows(ctx, "SELECT active_branch()"))
}

// The CLI calls the procedures with bound parameters, never SQL built from strings.
func TestBoundParameters(t *testing.T) {
	e := newEnv(t)
	ctx := e.session("a")
	e.exec(ctx, base...)
	e.exec(ctx, "INSERT INTO t VALUES (2, 20)")
	msg := "it's a \"quoted\" message; DROP TABLE t; --"
	_, iter, _, err := e.engine.QueryWithBindings(ctx, "CALL dsql_commit(?, ?, ?)", nil, map[string]sqlparser.Expr{
		"v1": sqlparser.NewStrVal([]byte("-a")),
		"v2": sqlparser.NewStrVal([]byte("-m")),
		"v3": sqlparser.NewStrVal([]byte(msg)),
	}, nil)
	require.NoError(t, err)
	rows, err := sql.RowIterToRows(ctx, iter)
	require.NoError(t, err)
	require.Len(t, rows, 1)
	require.Equal(t, []sql.Row{{msg}}, e.rows(ctx, "SELECT message FROM dsql_log LIMIT 1"))
	require.Equal(t, []sql.Row{{int64(2)}}, e.rows(ctx, "SELECT count(*) FROM t"))
}
