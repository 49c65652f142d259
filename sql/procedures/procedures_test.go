package procedures_test

import (
	"testing"
)

// base is the common setup: table t with one committed row on main.
var base = []string{
	"CREATE TABLE t (id INT PRIMARY KEY, v INT)",
	"INSERT INTO t VALUES (1, 10)",
	"CALL dsql_commit('-Am', 'create t')",
}

func TestAdd(t *testing.T) {
	runScripts(t, []script{
		{name: "add one table", setup: base, steps: []step{
			{q: "CREATE TABLE u (id INT PRIMARY KEY)"},
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "SELECT table_name, staged, status FROM dsql_status ORDER BY table_name, staged", want: []sqlRow{
				r("t", false, "modified"), r("u", false, "new table")}},
			{q: "CALL dsql_add('t')", want: rs(0)},
			{q: "SELECT table_name, staged, status FROM dsql_status ORDER BY table_name", want: []sqlRow{
				r("t", true, "modified"), r("u", false, "new table")}},
			{q: "CALL dolt_add('u')", want: rs(0)},
			{q: "SELECT table_name, staged FROM dsql_status ORDER BY table_name", want: []sqlRow{r("t", true), r("u", true)}},
		}},
		{name: "add dot, -A and --all stage everything", setup: base, steps: []step{
			{q: "CREATE TABLE u (id INT PRIMARY KEY)"},
			{q: "CALL dsql_add('.')", want: rs(0)},
			{q: "SELECT table_name, staged FROM dsql_status", want: []sqlRow{r("u", true)}},
			{q: "CALL dsql_reset()"},
			{q: "CALL dsql_add('-A')", want: rs(0)},
			{q: "SELECT table_name, staged FROM dsql_status", want: []sqlRow{r("u", true)}},
			{q: "CALL dsql_reset()"},
			{q: "CALL dsql_add('--all')", want: rs(0)},
			{q: "SELECT table_name, staged FROM dsql_status", want: []sqlRow{r("u", true)}},
		}},
		{name: "add a dropped table stages the deletion", setup: base, steps: []step{
			{q: "DROP TABLE t"},
			{q: "CALL dsql_add('t')", want: rs(0)},
			{q: "SELECT table_name, staged, status FROM dsql_status", want: []sqlRow{r("t", true, "deleted")}},
			{q: "CALL dsql_commit('-m', 'drop t')", want: rs(hash)},
			{q: "SHOW TABLES", want: noRows},
		}},
		{name: "add errors", setup: base, steps: []step{
			{q: "CALL dsql_add('nope')", err: `table "nope" not found`},
			{q: "CALL dsql_add()", err: "usage: dsql_add("},
			{q: "CALL dsql_add('--bogus')", err: "unknown flag: --bogus"},
		}},
	})
}

