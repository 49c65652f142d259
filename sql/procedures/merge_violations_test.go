package procedures_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
)

const (
	fkParent = "CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(10))"
	fkChild  = "CREATE TABLE c (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id))"
	fkRows   = "INSERT INTO p VALUES (1, 'one'), (2, 'two'), (3, 'three')"
	fkQuery  = "SELECT * FROM c ORDER BY id"
)

// Foreign-key violations a merge produces are recorded in dsql_constraint_violations.
func TestMergeForeignKeyViolations(t *testing.T) {
	runMergeCases(t, []mergeCase{
		{name: "child added on our side, its parent deleted on theirs", setup: []string{fkParent, fkChild, fkRows, "INSERT INTO c VALUES (1, 1)"},
			ours:   []string{"INSERT INTO c VALUES (2, 2)"},
			theirs: []string{"DELETE FROM p WHERE id = 2"},
			tx:     true, result: violationRow(1, "c"), query: fkQuery, want: []sql.Row{r(1, 1), r(2, 2)},
			after: []step{
				{q: "SELECT * FROM dsql_constraint_violations", want: []sql.Row{r("c", 1)}},
				{q: "SELECT violation_type, id, pid, json_unquote(json_extract(violation_info, '$.ForeignKey')), json_unquote(json_extract(violation_info, '$.ReferencedTable')) FROM dsql_constraint_violations_c",
					want: []sql.Row{r("foreign key", 2, 2, "fk_p", "p")}},
				{q: "SELECT id FROM p ORDER BY id", want: rs(1, 3)},
				{q: "CALL dsql_commit('-am', 'm')", err: "unresolved constraint violations in c"},
				{q: "UPDATE c SET pid = 3 WHERE id = 2"},
				{q: "DELETE FROM dsql_constraint_violations_c"},
				{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
				{q: "SELECT * FROM c AS OF 'HEAD' ORDER BY id", want: []sql.Row{r(1, 1), r(2, 3)}},
			}},
		{name: "parent deleted on our side, child added on theirs", setup: []string{fkParent, fkChild, fkRows},
			ours:   []string{"DELETE FROM p WHERE id = 3"},
			theirs: []string{"INSERT INTO c VALUES (5, 3), (6, 1)"},
			tx:     true, result: violationRow(1, "c"), query: fkQuery, want: []sql.Row{r(5, 3), r(6, 1)},
			after: []step{{q: "SELECT id, pid FROM dsql_constraint_violations_c", want: []sql.Row{r(5, 3)}}}},
		{name: "foreign-key violation in autocommit mode: rolled back with an error", setup: []string{fkParent, fkChild, fkRows},
			ours:   []string{"DELETE FROM p WHERE id = 3"},
			theirs: []string{"INSERT INTO c VALUES (5, 3)"},
			err:    "merge has constraint violations in c (foreign key fk_p: 1 rows of c reference missing rows of p)", query: fkQuery, want: []sql.Row{}},
		{name: "foreign key added on their side, our rows break it", setup: []string{fkParent, "CREATE TABLE c (id INT PRIMARY KEY, pid INT, KEY (pid))", fkRows},
			ours:   []string{"INSERT INTO c VALUES (1, 1), (9, 99)"},
			theirs: []string{"ALTER TABLE c ADD CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id)", "INSERT INTO p VALUES (4, 'four')"},
			tx:     true, result: violationRow(1, "c"), query: fkQuery, want: []sql.Row{r(1, 1), r(9, 99)},
			after: []step{{q: "SELECT violation_type, id, pid FROM dsql_constraint_violations_c", want: []sql.Row{r("foreign key", 9, 99)}}}},
		{name: "NULL foreign-key values never violate", setup: []string{fkParent, fkChild, fkRows},
			ours:   []string{"DELETE FROM p WHERE id = 3"},
			theirs: []string{"INSERT INTO c VALUES (5, NULL), (6, 2)"},
			result: mergedRow, query: fkQuery, want: []sql.Row{r(5, nil), r(6, 2)}},
		{name: "parent changed and child added on different rows: no violation", setup: []string{fkParent, fkChild, fkRows, "INSERT INTO c VALUES (1, 1)"},
			ours:   []string{"UPDATE p SET name = 'uno' WHERE id = 1", "DELETE FROM p WHERE id = 3"},
			theirs: []string{"INSERT INTO c VALUES (2, 2)"},
			result: mergedRow, query: fkQuery, want: []sql.Row{r(1, 1), r(2, 2)}},
		{name: "keyless table: unique violation recorded", setup: []string{"CREATE TABLE k (a INT, b INT, UNIQUE KEY ub (b))", "INSERT INTO k VALUES (1, 1)"},
			ours:   []string{"INSERT INTO k VALUES (2, 5)"},
			theirs: []string{"INSERT INTO k VALUES (3, 5)"},
			tx:     true, result: violationRow(2, "k"), query: "SELECT * FROM k ORDER BY a", want: []sql.Row{r(1, 1), r(2, 5), r(3, 5)},
			after: []step{
				{q: "SELECT violation_type, a, b FROM dsql_constraint_violations_k ORDER BY a", want: []sql.Row{r("unique index", 2, 5), r("unique index", 3, 5)}},
				{q: "DELETE FROM k WHERE a = 3"},
				{q: "DELETE FROM dsql_constraint_violations_k"},
				// -A, not -a: the fixed table equals HEAD's, which -a does not stage.
				{q: "CALL dsql_commit('-Am', 'merged')", want: []sql.Row{r(hash)}},
				{q: "SELECT * FROM k ORDER BY a", want: []sql.Row{r(1, 1), r(2, 5)}},
			}},
		{name: "unique and foreign-key violations in one merge", setup: []string{fkParent, "CREATE TABLE c (id INT PRIMARY KEY, pid INT, u INT, UNIQUE KEY uu (u), CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id))", fkRows},
			ours:   []string{"DELETE FROM p WHERE id = 3", "INSERT INTO c VALUES (1, 1, 7)"},
			theirs: []string{"INSERT INTO c VALUES (2, 3, 7)"},
			tx:     true, result: violationRow(3, "c"), query: fkQuery, want: []sql.Row{r(1, 1, 7), r(2, 3, 7)},
			after: []step{{q: "SELECT violation_type, id FROM dsql_constraint_violations_c ORDER BY id, violation_type",
				want: []sql.Row{r("unique index", 1), r("foreign key", 2), r("unique index", 2)}}}},
	})
}

// Cherry-pick and revert use the same schema merge and record schema conflicts.
func TestCherryPickSchemaChanges(t *testing.T) {
	e := newEnv(t)
	a := e.session("a")
	e.exec(a, tAB, tRows, "CALL dsql_commit('-Am', 'base')", "CALL dsql_branch('feature')",
		"UPDATE t SET a = 10 WHERE pk = 1", "CALL dsql_commit('-am', 'ours')",
		"CALL dsql_checkout('feature')", "ALTER TABLE t ADD COLUMN c INT DEFAULT 3", "CALL dsql_commit('-am', 'add c')",
		"ALTER TABLE t ADD COLUMN d INT", "CALL dsql_commit('-am', 'add d')",
		"CALL dsql_checkout('main')")
	e.check("pick add c", step{q: "CALL dsql_cherry_pick('feature~1')", want: []sql.Row{r(hash, 0, 0)}})
	e.check("rows", step{q: "SELECT * FROM t ORDER BY 1", want: []sql.Row{r(1, 10, 1, 3), r(2, 2, 2, 3), r(3, 3, 3, 3)}})
	e.exec(a, "ALTER TABLE t ADD COLUMN d VARCHAR(3)", "CALL dsql_commit('-am', 'our d')", "SET autocommit = 0")
	e.check("pick add d: schema conflict", step{q: "CALL dsql_cherry_pick('feature')", want: []sql.Row{r(nil, 0, 1)}})
	e.check("schema conflicts", step{q: "SELECT table_name, description FROM dsql_schema_conflicts", want: []sql.Row{r("t", `column "d" added on both sides with different definitions`)}})
	e.check("abort", step{q: "CALL dsql_cherry_pick('--abort')", want: []sql.Row{r(nil, 0, 0)}})
	e.check("no conflicts", step{q: "SELECT count(*) FROM dsql_schema_conflicts", want: rs(0)})
	e.checkIndexes()
}

// CHECK constraints violated by merged rows are recorded.
func TestMergeCheckViolations(t *testing.T) {
	const tc = "CREATE TABLE t (pk INT PRIMARY KEY, a INT, b INT, CONSTRAINT sum_small CHECK (a + b < 10))"
	runMergeCases(t, []mergeCase{
		{name: "cell-wise merge breaks a check", setup: []string{tc, tRows},
			ours:   []string{"UPDATE t SET a = 5 WHERE pk = 1"},
			theirs: []string{"UPDATE t SET b = 6 WHERE pk = 1"},
			tx:     true, result: violationRow(1, "t"), want: []sql.Row{r(1, 5, 6), r(2, 2, 2), r(3, 3, 3)},
			after: []step{
				{q: "SELECT violation_type, pk, a, b, json_unquote(json_extract(violation_info, '$.Name')) FROM dsql_constraint_violations_t",
					want: []sql.Row{r("check constraint", 1, 5, 6, "sum_small")}},
				{q: "CALL dsql_commit('-am', 'm')", err: "unresolved constraint violations in t"},
				{q: "UPDATE t SET b = 1 WHERE pk = 1"},
				{q: "DELETE FROM dsql_constraint_violations_t WHERE pk = 1"},
				{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
			}},
		{name: "check added on their side, our new rows break it", setup: []string{tAB, tRows},
			ours:   []string{"INSERT INTO t VALUES (4, -4, 4), (5, 5, 5)"},
			theirs: []string{"ALTER TABLE t ADD CONSTRAINT a_pos CHECK (a >= 0)", "UPDATE t SET b = 0 WHERE pk = 3"},
			tx:     true, result: violationRow(1, "t"), want: []sql.Row{r(1, 1, 1), r(2, 2, 2), r(3, 3, 0), r(4, -4, 4), r(5, 5, 5)},
			after: []step{{q: "SELECT violation_type, pk FROM dsql_constraint_violations_t", want: []sql.Row{r("check constraint", 4)}}}},
		{name: "check calling a function, added on our side", setup: []string{"CREATE TABLE t (pk INT PRIMARY KEY, s VARCHAR(10))", "INSERT INTO t VALUES (1, 'abc')"},
			ours:   []string{"ALTER TABLE t ADD CONSTRAINT s_len CHECK (char_length(s) > 1)"},
			theirs: []string{"INSERT INTO t VALUES (2, 'x'), (3, 'yz')"},
			tx:     true, result: violationRow(1, "t"), want: []sql.Row{r(1, "abc"), r(2, "x"), r(3, "yz")},
			after: []step{{q: "SELECT violation_type, pk, s FROM dsql_constraint_violations_t", want: []sql.Row{r("check constraint", 2, "x")}}}},
		{name: "check violation in autocommit mode: rolled back with an error", setup: []string{tc, tRows},
			ours:   []string{"UPDATE t SET a = 5 WHERE pk = 1"},
			theirs: []string{"UPDATE t SET b = 6 WHERE pk = 1"},
			err:    "merge has constraint violations in t (check sum_small: 1 rows of t violate it)", want: []sql.Row{r(1, 5, 1), r(2, 2, 2), r(3, 3, 3)}},
		{name: "NULL check results do not violate", setup: []string{tc, tRows},
			ours:   []string{"UPDATE t SET a = NULL WHERE pk = 2"},
			theirs: []string{"UPDATE t SET b = 7 WHERE pk = 2"},
			result: mergedRow, want: []sql.Row{r(1, 1, 1), r(2, nil, 7), r(3, 3, 3)}},
	})
}
