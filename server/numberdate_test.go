package server

import (
	"path/filepath"
	"testing"
)

// TestNumbersAsDates: an integer stored into a DATE, DATETIME or TIMESTAMP column is
// read as MySQL reads it (YYYYMMDD, YYMMDD, YYYYMMDDhhmmss), by INSERT, UPDATE, ON
// DUPLICATE KEY UPDATE and a prepared statement's parameter; one that is no date fails
// with 1292 naming the number, and changes nothing.
func TestNumbersAsDates(t *testing.T) {
	dir := t.TempDir()
	initRepo(t, filepath.Join(dir, "app"))
	s, _ := startServer(t, testConfig(dir))
	db := connect(t, s, "root", "", "app")
	db.SetMaxOpenConns(1)
	mustExec(t, db,
		"CREATE TABLE dd (id INT PRIMARY KEY, d DATE, dt DATETIME, ts TIMESTAMP NULL)",
		"INSERT INTO dd VALUES (1, 20230106, 20230106123456, 20230106123456), (2, 230107, 230107, NULL)",
		"INSERT INTO dd (id, d) VALUES (3, 20230106123456)", // a DATE keeps the date
		"UPDATE dd SET d = 20240229, dt = 991231235959 WHERE id = 2",
		"INSERT INTO dd (id, d) VALUES (1, 20000101) ON DUPLICATE KEY UPDATE d = 19991231")
	if _, err := db.Exec("INSERT INTO dd (id, d, dt) VALUES (?, ?, ?)", 4, 20250102, int64(20250102030405)); err != nil {
		t.Fatal(err)
	}
	wantRows(t, db, "SELECT id, d, dt, ts FROM dd ORDER BY id",
		"1|1999-12-31|2023-01-06 12:34:56|2023-01-06 12:34:56",
		"2|2024-02-29|1999-12-31 23:59:59|NULL",
		"3|2023-01-06|NULL|NULL",
		"4|2025-01-02|2025-01-02 03:04:05|NULL")
	for _, q := range []string{
		"INSERT INTO dd (id, d) VALUES (5, 20231301)",
		"INSERT INTO dd (id, d) VALUES (5, 20230230)",
		"INSERT INTO dd (id, d) VALUES (5, 99)",
		"UPDATE dd SET d = 20230229 WHERE id = 1",
	} {
		if _, err := db.Exec(q); mysqlErrno(err) != 1292 {
			t.Errorf("%s: %v, want 1292", q, err)
		}
	}
	wantRows(t, db, "SELECT COUNT(*), MAX(d) FROM dd", "4|2025-01-02")
}
