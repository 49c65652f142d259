package server

import (
	"database/sql"
	"testing"
)

// TestCoalesceDecimal: COALESCE of integers and DECIMALs is the DECIMAL that holds every
// argument, as in MySQL (sql/backend coalesce.go). GMS took the last DECIMAL argument's
// type: COALESCE(SUM(v), 0.00) of a sum of 19 failed with 1264 and COALESCE(AVG(v), 0.0)
// rounded to one decimal. Expected answers are MariaDB 10.11's.
func TestCoalesceDecimal(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE g (id INT PRIMARY KEY, k VARCHAR(5), v INT, x DECIMAL(8,2), y DOUBLE)",
		"INSERT INTO g VALUES (1,'a',2,1.50,0.5),(2,'a',3,2.25,1.5),(3,'b',4,NULL,NULL),(4,'b',5,5.50,2.5),(5,'c',NULL,NULL,NULL),(6,'c',5,3.00,1)")
	for _, c := range []struct{ q, want string }{
		{"SELECT COALESCE(SUM(v), 0.00) FROM g", "19.00"},
		{"SELECT COALESCE(SUM(x), 0.0) FROM g", "12.25"},
		{"SELECT COALESCE(AVG(v), 0.0) FROM g", "3.8000"},
		{"SELECT COALESCE(MAX(v), 1.5) FROM g", "5.0"},
		{"SELECT COALESCE(NULL, 123, 1.5)", "123.0"},
		{"SELECT COALESCE(x, -1.999) FROM g WHERE id = 1", "1.500"},
		{"SELECT COALESCE(x, -1.999) FROM g WHERE id = 3", "-1.999"},
		{"SELECT COALESCE(SUM(v), 0) FROM g WHERE id > 100", "0"},
		{"SELECT COALESCE(SUM(x), 0.00) FROM g WHERE id > 100", "0.00"},
		{"SELECT COALESCE(SUM(y), 0) FROM g", "5.5"},
		{"SELECT COALESCE(MAX(k), 0) FROM g", "c"},
	} {
		var got sql.NullString
		if err := db.QueryRow(c.q).Scan(&got); err != nil || got.String != c.want {
			t.Errorf("%s: %q, %v; want %q", c.q, got.String, err, c.want)
		}
	}
}
