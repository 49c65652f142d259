package systables_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOnUpdateSchemaChange: adding or removing a column's ON UPDATE CURRENT_TIMESTAMP is a
// schema change (dsql_diff_summary), and dsql_patch carries it: its statements turn the
// old version into the new one exactly (same table hashes), and
// the reverse patch goes back.
func TestOnUpdateSchemaChange(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE ou (id INT PRIMARY KEY, v INT, c6 TIMESTAMP NULL DEFAULT NULL, d3 DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3))",
		"INSERT INTO ou VALUES (1, 1, '2001-01-01 00:00:00', '2001-01-01 00:00:00')")
	a := e.commit(ctx, "A").Hash().String()
	wantA := e.tableHashes(ctx)
	e.branch("b", "main")
	e.checkout(ctx, "b")
	e.exec(ctx, "ALTER TABLE ou MODIFY c6 TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP",
		"ALTER TABLE ou MODIFY d3 DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3)")
	require.Equal(t, []string{"ou|ou|modified|false|true"},
		fmtRows(e.rows(ctx, "SELECT * FROM dsql_diff_summary('HEAD', 'WORKING')")))
	b := e.commit(ctx, "B").Hash().String()
	want := e.tableHashes(ctx)
	require.Equal(t, []string{
		"ALTER TABLE `ou` MODIFY COLUMN `c6` timestamp NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP;",
		"ALTER TABLE `ou` MODIFY COLUMN `d3` datetime(3) DEFAULT CURRENT_TIMESTAMP(3);",
	}, e.strs(ctx, "SELECT statement FROM dsql_patch('"+a+"', '"+b+"') ORDER BY statement_order"))

	e.checkout(ctx, "main")
	stmts := e.applyPatch(ctx, a, b)
	require.Equal(t, want, e.tableHashes(ctx), "patch:\n%s", strings.Join(stmts, "\n"))
	e.commit(ctx, "applied")
	e.applyPatch(ctx, b, a)
	require.Equal(t, wantA, e.tableHashes(ctx))
	require.Contains(t, e.rows(ctx, "SHOW CREATE TABLE ou")[0][1], "`d3` datetime(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)")
}
