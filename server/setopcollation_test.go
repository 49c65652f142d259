package server

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestSetOpCollation: UNION (DISTINCT), INTERSECT and EXCEPT, with and without ALL,
// compare strings under the result column's collation, as MySQL 8 does (invariant
// "collated set operations", sql/backend/setop.go): under the default utf8mb4_0900_ai_ci
// 'alice' and 'ALICE' are one row, the first one read; a binary column keeps both
// spellings; NULLs are equal; a PAD SPACE collation makes 'a' and 'a ' equal. A UNION
// column whose arms are strings of different types (lengths, a literal, collations) has
// MySQL's type and collation (sql/backend/unionstring.go), in a derived table's filter
// too. GROUP_CONCAT(DISTINCT ...) keeps one value per collation-equal group
// (groupconcat.go), a recursive CTE's UNION drops rows equal under the collation
// (recursivecte.go), and GROUP BY puts 'a' and 'a ' in one group under a PAD SPACE
// collation, two under NO PAD (grouppad.go).
func TestSetOpCollation(t *testing.T) {
	dir := t.TempDir()
	initRepo(t, filepath.Join(dir, "app"))
	s, _ := startServer(t, testConfig(dir))
	db := connect(t, s, "root", "", "app")
	db.SetMaxOpenConns(1)
	mustExec(t, db,
		"CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(20), b VARBINARY(20), g VARCHAR(20) COLLATE utf8mb4_general_ci, n INT)",
		"CREATE TABLE q (id INT PRIMARY KEY, name VARCHAR(20), b VARBINARY(20), g VARCHAR(20) COLLATE utf8mb4_general_ci, n INT)",
		"INSERT INTO p VALUES (1, 'alice', 'alice', 'a', 1), (2, 'bob', 'bob', 'a ', 2), (3, NULL, NULL, NULL, 3)",
		"INSERT INTO q VALUES (1, 'ALICE', 'ALICE', 'A', 1), (2, 'Carol', 'Carol', 'b', 2), (3, NULL, NULL, NULL, 3), (4, 'Alice', 'Alice', 'a', 5)",
	)

	// UNION: one row per collation-equal group, the first read (p's rows come first).
	wantRows(t, db, "SELECT name FROM p UNION SELECT name FROM q", "alice", "bob", "NULL", "Carol")
	wantRows(t, db, "SELECT name FROM p UNION DISTINCT SELECT name FROM q", "alice", "bob", "NULL", "Carol")
	wantRows(t, db, "SELECT name FROM q UNION SELECT name FROM p", "ALICE", "Carol", "NULL", "bob")
	wantRows(t, db, "SELECT name FROM p UNION ALL SELECT name FROM q", "alice", "bob", "NULL", "ALICE", "Carol", "NULL", "Alice")
	// A binary column keeps every spelling (NULLs are still one row).
	wantRows(t, db, "SELECT b FROM p UNION SELECT b FROM q", "alice", "bob", "NULL", "ALICE", "Carol", "Alice")
	// Rows are equal when every column is.
	wantRows(t, db, "SELECT name, n FROM p UNION SELECT name, n FROM q", "alice|1", "bob|2", "NULL|3", "Carol|2", "Alice|5")
	// PAD SPACE (utf8mb4_general_ci): 'a', 'a ' and 'A' are one row.
	wantRows(t, db, "SELECT g FROM p UNION SELECT g FROM q", "a", "NULL", "b")
	// A UNION ALL under a UNION: the outer UNION compares all the rows.
	wantRows(t, db, "SELECT name FROM p UNION ALL SELECT name FROM q UNION SELECT 'BOB'", "alice", "bob", "NULL", "Carol")
	// The set operation's own ORDER BY, LIMIT and OFFSET apply to the result.
	wantRows(t, db, "SELECT name FROM p UNION SELECT name FROM q ORDER BY name LIMIT 2 OFFSET 1", "alice", "bob")
	wantRows(t, db, "SELECT name FROM p UNION SELECT name FROM q LIMIT 2 OFFSET 1", "bob", "NULL")
	wantRows(t, db, "SELECT COUNT(*) FROM (SELECT name FROM p UNION SELECT name FROM q) d", "4")

	// INTERSECT and EXCEPT (DISTINCT): the left arm's rows, once each.
	wantRows(t, db, "SELECT name FROM p INTERSECT SELECT name FROM q", "alice", "NULL")
	wantRows(t, db, "SELECT name FROM q INTERSECT SELECT name FROM p", "ALICE", "NULL")
	wantRows(t, db, "SELECT name FROM p EXCEPT SELECT name FROM q", "bob")
	wantRows(t, db, "SELECT name FROM q EXCEPT SELECT name FROM p", "Carol")
	wantRows(t, db, "SELECT b FROM p INTERSECT SELECT b FROM q", "NULL")
	wantRows(t, db, "SELECT b FROM p EXCEPT SELECT b FROM q", "alice", "bob")
	wantRows(t, db, "SELECT g FROM p INTERSECT SELECT g FROM q", "a", "NULL")
	wantRows(t, db, "SELECT g FROM q EXCEPT SELECT g FROM p", "b")

	// INTERSECT ALL and EXCEPT ALL: multisets under the collation (min(m, n) and
	// max(m-n, 0) copies).
	mustExec(t, db,
		"CREATE TABLE m (id INT PRIMARY KEY, v VARCHAR(10))",
		"CREATE TABLE n (id INT PRIMARY KEY, v VARCHAR(10))",
		"INSERT INTO m VALUES (1, 'x'), (2, 'X'), (3, 'x'), (4, 'y'), (5, 'Y'), (6, NULL), (7, NULL)",
		"INSERT INTO n VALUES (1, 'X'), (2, 'y'), (3, 'y'), (4, 'y'), (5, NULL)",
	)
	// Each copy is the left arm's first row of its group (MariaDB 10.11 agrees).
	wantRows(t, db, "SELECT v FROM m INTERSECT ALL SELECT v FROM n ORDER BY v", "NULL", "x", "y", "y")
	wantRows(t, db, "SELECT v FROM m EXCEPT ALL SELECT v FROM n ORDER BY v", "NULL", "x", "x")
	wantRows(t, db, "SELECT v FROM n EXCEPT ALL SELECT v FROM m", "y")
	wantRows(t, db, "SELECT COUNT(*) FROM (SELECT v FROM m INTERSECT ALL SELECT v FROM n) d", "4")
	wantRows(t, db, "SELECT v FROM m INTERSECT SELECT v FROM n", "x", "y", "NULL")
	wantRows(t, db, "SELECT COUNT(*) FROM (SELECT v FROM m EXCEPT SELECT v FROM n) d", "0")
	wantRows(t, db, "SELECT v FROM m WHERE v IN (SELECT v FROM m INTERSECT SELECT 'x') ORDER BY id", "x", "X", "x")

	// In a correlated subquery (its rows carry the outer row), and SELECT DISTINCT there.
	wantRows(t, db, "SELECT o.id, (SELECT COUNT(*) FROM (SELECT name FROM p WHERE p.id = o.id UNION SELECT name FROM q WHERE q.id = o.id) x) FROM q o ORDER BY o.id",
		"1|1", "2|2", "3|1", "4|1")
	wantRows(t, db, "SELECT o.id, (SELECT COUNT(*) FROM (SELECT DISTINCT name FROM q WHERE q.id <= o.id) x) FROM q o ORDER BY o.id",
		"1|1", "2|2", "3|3", "4|3")

	// A recursive CTE's UNION (DISTINCT): a step producing 'ALICE' from 'alice' adds no
	// row and ends the recursion; UNION ALL and rows that differ otherwise go on.
	wantRows(t, db, "WITH RECURSIVE r(s, k) AS (SELECT name, 1 FROM p WHERE id = 1 UNION SELECT UPPER(s), k FROM r WHERE k < 3) SELECT * FROM r", "alice|1")
	wantRows(t, db, "WITH RECURSIVE r(s) AS (SELECT name FROM p WHERE id = 1 UNION SELECT UPPER(s) FROM r) SELECT * FROM r", "alice")
	wantRows(t, db, "WITH RECURSIVE r(s, k) AS (SELECT name, 1 FROM p WHERE id = 1 UNION SELECT UPPER(s), k + 1 FROM r WHERE k < 3) SELECT * FROM r", "alice|1", "ALICE|2", "ALICE|3")
	wantRows(t, db, "WITH RECURSIVE r(s, k) AS (SELECT name, 1 FROM p WHERE id = 1 UNION ALL SELECT UPPER(s), k FROM r WHERE k < 1) SELECT * FROM r", "alice|1")
	wantRows(t, db, "WITH RECURSIVE r(s) AS (SELECT name FROM p WHERE id = 1 UNION SELECT CONCAT(s, 'x') FROM r WHERE LENGTH(s) < 8) SELECT * FROM r ORDER BY s DESC LIMIT 2", "alicexxx", "alicexx")
	wantRows(t, db, "WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r", "1", "2", "3")

	// A server-side prepared statement.
	q := "SELECT name FROM p WHERE id >= ? AND name IS NOT NULL UNION SELECT name FROM q WHERE id >= ? AND name IS NOT NULL"
	if got, want := queryStringsArgs(t, db, q, 1, 1), []string{"alice", "bob", "Carol"}; !slices.Equal(got, want) {
		t.Errorf("prepared %s: got %q, want %q", q, got, want)
	}
	q = "SELECT GROUP_CONCAT(DISTINCT name ORDER BY id) FROM q WHERE id >= ?"
	if got, want := queryStringsArgs(t, db, q, 1), []string{"ALICE,Carol"}; !slices.Equal(got, want) {
		t.Errorf("prepared %s: got %q, want %q", q, got, want)
	}

	// The type of a UNION column whose arms' string types differ: MySQL's, not
	// LONGTEXT under utf8mb4_0900_bin.
	mustExec(t, db,
		"CREATE TABLE w (id INT PRIMARY KEY, c5 CHAR(5), c10 CHAR(10), v30 VARCHAR(30), t TEXT, l1 VARCHAR(10) CHARACTER SET latin1, ub VARCHAR(10) COLLATE utf8mb4_bin)",
		"INSERT INTO w VALUES (1, 'ALICE', 'Bob', 'CAROL', 'Dave', 'EVE', 'eve')",
		"CREATE TABLE u1 AS SELECT name FROM p UNION SELECT v30 FROM w",
		"CREATE TABLE u2 AS SELECT c5 FROM w UNION SELECT c10 FROM w",
		"CREATE TABLE u3 AS SELECT c5 FROM w UNION SELECT name FROM p",
		"CREATE TABLE u4 AS SELECT name FROM p UNION SELECT 'a literal longer than 20'",
		"CREATE TABLE u5 AS SELECT l1 FROM w UNION SELECT name FROM p",
		"CREATE TABLE u6 AS SELECT g FROM p UNION SELECT ub FROM w",
		"CREATE TABLE u7 AS SELECT name FROM p UNION SELECT t FROM w",
	)
	wantRows(t, db, "SELECT TABLE_NAME, COLUMN_TYPE, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME LIKE 'u_' ORDER BY TABLE_NAME",
		"u1|varchar(30)|utf8mb4_0900_ai_ci",
		"u2|char(10)|utf8mb4_0900_ai_ci",
		"u3|varchar(20)|utf8mb4_0900_ai_ci",
		"u4|varchar(24)|utf8mb4_0900_ai_ci",
		"u5|varchar(20)|utf8mb4_0900_ai_ci",
		"u6|varchar(20)|utf8mb4_bin",
		"u7|longtext|utf8mb4_0900_ai_ci")
	wantRows(t, db, "SELECT name FROM p UNION SELECT v30 FROM w UNION SELECT 'ALICE'", "alice", "bob", "NULL", "CAROL")
	wantRows(t, db, "SELECT name FROM p UNION SELECT 'Alice' UNION SELECT 'Dave'", "alice", "bob", "NULL", "Dave")
	wantRows(t, db, "SELECT name FROM p UNION SELECT t FROM w UNION SELECT 'DAVE'", "alice", "bob", "NULL", "Dave")
	wantRows(t, db, "SELECT name FROM p INTERSECT SELECT c5 FROM w", "alice")
	wantRows(t, db, "SELECT l1 FROM w UNION SELECT 'eve'", "EVE")
	// utf8mb4_bin (PAD SPACE, case-sensitive) wins over utf8mb4_general_ci.
	wantRows(t, db, "SELECT ub FROM w UNION SELECT g FROM q", "eve", "A", "b", "NULL", "a")
	// A derived table's filter compares under the column's collation.
	wantRows(t, db, "SELECT * FROM (SELECT name FROM p UNION SELECT 'Dave') d WHERE name = 'DAVE'", "Dave")
	wantRows(t, db, "SELECT * FROM (SELECT name FROM p UNION ALL SELECT v30 FROM w) d WHERE name = 'carol'", "CAROL")

	// GROUP_CONCAT(DISTINCT ...): one value per group, the first read; NULLs skipped; a
	// binary column keeps every spelling; ORDER BY and SEPARATOR apply.
	wantRows(t, db, "SELECT GROUP_CONCAT(DISTINCT name ORDER BY id) FROM (SELECT id, name FROM p UNION ALL SELECT id + 10, name FROM q) d", "alice,bob,Carol")
	wantRows(t, db, "SELECT GROUP_CONCAT(DISTINCT name) FROM q", "ALICE,Carol")
	wantRows(t, db, "SELECT GROUP_CONCAT(DISTINCT name ORDER BY name DESC SEPARATOR '/') FROM q", "Carol/ALICE")
	wantRows(t, db, "SELECT GROUP_CONCAT(DISTINCT b ORDER BY id) FROM q", "ALICE,Carol,Alice")
	wantRows(t, db, "SELECT GROUP_CONCAT(name ORDER BY id) FROM q", "ALICE,Carol,Alice")
	wantRows(t, db, "SELECT GROUP_CONCAT(DISTINCT g ORDER BY id) FROM (SELECT id, g FROM p UNION ALL SELECT id + 10, g FROM q) d", "a,b")
	wantRows(t, db, "SELECT id <= 3 AS f, GROUP_CONCAT(DISTINCT v ORDER BY id) FROM m GROUP BY f ORDER BY f", "0|y", "1|x")
	wantRows(t, db, "SELECT GROUP_CONCAT(DISTINCT v) FROM m WHERE v IS NULL", "NULL")

	// GROUP BY: 'a' and 'a ' are one group under PAD SPACE collations (utf8mb4_general_ci,
	// utf8mb4_bin, latin1_swedish_ci), two under NO PAD (utf8mb4_0900_ai_ci, the default).
	mustExec(t, db,
		"CREATE TABLE k (id INT PRIMARY KEY, ai VARCHAR(10), gc VARCHAR(10) COLLATE utf8mb4_general_ci, ub VARCHAR(10) COLLATE utf8mb4_bin, l1 VARCHAR(10) CHARACTER SET latin1)",
		"INSERT INTO k VALUES (1, 'a', 'a', 'a', 'a'), (2, 'a ', 'a ', 'a ', 'a '), (3, 'A', 'A', 'A', 'A'), (4, NULL, NULL, NULL, NULL), (5, 'b', 'b', 'b', 'b')",
	)
	wantRows(t, db, "SELECT CONCAT('[', gc, ']'), COUNT(*) FROM k GROUP BY gc ORDER BY MIN(id)", "[a]|3", "NULL|1", "[b]|1")
	wantRows(t, db, "SELECT CONCAT('[', ub, ']'), COUNT(*) FROM k GROUP BY ub ORDER BY MIN(id)", "[a]|2", "[A]|1", "NULL|1", "[b]|1")
	wantRows(t, db, "SELECT CONCAT('[', l1, ']'), COUNT(*) FROM k GROUP BY l1 ORDER BY MIN(id)", "[a]|3", "NULL|1", "[b]|1")
	wantRows(t, db, "SELECT CONCAT('[', ai, ']'), COUNT(*) FROM k GROUP BY ai ORDER BY MIN(id)", "[a]|2", "[a ]|1", "NULL|1", "[b]|1")
	wantRows(t, db, "SELECT COUNT(*) FROM (SELECT gc, ai FROM k GROUP BY gc, ai) d", "4")
	// The first row read shows the group's spelling.
	mustExec(t, db, "UPDATE k SET gc = 'a  ' WHERE id = 1")
	wantRows(t, db, "SELECT CONCAT('[', gc, ']'), COUNT(*) FROM k GROUP BY gc ORDER BY MIN(id)", "[a  ]|3", "NULL|1", "[b]|1")
}
