package systables_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/repo"
)

func TestLog(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	initial, err := e.repo().Branch(ctx, "main")
	require.NoError(t, err)
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)")
	c1 := e.commit(ctx, "create t")
	e.exec(ctx, "INSERT INTO t VALUES (1)")
	c2 := e.commit(ctx, "insert 1")

	rows := e.rows(ctx, "SELECT * FROM dsql_log")
	d1, d2 := t0.Add(time.Minute), t0.Add(2*time.Minute)
	require.Equal(t, []sql.Row{
		{c2.Hash().String(), "alice", "alice@example.com", d2, "insert 1", uint64(3),
			c1.Hash().String(), "HEAD -> main", "alice", "alice@example.com", d2},
		{c1.Hash().String(), "alice", "alice@example.com", d1, "create t", uint64(2),
			initial.Hash().String(), "", "alice", "alice@example.com", d1},
		{initial.Hash().String(), "init", "init@example.com", t0, repo.InitMessage, uint64(1),
			"", "", "init", "init@example.com", t0},
	}, rows)
	// The dolt_ alias has the same rows and columns; names are case-insensitive.
	require.Equal(t, rows, e.rows(ctx, "SELECT * FROM dolt_log"))
	require.Equal(t, rows, e.rows(ctx, "SELECT * FROM DSQL_LOG"))
	require.Equal(t, hashes(c2), e.strs(ctx, "SELECT commit_hash FROM dolt_log WHERE message = 'insert 1'"))
	require.Equal(t, []string{"insert 1"}, e.strs(ctx, "SELECT l.message FROM dsql_log l ORDER BY commit_order DESC LIMIT 1"))

	// A commit made by another session shows up in the next query.
	other := e.session()
	e.exec(other, "INSERT INTO t VALUES (2)")
	c3 := e.commit(other, "insert 2")
	require.Equal(t, hashes(c3, c2, c1, initial), e.strs(ctx, "SELECT commit_hash FROM dsql_log"))

	// System tables are read-only.
	_, err = e.query(ctx, "DELETE FROM dsql_log")
	require.Error(t, err)
	_, err = e.query(ctx, "INSERT INTO dsql_branches (name) VALUES ('x')")
	require.Error(t, err)
}

func TestLogDecorationsAndBranches(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	c1 := e.commit(ctx, "one")
	e.branch("feature", "main")
	e.branch("alpha", "main")
	require.NoError(t, e.repo().CreateTag(ctx, "v1", c1, nil, ""))
	require.Equal(t, []string{"HEAD -> main, alpha, feature, tag: v1", ""},
		e.strs(ctx, "SELECT refs FROM dsql_log"))

	// The session's branch decides HEAD.
	e.checkout(ctx, "feature")
	f1 := e.commit(ctx, "on feature")
	require.Equal(t, []string{"HEAD -> feature", "alpha, main, tag: v1", ""},
		e.strs(ctx, "SELECT refs FROM dsql_log"))
	require.Equal(t, hashes(f1), e.strs(ctx, "SELECT commit_hash FROM dsql_log LIMIT 1"))
	// A db/branch database shows that branch's log.
	require.Equal(t, hashes(c1), e.strs(ctx, "SELECT commit_hash FROM `mydb/main`.dsql_log LIMIT 1"))
}

func TestLogOfRevisions(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	initial, err := e.repo().Branch(ctx, "main")
	require.NoError(t, err)
	c1 := e.commit(ctx, "one")
	require.NoError(t, e.repo().CreateTag(ctx, "v1", c1, nil, ""))
	e.clock = e.clock.Add(1234567 * time.Nanosecond) // commit times keep microseconds
	c2 := e.commit(ctx, "two")
	e.commit(ctx, "three")

	want := hashes(c1, initial)
	require.Equal(t, want, e.strs(ctx, "SELECT commit_hash FROM `mydb/v1`.dsql_log"))
	require.Equal(t, want, e.strs(ctx, "SELECT commit_hash FROM `mydb/v1`.dolt_log"))
	require.Equal(t, want, e.strs(ctx, "SELECT commit_hash FROM dsql_log AS OF 'v1'"))
	require.Equal(t, hashes(c2, c1, initial), e.strs(ctx, "SELECT commit_hash FROM dsql_log AS OF 'HEAD~1'"))
	require.Equal(t, want, e.strs(ctx, "SELECT commit_hash FROM `mydb/"+c1.Hash().String()[:8]+"`.dsql_log"))
	// A revision database decorates its commit as HEAD.
	require.Equal(t, []string{"HEAD, tag: v1", ""}, e.strs(ctx, "SELECT refs FROM `mydb/v1`.dsql_log"))
	// AS OF a date in the log names that date's commit (dates are rounded up to the
	// millisecond).
	date := e.rows(ctx, "SELECT date FROM dsql_log WHERE message = 'two'")[0][0].(time.Time)
	require.Equal(t, c2.Committer().Time.UTC().Truncate(time.Millisecond).Add(time.Millisecond), date)
	require.Equal(t, hashes(c2), e.strs(ctx,
		"SELECT commit_hash FROM dsql_log AS OF TIMESTAMP('"+date.Format("2006-01-02 15:04:05.000")+"') LIMIT 1"))
	// dsql_status of a revision is empty.
	require.Empty(t, e.rows(ctx, "SELECT * FROM `mydb/v1`.dsql_status"))
}

