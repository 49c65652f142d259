package procedures_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
)

// Foreign keys against renamed or dropped columns, tables and indexes across merge sides
// (merkle/merge: dropDanglingForeignKeys, issue #5). One side adds a foreign key while
// the other renames or drops what it names: the merged root must not keep a key naming a
// missing column, table or parent index, so the key is left out and a schema conflict on
// its table says why. runMergeCases checks every index against its rows.
func TestMergeForeignKeyAgainstSchemaChanges(t *testing.T) {
	const (
		pT    = "CREATE TABLE p (id INT PRIMARY KEY, code INT, UNIQUE KEY uc (code))"
		cT    = "CREATE TABLE c (id INT PRIMARY KEY, a INT, x INT)"
		rows  = "INSERT INTO p VALUES (1, 10), (2, 20)"
		cRows = "INSERT INTO c VALUES (1, 1, 10), (2, 2, 20)"
		addFK = "ALTER TABLE c ADD CONSTRAINT fk_a FOREIGN KEY (a) REFERENCES p (id)"
		fks   = "SELECT constraint_name FROM information_schema.referential_constraints ORDER BY 1"
		desc  = "SELECT table_name, description FROM dsql_schema_conflicts"
	)
	setup := []string{pT, cT, rows, cRows}
	// resolved: the conflict resolves keeping ours' table (as merged) and the merge commits.
	resolved := func(side string, wantFKs []sql.Row) []step {
		return []step{
			{q: "CALL dsql_conflicts_resolve('--" + side + "', 'c')", want: rs(0)},
			{q: "SELECT count(*) FROM dsql_schema_conflicts", want: rs(0)},
			{q: fks, want: wantFKs},
			{q: "CALL dsql_commit('-am', 'merged')", want: []sql.Row{r(hash)}},
			{q: "SELECT count(*) FROM dsql_commit_ancestors WHERE commit_hash = dsql_hashof('HEAD')", want: rs(2)},
		}
	}
	cases := []mergeCase{
		{name: "ours adds a foreign key on c(a), theirs renames a: schema conflict, no dangling key", setup: setup,
			ours:   []string{addFK},
			theirs: []string{"ALTER TABLE c RENAME COLUMN a TO b"},
			tx:     true, result: schemaConflictRow("c"), query: fks, want: noRows,
			after: append([]step{
				{q: desc, want: []sql.Row{r("c", "foreign key fk_a (c (a) REFERENCES p (id)) from ours: column a of c was dropped or renamed on theirs; the merged root leaves the key out")}},
				{q: "SELECT * FROM dsql_merge_status", want: []sql.Row{r(true, "feature", hash, "main", "c")}},
			}, resolved("ours", noRows)...)},
		{name: "ours renames a, theirs adds a foreign key on c(a)", setup: setup,
			ours:   []string{"ALTER TABLE c RENAME COLUMN a TO b"},
			theirs: []string{addFK},
			tx:     true, result: schemaConflictRow("c"), query: fks, want: noRows,
			after: append([]step{
				{q: desc, want: []sql.Row{r("c", "foreign key fk_a (c (a) REFERENCES p (id)) from theirs: column a of c was dropped or renamed on ours; the merged root leaves the key out")}},
			}, resolved("theirs", rs("fk_a"))...)},
		{name: "ours adds a foreign key on c(a), theirs drops a: c's schemas conflict, the merged root keeps ours' c and its key", setup: setup,
			ours:   []string{addFK},
			theirs: []string{"ALTER TABLE c DROP COLUMN a"},
			tx:     true, result: schemaConflictRow("c"), query: desc,
			want: []sql.Row{r("c", `the combined schema is invalid: repo: invalid schema: table "c": index "fk_a" names column "a", which does not exist`)},
			after: append([]step{
				{q: fks, want: rs("fk_a")},
				{q: "SELECT id, a, x FROM c ORDER BY id", want: []sql.Row{r(1, 1, 10), r(2, 2, 20)}},
			}, resolved("theirs", noRows)...)},
		{name: "ours adds a foreign key on c(a) over an existing index, theirs drops a: the key is left out", setup: []string{pT, "CREATE TABLE c (id INT PRIMARY KEY, a INT, x INT, KEY ka (a))", rows, cRows},
			ours:   []string{addFK},
			theirs: []string{"ALTER TABLE c DROP COLUMN a"},
			tx:     true, result: schemaConflictRow("c"), query: fks, want: noRows,
			after: append([]step{
				{q: desc, want: []sql.Row{r("c", "foreign key fk_a (c (a) REFERENCES p (id)) from ours: column a of c was dropped or renamed on theirs; the merged root leaves the key out")}},
				{q: "SELECT * FROM c ORDER BY id", want: []sql.Row{r(1, 10), r(2, 20)}},
			}, resolved("ours", noRows)...)},
		{name: "ours adds a foreign key to p, theirs drops p", setup: setup,
			ours:   []string{addFK},
			theirs: []string{"DROP TABLE p"},
			tx:     true, result: schemaConflictRow("c"), query: fks, want: noRows,
			after: []step{
				{q: desc, want: []sql.Row{r("c", "foreign key fk_a (c (a) REFERENCES p (id)) from ours: referenced table p was dropped or renamed on theirs; the merged root leaves the key out")}},
				{q: "SHOW TABLES", want: rs("c")},
			}},
		{name: "ours adds a foreign key to p(code), theirs drops column code", setup: setup,
			ours:   []string{"ALTER TABLE c ADD CONSTRAINT fk_code FOREIGN KEY (x) REFERENCES p (code)"},
			theirs: []string{"ALTER TABLE p DROP COLUMN code"},
			tx:     true, result: schemaConflictRow("c"), query: fks, want: noRows,
			after: []step{
				{q: desc, want: []sql.Row{r("c", "foreign key fk_code (c (x) REFERENCES p (code)) from ours: referenced column code of p was dropped or renamed on theirs; the merged root leaves the key out")}},
			}},
		{name: "ours adds a foreign key to p(code), theirs drops the unique index on code", setup: setup,
			ours:   []string{"ALTER TABLE c ADD CONSTRAINT fk_code FOREIGN KEY (x) REFERENCES p (code)"},
			theirs: []string{"ALTER TABLE p DROP INDEX uc"},
			tx:     true, result: schemaConflictRow("c"), query: fks, want: noRows,
			after: []step{
				{q: desc, want: []sql.Row{r("c", "foreign key fk_code (c (x) REFERENCES p (code)) from ours: the index of p on (code) that the key needs was dropped on theirs; the merged root leaves the key out")}},
			}},
		{name: "a foreign key and a rename of another column merge cleanly", setup: setup,
			ours:   []string{addFK},
			theirs: []string{"ALTER TABLE c RENAME COLUMN x TO y"},
			result: mergedRow, query: fks, want: rs("fk_a"),
			after: []step{
				{q: "SELECT count(*) FROM dsql_schema_conflicts", want: rs(0)},
				{q: "INSERT INTO c VALUES (3, 9, 0)", err: "Foreign key violation"},
				{q: "SELECT id, a, y FROM c ORDER BY id", want: []sql.Row{r(1, 1, 10), r(2, 2, 20)}},
			}},
		{name: "a foreign key in the ancestor follows a rename on one side", setup: append(setup[:4:4], addFK),
			theirs: []string{"ALTER TABLE c RENAME COLUMN a TO b"},
			ours:   []string{"INSERT INTO c VALUES (3, 1, 10)"},
			result: mergedRow, query: "SELECT column_name FROM information_schema.key_column_usage WHERE constraint_name = 'fk_a'", want: rs("b"),
			after: []step{
				{q: "SELECT count(*) FROM dsql_schema_conflicts", want: rs(0)},
				{q: "SELECT id, b FROM c ORDER BY id", want: []sql.Row{r(1, 1), r(2, 2), r(3, 1)}},
			}},
	}
	runMergeCases(t, cases)
}
