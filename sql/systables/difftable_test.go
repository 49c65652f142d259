package systables_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDiffTableHistory(t *testing.T) {
	e, ctx, c1, c2 := diffFixture(t)
	c0 := e.strs(ctx, "SELECT parent_hash FROM dsql_commit_ancestors WHERE commit_hash = '"+c1+"'")[0]
	e.exec(ctx, "INSERT INTO t VALUES (5,'e',50)")
	// Stage nothing: STAGED = HEAD, so only WORKING rows for the uncommitted insert.
	const q = "SELECT coalesce(to_id, from_id), to_commit, coalesce(from_commit, 'NULL'), diff_type FROM dsql_diff_t"
	want := []string{
		"5|WORKING|STAGED|added",
		"2|" + c2 + "|" + c1 + "|modified",
		"3|" + c2 + "|" + c1 + "|removed",
		"4|" + c2 + "|" + c1 + "|added",
		"1|" + c1 + "|" + c0 + "|added",
		"2|" + c1 + "|" + c0 + "|added",
		"3|" + c1 + "|" + c0 + "|added",
	}
	require.Equal(t, want, fmtRows(e.rows(ctx, q)))
	require.Equal(t, want, fmtRows(e.rows(ctx, "SELECT coalesce(to_id, from_id), to_commit, coalesce(from_commit, 'NULL'), diff_type FROM dolt_diff_t")))

	// Filters on primary-key columns: pushed down as point lookups; results as without.
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"SELECT to_id, to_name, diff_type, to_commit FROM dsql_diff_t WHERE to_id = 2", []string{"2|B|modified|" + c2, "2|b|added|" + c1}},
		{"SELECT from_id, from_name, diff_type FROM dsql_diff_t WHERE from_id = 3", []string{"3|c|removed"}},
		{"SELECT to_id, diff_type FROM dsql_diff_t WHERE to_id IN (4, 5) ORDER BY to_id", []string{"4|added", "5|added"}},
		{"SELECT to_id, diff_type FROM dsql_diff_t WHERE to_id > 3 ORDER BY to_id", []string{"4|added", "5|added"}},
		{"SELECT to_id FROM dsql_diff_t WHERE to_id = 99", nil},
		{"SELECT to_id FROM dsql_diff_t WHERE to_id = 'x'", nil},
		{"SELECT count(*) FROM dsql_diff_t WHERE diff_type = 'added'", []string{"5"}},
	} {
		got := fmtRows(e.rows(ctx, tc.q))
		if tc.want == nil {
			require.Empty(t, got, tc.q)
			continue
		}
		require.Equal(t, tc.want, got, tc.q)
	}

	// Staged changes appear as STAGED (HEAD -> STAGED), the rest as WORKING.
	e.exec(ctx, "CALL dsql_add('t')")
	e.exec(ctx, "UPDATE t SET n = 51 WHERE id = 5")
	require.Equal(t, []string{
		"5|51|50|WORKING|STAGED|modified",
		"5|50|NULL|STAGED|" + c2 + "|added",
	}, fmtRows(e.rows(ctx, "SELECT to_id, to_n, from_n, to_commit, from_commit, diff_type FROM dsql_diff_t WHERE to_id = 5")))
}

func TestDiffTableSchemaChange(t *testing.T) {
	e, ctx, _, c2 := diffFixture(t)
	e.exec(ctx, "ALTER TABLE t DROP COLUMN n", "ALTER TABLE t ADD COLUMN m INT", "UPDATE t SET m = 1 WHERE id = 1")
	c3 := e.commit(ctx, "c3").Hash().String()
	// Old rows are shown in the current schema: n is gone, m is NULL before it existed.
	require.Equal(t, []string{
		"1|a|1|" + c3 + "|1|a|NULL|modified",
		"2|B|NULL|" + c2 + "|2|b|NULL|modified",
	}, fmtRows(e.rows(ctx, "SELECT to_id, to_name, to_m, to_commit, from_id, from_name, from_m, diff_type FROM dsql_diff_t WHERE to_id IN (1, 2) AND diff_type = 'modified' ORDER BY to_commit_date DESC, to_id")))
}

func TestDiffTableKeyless(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE k (a INT, b VARCHAR(10))", "INSERT INTO k VALUES (1,'x'),(1,'x')")
	e.commit(ctx, "c1")
	e.exec(ctx, "DELETE FROM k WHERE a = 1 LIMIT 1")
	require.Equal(t, []string{"NULL|1|WORKING|removed", "1|NULL|" + "c1|added", "1|NULL|c1|added"},
		fmtRows(e.rows(ctx, "SELECT to_a, from_a, CASE WHEN to_commit = 'WORKING' THEN 'WORKING' ELSE 'c1' END, diff_type FROM dsql_diff_k")))
}

func TestCommitDiffTable(t *testing.T) {
	e, ctx, c1, c2 := diffFixture(t)
	e.exec(ctx, "INSERT INTO t VALUES (5,'e',50)")
	require.Equal(t, []string{"2|modified", "3|removed", "4|added"},
		fmtRows(e.rows(ctx, "SELECT coalesce(to_id, from_id), diff_type FROM dsql_commit_diff_t WHERE to_commit = '"+c2+"' AND from_commit = '"+c1+"' ORDER BY 1")))
	require.Equal(t, []string{"2|modified", "3|removed", "4|added", "5|added"},
		fmtRows(e.rows(ctx, "SELECT coalesce(to_id, from_id), diff_type FROM dolt_commit_diff_t WHERE from_commit = '"+c1+"' AND to_commit = 'WORKING' ORDER BY 1")))
	require.Equal(t, []string{"4|added"},
		fmtRows(e.rows(ctx, "SELECT to_id, diff_type FROM dsql_commit_diff_t WHERE to_commit = 'HEAD' AND from_commit = 'HEAD~1' AND to_id = 4")))
	_, err := e.query(ctx, "SELECT * FROM dsql_commit_diff_t")
	require.ErrorContains(t, err, "to_commit")
	_, err = e.query(ctx, "SELECT * FROM dsql_commit_diff_t WHERE to_commit = 'HEAD'")
	require.ErrorContains(t, err, "to_commit")
	_, err = e.query(ctx, "SELECT * FROM dsql_diff_nosuchtable")
	require.Error(t, err)
}

// TestDiffTablePushdown checks that filters on key and commit columns reach the tables as
// index lookups (the plan shows an IndexedTableAccess).
func TestDiffTablePushdown(t *testing.T) {
	e, ctx, c1, c2 := diffFixture(t)
	for _, q := range []string{
		"EXPLAIN PLAN SELECT * FROM dsql_diff_t WHERE to_id = 2",
		"EXPLAIN PLAN SELECT * FROM dsql_diff_t WHERE from_id IN (2, 3)",
		"EXPLAIN PLAN SELECT * FROM dsql_commit_diff_t WHERE to_commit = '" + c2 + "' AND from_commit = '" + c1 + "'",
	} {
		plan := strings.Join(e.strs(ctx, q), "\n")
		require.Contains(t, plan, "IndexedTableAccess", q)
	}
}
