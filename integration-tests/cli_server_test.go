package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// itRunEnv runs dsql with args in dir with extra environment variables and returns its
// combined output; it fails the test on a non-zero exit.
func itRunEnv(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(itBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("dsql %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestVerbsRunThroughTheServerHoldingTheRepository: while dsql sql-server holds a
// repository, the CLI verbs run through it (one implementation, two front ends), so a
// commit made in SQL shows in dsql log and a commit made by dsql commit shows in
// dsql_log; after the server stops, the verbs open the repository themselves again.
func TestVerbsRunThroughTheServerHoldingTheRepository(t *testing.T) {
	dir := itNewRepo(t, "shop")
	env := []string{"DSQL_CONFIG_HOME=" + t.TempDir(), "DSQL_AUTHOR_NAME=Ann", "DSQL_AUTHOR_EMAIL=ann@example.com"}
	srv := itStart(t, dir)
	db := srv.db("shop")
	itExec(t, db, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))",
		"INSERT INTO items VALUES (1, 'bolt')",
		"CALL dsql_commit('-Am', 'made in SQL')")

	if out := itRunEnv(t, dir, env, "log", "--oneline"); !strings.Contains(out, "made in SQL") {
		t.Fatalf("dsql log through the server does not show the SQL commit:\n%s", out)
	}
	itExec(t, db, "INSERT INTO items VALUES (2, 'nut')")
	if out := itRunEnv(t, dir, env, "status"); !strings.Contains(out, "items") {
		t.Fatalf("dsql status through the server:\n%s", out)
	}
	itRunEnv(t, dir, env, "commit", "-am", "made by the CLI")
	itRunEnv(t, dir, env, "branch", "feature")
	itRunEnv(t, dir, env, "tag", "v1")

	var msg, author string
	if err := db.QueryRow("SELECT message, author FROM dsql_log LIMIT 1").Scan(&msg, &author); err != nil {
		t.Fatal(err)
	}
	if msg != "made by the CLI" || author != "Ann" {
		t.Fatalf("newest commit in dsql_log = %q by %q, want the CLI's commit by Ann", msg, author)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM dsql_branches WHERE name = 'feature'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("branch made by the CLI: count %d, err %v", n, err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".dsqlcfg", "sql-server.json")); err != nil {
		t.Fatalf("the running server's local file: %v", err)
	}

	srv.stop()
	if _, err := os.Stat(filepath.Join(dir, ".dsqlcfg", "sql-server.json")); !os.IsNotExist(err) {
		t.Fatalf("sql-server.json still there after the server stopped: %v", err)
	}
	out := itRunEnv(t, dir, env, "log", "--oneline")
	if !strings.Contains(out, "made by the CLI") || !strings.Contains(out, "made in SQL") {
		t.Fatalf("dsql log after the server stopped:\n%s", out)
	}
}
