package server

import (
	"context"
	"strings"
	"testing"
)

// TestStatementPanic: a statement that makes GMS panic (LOCATE with a start past the end
// of an empty string, a bug of GMS's) fails with 1105 and a short message, on text and
// prepared paths, with and without a table (dsql's own SELECT path used to let the panic
// close the connection); the connection goes on working, and the session's open
// transaction is rolled back (server.go recoverStatement).
func TestStatementPanic(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10))", "INSERT INTO t VALUES (1, '')")
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	check := func(what string, err error) {
		t.Helper()
		if mysqlErrno(err) != 1105 || strings.Contains(err.Error(), "goroutine") || !strings.Contains(err.Error(), "rolled back") {
			t.Fatalf("%s: %v; want a short 1105", what, err)
		}
		var one int
		if err := c.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Fatalf("%s: the connection does not answer after the panic: %v", what, err)
		}
	}
	var v any
	check("literal", c.QueryRowContext(ctx, "SELECT LOCATE('l', '', 4)").Scan(&v))
	check("table", c.QueryRowContext(ctx, "SELECT LOCATE('l', s, 4) FROM t WHERE id = 1").Scan(&v))
	check("prepared", c.QueryRowContext(ctx, "SELECT LOCATE('l', s, 4) FROM t WHERE id = ?", 1).Scan(&v))

	// In a transaction: its writes are rolled back with it.
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "INSERT INTO t VALUES (2, 'x')"); err != nil {
		t.Fatal(err)
	}
	check("in a transaction", c.QueryRowContext(ctx, "SELECT LOCATE('l', s, 4) FROM t WHERE id = 1").Scan(&v))
	var n int
	if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("after the panic in a transaction: %d rows, %v; want 1 (the INSERT rolled back)", n, err)
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM app.t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("after COMMIT: %d rows, %v; want 1", n, err)
	}
}
