package server

import (
	"database/sql"
	"strings"
	"testing"

	ast "github.com/dolthub/vitess/go/vt/sqlparser"
)

// selectLimitConn starts a server with table app.t of four rows (id 1..4, k 10..40)
// and returns a connection to app and the server's root handle.
func selectLimitConn(t *testing.T) (*preparedConn, *Server) {
	t.Helper()
	s, _ := startServer(t, testConfig(t.TempDir()))
	root := connect(t, s, "root", "", "")
	mustExec(t, root, "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY, k INT, KEY k (k))",
		"INSERT INTO app.t VALUES (1, 10), (2, 20), (3, 30), (4, 40)")
	return newPreparedConn(t, connect(t, s, "root", "", "app")), s
}

// firstColumn runs q (prepared with args if any, else as text) and gives its first
// column's values joined by commas.
func (c *preparedConn) firstColumn(q string, args ...any) string {
	c.t.Helper()
	r, err := c.conn.QueryContext(c.ctx, q, args...)
	if err != nil {
		c.t.Fatalf("%s: %v", q, err)
	}
	_, vals, rerr := readResult(c.t, r)
	if rerr != "" {
		c.t.Fatalf("%s: %s", q, rerr)
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = v[0].String
	}
	return strings.Join(out, ",")
}

func (c *preparedConn) wantColumn(q, want string, args ...any) {
	c.t.Helper()
	if got := c.firstColumn(q, args...); got != want {
		c.t.Errorf("%s %v: got [%s], want [%s]", q, args, got, want)
	}
}

// TestSelectLimitTopLevel: @@sql_select_limit caps the rows of a top-level SELECT
// (simple or not), TABLE and UNION; an explicit LIMIT, larger or smaller, wins; it does
// not apply to subqueries, derived tables, views, INSERT ... SELECT, CREATE TABLE ...
// SELECT, SHOW, SELECT ... INTO or a procedure's SELECT; 0 returns nothing; DEFAULT and
// the largest value mean no limit.
func TestSelectLimitTopLevel(t *testing.T) {
	c, _ := selectLimitConn(t)
	c.wantColumn("SELECT @@sql_select_limit", "18446744073709551615")
	c.exec("CREATE VIEW v AS SELECT * FROM t",
		"CREATE PROCEDURE p() BEGIN SELECT id FROM t ORDER BY id; END")
	c.exec("SET sql_select_limit = 2")
	c.wantColumn("SELECT @@sql_select_limit", "2")
	for _, tc := range []struct{ q, want string }{
		{"SELECT id FROM t", "1,2"},
		{"SELECT id FROM t WHERE k > 0", "1,2"},
		{"SELECT id FROM t ORDER BY id DESC", "4,3"},
		{"SELECT id FROM t WHERE id BETWEEN 1 AND 4 ORDER BY k DESC", "4,3"},
		{"SELECT id FROM t UNION SELECT k FROM t ORDER BY 1", "1,2"},
		{"TABLE t", "1,2"},
		{"WITH c AS (SELECT id FROM t) SELECT id FROM c", "1,2"},
		{"SELECT DISTINCT k FROM t ORDER BY k", "10,20"},
		{"SELECT k, COUNT(*) FROM t GROUP BY k ORDER BY k", "10,20"},
		{"SELECT id FROM t LIMIT 3", "1,2,3"},
		{"SELECT id FROM t ORDER BY id DESC LIMIT 3", "4,3,2"},
		{"SELECT id FROM t LIMIT 1", "1"},
		{"SELECT id FROM t LIMIT 2 OFFSET 2", "3,4"},
		{"SELECT id FROM t UNION SELECT k FROM t ORDER BY 1 LIMIT 3", "1,2,3"},
		{"SELECT COUNT(*) FROM (SELECT * FROM t) d", "4"},
		{"SELECT id FROM (SELECT * FROM t) d ORDER BY id", "1,2"},
		{"SELECT id FROM (SELECT * FROM t ORDER BY id LIMIT 3) d", "1,2"},
		{"SELECT SUM(id) FROM (SELECT * FROM t ORDER BY id LIMIT 3) d", "6"},
		{"SELECT COUNT(*) FROM t WHERE id IN (SELECT id FROM t)", "4"},
		{"SELECT (SELECT SUM(k) FROM t)", "100"},
		{"SELECT (SELECT COUNT(*) FROM t u WHERE u.id <= t.id) FROM t ORDER BY id DESC", "4,3"},
		{"SELECT COUNT(*) FROM v", "4"},
		{"SELECT id FROM v", "1,2"},
		{"CALL p()", "1,2,3,4"},
	} {
		c.wantColumn(tc.q, tc.want)
	}

	// Writes and SHOW are not limited.
	c.exec("CREATE TABLE u (id INT PRIMARY KEY, k INT)", "INSERT INTO u SELECT * FROM t",
		"CREATE TABLE w AS SELECT * FROM t")
	c.exec("SET sql_select_limit = 1")
	c.wantColumn("SELECT COUNT(*) FROM u", "4")
	c.wantColumn("SELECT COUNT(*) FROM w", "4")
	c.wantColumn("SHOW TABLES", "t,u,v,w")
	if res, err := c.conn.ExecContext(c.ctx, "UPDATE u SET k = k + 1"); err != nil {
		t.Fatal(err)
	} else if n, _ := res.RowsAffected(); n != 4 {
		t.Errorf("UPDATE under sql_select_limit = 1 changed %d rows, want 4", n)
	}
	// SELECT ... INTO takes the statement's rows, not the first one.
	if _, err := c.conn.ExecContext(c.ctx, "SELECT id FROM t INTO @x"); errCode(err) != "1172" {
		t.Errorf("SELECT ... INTO of four rows under sql_select_limit = 1: %v, want error 1172", err)
	}
	c.exec("SELECT SUM(k) FROM t INTO @x")
	c.wantColumn("SELECT @x", "100")
	// PREPARE and EXECUTE in SQL.
	c.exec("PREPARE s FROM 'SELECT id FROM t ORDER BY id'")
	c.wantColumn("EXECUTE s", "1")

	c.exec("SET sql_select_limit = 0")
	c.wantColumn("SELECT id FROM t", "")
	c.exec("SET sql_select_limit = 18446744073709551615")
	c.wantColumn("SELECT id FROM t", "1,2,3,4")
	c.exec("SET sql_select_limit = 3")
	c.wantColumn("SELECT id FROM t", "1,2,3")
	c.exec("SET sql_select_limit = DEFAULT")
	c.wantColumn("SELECT id FROM t", "1,2,3,4")
	c.wantColumn("SELECT @@sql_select_limit", "18446744073709551615")
}