func TestCommit(t *testing.T) {
	runScripts(t, []script{
		{name: "commit staged changes", setup: base, steps: []step{
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dsql_add('t')"},
			{q: "CALL dsql_commit('-m', 'two')", want: rs(hash)},
			{q: "SELECT message, committer, email FROM dsql_log LIMIT 1", want: []sqlRow{r("two", "Test Author", "test@example.com")}},
			{q: "SELECT dsql_hashof('HEAD') = (SELECT commit_hash FROM dsql_log LIMIT 1)", want: rs(true)},
			{q: "SELECT * FROM t AS OF 'HEAD'", want: []sqlRow{r(1, 10), r(2, 20)}},
			{q: "SELECT count(*) FROM dsql_status", want: rs(0)},
		}},
		{name: "nothing to commit", setup: base, steps: []step{
			{q: "CALL dsql_commit('-m', 'empty')", err: "nothing to commit: stage changes with dsql_add('t') or use -a / --allow-empty"},
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dsql_commit('-m', 'unstaged')", err: "nothing to commit"},
			{q: "CALL dsql_commit('--skip-empty', '-m', 'skip')", want: rs(nil)},
			{q: "CALL dsql_commit('--allow-empty', '-m', 'empty')", want: rs(hash)},
			{q: "SELECT message FROM dsql_log LIMIT 1", want: rs("empty")},
			{q: "SELECT * FROM t AS OF 'HEAD'", want: []sqlRow{r(1, 10)}},
		}},
		{name: "-a stages modified and deleted tables, not new ones", setup: append(base,
			"CREATE TABLE d (id INT PRIMARY KEY)", "CALL dsql_commit('-Am', 'd')"), steps: []step{
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "DROP TABLE d"},
			{q: "CREATE TABLE n (id INT PRIMARY KEY)"},
			{q: "CALL dsql_commit('-am', 'modified')", want: rs(hash)},
			{q: "SELECT table_name, staged, status FROM dsql_status", want: []sqlRow{r("n", false, "new table")}},
			{q: "SHOW TABLES AS OF 'HEAD'", want: rs("t")},
			{q: "SELECT count(*) FROM t AS OF 'HEAD'", want: rs(2)},
		}},
		{name: "-A stages new tables too", setup: base, steps: []step{
			{q: "CREATE TABLE n (id INT PRIMARY KEY)"},
			{q: "CALL dsql_commit('-A', '-m', 'all')", want: rs(hash)},
			{q: "SHOW TABLES AS OF 'HEAD'", want: rs("n", "t")},
			{q: "SELECT count(*) FROM dsql_status", want: rs(0)},
			{q: "CREATE TABLE n2 (id INT PRIMARY KEY)"},
			{q: "CALL dsql_commit('--ALL', '--message', 'long flags')", want: rs(hash)},
			{q: "SHOW TABLES AS OF 'HEAD'", want: rs("n", "n2", "t")},
		}},
		{name: "--amend replaces HEAD", setup: base, steps: []step{
			{q: "SELECT count(*) FROM dsql_log", want: rs(2)},
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dsql_commit('-a', '--amend', '-m', 'create t, amended')", want: rs(hash)},
			{q: "SELECT count(*) FROM dsql_log", want: rs(2)},
			{q: "SELECT message FROM dsql_log LIMIT 1", want: rs("create t, amended")},
			{q: "SELECT count(*) FROM t AS OF 'HEAD'", want: rs(2)},
			{q: "CALL dsql_commit('--amend')", want: rs(hash)},
			{q: "SELECT message FROM dsql_log LIMIT 1", want: rs("create t, amended")},
			{q: "SELECT count(*) FROM dsql_log", want: rs(2)},
		}},
		{name: "--author and --date", setup: base, steps: []step{
			{q: "CALL dsql_commit('--allow-empty', '-m', 'by alice', '--author', 'Alice Smith <alice@example.com>', '--date', '2024-05-01T10:00:00Z')", want: rs(hash)},
			{q: "SELECT author, author_email, author_date, committer, email FROM dsql_log LIMIT 1", want: []sqlRow{
				r("Alice Smith", "alice@example.com", "2024-05-01 10:00:00 +0000 UTC", "Test Author", "test@example.com")}},
			{q: "CALL dsql_commit('--allow-empty', '-m', 'dated', '--date', '2023-01-02 03:04:05')", want: rs(hash)},
			{q: "SELECT author, author_date FROM dsql_log LIMIT 1", want: []sqlRow{r("Test Author", "2023-01-02 03:04:05 +0000 UTC")}},
			{q: "CALL dsql_commit('--allow-empty', '-m', 'x', '--author', 'no email')", err: `invalid --author "no email"`},
			{q: "CALL dsql_commit('--allow-empty', '-m', 'x', '--date', 'yesterday')", err: `invalid --date "yesterday"`},
		}},
		{name: "argument errors", setup: base, steps: []step{
			{q: "CALL dsql_commit()", err: "a commit message is required"},
			{q: "CALL dsql_commit('-a')", err: "a commit message is required"},
			{q: "CALL dsql_commit('-m')", err: "flag needs an argument: 'm' in -m"},
			{q: "CALL dsql_commit('-x', '-m', 'msg')", err: "unknown shorthand flag: 'x' in -x"},
			{q: "CALL dsql_commit('--nope', '-m', 'msg')", err: "unknown flag: --nope; usage: dsql_commit("},
			{q: "CALL dsql_commit('-m', 'msg', 'stray')", err: `unexpected argument "stray"`},
			{q: "CALL dsql_commit('--allow-empty', '--skip-empty', '-m', 'msg')", err: "cannot be used together"},
		}},
		{name: "commit ends the SQL transaction", setup: base, steps: []step{
			{q: "START TRANSACTION"},
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dsql_commit('-am', 'in tx')", want: rs(hash)},
			{q: "ROLLBACK"},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10), r(2, 20)}},
			{s: "b", q: "SELECT * FROM t AS OF 'main'", want: []sqlRow{r(1, 10), r(2, 20)}},
		}},
		{name: "dolt_ alias", setup: base, steps: []step{
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dolt_add('.')"},
			{q: "CALL dolt_commit('-m', 'dolt style')", want: rs(hash)},
			{q: "SELECT message FROM dolt_log LIMIT 1", want: rs("dolt style")},
		}},
	})
}

