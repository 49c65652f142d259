package server

import (
	"database/sql"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestPreparedLookupCacheMatchesText: prepared range and lookup selects served from the
// cached plan (BETWEEN on the primary key, a secondary index and a composite key, with
// ORDER BY, DISTINCT and aggregates) give, for seeded random parameters, exactly the
// rows of the same statement sent as text with the values written in (which GMS plans
// from scratch), and the same column descriptions as their first execute. The
// parameters include empty ranges (lower above upper), values outside the column's
// type and unmatched keys; rows are inserted, updated and deleted between executes,
// and DDL (a new column, a dropped and re-added index) happens midway.
func TestPreparedLookupCacheMatchesText(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	root := connect(t, s, "root", "", "")
	mustExec(t, root, "CREATE DATABASE app",
		"CREATE TABLE app.t (id INT PRIMARY KEY, k INT, c VARCHAR(20), KEY k (k))",
		"CREATE TABLE app.u (a INT, b SMALLINT, v VARCHAR(10), PRIMARY KEY (a, b))")
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 120; i++ {
		mustExec(t, root, fmt.Sprintf("INSERT INTO app.t VALUES (%d, %d, 'c%d')", i, rng.Intn(20), rng.Intn(15)))
		mustExec(t, root, fmt.Sprintf("INSERT IGNORE INTO app.u VALUES (%d, %d, 'v%d')", rng.Intn(10), rng.Intn(10), i))
	}
	c := newPreparedConn(t, connect(t, s, "root", "", "app"))
	stmts := []struct {
		q       string
		ordered bool // ORDER BY fixes the row order
	}{
		{"SELECT c FROM t WHERE id BETWEEN ? AND ?", false},
		{"SELECT SUM(k) FROM t WHERE id BETWEEN ? AND ?", true},
		{"SELECT c FROM t WHERE id BETWEEN ? AND ? ORDER BY c", false}, // ties in c
		{"SELECT DISTINCT c FROM t WHERE id BETWEEN ? AND ? ORDER BY c", true},
		{"SELECT COUNT(*), MIN(c), MAX(id), AVG(k) FROM t WHERE id BETWEEN ? AND ?", true},
		{"SELECT id, c FROM t WHERE id BETWEEN ? AND ? ORDER BY id DESC", true},
		{"SELECT id, c FROM t WHERE k = ?", false},
		{"SELECT id FROM t WHERE k BETWEEN ? AND ? ORDER BY id", true},
		{"SELECT v FROM u WHERE a = ? AND b BETWEEN ? AND ?", false},
		{"SELECT a, b, v FROM u WHERE b = ? AND a = ?", false},
		{"SELECT x.c FROM t AS x WHERE x.id BETWEEN ? AND ? ORDER BY x.id", true},
	}
	value := func() any {
		switch rng.Intn(12) {
		case 0:
			return int64(1) << 40 // outside INT and SMALLINT
		case 1:
			return -1 - rng.Intn(3)
		default:
			return rng.Intn(125)
		}
	}
	type result struct {
		cols []string
		rows [][]sql.NullString
	}
	get := func(q string, rows *sql.Rows, err error) result {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, vals, rerr := readResult(t, rows)
		if rerr != "" {
			t.Fatalf("%s: %s", q, rerr)
		}
		return result{cols, vals}
	}
	canon := func(rows [][]sql.NullString, ordered bool) string {
		out := make([]string, len(rows))
		for i, r := range rows {
			out[i] = fmt.Sprint(r)
		}
		if !ordered {
			sort.Strings(out)
		}
		return strings.Join(out, "\n")
	}
	prepared := make([]*sql.Stmt, len(stmts))
	firstCols := make([][]string, len(stmts))
	for i, st := range stmts {
		prepared[i] = c.prepare(st.q)
	}
	hits := preparedStats.hits.Load()
	for round := 0; round < 600; round++ {
		switch {
		case round == 200:
			c.exec("ALTER TABLE t ADD COLUMN extra INT DEFAULT 5")
		case round == 300:
			c.exec("ALTER TABLE t DROP INDEX k")
		case round == 400:
			c.exec("ALTER TABLE t ADD INDEX k (k)")
		case round%7 == 0:
			c.exec(fmt.Sprintf("REPLACE INTO t (id, k, c) VALUES (%d, %d, 'n%d')", rng.Intn(130), rng.Intn(20), rng.Intn(15)))
		case round%11 == 0:
			c.exec(fmt.Sprintf("DELETE FROM t WHERE id = %d", rng.Intn(130)))
		case round%13 == 0:
			c.exec(fmt.Sprintf("UPDATE u SET v = 'u%d' WHERE a = %d", round, rng.Intn(10)))
		}
		i := rng.Intn(len(stmts))
		n := strings.Count(stmts[i].q, "?")
		args := make([]any, n)
		text := stmts[i].q
		for j := range args {
			args[j] = value()
			text = strings.Replace(text, "?", fmt.Sprint(args[j]), 1)
		}
		prows, perr := prepared[i].QueryContext(c.ctx, args...)
		got := get(stmts[i].q, prows, perr)
		trows, terr := c.conn.QueryContext(c.ctx, text)
		want := get(text, trows, terr)
		if firstCols[i] == nil {
			firstCols[i] = got.cols
		} else if !reflect.DeepEqual(firstCols[i], got.cols) && round < 200 {
			t.Fatalf("%s %v: column descriptions changed:\n%v\nfirst\n%v", stmts[i].q, args, got.cols, firstCols[i])
		}
		if g, w := canon(got.rows, stmts[i].ordered), canon(want.rows, stmts[i].ordered); g != w {
			t.Fatalf("round %d: %s %v:\nprepared\n%s\ntext\n%s", round, stmts[i].q, args, g, w)
		}
	}
	// Every statement above is cached once planned.
	for i, st := range stmts {
		args := make([]any, strings.Count(st.q, "?"))
		for j := range args {
			args[j] = 3 + j
		}
		for k := 0; k < 2; k++ {
			h := preparedStats.hits.Load()
			rows, err := prepared[i].QueryContext(c.ctx, args...)
			get(st.q, rows, err)
			if k == 1 && preparedStats.hits.Load() == h {
				t.Errorf("%s: not run from the cached plan", st.q)
			}
		}
	}
	if preparedStats.hits.Load()-hits < 200 {
		t.Fatalf("only %d executes ran from a cached plan", preparedStats.hits.Load()-hits)
	}
}

// TestLookupCacheFollowsSQLMode: a cached plan is made again when the session's sql_mode
// changes, so what the analyzer decides from the mode holds: a select of a column
// next to an aggregate runs without ONLY_FULL_GROUP_BY and then fails with it (1140),
// as a text statement and as a prepared one.
func TestLookupCacheFollowsSQLMode(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	root := connect(t, s, "root", "", "")
	mustExec(t, root, "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY, k INT, c VARCHAR(5))",
		"INSERT INTO app.t VALUES (1, 10, 'a'), (2, 20, 'a'), (3, 30, 'a')")
	c := newPreparedConn(t, connect(t, s, "root", "", "app"))
	const q = "SELECT c, SUM(k) FROM t WHERE id BETWEEN ? AND ?"
	st := c.prepare(q)
	c.exec("SET sql_mode = ''")
	prepared := func() string {
		r, err := st.QueryContext(c.ctx, 1, 3)
		if err != nil {
			return errCode(err)
		}
		_, vals, rerr := readResult(t, r)
		if rerr != "" {
			return rerr
		}
		return fmt.Sprint(vals)
	}
	for range 3 {
		if got := prepared(); got != "[[{a true} {60 true}]]" {
			t.Fatalf("prepared statement without ONLY_FULL_GROUP_BY: %s", got)
		}
		if got := c.rowsOrErr("SELECT c, SUM(k) FROM t WHERE id BETWEEN 1 AND 3"); got != "[[{a true} {60 true}]]" {
			t.Fatalf("text statement without ONLY_FULL_GROUP_BY: %s", got)
		}
	}
	c.exec("SET sql_mode = 'ONLY_FULL_GROUP_BY'")
	if got := prepared(); got != "1140" {
		t.Fatalf("prepared statement under ONLY_FULL_GROUP_BY: %s, want error 1140", got)
	}
	if got := c.rowsOrErr("SELECT c, SUM(k) FROM t WHERE id BETWEEN 1 AND 3"); got != "1140" {
		t.Fatalf("text statement under ONLY_FULL_GROUP_BY: %s, want error 1140", got)
	}
}
