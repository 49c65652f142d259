package pebblestore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/cockroachdb/pebble/v2"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// getManyParallelMin is the smallest GetMany that is split across goroutines; below it
// the goroutine start-up costs more than the lookups.
const getManyParallelMin = 256

// buffer is a set of chunks Put but not yet written to Pebble.
type buffer struct {
	chunks map[hash.Hash][]byte
	bytes  int // sum of len(chunks[h])
}

func newBuffer() *buffer { return &buffer{chunks: make(map[hash.Hash][]byte)} }

// buffersLocked returns the live buffer followed by the frozen ones. s.mu must be held.
func (s *Store) buffersLocked() []*buffer {
	out := make([]*buffer, 0, 1+len(s.mu.frozen))
	return append(append(out, s.mu.live), s.mu.frozen...)
}

// buffered returns the buffered bytes of h (not a copy), if Put holds it in memory.
func (s *Store) buffered(h hash.Hash) ([]byte, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.bufferedLocked(h)
}

func (s *Store) bufferedLocked(h hash.Hash) ([]byte, bool) {
	if s.mu.live == nil { // closed
		return nil, false
	}
	if b, ok := s.mu.live.chunks[h]; ok {
		return b, true
	}
	for _, f := range s.mu.frozen {
		if b, ok := f.chunks[h]; ok {
			return b, true
		}
	}
	return nil, false
}

// dbGet returns a copy of chunk h from Pebble; ok is false if Pebble does not hold it.
func (s *Store) dbGet(h hash.Hash) (b []byte, ok bool, err error) {
	var key [chunkKeyLen]byte
	v, closer, err := s.db.Get(appendChunkKey(key[:0], h))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, s.readErr(err)
	}
	b = slices.Clone(v)
	if b == nil {
		b = []byte{}
	}
	return b, true, closer.Close()
}

// dbHas reports whether Pebble holds chunk h.
func (s *Store) dbHas(h hash.Hash) (bool, error) {
	var key [chunkKeyLen]byte
	_, closer, err := s.db.Get(appendChunkKey(key[:0], h))
	if errors.Is(err, pebble.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, s.readErr(err)
	}
	return true, closer.Close()
}

// readErr marks Pebble's corruption errors with storage.ErrCorrupt.
func (s *Store) readErr(err error) error {
	if pebble.IsCorruptionError(err) {
		return fmt.Errorf("%w: %w", storage.ErrCorrupt, err)
	}
	return err
}

// Get implements storage.ChunkStore. The returned slice is a fresh copy owned by the
// caller.
func (s *Store) Get(ctx context.Context, h hash.Hash) ([]byte, error) {
	if err := s.enter(ctx, "Get"); err != nil {
		return nil, err
	}
	defer s.life.RUnlock()
	if b, ok := s.buffered(h); ok {
		return slices.Clone(b), nil
	}
	b, ok, err := s.dbGet(h)
	if err != nil {
		return nil, fmt.Errorf("pebblestore: Get %s from %s: %w", h, s.dir, err)
	}
	if !ok {
		return nil, fmt.Errorf("pebblestore: Get %s from %s: %w", h, s.dir, storage.ErrNotFound)
	}
	return b, nil
}

