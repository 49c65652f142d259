package server

import (
	"testing"
)

// TestCachedStatementsClearWarnings: a statement served from the plan cache (prepared
// or text, SELECT, UPDATE or INSERT) starts with no warnings, as every statement that
// GMS plans does: SHOW WARNINGS after it does not show an earlier statement's warning.
func TestCachedStatementsClearWarnings(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE t (id INT PRIMARY KEY, ti TINYINT, c VARCHAR(20))",
		"INSERT INTO t VALUES (1, 1, 'a'), (2, 2, 'b')")
	conn, err := connect(t, s, "root", "", "app").Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := t.Context()
	warnings := func() int {
		t.Helper()
		rows, err := conn.QueryContext(ctx, "SHOW WARNINGS")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			n++
		}
		return n
	}
	warn := func() {
		t.Helper()
		if _, err := conn.ExecContext(ctx, "UPDATE IGNORE t SET ti = 1000 WHERE id = 2"); err != nil {
			t.Fatal(err)
		}
		if n := warnings(); n != 1 {
			t.Fatalf("UPDATE IGNORE out of range: %d warnings, want 1", n)
		}
	}
	sel, err := conn.PrepareContext(ctx, "SELECT c FROM t WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	defer sel.Close()
	upd, err := conn.PrepareContext(ctx, "UPDATE t SET c = ? WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	defer upd.Close()
	ins, err := conn.PrepareContext(ctx, "INSERT INTO t (id, ti, c) VALUES (?, ?, ?)")
	if err != nil {
		t.Fatal(err)
	}
	defer ins.Close()
	hits := preparedStats.hits.Load()
	for i := range 3 { // the first execute plans; the others run from the cache
		warn()
		var c string
		if err := sel.QueryRowContext(ctx, 1).Scan(&c); err != nil {
			t.Fatal(err)
		}
		if n := warnings(); n != 0 {
			t.Fatalf("round %d: prepared SELECT left %d warnings", i, n)
		}
		warn()
		if _, err := upd.ExecContext(ctx, "x", 1); err != nil {
			t.Fatal(err)
		}
		if n := warnings(); n != 0 {
			t.Fatalf("round %d: prepared UPDATE left %d warnings", i, n)
		}
		warn()
		if _, err := ins.ExecContext(ctx, 10+i, 1, "y"); err != nil {
			t.Fatal(err)
		}
		if n := warnings(); n != 0 {
			t.Fatalf("round %d: prepared INSERT left %d warnings", i, n)
		}
		warn()
		if _, err := conn.ExecContext(ctx, "SELECT c FROM t WHERE id = 1"); err != nil { // text cache
			t.Fatal(err)
		}
		if n := warnings(); n != 0 {
			t.Fatalf("round %d: text SELECT left %d warnings", i, n)
		}
	}
	if preparedStats.hits.Load()-hits < 6 {
		t.Fatalf("the cached plans were used %d times, want at least 6", preparedStats.hits.Load()-hits)
	}
}
