package pebblestore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/dsqldb/dsql/storage"
)

// Defaults for Options fields left zero.
const (
	DefaultCacheSize   = 256 << 20 // block cache
	DefaultBufferBytes = 64 << 20  // Put buffer spill threshold
	memTableSize       = 64 << 20
	blockSize          = 16 << 10
	bloomBitsPerKey    = 10
	separateMinSize    = 512 // value separation (valueSeparation)
)

// pebbleFormat is the Pebble on-disk format a new store is created with (the newest in
// Pebble v2.1.7: columnar blocks, checksummed footers). Pebble ratchets older stores up
// to it on open. It is independent of storage.FormatVersion, which versions dsql's own
// key layout.
const pebbleFormat = pebble.FormatValueSeparation

// valueSeparation is the store's Pebble value-separation policy: a chunk of at least
// separateMinSize bytes is written once, at flush, into a blob file, and compactions move
// only its key and a reference to it. See "Tuning" in the package doc.
func valueSeparation() pebble.ValueSeparationPolicy {
	return pebble.ValueSeparationPolicy{
		Enabled:               true,
		MinimumSize:           separateMinSize,
		MaxBlobReferenceDepth: 10,
		RewriteMinimumAge:     10 * time.Minute,
		TargetGarbageRatio:    0.2,
	}
}

// Options configure Open. The zero value is valid: the operating system's filesystem and
// defaults for every size. Open copies Options; FS and Logger must stay usable until the
// Store is closed. An Options value is not mutated and may be shared between goroutines.
type Options struct {
	// FS is the filesystem every file of the store goes through (data, WAL, MANIFEST,
	// LOCK). Nil means vfs.Default, the operating system's. Tests pass vfs.NewMem(),
	// vfs.NewCrashableMem() or an errorfs wrapper.
	FS vfs.FS
	// CacheSize is the block cache size in bytes; 0 means DefaultCacheSize. The cache is
	// filled lazily, so a large value costs nothing until data is read.
	CacheSize int64
	// BufferBytes is how many bytes of chunks Put buffers in memory before it spills
	// them to Pebble unsynced; 0 means DefaultBufferBytes.
	BufferBytes int
	// Logger receives Pebble's log lines (Info as Debug) and this package's errors. Nil
	// means slog.Default().
	Logger *slog.Logger
	// AppendWAL leaves Pebble's write-ahead log files as Pebble lays them out (appended
	// to, without walFS's zeros ahead: see invariant "WAL in place" in the package doc).
	// Only bench/commitfloor sets it, to measure what walFS saves.
	AppendWAL bool

	// compression, if set, replaces the data-block compression of every level; used
	// by the disk-size benchmark only.
	compression *sstable.CompressionProfile
	// blockSize, if set, replaces blockSize; used by the disk-size benchmark only.
	blockSize int
	// inlineValues, if set, keeps every chunk's bytes in the sstables beside its key
	// (no value separation); benchmarks set it to measure what separation saves.
	inlineValues bool
	// memTableSize, if set, replaces memTableSize; crash tests shrink it so that
	// flushes and WAL rotations happen on little data.
	memTableSize uint64
}

// Store is a storage.Store on a Pebble database in one directory.
//
// It is safe for use by many goroutines. The caller of Open owns it and must Close it;
// Close waits for calls in progress. Slices returned by Get and passed to GetMany's
// callback are fresh copies owned by the caller; the store never touches them again.
type Store struct {
	dir         string
	fs          vfs.FS // Options.FS (walFS not included)
	db          *pebble.DB
	cache       *pebble.Cache // the block cache (ReleaseMemory); Open's reference, dropped by Close
	lock        *pebble.Lock
	log         *slog.Logger
	bufferBytes int

	// failed holds the error that made the store unusable (a failed sync, a fatal
	// Pebble error); nil while healthy. Set once, by fail.
	failed atomic.Pointer[error]
	// spills counts buffer spills, for tests.
	spills atomic.Int64

	// life is held for reading by every call for its whole duration and for writing by
	// Close, so Close never closes the database under a call in progress.
	life struct {
		sync.RWMutex
		closed bool
	}

	// refs caches ref values (see refCache); Commit keeps it exact.
	refs refCache

	// writeMu serialises everything that writes chunks or refs to Pebble: Commit and
	// buffer spills. Holding it, a Commit's ref reads cannot go stale and every spill
	// is in the WAL before the next Commit's batch. Lock order: life, writeMu, mu.
	writeMu sync.Mutex

	// mu guards the write buffer.
	mu struct {
		sync.RWMutex
		// live holds chunks Put since the last spill or Commit; nil after Close.
		live *buffer
		// frozen holds buffers being written to Pebble by a spill or Commit; they stay
		// readable here until the write is visible in Pebble.
		frozen []*buffer
	}
}

