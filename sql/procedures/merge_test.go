package procedures_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/backend"
)

// mergeCase is a merge test written as an ancestor / ours / theirs script: setup runs on
// main and is committed (the ancestor), then branch feature is made, ours runs on main,
// theirs on feature (each committed if it is not empty), and main merges feature. The
// merge result row, the tables after it (want, from query) and the conflicts
// (dsql_conflicts) are compared; every secondary index is checked against its rows.
type mergeCase struct {
	name   string
	setup  []string
	ours   []string
	theirs []string
	dirty  []string // run on main (not committed) just before the merge
	tx     bool     // merge inside a transaction (SET autocommit = 0)
	args   []string // merge arguments before the branch name, e.g. '--no-ff'
	result sql.Row  // the dsql_merge row
	err    string   // expected error instead
	query  string   // default: SELECT * FROM t ORDER BY 1
	want   []sql.Row
	// conflicts are the rows of SELECT * FROM dsql_conflicts ORDER BY 1 (nil: not checked).
	conflicts []sql.Row
	// after runs after the merge and its checks.
	after []step
}

const (
	tAB     = "CREATE TABLE t (pk INT PRIMARY KEY, a INT, b INT, INDEX ab (a, b))"
	tRows   = "INSERT INTO t VALUES (1, 1, 1), (2, 2, 2), (3, 3, 3)"
	noMerge = "CONFLICT"
)

var (
	ffRow       = r(hash, 1, 0, "Fast-forward")
	mergedRow   = r(hash, 0, 0, "merge successful")
	baseRowsAB  = []sql.Row{r(1, 1, 1), r(2, 2, 2), r(3, 3, 3)}
	noConflicts = []sql.Row{}
)

func conflictRow(n int, tables string) sql.Row {
	return r(nil, 0, n, fmt.Sprintf("CONFLICT (content): Merge conflict in %s; fix them (dsql_conflicts_%s, dsql_conflicts_resolve), then dsql_commit, or dsql_merge('--abort')", tables, tables))
}

func violationRow(n int, tables string) sql.Row {
	return r(nil, 0, n, fmt.Sprintf("CONSTRAINT VIOLATION: Merge created constraint violations in %s; fix the rows and delete them from dsql_constraint_violations_%s, then dsql_commit, or dsql_merge('--abort')", tables, tables))
}

func schemaConflictRow(tables string) sql.Row {
	return r(nil, 0, 1, fmt.Sprintf("CONFLICT (schema): Merge conflict in %s; see dsql_schema_conflicts, keep one side's table with dsql_conflicts_resolve('--ours'|'--theirs', '%s'), then dsql_commit, or dsql_merge('--abort')", tables, tables))
}

func runMergeCases(t *testing.T, cases []mergeCase) {
	for _, mc := range cases {
		t.Run(mc.name, func(t *testing.T) {
			e := newEnv(t)
			a := e.session("a")
			e.exec(a, mc.setup...)
			e.exec(a, "CALL dsql_commit('-Am', 'ancestor', '--allow-empty')", "CALL dsql_branch('feature')")
			if len(mc.ours) > 0 {
				e.exec(a, mc.ours...)
				e.exec(a, "CALL dsql_commit('-Am', 'ours')")
			}
			if len(mc.theirs) > 0 {
				e.exec(a, "CALL dsql_checkout('feature')")
				e.exec(a, mc.theirs...)
				e.exec(a, "CALL dsql_commit('-Am', 'theirs')", "CALL dsql_checkout('main')")
			}
			e.exec(a, mc.dirty...)
			if mc.tx {
				e.exec(a, "SET autocommit = 0")
			}
			call := "CALL dsql_merge("
			for _, arg := range mc.args {
				call += "'" + arg + "', "
			}
			call += "'feature')"
			st := step{q: call, err: mc.err}
			if mc.result != nil {
				st.want = []sql.Row{mc.result}
			}
			e.check("merge", st)
			q := mc.query
			if q == "" {
				q = "SELECT * FROM t ORDER BY 1"
			}
			if mc.want != nil {
				require.Equal(t, format(mc.want), format(e.rows(a, q)), q)
			}
			if mc.conflicts != nil {
				require.Equal(t, format(mc.conflicts), format(e.rows(a, "SELECT * FROM dsql_conflicts ORDER BY 1")), "dsql_conflicts")
			}
			e.checkIndexes()
			for i, st := range mc.after {
				e.check(fmt.Sprintf("after %d: %s", i, st.q), st)
			}
			e.checkIndexes()
		})
	}
}

