package dataio_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/dataio"
)

// TestImportRowPath: tables whose rows INSERT checks, computes or fires something for
// (keyless, foreign keys both ways, CHECK, generated columns, expression defaults,
// triggers) import through INSERT's machinery: the result equals INSERTs of the same rows
// (same table hash, trigger side effects included), and a bad row fails the import
// naming file:line and the constraint, leaving every table as it was; --continue skips it.
func TestImportRowPath(t *testing.T) {
	const parent = "CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(20))"
	type tc struct {
		name  string
		ddl   []string // run in both databases before the import
		table string
		mode  dataio.Mode
		csv   string
		// insert is the SQL equivalent of the import (run in "b"); "" = none (error case).
		insert []string
		err    string // the import's error ("" = succeeds)
		// skipped, for an error case, is what --continue skips; the result then equals
		// contInsert.
		skipped    int64
		contInsert []string
		rows       int64
	}
	cases := []tc{
		{name: "keyless with duplicates", ddl: []string{"CREATE TABLE k (a INT, b VARCHAR(10), KEY (b))"}, table: "k", mode: dataio.Replace,
			csv:    "a,b\n1,x\n1,x\n2,\n3,y\n1,x\n",
			insert: []string{"INSERT INTO k VALUES (1,'x'),(1,'x'),(2,NULL),(3,'y'),(1,'x')"}, rows: 5},
		{name: "keyless bad value", ddl: []string{"CREATE TABLE k (a INT, b VARCHAR(10))", "INSERT INTO k VALUES (9, 'before')"}, table: "k", mode: dataio.Replace,
			csv: "a,b\n1,x\nzz,y\n2,z\n", err: `in.csv:3:1: column "a": "zz" is not a valid int value`,
			skipped: 1, contInsert: []string{"DELETE FROM k", "INSERT INTO k VALUES (1,'x'),(2,'z')"}},
		{name: "foreign key child", ddl: []string{parent, "INSERT INTO p VALUES (1,'a'),(2,'b')",
			"CREATE TABLE c (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id))"}, table: "c", mode: dataio.Update,
			csv: "id,pid\n10,1\n11,2\n12,\n", insert: []string{"INSERT INTO c VALUES (10,1),(11,2),(12,NULL)"}, rows: 3},
		{name: "foreign key violated", ddl: []string{parent, "INSERT INTO p VALUES (1,'a'),(2,'b')",
			"CREATE TABLE c (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id))", "INSERT INTO c VALUES (1, 1)"}, table: "c", mode: dataio.Update,
			csv: "id,pid\n10,1\n11,7\n12,2\n", err: "in.csv:3: cannot add or update a child row - Foreign key violation on fk: `fk_p`, table: `c`, referenced table: `p`, key: `[7]` (MySQL error 1452)", skipped: 1,
			contInsert: []string{"INSERT INTO c VALUES (10,1),(12,2)"}},
		{name: "foreign key to a row of the same file", ddl: []string{"CREATE TABLE e (id INT PRIMARY KEY, boss INT, FOREIGN KEY (boss) REFERENCES e (id))"}, table: "e", mode: dataio.Replace,
			csv: "id,boss\n1,\n2,1\n3,2\n", insert: []string{"INSERT INTO e VALUES (1,NULL),(2,1),(3,2)"}, rows: 3},
		{name: "parent table upsert", ddl: []string{parent, "INSERT INTO p VALUES (1,'a'),(2,'b')",
			"CREATE TABLE c (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id))", "INSERT INTO c VALUES (1, 1)"}, table: "p", mode: dataio.Update,
			csv: "id,name\n2,B\n3,c\n", insert: []string{"INSERT INTO p VALUES (2,'B'),(3,'c') ON DUPLICATE KEY UPDATE name = VALUES(name)"}, rows: 2},
		{name: "parent table replace refused", ddl: []string{parent,
			"CREATE TABLE c (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id))"}, table: "p", mode: dataio.Replace,
			csv: "id,name\n2,B\n", err: "referenced by foreign key fk_p of table \"c\"", skipped: -1},
		{name: "check constraint", ddl: []string{"CREATE TABLE ck (id INT PRIMARY KEY, n INT, CONSTRAINT n_pos CHECK (n > 0))"}, table: "ck", mode: dataio.Replace,
			csv: "id,n\n1,5\n2,6\n", insert: []string{"INSERT INTO ck VALUES (1,5),(2,6)"}, rows: 2},
		{name: "check constraint violated", ddl: []string{"CREATE TABLE ck (id INT PRIMARY KEY, n INT, CONSTRAINT n_pos CHECK (n > 0))", "INSERT INTO ck VALUES (100, 1)"}, table: "ck", mode: dataio.Update,
			csv: "id,n\n1,5\n2,-6\n3,7\n", err: "in.csv:3: Check constraint \"n_pos\" violated (MySQL error 3819)", skipped: 1,
			contInsert: []string{"INSERT INTO ck VALUES (1,5),(3,7)"}},
		{name: "generated columns and expression default", ddl: []string{"CREATE TABLE g (id INT PRIMARY KEY, a INT, b INT AS (a * 2) STORED, c INT AS (a + 1) VIRTUAL, s VARCHAR(40) DEFAULT (CONCAT('x', 'y')), KEY (b))"}, table: "g", mode: dataio.Replace,
			csv: "id,a\n1,10\n2,\n3,-4\n", insert: []string{"INSERT INTO g (id, a) VALUES (1,10),(2,NULL),(3,-4)"}, rows: 3},
		{name: "expression default missing from the file", ddl: []string{"CREATE TABLE x (id INT PRIMARY KEY, a INT, s VARCHAR(40) DEFAULT (CONCAT('x', 'y')), KEY (s))"}, table: "x", mode: dataio.Replace,
			csv: "id,a\n1,2\n2,3\n", insert: []string{"INSERT INTO x (id, a) VALUES (1,2),(2,3)"}, rows: 2},
		{name: "generated column upsert", ddl: []string{"CREATE TABLE g (id INT PRIMARY KEY, a INT, b INT AS (a * 2) STORED)", "INSERT INTO g (id, a) VALUES (1, 1), (2, 2)"}, table: "g", mode: dataio.Update,
			csv: "id,a\n2,20\n3,30\n", insert: []string{"INSERT INTO g (id, a) VALUES (2,20),(3,30) ON DUPLICATE KEY UPDATE a = VALUES(a)"}, rows: 2},
		{name: "auto increment keyless-free", ddl: []string{"CREATE TABLE ai (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(5), CHECK (v <> 'bad'))"}, table: "ai", mode: dataio.Replace,
			csv: "v\na\nb\nc\n", insert: []string{"INSERT INTO ai (v) VALUES ('a'),('b'),('c')"}, rows: 3},
		{name: "triggers fire", ddl: []string{"CREATE TABLE lg (msg VARCHAR(40))", "CREATE TABLE tr (id INT PRIMARY KEY, n INT)",
			"CREATE TRIGGER tr_bi BEFORE INSERT ON tr FOR EACH ROW SET NEW.n = NEW.n + 1000",
			"CREATE TRIGGER tr_ai AFTER INSERT ON tr FOR EACH ROW INSERT INTO lg VALUES (CONCAT('ins ', NEW.id))"}, table: "tr", mode: dataio.Replace,
			csv: "id,n\n1,1\n2,2\n", insert: []string{"INSERT INTO tr VALUES (1,1),(2,2)"}, rows: 2},
		{name: "trigger side effects undone", ddl: []string{"CREATE TABLE lg (msg VARCHAR(40))", "CREATE TABLE tr (id INT PRIMARY KEY, n INT NOT NULL)",
			"CREATE TRIGGER tr_ai AFTER INSERT ON tr FOR EACH ROW INSERT INTO lg VALUES (CONCAT('ins ', NEW.id))", "INSERT INTO tr VALUES (50, 5)"}, table: "tr", mode: dataio.Update,
			csv: "id,n\n1,1\n2,2\n3,\n", err: "in.csv:4: column name 'n' is non-nullable but attempted to set a value of null (MySQL error 1048)", skipped: 1,
			contInsert: []string{"INSERT INTO tr VALUES (1,1),(2,2)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.exec("a", c.ddl...)
			e.exec("b", c.ddl...)
			tables := []string{c.table, "p", "c", "lg"}
			before := map[string]string{}
			for _, tb := range tables {
				before[tb] = e.tableHash("a", tb).String()
			}
			res, err := e.importText("a", c.table, dataio.CSV, c.csv, dataio.ImportOptions{Mode: c.mode})
			if c.err == "" {
				require.NoError(t, err)
				require.Equal(t, c.rows, res.Rows)
				e.exec("b", c.insert...)
				for _, tb := range tables {
					require.Equal(t, e.tableHash("b", tb), e.tableHash("a", tb), "table %s", tb)
				}
				return
			}
			require.ErrorContains(t, err, c.err)
			for _, tb := range tables {
				require.Equal(t, before[tb], e.tableHash("a", tb).String(), "table %s changed", tb)
			}
			res, err = e.importText("a", c.table, dataio.CSV, c.csv, dataio.ImportOptions{Mode: c.mode, Continue: true})
			if c.skipped < 0 {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.skipped, res.Skipped)
			e.exec("b", c.contInsert...)
			for _, tb := range tables {
				if e.tableHash("b", tb).IsEmpty() {
					continue
				}
				require.Equal(t, fmt.Sprint(e.rows("b", "SELECT * FROM "+tb+" ORDER BY 1")), fmt.Sprint(e.rows("a", "SELECT * FROM "+tb+" ORDER BY 1")), "table %s", tb)
			}
		})
	}
}

