package systables_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLogFunctionTables: dsql_log('--tables', t) keeps the commits that created, dropped
// or changed t compared with their first parent.
func TestLogFunctionTables(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx,
		"CREATE TABLE a (id INT PRIMARY KEY)", "CREATE TABLE b (id INT PRIMARY KEY)",
		"CALL dsql_commit('-Am', 'create a and b')",
		"INSERT INTO a VALUES (1)", "CALL dsql_commit('-am', 'a 1')",
		"INSERT INTO b VALUES (1)", "CALL dsql_commit('-am', 'b 1')",
		"CALL dsql_commit('--allow-empty', '-m', 'empty')",
		"DROP TABLE b", "CALL dsql_commit('-Am', 'drop b')",
	)
	require.Equal(t, []string{"a 1", "create a and b"},
		e.strs(ctx, "SELECT message FROM dsql_log('--tables', 'a')"))
	require.Equal(t, []string{"drop b", "b 1", "create a and b"},
		e.strs(ctx, "SELECT message FROM dsql_log('-t', 'B')"))
	require.Equal(t, []string{"drop b", "b 1", "a 1", "create a and b"},
		e.strs(ctx, "SELECT message FROM dsql_log('--tables=a,b')"))
	require.Equal(t, []string{"drop b"},
		e.strs(ctx, "SELECT message FROM dsql_log('--tables', 'b', '-n', '1')"))
	require.Empty(t, e.strs(ctx, "SELECT message FROM dsql_log('--tables', 'nosuch')"))
	_, err := e.query(ctx, "SELECT * FROM dsql_log('--tables')")
	require.ErrorContains(t, err, "needs a table name")
}