var (
	_ storage.Store          = (*Store)(nil)
	_ storage.StatsReporter  = (*Store)(nil)
	_ storage.RefGenerations = (*Store)(nil)
)

// Open opens the store in dir, creating the directory and an empty store if there is
// none. It fails with an error wrapping storage.ErrInUse if another Store (in this or
// another process) has dir open, storage.ErrNewerFormat if the store was written by a
// newer dsql, and storage.ErrCorrupt if dir holds a database without dsql's format marker.
func Open(dir string, opts Options) (*Store, error) {
	if opts.FS == nil {
		opts.FS = vfs.Default
	}
	if opts.CacheSize <= 0 {
		opts.CacheSize = DefaultCacheSize
	}
	if opts.BufferBytes <= 0 {
		opts.BufferBytes = DefaultBufferBytes
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Store{dir: dir, fs: opts.FS, log: opts.Logger.With("store", dir), bufferBytes: opts.BufferBytes}
	s.mu.live = newBuffer()

	if err := opts.FS.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("pebblestore: open %s: creating the directory: %w", dir, err)
	}
	lock, err := pebble.LockDirectory(dir, opts.FS)
	if err != nil {
		if isLockHeld(err) {
			return nil, fmt.Errorf("pebblestore: open %s: %w: another dsql process (or another open of this store in this process) holds %s; stop it or use another directory",
				dir, storage.ErrInUse, opts.FS.PathJoin(dir, "LOCK"))
		}
		return nil, fmt.Errorf("pebblestore: open %s: locking the directory: %w", dir, err)
	}
	s.lock = lock

	mts := uint64(memTableSize)
	if opts.memTableSize > 0 {
		mts = opts.memTableSize
	}
	fs := opts.FS
	if !opts.AppendWAL {
		fs = walFS{fs}
	}
	s.cache = pebble.NewCache(opts.CacheSize)
	po := &pebble.Options{
		FS:                 fs,
		Lock:               lock,
		Cache:              s.cache,
		MemTableSize:       mts,
		FormatMajorVersion: pebbleFormat,
		Logger:             pebbleLogger{s},
		EventListener: &pebble.EventListener{
			BackgroundError: func(err error) {
				s.log.Warn("pebble background error (Pebble retries it)", "err", err)
			},
			DataCorruption: func(info pebble.DataCorruptionInfo) {
				s.fail(fmt.Errorf("%w: pebble found corruption in %s: %v", storage.ErrCorrupt, info.Path, info.Details))
			},
		},
	}
	if !opts.inlineValues {
		po.Experimental.ValueSeparationPolicy = valueSeparation
	}
	for i := range po.Levels {
		po.Levels[i] = levelOptions(opts)
	}
	db, err := pebble.Open(dir, po)
	if err != nil {
		s.cache.Unref()
		_ = lock.Close()
		return nil, fmt.Errorf("pebblestore: open %s: %w", dir, err)
	}
	s.db = db
	if err := s.checkFormat(); err != nil {
		_ = db.Close()
		s.cache.Unref()
		_ = lock.Close()
		return nil, fmt.Errorf("pebblestore: open %s: %w", dir, err)
	}
	return s, nil
}

// ReleaseMemory empties the block cache (it refills as blocks are read again), so that
// an idle process can hand the memory back (server/idle.go).
func (s *Store) ReleaseMemory() {
	s.life.Lock()
	defer s.life.Unlock()
	if s.life.closed {
		return
	}
	s.cache.Reserve(int(s.cache.MaxSize()))()
}

// levelOptions returns the options of every LSM level. See "Tuning" in the package doc.
func levelOptions(opts Options) pebble.LevelOptions {
	// zstd level 3 on every level, L0 included: Pebble moves a file down without
	// rewriting it when nothing overlaps it (common after a bulk import), so a faster
	// codec on upper levels can stay on disk for good.
	comp := sstable.ZstdCompression
	if opts.compression != nil {
		comp = opts.compression
	}
	bs := blockSize
	if opts.blockSize > 0 {
		bs = opts.blockSize
	}
	return pebble.LevelOptions{
		BlockSize:    bs,
		FilterPolicy: bloom.FilterPolicy(bloomBitsPerKey),
		FilterType:   pebble.TableFilter,
		Compression:  func() *sstable.CompressionProfile { return comp },
	}
}

