package systables_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestJoinsAndMetadata(t *testing.T) {
	e := newEnv(t)
	cs := history(t, e)
	ctx := e.session()
	// Parents of the merge, joined back to the log for their messages.
	require.Equal(t, []string{"m2", "f3"}, e.strs(ctx, `
		SELECT p.message FROM dsql_commit_ancestors a JOIN dsql_log p ON p.commit_hash = a.parent_hash
		WHERE a.commit_hash = '`+cs["merge"].Hash().String()+`' ORDER BY a.parent_index`))
	// Branch heads joined with the commits table.
	require.Equal(t, []string{"feature f3", "main m3"}, e.strs(ctx, `
		SELECT concat(b.name, ' ', c.message) FROM dsql_branches b JOIN dsql_commits c ON c.commit_hash = b.hash ORDER BY b.name`))
	// Commits on feature not on main, by a subquery over two system tables.
	require.Equal(t, []string{"m3", "merge", "m2"}, e.strs(ctx, `
		SELECT message FROM dsql_log WHERE commit_hash NOT IN (SELECT commit_hash FROM dsql_log('feature'))`))
	rows := e.rows(ctx, "DESCRIBE dsql_log")
	require.Len(t, rows, 11)
	require.Equal(t, "commit_hash", rows[0][0])
	require.Equal(t, "datetime(3)", rows[3][1])
	_, err := e.query(ctx, "SHOW CREATE TABLE dsql_status")
	require.NoError(t, err)
}
