package procedures_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
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
	runMergeCases(t, []mergeCase{rollback, concurrent})
}
