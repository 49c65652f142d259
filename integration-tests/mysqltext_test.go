package integration

import (
	"strings"
	"testing"
)

// TestMySQLCLITextsAndParens: through the mysql CLI, a strict-mode value error prints
// MySQL's ERROR line (code, SQLSTATE, column, row), and parenthesized queries run.
func TestMySQLCLITextsAndParens(t *testing.T) {
	itNeed(t, "mysql", "mariadb-client")
	s := itStart(t, itNewRepo(t, "shop"))
	defer s.stop()

	script := "CREATE TABLE t8 (id INT PRIMARY KEY, a TINYINT);\n" +
		"INSERT INTO t8 VALUES (1, 1), (2, 2);\n" +
		"(SELECT a FROM t8 ORDER BY a DESC LIMIT 1);\n" +
		"(SELECT a FROM t8) ORDER BY a;\n" +
		"((SELECT 'x)'));\n" +
		"INSERT INTO t8 VALUES (3, 3), (4, 300);\n"
	out, err := ccMySQL(s.port, []byte(script), "-D", "shop")
	if err == nil {
		t.Fatalf("the script's last INSERT did not fail:\n%s", out)
	}
	for _, want := range []string{
		"a\n2\n",    // (SELECT ... LIMIT 1)
		"a\n1\n2\n", // (SELECT a FROM t8) ORDER BY a
		"x)\nx)\n",  // column name and value
		"ERROR 1264 (22003) at line 6: Out of range value for column 'a' at row 2",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("mysql output lacks %q:\n%s", want, out)
		}
	}
	got, err := ccMySQL(s.port, nil, "-D", "shop", "-e", "SELECT COUNT(*) FROM t8")
	if err != nil || !strings.Contains(got, "\n2\n") {
		t.Errorf("rows after the failed INSERT: %v\n%s", err, got)
	}
}
