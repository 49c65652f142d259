package server

import (
	"context"
	"database/sql"
	"testing"
)

// TestServerAutoIncrementAndTemporaryTables: over the wire, two open transactions get
// distinct AUTO_INCREMENT ids and both commit; a temporary table is visible only to its
// connection.
func TestServerAutoIncrementAndTemporaryTables(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY AUTO_INCREMENT, v INT)")
	ctx := context.Background()
	conns := make([]*sql.Conn, 2)
	for i := range conns {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		conns[i] = c
	}
	exec := func(c *sql.Conn, q string) sql.Result {
		t.Helper()
		res, err := c.ExecContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return res
	}
	ids := map[int64]bool{}
	for _, c := range conns {
		exec(c, "START TRANSACTION")
		id, err := exec(c, "INSERT INTO app.t (v) VALUES (1)").LastInsertId()
		if err != nil {
			t.Fatal(err)
		}
		ids[id] = true
	}
	if len(ids) != 2 {
		t.Errorf("two open transactions got ids %v, want two distinct ids", ids)
	}
	for _, c := range conns {
		exec(c, "COMMIT")
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM app.t").Scan(&n); err != nil || n != 2 {
		t.Errorf("rows = %d (err %v), want 2", n, err)
	}

	exec(conns[0], "CREATE TEMPORARY TABLE app.tmp (x INT)")
	exec(conns[0], "INSERT INTO app.tmp VALUES (1)")
	if _, err := conns[1].ExecContext(ctx, "SELECT * FROM app.tmp"); mysqlErrno(err) != 1146 {
		t.Errorf("other connection: err = %v, want MySQL error 1146 (no such table)", err)
	}
	exec(conns[1], "CREATE TEMPORARY TABLE app.tmp (y INT)") // its own, no clash
	if err := conns[0].QueryRowContext(ctx, "SELECT COUNT(*) FROM app.tmp").Scan(&n); err != nil || n != 1 {
		t.Errorf("own temporary table: rows = %d (err %v), want 1", n, err)
	}
}
