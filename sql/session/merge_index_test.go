package session_test

import (
	"context"
	"errors"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/storage/memstore"
)

// committedRoot returns the working root of branch main of database name as committed.
func committedRoot(t *testing.T, e *env, name string) repo.Root {
	t.Helper()
	db, ok := e.prov.Lookup(name)
	require.True(t, ok)
	ws, err := db.Repo().WorkingSet(context.Background(), repo.DefaultBranch)
	require.NoError(t, err)
	return ws.Working()
}

// TestMergeKeepsSecondaryIndexes: two transactions insert and update different rows of a
// table with secondary indexes; after both commit (the second through the three-way
// merge) every index holds exactly the merged rows, and lookups through it find them.
func TestMergeKeepsSecondaryIndexes(t *testing.T) {
	e, ctx := setup(t, disks{"mydb": memstore.New()})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(20), KEY ia (a), UNIQUE KEY ub (b))",
		"INSERT INTO t VALUES (1, 10, 'one'), (2, 20, 'two')")
	s1, s2 := e.session(), e.session()
	e.exec(s1, "BEGIN", "INSERT INTO t VALUES (3, 30, 'three')", "UPDATE t SET a = 11 WHERE id = 1")
	e.exec(s2, "BEGIN", "INSERT INTO t VALUES (4, 40, 'four')", "UPDATE t SET b = 'deux' WHERE id = 2")
	e.exec(s1, "COMMIT")
	e.exec(s2, "COMMIT")
	require.NoError(t, backend.CheckIndexes(context.Background(), committedRoot(t, e, "mydb")))
	check := e.session()
	require.Equal(t, []sql.Row{{int32(3)}}, e.rows(check, "SELECT id FROM t WHERE a = 30"))
	require.Equal(t, []sql.Row{{int32(4)}}, e.rows(check, "SELECT id FROM t WHERE a = 40"))
	require.Equal(t, []sql.Row{{int32(1)}}, e.rows(check, "SELECT id FROM t WHERE a = 11"))
	require.Empty(t, e.rows(check, "SELECT id FROM t WHERE a = 10"))
	require.Equal(t, []sql.Row{{int32(2)}}, e.rows(check, "SELECT id FROM t WHERE b = 'deux'"))
	require.Empty(t, e.rows(check, "SELECT id FROM t WHERE b = 'two'"))
}

// TestMergeUniqueViolationIs1213: two transactions insert different rows with the same
// value of a unique column; each is fine against its own snapshot, together they are not,
// so the second COMMIT fails with 1213 and applies nothing.
func TestMergeUniqueViolationIs1213(t *testing.T) {
	e, ctx := setup(t, disks{"mydb": memstore.New()})
	e.exec(ctx, "CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(40), UNIQUE KEY ue (email))",
		"INSERT INTO u VALUES (1, 'a@x')")
	s1, s2 := e.session(), e.session()
	e.exec(s1, "BEGIN", "INSERT INTO u VALUES (2, 'same@x')")
	e.exec(s2, "BEGIN", "INSERT INTO u VALUES (3, 'same@x')")
	e.exec(s1, "COMMIT")
	_, err := e.query(s2, "COMMIT")
	require.Error(t, err)
	require.True(t, sql.ErrLockDeadlock.Is(err) || errors.Is(err, sql.ErrLockDeadlock.New()), "want 1213, got %v", err)
	require.Equal(t, []sql.Row{{int32(1)}, {int32(2)}}, e.rows(e.session(), "SELECT id FROM u ORDER BY id"))
	require.NoError(t, backend.CheckIndexes(context.Background(), committedRoot(t, e, "mydb")))
	// NULLs never collide: both commit.
	e.exec(s1, "BEGIN", "INSERT INTO u VALUES (4, NULL)")
	e.exec(s2, "BEGIN", "INSERT INTO u VALUES (5, NULL)")
	e.exec(s1, "COMMIT")
	e.exec(s2, "COMMIT")
	require.Equal(t, []sql.Row{{int64(2)}}, e.rows(e.session(), "SELECT COUNT(*) FROM u WHERE email IS NULL"))
}
