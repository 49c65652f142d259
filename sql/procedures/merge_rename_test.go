package procedures_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
)

// Column renames across merge sides (merkle/merge: columnRenames). A column renamed on
// one side (ALTER TABLE ... RENAME COLUMN) merges with the other side's row changes: their
// values land in the renamed column, and the indexes and checks that name it follow.
// Renames that collide with the other side's changes are schema conflicts.
// runMergeCases checks every index against its rows.
func TestMergeColumnRenames(t *testing.T) {
	const tABC = "CREATE TABLE t (pk INT PRIMARY KEY, a INT, b INT, INDEX ab (a, b))"
	conflictDesc := func(desc string) []step {
		return []step{
			{q: "SELECT table_name, description FROM dsql_schema_conflicts", want: []sql.Row{r("t", desc)}},
			{q: "CALL dsql_conflicts_resolve('--ours', 't')", want: rs(0)},
			{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
		}
	}
	runMergeCases(t, []mergeCase{
		{name: "renamed on our side: their changed and new rows land in the renamed column", setup: []string{tABC, tRows},
			ours:   []string{"ALTER TABLE t RENAME COLUMN a TO c", "UPDATE t SET b = 10 WHERE pk = 1"},
			theirs: []string{"UPDATE t SET a = 20 WHERE pk = 2", "INSERT INTO t VALUES (4, 40, 4)", "DELETE FROM t WHERE pk = 3"},
			result: mergedRow, query: "SELECT pk, c, b FROM t ORDER BY 1", want: []sql.Row{r(1, 1, 10), r(2, 20, 2), r(4, 40, 4)},
			after: []step{
				{q: "SELECT pk FROM t WHERE c = 40 AND b = 4", want: rs(4)},
				{q: "SELECT pk FROM t WHERE c = 20", want: rs(2)},
				{q: "SELECT column_name FROM information_schema.statistics WHERE table_name = 't' AND index_name = 'ab' ORDER BY seq_in_index", want: rs("c", "b")},
				{q: "SELECT count(*) FROM dsql_schema_conflicts", want: rs(0)},
			}},
		{name: "renamed on their side: our changes land in the renamed column", setup: []string{tABC, tRows},
			ours:   []string{"UPDATE t SET a = 11 WHERE pk = 1", "INSERT INTO t VALUES (5, 50, 5)"},
			theirs: []string{"ALTER TABLE t RENAME COLUMN a TO c", "UPDATE t SET b = 22 WHERE pk = 2"},
			result: mergedRow, query: "SELECT pk, c, b FROM t ORDER BY 1", want: []sql.Row{r(1, 11, 1), r(2, 2, 22), r(3, 3, 3), r(5, 50, 5)},
			after: []step{
				{q: "SELECT pk FROM t WHERE c = 50 AND b = 5", want: rs(5)},
				{q: "SELECT pk FROM t WHERE c = 11", want: rs(1)},
			}},
		{name: "the same row changed on both sides merges cell by cell across the rename", setup: []string{tABC, tRows},
			ours:   []string{"ALTER TABLE t RENAME COLUMN b TO bee", "UPDATE t SET bee = 100 WHERE pk = 1"},
			theirs: []string{"UPDATE t SET a = 200 WHERE pk = 1"},
			result: mergedRow, want: []sql.Row{r(1, 200, 100), r(2, 2, 2), r(3, 3, 3)}},
		{name: "the same cell changed on both sides across the rename is a row conflict shown in the new name", setup: []string{tABC, tRows},
			ours:   []string{"ALTER TABLE t RENAME COLUMN a TO c", "UPDATE t SET c = 10 WHERE pk = 1"},
			theirs: []string{"UPDATE t SET a = 20 WHERE pk = 1"},
			tx:     true, result: conflictRow(1, "t"), query: "SELECT pk, c, b FROM t ORDER BY 1", want: []sql.Row{r(1, 10, 1), r(2, 2, 2), r(3, 3, 3)},
			conflicts: []sql.Row{r("t", 1)},
			after: []step{
				{q: "SELECT base_c, our_c, their_c FROM dsql_conflicts_t", want: []sql.Row{r(1, 10, 20)}},
				{q: "CALL dsql_conflicts_resolve('--theirs', 't')", want: rs(0)},
				{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
				{q: "SELECT pk, c, b FROM t AS OF 'HEAD' ORDER BY 1", want: []sql.Row{r(1, 20, 1), r(2, 2, 2), r(3, 3, 3)}},
			}},
		{name: "renamed identically on both sides", setup: []string{tABC, tRows},
			ours:   []string{"ALTER TABLE t RENAME COLUMN a TO c", "UPDATE t SET c = 10 WHERE pk = 1"},
			theirs: []string{"ALTER TABLE t RENAME COLUMN a TO c", "UPDATE t SET c = 30 WHERE pk = 3"},
			result: mergedRow, query: "SELECT pk, c, b FROM t ORDER BY 1", want: []sql.Row{r(1, 10, 1), r(2, 2, 2), r(3, 30, 3)}},
		{name: "a primary-key column renamed on one side", setup: []string{tABC, tRows},
			ours:   []string{"ALTER TABLE t RENAME COLUMN pk TO id"},
			theirs: []string{"INSERT INTO t VALUES (4, 4, 4)", "UPDATE t SET a = 9 WHERE pk = 1"},
			result: mergedRow, query: "SELECT id, a, b FROM t ORDER BY 1", want: []sql.Row{r(1, 9, 1), r(2, 2, 2), r(3, 3, 3), r(4, 4, 4)}},
		{name: "renamed on one side, a column added on the other", setup: []string{tABC, tRows},
			ours:   []string{"ALTER TABLE t RENAME COLUMN a TO c"},
			theirs: []string{"ALTER TABLE t ADD COLUMN d INT DEFAULT 7", "UPDATE t SET a = 20, d = 8 WHERE pk = 2"},
			result: mergedRow, query: "SELECT pk, c, b, d FROM t ORDER BY 1", want: []sql.Row{r(1, 1, 1, 7), r(2, 20, 2, 8), r(3, 3, 3, 7)}},
		{name: "two columns renamed on one side", setup: []string{tABC, tRows},
			ours:   []string{"ALTER TABLE t RENAME COLUMN a TO x", "ALTER TABLE t RENAME COLUMN b TO y"},
			theirs: []string{"UPDATE t SET a = 20, b = 21 WHERE pk = 2"},
			result: mergedRow, query: "SELECT pk, x, y FROM t ORDER BY 1", want: []sql.Row{r(1, 1, 1), r(2, 20, 21), r(3, 3, 3)},
			after: []step{{q: "SELECT pk FROM t WHERE x = 20 AND y = 21", want: rs(2)}}},
		{name: "an index their side added on the column follows our rename", setup: []string{"CREATE TABLE t (pk INT PRIMARY KEY, a INT, b INT)", tRows},
			ours:   []string{"ALTER TABLE t RENAME COLUMN a TO c"},
			theirs: []string{"CREATE UNIQUE INDEX ua ON t (a)", "INSERT INTO t VALUES (4, 40, 4)"},
			result: mergedRow, query: "SELECT pk, c, b FROM t ORDER BY 1", want: []sql.Row{r(1, 1, 1), r(2, 2, 2), r(3, 3, 3), r(4, 40, 4)},
			after: []step{
				{q: "SELECT column_name FROM information_schema.statistics WHERE table_name = 't' AND index_name = 'ua'", want: rs("c")},
				{q: "SELECT pk FROM t WHERE c = 40", want: rs(4)},
				{q: "INSERT INTO t VALUES (5, 40, 5)", err: "duplicate"},
			}},
		{name: "a check on another column is kept (GMS, like MySQL, refuses to rename a column a check uses)",
			setup:  []string{"CREATE TABLE t (pk INT PRIMARY KEY, a INT, b INT, CONSTRAINT small CHECK (b < 100))", tRows},
			ours:   []string{"ALTER TABLE t RENAME COLUMN a TO c"},
			theirs: []string{"INSERT INTO t VALUES (4, 40, 4)"},
			result: mergedRow, query: "SELECT pk, c, b FROM t ORDER BY 1", want: []sql.Row{r(1, 1, 1), r(2, 2, 2), r(3, 3, 3), r(4, 40, 4)},
			after: []step{
				{q: "INSERT INTO t VALUES (5, 5, 500)", err: "small"},
				{q: "ALTER TABLE t RENAME COLUMN b TO bb", err: "check constraint"},
			}},
		// Collisions.
		{name: "renamed differently on both sides", setup: []string{tABC, tRows},
			ours: []string{"ALTER TABLE t RENAME COLUMN a TO c"}, theirs: []string{"ALTER TABLE t RENAME COLUMN a TO d"},
			tx: true, result: schemaConflictRow("t"), query: "SELECT pk, c, b FROM t ORDER BY 1", want: baseRowsAB,
			after: conflictDesc(`column "a" renamed to "c" on one side and to "d" on the other`)},
		{name: "renamed on one side, dropped on the other", setup: []string{tABC, tRows},
			ours: []string{"ALTER TABLE t RENAME COLUMN a TO c"}, theirs: []string{"ALTER TABLE t DROP COLUMN a"},
			tx: true, result: schemaConflictRow("t"), query: "SELECT pk, c, b FROM t ORDER BY 1", want: baseRowsAB,
			after: conflictDesc(`column "a" renamed to "c" on one side and dropped on the other`)},
		{name: "renamed a to c on one side while the other added a new c", setup: []string{tABC, tRows},
			ours: []string{"ALTER TABLE t ADD COLUMN c INT"}, theirs: []string{"ALTER TABLE t RENAME COLUMN a TO c"},
			tx: true, result: schemaConflictRow("t"), want: []sql.Row{r(1, 1, 1, nil), r(2, 2, 2, nil), r(3, 3, 3, nil)},
			after: conflictDesc(`column "a" renamed to "c" on one side while the other added a column "c"`)},
		{name: "renamed on one side, its type changed on the other", setup: []string{tABC, tRows},
			ours: []string{"ALTER TABLE t RENAME COLUMN a TO c"}, theirs: []string{"ALTER TABLE t MODIFY COLUMN a BIGINT"},
			tx: true, result: schemaConflictRow("t"), query: "SELECT pk, c, b FROM t ORDER BY 1", want: baseRowsAB,
			after: conflictDesc(`column "a" renamed to "c" on one side and changed on the other`)},
		{name: "different columns renamed on each side", setup: []string{tABC, tRows},
			ours: []string{"ALTER TABLE t RENAME COLUMN a TO c", "UPDATE t SET c = 10 WHERE pk = 1"}, theirs: []string{"ALTER TABLE t RENAME COLUMN b TO x", "UPDATE t SET x = 30 WHERE pk = 3"},
			result: mergedRow, query: "SELECT pk, c, x FROM t ORDER BY 1", want: []sql.Row{r(1, 10, 1), r(2, 2, 2), r(3, 3, 30)}},
		{name: "renamed on one side, a check using it added on the other", setup: []string{tABC, tRows},
			ours: []string{"ALTER TABLE t RENAME COLUMN a TO c"}, theirs: []string{"ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0)"},
			tx: true, result: schemaConflictRow("t"), query: "SELECT pk, c, b FROM t ORDER BY 1", want: baseRowsAB,
			after: conflictDesc(`check "pos" added or changed on one side uses column "a", renamed to "c" on the other`)},
		{name: "ambiguous: a column dropped and two of its type added at its place is not a rename", setup: []string{tABC, tRows},
			ours:   []string{"ALTER TABLE t DROP COLUMN a", "ALTER TABLE t ADD COLUMN x INT AFTER pk", "ALTER TABLE t ADD COLUMN y INT AFTER x"},
			theirs: []string{"UPDATE t SET a = 5 WHERE pk = 1"},
			tx:     true, result: schemaConflictRow("t"), query: "SELECT pk, x, y, b FROM t ORDER BY 1", want: []sql.Row{r(1, nil, nil, 1), r(2, nil, nil, 2), r(3, nil, nil, 3)},
			after: conflictDesc(`column "a" dropped and column "x" of the same type added on one side (a rename is not merged: the other side's values would be lost)`)},
	})
}
