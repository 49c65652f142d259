package procedures_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
)

// pickSetup: main has t = (1,1,1), (2,2,2), (3,3,3); feature has three more commits:
// 'a of 1' (a = 10 where pk = 1), 'row 4' (insert 4) and 'b of 2' (b = 20 where pk = 2).
var pickSetup = []string{
	tAB, tRows,
	"CALL dsql_commit('-Am', 'base')",
	"CALL dsql_checkout('-b', 'feature')",
	"UPDATE t SET a = 10 WHERE pk = 1", "CALL dsql_commit('-am', 'a of 1')",
	"INSERT INTO t VALUES (4, 4, 4)", "CALL dsql_commit('-am', 'row 4')",
	"UPDATE t SET b = 20 WHERE pk = 2", "CALL dsql_commit('-am', 'b of 2')",
	"CALL dsql_checkout('main')",
}

const (
	parentCount = "SELECT count(*) FROM dsql_commit_ancestors WHERE commit_hash = dsql_hashof('HEAD')"
	lastMessage = "SELECT message FROM dsql_log LIMIT 1"
	allRows     = "SELECT * FROM t ORDER BY 1"
)

func TestCherryPick(t *testing.T) {
	runScripts(t, []script{
		{name: "one commit, keeping its message and author", setup: pickSetup, steps: []step{
			{q: "CALL dsql_cherry_pick('feature~1')", want: []sql.Row{r(hash, 0, 0)}},
			{q: allRows, want: []sql.Row{r(1, 1, 1), r(2, 2, 2), r(3, 3, 3), r(4, 4, 4)}},
			{q: lastMessage, want: rs("row 4")},
			{q: parentCount, want: rs(1)},
			{q: "SELECT count(*) FROM dsql_status", want: rs(0)},
			{q: "SELECT pk FROM t WHERE a = 4 AND b = 4", want: rs(4)},
		}},
		{name: "several commits in order, and the dolt_ alias", setup: pickSetup, steps: []step{
			{q: "CALL dolt_cherry_pick('feature', 'feature~2')", want: []sql.Row{r(hash, 0, 0)}},
			{q: allRows, want: []sql.Row{r(1, 10, 1), r(2, 2, 20), r(3, 3, 3)}},
			{q: "SELECT message FROM dsql_log LIMIT 3", want: rs("a of 1", "b of 2", "base")},
		}},
		{name: "a cell merge with a change on main", setup: append(pickSetup, "UPDATE t SET b = 100 WHERE pk = 1", "CALL dsql_commit('-am', 'b of 1')"), steps: []step{
			{q: "CALL dsql_cherry_pick('feature~2')", want: []sql.Row{r(hash, 0, 0)}},
			{q: allRows, want: []sql.Row{r(1, 10, 100), r(2, 2, 2), r(3, 3, 3)}},
		}},
		{name: "a conflict in autocommit mode changes nothing", setup: append(pickSetup, "UPDATE t SET a = 99 WHERE pk = 1", "CALL dsql_commit('-am', 'a of 1 on main')"), steps: []step{
			{q: "CALL dsql_cherry_pick('feature~2')", err: "leaves conflicts in t; run it inside a transaction"},
			{q: allRows, want: []sql.Row{r(1, 99, 1), r(2, 2, 2), r(3, 3, 3)}},
			{q: "SELECT * FROM dsql_conflicts", want: noRows},
		}},
		{name: "a conflict in a transaction: resolve, then an ordinary commit", setup: append(pickSetup, "UPDATE t SET a = 99 WHERE pk = 1", "CALL dsql_commit('-am', 'a of 1 on main')", "SET autocommit = 0"), steps: []step{
			{q: "CALL dsql_cherry_pick('feature~2')", want: []sql.Row{r(nil, 1, 0)}},
			{q: "SELECT * FROM dsql_conflicts", want: []sql.Row{r("t", 1)}},
			{q: "SELECT base_a, our_a, their_a FROM dsql_conflicts_t", want: []sql.Row{r(1, 99, 10)}},
			{q: "SELECT table_name, status FROM dsql_status", want: []sql.Row{r("t", "conflict")}},
			{q: "CALL dsql_commit('-am', 'too early')", err: "unresolved conflicts in t"},
			{q: "CALL dsql_cherry_pick('feature')", err: "in progress"},
			{q: "CALL dsql_conflicts_resolve('--theirs', 't')", want: rs(0)},
			{q: "SELECT is_merging FROM dsql_merge_status", want: rs(false)},
			{q: "CALL dsql_commit('-am', 'picked a of 1')", want: []sql.Row{r(hash)}},
			{q: parentCount, want: rs(1)},
			{q: "SELECT * FROM t AS OF 'HEAD' ORDER BY 1", want: []sql.Row{r(1, 10, 1), r(2, 2, 2), r(3, 3, 3)}},
		}},
		{name: "a conflict resolved by DELETE FROM dsql_conflicts_t also ends in an ordinary commit", setup: append(pickSetup, "UPDATE t SET a = 99 WHERE pk = 1", "CALL dsql_commit('-am', 'a of 1 on main')", "SET autocommit = 0"), steps: []step{
			{q: "CALL dsql_cherry_pick('feature~2')", want: []sql.Row{r(nil, 1, 0)}},
			{q: "DELETE FROM dsql_conflicts_t"},
			{q: "SELECT is_merging FROM dsql_merge_status", want: rs(false)},
			{q: "CALL dsql_commit('-am', 'kept ours', '--allow-empty')", want: []sql.Row{r(hash)}},
			{q: parentCount, want: rs(1)},
		}},
		{name: "--abort restores the branch", setup: append(pickSetup, "UPDATE t SET a = 99 WHERE pk = 1", "CALL dsql_commit('-am', 'a of 1 on main')", "SET autocommit = 0"), steps: []step{
			{q: "CALL dsql_cherry_pick('feature~1', 'feature~2', 'feature')", want: []sql.Row{r(nil, 1, 0)}},
			{q: lastMessage, want: rs("row 4")}, // the commit before the conflicted one stays
			{q: "CALL dsql_cherry_pick('--abort')", want: []sql.Row{r(nil, 0, 0)}},
			{q: allRows, want: []sql.Row{r(1, 99, 1), r(2, 2, 2), r(3, 3, 3), r(4, 4, 4)}},
			{q: "SELECT * FROM dsql_conflicts", want: noRows},
			{q: "CALL dsql_cherry_pick('--abort')", err: "no merge to abort"},
		}},
		{name: "errors", setup: append(pickSetup, "CALL dsql_merge('--no-ff', 'feature')"), steps: []step{
			{q: "CALL dsql_cherry_pick()", err: "name at least one commit"},
			{q: "CALL dsql_cherry_pick('nosuch')", err: "nosuch"},
			{q: "CALL dsql_cherry_pick('HEAD')", err: "cannot cherry-pick or revert a merge commit"},
			{q: "CALL dsql_cherry_pick('feature')", err: "changes nothing"},
			{q: "UPDATE t SET a = 0"},
			{q: "CALL dsql_cherry_pick('feature')", err: "uncommitted changes (t)"},
		}},
	})
}

