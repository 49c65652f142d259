package procedures_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

// Resolving constraint violations (DELETE of dsql_constraint_violations_<t>) belongs to
// the session's transaction, like resolving conflicts (TestConflictsUpdateOurs):
// ROLLBACK brings them back with the rows, COMMIT lands both, and two sessions resolving
// different violations of one table concurrently both land.
func TestViolationResolutionIsTransactional(t *testing.T) {
	violated := mergeCase{setup: []string{"CREATE TABLE k (a INT PRIMARY KEY, b INT, UNIQUE KEY ub (b))", "INSERT INTO k VALUES (1, 1)"},
		ours:   []string{"INSERT INTO k VALUES (2, 5)"},
		theirs: []string{"INSERT INTO k VALUES (3, 5)"},
		tx:     true, result: violationRow(2, "k"), query: "SELECT * FROM k ORDER BY a", want: []sql.Row{r(1, 1), r(2, 5), r(3, 5)}}
	violations := "SELECT a FROM dsql_constraint_violations_k ORDER BY a"
	rollback := violated
	rollback.name = "ROLLBACK brings the violations back; COMMIT lands them"
	rollback.after = []step{
		{q: "COMMIT"}, {q: "BEGIN"},
		{q: "DELETE FROM k WHERE a = 3"},
		{q: "DELETE FROM dsql_constraint_violations_k"},
		{q: violations, want: noRows},
		{q: "SELECT * FROM dsql_constraint_violations", want: noRows},
		{s: "b", q: violations, want: rs(2, 3)},
		{q: "ROLLBACK"},
		{q: violations, want: rs(2, 3)},
		{q: "SELECT * FROM k ORDER BY a", want: []sql.Row{r(1, 1), r(2, 5), r(3, 5)}},
		{q: "SELECT table_name, status FROM dsql_status WHERE staged = 0", want: []sql.Row{r("k", "constraint violation")}},
		{q: "BEGIN"},
		{q: "DELETE FROM k WHERE a = 3"},
		{q: "DELETE FROM dolt_constraint_violations_k"},
		{q: "COMMIT"},
		{s: "b", q: violations, want: noRows},
		{q: "CALL dsql_commit('-Am', 'merged')", want: []sql.Row{r(hash)}},
		{q: "SELECT * FROM k AS OF 'HEAD' ORDER BY a", want: []sql.Row{r(1, 1), r(2, 5)}},
	}
	concurrent := violated
	concurrent.name = "two sessions resolving different violations of k concurrently both land"
	concurrent.after = []step{
		{q: "COMMIT"}, {q: "BEGIN"}, {s: "b", q: "BEGIN"},
		{q: "UPDATE k SET b = 6 WHERE a = 2"},
		{q: "DELETE FROM dsql_constraint_violations_k WHERE a = 2"},
		{s: "b", q: "UPDATE k SET b = 7 WHERE a = 3"},
		{s: "b", q: "DELETE FROM dsql_constraint_violations_k WHERE a = 3"},
		{q: violations, want: rs(3)},
		{s: "b", q: violations, want: rs(2)},
		{q: "COMMIT"},
		{s: "b", q: "COMMIT"},
		{q: violations, want: noRows},
		{q: "SELECT * FROM k ORDER BY a", want: []sql.Row{r(1, 1), r(2, 6), r(3, 7)}},
		{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
		{q: "SELECT is_merging FROM dsql_merge_status", want: rs(false)},
	}
	sameTx := violated
	sameTx.name = "dsql_commit in the transaction that resolved the violations"
	sameTx.after = []step{
		{q: "COMMIT"}, {q: "BEGIN"},
		{q: "DELETE FROM k WHERE a = 3"},
		{q: "DELETE FROM dsql_constraint_violations_k"},
		{s: "b", q: violations, want: rs(2, 3)},
		{q: "CALL dsql_commit('-Am', 'merged')", want: []sql.Row{r(hash)}},
		{s: "b", q: violations, want: noRows},
		{s: "b", q: "SELECT is_merging FROM dsql_merge_status", want: rs(false)},
		{s: "b", q: "SELECT * FROM k AS OF 'HEAD' ORDER BY a", want: []sql.Row{r(1, 1), r(2, 5)}},
		{s: "b", q: "SELECT count(*) FROM dsql_commit_ancestors WHERE commit_hash = dsql_hashof('HEAD')", want: rs(2)},
	}
	runMergeCases(t, []mergeCase{rollback, concurrent, sameTx})
}

// Sessions resolving different conflicts of one table at the same time, each in its own
// transactions (UPDATE of our_ then COMMIT): every commit lands, none is lost.
func TestConcurrentConflictResolution(t *testing.T) {
	const sessions, each = 4, 5
	e := newEnv(t)
	a := e.session("a")
	e.exec(a, "CREATE TABLE t (pk INT PRIMARY KEY, a INT, b INT)")
	for i := 1; i <= sessions*each; i++ {
		e.exec(a, fmt.Sprintf("INSERT INTO t VALUES (%d, 0, 0)", i))
	}
	e.exec(a, "CALL dsql_commit('-Am', 'ancestor')", "CALL dsql_branch('feature')",
		"UPDATE t SET a = 1", "CALL dsql_commit('-am', 'ours')",
		"CALL dsql_checkout('feature')", "UPDATE t SET a = 2", "CALL dsql_commit('-am', 'theirs')", "CALL dsql_checkout('main')",
		"SET autocommit = 0", "CALL dsql_merge('feature')", "COMMIT", "SET autocommit = 1")
	require.Equal(t, format([]sql.Row{r("t", sessions*each)}), format(e.rows(a, "SELECT * FROM dsql_conflicts")))
	start := make(chan struct{})
	errs := make([]error, sessions)
	var wg sync.WaitGroup
	for s := range sessions {
		ctx := e.session(fmt.Sprint("s", s))
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range each {
				pk := 1 + s*each + i
				for _, q := range []string{"BEGIN", fmt.Sprintf("UPDATE dsql_conflicts_t SET our_b = %d WHERE base_pk = %d", 100+pk, pk), "COMMIT"} {
					if _, err := e.query(ctx, q); err != nil {
						errs[s] = fmt.Errorf("session %d: %s: %w", s, q, err)
						return
					}
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, format(noConflicts), format(e.rows(a, "SELECT * FROM dsql_conflicts")))
	require.Equal(t, format(rs(sessions*each)), format(e.rows(a, "SELECT count(*) FROM t WHERE b = 100 + pk AND a = 1")))
	e.exec(a, "CALL dsql_commit('-am', 'merged')")
	require.Equal(t, format(rs(false)), format(e.rows(a, "SELECT is_merging FROM dsql_merge_status")))
}
