package server

import (
	"testing"
)

// TestAlterKeyColumnsOverWire: through go-sql-driver, DROP COLUMN of a primary-key column
// succeeds on the same connection (it used to panic in the backend and drop the
// connection), and dropping a column another table's foreign key references fails with
// 1829 and leaves both tables writable (sql/backend fkalter.go).
func TestAlterKeyColumnsOverWire(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE t (id INT PRIMARY KEY, a INT)", "INSERT INTO t VALUES (1, 10), (2, 10)",
		"ALTER TABLE t DROP COLUMN id",
		"INSERT INTO t VALUES (10)")
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM t WHERE a = 10").Scan(&n); err != nil || n != 3 {
		t.Fatalf("after DROP COLUMN id: count %d, %v", n, err)
	}
	mustExec(t, db,
		"CREATE TABLE p (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE)",
		"CREATE TABLE ch (id INT PRIMARY KEY, pc VARCHAR(10), FOREIGN KEY (pc) REFERENCES p (code))",
		"INSERT INTO p VALUES (1, 'A')", "INSERT INTO ch VALUES (1, 'A')")
	if _, err := db.Exec("ALTER TABLE p DROP COLUMN code"); mysqlErrno(err) != 1829 {
		t.Fatalf("DROP COLUMN of a referenced column: %v, want error 1829", err)
	}
	mustExec(t, db, "INSERT INTO p VALUES (2, 'B')", "INSERT INTO ch VALUES (2, 'B')")
	if _, err := db.Exec("INSERT INTO ch VALUES (3, 'Z')"); mysqlErrno(err) != 1452 {
		t.Fatalf("child row without a parent: %v, want error 1452", err)
	}
}