// isLockHeld reports whether err from pebble.LockDirectory means someone else holds the
// lock, as opposed to an I/O error creating the LOCK file. fcntl(F_SETLK) fails with
// EAGAIN or EACCES (a bare errno; os.Create errors are *fs.PathError), vfs.MemFS returns
// EAGAIN, and vfs.Default refuses a second lock in the same process with its own message.
func isLockHeld(err error) bool {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return false
	}
	if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES) {
		return true
	}
	return strings.Contains(err.Error(), "lock held by current process")
}

// checkFormat reads the format-version marker, writing it (synced) into a new store.
func (s *Store) checkFormat() error {
	v, closer, err := s.db.Get(metaKey(metaFormatVersion))
	switch {
	case errors.Is(err, pebble.ErrNotFound):
		empty, err := s.isEmpty()
		if err != nil {
			return err
		}
		if !empty {
			return fmt.Errorf("%w: the database has data but no %q marker; it was not written by dsql or is damaged (restore it from a backup)",
				storage.ErrCorrupt, metaFormatVersion)
		}
		b := s.db.NewBatch()
		defer b.Close()
		if err := b.Set(metaKey(metaFormatVersion), encodeFormatVersion(storage.FormatVersion), nil); err != nil {
			return err
		}
		if err := b.Commit(pebble.Sync); err != nil {
			return fmt.Errorf("writing the format version marker: %w", err)
		}
		return s.failure()
	case err != nil:
		return fmt.Errorf("reading the format version marker: %w", err)
	}
	version, derr := decodeFormatVersion(v)
	_ = closer.Close()
	if derr != nil {
		return derr
	}
	if version > storage.FormatVersion {
		return fmt.Errorf("%w: found format version %d, this build of dsql supports format version %d; upgrade dsql to open this store",
			storage.ErrNewerFormat, version, storage.FormatVersion)
	}
	return nil
}