// checkIndexes checks every index of main's working and staged roots and head against its
// rows.
func (e *env) checkIndexes() {
	e.t.Helper()
	ctx := context.Background()
	db, ok := e.prov.Lookup("mydb")
	require.True(e.t, ok)
	ws, err := db.Repo().WorkingSet(ctx, "main")
	require.NoError(e.t, err)
	// While unique-index violations are recorded, the index holds the duplicates.
	ms, merging := ws.Merge()
	check := func(err error, what string) {
		if err != nil && merging && len(ms.Violations) > 0 && strings.Contains(err.Error(), "unique index has two entries") {
			return
		}
		require.NoError(e.t, err, what)
	}
	check(backend.CheckIndexes(ctx, ws.Working()), "working root")
	check(backend.CheckIndexes(ctx, ws.Staged()), "staged root")
}

func TestMergeRows(t *testing.T) {
	runMergeCases(t, []mergeCase{
		{name: "disjoint rows updated",
			setup: []string{tAB, tRows}, ours: []string{"UPDATE t SET a = 10 WHERE pk = 1"}, theirs: []string{"UPDATE t SET a = 20 WHERE pk = 2"},
			result: mergedRow, want: []sql.Row{r(1, 10, 1), r(2, 20, 2), r(3, 3, 3)}, conflicts: noConflicts},
		{name: "disjoint inserts",
			setup: []string{tAB, tRows}, ours: []string{"INSERT INTO t VALUES (4, 4, 4)"}, theirs: []string{"INSERT INTO t VALUES (5, 5, 5)"},
			result: mergedRow, want: []sql.Row{r(1, 1, 1), r(2, 2, 2), r(3, 3, 3), r(4, 4, 4), r(5, 5, 5)}},
		{name: "delete on one side, update of another row on the other",
			setup: []string{tAB, tRows}, ours: []string{"DELETE FROM t WHERE pk = 1"}, theirs: []string{"UPDATE t SET b = 30 WHERE pk = 3"},
			result: mergedRow, want: []sql.Row{r(2, 2, 2), r(3, 3, 30)}},
		{name: "same row, different cells",
			setup: []string{tAB, tRows}, ours: []string{"UPDATE t SET a = 10 WHERE pk = 1"}, theirs: []string{"UPDATE t SET b = 20 WHERE pk = 1"},
			result: mergedRow, want: []sql.Row{r(1, 10, 20), r(2, 2, 2), r(3, 3, 3)},
			after: []step{{q: "SELECT pk FROM t WHERE a = 10 AND b = 20", want: rs(1)}, {q: "SELECT count(*) FROM t WHERE a = 10 AND b = 1", want: rs(0)}}},
		{name: "same row, different cells, to and from NULL",
			setup: []string{tAB, tRows}, ours: []string{"UPDATE t SET a = NULL WHERE pk = 2"}, theirs: []string{"UPDATE t SET b = NULL WHERE pk = 2"},
			result: mergedRow, want: []sql.Row{r(1, 1, 1), r(2, nil, nil), r(3, 3, 3)}},
		{name: "same cell, same value",
			setup: []string{tAB, tRows}, ours: []string{"UPDATE t SET a = 7 WHERE pk = 3"}, theirs: []string{"UPDATE t SET a = 7, b = 8 WHERE pk = 3"},
			result: mergedRow, want: []sql.Row{r(1, 1, 1), r(2, 2, 2), r(3, 7, 8)}},
		{name: "same cell, different values: conflict keeps ours",
			setup: []string{tAB, tRows}, ours: []string{"UPDATE t SET a = 10 WHERE pk = 1"}, theirs: []string{"UPDATE t SET a = 20 WHERE pk = 1", "UPDATE t SET a = 22 WHERE pk = 2"},
			tx: true, result: conflictRow(1, "t"), want: []sql.Row{r(1, 10, 1), r(2, 22, 2), r(3, 3, 3)}, conflicts: []sql.Row{r("t", 1)}},
		{name: "delete vs modify: conflict",
			setup: []string{tAB, tRows}, ours: []string{"DELETE FROM t WHERE pk = 2"}, theirs: []string{"UPDATE t SET b = 5 WHERE pk = 2"},
			tx: true, result: conflictRow(1, "t"), want: []sql.Row{r(1, 1, 1), r(3, 3, 3)}, conflicts: []sql.Row{r("t", 1)}},
		{name: "modify vs delete: conflict",
			setup: []string{tAB, tRows}, ours: []string{"UPDATE t SET b = 5 WHERE pk = 2"}, theirs: []string{"DELETE FROM t WHERE pk = 2"},
			tx: true, result: conflictRow(1, "t"), want: []sql.Row{r(1, 1, 1), r(2, 2, 5), r(3, 3, 3)}, conflicts: []sql.Row{r("t", 1)}},
		{name: "both delete the same row",
			setup: []string{tAB, tRows}, ours: []string{"DELETE FROM t WHERE pk = 2"}, theirs: []string{"DELETE FROM t WHERE pk = 2", "DELETE FROM t WHERE pk = 3"},
			result: mergedRow, want: []sql.Row{r(1, 1, 1)}},
		{name: "both add the same row",
			setup: []string{tAB, tRows}, ours: []string{"INSERT INTO t VALUES (9, 9, 9)"}, theirs: []string{"INSERT INTO t VALUES (9, 9, 9)", "INSERT INTO t VALUES (8, 8, 8)"},
			result: mergedRow, want: []sql.Row{r(1, 1, 1), r(2, 2, 2), r(3, 3, 3), r(8, 8, 8), r(9, 9, 9)}},
		{name: "both add the same key with different values: conflict",
			setup: []string{tAB, tRows}, ours: []string{"INSERT INTO t VALUES (9, 9, 1)"}, theirs: []string{"INSERT INTO t VALUES (9, 9, 2)"},
			tx: true, result: conflictRow(1, "t"), want: []sql.Row{r(1, 1, 1), r(2, 2, 2), r(3, 3, 3), r(9, 9, 1)}, conflicts: []sql.Row{r("t", 1)}},
		{name: "several conflicts and clean changes in one table",
			setup: []string{tAB, tRows}, ours: []string{"UPDATE t SET a = a + 100", "INSERT INTO t VALUES (4, 1, 1)"}, theirs: []string{"UPDATE t SET a = a + 200 WHERE pk < 3", "UPDATE t SET b = 0 WHERE pk = 3", "INSERT INTO t VALUES (5, 5, 5)"},
			tx: true, result: conflictRow(2, "t"), want: []sql.Row{r(1, 101, 1), r(2, 102, 2), r(3, 103, 0), r(4, 1, 1), r(5, 5, 5)}, conflicts: []sql.Row{r("t", 2)}},
		{name: "conflict in autocommit mode is rolled back with an error",
			setup: []string{tAB, tRows}, ours: []string{"UPDATE t SET a = 10 WHERE pk = 1"}, theirs: []string{"UPDATE t SET a = 20 WHERE pk = 1", "UPDATE t SET a = 30 WHERE pk = 3"},
			err: "merge has conflicts in t; run it inside a transaction", want: []sql.Row{r(1, 10, 1), r(2, 2, 2), r(3, 3, 3)}, conflicts: noConflicts,
			after: []step{{q: "SELECT count(*) FROM dsql_log", want: rs(3)}}},
	})
}

