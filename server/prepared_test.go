package server

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// preparedConn is one connection of a test with prepared-statement helpers.
type preparedConn struct {
	t    *testing.T
	ctx  context.Context
	conn *sql.Conn
}

func newPreparedConn(t *testing.T, db *sql.DB) *preparedConn {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &preparedConn{t: t, ctx: ctx, conn: conn}
}

func (c *preparedConn) exec(qs ...string) {
	c.t.Helper()
	for _, q := range qs {
		if _, err := c.conn.ExecContext(c.ctx, q); err != nil {
			c.t.Fatalf("%s: %v", q, err)
		}
	}
}

func (c *preparedConn) prepare(q string) *sql.Stmt {
	c.t.Helper()
	st, err := c.conn.PrepareContext(c.ctx, q)
	if err != nil {
		c.t.Fatalf("prepare %s: %v", q, err)
	}
	c.t.Cleanup(func() { _ = st.Close() })
	return st
}

// one runs a prepared single-column query and returns its rows as strings ("" for no row).
func (c *preparedConn) one(st *sql.Stmt, args ...any) (string, error) {
	c.t.Helper()
	var v sql.NullString
	err := st.QueryRowContext(c.ctx, args...).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v.String, err
}

func (c *preparedConn) want(st *sql.Stmt, want string, args ...any) {
	c.t.Helper()
	got, err := c.one(st, args...)
	if err != nil || got != want {
		c.t.Fatalf("execute %v = %q, %v; want %q", args, got, err, want)
	}
}

// TestPreparedPointSelectCache: a prepared primary-key point select runs from the cached
// plan (hits counted) and is always right: other keys, missing keys, new rows, non-integer
// and NULL parameters, DDL (a new column, a changed type, a renamed column, the table
// dropped and recreated with another key), another branch checked out (with the same and
// with another schema), a temporary table shadowing the name, another current database,
// transactions, and a revoked privilege.
func TestPreparedPointSelectCache(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	root := connect(t, s, "root", "", "")
	mustExec(t, root, "CREATE DATABASE app", "CREATE DATABASE other",
		"CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(20))",
		"INSERT INTO app.t VALUES (1, 'one'), (2, 'two'), (3, 'three')",
		"CREATE TABLE other.t (id INT PRIMARY KEY, v VARCHAR(20))",
		"INSERT INTO other.t VALUES (1, 'other one')")
	c := newPreparedConn(t, connect(t, s, "root", "", "app"))
	c.exec("CALL dsql_commit('-Am', 'init')")
	st := c.prepare("SELECT v FROM t WHERE id = ?")
	hits := preparedStats.hits.Load()
	c.want(st, "one", 1)
	c.want(st, "two", 2)
	c.want(st, "three", int64(3))
	c.want(st, "", 4)
	c.want(st, "", -1)
	c.want(st, "", uint64(1)<<63) // out of INT's range: through GMS
	c.want(st, "two", "2")        // a string parameter: through GMS
	c.want(st, "", nil)           // NULL
	if preparedStats.hits.Load()-hits < 3 {
		t.Fatalf("the cached plan was used %d times", preparedStats.hits.Load()-hits)
	}

	// sql_select_limit: the limit is applied as the plan's root is built
	// (selectlimit.go), so the cached plan answers as a text query does.
	c.exec("SET SESSION sql_select_limit = 0")
	var text string
	if err := c.conn.QueryRowContext(c.ctx, "SELECT v FROM t WHERE id = 1").Scan(&text); err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatal(err)
	}
	c.want(st, text, 1)
	c.exec("SET SESSION sql_select_limit = DEFAULT")
	c.want(st, "one", 1)

	// New rows, another session's write.
	mustExec(t, root, "INSERT INTO app.t VALUES (4, 'four')")
	c.want(st, "four", 4)
	c.exec("UPDATE t SET v = 'FOUR' WHERE id = 4")
	c.want(st, "FOUR", 4)

	// Transactions: the snapshot of BEGIN, then the session's own writes.
	c.exec("BEGIN")
	c.want(st, "FOUR", 4)
	mustExec(t, root, "UPDATE app.t SET v = 'four again' WHERE id = 4")
	c.want(st, "FOUR", 4)
	c.exec("UPDATE t SET v = 'mine' WHERE id = 1")
	c.want(st, "mine", 1)
	c.exec("ROLLBACK")
	c.want(st, "one", 1)
	c.want(st, "four again", 4)

	// DDL: a new column, a changed type, a renamed column.
	c.exec("ALTER TABLE t ADD COLUMN w INT")
	c.want(st, "two", 2)
	c.exec("ALTER TABLE t MODIFY v VARCHAR(40)")
	c.want(st, "three", 3)
	c.exec("ALTER TABLE t RENAME COLUMN v TO vv")
	if _, err := c.one(st, 1); err == nil {
		t.Fatal("the statement still runs after its column was renamed")
	}
	c.exec("ALTER TABLE t RENAME COLUMN vv TO v")
	c.want(st, "one", 1)
	// Dropped and recreated with v in the key: a two-column key, never a point lookup on id.
	c.exec("DROP TABLE t", "CREATE TABLE t (id INT, v VARCHAR(20), PRIMARY KEY (id, v))",
		"INSERT INTO t VALUES (1, 'a'), (2, 'b')")
	c.want(st, "a", 1)
	c.exec("DROP TABLE t", "CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(20))",
		"INSERT INTO t VALUES (1, 'big one'), (5000000000, 'big')")
	c.want(st, "big one", 1)
	c.want(st, "big", int64(5000000000))
	c.exec("CALL dsql_commit('-Am', 'bigint table')")

	// Branches: same schema, other rows; then another schema.
	c.exec("CALL dsql_checkout('-b', 'feature')", "UPDATE t SET v = 'feature one' WHERE id = 1")
	c.want(st, "feature one", 1)
	c.exec("CALL dsql_commit('-am', 'feature')", "CALL dsql_checkout('main')")
	c.want(st, "big one", 1)
	c.exec("CALL dsql_checkout('-b', 'small')", "DROP TABLE t", "CREATE TABLE t (id TINYINT PRIMARY KEY, v TEXT)",
		"INSERT INTO t VALUES (1, 'tiny')")
	c.want(st, "tiny", 1)
	c.want(st, "", int64(5000000000)) // out of TINYINT's range
	c.exec("CALL dsql_commit('-Am', 'small')", "CALL dsql_checkout('main')")
	c.want(st, "big one", 1)
	asOf := c.prepare("SELECT v FROM t AS OF 'feature' WHERE id = ?")
	c.want(asOf, "feature one", 1)

	// A temporary table shadows the name, and goes.
	c.exec("CREATE TEMPORARY TABLE t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'temp')")
	c.want(st, "temp", 1)
	c.exec("DROP TEMPORARY TABLE t")
	c.want(st, "big one", 1)

	// Another current database.
	c.exec("USE other")
	c.want(st, "other one", 1)
	c.exec("USE app")
	c.want(st, "big one", 1)

	// Privileges: a user whose SELECT is revoked between two executes.
	mustExec(t, root, "CREATE USER 'u'@'%' IDENTIFIED BY 'pw'", "GRANT SELECT ON app.* TO 'u'@'%'")
	u := newPreparedConn(t, connect(t, s, "u", "pw", "app"))
	ust := u.prepare("SELECT v FROM t WHERE id = ?")
	u.want(ust, "big one", 1)
	u.want(ust, "big", int64(5000000000))
	mustExec(t, root, "REVOKE SELECT ON app.* FROM 'u'@'%'")
	if _, err := u.one(ust, 1); mysqlErrno(err) != 1044 && mysqlErrno(err) != 1142 {
		t.Fatalf("after REVOKE: %v, want access denied (1044 or 1142, as GMS answers)", err)
	}
}

