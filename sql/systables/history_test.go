package systables_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHistoryTable(t *testing.T) {
	e, ctx, c1, c2 := diffFixture(t)
	// Uncommitted changes are not history.
	e.exec(ctx, "INSERT INTO t VALUES (9,'z',90)")
	want := []string{
		"1|a|10|" + c2 + "|alice",
		"2|B|20|" + c2 + "|alice",
		"4|d|40|" + c2 + "|alice",
		"1|a|10|" + c1 + "|alice",
		"2|b|20|" + c1 + "|alice",
		"3|c|30|" + c1 + "|alice",
	}
	for _, tbl := range []string{"dsql_history_t", "dolt_history_t", "DSQL_HISTORY_T"} {
		require.Equal(t, want, fmtRows(e.rows(ctx, "SELECT id, name, n, commit_hash, committer FROM "+tbl)), tbl)
	}
	// Column layout.
	sch, _, _, err := e.engine.Query(ctx, "SELECT * FROM dsql_history_t")
	require.NoError(t, err)
	var names []string
	for _, c := range sch {
		names = append(names, c.Name)
	}
	require.Equal(t, []string{"id", "name", "n", "commit_hash", "committer", "commit_date"}, names)
	require.Equal(t, []string{"2024-05-01 12:01:00 +0000 UTC|3"},
		fmtRows(e.rows(ctx, "SELECT commit_date, count(*) FROM dsql_history_t WHERE commit_hash = '"+c1+"' GROUP BY commit_date")))

	// Pushed-down filters give the same rows as without.
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"SELECT name, commit_hash FROM dsql_history_t WHERE id = 2", []string{"B|" + c2, "b|" + c1}},
		{"SELECT id, commit_hash FROM dsql_history_t WHERE id IN (3, 4)", []string{"4|" + c2, "3|" + c1}},
		{"SELECT id FROM dsql_history_t WHERE id = 2 AND commit_hash = '" + c1 + "'", []string{"2"}},
		{"SELECT id FROM dsql_history_t WHERE commit_hash = '" + c2 + "'", []string{"1", "2", "4"}},
		{"SELECT id FROM dsql_history_t WHERE commit_hash = 'nosuchcommit'", nil},
		{"SELECT id FROM dsql_history_t WHERE id = 99", nil},
		{"SELECT id FROM dsql_history_t WHERE id > 2", []string{"4", "3"}},
		{"SELECT count(*) FROM dsql_history_t WHERE name = 'a'", []string{"2"}},
	} {
		got := fmtRows(e.rows(ctx, tc.q))
		if tc.want == nil {
			require.Empty(t, got, tc.q)
			continue
		}
		require.Equal(t, tc.want, got, tc.q)
	}
	for _, q := range []string{
		"EXPLAIN PLAN SELECT * FROM dsql_history_t WHERE id = 2",
		"EXPLAIN PLAN SELECT * FROM dsql_history_t WHERE commit_hash = '" + c1 + "'",
	} {
		require.Contains(t, strings.Join(e.strs(ctx, q), "\n"), "IndexedTableAccess", q)
	}

	// A commit of another branch is not in this branch's history.
	e.branch("other", "main")
	e.checkout(ctx, "other")
	e.exec(ctx, "UPDATE t SET n = 11 WHERE id = 1")
	c3 := e.commit(ctx, "c3").Hash().String()
	require.Equal(t, []string{"11"}, fmtRows(e.rows(ctx, "SELECT n FROM dsql_history_t WHERE id = 1 AND commit_hash = '"+c3+"'")))
	e.checkout(ctx, "main")
	require.Empty(t, e.rows(ctx, "SELECT n FROM dsql_history_t WHERE commit_hash = '"+c3+"'"))
	require.Equal(t, []string{"11"}, fmtRows(e.rows(ctx, "SELECT n FROM `mydb/other`.dsql_history_t WHERE id = 1 LIMIT 1")))
}

func TestHistoryTableSchemaChange(t *testing.T) {
	e, ctx, c1, c2 := diffFixture(t)
	e.exec(ctx, "ALTER TABLE t DROP COLUMN n", "ALTER TABLE t ADD COLUMN m INT", "UPDATE t SET m = 7 WHERE id = 1")
	c3 := e.commit(ctx, "c3").Hash().String()
	// Older rows in the current schema: n is gone, m NULL before it existed.
	require.Equal(t, []string{"a|7|" + c3, "a|NULL|" + c2, "a|NULL|" + c1},
		fmtRows(e.rows(ctx, "SELECT name, m, commit_hash FROM dsql_history_t WHERE id = 1")))
	_, err := e.query(ctx, "SELECT n FROM dsql_history_t")
	require.Error(t, err)
	_, err = e.query(ctx, "SELECT * FROM dsql_history_nosuchtable")
	require.Error(t, err)
}

