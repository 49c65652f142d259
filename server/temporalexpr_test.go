package server

import (
	"database/sql"
	"testing"
)

// TestTemporalExpressions: a DATE, DATETIME or TIME used as a number is its numeric form
// and used as a string its text in its own type, as in MySQL 8 (sql/backend
// temporalexpr.go; GMS gave the Unix time, 0, or a DATE the text of a DATETIME). The
// expected answers are MariaDB 10.11's, which agrees with MySQL 8 here. Text and prepared
// statements (cached plans) alike.
func TestTemporalExpressions(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE tv (id INT PRIMARY KEY, d DATE, dt DATETIME, dt3 DATETIME(3), tm TIME, y YEAR)",
		"INSERT INTO tv VALUES (1, '2023-01-05', '2023-01-05 10:20:30', '2023-01-05 10:20:30.500', '10:20:30', 2023), (2, NULL, NULL, NULL, NULL, NULL)")
	for _, c := range []struct{ expr, want string }{
		{"CAST(d AS SIGNED)", "20230105"},
		{"CAST(dt AS SIGNED)", "20230105102030"},
		{"CAST(d AS UNSIGNED)", "20230105"},
		{"CAST(d AS DECIMAL(12,2))", "20230105.00"},
		{"CAST(dt3 AS DECIMAL(20,3))", "20230105102030.500"},
		{"CAST(d AS DOUBLE) = 20230105", "1"},
		{"CAST(tm AS SIGNED)", "102030"},
		{"CAST(tm AS DECIMAL(10,2))", "102030.00"},
		{"CAST(d AS CHAR)", "2023-01-05"},
		{"d + 0", "20230105"},
		{"dt + 0", "20230105102030"},
		{"d * 1", "20230105"},
		{"d - 1", "20230104"},
		{"tm + 0", "102030"},
		{"tm * 2", "204060"},
		{"y + 0", "2023"},
		{"CONCAT(d)", "2023-01-05"},
		{"CONCAT('on ', d, ' at ', tm)", "on 2023-01-05 at 10:20:30"},
		{"CONCAT_WS('/', d, dt3)", "2023-01-05/2023-01-05 10:20:30.500"},
		{"LENGTH(d)", "10"},
		{"LEFT(dt, 7)", "2023-01"},
		{"HEX(d)", "323032332D30312D3035"},
		{"UPPER(dt3)", "2023-01-05 10:20:30.500"},
		{"d LIKE '%-05'", "1"},
		{"DATE_FORMAT(d, '%Y')", "2023"},
		{"YEAR(d)", "2023"},
		{"DATEDIFF(d, '2023-01-01')", "4"},
	} {
		for _, prepared := range []bool{false, true} {
			q := "SELECT " + c.expr + " FROM tv WHERE id = 1"
			var got sql.NullString
			var err error
			if prepared {
				err = db.QueryRow(q+" AND id > ?", 0).Scan(&got)
			} else {
				err = db.QueryRow(q).Scan(&got)
			}
			if err != nil || got.String != c.want {
				t.Errorf("%s (prepared %v): %q, %v; want %q", c.expr, prepared, got.String, err, c.want)
			}
			// NULL stays NULL.
			if err := db.QueryRow("SELECT " + c.expr + " FROM tv WHERE id = 2").Scan(&got); err != nil {
				t.Errorf("%s over NULLs: %v", c.expr, err)
			}
		}
	}
}
