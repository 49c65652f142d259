package server

import "testing"

// TestServerGroupByConstants: under ONLY_FULL_GROUP_BY (the default sql_mode), an
// aggregate may stand next to functions without arguments, variables and parameters, as
// in MySQL; a column that is neither grouped nor aggregated is still refused (1140 without
// GROUP BY; with one, GMS's error, which reaches the client as 1105, not MySQL's 1055).
func TestServerGroupByConstants(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db,
		"CREATE DATABASE app",
		"CREATE TABLE app.pk (id INT PRIMARY KEY, v INT, w INT)",
		"CREATE TABLE app.kl (v INT, w INT)",
		"INSERT INTO app.pk VALUES (1, 10, 1), (2, 20, 1), (3, 30, 2)",
		"INSERT INTO app.kl VALUES (10, 1), (20, 1), (30, 2)",
		"SET @x = 7",
	)
	var mode string
	if err := db.QueryRow("SELECT @@sql_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	t.Logf("sql_mode = %s", mode)

	ok := []struct {
		q    string
		args []any
	}{
		{"SELECT COUNT(*), DATABASE() FROM app.pk WHERE v > 0", nil},
		{"SELECT COUNT(*), DATABASE() FROM app.kl", nil},
		{"SELECT SUM(v), NOW() IS NOT NULL FROM app.kl", nil},
		{"SELECT MAX(v), CURRENT_USER() LIKE 'root@%' FROM app.pk WHERE id > 0", nil},
		{"SELECT COUNT(*), CONNECTION_ID() > 0, @@version, @x FROM app.kl", nil},
		{"SELECT w, COUNT(*), UUID() IS NOT NULL FROM app.kl GROUP BY w ORDER BY w", nil},
		{"SELECT w, SUM(v) + @x FROM app.kl GROUP BY w ORDER BY w, NOW()", nil},
		{"SELECT COUNT(*), DATABASE() FROM app.kl WHERE v > ?", []any{0}}, // prepared
		{"SELECT COUNT(*), DATABASE(), (SELECT COUNT(*) FROM app.pk) FROM app.kl", nil},
	}
	for _, c := range ok {
		rows, err := db.Query(c.q, c.args...)
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		n := 0
		for rows.Next() {
			n++
		}
		if err := rows.Err(); err != nil {
			t.Errorf("%s: %v", c.q, err)
		}
		rows.Close()
		if n == 0 {
			t.Errorf("%s: no rows", c.q)
		}
	}

	refused := []struct {
		q    string
		want uint16
	}{
		{"SELECT COUNT(*), v FROM app.kl", 1140},
		{"SELECT COUNT(*), CONCAT(DATABASE(), v) FROM app.kl", 1140},
		{"SELECT COUNT(*), v + @x FROM app.kl WHERE w = 1", 1140},
		{"SELECT w, v, NOW() FROM app.kl GROUP BY w", 0}, // any error
	}
	for _, c := range refused {
		rows, err := db.Query(c.q)
		if err == nil {
			rows.Close()
			t.Errorf("%s: accepted, want error %d", c.q, c.want)
			continue
		}
		if got := mysqlErrno(err); c.want != 0 && got != c.want {
			t.Errorf("%s: %v (error %d), want error %d", c.q, err, got, c.want)
		}
	}
}