func TestCheckout(t *testing.T) {
	runScripts(t, []script{
		{name: "switch branches", setup: append(base, "CALL dsql_branch('feat')"), steps: []step{
			{q: "CALL dsql_checkout('feat')", want: []sqlRow{r(0, "Switched to branch 'feat'")}},
			{q: "SELECT active_branch()", want: rs("feat")},
			{q: "SELECT @@mydb_head_ref", want: rs("refs/heads/feat")},
			{q: "CALL dsql_checkout('feat')", want: []sqlRow{r(0, "Already on 'feat'")}},
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dsql_commit('-am', 'on feat')", want: rs(hash)},
			{q: "CALL dolt_checkout('main')", want: []sqlRow{r(0, "Switched to branch 'main'")}},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10)}},
			{s: "b", q: "SELECT active_branch()", want: rs("main")},
		}},
		{name: "uncommitted changes stay on the old branch", setup: append(base, "CALL dsql_branch('feat')"), steps: []step{
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dsql_checkout('feat')"},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10)}},
			{q: "SELECT count(*) FROM dsql_status", want: rs(0)},
			{q: "CALL dsql_checkout('main')"},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10), r(2, 20)}},
			{q: "SELECT table_name, staged FROM dsql_status", want: []sqlRow{r("t", false)}},
		}},
		{name: "-b creates and switches", setup: base, steps: []step{
			{q: "CALL dsql_checkout('-b', 'feat')", want: []sqlRow{r(0, "Switched to branch 'feat'")}},
			{q: "SELECT active_branch()", want: rs("feat")},
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dsql_commit('-am', 'two')"},
			{q: "CALL dsql_checkout('-b', 'old', 'HEAD~1')", want: []sqlRow{r(0, "Switched to branch 'old'")}},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10)}},
			{q: "SELECT dsql_hashof('old') = dsql_hashof('main')", want: rs(true)},
			{q: "CALL dsql_checkout('-b', 'feat')", err: "a branch named 'feat' already exists; use -f to overwrite it or choose another name"},
			{q: "SELECT active_branch()", want: rs("old")},
			{q: "CALL dsql_checkout('-b', 'x', 'nosuchrev')", err: `revision "nosuchrev" not found`},
		}},
		{name: "-B resets an existing branch", setup: append(base, "CALL dsql_checkout('-b', 'feat')", "INSERT INTO t VALUES (2, 20)",
			"CALL dsql_commit('-am', 'two')", "CALL dsql_checkout('main')"), steps: []step{
			{q: "SELECT dsql_hashof('feat') = dsql_hashof('main')", want: rs(false)},
			{q: "CALL dsql_checkout('-B', 'feat', 'main')", want: []sqlRow{r(0, "Switched to branch 'feat'")}},
			{q: "SELECT dsql_hashof('feat') = dsql_hashof('main')", want: rs(true)},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10)}},
			{q: "CALL dsql_checkout('-B', 'feat')", err: "checked out in this session"},
		}},
		{name: "checkout of tables restores them from the staged root or HEAD", setup: append(base,
			"CREATE TABLE u (id INT PRIMARY KEY)", "CALL dsql_commit('-Am', 'u')"), steps: []step{
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "INSERT INTO u VALUES (1)"},
			{q: "CALL dsql_add('u')"},
			{q: "INSERT INTO u VALUES (2)"},
			{q: "CALL dsql_checkout('t')", want: []sqlRow{r(0, "")}},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10)}},
			{q: "SELECT table_name, staged FROM dsql_status ORDER BY staged", want: []sqlRow{r("u", false), r("u", true)}},
			// The working version goes back to the staged one; the staged one stays.
			{q: "CALL dsql_checkout('--', 'u')", want: []sqlRow{r(0, "")}},
			{q: "SELECT * FROM u", want: rs(1)},
			{q: "SELECT table_name, staged FROM dsql_status", want: []sqlRow{r("u", true)}},
			// REV -- TABLE restores both from REV.
			{q: "CALL dsql_checkout('HEAD', '--', 'u')", want: []sqlRow{r(0, "")}},
			{q: "SELECT count(*) FROM u", want: rs(0)},
			{q: "SELECT count(*) FROM dsql_status", want: rs(0)},
			{q: "DROP TABLE t"},
			{q: "CALL dsql_checkout('t', 'u')"},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10)}},
			{q: "CALL dsql_checkout('HEAD~1', '--', 'u')", err: `table "u" not found in HEAD~1`},
			{q: "CALL dsql_checkout('nosuchrev', '--', 'u')", err: `revision "nosuchrev" not found`},
			{q: "CALL dsql_checkout('a', 'b', '--', 'u')", err: "expected REV -- TABLE..., got 2 arguments before --"},
			{q: "CREATE TABLE n (id INT PRIMARY KEY)"},
			{q: "CALL dsql_checkout('n')", err: `table "n" is new (neither staged nor in HEAD)`},
		}},
		{name: "checkout errors", setup: base, steps: []step{
			{q: "CALL dsql_checkout('nope')", err: `"nope" is neither a branch nor a table`},
			{q: "CALL dsql_checkout('HEAD~1')", err: "detached HEAD"},
			{q: "CALL dsql_checkout()", err: "usage: dsql_checkout("},
			{q: "CALL dsql_checkout('--nope')", err: "unknown flag: --nope"},
			{q: "CALL dsql_checkout('-b', 'a', 'main', 'extra')", err: "too many arguments"},
			{q: "CALL dsql_checkout('--', 'nope')", err: `table "nope" not found`},
		}},
		{name: "--move carries changes of tables equal in both heads", setup: append(base,
			"CREATE TABLE u (id INT PRIMARY KEY)", "CALL dsql_commit('-Am', 'u')",
			"CALL dsql_branch('feat')"), steps: []step{
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dsql_add('t')"},
			{q: "INSERT INTO u VALUES (7)"},
			{q: "SELECT @@mydb_default_branch", want: rs("main")},
			{q: "CALL dsql_checkout('--move', 'feat')", want: []sqlRow{r(0, "Switched to branch 'feat'")}},
			{q: "SELECT @@mydb_default_branch", want: rs("feat")},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10), r(2, 20)}},
			{q: "SELECT * FROM u", want: rs(7)},
			{q: "SELECT table_name, staged FROM dsql_status ORDER BY table_name", want: []sqlRow{r("t", true), r("u", false)}},
			{q: "SELECT * FROM t AS OF 'HEAD'", want: []sqlRow{r(1, 10)}},
			// main no longer has the changes: they moved.
			{s: "b", q: "SELECT * FROM `mydb/main`.t", want: []sqlRow{r(1, 10)}},
			{s: "b", q: "SELECT count(*) FROM `mydb/main`.u", want: rs(0)},
			// A new session starts on the repository's HEAD, now feat.
			{s: "c", q: "SELECT active_branch()", want: rs("feat")},
		}},
		{name: "--move refuses to overwrite local changes", setup: append(base,
			"CREATE TABLE u (id INT PRIMARY KEY)", "CALL dsql_commit('-Am', 'u')",
			"CALL dsql_checkout('-b', 'feat')", "INSERT INTO t VALUES (3, 30)", "INSERT INTO u VALUES (3)",
			"CALL dsql_commit('-am', 'feat changes t and u')", "CALL dsql_checkout('main')"), steps: []step{
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "INSERT INTO u VALUES (2)"},
			{q: "CALL dsql_checkout('--move', 'feat')", err: "your local changes to tables t, u would be overwritten by checkout; commit them (dsql commit -am ...) or discard them (dsql reset --hard)"},
			{q: "SELECT active_branch()", want: rs("main")},
			{q: "SELECT @@mydb_default_branch", want: rs("main")},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10), r(2, 20)}},
			{s: "b", q: "SELECT * FROM `mydb/feat`.t", want: []sqlRow{r(1, 10), r(3, 30)}},
			{q: "CALL dsql_reset('--hard')"},
			{q: "CALL dsql_checkout('--move', 'feat')", want: []sqlRow{r(0, "Switched to branch 'feat'")}},
			{q: "SELECT @@mydb_default_branch", want: rs("feat")},
		}},
		{name: "--move -f discards the changes", setup: append(base,
			"CALL dsql_checkout('-b', 'feat')", "INSERT INTO t VALUES (3, 30)",
			"CALL dsql_commit('-am', 'feat changes t')", "CALL dsql_checkout('main')"), steps: []step{
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dsql_checkout('--move', 'feat')", err: "your local changes to tables t would be overwritten"},
			{q: "CALL dsql_checkout('--move', '-f', 'feat')", want: []sqlRow{r(0, "Switched to branch 'feat'")}},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10), r(3, 30)}},
			{q: "SELECT @@mydb_default_branch", want: rs("feat")},
			{s: "b", q: "SELECT * FROM `mydb/main`.t", want: []sqlRow{r(1, 10)}},
			// Without --move, -f changes nothing: switching never loses changes.
			{q: "INSERT INTO t VALUES (4, 40)"},
			{q: "CALL dsql_checkout('-f', 'main')", want: []sqlRow{r(0, "Switched to branch 'main'")}},
			{s: "b", q: "SELECT count(*) FROM `mydb/feat`.t", want: rs(3)},
		}},
		{name: "--move -b carries everything to the new branch", setup: base, steps: []step{
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CREATE TABLE n (id INT PRIMARY KEY)"},
			{q: "CALL dsql_checkout('--move', '-b', 'topic')", want: []sqlRow{r(0, "Switched to branch 'topic'")}},
			{q: "SELECT count(*) FROM t", want: rs(2)},
			{q: "SHOW TABLES", want: rs("n", "t")},
			{s: "b", q: "SHOW TABLES FROM `mydb/main`", want: rs("t")},
			{s: "b", q: "SELECT count(*) FROM `mydb/main`.t", want: rs(1)},
		}},
	})
}

