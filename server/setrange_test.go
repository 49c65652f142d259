package server

import (
	"fmt"
	"testing"
)

// TestUpdateOutOfRange: an assignment of a value outside the column type's range fails
// with MySQL's 1264 and changes nothing (UPDATE, prepared UPDATE, ON DUPLICATE KEY
// UPDATE, a trigger's SET NEW.c), as an INSERT of the value does; with IGNORE the
// clamped value is stored with a warning, as MySQL does.
func TestUpdateOutOfRange(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE t (id INT PRIMARY KEY, ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, d DECIMAL(5,2), b BIGINT)",
		"INSERT INTO t VALUES (1, 1, 1, 1, 1.00, 1)")
	row := func() string {
		t.Helper()
		var ti, tu, si, b int64
		var d string
		if err := db.QueryRow("SELECT ti, tu, si, d, b FROM app.t WHERE id = 1").Scan(&ti, &tu, &si, &d, &b); err != nil {
			t.Fatal(err)
		}
		return formatRow(ti, tu, si, d, b)
	}
	fails := func(q string, args ...any) {
		t.Helper()
		before := row()
		_, err := db.Exec(q, args...)
		if mysqlErrno(err) != 1264 {
			t.Fatalf("%s %v: %v, want error 1264", q, args, err)
		}
		if after := row(); after != before {
			t.Fatalf("%s: row changed from %s to %s", q, before, after)
		}
	}
	fails("UPDATE app.t SET ti = 1000 WHERE id = 1")
	fails("UPDATE app.t SET ti = ti + 200")
	fails("UPDATE app.t SET tu = -1")
	fails("UPDATE app.t SET si = 40000, ti = 2")
	fails("UPDATE app.t SET d = 1000.5")
	fails("UPDATE app.t SET ti = 127.6") // rounds to 128, as MySQL
	fails("UPDATE app.t SET b = 9223372036854775808")
	fails("UPDATE app.t SET ti = ? WHERE id = ?", 1000, 1) // prepared
	fails("INSERT INTO app.t (id, ti) VALUES (1, 5) ON DUPLICATE KEY UPDATE ti = 300")
	mustExec(t, db, "UPDATE app.t SET ti = 127, tu = 255, si = -32768, d = -999.99, b = -9223372036854775808 WHERE id = 1")
	if got, want := row(), formatRow(127, 255, -32768, "-999.99", -9223372036854775808); got != want {
		t.Fatalf("in-range update: %s, want %s", got, want)
	}
	mustExec(t, db, "UPDATE app.t SET ti = 127.4") // rounds to 127
	// IGNORE: clamped, with a warning.
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "UPDATE IGNORE app.t SET ti = -1000, tu = 300"); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.QueryContext(t.Context(), "SHOW WARNINGS")
	if err != nil {
		t.Fatal(err)
	}
	warnings := 0
	for rows.Next() {
		warnings++
	}
	rows.Close()
	if warnings == 0 {
		t.Fatal("UPDATE IGNORE of out-of-range values left no warning")
	}
	if got, want := row(), formatRow(-128, 255, -32768, "-999.99", -9223372036854775808); got != want {
		t.Fatalf("UPDATE IGNORE: %s, want %s", got, want)
	}
	// A trigger's assignment.
	mustExec(t, db, "CREATE TABLE app.log (id INT PRIMARY KEY, n TINYINT)",
		"CREATE TRIGGER app.tr BEFORE INSERT ON app.log FOR EACH ROW SET NEW.n = NEW.id * 100")
	mustExec(t, db, "INSERT INTO app.log VALUES (1, 0)")
	if _, err := db.Exec("INSERT INTO app.log VALUES (2, 0)"); mysqlErrno(err) != 1264 {
		t.Fatalf("trigger assignment of 200 to TINYINT: %v, want 1264", err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM app.log").Scan(&n); err != nil || n != 1 {
		t.Fatalf("log rows %d, %v", n, err)
	}
}

func formatRow(vals ...any) string { return fmt.Sprint(vals...) }
