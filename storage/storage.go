// Package storage defines where dsql keeps its bytes: a content-addressed ChunkStore and a
// RefStore of named pointers into it. Implementations live in pebblestore (on disk, the only
// package that imports Pebble) and memstore (in memory, for tests and scratch work); both
// pass the conformance suite in storetest.
//
// # Invariants
//
//   - Content addressing: a chunk is stored under hash.Of(its bytes). Put of the same bytes
//     twice is a no-op; Get returns exactly the bytes that were Put.
//   - Durability: a ref never names a chunk that is not durable. Put only buffers a chunk
//     (it is readable at once through the same store, but may be lost in a crash). Commit
//     writes every buffered chunk, the chunks passed to it and the ref updates in one synced
//     batch, so after Commit returns nil all of them survive a crash or power loss, and if
//     Commit returns an error none of the ref updates happened. A failed sync is fatal for
//     the store, never retried: every later call fails with an error wrapping ErrFailed and
//     the cause (Close still releases the files), and reopening shows the last state that
//     a Commit acknowledged.
//   - Compare-and-swap: Commit applies all of its ref updates or none. Each update names the
//     hash it expects the ref to hold now (the zero hash for "must not exist"); if any ref
//     differs, Commit returns ErrRefConflict and changes nothing. Two writers therefore never
//     lose each other's updates.
//   - Referential integrity: Commit refuses (with ErrMissingChunk) to point a ref at a chunk
//     that the store does not hold.
//   - Format version: a store records the on-disk format version it was created with and
//     refuses to open a newer one (ErrNewerFormat) instead of misreading it.
//
// # Garbage collection (design contract for every layer above)
//
// Chunks are never deleted by normal operation; writes that become unreachable (an aborted
// import, an uncommitted working set that was replaced, a deleted branch) are garbage. The
// collector, when it lands, will mark every chunk reachable from (1) every ref in the
// RefStore (branches, tags, working sets, remotes, internal refs),
// and (2) every root held in memory by an open session or transaction, which those sessions
// register with the store for as long as they hold them; it then deletes every unmarked
// chunk. To be safe under that collector, every layer must:
//
//   - reach every chunk it needs from a ref or a registered root: a chunk reachable only
//     from a Go variable may be collected;
//   - encode child addresses so the collector can find them without knowing the schema:
//     each chunk kind (prolly node, commit, root, ...) documents where its child hashes are,
//     and its decoder exposes them (prolly nodes: the values of internal nodes);
//   - publish new chunks and the refs that reach them with one Commit, never a ref first.
//
// Chunks written after the mark phase began are kept (the collector treats the write
// buffer and writes during collection as live), so collection can run with sessions open.
package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/dsqldb/dsql/merkle/hash"
)

// FormatVersion is the on-disk format this build writes. Stores with a larger number are
// refused with ErrNewerFormat.
const FormatVersion = 1

// Sentinel errors. Implementations wrap them with %w and context; test with errors.Is.
var (
	ErrNotFound     = errors.New("storage: chunk not found")
	ErrRefConflict  = errors.New("storage: ref changed concurrently")
	ErrMissingChunk = errors.New("storage: ref target chunk not in store")
	ErrNewerFormat  = errors.New("storage: store was written by a newer dsql format")
	ErrClosed       = errors.New("storage: store is closed")
	ErrInUse        = errors.New("storage: store is in use by another process")
	// ErrFailed marks a store that hit an unrecoverable I/O error (a failed sync): the
	// error also wraps the cause. Close the store and reopen it to continue from the last
	// acknowledged Commit.
	ErrFailed = errors.New("storage: store failed")
	// ErrInvalid marks a malformed argument (an empty ref name, the same ref twice in one
	// Commit): a bug in the caller, not a property of the data.
	ErrInvalid = errors.New("storage: invalid argument")
	// ErrCorrupt marks data that fails a check (a chunk whose bytes do not match its hash,
	// an undecodable record). It is never retried.
	ErrCorrupt = errors.New("storage: corrupt data")
)

// Chunk is an immutable blob of bytes and its content address.
type Chunk struct {
	Hash hash.Hash
	Data []byte
}

// NewChunk returns the Chunk holding data, computing its address. The Chunk aliases data;
// callers must not modify data afterwards.
func NewChunk(data []byte) Chunk { return Chunk{Hash: hash.Of(data), Data: data} }

// Addressed is a chunk whose address Address computed from its bytes. Its fields are
// unexported, so no other package can make one that names other bytes: a store can keep
// an Addressed chunk without hashing it again (PutOwned), and the content-addressing
// check of Verify holds by construction. The bytes are the caller's; like NewChunk's,
// they must not be modified afterwards.
type Addressed struct{ c Chunk }

// Address returns data as an Addressed chunk, computing its address once.
func Address(data []byte) Addressed { return Addressed{NewChunk(data)} }

// Hash returns a's address.
func (a Addressed) Hash() hash.Hash { return a.c.Hash }

// Chunk returns a as a Chunk (aliasing its bytes).
func (a Addressed) Chunk() Chunk { return a.c }