func TestHistoryTableKeyless(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE k (a INT, b VARCHAR(10))", "INSERT INTO k VALUES (1,'x'),(1,'x')")
	e.commit(ctx, "c1")
	e.exec(ctx, "DELETE FROM k WHERE a = 1 LIMIT 1", "INSERT INTO k VALUES (2, 'y')")
	e.commit(ctx, "c2")
	require.Equal(t, []string{"c1|1|x", "c1|1|x", "c2|1|x", "c2|2|y"},
		fmtRows(e.rows(ctx, "SELECT l.message, h.a, h.b FROM dsql_history_k h JOIN dsql_log l ON l.commit_hash = h.commit_hash ORDER BY 1, 2")))
}

// TestHistoryTableLimitIsLazy checks that a LIMIT stops the walk of the history.
func TestHistoryTableLimitIsLazy(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)")
	e.commit(ctx, "c1")
	e.appendCommits("main", 200)
	e.store.commitReads.Store(0)
	require.Len(t, e.rows(ctx, "SELECT * FROM dsql_history_t LIMIT 3"), 3)
	require.Less(t, e.store.commitReads.Load(), int64(20))
	e.store.commitReads.Store(0)
	require.Len(t, e.rows(ctx, "SELECT * FROM dsql_history_t WHERE id = 1 LIMIT 2"), 2)
	require.Less(t, e.store.commitReads.Load(), int64(20))
	require.Len(t, e.rows(ctx, "SELECT * FROM dsql_history_t"), 201)
}

func TestUnscopedDiffTable(t *testing.T) {
	e, ctx, c1, c2 := diffFixture(t)
	e.exec(ctx, "CREATE TABLE u (a INT PRIMARY KEY)")
	c3 := e.commit(ctx, "c3").Hash().String()
	e.exec(ctx, "ALTER TABLE u ADD COLUMN b INT", "CALL dsql_add('u')", "INSERT INTO t VALUES (7,'g',70)", "DROP TABLE u")
	const cols = "commit_hash, table_name, coalesce(committer, 'NULL'), coalesce(message, 'NULL'), data_change, schema_change"
	want := []string{
		"WORKING|t|NULL|NULL|true|false",
		"WORKING|u|NULL|NULL|false|true",
		"STAGED|u|NULL|NULL|false|true",
		c3 + "|u|alice|c3|false|true",
		c2 + "|t|alice|c2|true|false",
		c1 + "|t|alice|c1|true|true",
	}
	require.Equal(t, want, fmtRows(e.rows(ctx, "SELECT "+cols+" FROM dsql_diff")))
	require.Equal(t, want, fmtRows(e.rows(ctx, "SELECT "+cols+" FROM dolt_diff")))
	// Column layout.
	sch, _, _, err := e.engine.Query(ctx, "SELECT * FROM dsql_diff")
	require.NoError(t, err)
	var names []string
	for _, c := range sch {
		names = append(names, c.Name)
	}
	require.Equal(t, []string{"commit_hash", "table_name", "committer", "email", "date", "message", "data_change", "schema_change"}, names)

	// commit_hash filters: pushed down, same rows.
	require.Equal(t, want[4:5], fmtRows(e.rows(ctx, "SELECT "+cols+" FROM dsql_diff WHERE commit_hash = '"+c2+"'")))
	require.Equal(t, want[2:3], fmtRows(e.rows(ctx, "SELECT "+cols+" FROM dsql_diff WHERE commit_hash = 'STAGED'")))
	require.Equal(t, want[:2], fmtRows(e.rows(ctx, "SELECT "+cols+" FROM dsql_diff WHERE commit_hash = 'WORKING'")))
	require.Empty(t, e.rows(ctx, "SELECT * FROM dsql_diff WHERE commit_hash = 'x'"))
	require.Contains(t, strings.Join(e.strs(ctx, "EXPLAIN PLAN SELECT * FROM dsql_diff WHERE commit_hash = '"+c2+"'"), "\n"), "IndexedTableAccess")
	require.Equal(t, []string{"t"}, e.strs(ctx, "SELECT table_name FROM dsql_diff WHERE commit_hash = '"+c1+"'"))

	// A revision database: its history, no working set.
	require.Equal(t, []string{c2 + "|t", c1 + "|t"}, fmtRows(e.rows(ctx, "SELECT commit_hash, table_name FROM `mydb/"+c2+"`.dsql_diff")))
}

func TestUnscopedDiffTableLimitIsLazy(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)")
	for i := range 50 {
		e.exec(ctx, fmt.Sprintf("INSERT INTO t VALUES (%d)", i))
		e.commit(ctx, "c")
	}
	e.store.commitReads.Store(0)
	require.Len(t, e.rows(ctx, "SELECT * FROM dsql_diff LIMIT 2"), 2)
	require.Less(t, e.store.commitReads.Load(), int64(15))
	require.Len(t, e.rows(ctx, "SELECT * FROM dsql_diff"), 50)
}
