package pebblestore

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/cockroachdb/pebble/v2"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// refCache keeps the refs this store has read or written, so that the hot path of every
// SQL statement (its snapshot's ref read, the commit's compare-and-swap) does not go to
// Pebble. It is exact, not a hint: every ref write goes through Commit, which holds
// writeMu and updates the cache after its batch is visible; Pebble's directory lock keeps
// every other writer out. A reader that missed fills an entry only if no Commit updated
// the cache meanwhile (gen), so it never installs a value older than the last Commit's.
type refCache struct {
	mu      sync.RWMutex
	gen     uint64
	entries map[string]refEntry
}

// refEntry is a cached ref: its hash, or ok false for "absent".
type refEntry struct {
	h  hash.Hash
	ok bool
}

// maxCachedRefs bounds the cache; past it, reads of refs not cached go to Pebble (a
// repository with this many refs is read through Refs anyway).
const maxCachedRefs = 4096

func (c *refCache) get(name string) (refEntry, uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[name]
	return e, c.gen, ok
}

// fill caches e for name if no update happened since gen was read.
func (c *refCache) fill(name string, e refEntry, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || len(c.entries) >= maxCachedRefs {
		return
	}
	if c.entries == nil {
		c.entries = make(map[string]refEntry)
	}
	c.entries[name] = e
}

// update records the ref updates of an applied Commit.
func (c *refCache) update(updates []storage.RefUpdate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if c.entries == nil {
		c.entries = make(map[string]refEntry)
	}
	for _, u := range updates {
		c.entries[u.Name] = refEntry{h: u.New, ok: !u.New.IsEmpty()}
	}
}

