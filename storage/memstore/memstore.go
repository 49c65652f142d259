// Package memstore is an in-memory storage.Store: a map of chunks and a map of refs behind
// one mutex. It is for tests and scratch work; nothing survives the process.
//
// # Invariants
//
//   - Content addressing: Get(h) returns bytes that hash to h. Every chunk given to Put,
//     PutMany or Commit is verified (storage.Chunk.Verify) before it is stored; PutOwned
//     takes a storage.Addressed chunk, whose address storage.Address computed.
//   - Compare-and-swap: Commit checks every update's Old and every non-zero New under the
//     store's lock and applies all updates or none.
//   - Durability: trivially none across processes. Within the process, buffered and
//     committed chunks are the same thing: a Put chunk is readable at once and stays
//     until Close.
//   - Ownership: the store copies bytes on the way in (Put, PutMany, Commit) and on the
//     way out (Get, GetMany), so no slice the caller holds ever aliases the store's
//     memory. The exceptions are for callers whose bytes are immutable (prolly's
//     NodeStore, which never modifies a node's bytes): PutOwned keeps the caller's slice
//     and GetShared returns the stored one; both sides promise never to modify them.
//
// The store passes the conformance suite in storetest.
package memstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// Store is an in-memory storage.Store. It is safe for use by many goroutines. The creator
// owns it and should Close it; after Close every method returns storage.ErrClosed and the
// memory is released to the garbage collector.
type Store struct {
	mu struct {
		sync.RWMutex
		closed     bool
		chunks     map[hash.Hash][]byte
		chunkBytes int64
		refs       map[string]hash.Hash
		refGen     uint64 // RefGeneration: Commits that got past their checks
	}
}

var (
	_ storage.Store          = (*Store)(nil)
	_ storage.StatsReporter  = (*Store)(nil)
	_ storage.RefGenerations = (*Store)(nil)
)

// New returns an empty Store.
func New() *Store {
	s := &Store{}
	s.mu.chunks = make(map[hash.Hash][]byte)
	s.mu.refs = make(map[string]hash.Hash)
	return s
}

// errClosed is returned by every method after Close.
func errClosed(op string) error {
	return fmt.Errorf("memstore: %s: %w", op, storage.ErrClosed)
}

func clone(b []byte) []byte {
	out := make([]byte, len(b))
	copy(out, b)
	return out
}

// Get implements storage.ChunkStore. The returned slice is a fresh copy owned by the
// caller.
func (s *Store) Get(ctx context.Context, h hash.Hash) ([]byte, error) {
	b, err := s.GetShared(ctx, h)
	if err != nil {
		return nil, err
	}
	return clone(b), nil
}

// GetShared is Get without the copy: it returns the stored slice itself, which the
// caller must never modify (prolly's NodeStore reads nodes through it).
func (s *Store) GetShared(ctx context.Context, h hash.Hash) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.mu.closed {
		return nil, errClosed("Get")
	}
	b, ok := s.mu.chunks[h]
	if !ok {
		return nil, fmt.Errorf("memstore: Get %s: %w", h, storage.ErrNotFound)
	}
	return b, nil
}

// GetMany implements storage.ChunkStore. It calls found from the calling goroutine, with
// fresh copies, after releasing the store's lock.
func (s *Store) GetMany(ctx context.Context, hs []hash.Hash, found func(storage.Chunk)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	if s.mu.closed {
		s.mu.RUnlock()
		return errClosed("GetMany")
	}
	out := make([]storage.Chunk, 0, len(hs))
	seen := make(hash.Set, len(hs))
	for _, h := range hs {
		if seen.Has(h) {
			continue
		}
		seen.Add(h)
		if b, ok := s.mu.chunks[h]; ok {
			out = append(out, storage.Chunk{Hash: h, Data: clone(b)})
		}
	}
	s.mu.RUnlock()
	for _, c := range out {
		found(c)
	}
	return nil
}

// Has implements storage.ChunkStore.
func (s *Store) Has(ctx context.Context, h hash.Hash) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.mu.closed {
		return false, errClosed("Has")
	}
	_, ok := s.mu.chunks[h]
	return ok, nil
}

// HasMany implements storage.ChunkStore. The returned set is owned by the caller.
func (s *Store) HasMany(ctx context.Context, hs []hash.Hash) (hash.Set, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.mu.closed {
		return nil, errClosed("HasMany")
	}
	absent := hash.NewSet()
	for _, h := range hs {
		if _, ok := s.mu.chunks[h]; !ok {
			absent.Add(h)
		}
	}
	return absent, nil
}

// Put implements storage.ChunkStore. It copies c.Data.
func (s *Store) Put(ctx context.Context, c storage.Chunk) error {
	return s.PutMany(ctx, []storage.Chunk{c})
}