func TestMergeKeyless(t *testing.T) {
	const k = "CREATE TABLE k (a INT, b INT, INDEX (b))"
	q := "SELECT a, b FROM k ORDER BY a, b"
	runMergeCases(t, []mergeCase{
		{name: "keyless: disjoint inserts", setup: []string{k, "INSERT INTO k VALUES (1, 1)"},
			ours: []string{"INSERT INTO k VALUES (2, 2)"}, theirs: []string{"INSERT INTO k VALUES (3, 3)"},
			result: mergedRow, query: q, want: []sql.Row{r(1, 1), r(2, 2), r(3, 3)}},
		{name: "keyless: both insert the same row twice over", setup: []string{k, "INSERT INTO k VALUES (1, 1)"},
			ours: []string{"INSERT INTO k VALUES (1, 1)"}, theirs: []string{"INSERT INTO k VALUES (1, 1), (1, 1)"},
			result: mergedRow, query: q, want: []sql.Row{r(1, 1), r(1, 1), r(1, 1), r(1, 1)}},
		{name: "keyless: both delete the same row", setup: []string{k, "INSERT INTO k VALUES (1, 1), (2, 2)"},
			ours: []string{"DELETE FROM k WHERE a = 1"}, theirs: []string{"DELETE FROM k WHERE a = 1", "INSERT INTO k VALUES (3, 3)"},
			result: mergedRow, query: q, want: []sql.Row{r(2, 2), r(3, 3)}},
		{name: "keyless: an update on each side", setup: []string{k, "INSERT INTO k VALUES (1, 1), (2, 2)"},
			ours: []string{"UPDATE k SET b = 10 WHERE a = 1"}, theirs: []string{"UPDATE k SET b = 20 WHERE a = 2"},
			result: mergedRow, query: q, want: []sql.Row{r(1, 10), r(2, 20)},
			after: []step{{q: "SELECT a FROM k WHERE b = 20", want: rs(2)}}},
	})
}