// generation is the number of updates and resets so far (Store.RefGeneration).
func (c *refCache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// reset forgets every entry (after a failed write, whose effect is unknown).
func (c *refCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries = nil
}

// RefGeneration implements storage.RefGenerations: the ref cache's generation, which
// Commit advances after its updates are visible (refCache.update), or after a failed
// batch (refCache.reset).
func (s *Store) RefGeneration() uint64 { return s.refs.generation() }

// readRef returns the hash ref name holds, or the zero hash if it is absent: from the
// ref cache, else from Pebble (and then caches it).
func (s *Store) readRef(name string) (hash.Hash, bool, error) {
	e, gen, ok := s.refs.get(name)
	if ok {
		return e.h, e.ok, nil
	}
	h, found, err := s.dbReadRef(name)
	if err == nil {
		s.refs.fill(name, refEntry{h: h, ok: found}, gen)
	}
	return h, found, err
}

// dbReadRef returns the hash ref name holds in Pebble, or the zero hash if it is absent.
func (s *Store) dbReadRef(name string) (hash.Hash, bool, error) {
	v, closer, err := s.db.Get(refKey(name))
	if errors.Is(err, pebble.ErrNotFound) {
		return hash.Hash{}, false, nil
	}
	if err != nil {
		return hash.Hash{}, false, s.readErr(err)
	}
	h, derr := decodeRefValue(name, v)
	return h, derr == nil, firstErr(derr, closer.Close())
}

// Ref implements storage.RefStore.
func (s *Store) Ref(ctx context.Context, name string) (hash.Hash, bool, error) {
	if err := s.enter(ctx, "Ref"); err != nil {
		return hash.Hash{}, false, err
	}
	defer s.life.RUnlock()
	h, ok, err := s.readRef(name)
	if err != nil {
		return hash.Hash{}, false, fmt.Errorf("pebblestore: Ref %q in %s: %w", name, s.dir, err)
	}
	return h, ok, nil
}

// Refs implements storage.RefStore: one range scan over 'r'+prefix. The returned slice
// is owned by the caller.
func (s *Store) Refs(ctx context.Context, prefix string) ([]storage.Ref, error) {
	if err := s.enter(ctx, "Refs"); err != nil {
		return nil, err
	}
	defer s.life.RUnlock()
	lower := refKey(prefix)
	it, err := s.db.NewIterWithContext(ctx, &pebble.IterOptions{LowerBound: lower, UpperBound: prefixEnd(lower)})
	if err != nil {
		return nil, fmt.Errorf("pebblestore: Refs %q in %s: %w", prefix, s.dir, err)
	}
	var out []storage.Ref
	for ok := it.First(); ok; ok = it.Next() {
		name := string(it.Key()[1:])
		v, err := it.ValueAndErr()
		if err == nil {
			var h hash.Hash
			if h, err = decodeRefValue(name, v); err == nil {
				out = append(out, storage.Ref{Name: name, Hash: h})
				continue
			}
		}
		_ = it.Close()
		return nil, fmt.Errorf("pebblestore: Refs %q in %s: %w", prefix, s.dir, s.readErr(err))
	}
	if err := firstErr(it.Error(), it.Close()); err != nil {
		return nil, fmt.Errorf("pebblestore: Refs %q in %s: %w", prefix, s.dir, s.readErr(err))
	}
	return out, nil
}

// describe renders a ref value for error messages; the zero hash means "absent".
func describe(h hash.Hash) string {
	if h.IsEmpty() {
		return "nothing (absent)"
	}
	return h.String()
}

// Commit implements storage.RefStore. Holding the write mutex it checks every update's
// Old against Pebble, then every non-zero New against the write buffer, chunks and
// Pebble, then writes the whole write buffer, chunks and the ref sets and deletes in one
// batch applied with pebble.Sync. If that write fails the store is failed (see the
// package doc): the error wraps storage.ErrFailed and the cause, and no later call
// succeeds.
func (s *Store) Commit(ctx context.Context, chunks []storage.Chunk, updates []storage.RefUpdate) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.ValidateUpdates(updates); err != nil {
		return fmt.Errorf("pebblestore: Commit to %s: %w", s.dir, err)
	}
	incoming := make(hash.Set, len(chunks))
	for _, c := range chunks {
		if err := c.Verify(); err != nil {
			return fmt.Errorf("pebblestore: Commit to %s: %w", s.dir, err)
		}
		incoming.Add(c.Hash)
	}
	if err := s.enter(ctx, "Commit"); err != nil {
		return err
	}
	defer s.life.RUnlock()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.failure(); err != nil { // a Commit or spill we waited for failed
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	for _, u := range updates {
		cur, _, err := s.readRef(u.Name)
		if err != nil {
			return fmt.Errorf("pebblestore: Commit to %s: reading ref %q: %w", s.dir, u.Name, err)
		}
		if cur != u.Old {
			return fmt.Errorf("pebblestore: Commit to %s: %w: ref %q holds %s, expected %s; reload the ref and retry",
				s.dir, storage.ErrRefConflict, u.Name, describe(cur), describe(u.Old))
		}
	}
	for _, u := range updates {
		if u.New.IsEmpty() || incoming.Has(u.New) {
			continue
		}
		if _, ok := s.buffered(u.New); ok {
			continue
		}
		ok, err := s.dbHas(u.New)
		if err != nil {
			return fmt.Errorf("pebblestore: Commit to %s: checking chunk %s: %w", s.dir, u.New, err)
		}
		if !ok {
			return fmt.Errorf("pebblestore: Commit to %s: %w: ref %q would point at %s, which was never Put nor passed to Commit",
				s.dir, storage.ErrMissingChunk, u.Name, u.New)
		}
	}

	s.mu.Lock()
	buf := s.freezeLocked()
	s.mu.Unlock()
	size := buf.bytes + len(buf.chunks)*(chunkKeyLen+16)
	for _, c := range chunks {
		size += len(c.Data) + chunkKeyLen + 16
	}
	b := s.db.NewBatchWithSize(size)
	defer b.Close()
	var key [chunkKeyLen]byte
	var berr error
	for h, data := range buf.chunks {
		berr = firstErr(berr, b.Set(appendChunkKey(key[:0], h), data, nil))
	}
	for _, c := range chunks {
		if _, dup := buf.chunks[c.Hash]; !dup {
			berr = firstErr(berr, b.Set(appendChunkKey(key[:0], c.Hash), c.Data, nil))
		}
	}
	for _, u := range updates {
		if u.New.IsEmpty() {
			berr = firstErr(berr, b.Delete(refKey(u.Name), nil))
		} else {
			berr = firstErr(berr, b.Set(refKey(u.Name), u.New[:], nil))
		}
	}
	if b.Empty() {
		// Nothing new, but the caller asks that everything before is durable (an
		// earlier unsynced spill): a log-only record makes Pebble sync the WAL.
		berr = firstErr(berr, b.LogData(nil, nil))
	}
	if berr != nil {
		// Building a batch in memory does not fail in practice; if it does, nothing
		// was written, so the store stays usable.
		s.unfreeze(buf)
		return fmt.Errorf("pebblestore: Commit to %s: building the batch: %w", s.dir, berr)
	}
	// Pebble reports a failed WAL sync through Logger.Fatalf and then returns nil, so
	// apply checks the failure mark as well as the error.
	if err := s.apply(b, pebble.Sync); err != nil {
		s.refs.reset()
		return s.fail(fmt.Errorf("synced commit of %d chunks and %d ref updates: %w", len(buf.chunks)+len(chunks), len(updates), err))
	}
	s.refs.update(updates)
	s.thaw(buf)
	return nil
}
