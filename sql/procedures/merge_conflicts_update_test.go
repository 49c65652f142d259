package procedures_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
)

// Resolving conflicts by UPDATE of the our_ columns of dsql_conflicts_<t>: the updated
// values become t's working row (validated as an UPDATE of t would be), the conflict is
// resolved, and the merge then commits. runMergeCases checks every index against its
// rows after the steps (index maintenance of the write-through).
func TestConflictsUpdateOurs(t *testing.T) {
	conflicted := mergeCase{setup: []string{tAB, tRows},
		ours:   []string{"UPDATE t SET a = 10 WHERE pk = 1", "UPDATE t SET b = 30 WHERE pk = 3"},
		theirs: []string{"UPDATE t SET a = 20, b = 21 WHERE pk = 1", "DELETE FROM t WHERE pk = 3", "UPDATE t SET a = 22 WHERE pk = 2"},
		tx:     true, result: conflictRow(2, "t"), want: []sql.Row{r(1, 10, 1), r(2, 22, 2), r(3, 3, 30)}, conflicts: []sql.Row{r("t", 2)}}
	resolveByUpdate := []step{
		{q: "UPDATE dsql_conflicts_t SET our_a = 15, our_b = 16 WHERE base_pk = 1"},
		{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 15, 16), r(2, 22, 2), r(3, 3, 30)}},
		{q: "SELECT pk FROM t WHERE a = 15 AND b = 16", want: rs(1)},
		{q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 1)}},
		{q: "SELECT base_pk, our_a, our_b FROM dsql_conflicts_t", want: []sql.Row{r(3, 3, 30)}},
		{q: "UPDATE dsql_conflicts_t SET base_a = 99", err: "column base_a cannot be updated; only our_a, our_b can"},
		{q: "UPDATE dsql_conflicts_t SET their_b = 99, our_a = 1", err: "column their_b cannot be updated"},
		{q: "UPDATE dsql_conflicts_t SET our_pk = 9", err: "column our_pk cannot be updated"},
		{q: "UPDATE dsql_conflicts_t SET our_diff_type = 'added'", err: "column our_diff_type cannot be updated"},
		{q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 1)}},
		{q: "UPDATE dolt_conflicts_t SET our_b = our_b + 3"},
		{q: "SELECT * FROM dolt_conflicts", want: noConflicts},
		{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 15, 16), r(2, 22, 2), r(3, 3, 33)}},
		{q: "SELECT pk FROM t WHERE a = 3 AND b = 33", want: rs(3)},
		{q: "COMMIT"},
		{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
		{q: "SELECT * FROM t AS OF 'HEAD' ORDER BY 1", want: []sql.Row{r(1, 15, 16), r(2, 22, 2), r(3, 3, 33)}},
		{q: "SELECT count(*) FROM dsql_commit_ancestors WHERE commit_hash = dsql_hashof('HEAD')", want: rs(2)},
		{q: "SELECT is_merging FROM dsql_merge_status", want: rs(false)},
	}
	autocommit, inTx := conflicted, conflicted
	// A conflicting merge needs a transaction (autocommit rolls it back); its COMMIT
	// makes the conflicts durable.
	autocommit.name = "autocommit: UPDATE of our_ writes the row and resolves the conflict"
	autocommit.after = append([]step{{q: "COMMIT"}, {q: "SET autocommit = 1"}}, resolveByUpdate...)
	inTx.name = "in a transaction: the row is the transaction's until COMMIT"
	inTx.after = append([]step{{q: "COMMIT"}, {q: "BEGIN"}}, resolveByUpdate[:5]...)
	inTx.after = append(inTx.after,
		step{s: "b", q: "SELECT * FROM t WHERE pk = 1", want: []sql.Row{r(1, 10, 1)}},
		step{s: "b", q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 2)}})
	inTx.after = append(inTx.after, resolveByUpdate[5:]...)
	inTx.after = append(inTx.after, step{s: "b", q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 15, 16), r(2, 22, 2), r(3, 3, 33)}})

	constrained := mergeCase{
		setup: []string{"CREATE TABLE t (pk INT PRIMARY KEY, a INT NOT NULL, b INT, UNIQUE KEY ub (b), CONSTRAINT small CHECK (a < 100))",
			"INSERT INTO t VALUES (1, 1, 1), (2, 2, 2)"},
		ours: []string{"UPDATE t SET a = 10 WHERE pk = 1"}, theirs: []string{"UPDATE t SET a = 20 WHERE pk = 1"},
		tx: true, result: conflictRow(1, "t"), want: []sql.Row{r(1, 10, 1), r(2, 2, 2)}, conflicts: []sql.Row{r("t", 1)}}
	constrained.name = "the row written through is checked like an UPDATE of t"
	constrained.after = []step{
		{q: "UPDATE dsql_conflicts_t SET our_a = NULL", err: "non-nullable"},
		{q: "UPDATE dsql_conflicts_t SET our_a = 500", err: "small"},
		{q: "UPDATE dsql_conflicts_t SET our_b = 2", err: "duplicate"},
		{q: "UPDATE dsql_conflicts_t SET our_a = 'many'", err: "many"},
		{q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 1)}},
		{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 10, 1), r(2, 2, 2)}},
		{q: "UPDATE dsql_conflicts_t SET our_a = '42', our_b = 3"},
		{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 42, 3), r(2, 2, 2)}},
		{q: "SELECT pk FROM t WHERE b = 3", want: rs(1)},
		{q: "SELECT * FROM dsql_conflicts", want: noConflicts},
		{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
	}

	deletedByUs := mergeCase{setup: []string{tAB, tRows},
		ours: []string{"DELETE FROM t WHERE pk = 2"}, theirs: []string{"UPDATE t SET a = 5 WHERE pk = 2"},
		tx: true, result: conflictRow(1, "t"), want: []sql.Row{r(1, 1, 1), r(3, 3, 3)}, conflicts: []sql.Row{r("t", 1)}}
	deletedByUs.name = "a row ours deleted is written back with the conflict's key"
	deletedByUs.after = []step{
		{q: "SELECT our_pk, our_a, our_diff_type, their_pk, their_a FROM dsql_conflicts_t", want: []sql.Row{r(nil, nil, "removed", 2, 5)}},
		{q: "UPDATE dsql_conflicts_t SET our_a = their_a, our_b = 7"},
		{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 1, 1), r(2, 5, 7), r(3, 3, 3)}},
		{q: "SELECT pk FROM t WHERE a = 5", want: rs(2)},
		{q: "SELECT * FROM dsql_conflicts", want: noConflicts},
		{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
		{q: "SELECT * FROM t AS OF 'HEAD' ORDER BY 1", want: []sql.Row{r(1, 1, 1), r(2, 5, 7), r(3, 3, 3)}},
	}
	foreign := mergeCase{
		setup: []string{"CREATE TABLE p (id INT PRIMARY KEY)", "INSERT INTO p VALUES (1), (2)",
			"CREATE TABLE t (pk INT PRIMARY KEY, a INT, pid INT, CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id))",
			"INSERT INTO t VALUES (1, 1, 1)"},
		ours: []string{"UPDATE t SET a = 10 WHERE pk = 1"}, theirs: []string{"UPDATE t SET a = 20 WHERE pk = 1"},
		tx: true, result: conflictRow(1, "t"), want: []sql.Row{r(1, 10, 1)}, conflicts: []sql.Row{r("t", 1)}}
	foreign.name = "columns in a foreign key are not written through with foreign_key_checks on (GMS checks foreign keys only for statements on t)"
	foreign.after = []step{
		{q: "UPDATE dsql_conflicts_t SET our_pid = 99", err: "column pid of t is in foreign key fk_p"},
		{q: "UPDATE dsql_conflicts_t SET our_pid = 2", err: "column pid of t is in foreign key fk_p"},
		{q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 1)}},
		{q: "SET foreign_key_checks = 0"},
		{q: "UPDATE dsql_conflicts_t SET our_a = 15, our_pid = 2"},
		{q: "SET foreign_key_checks = 1"},
		{q: "SELECT * FROM t", want: []sql.Row{r(1, 15, 2)}},
		{q: "SELECT * FROM dsql_conflicts", want: noConflicts},
		{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
	}
	generated := mergeCase{
		setup: []string{"CREATE TABLE t (pk INT PRIMARY KEY, a INT, g INT AS (a * 2) STORED)", "INSERT INTO t (pk, a) VALUES (1, 1)"},
		ours:  []string{"UPDATE t SET a = 10 WHERE pk = 1"}, theirs: []string{"UPDATE t SET a = 20 WHERE pk = 1"},
		tx: true, result: conflictRow(1, "t"), want: []sql.Row{r(1, 10, 20)}, conflicts: []sql.Row{r("t", 1)}}
	generated.name = "a table with generated columns is refused (GMS computes them only for statements on t)"
	generated.after = []step{
		{q: "UPDATE dsql_conflicts_t SET our_a = 15", err: "table t has generated columns"},
		{q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 1)}},
		{q: "DELETE FROM dsql_conflicts_t"},
		{q: "UPDATE t SET a = 15"},
		{q: "SELECT * FROM t", want: []sql.Row{r(1, 15, 30)}},
	}
	rollback := conflicted
	rollback.name = "ROLLBACK drops both the written row and the resolution; COMMIT lands both"
	rollback.after = []step{
		{q: "COMMIT"}, {q: "BEGIN"},
		{q: "UPDATE dsql_conflicts_t SET our_a = 15 WHERE base_pk = 1"},
		{q: "DELETE FROM dsql_conflicts_t WHERE base_pk = 3"},
		{q: "SELECT * FROM t WHERE pk = 1", want: []sql.Row{r(1, 15, 1)}},
		{q: "SELECT * FROM dsql_conflicts", want: noConflicts},
		{q: "SELECT is_merging, unmerged_tables FROM dsql_merge_status", want: []sql.Row{r(true, nil)}},
		{q: "SELECT table_name, status FROM dsql_status WHERE staged = 0", want: []sql.Row{r("t", "modified")}},
		{s: "b", q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 2)}},
		{q: "ROLLBACK"},
		{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 10, 1), r(2, 22, 2), r(3, 3, 30)}},
		{q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 2)}},
		{q: "SELECT base_pk FROM dsql_conflicts_t ORDER BY 1", want: rs(1, 3)},
		{q: "SELECT unmerged_tables FROM dsql_merge_status", want: rs("t")},
		{q: "SELECT table_name, status FROM dsql_status WHERE staged = 0", want: []sql.Row{r("t", "conflict")}},
		{q: "CALL dsql_commit('-am', 'too early')", err: "conflicts"},
		// SAVEPOINT: ROLLBACK TO brings back the conflicts resolved after it.
		{q: "BEGIN"},
		{q: "DELETE FROM dsql_conflicts_t WHERE base_pk = 3"},
		{q: "SAVEPOINT sp"},
		{q: "UPDATE dsql_conflicts_t SET our_a = 15 WHERE base_pk = 1"},
		{q: "SELECT * FROM dsql_conflicts", want: noConflicts},
		{q: "ROLLBACK TO SAVEPOINT sp"},
		{q: "SELECT base_pk FROM dsql_conflicts_t", want: rs(1)},
		{q: "SELECT * FROM t WHERE pk = 1", want: []sql.Row{r(1, 10, 1)}},
		{q: "UPDATE dsql_conflicts_t SET our_a = 15 WHERE base_pk = 1"},
		{s: "b", q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 2)}},
		{q: "COMMIT"},
		{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 15, 1), r(2, 22, 2), r(3, 3, 30)}},
		{q: "SELECT * FROM dsql_conflicts", want: noConflicts},
		{s: "b", q: "SELECT * FROM dsql_conflicts", want: noConflicts},
		{s: "b", q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 15, 1), r(2, 22, 2), r(3, 3, 30)}},
		{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
		{q: "SELECT count(*) FROM dsql_commit_ancestors WHERE commit_hash = dsql_hashof('HEAD')", want: rs(2)},
		{q: "SELECT is_merging FROM dsql_merge_status", want: rs(false)},
	}
	// Two sessions resolve different conflicts of t, each in its own transaction: both
	// commits land (the merge states merge three-way), as do both rows.
	concurrent := conflicted
	concurrent.name = "two sessions resolving different conflicts of t concurrently both land"
	concurrent.after = []step{
		{q: "COMMIT"}, {q: "BEGIN"}, {s: "b", q: "BEGIN"},
		{q: "UPDATE dsql_conflicts_t SET our_a = 15 WHERE base_pk = 1"},
		{s: "b", q: "UPDATE dsql_conflicts_t SET our_b = 35 WHERE base_pk = 3"},
		{q: "SELECT base_pk FROM dsql_conflicts_t", want: rs(3)},
		{s: "b", q: "SELECT base_pk FROM dsql_conflicts_t", want: rs(1)},
		{s: "b", q: "COMMIT"},
		{q: "SELECT base_pk FROM dsql_conflicts_t", want: rs(3)},
		{q: "COMMIT"},
		{q: "SELECT * FROM dsql_conflicts", want: noConflicts},
		{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 15, 1), r(2, 22, 2), r(3, 3, 35)}},
		{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
		{q: "SELECT * FROM t AS OF 'HEAD' ORDER BY 1", want: []sql.Row{r(1, 15, 1), r(2, 22, 2), r(3, 3, 35)}},
	}
	// The same conflict resolved differently by two sessions: the second COMMIT is a
	// serialization failure (its row collides), and nothing of it lands.
	collide := conflicted
	collide.name = "two sessions resolving the same conflict differently: the second COMMIT fails with 1213"
	collide.after = []step{
		{q: "COMMIT"}, {q: "BEGIN"}, {s: "b", q: "BEGIN"},
		{q: "UPDATE dsql_conflicts_t SET our_a = 15 WHERE base_pk = 1"},
		{s: "b", q: "UPDATE dsql_conflicts_t SET our_a = 16 WHERE base_pk = 1"},
		{s: "b", q: "COMMIT"},
		{q: "COMMIT", err: "serialization failure"},
		{q: "SELECT * FROM t WHERE pk = 1", want: []sql.Row{r(1, 16, 1)}},
		{q: "SELECT base_pk FROM dsql_conflicts_t", want: rs(3)},
	}
	// The merge ended by another session meanwhile: the resolution has nothing to merge
	// into, so COMMIT is a serialization failure.
	aborted := conflicted
	aborted.name = "the merge aborted by another session meanwhile: COMMIT fails with 1213"
	aborted.after = []step{
		{q: "COMMIT"}, {q: "BEGIN"},
		{q: "DELETE FROM dsql_conflicts_t WHERE base_pk = 3"},
		{s: "b", q: "CALL dsql_merge('--abort')"},
		{q: "COMMIT", err: "serialization failure"},
		{q: "SELECT is_merging FROM dsql_merge_status", want: rs(false)},
		{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 10, 1), r(2, 2, 2), r(3, 3, 30)}},
	}
	// dsql_conflicts_resolve is transactional too.
	resolveProc := conflicted
	resolveProc.name = "dsql_conflicts_resolve in a transaction: ROLLBACK undoes it, COMMIT lands it"
	resolveProc.after = []step{
		{q: "COMMIT"}, {q: "BEGIN"},
		{q: "CALL dsql_conflicts_resolve('--theirs', 't')"},
		{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 20, 21), r(2, 22, 2)}},
		{q: "SELECT * FROM dsql_conflicts", want: noConflicts},
		{s: "b", q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 2)}},
		{q: "ROLLBACK"},
		{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 10, 1), r(2, 22, 2), r(3, 3, 30)}},
		{q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 2)}},
		{q: "CALL dsql_conflicts_resolve('--theirs', 't')"},
		{q: "COMMIT"},
		{s: "b", q: "SELECT * FROM dsql_conflicts", want: noConflicts},
		{s: "b", q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 20, 21), r(2, 22, 2)}},
		{q: "CALL dsql_commit('-m', 'merged')", want: []sql.Row{r(hash)}},
		{q: "SELECT * FROM t AS OF 'HEAD' ORDER BY 1", want: []sql.Row{r(1, 20, 21), r(2, 22, 2)}},
	}
	runMergeCases(t, []mergeCase{autocommit, inTx, rollback, concurrent, collide, aborted, resolveProc, constrained, deletedByUs, foreign, generated})
}