func TestBranch(t *testing.T) {
	runScripts(t, []script{
		{name: "create", setup: base, steps: []step{
			{q: "CALL dsql_branch('feat')", want: rs(0)},
			{q: "SELECT dsql_hashof('feat') = dsql_hashof('main')", want: rs(true)},
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dsql_commit('-am', 'two')"},
			{q: "CALL dolt_branch('old', 'HEAD~1')", want: rs(0)},
			{q: "SELECT dsql_hashof('old') = dsql_hashof('feat')", want: rs(true)},
			{q: "SELECT name FROM dsql_branches ORDER BY name", want: rs("feat", "main", "old")},
			{q: "CALL dsql_branch('feat')", err: "a branch named 'feat' already exists; use -f to overwrite it or choose another name"},
			{q: "CALL dsql_branch('-f', 'feat')", want: rs(0)},
			{q: "SELECT dsql_hashof('feat') = dsql_hashof('main')", want: rs(true)},
			{q: "CALL dsql_branch('x', 'nosuchrev')", err: `revision "nosuchrev" not found`},
			{q: "CALL dsql_branch('bad..name')", err: "invalid"},
		}},
		{name: "copy", setup: append(base, "CALL dsql_branch('feat')"), steps: []step{
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dsql_branch('-c', 'main', 'copy')", want: rs(0)},
			{q: "SELECT * FROM `mydb/copy`.t", want: []sqlRow{r(1, 10), r(2, 20)}},
			{q: "CALL dsql_branch('--copy', 'copy2')", want: rs(0)},
			{q: "SELECT count(*) FROM `mydb/copy2`.t", want: rs(2)},
			{q: "CALL dsql_branch('-c', 'main', 'feat')", err: "a branch named 'feat' already exists"},
			{q: "CALL dsql_branch('-c', '-f', 'main', 'feat')", want: rs(0)},
			{q: "SELECT count(*) FROM `mydb/feat`.t", want: rs(2)},
			{q: "CALL dsql_branch('-c', 'nope', 'x')", err: "branch 'nope' not found"},
			{q: "CALL dsql_branch('-c')", err: "expected [OLD] NEW"},
		}},
		{name: "move", setup: append(base, "CALL dsql_branch('feat')", "CALL dsql_branch('other')"), steps: []step{
			{q: "CALL dsql_branch('-m', 'feat', 'feature')", want: rs(0)},
			{q: "SELECT name FROM dsql_branches ORDER BY name", want: rs("feature", "main", "other")},
			{q: "CALL dsql_checkout('feature')"},
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CALL dsql_branch('-m', 'feature', 'renamed')", want: rs(0)},
			{q: "SELECT active_branch()", want: rs("renamed")},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10), r(2, 20)}},
			{q: "CALL dsql_branch('--move', 'renamed', 'other')", err: "a branch named 'other' already exists"},
			{q: "CALL dsql_branch('-m', '-f', 'renamed', 'other')", want: rs(0)},
			{q: "SELECT active_branch()", want: rs("other")},
			{q: "SELECT name FROM dsql_branches ORDER BY name", want: rs("main", "other")},
			{q: "CALL dsql_branch('-m', 'nope', 'x')", err: "branch 'nope' not found"},
		}},
		{name: "delete", setup: append(base, "CALL dsql_branch('merged')", "CALL dsql_checkout('-b', 'unmerged')",
			"INSERT INTO t VALUES (2, 20)", "CALL dsql_commit('-am', 'two')", "CALL dsql_checkout('main')"), steps: []step{
			{q: "CALL dsql_branch('-d', 'merged')", want: rs(0)},
			{q: "CALL dsql_branch('-d', 'unmerged')", err: "branch 'unmerged' is not fully merged; delete it anyway with -D"},
			{q: "CALL dsql_branch('-D', 'unmerged')", want: rs(0)},
			{q: "SELECT name FROM dsql_branches", want: rs("main")},
			{q: "CALL dsql_branch('-d', 'nope')", err: "branch 'nope' not found"},
			{q: "CALL dsql_branch('-d', 'main')", err: "cannot delete branch 'main': it is checked out in this session; check out another branch first"},
			{q: "CALL dsql_branch('x')"},
			{q: "CALL dsql_branch('y')"},
			{q: "CALL dsql_branch('--delete', '--force', 'x', 'y')", want: rs(0)},
			{q: "SELECT name FROM dsql_branches", want: rs("main")},
		}},
		{name: "delete the repository HEAD from another branch", setup: append(base, "CALL dsql_checkout('-b', 'feat')"), steps: []step{
			{q: "CALL dsql_branch('-d', 'main')", err: "cannot delete branch 'main': it is the repository's HEAD (default branch); check out another branch first"},
			{q: "SELECT name FROM dsql_branches ORDER BY name", want: rs("feat", "main")},
		}},
		{name: "argument errors", setup: base, steps: []step{
			{q: "CALL dsql_branch()", err: "expected NAME [START], got 0 arguments; usage: dsql_branch("},
			{q: "CALL dsql_branch('a', 'b', 'c')", err: "expected NAME [START], got 3 arguments"},
			{q: "CALL dsql_branch('--what', 'a')", err: "unknown flag: --what"},
			{q: "CALL dsql_branch('-c', '-d', 'a')", err: "choose one of -c, -m and -d"},
			{q: "CALL dsql_branch('-d')", err: "name the branches to delete"},
		}},
	})
}