func TestRevert(t *testing.T) {
	runScripts(t, []script{
		{name: "revert the last commit", setup: append(pickSetup, "CALL dsql_checkout('feature')"), steps: []step{
			{q: "CALL dsql_revert('HEAD')", want: []sql.Row{r(hash, 0, 0)}},
			{q: allRows, want: []sql.Row{r(1, 10, 1), r(2, 2, 2), r(3, 3, 3), r(4, 4, 4)}},
			{q: "SELECT message = concat('Revert \"b of 2\"\n\nThis reverts commit ', dsql_hashof('HEAD~1'), '.') FROM dsql_log LIMIT 1", want: rs(true)},
			{q: parentCount, want: rs(1)},
		}},
		{name: "revert an older commit, and several at once (dolt_ alias)", setup: append(pickSetup, "CALL dsql_checkout('feature')"), steps: []step{
			{q: "CALL dsql_revert('HEAD~2')", want: []sql.Row{r(hash, 0, 0)}},
			{q: allRows, want: []sql.Row{r(1, 1, 1), r(2, 2, 20), r(3, 3, 3), r(4, 4, 4)}},
			{q: "CALL dolt_revert('HEAD~1', 'HEAD~2')", want: []sql.Row{r(hash, 0, 0)}},
			{q: allRows, want: []sql.Row{r(1, 1, 1), r(2, 2, 2), r(3, 3, 3)}},
			{q: "SELECT message LIKE 'Revert \"row 4\"%' FROM dsql_log LIMIT 1", want: rs(true)},
		}},
		{name: "a conflicting revert in a transaction", setup: append(pickSetup, "CALL dsql_checkout('feature')", "UPDATE t SET a = 11 WHERE pk = 1", "CALL dsql_commit('-am', 'a of 1 again')", "SET autocommit = 0"), steps: []step{
			{q: "CALL dsql_revert('HEAD~3')", want: []sql.Row{r(nil, 1, 0)}},
			{q: "SELECT base_a, our_a, their_a FROM dsql_conflicts_t", want: []sql.Row{r(10, 11, 1)}},
			{q: "CALL dsql_conflicts_resolve('--ours', 't')", want: rs(0)},
			{q: "CALL dsql_commit('-am', 'kept 11', '--allow-empty')", want: []sql.Row{r(hash)}},
			{q: parentCount, want: rs(1)},
		}},
		{name: "revert of the first commit empties the tables", setup: []string{tAB, tRows, "CALL dsql_commit('-Am', 'base')"}, steps: []step{
			{q: "CALL dsql_revert('HEAD')", want: []sql.Row{r(hash, 0, 0)}},
			{q: "SHOW TABLES", want: noRows},
		}},
	})
}
