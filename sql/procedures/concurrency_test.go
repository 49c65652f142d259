package procedures_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

// commitLoop makes n commits from session ctx, each inserting row id0+i into t inside one
// transaction together with its dsql_commit, and returns the first error.
func (e *env) commitLoop(ctx *sql.Context, id0, n int, label string, start <-chan struct{}) error {
	<-start
	for i := range n {
		for _, q := range []string{
			"START TRANSACTION",
			fmt.Sprintf("INSERT INTO t VALUES (%d, %d)", id0+i, i),
			fmt.Sprintf("CALL dsql_commit('-am', '%s %d')", label, i),
		} {
			if _, err := e.query(ctx, q); err != nil {
				return fmt.Errorf("%s: %s: %w", label, q, err)
			}
		}
	}
	return nil
}

// Two sessions on different branches commit at the same time: each branch gets exactly
// its own commits and rows (per-branch working sets never interfere).
func TestConcurrentCommitsOnDifferentBranches(t *testing.T) {
	e := newEnv(t)
	a, b := e.session("a"), e.session("b")
	e.exec(a, base...)
	e.exec(a, "CALL dsql_branch('feat')")
	e.exec(b, "CALL dsql_checkout('feat')")
	const n = 20
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Add(2)
	go func() { defer wg.Done(); errs[0] = e.commitLoop(a, 100, n, "main", start) }()
	go func() { defer wg.Done(); errs[1] = e.commitLoop(b, 200, n, "feat", start) }()
	close(start)
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])

	c := e.session("check")
	for _, br := range []struct {
		name string
		id0  int
	}{{"main", 100}, {"feat", 200}} {
		rows := e.rows(c, fmt.Sprintf("SELECT count(*), min(id), max(id) FROM `mydb/%s`.t WHERE id > 1", br.name))
		require.Equal(t, fmt.Sprint(sql.Row{n, br.id0, br.id0 + n - 1}), fmt.Sprint(rows[0]), br.name)
		rows = e.rows(c, fmt.Sprintf("SELECT count(*) FROM dsql_log('%s') WHERE message LIKE '%s %%'", br.name, br.name))
		require.Equal(t, fmt.Sprint(n), fmt.Sprint(rows[0][0]), br.name)
		rows = e.rows(c, fmt.Sprintf("SELECT count(*) FROM dsql_log('%s')", br.name))
		require.Equal(t, fmt.Sprint(n+2), fmt.Sprint(rows[0][0]), "%s: its commits, create t and the initial commit", br.name)
		require.Empty(t, e.rows(c, fmt.Sprintf("SELECT * FROM `mydb/%s`.dsql_status", br.name)), br.name)
	}
}

// Two sessions commit on the same branch at the same time: no commit is lost. Every commit
// is in the branch's history (each becomes the parent of the next) and every row is in the
// final root.
func TestConcurrentCommitsOnOneBranch(t *testing.T) {
	e := newEnv(t)
	e.exec(e.session("a"), base...)
	const sessions, n = 3, 15
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, sessions)
	for s := range sessions {
		ctx := e.session(fmt.Sprint("s", s))
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[s] = e.commitLoop(ctx, 1000*(s+1), n, fmt.Sprint("s", s), start)
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	c := e.session("check")
	require.Equal(t, fmt.Sprint(sessions*n+1), fmt.Sprint(e.rows(c, "SELECT count(*) FROM t AS OF 'main'")[0][0]))
	require.Equal(t, fmt.Sprint(sessions*n+2), fmt.Sprint(e.rows(c, "SELECT count(*) FROM dsql_log")[0][0]))
	for s := range sessions {
		rows := e.rows(c, fmt.Sprintf("SELECT count(*) FROM dsql_log WHERE message LIKE 's%d %%'", s))
		require.Equal(t, fmt.Sprint(n), fmt.Sprint(rows[0][0]), "commits of session s%d", s)
	}
	// A linear history: every commit but the first has exactly one parent.
	require.Equal(t, "0", fmt.Sprint(e.rows(c, "SELECT count(*) FROM dsql_commit_ancestors WHERE parent_index > 0")[0][0]))
	require.Empty(t, e.rows(c, "SELECT * FROM dsql_status"))
}
