package systables_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

// TestThroughProcedures drives the tables with the SQL procedures, as users do.
func TestThroughProcedures(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, v INT)", "CREATE TABLE u (id INT PRIMARY KEY)")
	require.Equal(t, []sql.Row{{"t", false, "new table"}, {"u", false, "new table"}},
		e.rows(ctx, "SELECT * FROM dsql_status ORDER BY table_name"))
	e.exec(ctx, "CALL dsql_add('t')")
	require.Equal(t, []sql.Row{{"t", true, "new table"}, {"u", false, "new table"}},
		e.rows(ctx, "SELECT * FROM dolt_status ORDER BY table_name"))
	c1 := e.strs(ctx, "CALL dsql_commit('-m', 'add t', '--author', 'Bob <bob@example.com>')")
	require.Equal(t, []sql.Row{{"u", false, "new table"}}, e.rows(ctx, "SELECT * FROM dsql_status"))
	require.Equal(t, []sql.Row{{c1[0], "add t", "Bob", "bob@example.com", "HEAD -> main"}},
		e.rows(ctx, "SELECT commit_hash, message, author, author_email, refs FROM dsql_log LIMIT 1"))

	e.exec(ctx, "CALL dolt_commit('-Am', 'add u')",
		"CALL dsql_branch('feature')",
		"CALL dsql_checkout('feature')",
		"INSERT INTO t VALUES (1, 1)")
	c3 := e.strs(ctx, "CALL dsql_commit('-am', 'row on feature')")
	e.exec(ctx, "CALL dsql_tag('-m', 'first release', 'v1', 'HEAD')")
	require.Equal(t, []sql.Row{{"v1", c3[0], "first release"}},
		e.rows(ctx, "SELECT tag_name, tag_hash, message FROM dsql_tags"))
	require.Equal(t, []sql.Row{{"feature", c3[0], false}, {"main", e.strs(ctx, "SELECT dsql_hashof('main')")[0], false}},
		e.rows(ctx, "SELECT name, hash, dirty FROM dsql_branches ORDER BY name"))
	require.Equal(t, []string{"row on feature"}, e.strs(ctx, "SELECT message FROM dsql_log('main..feature')"))
	require.Equal(t, []string{"HEAD -> feature, tag: v1"}, e.strs(ctx, "SELECT refs FROM dsql_log('-n', '1')"))
	require.Equal(t, []string{"add u"}, e.strs(ctx, "SELECT message FROM `mydb/main`.dsql_log LIMIT 1"))
	e.exec(ctx, "UPDATE t SET v = 2")
	require.Equal(t, []sql.Row{{"t", false, "modified"}}, e.rows(ctx, "SELECT * FROM dsql_status"))
	require.Equal(t, []string{"feature"}, e.strs(ctx, "SELECT name FROM dsql_branches WHERE dirty"))
}
