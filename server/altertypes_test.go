package server

import (
	"slices"
	"testing"
)

// TestAlterTypesThroughClient runs the three ALTER TABLE fixes through go-sql-driver, with
// the answers MySQL 8 gives (MariaDB 10.11 gives the same here):
//   - MODIFY of DATE/DATETIME/TIMESTAMP/TIME/YEAR columns converts by the values' MySQL
//     forms (sql/backend altertemporal.go): 20230105, not the Unix time 1672876800;
//   - ALTER TABLE ... AUTO_INCREMENT = n below the largest id moves the counter past it
//     (the next INSERT failed with 1062);
//   - ADD COLUMN of a NOT NULL ENUM without default fills the rows with its first member.
func TestAlterTypesThroughClient(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	root := connect(t, s, "root", "", "")
	mustExec(t, root, "CREATE DATABASE app")
	db := connect(t, s, "root", "", "app")

	mustExec(t, db,
		"CREATE TABLE d (id INT PRIMARY KEY, da DATE, dt DATETIME, ts TIMESTAMP, d2 DATE, d3 DATE, d4 DATETIME(3), tm TIME, y YEAR)",
		"INSERT INTO d VALUES (1, '2023-01-05', '2023-01-05 10:20:30', '2023-01-05 10:20:30', '2023-01-05', '2023-01-05', '2023-01-05 10:20:30.500', '-10:20:30', 2023)",
		"ALTER TABLE d MODIFY da BIGINT",
		"ALTER TABLE d MODIFY dt BIGINT, MODIFY ts DECIMAL(20,3)",
		"ALTER TABLE d MODIFY d2 VARCHAR(20), MODIFY d3 CHAR(10), MODIFY d4 TEXT",
		"ALTER TABLE d CHANGE tm tm INT, MODIFY y VARCHAR(4)")
	want := []string{"1|20230105|20230105102030|20230105102030.000|2023-01-05|2023-01-05|2023-01-05 10:20:30.500|-102030|2023"}
	if got := queryRows(t, db, "SELECT * FROM d"); !slices.Equal(got, want) {
		t.Fatalf("converted temporal values: got %q, want %q", got, want)
	}
	// A value that does not fit fails the statement and leaves the table as it was.
	mustExec(t, db, "CREATE TABLE d5 (id INT PRIMARY KEY, dt DATETIME)", "INSERT INTO d5 VALUES (1, '2023-01-05 10:20:30')")
	if _, err := db.Exec("ALTER TABLE d5 MODIFY dt INT"); mysqlErrno(err) != 1264 {
		t.Fatalf("DATETIME -> INT out of range: %v, want 1264", err)
	}
	if got := queryRows(t, db, "SELECT dt FROM d5"); !slices.Equal(got, []string{"2023-01-05 10:20:30"}) {
		t.Fatalf("after the failed ALTER: %q", got)
	}

	mustExec(t, db, "CREATE TABLE a (id INT PRIMARY KEY AUTO_INCREMENT, v INT)",
		"INSERT INTO a (v) VALUES (1), (2), (3)", "ALTER TABLE a AUTO_INCREMENT = 2", "INSERT INTO a (v) VALUES (4)")
	if got := queryRows(t, db, "SELECT id FROM a WHERE v = 4"); !slices.Equal(got, []string{"4"}) {
		t.Fatalf("id after AUTO_INCREMENT = 2: %q, want 4", got)
	}

	mustExec(t, db, "CREATE TABLE e (id INT PRIMARY KEY)", "INSERT INTO e VALUES (1), (2)",
		"ALTER TABLE e ADD COLUMN c ENUM('red','green') NOT NULL", "INSERT INTO e (id) VALUES (3)")
	if got := queryRows(t, db, "SELECT id, c, c+0 FROM e ORDER BY id"); !slices.Equal(got, []string{"1|red|1", "2|red|1", "3|red|1"}) {
		t.Fatalf("added ENUM: %q", got)
	}
}
