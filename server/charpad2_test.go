package server

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The CHAR and PAD SPACE cases left after the CHAR trimming on write (charpad_test.go):
// what MySQL 8 answers, through a real in-process server. MariaDB 10.11 agrees with
// MySQL 8 on each case below unless a comment says otherwise.

// openCharpad2 starts a server and returns a single-connection handle using database app.
func openCharpad2(t *testing.T) *sql.DB {
	t.Helper()
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE DATABASE app", "USE app")
	return db
}

func execAffected(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	r, err := db.Exec(q, args...)
	if err != nil {
		t.Fatalf("%s %v: %v", q, args, err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCharUpdateChanged: an UPDATE that writes a CHAR value differing from the stored one
// only by trailing spaces changes nothing: MySQL reports "Changed: 0" (the affected-row
// count without CLIENT_FOUND_ROWS) because the padded records are the same. Seeded random
// updates of a CHAR primary key and a CHAR column, checked against a model of the stored
// (trimmed) values.
func TestCharUpdateChanged(t *testing.T) {
	db := openCharpad2(t)
	mustExec(t, db, "CREATE TABLE c (k CHAR(5) PRIMARY KEY, v CHAR(6), n INT)")
	affected := execAffected(t, db, "INSERT INTO c VALUES ('ab', 'x', 0)")
	if affected != 1 {
		t.Fatalf("insert: %d rows", affected)
	}
	if n := execAffected(t, db, "UPDATE c SET k = 'ab  '"); n != 0 {
		t.Fatalf("UPDATE c SET k = 'ab  ' over 'ab': %d rows changed, MySQL says 0", n)
	}

	rng := rand.New(rand.NewPCG(3, 17))
	words := []string{"", "a", "ab", " a", "a b", "xyz", "a\t"}
	model := map[string]string{"ab": "x"} // k -> v, both trimmed
	trim := func(s string) string { return strings.TrimRight(s, " ") }
	pad := func(s string) string { return s + strings.Repeat(" ", rng.IntN(3)) }
	for i := range 300 {
		keys := make([]string, 0, len(model))
		for k := range model {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		switch rng.IntN(3) {
		case 0: // insert a new key, maybe with spaces
			k := pad(words[rng.IntN(len(words))])
			if _, ok := model[trim(k)]; ok {
				continue
			}
			v := pad(words[rng.IntN(len(words))])
			execAffected(t, db, "INSERT INTO c VALUES (?, ?, ?)", k, v, i)
			model[trim(k)] = trim(v)
		case 1: // set v of one row
			if len(keys) == 0 {
				continue
			}
			k := keys[rng.IntN(len(keys))]
			v := pad(words[rng.IntN(len(words))])
			want := int64(0)
			if trim(v) != model[k] {
				want = 1
			}
			if got := execAffected(t, db, "UPDATE c SET v = ? WHERE k = ?", v, k); got != want {
				t.Fatalf("step %d: UPDATE c SET v = %q WHERE k = %q (stored %q): %d changed, want %d", i, v, k, model[k], got, want)
			}
			model[k] = trim(v)
		case 2: // respell one key with spaces: never a change
			if len(keys) == 0 {
				continue
			}
			k := keys[rng.IntN(len(keys))]
			if got := execAffected(t, db, "UPDATE c SET k = ? WHERE k = ?", k+"  ", k); got != 0 {
				t.Fatalf("step %d: UPDATE c SET k = %q: %d changed, want 0", i, k+"  ", got)
			}
		}
	}
	rows, err := db.Query("SELECT k, v FROM c")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		got[k] = v
	}
	if fmt.Sprint(got) != fmt.Sprint(model) {
		t.Fatalf("stored %v, model %v", got, model)
	}
}

// TestCharTriggerNew: a BEFORE INSERT or BEFORE UPDATE trigger's NEW.c of a CHAR column
// holds the value without its trailing spaces, as MySQL reads a CHAR field; what is
// stored is trimmed too. An AFTER trigger sees the same. Also through INSERT ... SELECT
// with a subquery (the analyzer's full batches rather than GMS's short list for a plain
// INSERT).
func TestCharTriggerNew(t *testing.T) {
	db := openCharpad2(t)
	mustExec(t, db,
		"CREATE TABLE tr (id INT PRIMARY KEY, c CHAR(5), v VARCHAR(5))",
		"CREATE TABLE lg (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(80))",
		"CREATE TRIGGER bi BEFORE INSERT ON tr FOR EACH ROW INSERT INTO lg (s) VALUES (CONCAT('bi[', NEW.c, '] ', LENGTH(NEW.c), ' [', NEW.v, ']'))",
		"CREATE TRIGGER bu BEFORE UPDATE ON tr FOR EACH ROW INSERT INTO lg (s) VALUES (CONCAT('bu[', NEW.c, '] ', LENGTH(NEW.c), ' old[', OLD.c, ']'))",
		"CREATE TRIGGER ai AFTER INSERT ON tr FOR EACH ROW INSERT INTO lg (s) VALUES (CONCAT('ai[', NEW.c, '] ', LENGTH(NEW.c)))",
		"INSERT INTO tr VALUES (1, 'x  ', 'y  ')",
		"UPDATE tr SET c = 'yy   ' WHERE id = 1",
		"INSERT INTO tr SELECT 2, 'z  ', 'w ' FROM dual WHERE 1 IN (SELECT id FROM tr)",
	)
	want := []string{"bi[x] 1 [y  ]", "ai[x] 1", "bu[yy] 2 old[x]", "bi[z] 1 [w ]", "ai[z] 1"}
	if got := queryStrings(t, db, "SELECT s FROM lg ORDER BY id"); !slices.Equal(got, want) {
		t.Fatalf("trigger log %q, want %q", got, want)
	}
	if got := queryStrings(t, db, "SELECT CONCAT(id, '[', c, ']', LENGTH(c)) FROM tr ORDER BY id"); !slices.Equal(got, []string{"1[yy]2", "2[z]1"}) {
		t.Fatalf("stored %q", got)
	}

	// A BEFORE trigger that sets NEW.c to a value with spaces: stored trimmed.
	mustExec(t, db,
		"CREATE TABLE ts (id INT PRIMARY KEY, c CHAR(5))",
		"CREATE TRIGGER tsi BEFORE INSERT ON ts FOR EACH ROW SET NEW.c = CONCAT(NEW.c, 'q  ')",
		"INSERT INTO ts VALUES (1, 'p ')",
	)
	if got := queryStrings(t, db, "SELECT CONCAT('[', c, ']') FROM ts"); !slices.Equal(got, []string{"[pq]"}) {
		t.Fatalf("trigger-set CHAR stored as %q, want [pq]", got)
	}
}

// TestCharMergeTrims: rows written to a VARCHAR column on one branch and merged (or
// cherry-picked) into a branch where the column became CHAR are stored without their
// trailing spaces, as an INSERT into the CHAR column would store them, and are found by
// an equality on the trimmed value. ALTER TABLE ... MODIFY to CHAR trims too.
func TestCharMergeTrims(t *testing.T) {
	db := openCharpad2(t)
	mustExec(t, db,
		"CREATE TABLE t (id INT PRIMARY KEY, c VARCHAR(5))",
		"INSERT INTO t VALUES (1, 'a  ')",
		"CALL dsql_commit('-Am', 'init')",
		"CALL dsql_checkout('-b', 'feature')",
		"ALTER TABLE t MODIFY c CHAR(5)",
		"CALL dsql_commit('-am', 'to char')",
		"CALL dsql_checkout('main')",
		"INSERT INTO t VALUES (2, 'b  ')",
		"CALL dsql_commit('-am', 'spaces')",
		"CALL dsql_branch('spaces')",
	)
	check := func(what string) {
		t.Helper()
		if got := queryStrings(t, db, "SELECT CONCAT(id, '[', c, ']') FROM t ORDER BY id"); !slices.Equal(got, []string{"1[a]", "2[b]"}) {
			t.Fatalf("%s: rows %q, want 1[a] 2[b]", what, got)
		}
		if got := queryStrings(t, db, "SELECT id FROM t WHERE c = 'b'"); !slices.Equal(got, []string{"2"}) {
			t.Fatalf("%s: c = 'b' finds %q", what, got)
		}
	}
	mustExec(t, db, "CALL dsql_merge('feature')")
	check("merge")

	mustExec(t, db, "CALL dsql_checkout('-b', 'pick', 'feature')", "CALL dsql_cherry_pick('spaces')")
	check("cherry-pick")

	// Revert of a commit that made the column VARCHAR, after rows with spaces were added.
	mustExec(t, db,
		"ALTER TABLE t MODIFY c VARCHAR(5)",
		"CALL dsql_commit('-am', 'to varchar')",
		"CALL dsql_branch('tovarchar')",
		"INSERT INTO t VALUES (3, 'c  ')",
		"CALL dsql_commit('-am', 'c')",
		"CALL dsql_revert('tovarchar')",
	)
	if got := queryStrings(t, db, "SELECT CONCAT(id, '[', c, ']') FROM t ORDER BY id"); !slices.Equal(got, []string{"1[a]", "2[b]", "3[c]"}) {
		t.Fatalf("revert: rows %q, want 1[a] 2[b] 3[c]", got)
	}
}

// TestDuplicateKeyKeepsSpelling: INSERT ... ON DUPLICATE KEY UPDATE onto a row whose
// case-insensitive (or PAD SPACE) key equals the new one keeps the stored spelling of the
// key; REPLACE deletes the old row and inserts the new one, so the new spelling wins; an
// UPDATE that respells the key stores the new spelling (MariaDB 10.11 checked: 'abc' kept,
// 'Abc' after REPLACE, 'ABC' after the UPDATE with 1 row changed).
func TestDuplicateKeyKeepsSpelling(t *testing.T) {
	db := openCharpad2(t)
	mustExec(t, db,
		"CREATE TABLE p (v VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY, n INT)",
		"INSERT INTO p VALUES ('abc', 1)",
	)
	row := func() string {
		t.Helper()
		return strings.Join(queryStrings(t, db, "SELECT CONCAT(v, ':', n) FROM p"), ",")
	}
	if n := execAffected(t, db, "INSERT INTO p VALUES ('ABC', 2) ON DUPLICATE KEY UPDATE n = n + 10"); n != 2 {
		t.Fatalf("ON DUPLICATE KEY UPDATE: %d rows affected, want 2", n)
	}
	if got := row(); got != "abc:11" {
		t.Fatalf("after ON DUPLICATE KEY UPDATE: %s, want abc:11", got)
	}
	if n := execAffected(t, db, "INSERT INTO p VALUES ('aBc ', 3) ON DUPLICATE KEY UPDATE n = VALUES(n)"); n != 2 {
		t.Fatalf("ON DUPLICATE KEY UPDATE (PAD SPACE): %d rows affected, want 2", n)
	}
	if got := row(); got != "abc:3" {
		t.Fatalf("after ON DUPLICATE KEY UPDATE with a trailing space: %s, want abc:3", got)
	}
	if n := execAffected(t, db, "REPLACE INTO p VALUES ('Abc', 4)"); n != 2 {
		t.Fatalf("REPLACE: %d rows affected, want 2", n)
	}
	if got := row(); got != "Abc:4" {
		t.Fatalf("after REPLACE: %s, want Abc:4", got)
	}
}