// TestSelectLimitPreparedAndCached: server-side prepared statements and text
// statements served from the plan cache follow a change of @@sql_select_limit between
// executes, both while their plan is cached (cache hits counted) and through GMS.
func TestSelectLimitPreparedAndCached(t *testing.T) {
	c, _ := selectLimitConn(t)
	cached := c.prepare("SELECT id FROM t WHERE id BETWEEN ? AND ?") // a cached lookup plan
	other := c.prepare("SELECT id FROM t WHERE k > ?")               // GMS's plan every time
	const text = "SELECT id FROM t WHERE id BETWEEN 1 AND 4"         // text cache
	run := func(want string) {
		t.Helper()
		for range 2 {
			if got := c.firstColumnStmt(cached, 1, 4); got != want {
				t.Errorf("prepared lookup: got [%s], want [%s]", got, want)
			}
			if got := c.firstColumnStmt(other, 0); got != want {
				t.Errorf("prepared select: got [%s], want [%s]", got, want)
			}
			c.wantColumn(text, want)
		}
	}
	run("1,2,3,4")
	hits := preparedStats.hits.Load()
	c.exec("SET sql_select_limit = 2")
	run("1,2")
	c.exec("SET sql_select_limit = 1")
	run("1")
	c.exec("SET sql_select_limit = DEFAULT")
	run("1,2,3,4")
	if n := preparedStats.hits.Load() - hits; n < 12 {
		t.Errorf("only %d executes ran from a cached plan, want at least 12", n)
	}
}

// firstColumnStmt executes a prepared statement and gives its first column's values
// joined by commas.
func (c *preparedConn) firstColumnStmt(st *sql.Stmt, args ...any) string {
	c.t.Helper()
	r, err := st.QueryContext(c.ctx, args...)
	if err != nil {
		c.t.Fatalf("execute %v: %v", args, err)
	}
	_, vals, rerr := readResult(c.t, r)
	if rerr != "" {
		c.t.Fatalf("execute %v: %s", args, rerr)
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = v[0].String
	}
	return strings.Join(out, ",")
}

