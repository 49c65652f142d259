package systables_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/procedures"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/sql/systables"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// countingStore counts the commit chunks read from a store, to check that history tables
// read lazily.
type countingStore struct {
	storage.Store
	commitReads atomic.Int64
}

func (s *countingStore) count(b []byte) {
	if k, ok := repo.ChunkKind(b); ok && k == repo.KindCommit {
		s.commitReads.Add(1)
	}
}

func (s *countingStore) Get(ctx context.Context, h hash.Hash) ([]byte, error) {
	b, err := s.Store.Get(ctx, h)
	if err == nil {
		s.count(b)
	}
	return b, err
}

func (s *countingStore) GetMany(ctx context.Context, hs []hash.Hash, found func(storage.Chunk)) error {
	return s.Store.GetMany(ctx, hs, func(c storage.Chunk) {
		s.count(c.Data)
		found(c)
	})
}

// t0 is the time of the initial commit; every later commit is a minute after the one
// before.
var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

type env struct {
	t      testing.TB
	engine *sqle.Engine
	prov   *backend.Provider
	store  *countingStore
	db     *backend.Database
	clock  time.Time
}

func newEnv(t testing.TB) *env {
	t.Helper()
	st := &countingStore{Store: memstore.New()}
	prov, err := backend.NewProvider(context.Background(), backend.Options{
		Stores: map[string]storage.Store{"mydb": st},
		Author: repo.Signature{Name: "init", Email: "init@example.com", Time: t0},
		Extensions: backend.Extensions{
			SystemTable:    systables.Lookup,
			TableFunctions: systables.TableFunctions(),
			Procedures:     procedures.New(),
		},
	})
	require.NoError(t, err)
	e := sqle.NewDefault(prov)
	backend.InstallRowChanges(e.Analyzer) // as server.NewEngine: an UPDATE stores a change of case
	t.Cleanup(func() { _ = e.Close() })
	e.Analyzer.Catalog.RegisterFunction(sql.NewEmptyContext(), procedures.Functions()...)
	db, ok := prov.Lookup("mydb")
	require.True(t, ok)
	return &env{t: t, engine: e, prov: prov, store: st, db: db, clock: t0}
}

func (e *env) session() *sql.Context {
	ctx := sql.NewContext(context.Background(),
		sql.WithSession(session.New(sql.NewBaseSession(), session.WithProvider(e.prov))))
	ctx.SetCurrentDatabase("mydb")
	return ctx
}

func (e *env) repo() *repo.Repo { return e.db.Repo() }

func (e *env) query(ctx *sql.Context, q string) ([]sql.Row, error) {
	_, iter, _, err := e.engine.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	return sql.RowIterToRows(ctx, iter)
}

func (e *env) exec(ctx *sql.Context, qs ...string) {
	e.t.Helper()
	for _, q := range qs {
		_, err := e.query(ctx, q)
		require.NoError(e.t, err, q)
	}
}

func (e *env) rows(ctx *sql.Context, q string) []sql.Row {
	e.t.Helper()
	rows, err := e.query(ctx, q)
	require.NoError(e.t, err, q)
	return rows
}

// strs returns the single string column of rows.
func (e *env) strs(ctx *sql.Context, q string) []string {
	e.t.Helper()
	var out []string
	for _, r := range e.rows(ctx, q) {
		require.Len(e.t, r, 1, q)
		if r[0] == nil {
			out = append(out, "<nil>")
			continue
		}
		out = append(out, r[0].(string))
	}
	return out
}

func (e *env) sig(name string) repo.Signature {
	e.clock = e.clock.Add(time.Minute)
	return repo.Signature{Name: name, Email: name + "@example.com", Time: e.clock}
}

func sess(ctx *sql.Context) *session.Session { return ctx.Session.(*session.Session) }

// commit commits everything in the session's working root of its checked-out branch
// (what dsql_commit -Am does).
func (e *env) commit(ctx *sql.Context, msg string) repo.Commit {
	e.t.Helper()
	sig := e.sig("alice")
	c, err := sess(ctx).CommitVersion(ctx, e.db, session.CommitOptions{
		Message: msg, Author: sig, Committer: sig, AllowEmpty: true,
		Stage: func(_ *sql.Context, _, working, _ repo.Root) (repo.Root, error) { return working, nil },
	})
	require.NoError(e.t, err)
	return c
}

// branch creates branch name at the head of from.
func (e *env) branch(name, from string) {
	e.t.Helper()
	ctx := context.Background()
	c, err := e.repo().Branch(ctx, from)
	require.NoError(e.t, err)
	require.NoError(e.t, e.repo().CreateBranch(ctx, name, c))
}

// checkout switches the session to branch.
func (e *env) checkout(ctx *sql.Context, branch string) {
	e.t.Helper()
	require.NoError(e.t, sess(ctx).EndTransaction(ctx))
	sess(ctx).SetCheckedOut("mydb", branch)
}

// mergeCommit makes a commit on into with parents (into's head, other's head) and
// other's root, as a merge that took other's side would.
func (e *env) mergeCommit(into, other, msg string) repo.Commit {
	e.t.Helper()
	ctx := context.Background()
	r := e.repo()
	ours, err := r.Branch(ctx, into)
	require.NoError(e.t, err)
	theirs, err := r.Branch(ctx, other)
	require.NoError(e.t, err)
	ws, err := r.WorkingSet(ctx, into)
	require.NoError(e.t, err)
	root, err := r.Root(ctx, theirs.RootHash())
	require.NoError(e.t, err)
	sig := e.sig("merger")
	c, err := repo.NewCommit(root.Hash(), []repo.Commit{ours, theirs}, sig, sig, msg)
	require.NoError(e.t, err)
	require.NoError(e.t, r.CommitWorkingSet(ctx, into, ours.Hash(), c, ws, repo.NewWorkingSet(root, root)))
	return c
}

// appendCommits adds n empty commits to branch directly through the repository.
func (e *env) appendCommits(branch string, n int) {
	e.t.Helper()
	ctx := context.Background()
	r := e.repo()
	head, err := r.Branch(ctx, branch)
	require.NoError(e.t, err)
	ws, err := r.WorkingSet(ctx, branch)
	require.NoError(e.t, err)
	for range n {
		sig := e.sig("bulk")
		c, err := repo.NewCommit(head.RootHash(), []repo.Commit{head}, sig, sig, "bulk")
		require.NoError(e.t, err)
		require.NoError(e.t, r.CommitWorkingSet(ctx, branch, head.Hash(), c, ws, ws))
		head = c
	}
}

func hashes(cs ...repo.Commit) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Hash().String()
	}
	return out
}

var systablesStatus = systables.Status