func TestReset(t *testing.T) {
	runScripts(t, []script{
		{name: "unstage tables", setup: base, steps: []step{
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CREATE TABLE u (id INT PRIMARY KEY)"},
			{q: "CALL dsql_add('.')"},
			{q: "CALL dsql_reset('t')", want: rs(0)},
			{q: "SELECT table_name, staged FROM dsql_status ORDER BY table_name", want: []sqlRow{r("t", false), r("u", true)}},
			{q: "CALL dsql_add('.')"},
			{q: "CALL dsql_reset()", want: rs(0)},
			{q: "SELECT table_name, staged FROM dsql_status ORDER BY table_name", want: []sqlRow{r("t", false), r("u", false)}},
			{q: "CALL dsql_add('.')"},
			{q: "CALL dsql_reset('--soft')", want: rs(0)},
			{q: "SELECT table_name, staged FROM dsql_status ORDER BY table_name", want: []sqlRow{r("t", false), r("u", false)}},
			{q: "SELECT count(*) FROM t", want: rs(2)},
		}},
		{name: "--hard discards changes", setup: base, steps: []step{
			{q: "INSERT INTO t VALUES (2, 20)"},
			{q: "CREATE TABLE u (id INT PRIMARY KEY)"},
			{q: "CALL dsql_add('u')"},
			{q: "CALL dsql_reset('--hard')", want: rs(0)},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10)}},
			{q: "SHOW TABLES", want: rs("t")},
			{q: "SELECT count(*) FROM dsql_status", want: rs(0)},
		}},
		{name: "--hard to a revision", setup: append(base, "INSERT INTO t VALUES (2, 20)", "CALL dsql_commit('-am', 'two')"), steps: []step{
			{q: "INSERT INTO t VALUES (3, 30)"},
			{q: "SET @before = dsql_hashof('HEAD~1')"},
			{q: "CALL dsql_reset('--hard', 'HEAD~1')", want: rs(0)},
			{q: "SELECT dsql_hashof('HEAD') = @before", want: rs(true)},
			{q: "SELECT * FROM t", want: []sqlRow{r(1, 10)}},
			{q: "SELECT count(*) FROM dsql_log", want: rs(2)},
			{q: "SELECT count(*) FROM dsql_status", want: rs(0)},
		}},
		{name: "--soft to a revision keeps staged and working", setup: append(base, "INSERT INTO t VALUES (2, 20)", "CALL dsql_commit('-am', 'two')"), steps: []step{
			{q: "INSERT INTO t VALUES (3, 30)"},
			{q: "CALL dsql_reset('--soft', 'HEAD~1')", want: rs(0)},
			{q: "SELECT message FROM dsql_log LIMIT 1", want: rs("create t")},
			{q: "SELECT count(*) FROM t", want: rs(3)},
			{q: "SELECT table_name, staged FROM dsql_status ORDER BY staged", want: []sqlRow{r("t", false), r("t", true)}},
		}},
		{name: "mixed reset to a revision", setup: append(base, "INSERT INTO t VALUES (2, 20)", "CALL dsql_commit('-am', 'two')"), steps: []step{
			{q: "INSERT INTO t VALUES (3, 30)"},
			{q: "CALL dsql_add('t')"},
			{q: "CALL dsql_reset('HEAD~1')", want: rs(0)},
			{q: "SELECT message FROM dsql_log LIMIT 1", want: rs("create t")},
			{q: "SELECT count(*) FROM t", want: rs(3)},
			{q: "SELECT table_name, staged FROM dsql_status", want: []sqlRow{r("t", false)}},
			{q: "CALL dsql_reset('--mixed', 'main')", want: rs(0)},
		}},
		{name: "reset errors", setup: base, steps: []step{
			{q: "CALL dsql_reset('--hard', 'nosuchrev')", err: `revision "nosuchrev" not found`},
			{q: "CALL dsql_reset('nosuch')", err: `"nosuch" is neither a table nor a revision`},
			{q: "CALL dsql_reset('--hard', '--soft')", err: "choose one of --hard, --soft and --mixed"},
			{q: "CALL dsql_reset('--hard', 'a', 'b')", err: "--hard takes at most one revision"},
			{q: "CALL dsql_reset('--keep')", err: "unknown flag: --keep"},
		}},
	})
}

