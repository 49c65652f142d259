package session_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/procedures"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/sql/systables"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// vcsEnv is an engine over one memstore database "mydb" with the version-control
// procedures, system tables and functions plugged in, as server.NewEngine does.
type vcsEnv struct {
	t      *testing.T
	engine *sqle.Engine
	prov   *backend.Provider
}

func newVCSEnv(t *testing.T) *vcsEnv {
	t.Helper()
	ctx := context.Background()
	p, err := backend.NewProvider(ctx, backend.Options{
		Stores: map[string]storage.Store{"mydb": memstore.New()},
		Extensions: backend.Extensions{
			SystemTable:    systables.Lookup,
			Procedures:     procedures.New(),
			TableFunctions: systables.TableFunctions(),
		},
	})
	require.NoError(t, err)
	e := sqle.New(analyzer.NewDefault(p), nil)
	e.Analyzer.Catalog.RegisterFunction(sql.NewEmptyContext(), procedures.Functions()...)
	t.Cleanup(func() { _ = e.Close() })
	return &vcsEnv{t: t, engine: e, prov: p}
}

func (e *vcsEnv) session() *sql.Context {
	ctx := sql.NewContext(context.Background(),
		sql.WithSession(session.New(sql.NewBaseSession(), session.WithProvider(e.prov))))
	ctx.SetCurrentDatabase("mydb")
	return ctx
}

func (e *vcsEnv) query(ctx *sql.Context, q string, args ...any) ([]sql.Row, error) {
	if len(args) > 0 {
		q = fmt.Sprintf(q, args...)
	}
	_, iter, _, err := e.engine.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	return sql.RowIterToRows(ctx, iter)
}

func (e *vcsEnv) exec(ctx *sql.Context, qs ...string) {
	e.t.Helper()
	for _, q := range qs {
		_, err := e.query(ctx, q)
		require.NoError(e.t, err, q)
	}
}

func (e *vcsEnv) rows(ctx *sql.Context, q string, args ...any) []sql.Row {
	e.t.Helper()
	rows, err := e.query(ctx, q, args...)
	require.NoError(e.t, err, q)
	return rows
}

func (e *vcsEnv) value(ctx *sql.Context, q string, args ...any) any {
	e.t.Helper()
	rows := e.rows(ctx, q, args...)
	require.Len(e.t, rows, 1, q)
	return rows[0][0]
}

func (e *vcsEnv) fails(ctx *sql.Context, q, contains string) {
	e.t.Helper()
	_, err := e.query(ctx, q)
	require.Error(e.t, err, q)
	require.Contains(e.t, err.Error(), contains, q)
}

// history makes versions 1..3 of table t on main (tags v1..v3) and returns the commits.
func (e *vcsEnv) history(ctx *sql.Context) []string {
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))")
	var hashes []string
	for i := 1; i <= 3; i++ {
		e.exec(ctx, fmt.Sprintf("INSERT INTO t VALUES (%d, 'v%d')", i, i))
		if i == 3 {
			e.exec(ctx, "UPDATE t SET v = 'changed' WHERE id = 1")
		}
		h := e.value(ctx, fmt.Sprintf("CALL dsql_commit('-Am', 'version %d')", i))
		e.exec(ctx, fmt.Sprintf("CALL dsql_tag('v%d')", i))
		hashes = append(hashes, h.(string))
	}
	return hashes
}

func ids(rows []sql.Row) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%v=%v;", r[0], r[1])
	}
	return b.String()
}