// TestPreparedPointSelectShapes: statements that are not single-table primary-key point
// selects by integer parameters run through GMS and give GMS's answers.
func TestPreparedPointSelectShapes(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	root := connect(t, s, "root", "", "")
	mustExec(t, root, "CREATE DATABASE app",
		"CREATE TABLE app.t (id INT PRIMARY KEY, k INT, v VARCHAR(20), KEY k (k))",
		"INSERT INTO app.t VALUES (1, 10, 'one'), (2, 20, 'two')",
		"CREATE TABLE app.s (name VARCHAR(10) PRIMARY KEY, v INT)",
		"INSERT INTO app.s VALUES ('a', 1), ('B', 2)")
	c := newPreparedConn(t, connect(t, s, "root", "", "app"))
	cases := []struct {
		q    string
		arg  any
		want string
	}{
		{"SELECT v FROM t WHERE k = ?", 20, "two"},                          // secondary index
		{"SELECT v FROM t WHERE id = ? AND v = 'one'", 1, "one"},            // an extra filter
		{"SELECT v FROM t WHERE id = ? + 1", 1, "two"},                      // an expression
		{"SELECT upper(v) FROM t WHERE id = ?", 1, "ONE"},                   // not a plain column
		{"SELECT v FROM t WHERE id >= ? ORDER BY id LIMIT 1", 2, "two"},     // a range
		{"SELECT v FROM s WHERE name = ?", "B", "2"},                        // a string key
		{"SELECT x.v FROM t AS x WHERE x.id = ?", 2, "two"},                 // an alias: cached
		{"SELECT v FROM t WHERE id = ? FOR UPDATE", 1, "one"},               // locking
		{"SELECT DISTINCT v FROM t WHERE id = ?", 2, "two"},                 // DISTINCT
		{"SELECT v FROM app.t WHERE id = ?", 1, "one"},                      // qualified
		{"SELECT (SELECT v FROM t WHERE id = ?) FROM dual", 2, "two"},       // subquery
		{"SELECT v FROM t WHERE id = ? UNION SELECT 'x' FROM dual", 1, "x"}, // union (first row sorted? any)
	}
	for _, tc := range cases {
		st := c.prepare(tc.q)
		for range 2 {
			got, err := c.one(st, tc.arg)
			if err != nil {
				t.Fatalf("%s: %v", tc.q, err)
			}
			if tc.q == cases[len(cases)-1].q {
				if got != "one" && got != "x" {
					t.Fatalf("%s = %q", tc.q, got)
				}
				continue
			}
			if got != tc.want {
				t.Fatalf("%s = %q, want %q", tc.q, got, tc.want)
			}
		}
	}
}

