package server

import (
	"database/sql"
	"testing"
)

// TestTimeFunctions: the MySQL date and time functions GMS lacked (MAKEDATE, MAKETIME,
// SEC_TO_TIME, ADDTIME, SUBTIME, PERIOD_ADD, PERIOD_DIFF, TO_SECONDS, UTC_DATE,
// UTC_TIME) and TIME_TO_SEC of a string (GMS: NULL) give MariaDB 10.11's answers, which
// agree with MySQL 8's manual (sql/backend timefuncs.go). TIME results are read through
// CONCAT, which writes a TIME without GMS's six zero digits (temporalexpr.go).
func TestTimeFunctions(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE tv (id INT PRIMARY KEY, d DATE, dt DATETIME, tm TIME)",
		"INSERT INTO tv VALUES (1, '2023-01-05', '2023-01-05 10:20:30', '10:20:30')")
	for _, c := range []struct{ expr, want string }{
		{"CONCAT(SEC_TO_TIME(3600))", "01:00:00"},
		{"CONCAT(SEC_TO_TIME(-3661.5))", "-01:01:01.5"},
		{"CONCAT(SEC_TO_TIME(99999999))", "838:59:59"},
		{"TIME_TO_SEC('01:00:00')", "3600"},
		{"TIME_TO_SEC('-01:00:01')", "-3601"},
		{"TIME_TO_SEC('100:00:00')", "360000"},
		{"TIME_TO_SEC(tm)", "37230"},
		{"TIME_TO_SEC(dt)", "37230"},
		{"PERIOD_ADD(202301, 2)", "202303"},
		{"PERIOD_ADD(2301, 13)", "202402"},
		{"PERIOD_ADD(202312, -12)", "202212"},
		{"PERIOD_DIFF(202303, 202201)", "14"},
		{"PERIOD_DIFF(2303, 9912)", "279"},
		{"TO_SECONDS('2023-01-05')", "63840096000"},
		{"TO_SECONDS(dt)", "63840133230"},
		{"TO_SECONDS('1999-12-31 12:00:00')", "63113860800"},
		{"UTC_DATE() = DATE(UTC_TIMESTAMP())", "1"},
		{"UTC_TIME() IS NOT NULL AND UTC_TIME(3) IS NOT NULL", "1"},
		{"SUBTIME('10:00:00', '01:00:00')", "09:00:00"},
		{"ADDTIME('10:00:00', '01:00:00.5')", "11:00:00.500000"},
		{"ADDTIME('2023-01-05 23:30:00', '01:00:00')", "2023-01-06 00:30:00"},
		{"ADDTIME(dt, '01:00:00')", "2023-01-05 11:20:30"},
		{"SUBTIME(d, '00:00:01')", "2023-01-04 23:59:59"},
		{"CONCAT(ADDTIME(tm, tm))", "20:41:00"},
		{"CONCAT(MAKETIME(1, 2, 3))", "01:02:03"},
		{"CONCAT(MAKETIME(-1, 2, 3.5))", "-01:02:03.5"},
		{"CONCAT(MAKETIME(900, 0, 0))", "838:59:59"},
		{"MAKETIME(1, 60, 0) IS NULL", "1"},
		{"MAKEDATE(2023, 5)", "2023-01-05"},
		{"MAKEDATE(23, 400)", "2024-02-04"},
		{"MAKEDATE(2023, 0) IS NULL", "1"},
		{"MAKEDATE(99, 1)", "1999-01-01"},
		{"MAKEDATE(NULL, 1) IS NULL", "1"},
	} {
		var got sql.NullString
		if err := db.QueryRow("SELECT " + c.expr + " FROM tv").Scan(&got); err != nil || got.String != c.want {
			t.Errorf("%s: %q, %v; want %q", c.expr, got.String, err, c.want)
		}
	}
}
