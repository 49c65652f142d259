package server

import (
	"database/sql"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// TestPreparedWriteCacheMatchesText: prepared UPDATEs and DELETEs served from the cached
// plan (lookup by primary key, BETWEEN and a secondary index; `SET c = ?` literals and
// `SET k = k + 1`) change a table exactly as the same statements sent as text change an
// identical twin table, which GMS plans from scratch: same affected-row counts, same
// errors (an out-of-range SET is 1264, a too-long string 1406, and neither changes a
// row), same rows after every step. Midway a CHECK constraint, a trigger and a foreign
// key appear on both tables and transactions are rolled back and committed; each of
// these must re-plan (the trigger fires, the check and the key are enforced). Column c
// is VARCHAR, then CHAR (whose plans hold backend's charTrim node over the row source),
// and some values end in spaces.
func TestPreparedWriteCacheMatchesText(t *testing.T) {
	for _, ct := range []string{"VARCHAR", "CHAR"} {
		t.Run(ct, func(t *testing.T) { testPreparedWriteCache(t, ct) })
	}
}

func testPreparedWriteCache(t *testing.T, charType string) {
	c := twinTables(t, "(id INT PRIMARY KEY, k INT, c "+charType+"(12), tiny TINYINT, KEY k (k))", false)
	rng := rand.New(rand.NewSource(11))
	both := func(q string) {
		t.Helper()
		c.exec(strings.ReplaceAll(q, "{T}", "a"), strings.ReplaceAll(q, "{T}", "b"))
	}
	for i := 0; i < 60; i++ {
		both(fmt.Sprintf("INSERT INTO {T} VALUES (%d, %d, 'c%d', %d)", i, rng.Intn(10), i, rng.Intn(100)))
	}
	stmts := []string{
		"UPDATE {T} SET c = ? WHERE id = ?",
		"UPDATE {T} SET k = k + 1 WHERE id = ?",
		"UPDATE {T} SET k = k + 1, c = ? WHERE id BETWEEN ? AND ?",
		"UPDATE {T} SET tiny = tiny + 50 WHERE id = ?",
		"UPDATE {T} SET c = ? WHERE k = ?",
		"UPDATE {T} SET k = ? WHERE id = ?",
		"DELETE FROM {T} WHERE id = ?",
		"DELETE FROM {T} WHERE id BETWEEN ? AND ?",
	}
	prepared := make([]*sql.Stmt, len(stmts))
	for i, q := range stmts {
		prepared[i] = c.prepare(strings.ReplaceAll(q, "{T}", "a"))
	}
	word := func() string {
		switch rng.Intn(15) {
		case 0:
			return "much-too-long-for-twelve"
		case 1:
			return fmt.Sprintf("w%d  ", rng.Intn(1000))
		}
		return fmt.Sprintf("w%d", rng.Intn(1000))
	}
	rowsOf := func(tb string) string {
		t.Helper()
		return c.rows("SELECT id, k, c, tiny FROM " + tb + " ORDER BY id")
	}
	hits := preparedStats.hits.Load()
	inTx := false
	for round := 0; round < 500; round++ {
		switch round {
		case 150:
			both("UPDATE {T} SET k = k % 50")
			both("ALTER TABLE {T} ADD CONSTRAINT {T}_small CHECK (k < 60)")
		case 250:
			both("CREATE TRIGGER {T}_mark BEFORE UPDATE ON {T} FOR EACH ROW SET NEW.c = CONCAT('t', LEFT(NEW.c, 11))")
		case 350:
			both("CREATE TABLE {T}_parent (id INT PRIMARY KEY)")
			both("INSERT INTO {T}_parent SELECT DISTINCT id FROM {T}")
			both("ALTER TABLE {T}_parent ADD CONSTRAINT {T}_fk FOREIGN KEY (id) REFERENCES {T} (id)")
		}
		switch {
		case round%40 == 10 && !inTx:
			c.exec("BEGIN")
			inTx = true
		case round%40 == 25 && inTx:
			if rng.Intn(2) == 0 {
				c.exec("ROLLBACK")
			} else {
				c.exec("COMMIT")
			}
			inTx = false
		case round%9 == 0:
			id := rng.Intn(70)
			both(fmt.Sprintf("INSERT IGNORE INTO {T} VALUES (%d, %d, 'n%d', %d)", id, rng.Intn(10), round, rng.Intn(100)))
		}
		i := rng.Intn(len(stmts))
		q := stmts[i]
		var args []any
		text := strings.ReplaceAll(q, "{T}", "b")
		for range strings.Count(q, "?") {
			var v any
			if strings.HasPrefix(text[strings.Index(text, "?")-4:], "c = ") {
				v = word()
				text = strings.Replace(text, "?", "'"+v.(string)+"'", 1)
			} else {
				v = rng.Intn(75) - 5
				text = strings.Replace(text, "?", fmt.Sprint(v), 1)
			}
			args = append(args, v)
		}
		pres, perr := prepared[i].ExecContext(c.ctx, args...)
		tres, terr := c.conn.ExecContext(c.ctx, text)
		if errCode(perr) != errCode(terr) {
			t.Fatalf("round %d: %s %v: prepared %v, text %v", round, q, args, perr, terr)
		}
		if perr == nil {
			pn, _ := pres.RowsAffected()
			tn, _ := tres.RowsAffected()
			if pn != tn {
				t.Fatalf("round %d: %s %v: %d rows affected, text %d", round, q, args, pn, tn)
			}
		}
		if a, b := rowsOf("a"), rowsOf("b"); a != b {
			t.Fatalf("round %d: after %s %v:\nprepared table\n%s\ntext table\n%s", round, q, args, a, b)
		}
	}
	if inTx {
		c.exec("COMMIT")
	}
	if n := preparedStats.hits.Load() - hits; n < 100 {
		t.Fatalf("only %d writes ran from a cached plan", n)
	}
	// The trigger fired through the cached path (its prefix is on updated rows).
	if !strings.Contains(rowsOf("a"), "{t") {
		t.Fatalf("no row shows the trigger's mark: %s", rowsOf("a"))
	}
}

// TestPreparedInsertCacheMatchesText: prepared single-row INSERTs served from the cached
// plan insert what the same INSERT sent as text inserts into an identical twin table:
// explicit AUTO_INCREMENT values (0 and omitted ones generate a value, and
// LAST_INSERT_ID follows), strings and numbers of every size (the literal's type depends
// on the value), duplicate keys (1062), values out of the column's range (1264) and
// too long (1406), defaults for omitted columns; and a trigger added midway fires. Column
// c is VARCHAR, then CHAR (as in TestPreparedWriteCacheMatchesText).
func TestPreparedInsertCacheMatchesText(t *testing.T) {
	for _, ct := range []string{"VARCHAR", "CHAR"} {
		t.Run(ct, func(t *testing.T) { testPreparedInsertCache(t, ct) })
	}
}

func testPreparedInsertCache(t *testing.T, charType string) {
	c := twinTables(t, "(id INT PRIMARY KEY AUTO_INCREMENT, k BIGINT, c "+charType+"(8), s SMALLINT DEFAULT 7, KEY k (k))", false)
	rng := rand.New(rand.NewSource(5))
	stmts := []string{
		"INSERT INTO {T} (id, k, c, s) VALUES (?, ?, ?, ?)",
		"INSERT INTO {T} (k, c) VALUES (?, ?)",
		"INSERT INTO {T} (id, k, c) VALUES (?, ?, 'lit')",
	}
	prepared := make([]*sql.Stmt, len(stmts))
	for i, q := range stmts {
		prepared[i] = c.prepare(strings.ReplaceAll(q, "{T}", "a"))
	}
	num := func() int64 {
		switch rng.Intn(10) {
		case 0:
			return int64(rng.Intn(300)) - 150
		case 1:
			return rng.Int63() >> uint(rng.Intn(60))
		case 2:
			return 0
		default: // one literal type (SMALLINT): mostly cached executes
			return 256 + int64(rng.Intn(3000))
		}
	}
	word := func() string {
		switch rng.Intn(10) {
		case 0:
			return "far-too-long"
		case 1:
			return fmt.Sprintf("w%d  ", rng.Intn(100))
		}
		return fmt.Sprintf("w%d", rng.Intn(100))
	}
	query := c.rows
	hits := preparedStats.hits.Load()
	for round := 0; round < 400; round++ {
		if round == 300 {
			for _, tb := range []string{"a", "b"} {
				c.exec(fmt.Sprintf("CREATE TRIGGER %s_up BEFORE INSERT ON %s FOR EACH ROW SET NEW.c = UPPER(NEW.c)", tb, tb))
			}
		}
		i := rng.Intn(len(stmts))
		q := stmts[i]
		text := strings.ReplaceAll(q, "{T}", "b")
		var args []any
		for n := range strings.Count(q, "?") {
			var v any
			if (i == 0 && n == 2) || (i == 1 && n == 1) {
				v = word()
				text = strings.Replace(text, "?", "'"+v.(string)+"'", 1)
			} else {
				v = num()
				text = strings.Replace(text, "?", fmt.Sprint(v), 1)
			}
			args = append(args, v)
		}
		_, perr := prepared[i].ExecContext(c.ctx, args...)
		plast := query("SELECT LAST_INSERT_ID()")
		_, terr := c.conn.ExecContext(c.ctx, text)
		tlast := query("SELECT LAST_INSERT_ID()")
		if errCode(perr) != errCode(terr) {
			t.Fatalf("round %d: %s %v: prepared %v, text %v", round, q, args, perr, terr)
		}
		if a, b := query("SELECT * FROM a ORDER BY id"), query("SELECT * FROM b ORDER BY id"); a != b {
			t.Fatalf("round %d: after %s %v:\nprepared table\n%s\ntext table\n%s", round, q, args, a, b)
		}
		if perr == nil && plast != tlast {
			t.Fatalf("round %d: %s %v: LAST_INSERT_ID %s, text %s", round, q, args, plast, tlast)
		}
	}
	if n := preparedStats.hits.Load() - hits; n < 100 {
		t.Fatalf("only %d inserts ran from a cached plan", n)
	}
	if !strings.Contains(query("SELECT c FROM a"), "W") {
		t.Fatal("the trigger's upper-casing shows on no row")
	}
}

// errCode is err's MySQL error number, its text if it has none, or "ok".
func errCode(err error) string {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return fmt.Sprint(me.Number)
	}
	if err != nil {
		return err.Error()
	}
	return "ok"
}

// rows runs a text query and gives its rows as text.
func (c *preparedConn) rows(q string) string {
	c.t.Helper()
	r, err := c.conn.QueryContext(c.ctx, q)
	if err != nil {
		c.t.Fatalf("%s: %v", q, err)
	}
	_, vals, rerr := readResult(c.t, r)
	if rerr != "" {
		c.t.Fatalf("%s: %s", q, rerr)
	}
	return fmt.Sprint(vals)
}

// twinTables starts a server with tables app.a and app.b of the given columns and
// returns a connection to database app (with multi-statement queries if multi): the
// tests run each statement on a through the path under test and on b through GMS's.
func twinTables(t *testing.T, columns string, multi bool) *preparedConn {
	t.Helper()
	s, _ := startServer(t, testConfig(t.TempDir()))
	root := connect(t, s, "root", "", "")
	mustExec(t, root, "CREATE DATABASE app", "CREATE TABLE app.a "+columns, "CREATE TABLE app.b "+columns)
	if multi {
		c := newPreparedConn(t, connectMulti(t, s))
		c.exec("USE app")
		return c
	}
	return newPreparedConn(t, connect(t, s, "root", "", "app"))
}