func TestAsOfRevisions(t *testing.T) {
	e := newVCSEnv(t)
	ctx := e.session()
	hs := e.history(ctx)
	v1, v2 := "1=v1;", "1=v1;2=v2;"
	v3 := "1=changed;2=v2;3=v3;"
	for spec, want := range map[string]string{
		"v1": v1, "v2": v2, "v3": v3, "main": v3, "HEAD": v3, "HEAD~1": v2, "HEAD~2": v1, "main^^": v1,
		hs[0]: v1, hs[1][:8]: v2, strings.ToUpper(hs[2]): v3,
	} {
		require.Equal(t, want, ids(e.rows(ctx, "SELECT * FROM t AS OF '%s' ORDER BY id", spec)), spec)
	}
	// Each table of a join has its own revision.
	rows := e.rows(ctx, "SELECT a.id, b.v FROM t AS OF 'v3' a JOIN t AS OF 'v1' b ON a.id = b.id")
	require.Equal(t, "1=v1;", ids(rows))
	// Timestamps: the newest commit at or before the time.
	require.Equal(t, v3, ids(e.rows(ctx, "SELECT * FROM t AS OF TIMESTAMP('2999-01-01 00:00:00') ORDER BY id")))
	e.fails(ctx, "SELECT * FROM t AS OF TIMESTAMP('1999-01-01 00:00:00')", "1999")
	// Schema-level statements.
	require.Empty(t, e.rows(ctx, "SHOW TABLES AS OF 'HEAD~3'"))
	require.Equal(t, []sql.Row{{"t"}}, e.rows(ctx, "SHOW TABLES AS OF 'v1'"))
	create := e.rows(ctx, "SHOW CREATE TABLE t AS OF 'v1'")
	require.Contains(t, create[0][1], "CREATE TABLE `t`")
	// Errors say what was not found.
	e.fails(ctx, "SELECT * FROM t AS OF 'nosuchrev'", "nosuchrev")
	e.fails(ctx, "SELECT * FROM t AS OF 'HEAD~9'", "HEAD~9")
}

func TestBranchAndRevisionDatabases(t *testing.T) {
	e := newVCSEnv(t)
	ctx := e.session()
	e.history(ctx)
	e.exec(ctx, "CALL dsql_branch('feat')")

	// db/branch is read-write and independent of the session's branch.
	e.exec(ctx, "INSERT INTO `mydb/feat`.t VALUES (10, 'feat')")
	require.EqualValues(t, 4, e.value(ctx, "SELECT COUNT(*) FROM `mydb/feat`.t"))
	require.EqualValues(t, 3, e.value(ctx, "SELECT COUNT(*) FROM t"))
	e.exec(ctx, "USE `mydb/feat`")
	require.EqualValues(t, 4, e.value(ctx, "SELECT COUNT(*) FROM t"))
	require.Equal(t, "feat", e.value(ctx, "SELECT active_branch()"))
	e.exec(ctx, "CALL dsql_commit('-am', 'on feat')")
	e.exec(ctx, "USE mydb")
	require.EqualValues(t, 3, e.value(ctx, "SELECT COUNT(*) FROM t"))

	// db/tag and db/commit are read-only snapshots.
	require.Equal(t, "1=v1;", ids(e.rows(ctx, "SELECT * FROM `mydb/v1`.t")))
	e.exec(ctx, "USE `mydb/v2`")
	require.Equal(t, "1=v1;2=v2;", ids(e.rows(ctx, "SELECT * FROM t ORDER BY id")))
	e.fails(ctx, "INSERT INTO t VALUES (9, 'x')", "read-only")
	e.fails(ctx, "CREATE TABLE u (id INT PRIMARY KEY)", "read-only")
	e.exec(ctx, "USE mydb")
	e.fails(ctx, "DELETE FROM `mydb/v1`.t", "read-only")
	e.fails(ctx, "USE `mydb/nosuch`", "nosuch")
	require.Equal(t, "1=v1;", ids(e.rows(ctx, "SELECT * FROM `mydb/v1`.t")), "tag unchanged by failed writes")
}

