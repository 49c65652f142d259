package server

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestStringFunctions: LOCATE, POSITION, INSTR, LPAD, RPAD, INSERT and CAST(... AS
// CHAR(n)) count characters, not bytes (bytes for a binary string), and LOCATE, POSITION
// and INSTR match under the arguments' collation, a column's winning over a literal's
// (sql/backend/strfuncs.go, server/castchar.go). The answers are MySQL 8's; those that do
// not depend on a collation are also MariaDB 10.11's, which counts the same way. GMS
// counted bytes (cutting characters), lowered both strings in LOCATE, compared code points
// in INSTR, and did not cut CAST('abcdef' AS CHAR(3)).
func TestStringFunctions(t *testing.T) {
	dir := t.TempDir()
	initRepo(t, filepath.Join(dir, "app"))
	s, _ := startServer(t, testConfig(dir))
	db := connect(t, s, "root", "", "app")
	db.SetMaxOpenConns(1) // one session: collation_connection and SHOW WARNINGS apply to the next statements
	mustExec(t, db,
		"SET collation_connection = 'utf8mb4_0900_ai_ci'",
		// name: the default utf8mb4_0900_ai_ci; bname: binary collation; raw: a binary string.
		"CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(20), bname VARCHAR(20) COLLATE utf8mb4_0900_bin, raw VARBINARY(20))",
		"INSERT INTO p VALUES (1, 'Émile', 'Émile', 'Émile'), (2, 'bob', 'bob', 'bob'), (3, '日本語', '日本語', '日本語'), (4, 'a😀b😀', 'a😀b😀', 'a😀b😀'), (5, NULL, NULL, NULL)",
	)

	// One answer per row of p, in id order.
	for _, c := range []struct {
		expr string
		want []string
	}{
		// The ai_ci column's collation wins over the literal's: case and accents ignored,
		// a match being the next bytes of the needle's length ('è' ~ 'É', both two bytes;
		// 'E' is one byte, so it matches the final 'e' of 'Émile', not 'É').
		{"LOCATE('B', name)", []string{"0", "1", "0", "3", "NULL"}},
		{"LOCATE('M', name)", []string{"2", "0", "0", "0", "NULL"}},
		{"LOCATE('è', name)", []string{"1", "0", "0", "0", "NULL"}},
		{"LOCATE('E', name)", []string{"5", "0", "0", "0", "NULL"}},
		{"INSTR(name, 'O')", []string{"0", "2", "0", "0", "NULL"}},
		{"POSITION('MILE' IN name)", []string{"2", "0", "0", "0", "NULL"}},
		// Binary collation: exact.
		{"LOCATE('B', bname)", []string{"0", "0", "0", "0", "NULL"}},
		{"LOCATE('b', bname)", []string{"0", "1", "0", "3", "NULL"}},
		{"LOCATE('è', bname)", []string{"0", "0", "0", "0", "NULL"}},
		{"INSTR(bname, 'É')", []string{"1", "0", "0", "0", "NULL"}},
		// Positions in characters.
		{"LOCATE('語', name)", []string{"0", "0", "3", "0", "NULL"}},
		{"POSITION('😀' IN name)", []string{"0", "0", "0", "2", "NULL"}},
		{"LOCATE('😀', name, 3)", []string{"0", "0", "0", "4", "NULL"}},
		{"LOCATE('b', name, 2)", []string{"0", "3", "0", "3", "NULL"}},
		{"LOCATE('l', name, 5)", []string{"0", "0", "0", "0", "NULL"}},
		{"INSTR(name, '本語')", []string{"0", "0", "2", "0", "NULL"}},
		// A binary string counts bytes.
		{"LOCATE('m', raw)", []string{"3", "0", "0", "0", "NULL"}},
		{"LOCATE('語', raw)", []string{"0", "0", "7", "0", "NULL"}},
		{"LOCATE('b', raw, 3)", []string{"0", "3", "0", "6", "NULL"}},
		// An empty needle: MySQL answers the byte offset of the start, plus one.
		{"LOCATE('', name, 2)", []string{"3", "2", "4", "2", "NULL"}},
		// LPAD, RPAD, INSERT and CAST count characters.
		{"LPAD(name, 4, '·')", []string{"Émil", "·bob", "·日本語", "a😀b😀", "NULL"}},
		{"RPAD(name, 6, '😀')", []string{"Émile😀", "bob😀😀😀", "日本語😀😀😀", "a😀b😀😀😀", "NULL"}},
		{"LPAD(name, 7, 'éx')", []string{"éxÉmile", "éxéxbob", "éxéx日本語", "éxéa😀b😀", "NULL"}},
		{"RPAD(name, 2, 'x')", []string{"Ém", "bo", "日本", "a😀", "NULL"}},
		{"LPAD(raw, 3, 'x')", []string{"Ém", "bob", "日", "a\xf0\x9f", "NULL"}},
		{"INSERT(name, 2, 2, '__')", []string{"É__le", "b__", "日__", "a__😀", "NULL"}},
		{"INSERT(name, 4, 1, 'X')", []string{"ÉmiXe", "bob", "日本語", "a😀bX", "NULL"}},
		{"INSERT(name, 3, -1, '?')", []string{"Ém?", "bo?", "日本?", "a😀?", "NULL"}},
		{"CAST(name AS CHAR(2))", []string{"Ém", "bo", "日本", "a😀", "NULL"}},
		{"CONVERT(name, CHAR(1))", []string{"É", "b", "日", "a", "NULL"}},
		{"CAST(CONCAT(name, '!') AS CHAR(4))", []string{"Émil", "bob!", "日本語!", "a😀b😀", "NULL"}},
		{"CHAR_LENGTH(CAST(name AS CHAR(3)))", []string{"3", "3", "3", "3", "NULL"}},
	} {
		q := "SELECT " + c.expr + " FROM p ORDER BY id"
		if got := queryRows(t, db, q); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", q, got, c.want)
		}
	}

	// Literals only: the connection's collation (utf8mb4_0900_ai_ci here).
	for _, c := range []struct{ expr, want string }{
		{"LOCATE('B', 'abc')", "2"},
		{"INSTR('abc', 'B')", "2"},
		{"POSITION('B' IN 'abc')", "2"},
		{"LOCATE('è', 'café')", "4"},
		{"LOCATE('e', 'café')", "0"}, // 'é' is two bytes, 'e' one: MySQL's byte windows
		{"LOCATE('b', 'aBc' COLLATE utf8mb4_0900_bin)", "0"},
		{"LOCATE('B' COLLATE utf8mb4_0900_bin, 'aBc')", "2"},
		{"LOCATE('b', 'abcb', 3)", "4"},
		{"LOCATE('b', 'abcb', 4)", "4"},
		{"LOCATE('b', 'abcb', 5)", "0"},
		{"LOCATE('b', 'abcb', 0)", "0"},
		{"LOCATE('b', 'abcb', -1)", "0"},
		{"LOCATE('b', 'abcb', 99)", "0"},
		{"LOCATE('b', 'abc', '2')", "2"},
		{"LOCATE('語', '日本語日本語', 4)", "6"},
		{"LOCATE('語', '日本語日本語', 7)", "0"},
		{"LOCATE('', 'abc')", "1"},
		{"LOCATE('', 'abc', 3)", "3"},
		{"LOCATE('', 'abc', 5)", "0"},
		{"LOCATE('', '日本語', 2)", "4"},
		{"LOCATE('a', '')", "0"},
		{"LOCATE(NULL, 'abc')", "NULL"},
		{"LOCATE('a', NULL)", "NULL"},
		{"LOCATE('a', 'abc', NULL)", "NULL"},
		{"INSTR(NULL, 'a')", "NULL"},
		{"LOCATE(2, 123)", "2"},
		{"LPAD('hi', 5, 'ab')", "abahi"},
		{"RPAD('hi', 5, 'ab')", "hiaba"},
		{"LPAD('hi', 1, 'ab')", "h"},
		{"LPAD('hi', 0, 'ab')", ""},
		{"LPAD('hi', -1, 'ab')", "NULL"},
		{"LPAD('hi', 5, '')", "NULL"},
		{"RPAD('hi', 2, '')", "hi"},
		{"LPAD(5, 3, 0)", "005"},
		{"LPAD('日本語', 5, '😀')", "😀😀日本語"},
		{"RPAD('😀', 3, '😀a')", "😀😀a"},
		{"LPAD(NULL, 5, 'x')", "NULL"},
		{"LPAD('a', NULL, 'x')", "NULL"},
		{"RPAD('a', 5, NULL)", "NULL"},
		{"INSERT('Quadratic', 3, 4, 'What')", "QuWhattic"},
		{"INSERT('Quadratic', -1, 4, 'What')", "Quadratic"},
		{"INSERT('Quadratic', 0, 4, 'What')", "Quadratic"},
		{"INSERT('Quadratic', 3, 100, 'What')", "QuWhat"},
		{"INSERT('Quadratic', 10, 1, 'What')", "Quadratic"},
		{"INSERT('Quadratic', 9, 1, 'What')", "QuadratiWhat"},
		{"INSERT('日本語', 3, 5, '😀😀')", "日本😀😀"},
		{"INSERT('日本語', 1, 0, 'x')", "x日本語"},
		{"INSERT('a😀b', 2, 1, '')", "ab"},
		{"INSERT(NULL, 1, 1, 'x')", "NULL"},
		{"INSERT('abc', NULL, 1, 'x')", "NULL"},
		{"INSERT('abc', 1, NULL, 'x')", "NULL"},
		{"INSERT('abc', 1, 1, NULL)", "NULL"},
		{"CAST('abcdef' AS CHAR(3))", "abc"},
		{"CONVERT('abcdef', CHAR(3))", "abc"},
		{"CAST('日本語' AS CHAR(2))", "日本"},
		{"CAST('😀😀😀' AS NCHAR(1))", "😀"},
		{"CAST('日本語' AS CHAR(0))", ""},
		{"CAST('ab' AS CHAR(5))", "ab"},
		{"CAST(12345 AS CHAR(2))", "12"},
		{"CAST(NULL AS CHAR(2))", "NULL"},
		{"LENGTH(CAST('日本語' AS CHAR(2)))", "6"},
		{"(SELECT CAST('abcdef' AS CHAR(2)))", "ab"},
	} {
		wantRows(t, db, "SELECT "+c.expr, c.want)
	}

	// CAST's warning, as MySQL's; none when nothing is cut.
	wantRows(t, db, "SELECT CAST('abcdef' AS CHAR(3))", "abc")
	wantRows(t, db, "SHOW WARNINGS", "Warning|1292|Truncated incorrect CHAR(3) value: 'abcdef'")
	wantRows(t, db, "SELECT CAST('日本語' AS CHAR(2))", "日本")
	wantRows(t, db, "SHOW WARNINGS", "Warning|1292|Truncated incorrect CHAR(2) value: '日本語'")
	wantRows(t, db, "SELECT CAST('ab' AS CHAR(2))", "ab")
	wantRows(t, db, "SHOW WARNINGS")

	// A binary connection collation: two literals compare exactly; a column's collation
	// still wins over a literal's.
	mustExec(t, db, "SET collation_connection = 'utf8mb4_0900_bin'")
	wantRows(t, db, "SELECT LOCATE('B', 'abc'), INSTR('abc', 'B'), LOCATE('b', 'abc')", "0|0|2")
	wantRows(t, db, "SELECT id, LOCATE('B', name) FROM p WHERE id = 2", "2|1")
	mustExec(t, db, "SET collation_connection = 'utf8mb4_0900_ai_ci'")

	// In a WHERE clause, a view, an UPDATE and a prepared statement.
	wantRows(t, db, "SELECT id FROM p WHERE LOCATE('O', name) > 0", "2")
	for range 2 { // a lookup by key: the second is served from the plan cache
		wantRows(t, db, "SELECT CAST(name AS CHAR(2)), LOCATE('B', name), LPAD(name, 4, '·') FROM p WHERE id = 1", "Ém|0|Émil")
	}
	wantRows(t, db, "SELECT id FROM p WHERE CAST(name AS CHAR(2)) = '日本'", "3")
	mustExec(t, db, "CREATE VIEW pv AS SELECT id, CAST(name AS CHAR(2)) AS c2, LOCATE('B', name) AS l, LPAD(name, 4, '·') AS lp FROM p")
	wantRows(t, db, "SELECT * FROM pv WHERE id IN (1, 3) ORDER BY id", "1|Ém|0|Émil", "3|日本|0|·日本語")
	mustExec(t, db, "UPDATE p SET bname = CAST(name AS CHAR(2)), raw = INSERT(name, 2, 1, '-') WHERE id = 3")
	wantRows(t, db, "SELECT bname, raw FROM p WHERE id = 3", "日本|日-語")
	// The CAST of a trigger and of a procedure, parsed again when they run.
	mustExec(t, db,
		"CREATE TABLE tr (id INT PRIMARY KEY, name VARCHAR(20), short VARCHAR(20))",
		"CREATE TRIGGER tr_short BEFORE INSERT ON tr FOR EACH ROW SET NEW.short = CAST(NEW.name AS CHAR(2))",
		"INSERT INTO tr (id, name) VALUES (1, '日本語')",
		"CREATE PROCEDURE cut(IN s VARCHAR(20)) SELECT CAST(s AS CHAR(1)), CAST('xyz' AS CHAR(2))")
	wantRows(t, db, "SELECT short FROM tr", "日本")
	wantRows(t, db, "CALL cut('日本語')", "日|xy")
	stmt, err := db.Prepare("SELECT CAST(? AS CHAR(2)), LOCATE(?, ?), LPAD(?, 4, '·'), INSERT(?, 2, 1, ?)")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	var a, b, c, d string
	if err := stmt.QueryRow("日本語", "語", "日本語", "日本", "日本語", "x").Scan(&a, &b, &c, &d); err != nil {
		t.Fatal(err)
	}
	if a != "日本" || b != "3" || c != "··日本" || d != "日x語" {
		t.Errorf("prepared: %q, %q, %q, %q; want 日本, 3, ··日本, 日x語", a, b, c, d)
	}
}