func TestMergeTablesAndSchemas(t *testing.T) {
	runMergeCases(t, []mergeCase{
		{name: "table created on their side", setup: []string{tAB, tRows},
			ours: []string{"UPDATE t SET a = 0 WHERE pk = 1"}, theirs: []string{"CREATE TABLE u (id INT PRIMARY KEY)", "INSERT INTO u VALUES (1)"},
			result: mergedRow, query: "SELECT * FROM u", want: rs(1)},
		{name: "table dropped on their side", setup: []string{tAB, tRows, "CREATE TABLE u (id INT PRIMARY KEY)"},
			ours: []string{"UPDATE t SET a = 0 WHERE pk = 1"}, theirs: []string{"DROP TABLE u"},
			result: mergedRow, query: "SHOW TABLES", want: rs("t")},
		{name: "table created on both sides with the same schema merges rows", setup: []string{tAB},
			ours: []string{"CREATE TABLE u (id INT PRIMARY KEY, v INT)", "INSERT INTO u VALUES (1, 1)"}, theirs: []string{"CREATE TABLE u (id INT PRIMARY KEY, v INT)", "INSERT INTO u VALUES (2, 2)"},
			result: mergedRow, query: "SELECT * FROM u ORDER BY id", want: []sql.Row{r(1, 1), r(2, 2)}},
		{name: "column added on their side only, table untouched on ours", setup: []string{tAB, tRows},
			ours: []string{"INSERT INTO t VALUES (4, 4, 4)"}, theirs: []string{"CREATE TABLE u (id INT PRIMARY KEY)"},
			result: mergedRow, want: []sql.Row{r(1, 1, 1), r(2, 2, 2), r(3, 3, 3), r(4, 4, 4)}},
		{name: "schema changed on their side, rows on ours: merged", setup: []string{tAB, tRows},
			ours: []string{"UPDATE t SET a = 0 WHERE pk = 1"}, theirs: []string{"ALTER TABLE t ADD COLUMN c INT"},
			result: mergedRow, want: []sql.Row{r(1, 0, 1, nil), r(2, 2, 2, nil), r(3, 3, 3, nil)}},
		{name: "table dropped on one side and modified on the other: schema conflict", setup: []string{tAB, tRows},
			ours: []string{"DROP TABLE t"}, theirs: []string{"UPDATE t SET a = 0 WHERE pk = 1"},
			err: "schema conflicts in t (deleted on one side and modified on the other)", query: "SHOW TABLES", want: []sql.Row{}},
		{name: "tables created on both sides differently: schema conflict", setup: []string{tAB},
			ours: []string{"CREATE TABLE u (id INT PRIMARY KEY)"}, theirs: []string{"CREATE TABLE u (id BIGINT PRIMARY KEY)"},
			err: "schema conflicts in u (created on both sides with different schemas)"},
	})
}

