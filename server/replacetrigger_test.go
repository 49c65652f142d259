package server

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// openReplaceTriggers starts a server and returns a handle on its database app, created
// by setup.
func openReplaceTriggers(t *testing.T, setup ...string) *sql.DB {
	t.Helper()
	s, _ := startServer(t, testConfig(t.TempDir()))
	mustExec(t, connect(t, s, "root", "", ""), "CREATE DATABASE app")
	db := connect(t, s, "root", "", "app")
	mustExec(t, db, setup...)
	return db
}

// takeLog returns log's messages in order and empties it.
func takeLog(t *testing.T, db *sql.DB) string {
	t.Helper()
	msgs := queryStrings(t, db, "SELECT msg FROM log ORDER BY n")
	mustExec(t, db, "DELETE FROM log")
	return strings.Join(msgs, ", ")
}

// TestReplaceFiresDeleteTriggers: a REPLACE that removes a row fires the table's BEFORE
// DELETE and AFTER DELETE triggers for it, between the new row's BEFORE INSERT and AFTER
// INSERT triggers, once for each row removed (by the primary key and by a UNIQUE key), and
// no UPDATE trigger (sql/backend/replacetrigger.go). Every expected log, count and table is
// MariaDB 10.11's answer to the same statements (MySQL's write_record, which MariaDB
// shares).
func TestReplaceFiresDeleteTriggers(t *testing.T) {
	db := openReplaceTriggers(t,
		"CREATE TABLE t (id INT PRIMARY KEY, u INT UNIQUE, v VARCHAR(10))",
		"CREATE TABLE log (n INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(100))",
		"CREATE TABLE s (id INT, u INT, v VARCHAR(10))",
		"INSERT INTO s VALUES (1, 40, 's1'), (5, 50, 's5')",
		"CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW INSERT INTO log (msg) VALUES (CONCAT('BI ', new.id, ' ', new.u, ' ', new.v))",
		"CREATE TRIGGER ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log (msg) VALUES (CONCAT('AI ', new.id, ' ', new.u, ' ', new.v))",
		"CREATE TRIGGER bd BEFORE DELETE ON t FOR EACH ROW INSERT INTO log (msg) VALUES (CONCAT('BD ', old.id, ' ', old.u, ' ', old.v))",
		"CREATE TRIGGER ad AFTER DELETE ON t FOR EACH ROW INSERT INTO log (msg) VALUES (CONCAT('AD ', old.id, ' ', old.u, ' ', old.v))",
		"CREATE TRIGGER bu BEFORE UPDATE ON t FOR EACH ROW INSERT INTO log (msg) VALUES (CONCAT('BU ', old.id))",
		"CREATE TRIGGER au AFTER UPDATE ON t FOR EACH ROW INSERT INTO log (msg) VALUES (CONCAT('AU ', old.id))",
		"INSERT INTO t VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c')",
		"DELETE FROM log")
	for _, c := range []struct {
		q, log string
		n      int64
		table  string // t after q
	}{
		{"REPLACE INTO t VALUES (4, 40, 'new')", "BI 4 40 new, AI 4 40 new", 1,
			"1 10 a|2 20 b|3 30 c|4 40 new"},
		{"REPLACE INTO t VALUES (1, 11, 'x')", "BI 1 11 x, BD 1 10 a, AD 1 10 a, AI 1 11 x", 2,
			"1 11 x|2 20 b|3 30 c|4 40 new"},
		// (2, 30) collides with (2, 20, 'b') by id and (3, 30, 'c') by u
		{"REPLACE INTO t VALUES (2, 30, 'y')", "BI 2 30 y, BD 2 20 b, AD 2 20 b, BD 3 30 c, AD 3 30 c, AI 2 30 y", 3,
			"1 11 x|2 30 y|4 40 new"},
		// an identical row is deleted and inserted too (a DELETE trigger forbids the
		// in-place write)
		{"REPLACE INTO t VALUES (1, 11, 'x')", "BI 1 11 x, BD 1 11 x, AD 1 11 x, AI 1 11 x", 2,
			"1 11 x|2 30 y|4 40 new"},
		{"REPLACE INTO t SELECT * FROM s ORDER BY id",
			"BI 1 40 s1, BD 1 11 x, AD 1 11 x, BD 4 40 new, AD 4 40 new, AI 1 40 s1, BI 5 50 s5, AI 5 50 s5", 4,
			"1 40 s1|2 30 y|5 50 s5"},
		{"REPLACE INTO t SET id = 5, u = 51, v = 'set'", "BI 5 51 set, BD 5 50 s5, AD 5 50 s5, AI 5 51 set", 2,
			"1 40 s1|2 30 y|5 51 set"},
	} {
		n, rc := replaceAffected(t, db, c.q)
		if n != c.n || rc != c.n {
			t.Errorf("%s: affected %d, ROW_COUNT() %d, want %d", c.q, n, rc, c.n)
		}
		if got := takeLog(t, db); got != c.log {
			t.Errorf("%s: triggers fired\n got %s\nwant %s", c.q, got, c.log)
		}
		if got := replaceRows(t, db, "SELECT * FROM t ORDER BY id"); got != c.table {
			t.Errorf("%s: t is %s, want %s", c.q, got, c.table)
		}
	}
}

