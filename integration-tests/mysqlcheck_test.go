package integration

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// TestMySQLCheck runs mysqlcheck (mariadb-client) against the server: it lists the
// tables and sends CHECK TABLE, ANALYZE TABLE and OPTIMIZE TABLE for them, which dsql
// answers as MySQL does (server/tablemaint.go, server/analyze.go); an empty table is
// among them.
func TestMySQLCheck(t *testing.T) {
	bin := itNeed(t, "mysqlcheck", "mariadb-client")
	dir := itNewRepo(t, "chk")
	s := itStart(t, dir)
	db := s.db("chk")
	itExec(t, db,
		"CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(40), KEY (name))",
		"INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace')",
		"CREATE TABLE empty_one (id INT PRIMARY KEY, v INT, UNIQUE KEY (v))",
		"CREATE TABLE keyless (a INT, b INT)",
		"INSERT INTO keyless VALUES (1, 1), (1, 1)")
	for _, mode := range []string{"--check", "--analyze", "--optimize"} {
		cmd := exec.Command(bin, "-h127.0.0.1", fmt.Sprintf("-P%d", s.port), "-uroot", mode, "chk")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("mysqlcheck %s: %v\n%s", mode, err, out)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 3 {
			t.Fatalf("mysqlcheck %s: want a line per table:\n%s", mode, out)
		}
		for _, l := range lines {
			f := strings.Fields(l)
			if len(f) < 2 || !strings.HasPrefix(f[0], "chk.") {
				t.Errorf("mysqlcheck %s: line %q", mode, l)
				continue
			}
			if status := strings.Join(f[1:], " "); status != "OK" && status != "Table is already up to date" {
				t.Errorf("mysqlcheck %s: %s: %s", mode, f[0], status)
			}
		}
	}
}

// TestPrepareFromMySQLClient: SQL PREPARE / EXECUTE through the mysql client
// (mariadb-client's library), whose OK packet carries a short info text that the
// library once refused as a malformed packet (server/okinfo.go); UPDATE's longer info
// text still reads.
func TestPrepareFromMySQLClient(t *testing.T) {
	bin := itNeed(t, "mysql", "mariadb-client")
	dir := itNewRepo(t, "prep")
	s := itStart(t, dir)
	out, err := exec.Command(bin, "-h127.0.0.1", fmt.Sprintf("-P%d", s.port), "-uroot", "--batch", "-vvv", "prep", "-e",
		"CREATE TABLE u (id INT PRIMARY KEY, v INT); INSERT INTO u VALUES (1, 1), (2, 2); "+
			"SET @a = 5; PREPARE s FROM 'SELECT ? + 1 AS r'; EXECUTE s USING @a; DEALLOCATE PREPARE s; "+
			"UPDATE u SET v = v + 1").CombinedOutput()
	if err != nil {
		t.Fatalf("mysql: %v\n%s", err, out)
	}
	for _, want := range []string{"Statement prepared", "| 6 |", "Rows matched: 2  Changed: 2  Warnings: 0"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