func TestMergeModes(t *testing.T) {
	runMergeCases(t, []mergeCase{
		{name: "fast-forward", setup: []string{tAB, tRows}, theirs: []string{"UPDATE t SET a = 5 WHERE pk = 1"},
			result: ffRow, want: []sql.Row{r(1, 5, 1), r(2, 2, 2), r(3, 3, 3)},
			after: []step{{q: "SELECT message FROM dsql_log LIMIT 1", want: rs("theirs")}}},
		{name: "already up to date", setup: []string{tAB, tRows}, ours: []string{"UPDATE t SET a = 5 WHERE pk = 1"},
			result: r(hash, 0, 0, "Already up to date."), want: []sql.Row{r(1, 5, 1), r(2, 2, 2), r(3, 3, 3)}},
		{name: "--no-ff makes a merge commit", setup: []string{tAB, tRows}, theirs: []string{"UPDATE t SET a = 5 WHERE pk = 1"},
			args: []string{"--no-ff"}, result: mergedRow, want: []sql.Row{r(1, 5, 1), r(2, 2, 2), r(3, 3, 3)},
			after: []step{
				{q: "SELECT message FROM dsql_log LIMIT 1", want: rs("Merge branch 'feature' into main")},
				{q: "SELECT count(*) FROM dsql_commit_ancestors WHERE commit_hash = dsql_hashof('HEAD')", want: rs(2)},
			}},
		{name: "a clean merge commits by itself with two parents", setup: []string{tAB, tRows},
			ours: []string{"UPDATE t SET a = 10 WHERE pk = 1"}, theirs: []string{"UPDATE t SET a = 20 WHERE pk = 2"},
			args: []string{"-m", "my merge"}, result: mergedRow,
			after: []step{
				{q: "SELECT message FROM dsql_log LIMIT 1", want: rs("my merge")},
				{q: "SELECT count(*) FROM dsql_commit_ancestors WHERE commit_hash = dsql_hashof('HEAD')", want: rs(2)},
				{q: "SELECT count(*) FROM dsql_status", want: rs(0)},
			}},
		{name: "--squash changes the working set only", setup: []string{tAB, tRows},
			ours: []string{"UPDATE t SET a = 10 WHERE pk = 1"}, theirs: []string{"UPDATE t SET a = 20 WHERE pk = 2"},
			args: []string{"--squash"}, result: r(nil, 0, 0, "Squash commit -- not updating HEAD"), want: []sql.Row{r(1, 10, 1), r(2, 20, 2), r(3, 3, 3)},
			after: []step{
				{q: "SELECT message FROM dsql_log LIMIT 1", want: rs("ours")},
				{q: "CALL dsql_commit('-m', 'squashed')", want: []sql.Row{r(hash)}},
				{q: "SELECT count(*) FROM dsql_commit_ancestors WHERE commit_hash = dsql_hashof('HEAD')", want: rs(1)},
			}},
		{name: "uncommitted changes are refused", setup: []string{tAB, tRows},
			ours: []string{"UPDATE t SET a = 10 WHERE pk = 1"}, theirs: []string{"UPDATE t SET a = 20 WHERE pk = 2"},
			dirty: []string{"UPDATE t SET a = 11 WHERE pk = 1"},
			err:   "has uncommitted changes (t)", want: []sql.Row{r(1, 11, 1), r(2, 2, 2), r(3, 3, 3)}},
		{name: "dolt_ alias", setup: []string{tAB, tRows}, theirs: []string{"UPDATE t SET a = 5 WHERE pk = 1"},
			after:  []step{{q: "CALL dolt_merge('feature')", want: []sql.Row{r(hash, 0, 0, "Already up to date.")}}},
			result: ffRow},
		{name: "two revisions are refused", setup: []string{tAB}, ours: []string{"INSERT INTO t VALUES (1, 1, 1)"},
			args: []string{"nope"}, err: "usage"},
	})
}