// TestReplaceDeleteTriggerOnly: a table with only DELETE triggers (no INSERT trigger
// wraps the REPLACE) fires them too; the BEFORE DELETE trigger sees the row still there,
// the AFTER DELETE trigger sees it gone, and both see the rows the statement wrote before.
func TestReplaceDeleteTriggerOnly(t *testing.T) {
	db := openReplaceTriggers(t,
		"CREATE TABLE t (id INT PRIMARY KEY, v INT)",
		"CREATE TABLE gone (n INT AUTO_INCREMENT PRIMARY KEY, id INT, v INT, seen TEXT)",
		"CREATE TRIGGER ad AFTER DELETE ON t FOR EACH ROW BEGIN SET @c = (SELECT GROUP_CONCAT(id ORDER BY id) FROM t); INSERT INTO gone (id, v, seen) VALUES (old.id, old.v, @c); END",
		"CREATE TRIGGER bd BEFORE DELETE ON t FOR EACH ROW BEGIN SET @c = (SELECT GROUP_CONCAT(id ORDER BY id) FROM t); INSERT INTO gone (id, v, seen) VALUES (old.id, old.v, @c); END",
		"INSERT INTO t VALUES (1, 1), (2, 2)")
	// (GMS cannot run a trigger's INSERT ... VALUES with a subquery reading a table, in a
	// DELETE too: the bodies read through a variable)
	n, _ := replaceAffected(t, db, "REPLACE INTO t VALUES (1, 10), (3, 30), (2, 20)")
	if n != 5 {
		t.Errorf("affected %d, want 5", n)
	}
	// MariaDB 10.11's gone, in order
	if got, want := replaceRows(t, db, "SELECT id, v, seen FROM gone ORDER BY n"), "1 1 1,2|1 1 2|2 2 1,2,3|2 2 1,3"; got != want {
		t.Errorf("gone is %s, want %s", got, want)
	}
	if got, want := replaceRows(t, db, "SELECT * FROM t ORDER BY id"), "1 10|2 20|3 30"; got != want {
		t.Errorf("t is %s, want %s", got, want)
	}
}

// TestReplaceDeleteTriggerAtomic: a REPLACE whose DELETE trigger fails changes nothing:
// not the table, not what the triggers wrote before the failure (MariaDB 10.11: the
// trigger's duplicate key is 1062, a SIGNAL its own error, a trigger writing the REPLACE's
// own table 1442).
func TestReplaceDeleteTriggerAtomic(t *testing.T) {
	db := openReplaceTriggers(t,
		"CREATE TABLE t (id INT PRIMARY KEY, v INT)",
		"CREATE TABLE audit (id INT PRIMARY KEY, v INT)",
		"CREATE TRIGGER ad AFTER DELETE ON t FOR EACH ROW INSERT INTO audit VALUES (old.id, old.v)",
		"INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)",
		"INSERT INTO audit VALUES (2, 99)")
	unchanged := func(q, wantAudit string) {
		t.Helper()
		if got, want := replaceRows(t, db, "SELECT * FROM t ORDER BY id"), "1 1|2 2|3 3"; got != want {
			t.Errorf("after %s: t is %s, want %s", q, got, want)
		}
		if got := replaceRows(t, db, "SELECT * FROM audit ORDER BY id"); got != wantAudit {
			t.Errorf("after %s: audit is %s, want %s", q, got, wantAudit)
		}
	}
	q := "REPLACE INTO t VALUES (1, 100), (2, 200)" // audit (1, 1) is written, then (2, 2) collides
	_, err := db.Exec(q)
	if mysqlErrno(err) != 1062 { // (dsql's text for a trigger's duplicate is GMS's)
		t.Fatalf("%s: %v, want error 1062", q, err)
	}
	unchanged(q, "2 99")

	mustExec(t, db, "DROP TRIGGER ad",
		`CREATE TRIGGER bd BEFORE DELETE ON t FOR EACH ROW BEGIN
			IF old.v = 3 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no delete 3'; END IF;
			INSERT INTO audit VALUES (old.id + 10, old.v);
		END`)
	q = "REPLACE INTO t VALUES (1, 100), (3, 300)"
	_, err = db.Exec(q)
	wantErr(t, q, err, 1644, "45000", "no delete 3")
	unchanged(q, "2 99")

	mustExec(t, db, "DROP TRIGGER bd",
		"CREATE TRIGGER bd2 BEFORE DELETE ON t FOR EACH ROW UPDATE t SET v = 0 WHERE id = 99")
	q = "REPLACE INTO t VALUES (1, 5)"
	_, err = db.Exec(q)
	wantErr(t, q, err, 1442, "HY000", "Can't update table 't' in stored function/trigger because it is already used by statement which invoked this stored function/trigger")
	unchanged(q, "2 99")

	// a REPLACE without a collision runs no DELETE trigger: no error (MariaDB too)
	mustExec(t, db, "REPLACE INTO t VALUES (4, 4)")
	if got, want := replaceRows(t, db, "SELECT * FROM t ORDER BY id"), "1 1|2 2|3 3|4 4"; got != want {
		t.Errorf("t is %s, want %s", got, want)
	}
}