// TestImportRowPathJSON: JSON records naming different columns (one statement per column
// list) equal INSERTs of the same rows.
func TestImportRowPathJSON(t *testing.T) {
	e := newEnv(t)
	const ddl = "CREATE TABLE j (id INT, a INT DEFAULT 7, s VARCHAR(10) DEFAULT (CONCAT('d', 'f')))"
	e.exec("a", ddl)
	e.exec("b", ddl, "INSERT INTO j (id, a) VALUES (1, 10)", "INSERT INTO j (id, s) VALUES (2, 'x')",
		"INSERT INTO j (s, id) VALUES ('y', 3)", "INSERT INTO j (id, a) VALUES (4, NULL)")
	res, err := e.importText("a", "j", dataio.JSONL, `{"id": 1, "a": 10}
{"id": 2, "s": "x"}
{"s": "y", "id": 3}
{"id": 4, "a": null}
`, dataio.ImportOptions{Mode: dataio.Update})
	require.NoError(t, err)
	require.Equal(t, int64(4), res.Rows)
	require.Equal(t, e.tableHash("b", "j"), e.tableHash("a", "j"))
}

// TestImportRowPathCurrentTimestamp: a DEFAULT CURRENT_TIMESTAMP column the file does not
// give is filled as INSERT fills it; a file that gives it keeps the bulk path's speed.
func TestImportRowPathCurrentTimestamp(t *testing.T) {
	e := newEnv(t)
	e.exec("a", "CREATE TABLE ts (id INT PRIMARY KEY, at DATETIME DEFAULT CURRENT_TIMESTAMP)")
	_, err := e.importText("a", "ts", dataio.CSV, "id\n1\n2\n", dataio.ImportOptions{Mode: dataio.Update})
	require.NoError(t, err)
	require.Equal(t, "[[2]]", fmt.Sprint(e.rows("a", "SELECT count(*) FROM ts WHERE at IS NOT NULL")))
	res, err := e.importText("a", "ts", dataio.CSV, "id,at\n3,2024-01-02 03:04:05\n", dataio.ImportOptions{Mode: dataio.Update})
	require.NoError(t, err)
	require.Equal(t, int64(1), res.Rows)
	require.Equal(t, "[[3 2024-01-02 03:04:05 +0000 UTC]]", fmt.Sprint(e.rows("a", "SELECT * FROM ts WHERE id = 3")))
}

// TestImportRowPathCreateKeyless: -c of a table without a primary key (a schema without
// one) takes the row path; a large file spans several statements.
func TestImportRowPathCreateKeyless(t *testing.T) {
	e := newEnv(t)
	const ddl = "CREATE TABLE t (id INT, n INT, d DOUBLE, s VARCHAR(64), dt DATETIME, KEY ns (n, s))"
	schema, err := dataio.SchemaFromDDL(context.Background(), ddl, "t")
	require.NoError(t, err)
	text := rowsCSV(20000, true, 4)
	res, err := e.importText("a", "t", dataio.CSV, text, dataio.ImportOptions{Mode: dataio.Create, Schema: schema})
	require.NoError(t, err)
	require.Equal(t, int64(20000), res.Rows)
	e.exec("b", ddl)
	e.exec("b", insertStatements(text)...)
	require.Equal(t, e.tableHash("b", "t"), e.tableHash("a", "t"))
	require.True(t, strings.HasPrefix(text, "id,"))
}
