package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// ccPython returns /usr/bin/python3 after checking that it imports modules; otherwise the
// test fails (or skips with DSQL_IT_ALLOW_MISSING=1) naming the Debian packages.
func ccPython(t *testing.T, modules, packages string) string {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err == nil {
		if exec.Command(py, "-c", "import "+modules).Run() == nil {
			return py
		}
	}
	if os.Getenv("DSQL_IT_ALLOW_MISSING") == "1" {
		t.Skipf("/usr/bin/python3 cannot import %s (apt-get install %s)", modules, packages)
	}
	t.Fatalf("/usr/bin/python3 cannot import %s: apt-get install %s (.ci/run does this)", modules, packages)
	return ""
}

// TestPandasClients runs testdata/pandas_clients.py through SQLAlchemy with PyMySQL and
// with mysqlclient (MySQLdb): to_sql (replace, append, fail, chunksize, method=multi,
// index), read_sql/read_sql_table (parameters, chunksize), AS OF a hash, HEAD~1 and a tag,
// the diff system table and dsql_diff(), SQLAlchemy reflection (tables, columns, defaults,
// primary key, indexes, unique constraints, foreign keys, autoload, reflect()), and a
// branch chosen with the database name db/feature.
func TestPandasClients(t *testing.T) {
	for _, c := range []struct{ driver, module, pkg string }{
		{"pymysql", "pymysql", "python3-pymysql"},
		{"mysqldb", "MySQLdb", "python3-mysqldb"},
	} {
		t.Run(c.driver, func(t *testing.T) {
			py := ccPython(t, "pandas, sqlalchemy, "+c.module, "python3-pandas python3-sqlalchemy "+c.pkg)
			name := "pd_" + c.driver
			dir := itNewRepo(t, name)
			s := itStart(t, dir)
			cmd := exec.Command(py, "testdata/pandas_clients.py", c.driver, "127.0.0.1", fmt.Sprint(s.port), name)
			out, err := cmd.CombinedOutput()
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			var res struct {
				Versions map[string]string
				Checks   int
				Failures []string
			}
			if jerr := json.Unmarshal([]byte(lines[len(lines)-1]), &res); jerr != nil || err != nil {
				t.Fatalf("pandas_clients.py %s: %v\n%s\nserver log:\n%s", c.driver, err, out, s.output())
			}
			t.Logf("%s: %d checks, versions %v", c.driver, res.Checks, res.Versions)
			if res.Checks < 25 {
				t.Errorf("only %d checks ran", res.Checks)
			}
			if len(res.Failures) > 0 {
				t.Errorf("%d of %d checks failed through %s:\n%s", len(res.Failures), res.Checks, c.driver, strings.Join(res.Failures, "\n"))
			}
			s.stop()
		})
	}
}