// TestPointPlansBounded: a connection's cached plans stay bounded however many statements
// it prepares (vitess does not report COM_STMT_CLOSE), and go with the connection.
func TestPointPlansBounded(t *testing.T) {
	var pp lookupPlans
	for i := range uint32(1000) {
		pp.put(planKey{conn: 1, stmt: i}, &lookupPlan{})
		pp.put(planKey{conn: 2, stmt: i}, &lookupPlan{})
	}
	if n := len(pp.m[1]); n == 0 || n > maxPlansPerConn {
		t.Fatalf("connection 1 holds %d plans", n)
	}
	if pp.get(planKey{conn: 1, stmt: 999}) == nil {
		t.Fatal("the newest plan is gone")
	}
	pp.forget(1)
	if pp.get(planKey{conn: 1, stmt: 999}) != nil || pp.get(planKey{conn: 2, stmt: 999}) == nil {
		t.Fatal("forget dropped the wrong plans")
	}
}

// TestPreparedPointSelectDirect: executes served by runCached (the cached plan run without
// GMS's streaming goroutines) send the same column descriptions and values as GMS's own
// execution of the statement and as the text query, for every column type of the table,
// NULLs, a missing key, inside and outside a transaction, and after
// character_set_results changes (which changes the descriptions).
func TestPreparedPointSelectDirect(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	root := connect(t, s, "root", "", "")
	mustExec(t, root, "CREATE DATABASE app",
		"CREATE TABLE app.t (id BIGINT UNSIGNED PRIMARY KEY, i INT NOT NULL, v VARCHAR(20), d DECIMAL(10,3),"+
			" dt DATETIME(3), b VARBINARY(8), j JSON, f DOUBLE, e ENUM('x','y'))",
		"INSERT INTO app.t VALUES (1, -5, 'héllo', 12.5, '2026-11-26 07:00:01.250', x'00ff', '{\"a\": [1, 2.5]}', 1.5e300, 'y'),"+
			" (2, 7, NULL, NULL, NULL, NULL, NULL, NULL, NULL)")
	c := newPreparedConn(t, connect(t, s, "root", "", "app"))
	const q = "SELECT id, i, v, d, dt, b, j, f, e FROM t WHERE id = ?"
	st := c.prepare(q)
	type result struct {
		cols []string
		rows [][]sql.NullString
	}
	get := func(rows *sql.Rows, err error) result {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		cols, vals, rerr := readResult(t, rows)
		if rerr != "" {
			t.Fatal(rerr)
		}
		return result{cols: cols, rows: vals}
	}
	check := func(id int) {
		t.Helper()
		hits, direct := preparedStats.hits.Load(), preparedStats.direct.Load()
		first := get(st.QueryContext(c.ctx, id))  // maybe planned, or a hit run by GMS
		second := get(st.QueryContext(c.ctx, id)) // a hit run by runCached
		if preparedStats.hits.Load()-hits < 1 || preparedStats.direct.Load()-direct < 1 {
			t.Fatal("the cached plan was not run by runCached")
		}
		text := get(c.conn.QueryContext(c.ctx, strings.Replace(q, "?", strconv.Itoa(id), 1)))
		if !reflect.DeepEqual(first, second) {
			t.Fatalf("id %d: first execute\n%v\nlater execute\n%v", id, first, second)
		}
		if !reflect.DeepEqual(first.rows, text.rows) || len(first.cols) != len(text.cols) {
			t.Fatalf("id %d: prepared\n%v\ntext\n%v", id, first, text)
		}
	}
	for range 2 {
		check(1)
		check(2)
		check(3)
	}
	c.exec("BEGIN")
	check(1)
	c.exec("UPDATE t SET v = 'in tx' WHERE id = 2")
	check(2)
	c.exec("COMMIT")
	c.exec("SET character_set_results = latin1")
	check(1)
	c.exec("SET character_set_results = utf8mb4")
	check(1)
	var v string
	if err := st.QueryRowContext(c.ctx, 2).Scan(new(any), new(any), &v, new(any), new(any), new(any), new(any), new(any), new(any)); err != nil || v != "in tx" {
		t.Fatalf("after COMMIT: %q, %v", v, err)
	}
}