// Verify returns an error wrapping ErrCorrupt if c.Hash is not hash.Of(c.Data). Stores
// call it on every chunk they are given, so a chunk can never be stored under a wrong
// address.
func (c Chunk) Verify() error {
	if got := hash.Of(c.Data); got != c.Hash {
		return fmt.Errorf("%w: chunk claims address %s but its %d bytes hash to %s (the caller built the Chunk wrongly or modified Data after NewChunk)",
			ErrCorrupt, c.Hash, len(c.Data), got)
	}
	return nil
}

// ChunkStore stores and retrieves chunks by content address.
//
// Implementations are safe for use by many goroutines. Byte slices returned by Get and
// passed to GetMany's callback are owned by the caller and stay valid forever (they are
// never reused by the store); callers must not modify them.
type ChunkStore interface {
	// Get returns the bytes of the chunk h, or an error wrapping ErrNotFound.
	Get(ctx context.Context, h hash.Hash) ([]byte, error)
	// GetMany calls found for every chunk in hs that the store holds, in any order and
	// possibly from several goroutines at once; absent chunks are skipped. found must not
	// call back into the store.
	GetMany(ctx context.Context, hs []hash.Hash, found func(Chunk)) error
	// Has reports whether the store holds chunk h.
	Has(ctx context.Context, h hash.Hash) (bool, error)
	// HasMany returns the subset of hs that the store does not hold.
	HasMany(ctx context.Context, hs []hash.Hash) (absent hash.Set, err error)
	// Put buffers c for writing. The chunk is readable at once but not durable until the
	// next Commit (or until the store decides to spill its buffer, which is never synced
	// on its own). c.Hash must equal hash.Of(c.Data), else Put returns an error
	// wrapping ErrCorrupt and stores nothing. Put copies c.Data if it keeps it.
	Put(ctx context.Context, c Chunk) error
	// PutMany is Put for several chunks.
	PutMany(ctx context.Context, cs []Chunk) error
}

// Ref is a named pointer to a chunk.
type Ref struct {
	Name string
	Hash hash.Hash
}

// RefUpdate is one compare-and-swap in a Commit: the ref Name must hold Old (the zero hash:
// must not exist); afterwards it holds New (the zero hash: it is deleted).
type RefUpdate struct {
	Name string
	Old  hash.Hash
	New  hash.Hash
}

// ValidateUpdates checks the shape of a Commit's updates: every name is non-empty and no
// name appears twice. It returns an error wrapping ErrInvalid otherwise. Stores call it
// before looking at any ref.
func ValidateUpdates(updates []RefUpdate) error {
	seen := make(map[string]struct{}, len(updates))
	for i, u := range updates {
		if u.Name == "" {
			return fmt.Errorf("%w: ref update %d has an empty name", ErrInvalid, i)
		}
		if _, dup := seen[u.Name]; dup {
			return fmt.Errorf("%w: ref %q is updated twice in one Commit; merge the updates into one", ErrInvalid, u.Name)
		}
		seen[u.Name] = struct{}{}
	}
	return nil
}

// RefStore reads and atomically updates refs. Safe for use by many goroutines.
type RefStore interface {
	// Ref returns the hash the ref holds and whether it exists.
	Ref(ctx context.Context, name string) (h hash.Hash, ok bool, err error)
	// Refs lists every ref whose name starts with prefix, sorted by name.
	Refs(ctx context.Context, prefix string) ([]Ref, error)
	// Commit writes the buffered chunks, chunks and every update in one synced atomic
	// batch, or returns an error and applies none of the updates (ErrRefConflict if any
	// update's Old did not match; ErrMissingChunk if a New hash is not stored, in the
	// store or in chunks; ErrCorrupt if a chunk's hash is wrong; ErrInvalid if an update
	// has an empty name or a ref is named twice). Commit with no updates makes the
	// buffered chunks and chunks durable.
	Commit(ctx context.Context, chunks []Chunk, updates []RefUpdate) error
}

// Store is a ChunkStore and RefStore over one repository's data. Close releases it;
// after Close every method returns ErrClosed.
type Store interface {
	ChunkStore
	RefStore
	// Close commits nothing: buffered chunks may be dropped (a persistent store may also
	// keep some, unreferenced, as garbage). It releases files and locks and waits for
	// calls in progress to finish. It is safe to call more than once.
	Close() error
}

// Stats is a point-in-time description of a store, for tests and benchmarks.
type Stats struct {
	Chunks     int64 // chunks stored (committed or buffered)
	ChunkBytes int64 // sum of their sizes before compression
	DiskBytes  int64 // bytes the store occupies on disk (0 for memory stores)
}

// RefGenerations is implemented by stores that number their ref changes, so that a
// reader can tell cheaply that no ref changed since it last read them (a session's
// transaction snapshots reuse their working sets so: sql/session). RefGeneration
// returns a number that changes after every Commit's ref updates are visible to Ref
// (and after a failed Commit), never before: a reader that reads generation g and then
// refs holds values at least as new as every Commit that had changed the generation
// when g was read, and a later RefGeneration that still returns g means no Commit has
// finished since.
type RefGenerations interface {
	RefGeneration() uint64
}

// StatsReporter is implemented by stores that can describe themselves.
type StatsReporter interface {
	Stats(ctx context.Context) (Stats, error)
}