// PutMany implements storage.ChunkStore. It verifies every chunk before storing any, so a
// bad chunk stores nothing.
func (s *Store) PutMany(ctx context.Context, cs []storage.Chunk) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, c := range cs {
		if err := c.Verify(); err != nil {
			return fmt.Errorf("memstore: Put: %w", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.closed {
		return errClosed("Put")
	}
	s.putLocked(cs, true)
	return nil
}

// PutOwned is Put for a caller that hands a's bytes over: the store keeps the slice
// itself instead of a copy, and the caller must never modify it afterwards (prolly's
// NodeStore passes the bytes of immutable nodes). An Addressed chunk's address was
// computed from its bytes by storage.Address, so it is not hashed again.
func (s *Store) PutOwned(ctx context.Context, a storage.Addressed) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c := a.Chunk()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.closed {
		return errClosed("Put")
	}
	s.putLocked([]storage.Chunk{c}, false)
	return nil
}

func (s *Store) putLocked(cs []storage.Chunk, copyData bool) {
	for _, c := range cs {
		if _, ok := s.mu.chunks[c.Hash]; ok {
			continue
		}
		data := c.Data
		if copyData {
			data = clone(data)
		}
		s.mu.chunks[c.Hash] = data
		s.mu.chunkBytes += int64(len(c.Data))
	}
}

// Ref implements storage.RefStore.
func (s *Store) Ref(ctx context.Context, name string) (hash.Hash, bool, error) {
	if err := ctx.Err(); err != nil {
		return hash.Hash{}, false, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.mu.closed {
		return hash.Hash{}, false, errClosed("Ref")
	}
	h, ok := s.mu.refs[name]
	return h, ok, nil
}

// Refs implements storage.RefStore. The returned slice is owned by the caller.
func (s *Store) Refs(ctx context.Context, prefix string) ([]storage.Ref, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.mu.closed {
		return nil, errClosed("Refs")
	}
	var out []storage.Ref
	for name, h := range s.mu.refs {
		if strings.HasPrefix(name, prefix) {
			out = append(out, storage.Ref{Name: name, Hash: h})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Commit implements storage.RefStore: under the store's lock it checks every update's Old
// (ErrRefConflict), then every New (ErrMissingChunk), then stores chunks and applies every
// update; on any error it changes nothing.
func (s *Store) Commit(ctx context.Context, chunks []storage.Chunk, updates []storage.RefUpdate) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.ValidateUpdates(updates); err != nil {
		return fmt.Errorf("memstore: Commit: %w", err)
	}
	incoming := make(hash.Set, len(chunks))
	for _, c := range chunks {
		if err := c.Verify(); err != nil {
			return fmt.Errorf("memstore: Commit: %w", err)
		}
		incoming.Add(c.Hash)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.closed {
		return errClosed("Commit")
	}
	for _, u := range updates {
		cur := s.mu.refs[u.Name] // zero if absent
		if cur != u.Old {
			return fmt.Errorf("memstore: Commit: %w: ref %q holds %s, expected %s; reload the ref and retry",
				storage.ErrRefConflict, u.Name, describe(cur), describe(u.Old))
		}
	}
	for _, u := range updates {
		if u.New.IsEmpty() {
			continue
		}
		if _, ok := s.mu.chunks[u.New]; !ok && !incoming.Has(u.New) {
			return fmt.Errorf("memstore: Commit: %w: ref %q would point at %s, which was never Put nor passed to Commit",
				storage.ErrMissingChunk, u.Name, u.New)
		}
	}
	s.putLocked(chunks, true)
	for _, u := range updates {
		if u.New.IsEmpty() {
			delete(s.mu.refs, u.Name)
		} else {
			s.mu.refs[u.Name] = u.New
		}
	}
	s.mu.refGen++
	return nil
}

// RefGeneration implements storage.RefGenerations: it advances with every Commit that
// applies its updates, under the same lock, so never before they are visible.
func (s *Store) RefGeneration() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mu.refGen
}

// describe renders a ref value for error messages; the zero hash means "absent".
func describe(h hash.Hash) string {
	if h.IsEmpty() {
		return "nothing (absent)"
	}
	return h.String()
}

// Stats implements storage.StatsReporter. DiskBytes is always 0.
func (s *Store) Stats(ctx context.Context) (storage.Stats, error) {
	if err := ctx.Err(); err != nil {
		return storage.Stats{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.mu.closed {
		return storage.Stats{}, errClosed("Stats")
	}
	return storage.Stats{Chunks: int64(len(s.mu.chunks)), ChunkBytes: s.mu.chunkBytes}, nil
}

// Close implements storage.Store. It drops every chunk and ref. It is safe to call more
// than once.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mu.closed = true
	s.mu.chunks = nil
	s.mu.refs = nil
	return nil
}