func TestTag(t *testing.T) {
	runScripts(t, []script{
		{name: "lightweight and annotated tags", setup: append(base, "INSERT INTO t VALUES (2, 20)", "CALL dsql_commit('-am', 'two')"), steps: []step{
			{q: "CALL dsql_tag('v1')", want: rs(0)},
			{q: "CALL dsql_tag('v0', 'HEAD~1')", want: rs(0)},
			{q: "CALL dsql_tag('-m', 'release two', 'v2')", want: rs(0)},
			{q: "CALL dolt_tag('-m', 'by bob', '--author', 'Bob <bob@example.com>', 'v3', 'main')", want: rs(0)},
			{q: "SELECT tag_name, tag_hash = dsql_hashof('HEAD'), tagger, email, message FROM dsql_tags ORDER BY tag_name", want: []sqlRow{
				r("v0", false, nil, nil, nil),
				r("v1", true, nil, nil, nil),
				r("v2", true, "Test Author", "test@example.com", "release two"),
				r("v3", true, "Bob", "bob@example.com", "by bob"),
			}},
			{q: "SELECT * FROM t AS OF 'v0'", want: []sqlRow{r(1, 10)}},
			{q: "SELECT dsql_hashof('v0') = dsql_hashof('HEAD~1')", want: rs(true)},
			{q: "CALL dsql_tag('v1')", err: "a tag named 'v1' already exists; delete it first (dsql_tag('-d', 'v1')) or choose another name"},
			{q: "CALL dsql_tag('-d', 'v1', 'v2')", want: rs(0)},
			{q: "SELECT tag_name FROM dsql_tags ORDER BY tag_name", want: rs("v0", "v3")},
			{q: "CALL dsql_tag('-d', 'v1')", err: "tag 'v1' not found"},
		}},
		{name: "tag errors", setup: base, steps: []step{
			{q: "CALL dsql_tag()", err: "expected NAME [REV], got 0 arguments; usage: dsql_tag("},
			{q: "CALL dsql_tag('x', 'nosuchrev')", err: `revision "nosuchrev" not found`},
			{q: "CALL dsql_tag('--author', 'A <a@b>', 'x')", err: "--author needs -m"},
			{q: "CALL dsql_tag('-z', 'x')", err: "unknown shorthand flag: 'z' in -z"},
			{q: "CALL dsql_tag('-d')", err: "name the tags to delete"},
		}},
	})
}

