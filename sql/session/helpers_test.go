package session_test

import (
	"context"
	"sync"
	"testing"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// volatileStore models a persistent store in front of a memstore: Put buffers chunks in
// memory that a "crash" (dropping the volatileStore and wrapping the same memstore again)
// loses; only Commit moves chunks and ref updates into the memstore, which stands for the
// synced disk. beforeCommit, if set, runs at the start of every Commit (tests block in it
// to see what the client has been told while the storage commit is in flight).
type volatileStore struct {
	disk         *memstore.Store
	beforeCommit func()
	mu           struct {
		sync.Mutex
		buf map[hash.Hash][]byte
	}
}

var _ storage.Store = (*volatileStore)(nil)

func newVolatile(disk *memstore.Store) *volatileStore {
	s := &volatileStore{disk: disk}
	s.mu.buf = map[hash.Hash][]byte{}
	return s
}

func (s *volatileStore) buffered(h hash.Hash) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.mu.buf[h]
	return b, ok
}

func (s *volatileStore) Get(ctx context.Context, h hash.Hash) ([]byte, error) {
	if b, ok := s.buffered(h); ok {
		return b, nil
	}
	return s.disk.Get(ctx, h)
}

func (s *volatileStore) GetMany(ctx context.Context, hs []hash.Hash, found func(storage.Chunk)) error {
	var rest []hash.Hash
	for _, h := range hs {
		if b, ok := s.buffered(h); ok {
			found(storage.Chunk{Hash: h, Data: b})
		} else {
			rest = append(rest, h)
		}
	}
	return s.disk.GetMany(ctx, rest, found)
}

func (s *volatileStore) Has(ctx context.Context, h hash.Hash) (bool, error) {
	if _, ok := s.buffered(h); ok {
		return true, nil
	}
	return s.disk.Has(ctx, h)
}

func (s *volatileStore) HasMany(ctx context.Context, hs []hash.Hash) (hash.Set, error) {
	absent, err := s.disk.HasMany(ctx, hs)
	if err != nil {
		return nil, err
	}
	for h := range absent {
		if _, ok := s.buffered(h); ok {
			delete(absent, h)
		}
	}
	return absent, nil
}

func (s *volatileStore) Put(ctx context.Context, c storage.Chunk) error {
	return s.PutMany(ctx, []storage.Chunk{c})
}

func (s *volatileStore) PutMany(ctx context.Context, cs []storage.Chunk) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cs {
		if hash.Of(c.Data) != c.Hash {
			return storage.ErrCorrupt
		}
		s.mu.buf[c.Hash] = append([]byte(nil), c.Data...)
	}
	return nil
}

func (s *volatileStore) Ref(ctx context.Context, name string) (hash.Hash, bool, error) {
	return s.disk.Ref(ctx, name)
}

func (s *volatileStore) Refs(ctx context.Context, prefix string) ([]storage.Ref, error) {
	return s.disk.Refs(ctx, prefix)
}

func (s *volatileStore) Commit(ctx context.Context, chunks []storage.Chunk, updates []storage.RefUpdate) error {
	if s.beforeCommit != nil {
		s.beforeCommit()
	}
	s.mu.Lock()
	all := append([]storage.Chunk(nil), chunks...)
	for h, b := range s.mu.buf {
		all = append(all, storage.Chunk{Hash: h, Data: b})
	}
	s.mu.Unlock()
	if err := s.disk.Commit(ctx, all, updates); err != nil {
		return err
	}
	s.mu.Lock()
	for _, c := range all {
		delete(s.mu.buf, c.Hash)
	}
	s.mu.Unlock()
	return nil
}

func (s *volatileStore) Close() error { return nil }

// disks is a set of "disks" (memstores) by database name: newEnv over the same disks is a
// restart that loses every buffered chunk.
type disks map[string]*memstore.Store

type env struct {
	t      *testing.T
	engine *sqle.Engine
	prov   *backend.Provider
	stores map[string]*volatileStore
}

func newEnv(t *testing.T, d disks) *env {
	t.Helper()
	e := &env{t: t, stores: map[string]*volatileStore{}}
	var mu sync.Mutex
	open := func(dir string) (storage.Store, error) {
		mu.Lock()
		defer mu.Unlock()
		disk, ok := d[dir]
		if !ok {
			disk = memstore.New()
			d[dir] = disk
		}
		vs := newVolatile(disk)
		e.stores[dir] = vs
		return vs, nil
	}
	st := map[string]storage.Store{}
	for n := range d {
		s, _ := open(n)
		st[n] = s
	}
	p, err := backend.NewProvider(context.Background(), backend.Options{Open: open, Stores: st})
	require.NoError(t, err)
	e.prov = p
	e.engine = sqle.NewDefault(p)
	t.Cleanup(func() { _ = e.engine.Close() })
	return e
}

func (e *env) session() *sql.Context {
	ctx := sql.NewContext(context.Background(),
		sql.WithSession(session.New(sql.NewBaseSession(), session.WithProvider(e.prov))))
	if e.prov.HasDatabase(ctx, "mydb") {
		ctx.SetCurrentDatabase("mydb")
	}
	return ctx
}

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

func setup(t *testing.T, d disks) (*env, *sql.Context) {
	e := newEnv(t, d)
	ctx := e.session()
	e.exec(ctx, "CREATE DATABASE IF NOT EXISTS mydb", "USE mydb")
	return e, ctx
}

func ints(vs ...int) []sql.Row {
	out := make([]sql.Row, len(vs))
	for i, v := range vs {
		out[i] = sql.Row{int32(v)}
	}
	return out
}