// TestReplaceTriggerModel: random REPLACEs of one to three rows into a table with a
// primary key and a nullable UNIQUE key, with all four INSERT and DELETE triggers logging,
// against a model of MySQL's write_record: for each row BI, then the row colliding by id
// deleted (BD, AD), then the row colliding by u (NULLs never collide), then AI; the count
// is the rows inserted plus the rows deleted. Seeded; the seed is logged.
func TestReplaceTriggerModel(t *testing.T) {
	seed := uint64(20261126)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	db := openReplaceTriggers(t,
		"CREATE TABLE t (id INT PRIMARY KEY, u INT UNIQUE, v INT)",
		"CREATE TABLE log (n INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(100))")
	for _, tr := range []struct{ name, when, event, row string }{
		{"bi", "BEFORE", "INSERT", "new"}, {"ai", "AFTER", "INSERT", "new"},
		{"bd", "BEFORE", "DELETE", "old"}, {"ad", "AFTER", "DELETE", "old"},
	} {
		mustExec(t, db, fmt.Sprintf("CREATE TRIGGER %s %s %s ON t FOR EACH ROW INSERT INTO log (msg) VALUES (CONCAT('%s ', %s.id, ' ', IFNULL(%s.u, 'N'), ' ', %s.v))",
			tr.name, tr.when, tr.event, strings.ToUpper(tr.name), tr.row, tr.row, tr.row))
	}
	type row struct {
		id, v int
		u     *int
	}
	str := func(tag string, r row) string {
		u := "N"
		if r.u != nil {
			u = fmt.Sprint(*r.u)
		}
		return fmt.Sprintf("%s %d %s %d", tag, r.id, u, r.v)
	}
	var model []row // t's rows
	for step := range 60 {
		var vals []string
		var news []row
		for range 1 + rng.IntN(3) {
			r := row{id: 1 + rng.IntN(6), v: step*10 + len(news)}
			u := "NULL"
			if rng.IntN(4) > 0 {
				x := 1 + rng.IntN(6)
				r.u, u = &x, fmt.Sprint(x)
			}
			news = append(news, r)
			vals = append(vals, fmt.Sprintf("(%d, %s, %d)", r.id, u, r.v))
		}
		q := "REPLACE INTO t VALUES " + strings.Join(vals, ", ")
		var wantLog []string
		var wantN int64
		for _, r := range news {
			wantLog = append(wantLog, str("BI", r))
			for _, collides := range []func(o row) bool{
				func(o row) bool { return o.id == r.id },
				func(o row) bool { return r.u != nil && o.u != nil && *o.u == *r.u },
			} {
				if i := slices.IndexFunc(model, collides); i >= 0 {
					wantLog = append(wantLog, str("BD", model[i]), str("AD", model[i]))
					model = slices.Delete(model, i, i+1)
					wantN++
				}
			}
			model = append(model, r)
			wantLog = append(wantLog, str("AI", r))
			wantN++
		}
		n, _ := replaceAffected(t, db, q)
		if n != wantN {
			t.Fatalf("step %d: %s: affected %d, want %d", step, q, n, wantN)
		}
		if got, want := takeLog(t, db), strings.Join(wantLog, ", "); got != want {
			t.Fatalf("step %d: %s: triggers fired\n got %s\nwant %s", step, q, got, want)
		}
		slices.SortFunc(model, func(a, b row) int { return a.id - b.id })
		var want []string
		for _, r := range model {
			want = append(want, strings.TrimPrefix(str("", r), " "))
		}
		got := replaceRows(t, db, "SELECT id, IFNULL(u, 'N'), v FROM t ORDER BY id")
		if got != strings.Join(want, "|") {
			t.Fatalf("step %d: %s: t is %s, want %s", step, q, got, strings.Join(want, "|"))
		}
	}
}