func TestMergeConflictWorkflow(t *testing.T) {
	conflicted := mergeCase{setup: []string{tAB, tRows},
		ours:   []string{"UPDATE t SET a = 10 WHERE pk = 1", "UPDATE t SET b = 30 WHERE pk = 3"},
		theirs: []string{"UPDATE t SET a = 20, b = 21 WHERE pk = 1", "DELETE FROM t WHERE pk = 3", "UPDATE t SET a = 22 WHERE pk = 2"},
		tx:     true, result: conflictRow(2, "t"), want: []sql.Row{r(1, 10, 1), r(2, 22, 2), r(3, 3, 30)}, conflicts: []sql.Row{r("t", 2)}}
	with := func(name string, after ...step) mergeCase {
		c := conflicted
		c.name, c.after = name, after
		return c
	}
	runMergeCases(t, []mergeCase{
		with("commit is refused while conflicts remain",
			step{q: "CALL dsql_commit('-am', 'm')", err: "unresolved conflicts in t; resolve them"},
			step{q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 2)}}),
		with("dsql_status shows the conflicted table as 'conflict' until it is resolved",
			step{q: "SELECT table_name, staged, status FROM dsql_status", want: []sql.Row{r("t", false, "conflict")}},
			step{q: "CALL dsql_conflicts_resolve('--ours', 't')", want: rs(0)},
			step{q: "SELECT table_name, staged, status FROM dsql_status", want: []sql.Row{r("t", true, "modified")}}),
		with("another merge is refused while one is in progress",
			step{q: "CALL dsql_merge('feature')", err: "a merge is in progress"}),
		with("--abort restores the pre-merge working set",
			step{q: "CALL dsql_merge('--abort')", want: []sql.Row{r(nil, 0, 0, "merge aborted")}},
			step{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 10, 1), r(2, 2, 2), r(3, 3, 30)}},
			step{q: "SELECT * FROM dsql_conflicts", want: noConflicts},
			step{q: "CALL dsql_merge('--abort')", err: "no merge to abort"}),
		with("resolve --theirs takes their rows, then the merge commits with two parents",
			step{q: "CALL dsql_conflicts_resolve('--theirs', 't')", want: rs(0)},
			step{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 20, 21), r(2, 22, 2)}},
			step{q: "SELECT pk FROM t WHERE a = 20 AND b = 21", want: rs(1)},
			step{q: "SELECT * FROM dsql_conflicts", want: noConflicts},
			step{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
			step{q: "SELECT count(*) FROM dsql_commit_ancestors WHERE commit_hash = dsql_hashof('HEAD')", want: rs(2)},
			step{q: "SELECT * FROM t AS OF 'HEAD' ORDER BY 1", want: []sql.Row{r(1, 20, 21), r(2, 22, 2)}}),
		with("resolve --ours keeps ours",
			step{q: "CALL dsql_conflicts_resolve('--ours', '.')", want: rs(0)},
			step{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 10, 1), r(2, 22, 2), r(3, 3, 30)}},
			step{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
			step{q: "CALL dsql_conflicts_resolve('--ours', 't')", err: "no conflicts to resolve"}),
		with("dsql_conflicts_t shows base, ours and theirs; DELETE keeps ours",
			step{q: "SELECT base_pk, base_a, base_b, our_pk, our_a, our_b, our_diff_type, their_pk, their_a, their_b, their_diff_type FROM dsql_conflicts_t ORDER BY base_pk",
				want: []sql.Row{r(1, 1, 1, 1, 10, 1, "modified", 1, 20, 21, "modified"), r(3, 3, 3, 3, 3, 30, "modified", nil, nil, nil, "removed")}},
			step{q: "SELECT count(*) FROM dsql_conflicts_t WHERE from_root_ish = dsql_hashof('feature') AND length(dsql_conflict_id) > 0", want: rs(2)},
			step{q: "SELECT is_merging, source, source_commit = dsql_hashof('feature'), target, unmerged_tables FROM dsql_merge_status", want: []sql.Row{r(true, "feature", true, "main", "t")}},
			step{q: "DELETE FROM dsql_conflicts_t WHERE base_pk = 1"},
			step{q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 1)}},
			step{q: "SELECT our_pk FROM dolt_conflicts_t", want: rs(3)},
			step{q: "DELETE FROM dolt_conflicts_t"},
			step{q: "SELECT * FROM dolt_conflicts", want: noConflicts},
			step{q: "SELECT is_merging, unmerged_tables FROM dolt_merge_status", want: []sql.Row{r(true, nil)}},
			step{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
			step{q: "SELECT is_merging FROM dsql_merge_status", want: rs(false)},
			step{q: "SELECT * FROM t AS OF 'HEAD' ORDER BY 1", want: []sql.Row{r(1, 10, 1), r(2, 22, 2), r(3, 3, 30)}},
			step{q: "SELECT count(*) FROM dsql_commit_ancestors WHERE commit_hash = dsql_hashof('HEAD')", want: rs(2)}),
		with("conflicts survive a restart of the session",
			step{s: "b", q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 2)}},
			step{s: "b", q: "CALL dsql_conflicts_resolve('--theirs', 't')", want: rs(0)},
			step{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 10, 1), r(2, 22, 2), r(3, 3, 30)}}, // a's snapshot
			step{q: "COMMIT"},
			step{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 20, 21), r(2, 22, 2)}}),
	})
}