// isEmpty reports whether the database holds no key at all.
func (s *Store) isEmpty() (bool, error) {
	it, err := s.db.NewIter(nil)
	if err != nil {
		return false, err
	}
	found := it.First()
	if err := firstErr(it.Error(), it.Close()); err != nil {
		return false, err
	}
	return !found, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// fail marks the store failed with cause (the first cause wins) and returns the error
// every later call gets.
func (s *Store) fail(cause error) error {
	err := fmt.Errorf("pebblestore: store at %s: %w after an unrecoverable error; it refuses every call: Close it and reopen to continue from the last acknowledged Commit: %w",
		s.dir, storage.ErrFailed, cause)
	if s.failed.CompareAndSwap(nil, &err) {
		s.log.Error("store failed", "err", cause)
	}
	return *s.failed.Load()
}

// failure returns the error that made the store unusable, or nil.
func (s *Store) failure() error {
	if p := s.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// enter starts a call: it takes life for reading and fails if the store is closed or
// failed. On nil, the caller must call s.life.RUnlock when done.
func (s *Store) enter(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.life.RLock()
	if s.life.closed {
		s.life.RUnlock()
		return fmt.Errorf("pebblestore: %s on %s: %w", op, s.dir, storage.ErrClosed)
	}
	if err := s.failure(); err != nil {
		s.life.RUnlock()
		return err
	}
	return nil
}

// Close implements storage.Store. It waits for calls in progress, drops the write buffer
// (spilled chunks may survive as unreferenced garbage), closes Pebble and releases the
// directory lock. It is safe to call more than once; only the first call does anything.
func (s *Store) Close() error {
	s.life.Lock()
	defer s.life.Unlock()
	if s.life.closed {
		return nil
	}
	s.life.closed = true
	s.mu.Lock()
	s.mu.live, s.mu.frozen = nil, nil
	s.mu.Unlock()
	err := s.db.Close()
	s.cache.Unref()
	if lerr := s.lock.Close(); err == nil {
		err = lerr
	}
	if err != nil {
		return fmt.Errorf("pebblestore: close %s: %w", s.dir, err)
	}
	return nil
}

// Stats implements storage.StatsReporter. It scans every chunk key (cost proportional to
// the store's size) and sums the sizes of the files in the store's directory for
// DiskBytes (tables, blob files, WAL, MANIFEST and OPTIONS files, including obsolete
// files not yet deleted; Pebble's own DiskSpaceUsage leaves blob files out).
func (s *Store) Stats(ctx context.Context) (storage.Stats, error) {
	if err := s.enter(ctx, "Stats"); err != nil {
		return storage.Stats{}, err
	}
	defer s.life.RUnlock()
	var st storage.Stats
	it, err := s.db.NewIterWithContext(ctx, &pebble.IterOptions{
		LowerBound: []byte{tagChunk},
		UpperBound: []byte{tagChunk + 1},
	})
	if err != nil {
		return st, fmt.Errorf("pebblestore: Stats on %s: %w", s.dir, err)
	}
	for ok := it.First(); ok; ok = it.Next() {
		if st.Chunks%4096 == 0 {
			if err := ctx.Err(); err != nil {
				_ = it.Close()
				return st, err
			}
		}
		v, err := it.ValueAndErr()
		if err != nil {
			_ = it.Close()
			return st, fmt.Errorf("pebblestore: Stats on %s: %w", s.dir, err)
		}
		st.Chunks++
		st.ChunkBytes += int64(len(v))
	}
	if err := firstErr(it.Error(), it.Close()); err != nil {
		return st, fmt.Errorf("pebblestore: Stats on %s: %w", s.dir, err)
	}
	// Buffered chunks that are not in Pebble yet.
	s.mu.RLock()
	var buffered []storage.Chunk
	for _, buf := range s.buffersLocked() {
		for h, b := range buf.chunks {
			buffered = append(buffered, storage.Chunk{Hash: h, Data: b})
		}
	}
	s.mu.RUnlock()
	for _, c := range buffered {
		ok, err := s.dbHas(c.Hash)
		if err != nil {
			return st, fmt.Errorf("pebblestore: Stats on %s: %w", s.dir, err)
		}
		if !ok {
			st.Chunks++
			st.ChunkBytes += int64(len(c.Data))
		}
	}
	n, err := s.diskBytes()
	if err != nil {
		return st, fmt.Errorf("pebblestore: Stats on %s: %w", s.dir, err)
	}
	st.DiskBytes = n
	return st, nil
}

// diskBytes is the sum of the sizes of the files in the store's directory.
func (s *Store) diskBytes() (int64, error) {
	names, err := s.fs.List(s.dir)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, name := range names {
		fi, err := s.fs.Stat(s.fs.PathJoin(s.dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted by Pebble meanwhile
		}
		if err != nil {
			return 0, err
		}
		if fi.Mode().IsRegular() {
			n += fi.Size()
		}
	}
	return n, nil
}

// apply commits batch b with o and returns its error or, if Pebble reported a fatal
// error through Logger.Fatalf meanwhile (a failed WAL sync: DB.Apply logs "fatal commit
// error" and returns nil), the store's failure.
func (s *Store) apply(b *pebble.Batch, o *pebble.WriteOptions) error {
	return firstErr(b.Commit(o), s.failure())
}

// pebbleLogger routes Pebble's logging to slog. Fatalf does not exit the process (Pebble's
// default does): it marks the store failed, and every caller that can be affected checks
// the mark after its Pebble call. Pebble reports a failed WAL sync on a Commit this way
// (DB.Apply logs "fatal commit error" and returns nil).
type pebbleLogger struct{ s *Store }

func (l pebbleLogger) Infof(format string, args ...any) {
	l.s.log.Debug("pebble: " + fmt.Sprintf(format, args...))
}

func (l pebbleLogger) Errorf(format string, args ...any) {
	l.s.log.Error("pebble: " + fmt.Sprintf(format, args...))
}

func (l pebbleLogger) Fatalf(format string, args ...any) {
	fe := &fatalError{msg: fmt.Sprintf(format, args...)}
	for _, a := range args {
		if err, ok := a.(error); ok { // keep the cause testable with errors.Is
			fe.cause = err
			break
		}
	}
	if !strings.HasPrefix(fe.msg, "pebble") {
		fe.msg = "pebble: " + fe.msg
	}
	l.s.fail(fe)
}

// fatalError is an error Pebble reported through Logger.Fatalf.
type fatalError struct {
	msg   string // the formatted message, which already includes cause's text
	cause error
}

func (e *fatalError) Error() string { return e.msg }
func (e *fatalError) Unwrap() error { return e.cause }

// Compact writes the memtables out and compacts the whole keyspace, so that the files on
// disk hold exactly the live data once (no WAL, no overlapping levels). It does not make
// buffered chunks durable (Commit does) and deletes nothing that is stored. It is for
// measurements and, later, for `dsql gc`; it can take seconds on a large store.
func (s *Store) Compact(ctx context.Context) error {
	if err := s.enter(ctx, "Compact"); err != nil {
		return err
	}
	defer s.life.RUnlock()
	if err := s.db.Flush(); err != nil {
		return fmt.Errorf("pebblestore: compact %s: flush: %w", s.dir, err)
	}
	if err := s.db.Compact(ctx, []byte{0}, []byte{0xff, 0xff}, true); err != nil {
		return fmt.Errorf("pebblestore: compact %s: %w", s.dir, err)
	}
	return nil
}