func TestCommitsAndAncestors(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	initial, err := e.repo().Branch(ctx, "main")
	require.NoError(t, err)
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)")
	m1 := e.commit(ctx, "m1")
	e.branch("feature", "main")
	e.exec(ctx, "INSERT INTO t VALUES (1)")
	m2 := e.commit(ctx, "m2")
	e.checkout(ctx, "feature")
	e.exec(ctx, "INSERT INTO t VALUES (2)")
	f1 := e.commit(ctx, "f1")
	// A commit only a tag reaches.
	e.branch("tmp", "feature")
	e.checkout(ctx, "tmp")
	x1 := e.commit(ctx, "x1")
	require.NoError(t, e.repo().CreateTag(ctx, "keep", x1, nil, ""))
	e.checkout(ctx, "main")
	require.NoError(t, e.repo().DeleteBranch(ctx, "tmp"))
	merge := e.mergeCommit("main", "feature", "merge feature")

	// dsql_commits: every commit of every branch and tag, newest first.
	rows := e.rows(ctx, "SELECT commit_hash, message, commit_order FROM dsql_commits")
	require.Equal(t, []sql.Row{
		{merge.Hash().String(), "merge feature", uint64(4)},
		{x1.Hash().String(), "x1", uint64(4)},
		{f1.Hash().String(), "f1", uint64(3)},
		{m2.Hash().String(), "m2", uint64(3)},
		{m1.Hash().String(), "m1", uint64(2)},
		{initial.Hash().String(), repo.InitMessage, uint64(1)},
	}, rows)
	require.Equal(t, rows, e.rows(ctx, "SELECT commit_hash, message, commit_order FROM dolt_commits"))
	require.Equal(t, []sql.Row{{"merger", "merger@example.com"}},
		e.rows(ctx, "SELECT committer, email FROM dsql_commits LIMIT 1"))

	// dsql_log on main sees the merge's parents, not x1.
	require.Equal(t, hashes(merge, f1, m2, m1, initial), e.strs(ctx, "SELECT commit_hash FROM dsql_log"))
	require.Equal(t, []string{m2.Hash().String() + ", " + f1.Hash().String()},
		e.strs(ctx, "SELECT parents FROM dsql_log LIMIT 1"))

	anc := e.rows(ctx, "SELECT * FROM dsql_commit_ancestors")
	require.Equal(t, []sql.Row{
		{merge.Hash().String(), m2.Hash().String(), int32(0)},
		{merge.Hash().String(), f1.Hash().String(), int32(1)},
		{x1.Hash().String(), f1.Hash().String(), int32(0)},
		{f1.Hash().String(), m1.Hash().String(), int32(0)},
		{m2.Hash().String(), m1.Hash().String(), int32(0)},
		{m1.Hash().String(), initial.Hash().String(), int32(0)},
		{initial.Hash().String(), nil, int32(0)},
	}, anc)
	require.Equal(t, anc, e.rows(ctx, "SELECT * FROM dolt_commit_ancestors"))
	require.Equal(t, []string{f1.Hash().String()}, e.strs(ctx,
		"SELECT parent_hash FROM dsql_commit_ancestors WHERE commit_hash = '"+merge.Hash().String()+"' AND parent_index = 1"))
}

// TestLogLimitIsLazy checks that LIMIT n reads about n commits, however long the history.
func TestLogLimitIsLazy(t *testing.T) {
	reads := func(commits int, q string) int64 {
		e := newEnv(t)
		e.appendCommits("main", commits)
		ctx := e.session()
		e.store.commitReads.Store(0)
		rows := e.rows(ctx, q)
		require.NotEmpty(t, rows)
		return e.store.commitReads.Load()
	}
	for _, q := range []string{
		"SELECT * FROM dsql_log LIMIT 10",
		"SELECT * FROM dsql_commits LIMIT 10",
		"SELECT * FROM dsql_commit_ancestors LIMIT 10",
		"SELECT * FROM dsql_log('main') LIMIT 10",
		"SELECT * FROM dsql_log('-n', '10')",
	} {
		small, large := reads(20, q), reads(2000, q)
		require.LessOrEqual(t, large, int64(30), q)
		require.LessOrEqual(t, large, small+2, q)
	}
	// A full scan does read everything.
	require.GreaterOrEqual(t, reads(2000, "SELECT count(*) FROM dsql_log"), int64(2000))
}

func BenchmarkLogLimit10(b *testing.B) {
	for _, n := range []int{10, 10000} {
		b.Run("commits="+strconv.Itoa(n), func(b *testing.B) {
			e := newEnv(b)
			e.appendCommits("main", n)
			ctx := e.session()
			e.store.commitReads.Store(0)
			b.ResetTimer()
			for range b.N {
				rows, err := e.query(ctx, "SELECT * FROM dsql_log LIMIT 10")
				if err != nil || len(rows) != 10 {
					b.Fatal(err, len(rows))
				}
			}
			b.ReportMetric(float64(e.store.commitReads.Load())/float64(b.N), "commit-reads/op")
		})
	}
}