func TestMergeUniqueKeys(t *testing.T) {
	const u = "CREATE TABLE t (pk INT PRIMARY KEY, a INT, b INT, UNIQUE INDEX ua (a))"
	runMergeCases(t, []mergeCase{
		{name: "both sides insert the same unique value: in autocommit, refused, nothing changes", setup: []string{u, tRows},
			ours: []string{"INSERT INTO t VALUES (4, 9, 4)"}, theirs: []string{"INSERT INTO t VALUES (5, 9, 5)"},
			err: "merge has constraint violations in t (unique index t.ua: several rows have (9)); run it inside a transaction", want: []sql.Row{r(1, 1, 1), r(2, 2, 2), r(3, 3, 3), r(4, 9, 4)},
			after: []step{{q: "SELECT count(*) FROM dsql_log", want: rs(3)}, {q: "SELECT * FROM dsql_constraint_violations", want: []sql.Row{}}}},
		{name: "both sides update different rows to the same unique value: violations recorded", setup: []string{u, tRows},
			ours: []string{"UPDATE t SET a = 7 WHERE pk = 1"}, theirs: []string{"UPDATE t SET a = 7 WHERE pk = 2"},
			tx: true, result: violationRow(2, "t"), want: []sql.Row{r(1, 7, 1), r(2, 7, 2), r(3, 3, 3)},
			after: []step{
				{q: "SELECT * FROM dsql_constraint_violations", want: []sql.Row{r("t", 2)}},
				{q: "SELECT violation_type, pk, a, b, json_unquote(json_extract(violation_info, '$.Name')) FROM dsql_constraint_violations_t ORDER BY pk",
					want: []sql.Row{r("unique index", 1, 7, 1, "ua"), r("unique index", 2, 7, 2, "ua")}},
				{q: "CALL dsql_commit('-am', 'm')", err: "unresolved constraint violations in t"},
				{q: "UPDATE t SET a = 8 WHERE pk = 2"},
				{q: "DELETE FROM dolt_constraint_violations_t WHERE pk = 2"},
				{q: "SELECT pk FROM dsql_constraint_violations_t", want: rs(1)},
				{q: "DELETE FROM dsql_constraint_violations_t"},
				{q: "SELECT * FROM dolt_constraint_violations", want: []sql.Row{}},
				{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
				{q: "SELECT * FROM t AS OF 'HEAD' ORDER BY 1", want: []sql.Row{r(1, 7, 1), r(2, 8, 2), r(3, 3, 3)}},
				{q: "SELECT count(*) FROM dsql_commit_ancestors WHERE commit_hash = dsql_hashof('HEAD')", want: rs(2)},
			}},
		{name: "a unique value that moves to another row merges", setup: []string{u, tRows},
			ours: []string{"UPDATE t SET b = 100 WHERE pk = 1"}, theirs: []string{"UPDATE t SET a = 10 WHERE pk = 1", "INSERT INTO t VALUES (4, 1, 4)"},
			result: mergedRow, want: []sql.Row{r(1, 10, 100), r(2, 2, 2), r(3, 3, 3), r(4, 1, 4)},
			after: []step{{q: "SELECT pk FROM t WHERE a = 1", want: rs(4)}}},
		{name: "NULLs never collide in a unique index", setup: []string{u, tRows},
			ours: []string{"INSERT INTO t VALUES (4, NULL, 4)"}, theirs: []string{"INSERT INTO t VALUES (5, NULL, 5)"},
			result: mergedRow, want: []sql.Row{r(1, 1, 1), r(2, 2, 2), r(3, 3, 3), r(4, nil, 4), r(5, nil, 5)}},
	})
}