func TestCheckoutIsPerSession(t *testing.T) {
	e := newVCSEnv(t)
	a, b := e.session(), e.session()
	e.history(a)
	e.exec(a, "CALL dsql_checkout('-b', 'feat')", "INSERT INTO t VALUES (7, 'a')")
	require.Equal(t, "feat", e.value(a, "SELECT active_branch()"))
	require.Equal(t, "main", e.value(b, "SELECT active_branch()"))
	require.EqualValues(t, 4, e.value(a, "SELECT COUNT(*) FROM t"))
	require.EqualValues(t, 3, e.value(b, "SELECT COUNT(*) FROM t"))
	// Switching back leaves feat's uncommitted row on feat's working set.
	e.exec(a, "CALL dsql_checkout('main')")
	require.EqualValues(t, 3, e.value(a, "SELECT COUNT(*) FROM t"))
	require.EqualValues(t, 4, e.value(b, "SELECT COUNT(*) FROM `mydb/feat`.t"))
}

func TestSessionVariables(t *testing.T) {
	e := newVCSEnv(t)
	ctx := e.session()
	e.history(ctx)
	require.Equal(t, "refs/heads/main", e.value(ctx, "SELECT @@mydb_head_ref"))
	require.Equal(t, e.value(ctx, "SELECT dsql_hashof('HEAD')"), e.value(ctx, "SELECT @@mydb_head"))
	require.Equal(t, "main", e.value(ctx, "SELECT @@mydb_default_branch"))
	clean := e.value(ctx, "SELECT @@mydb_working")
	require.Equal(t, clean, e.value(ctx, "SELECT @@mydb_staged"))
	e.exec(ctx, "INSERT INTO t VALUES (4, 'x')")
	working := e.value(ctx, "SELECT @@mydb_working")
	require.NotEqual(t, clean, working)
	require.Equal(t, clean, e.value(ctx, "SELECT @@mydb_staged"))
	e.exec(ctx, "CALL dsql_add('t')")
	require.Equal(t, working, e.value(ctx, "SELECT @@mydb_staged"))
	e.fails(ctx, "SET @@mydb_head = 'x'", "read only")

	e.exec(ctx, "CALL dsql_branch('feat')", "SET @@mydb_head_ref = 'feat'")
	require.Equal(t, "feat", e.value(ctx, "SELECT active_branch()"))
	require.Equal(t, "refs/heads/feat", e.value(ctx, "SELECT @@mydb_head_ref"))
	e.fails(ctx, "SET @@mydb_head_ref = 'nosuch'", "nosuch")
}

func TestTransactionCommitVariable(t *testing.T) {
	e := newVCSEnv(t)
	ctx := e.session()
	e.history(ctx)
	before := e.value(ctx, "SELECT COUNT(*) FROM dsql_log")
	e.exec(ctx, "SET @@dsql_transaction_commit = 1", "BEGIN", "INSERT INTO t VALUES (5, 'tx')", "COMMIT")
	require.EqualValues(t, before.(int64)+1, e.value(ctx, "SELECT COUNT(*) FROM dsql_log"))
	require.Equal(t, "Transaction commit", e.value(ctx, "SELECT message FROM dsql_log LIMIT 1"))
	require.Equal(t, "1=changed;2=v2;3=v3;5=tx;", ids(e.rows(ctx, "SELECT * FROM t AS OF 'HEAD' ORDER BY id")))
	// The Dolt name works too, and autocommit statements commit as well.
	e.exec(ctx, "SET @@dsql_transaction_commit = 0", "SET @@dolt_transaction_commit = 1", "INSERT INTO t VALUES (6, 'ac')")
	require.EqualValues(t, before.(int64)+2, e.value(ctx, "SELECT COUNT(*) FROM dsql_log"))
}

func TestConcurrentStagingMerges(t *testing.T) {
	e := newVCSEnv(t)
	a, b := e.session(), e.session()
	e.history(a)
	e.exec(a, "CREATE TABLE x (id INT PRIMARY KEY)", "CREATE TABLE y (id INT PRIMARY KEY)")
	e.exec(a, "SET autocommit = 0")
	e.exec(b, "SET autocommit = 0")
	e.exec(a, "CALL dsql_add('x')")
	e.exec(b, "CALL dsql_add('y')")
	e.exec(a, "COMMIT")
	e.exec(b, "COMMIT")
	staged := e.rows(e.session(), "SELECT table_name FROM dsql_status WHERE staged ORDER BY table_name")
	require.Equal(t, []sql.Row{{"x"}, {"y"}}, staged)
}

