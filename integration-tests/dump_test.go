package integration

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// ccMySQL runs the mysql CLI against 127.0.0.1:port with stdin (may be nil) and returns
// its output; args come after the connection options.
func ccMySQL(port int, stdin []byte, args ...string) (string, error) {
	all := append([]string{"-h127.0.0.1", fmt.Sprintf("-P%d", port), "-uroot", "--batch", "--default-character-set=utf8mb4"}, args...)
	cmd := exec.Command("mysql", all...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// ccDumpChecks are the queries whose answers must be the same in the source database and
// in a database the dump was loaded into (binary values as hex, BIT as a number).
var ccDumpChecks = []string{
	"SELECT * FROM customers ORDER BY id",
	"SELECT * FROM orders ORDER BY id",
	"SELECT id, ti, si, bi, bu, f, d, dt, tm, dtm, ts, yr, ch, HEX(vb), HEX(bl), js, bt+0 FROM kinds ORDER BY id",
	"SELECT a, b, COUNT(*) FROM keyless GROUP BY a, b ORDER BY a, b",
	"SELECT * FROM big_orders ORDER BY id",
	"CALL order_count(1)",
	"SELECT TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_TIMING FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()",
	"SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()",
	"SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
	"SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
	"SELECT CONSTRAINT_NAME, TABLE_NAME, REFERENCED_TABLE_NAME, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()",
}

// ccSameAnswers compares ccDumpChecks (plus SHOW CREATE TABLE when showCreate) between
// database src on srcPort and dst on dstPort.
func ccSameAnswers(t *testing.T, srcPort int, src string, dstPort int, dst string, showCreate bool) {
	t.Helper()
	qs := append([]string{}, ccDumpChecks...)
	if showCreate {
		for _, tbl := range []string{"customers", "orders", "kinds", "keyless"} {
			qs = append(qs, "SHOW CREATE TABLE "+tbl)
		}
	}
	for _, q := range qs {
		want, err := ccMySQL(srcPort, nil, "-D", src, "-e", q)
		if err != nil {
			t.Errorf("source %s: %s: %v\n%s", src, q, err, want)
			continue
		}
		got, err := ccMySQL(dstPort, nil, "-D", dst, "-e", q)
		if err != nil {
			t.Errorf("restored %s: %s: %v\n%s", dst, q, err, got)
			continue
		}
		if got != want {
			t.Errorf("%s differs after loading the dump:\nsource %s:\n%s\nrestored %s:\n%s", q, src, want, dst, got)
		}
	}
}

// TestMySQLDump dumps a database with mysqldump (mariadb-client) — tables of every common
// type, keys, a foreign key, a view, a trigger and a procedure — and loads the dump back
// with the mysql CLI: into dsql (same answers, same SHOW CREATE TABLE) and into a private
// MariaDB (same answers). Also --single-transaction and a branch (db/branch) dump.
func TestMySQLDump(t *testing.T) {
	itNeed(t, "mysql", "mariadb-client")
	itNeed(t, "mysqldump", "mariadb-client")
	dir := itNewRepo(t, "dumpsrc")
	s := itStart(t, filepath.Dir(dir)) // the data directory holds dumpsrc and what CREATE DATABASE makes
	schema, err := os.ReadFile("testdata/dump-schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := ccMySQL(s.port, schema, "-D", "dumpsrc"); err != nil {
		t.Fatalf("loading dump-schema.sql: %v\n%s", err, out)
	}
	dumpFile := filepath.Join(t.TempDir(), "dumpsrc.sql")
	mysqldump := func(args ...string) ([]byte, error) {
		all := append([]string{"-h127.0.0.1", fmt.Sprintf("-P%d", s.port), "-uroot"}, args...)
		cmd := exec.Command("mysqldump", all...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return out, fmt.Errorf("mysqldump %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return out, nil
	}
	dump, err := mysqldump("--routines", "--triggers", "dumpsrc")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dumpFile, dump, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("no system tables in the dump", func(t *testing.T) {
		// dsql_schemas holds the view, trigger and procedure; mysqldump writes those from
		// SHOW CREATE, so the table itself must not be dumped (loading it fails).
		if bytes.Contains(dump, []byte("dsql_schemas")) {
			t.Errorf("the dump contains dsql_schemas: SHOW FULL TABLES lists the system table")
		}
	})

	t.Run("load into dsql", func(t *testing.T) {
		if out, err := ccMySQL(s.port, nil, "-e", "CREATE DATABASE dumpdst"); err != nil {
			t.Fatalf("CREATE DATABASE: %v\n%s", err, out)
		}
		if out, err := ccMySQL(s.port, dump, "-D", "dumpdst"); err != nil {
			t.Fatalf("loading the dump into dsql: %v\n%s", err, out)
		}
		ccSameAnswers(t, s.port, "dumpsrc", s.port, "dumpdst", true)
		// The restored database works: AUTO_INCREMENT continues, the trigger fires, the
		// foreign key cascades.
		out, err := ccMySQL(s.port, nil, "-D", "dumpdst", "-e",
			"INSERT INTO customers (name) VALUES ('New'); INSERT INTO orders (id, customer_id) VALUES (10, LAST_INSERT_ID()); "+
				"SELECT c.id, o.note FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.id = 10; "+
				"DELETE FROM customers WHERE id = 1; SELECT COUNT(*) FROM orders WHERE customer_id = 1")
		if err != nil || out != "id\tnote\n5\tnone\nCOUNT(*)\n0\n" {
			t.Errorf("using the restored database: %v\n%q", err, out)
		}
	})

	t.Run("single transaction", func(t *testing.T) {
		// --single-transaction reads every table inside one transaction and rolls back to a
		// savepoint after each; reading the view must not end that transaction.
		got, err := mysqldump("--single-transaction", "--routines", "--triggers", "dumpsrc")
		if err != nil {
			t.Fatal(err)
		}
		if ccDumpBody(got) != ccDumpBody(dump) {
			t.Errorf("--single-transaction dump differs from the plain dump")
		}
	})

	t.Run("branch", func(t *testing.T) {
		if out, err := ccMySQL(s.port, nil, "-D", "dumpsrc", "-e",
			"CALL dsql_commit('-Am', 'dump data'); CALL dsql_branch('feature')"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if out, err := ccMySQL(s.port, nil, "-D", "dumpsrc/feature", "-e",
			"INSERT INTO customers (name, email) VALUES ('Branch', 'branch@example.org'); SELECT active_branch()"); err != nil || !strings.Contains(out, "feature") {
			t.Fatalf("mysql -D dumpsrc/feature: %v\n%s", err, out)
		}
		got, err := mysqldump("--skip-dump-date", "dumpsrc/feature")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(got, []byte("'Branch','branch@example.org'")) {
			t.Errorf("dump of dumpsrc/feature lacks the branch's row")
		}
		main, err := mysqldump("--skip-dump-date", "dumpsrc")
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(main, []byte("'Branch'")) {
			t.Errorf("dump of dumpsrc (main) has the branch's row")
		}
	})

	t.Run("load into MariaDB", func(t *testing.T) {
		md := ccStartMariaDB(t)
		if out, err := ccMySQL(md, nil, "-e", "CREATE DATABASE dumpdst"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if out, err := ccMySQL(md, ccForMariaDB(dump), "-D", "dumpdst"); err != nil {
			t.Fatalf("loading the dump into MariaDB: %v\n%s", err, out)
		}
		ccSameAnswers(t, s.port, "dumpsrc", md, "dumpdst", false)
	})
	s.stop()
}

// ccDumpBody is a dump without its comment lines (which carry the date).
func ccDumpBody(b []byte) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(l, "--") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

var ccCollation0900 = regexp.MustCompile(`utf8mb4_0900_(bin|ai_ci|as_cs)`)

// ccForMariaDB maps MySQL 8's utf8mb4_0900_* collations, which MariaDB 10.11 does not have
// (any MySQL 8 dump needs this), to MariaDB's nearest ones. Nothing else is changed.
func ccForMariaDB(dump []byte) []byte {
	return ccCollation0900.ReplaceAllFunc(dump, func(m []byte) []byte {
		switch string(m) {
		case "utf8mb4_0900_bin":
			return []byte("utf8mb4_bin")
		case "utf8mb4_0900_ai_ci":
			return []byte("utf8mb4_uca1400_ai_ci")
		default:
			return []byte("utf8mb4_uca1400_as_cs")
		}
	})
}

// ccStartMariaDB starts a private MariaDB (mariadb-server) with its own data directory
// and port, stopped at the end of the test, and returns its port.
func ccStartMariaDB(t *testing.T) int {
	t.Helper()
	install := itNeedSbin(t, "mariadb-install-db", "mariadb-server")
	mariadbd := itNeedSbin(t, "mariadbd", "mariadb-server")
	base := t.TempDir()
	data, tmp := filepath.Join(base, "data"), filepath.Join(base, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	user := os.Getenv("USER")
	if out, err := exec.Command("id", "-un").Output(); err == nil {
		user = strings.TrimSpace(string(out))
	}
	cmd := exec.Command(install, "--no-defaults", "--datadir="+data, "--user="+user,
		"--auth-root-authentication-method=normal", "--skip-test-db")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	port := itFreePort(t)
	var logs bytes.Buffer
	srv := exec.Command(mariadbd, "--no-defaults", "--datadir="+data, fmt.Sprintf("--port=%d", port),
		"--socket="+filepath.Join(base, "mariadbd.sock"), "--bind-address=127.0.0.1", "--user="+user,
		"--pid-file="+filepath.Join(base, "mariadbd.pid"), "--tmpdir="+tmp, "--skip-log-bin",
		"--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M", "--skip-name-resolve")
	srv.Stdout, srv.Stderr = &logs, &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	t.Cleanup(func() {
		_ = srv.Process.Kill()
		<-done
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("mariadbd exited: %v\n%s", err, logs.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond); err == nil {
			c.Close()
			if _, err := ccMySQL(port, nil, "-e", "SELECT 1"); err == nil {
				return port
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("mariadbd did not answer on port %d within 60s\n%s", port, logs.String())
	return 0
}

// itNeedSbin is itNeed that also looks in /usr/sbin and /sbin (not on every PATH).
func itNeedSbin(t *testing.T, prog, pkg string) string {
	t.Helper()
	for _, d := range []string{"/usr/sbin", "/sbin"} {
		p := filepath.Join(d, prog)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return itNeed(t, prog, pkg)
}