// GetMany implements storage.ChunkStore. Duplicate hashes are looked up once. Lookups in
// Pebble run in key order; a large GetMany is split across up to GOMAXPROCS (at most 8)
// goroutines, which call found concurrently.
func (s *Store) GetMany(ctx context.Context, hs []hash.Hash, found func(storage.Chunk)) error {
	if err := s.enter(ctx, "GetMany"); err != nil {
		return err
	}
	defer s.life.RUnlock()

	var hits []storage.Chunk
	var rest []hash.Hash
	seen := make(hash.Set, len(hs))
	s.mu.RLock()
	for _, h := range hs {
		if seen.Has(h) {
			continue
		}
		seen.Add(h)
		if b, ok := s.bufferedLocked(h); ok {
			hits = append(hits, storage.Chunk{Hash: h, Data: slices.Clone(b)})
		} else {
			rest = append(rest, h)
		}
	}
	s.mu.RUnlock()
	for _, c := range hits {
		found(c)
	}
	slices.SortFunc(rest, hash.Hash.Compare)

	lookup := func(part []hash.Hash) error {
		for i, h := range part {
			if i%64 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			b, ok, err := s.dbGet(h)
			if err != nil {
				return fmt.Errorf("pebblestore: GetMany %s from %s: %w", h, s.dir, err)
			}
			if ok {
				found(storage.Chunk{Hash: h, Data: b})
			}
		}
		return nil
	}
	workers := min(runtime.GOMAXPROCS(0), 8, len(rest)/(getManyParallelMin/2))
	if len(rest) < getManyParallelMin || workers < 2 {
		return lookup(rest)
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	per := (len(rest) + workers - 1) / workers
	for w := 0; w < workers; w++ {
		part := rest[min(w*per, len(rest)):min((w+1)*per, len(rest))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = lookup(part)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Has implements storage.ChunkStore.
func (s *Store) Has(ctx context.Context, h hash.Hash) (bool, error) {
	if err := s.enter(ctx, "Has"); err != nil {
		return false, err
	}
	defer s.life.RUnlock()
	if _, ok := s.buffered(h); ok {
		return true, nil
	}
	ok, err := s.dbHas(h)
	if err != nil {
		return false, fmt.Errorf("pebblestore: Has %s in %s: %w", h, s.dir, err)
	}
	return ok, nil
}

// HasMany implements storage.ChunkStore. The returned set is owned by the caller.
func (s *Store) HasMany(ctx context.Context, hs []hash.Hash) (hash.Set, error) {
	if err := s.enter(ctx, "HasMany"); err != nil {
		return nil, err
	}
	defer s.life.RUnlock()
	absent := hash.NewSet()
	var rest []hash.Hash
	s.mu.RLock()
	for _, h := range hs {
		if _, ok := s.bufferedLocked(h); !ok {
			rest = append(rest, h)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(rest, hash.Hash.Compare)
	for i, h := range rest {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if i > 0 && rest[i-1] == h {
			continue
		}
		ok, err := s.dbHas(h)
		if err != nil {
			return nil, fmt.Errorf("pebblestore: HasMany %s in %s: %w", h, s.dir, err)
		}
		if !ok {
			absent.Add(h)
		}
	}
	return absent, nil
}

// Put implements storage.ChunkStore. It copies c.Data into the write buffer.
func (s *Store) Put(ctx context.Context, c storage.Chunk) error {
	return s.PutMany(ctx, []storage.Chunk{c})
}

// PutMany implements storage.ChunkStore. It verifies every chunk before buffering any, so
// a bad chunk buffers nothing. If the buffer passes Options.BufferBytes, PutMany spills
// it to Pebble unsynced before it returns (see Durability in the package doc).
func (s *Store) PutMany(ctx context.Context, cs []storage.Chunk) error {
	return s.putMany(ctx, cs, true)
}

// PutOwned is Put for a caller that hands a's bytes over: the store keeps the slice
// itself instead of a copy, and the caller must never modify it afterwards (prolly's
// NodeStore passes the bytes of immutable nodes). An Addressed chunk's address was
// computed from its bytes by storage.Address, so it is not hashed again (invariant
// "Content addressing").
func (s *Store) PutOwned(ctx context.Context, a storage.Addressed) error {
	return s.putMany(ctx, []storage.Chunk{a.Chunk()}, false)
}

// putMany buffers cs; copyData means cs are a Put's (verified and copied), otherwise
// the one Addressed chunk of a PutOwned (kept as it is).
func (s *Store) putMany(ctx context.Context, cs []storage.Chunk, copyData bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if copyData {
		for _, c := range cs {
			if err := c.Verify(); err != nil {
				return fmt.Errorf("pebblestore: Put into %s: %w", s.dir, err)
			}
		}
	}
	if err := s.enter(ctx, "Put"); err != nil {
		return err
	}
	defer s.life.RUnlock()
	s.mu.Lock()
	for _, c := range cs {
		if _, ok := s.bufferedLocked(c.Hash); ok {
			continue
		}
		data := c.Data
		if copyData {
			data = slices.Clone(data)
		}
		s.mu.live.chunks[c.Hash] = data
		s.mu.live.bytes += len(c.Data)
	}
	full := s.mu.live.bytes >= s.bufferBytes
	s.mu.Unlock()
	if full {
		return s.spill()
	}
	return nil
}

// freezeLocked moves the live buffer to the frozen list and returns it. s.mu must be held
// for writing.
func (s *Store) freezeLocked() *buffer {
	b := s.mu.live
	s.mu.frozen = append(s.mu.frozen, b)
	s.mu.live = newBuffer()
	return b
}

// thaw drops frozen buffer b, whose chunks are now visible in Pebble.
func (s *Store) thaw(b *buffer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mu.frozen = slices.DeleteFunc(s.mu.frozen, func(f *buffer) bool { return f == b })
}

// unfreeze returns frozen buffer b to the live buffer, after a write that never reached
// Pebble.
func (s *Store) unfreeze(b *buffer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mu.frozen = slices.DeleteFunc(s.mu.frozen, func(f *buffer) bool { return f == b })
	for h, data := range b.chunks {
		if _, ok := s.mu.live.chunks[h]; !ok {
			s.mu.live.chunks[h] = data
			s.mu.live.bytes += len(data)
		}
	}
}

// spill writes the live buffer to Pebble with pebble.NoSync, if it is still over the
// threshold once this goroutine holds writeMu (another may have spilled it already).
func (s *Store) spill() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.failure(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.mu.live == nil || s.mu.live.bytes < s.bufferBytes {
		s.mu.Unlock()
		return nil
	}
	buf := s.freezeLocked()
	s.mu.Unlock()

	b := s.db.NewBatchWithSize(buf.bytes + len(buf.chunks)*(chunkKeyLen+16))
	defer b.Close()
	var key [chunkKeyLen]byte
	for h, data := range buf.chunks {
		if err := b.Set(appendChunkKey(key[:0], h), data, nil); err != nil {
			s.unfreeze(buf) // nothing reached Pebble
			return fmt.Errorf("pebblestore: spilling the write buffer of %s: building the batch: %w", s.dir, err)
		}
	}
	if err := s.apply(b, pebble.NoSync); err != nil {
		return s.fail(fmt.Errorf("spilling %d buffered chunks (%d bytes) unsynced: %w", len(buf.chunks), buf.bytes, err))
	}
	s.thaw(buf)
	s.spills.Add(1)
	s.log.Debug("spilled write buffer", "chunks", len(buf.chunks), "bytes", buf.bytes)
	return nil
}
