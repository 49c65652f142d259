package server

import (
	"database/sql"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
)

// mdRow is a row of the model of TestMultiTableDeleteRandom's tables: t1 (id, a), t2 (id,
// y, v) with an index on y, and the keyless k (y, v).
type mdRow struct{ id, a int }

// TestMultiTableDeleteRandom: a multi-table DELETE deletes each target row once however
// many join rows match it, and counts each deleted row once (sql/backend/multidelete.go);
// a keyless table loses every copy of a matched row; the secondary index of t2 loses the
// deleted rows' entries. Seeded random tables and statements, checked against a Go model
// (MySQL's and MariaDB 10.11's answers: each matched physical row deleted once).
func TestMultiTableDeleteRandom(t *testing.T) {
	seed := int64(20261126)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	db := openReplaceTriggers(t,
		"CREATE TABLE t1 (id INT PRIMARY KEY, a INT)",
		"CREATE TABLE t2 (id INT PRIMARY KEY, y INT, v INT, KEY iy (y))",
		"CREATE TABLE k (y INT, v INT)")
	for round := range 40 {
		// fresh tables: few distinct values, so rows match several times and k has copies
		var t1, t2, k []mdRow // t2 and k: a is y; k's id is v
		for i := range 2 + rng.Intn(6) {
			t1 = append(t1, mdRow{i + 1, rng.Intn(6)})
		}
		for i := range 2 + rng.Intn(8) {
			t2 = append(t2, mdRow{i + 1, rng.Intn(6)})
		}
		for range 2 + rng.Intn(8) {
			k = append(k, mdRow{rng.Intn(2), rng.Intn(6)})
		}
		mustExec(t, db, "DELETE FROM t1", "DELETE FROM t2", "DELETE FROM k")
		mustExec(t, db, mdInsert("t1", t1, func(r mdRow) string { return fmt.Sprintf("(%d, %d)", r.id, r.a) }))
		mustExec(t, db, mdInsert("t2", t2, func(r mdRow) string { return fmt.Sprintf("(%d, %d, 0)", r.id, r.a) }))
		mustExec(t, db, mdInsert("k", k, func(r mdRow) string { return fmt.Sprintf("(%d, %d)", r.a, r.id) }))

		lim := rng.Intn(4)
		var q string
		var del1, del2, delK bool
		var match func(r1, r mdRow) bool
		switch round % 5 {
		case 0:
			q = fmt.Sprintf("DELETE t2 FROM t1 JOIN t2 ON t2.y <= t1.a WHERE t1.id > %d", lim)
			match = func(r1, r mdRow) bool { return r.a <= r1.a && r1.id > lim }
			del2 = true
		case 1:
			q = "DELETE t1, t2 FROM t1 JOIN t2 ON t2.y >= t1.a"
			match = func(r1, r mdRow) bool { return r.a >= r1.a }
			del1, del2 = true, true
		case 2:
			q = fmt.Sprintf("DELETE FROM t2 USING t1 JOIN t2 ON t2.y < t1.a + %d", lim)
			match = func(r1, r mdRow) bool { return r.a < r1.a+lim }
			del2 = true
		case 3:
			q = "DELETE k FROM t1 JOIN k ON k.y <= t1.a"
			match = func(r1, r mdRow) bool { return r.a <= r1.a }
			delK = true
		case 4:
			q = fmt.Sprintf("DELETE a, b FROM k AS b JOIN t1 AS a ON b.y + %d >= a.a", lim)
			match = func(r1, r mdRow) bool { return r.a+lim >= r1.a }
			del1, delK = true, true
		}
		other := t2
		if delK {
			other = k
		}
		// the model: every row of a target that some join row holds is deleted, once
		hit1, hitO := map[int]bool{}, map[int]bool{}
		for i, r1 := range t1 {
			for j, r := range other {
				if match(r1, r) {
					hit1[i], hitO[j] = true, true
				}
			}
		}
		want := int64(0)
		keep := func(rows []mdRow, hit map[int]bool, del bool) []mdRow {
			var out []mdRow
			for i, r := range rows {
				if del && hit[i] {
					want++
					continue
				}
				out = append(out, r)
			}
			return out
		}
		t1 = keep(t1, hit1, del1)
		if delK {
			k = keep(k, hitO, true)
		} else {
			t2 = keep(t2, hitO, del2)
		}

		res, err := db.Exec(q)
		if err != nil {
			t.Fatalf("round %d: %s: %v", round, q, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != want {
			t.Fatalf("round %d: %s: affected %d (%v), want %d", round, q, n, err, want)
		}
		mdCheck(t, db, round, q, "SELECT id, a FROM t1 ORDER BY id", t1, func(r mdRow) string { return fmt.Sprintf("%d %d", r.id, r.a) })
		mdCheck(t, db, round, q, "SELECT id, y FROM t2 ORDER BY id", t2, func(r mdRow) string { return fmt.Sprintf("%d %d", r.id, r.a) })
		mdCheck(t, db, round, q, "SELECT y, v FROM k ORDER BY y, v", k, func(r mdRow) string { return fmt.Sprintf("%d %d", r.a, r.id) })
		// the index on y answers as the rows do
		for y := range 6 {
			var n int
			if err := db.QueryRow("SELECT COUNT(*) FROM t2 FORCE INDEX (iy) WHERE y = ?", y).Scan(&n); err != nil {
				t.Fatal(err)
			}
			w := 0
			for _, r := range t2 {
				if r.a == y {
					w++
				}
			}
			if n != w {
				t.Fatalf("round %d: after %s: %d rows of t2 with y = %d by the index, want %d", round, q, n, y, w)
			}
		}
	}
}

func mdInsert(table string, rows []mdRow, f func(mdRow) string) string {
	vals := make([]string, len(rows))
	for i, r := range rows {
		vals[i] = f(r)
	}
	return "INSERT INTO " + table + " VALUES " + strings.Join(vals, ", ")
}

func mdCheck(t *testing.T, db *sql.DB, round int, stmt, q string, want []mdRow, f func(mdRow) string) {
	t.Helper()
	w := make([]string, len(want))
	for i, r := range want {
		w[i] = f(r)
	}
	sort.Strings(w)
	got := queryRowStrings(t, db, q)
	sort.Strings(got)
	if strings.Join(got, "|") != strings.Join(w, "|") {
		t.Fatalf("round %d: after %s: %s = %q, want %q", round, stmt, q, got, w)
	}
}

// queryRowStrings returns q's rows, each its columns joined by spaces (NULL as NULL).
func queryRowStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	return queryRowsSep(t, db, q, " ")
}

// TestMultiTableDeleteForeignKeys: rows a target's ON DELETE CASCADE already removed are
// skipped and not counted; a multi-table DELETE that fails (a RESTRICT foreign key on a
// row it reaches late) changes nothing. MariaDB 10.11's answers.
func TestMultiTableDeleteForeignKeys(t *testing.T) {
	db := openReplaceTriggers(t,
		"CREATE TABLE p (id INT PRIMARY KEY)",
		"CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE)",
		"CREATE TABLE t1 (id INT PRIMARY KEY)",
		"CREATE TABLE t2 (id INT PRIMARY KEY, y INT, KEY (y))",
		"CREATE TABLE r (id INT PRIMARY KEY, t2id INT, FOREIGN KEY (t2id) REFERENCES t2 (id))")
	for _, c := range []struct {
		q string
		n int64
	}{
		{"DELETE p, c FROM p JOIN c ON c.pid = p.id", 2},
		{"DELETE c, p FROM p JOIN c ON c.pid = p.id", 4},
	} {
		mustExec(t, db, "INSERT INTO p VALUES (1), (2)", "INSERT INTO c VALUES (10, 1), (11, 1), (20, 2)")
		res, err := db.Exec(c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if n, _ := res.RowsAffected(); n != c.n {
			t.Errorf("%s: affected %d, want %d", c.q, n, c.n)
		}
		if got := queryRowStrings(t, db, "SELECT id FROM p UNION ALL SELECT id FROM c"); len(got) != 0 {
			t.Errorf("%s left %q", c.q, got)
		}
	}

	mustExec(t, db, "INSERT INTO t1 VALUES (1), (2), (3)",
		"INSERT INTO t2 VALUES (1, 1), (2, 2), (3, 3), (4, 9)",
		"INSERT INTO r VALUES (100, 3)")
	q := "DELETE t1, t2 FROM t1 JOIN t2 ON t2.y <= t1.id"
	if _, err := db.Exec(q); mysqlErrno(err) != 1451 {
		t.Fatalf("%s: %v, want error 1451", q, err)
	}
	if got := strings.Join(queryRowStrings(t, db, "SELECT id FROM t1"), ","); got != "1,2,3" {
		t.Errorf("after the failed %s: t1 %s", q, got)
	}
	if got := strings.Join(queryRowStrings(t, db, "SELECT id FROM t2 WHERE y < 10 ORDER BY y"), ","); got != "1,2,3,4" {
		t.Errorf("after the failed %s: t2 by index %s", q, got)
	}
	mustExec(t, db, "DELETE FROM r")
	res, err := db.Exec(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if n, _ := res.RowsAffected(); n != 6 {
		t.Errorf("%s: affected %d, want 6", q, n)
	}
	if got := strings.Join(queryRowStrings(t, db, "SELECT id FROM t2 WHERE y < 10"), ","); got != "4" {
		t.Errorf("after %s: t2 by index %s", q, got)
	}
}

// TestMultiTableDeleteTriggers: each row a multi-table DELETE deletes fires its table's
// BEFORE and AFTER DELETE triggers once, also every copy of a keyless row; a failing
// trigger fails the statement, which then changes nothing
// (sql/backend/multidelete_trigger.go). MariaDB 10.11's answers; its order across tables
// (the first table's rows during the join, the others' after it) is not compared.
func TestMultiTableDeleteTriggers(t *testing.T) {
	db := openReplaceTriggers(t,
		"CREATE TABLE t1 (id INT PRIMARY KEY, a INT)",
		"CREATE TABLE t2 (id INT PRIMARY KEY, y INT, KEY (y))",
		"CREATE TABLE k (y INT, v INT)",
		"CREATE TABLE log (n INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(50))",
		"INSERT INTO t1 VALUES (1, 1), (2, 2), (3, 3)",
		"INSERT INTO t2 VALUES (1, 1), (2, 2), (3, 5)",
		"INSERT INTO k VALUES (1, 0), (1, 0), (2, 0), (5, 0)",
		"CREATE TRIGGER bd2 BEFORE DELETE ON t2 FOR EACH ROW INSERT INTO log (msg) VALUES (CONCAT('BD2 ', old.id, ' ', old.y))",
		"CREATE TRIGGER ad2 AFTER DELETE ON t2 FOR EACH ROW INSERT INTO log (msg) VALUES (CONCAT('AD2 ', old.id))",
		"CREATE TRIGGER bd1 BEFORE DELETE ON t1 FOR EACH ROW INSERT INTO log (msg) VALUES (CONCAT('BD1 ', old.id))",
		"CREATE TRIGGER adk AFTER DELETE ON k FOR EACH ROW INSERT INTO log (msg) VALUES (CONCAT('ADK ', old.y, ' ', old.v))")
	run := func(q string, n int64, log string) {
		t.Helper()
		res, err := db.Exec(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if got, _ := res.RowsAffected(); got != n {
			t.Errorf("%s: affected %d, want %d", q, got, n)
		}
		if got := strings.Join(queryRowStrings(t, db, "SELECT msg FROM log ORDER BY msg"), ", "); got != log {
			t.Errorf("%s: log %s, want %s", q, got, log)
		}
		// each row's BEFORE trigger fired before its AFTER trigger
		order := queryRowStrings(t, db, "SELECT msg FROM log ORDER BY n")
		for i, m := range order {
			if id, ok := strings.CutPrefix(m, "AD2 "); ok && !containsBefore(order[:i], "BD2 "+id+" ") {
				t.Errorf("%s: %s fired before its BEFORE trigger: %q", q, m, order)
			}
		}
		mustExec(t, db, "DELETE FROM log")
	}
	run("DELETE a, b FROM t1 AS a JOIN t2 AS b ON b.y <= a.a", 5,
		"AD2 1, AD2 2, BD1 1, BD1 2, BD1 3, BD2 1 1, BD2 2 2")
	if got := strings.Join(queryRowStrings(t, db, "SELECT id FROM t1 UNION ALL SELECT id FROM t2"), ","); got != "3" {
		t.Errorf("t1 and t2 left %s, want 3", got)
	}
	mustExec(t, db, "INSERT INTO t1 VALUES (1, 1), (2, 2)")
	run("DELETE k FROM t1 JOIN k ON k.y <= t1.a", 3, "ADK 1 0, ADK 1 0, ADK 2 0")
	if got := strings.Join(queryRowStrings(t, db, "SELECT y, v FROM k"), ","); got != "5 0" {
		t.Errorf("k left %s, want 5 0", got)
	}

	// a trigger that fails on the second row: nothing changes, no log
	mustExec(t, db, "INSERT INTO t1 VALUES (3, 3)", "INSERT INTO t2 VALUES (1, 1), (2, 2)",
		"CREATE TRIGGER bd2x BEFORE DELETE ON t2 FOR EACH ROW FOLLOWS bd2 BEGIN IF old.id = 2 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no 2'; END IF; END")
	for _, q := range []string{"DELETE t1, t2 FROM t1 JOIN t2 ON t2.y <= t1.a", "DELETE t2, t1 FROM t1 JOIN t2 ON t2.y <= t1.a"} {
		if _, err := db.Exec(q); mysqlErrno(err) != 1644 {
			t.Fatalf("%s: %v, want error 1644", q, err)
		}
		if got := strings.Join(queryRowStrings(t, db, "SELECT COUNT(*) FROM t1 UNION ALL SELECT COUNT(*) FROM t2 UNION ALL SELECT COUNT(*) FROM log"), ","); got != "3,3,0" {
			t.Errorf("after the failed %s: counts of t1, t2, log %s, want 3,3,0", q, got)
		}
		if got := strings.Join(queryRowStrings(t, db, "SELECT id FROM t2 WHERE y < 10 ORDER BY y"), ","); got != "1,2,3" {
			t.Errorf("after the failed %s: t2 by index %s", q, got)
		}
	}
	// a DELETE trigger that writes its own table is refused (MySQL: 1442)
	mustExec(t, db, "DROP TRIGGER bd2x", "CREATE TRIGGER bd2y BEFORE DELETE ON t2 FOR EACH ROW INSERT INTO t2 VALUES (100, 100)")
	if _, err := db.Exec("DELETE t2 FROM t1 JOIN t2 ON t2.y <= t1.a"); err == nil || !strings.Contains(err.Error(), "already used by statement") {
		t.Fatalf("a DELETE trigger writing its table: %v, want the 1442 text", err)
	}
	if got := strings.Join(queryRowStrings(t, db, "SELECT id FROM t2"), ","); got != "1,2,3" {
		t.Errorf("t2 %s, want 1,2,3", got)
	}
}

func containsBefore(msgs []string, prefix string) bool {
	for _, m := range msgs {
		if strings.HasPrefix(m, prefix) {
			return true
		}
	}
	return false
}