// TestSelectLimitScopes: SET GLOBAL sets the value new sessions start with; a session's
// own SET does not reach other sessions; multi-statement connections (the mysql
// client's) are limited too.
func TestSelectLimitScopes(t *testing.T) {
	c, s := selectLimitConn(t)
	c.exec("SET GLOBAL sql_select_limit = 3")
	t.Cleanup(func() { c.exec("SET GLOBAL sql_select_limit = DEFAULT") })
	other := newPreparedConn(t, connect(t, s, "root", "", "app"))
	other.wantColumn("SELECT @@sql_select_limit", "3")
	other.wantColumn("SELECT id FROM t", "1,2,3")
	c.wantColumn("SELECT id FROM t", "1,2,3,4") // its session value was set before

	multi := newPreparedConn(t, connectMulti(t, s))
	multi.exec("USE app")
	multi.wantColumn("SELECT id FROM t", "1,2,3")
	multi.exec("SET sql_select_limit = 1")
	multi.wantColumn("SELECT id FROM t", "1")
	multi.wantColumn("TABLE t", "1")
	multi.wantColumn("SELECT id FROM t WHERE id BETWEEN 2 AND 4", "2")
	other.wantColumn("SELECT id FROM t", "1,2,3")

	c.exec("SET GLOBAL sql_select_limit = DEFAULT")
	fresh := newPreparedConn(t, connect(t, s, "root", "", "app"))
	fresh.wantColumn("SELECT id FROM t", "1,2,3,4")
}

// TestSelectLimitApplies: the statements whose rows the variable limits, judged on
// their parse.
func TestSelectLimitApplies(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT * FROM t":                           true,
		"TABLE t":                                   true,
		"SELECT 1 UNION SELECT 2":                   true,
		"(SELECT 1 LIMIT 1) UNION (SELECT 2)":       true,
		"WITH c AS (SELECT 1) SELECT * FROM c":      true,
		"SELECT * FROM t FOR UPDATE":                true,
		"SELECT * FROM t LIMIT 5":                   false,
		"SELECT 1 UNION SELECT 2 LIMIT 1":           false,
		"SELECT * FROM t INTO @x":                   false,
		"INSERT INTO u SELECT * FROM t":             false,
		"CREATE TABLE u AS SELECT * FROM t":         false,
		"SHOW TABLES":                               false,
		"CALL p()":                                  false,
		"EXPLAIN SELECT * FROM t":                   false,
		"UPDATE t SET k = 1":                        false,
		"SELECT * FROM (SELECT * FROM t LIMIT 1) d": true,
	} {
		stmt, err := ast.Parse(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if got := selectLimitApplies(stmt); got != want {
			t.Errorf("selectLimitApplies(%s) = %v, want %v (%T)", q, got, want, stmt)
		}
	}
}

// TestSelectLimitRuleRemoved: GMS's analyzer rule is gone from the engine's analyzer
// (else a plan would hold the limit of the session that planned it).
func TestSelectLimitRuleRemoved(t *testing.T) {
	_, s := selectLimitConn(t)
	for _, b := range s.Engine().SQL.Analyzer.Batches {
		for _, r := range b.Rules {
			if r.Id.String() == gmsSelectLimitRule {
				t.Fatalf("batch %s still has %s", b.Desc, gmsSelectLimitRule)
			}
		}
	}
}

// TestSelectLimitValues: the values SET accepts, as MySQL: a negative integer is 0 with
// warning 1292, a fraction or a number beyond 18446744073709551615 fails with 1232, a
// string with 1231; a failed SET leaves the value.
func TestSelectLimitValues(t *testing.T) {
	c, _ := selectLimitConn(t)
	for _, tc := range []struct{ set, err, value string }{
		{"3", "ok", "3"},
		{"-1", "ok", "0"},
		{"3", "ok", "3"},
		{"-5.0", "ok", "0"},
		{"2.5", "1232", "0"},
		{"18446744073709551616", "1232", "0"},
		{"'abc'", "1231", "0"},
		{"1e1", "ok", "10"},
		{"18446744073709551615", "ok", "18446744073709551615"},
		{"7", "ok", "7"},
		{"@@GLOBAL.sql_select_limit", "ok", "18446744073709551615"},
	} {
		q := "SET sql_select_limit = " + tc.set
		_, err := c.conn.ExecContext(c.ctx, q)
		if got := errCode(err); got != tc.err {
			t.Errorf("%s: %v, want %s", q, err, tc.err)
		}
		if tc.set == "-1" {
			c.wantColumn("SHOW WARNINGS", "Warning")
		}
		c.wantColumn("SELECT @@sql_select_limit LIMIT 1", tc.value) // without LIMIT, 0 would return no row
	}
}