func TestConcurrentVersionCommitsKeepEveryCommit(t *testing.T) {
	e := newVCSEnv(t)
	setup := e.session()
	e.history(setup)
	const n = 10
	errs := make(chan error, 2)
	for w := range 2 {
		go func() {
			ctx := e.session()
			for i := range n {
				id := 100 + w*n + i
				// In a transaction, so the row is not in the branch's shared working set
				// (where the other writer's -a would stage and commit it) before this
				// session's own commit.
				if _, err := e.query(ctx, "BEGIN"); err != nil {
					errs <- err
					return
				}
				if _, err := e.query(ctx, "INSERT INTO t VALUES (%d, 'w')", id); err != nil {
					errs <- err
					return
				}
				if _, err := e.query(ctx, "CALL dsql_commit('-am', 'w%d-%d')", w, i); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	deadline := time.After(time.Minute)
	for range 2 {
		select {
		case err := <-errs:
			require.NoError(t, err)
		case <-deadline:
			t.Fatal("writers did not finish")
		}
	}
	ctx := e.session()
	require.EqualValues(t, 4+2*n, e.value(ctx, "SELECT COUNT(*) FROM dsql_log"))
	require.EqualValues(t, 3+2*n, e.value(ctx, "SELECT COUNT(*) FROM t AS OF 'HEAD'"))
}

// TestCommitAllStagesTrackedChanges: -a stages every tracked table (in HEAD or staged)
// whose working version differs from the staged one, including a table changed back to
// HEAD's version after being staged; new untracked tables stay out.
func TestCommitAllStagesTrackedChanges(t *testing.T) {
	e := newVCSEnv(t)
	ctx := e.session()
	e.history(ctx)
	e.exec(ctx, "CREATE TABLE fresh (id INT PRIMARY KEY)", "CREATE TABLE untracked (id INT PRIMARY KEY)",
		"CALL dsql_add('fresh')", "INSERT INTO fresh VALUES (1)")
	e.exec(ctx, "INSERT INTO t VALUES (9, 'x')", "CALL dsql_add('t')", "DELETE FROM t WHERE id = 9")
	e.exec(ctx, "CALL dsql_commit('-am', 'tracked')")
	require.Equal(t, []sql.Row{{int32(1)}}, e.rows(ctx, "SELECT * FROM fresh AS OF 'HEAD'"))
	require.EqualValues(t, 3, e.value(ctx, "SELECT COUNT(*) FROM t AS OF 'HEAD'"), "the unstaged undo is committed")
	require.Equal(t, []sql.Row{{"untracked", false, "new table"}}, e.rows(ctx, "SELECT * FROM dsql_status"))
}

// TestStatusShowsMergeProblems: during a merge, dsql_status lists a table with constraint
// violations or schema conflicts with that status.
func TestStatusShowsMergeProblems(t *testing.T) {
	e := newVCSEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE u (id INT PRIMARY KEY, v INT, UNIQUE KEY uv (v))",
		"CREATE TABLE s (id INT PRIMARY KEY, a INT)",
		"CALL dsql_commit('-Am', 'base')", "CALL dsql_branch('b')",
		"INSERT INTO u VALUES (1, 10)", "ALTER TABLE s MODIFY a BIGINT", "CALL dsql_commit('-am', 'ours')",
		"CALL dsql_checkout('b')", "INSERT INTO u VALUES (2, 10)", "ALTER TABLE s MODIFY a VARCHAR(10)",
		"CALL dsql_commit('-am', 'theirs')", "CALL dsql_checkout('main')",
		"SET autocommit = 0")
	e.exec(ctx, "CALL dsql_merge('b')")
	rows := e.rows(ctx, "SELECT table_name, status FROM dsql_status ORDER BY table_name")
	require.Equal(t, []sql.Row{{"s", "schema conflict"}, {"u", "constraint violation"}}, rows)
}