func TestFunctions(t *testing.T) {
	runScripts(t, []script{
		{name: "hashes and branch", setup: append(base, "CALL dsql_checkout('-b', 'feat')", "INSERT INTO t VALUES (2, 20)",
			"CALL dsql_commit('-am', 'feat')", "CALL dsql_checkout('main')", "INSERT INTO t VALUES (3, 30)", "CALL dsql_commit('-am', 'main')"), steps: []step{
			{q: "SELECT active_branch(), dsql_version(), dolt_version()", want: []sqlRow{r("main", "9.9.9", "9.9.9")}},
			{q: "SELECT dsql_hashof('HEAD'), dolt_hashof('main') = dsql_hashof('HEAD')", want: []sqlRow{r(hash, true)}},
			{q: "SELECT dsql_merge_base('main', 'feat') = dsql_hashof('main~1')", want: rs(true)},
			{q: "SELECT dolt_merge_base('feat', 'main') = dsql_hashof('feat~1')", want: rs(true)},
			{q: "SELECT dsql_hashof_db() = @@mydb_working, dsql_hashof_db('STAGED') = @@mydb_staged", want: []sqlRow{r(true, true)}},
			{q: "SELECT dsql_hashof_db()", want: rs(hash)},
			{q: "SET @db = dsql_hashof_db()"},
			{q: "SET @tbl = dsql_hashof_table('t')"},
			{q: "SELECT dsql_hashof_db('HEAD') = @db", want: rs(true)},
			{q: "INSERT INTO t VALUES (4, 40)"},
			{q: "SELECT dsql_hashof_db() = @db, dolt_hashof_table('t') = @tbl, dolt_hashof_db() = @@mydb_working", want: []sqlRow{r(false, false, true)}},
			{q: "DELETE FROM t WHERE id = 4"},
			{q: "SELECT dsql_hashof_db() = @db, dsql_hashof_table('t') = @tbl", want: []sqlRow{r(true, true)}},
			{q: "SELECT dsql_hashof(NULL)", want: rs(nil)},
			{q: "SELECT dsql_hashof('nope')", err: `revision "nope" not found`},
			{q: "SELECT dsql_hashof_table('nope')", err: "nope"},
			{q: "SELECT dsql_hashof()", err: "expected 1 arguments"},
			{q: "USE `mydb/feat`"},
			{q: "SELECT active_branch()", want: rs("feat")},
		}},
	})
}
