// Package pebblestore is dsql's on-disk storage.Store: chunks, refs and store metadata in
// one Pebble database. It is the only package in dsql that imports Pebble.
//
// # Key layout
//
// Every key starts with a one-byte tag naming its keyspace; the rest is the key within it.
// The tags sort metadata, chunks and refs into separate contiguous ranges, so a prefix
// scan of one never touches another.
//
//	chunk:    +-----+----------------------+      value: the chunk's bytes, exactly as Put
//	          | 'c' | hash (20 bytes)      |             (Pebble compresses whole blocks;
//	          +-----+----------------------+              no per-chunk framing)
//
//	ref:      +-----+----------------------+      value: +----------------------+
//	          | 'r' | name (any bytes)     |             | hash (20 bytes)      |
//	          +-----+----------------------+             +----------------------+
//
//	metadata: +-----+----------------------+      value: depends on the name:
//	          | 'm' | name (ASCII)         |
//	          +-----+----------------------+
//	             "format-version"  ->  +----------------------------+
//	                                   | uvarint storage.FormatVersion |
//	                                   +----------------------------+
//
// A ref name is stored verbatim after the tag, so refs sort by name and Refs(prefix) is
// one bounded range scan. A ref is deleted by deleting its key; there is no tombstone
// value. Values of the wrong length are reported as storage.ErrCorrupt.
//
// # Invariants
//
//   - Content addressing: a key 'c'+h only ever holds bytes hashing to h. Put and
//     Commit verify every chunk (storage.Chunk.Verify) before it reaches the write
//     buffer; PutOwned (prolly's NodeStore, for node bytes that never change) takes a
//     storage.Addressed chunk, whose address only storage.Address can compute, and
//     keeps the caller's slice instead of a copy without hashing it a second time.
//   - Durability: Put only buffers a chunk in memory (readable at once by Get, GetMany,
//     Has, HasMany and Stats). Commit writes the whole buffer, the chunks passed to it and
//     the ref updates in ONE Pebble batch applied with pebble.Sync, so a ref is never
//     durable without the chunks it names. When the buffer passes Options.BufferBytes
//     (64 MiB by default) Put spills it to Pebble with pebble.NoSync to bound memory.
//     A spill is still durable by the next Commit: (1) Pebble appends every batch, synced
//     or not, to its write-ahead log in commit order; (2) spills and Commits are
//     serialised by one mutex, so a spill's record is in the log before any later
//     Commit's; (3) syncing the log file for a Commit syncs every byte before it, and
//     Pebble syncs a log file before it switches to the next one (DB.rotateWAL), so no
//     earlier record is left unsynced in an older file; (4) recovery replays the log in
//     order and stops at the first torn record, so it never keeps a later record while
//     dropping an earlier one. A crash before that Commit may lose the spill; the chunks
//     are then simply absent, and no ref names them. TestCrashRecovery checks exactly
//     this on Pebble's crash-clone filesystem, including crashes between a spill and the
//     next Commit.
//   - WAL in place: Pebble's write-ahead log files are kept filled with zeros up to
//     1 MiB past the last record (walFS), so a Commit's fdatasync writes data blocks
//     and, for all but about one Commit per MiB of log, no file metadata: measured
//     0.26 against 0.36 ms per 10 KiB commit on the dev VM (bench/commitfloor). Recovery reads the zeros
//     as the log's end, as it reads Pebble's own preallocated and recycled files;
//     TestWALZeroAhead and TestCrashRecovery check the files and the recovery.
//   - A failed sync is fatal, never retried: if a Commit's synced write fails (Pebble
//     reports WAL errors through Logger.Fatalf, which this package intercepts instead of
//     exiting), the store is marked failed and every later call returns an error
//     wrapping storage.ErrFailed and the cause. Close still releases the files; reopening
//     recovers the last acknowledged Commit (TestSyncFailureIsFatal, on errorfs). One
//     case is harsher: if the sync of the previous WAL fails while Pebble switches to a
//     new one, Pebble v2.1.7 panics and the process dies with "sync: unlock of unlocked
//     mutex", a fatal runtime error no recover can catch. Nothing acknowledged is lost;
//     reopening recovers it (TestWALRotationSyncFailure, in a child process).
//   - Compare-and-swap: Commit holds the store's write mutex while it reads each ref's
//     current value, compares it with the update's Old, checks that each non-zero New is
//     held (write buffer, the chunks argument, or the database) and applies the batch.
//     Conflicts are reported (storage.ErrRefConflict, naming the ref and both hashes)
//     before missing chunks (storage.ErrMissingChunk); on either, nothing is written.
//   - Ref cache: Ref and Commit's compare-and-swap read refs from an in-memory map
//     (refCache) that Commit updates after its batch is applied, so the ref read of every
//     SQL statement costs a map lookup instead of a Pebble Get (~9 us). It is exact, not
//     a hint, because every ref write goes through Commit and the directory lock (below)
//     keeps other writers out; a failed write empties it.
//   - Format version: the first synced batch of a new store records storage.FormatVersion
//     under 'm'+"format-version". Open refuses a store with a larger number with an error
//     wrapping storage.ErrNewerFormat that names both versions, and a non-empty database
//     without the marker with storage.ErrCorrupt.
//   - Single writer: Pebble's LOCK file (an fcntl F_SETLK write lock on DIR/LOCK) keeps a
//     second process or a second Store in the same process out; Open reports it as
//     storage.ErrInUse naming the directory. The kernel drops the lock when the process
//     dies, so a crash (even kill -9) leaves nothing to clean up by hand: the LOCK file
//     stays, but unlocked (TestLockReleasedWhenProcessDies).
//   - Testable I/O: every file the store touches (data, WAL, MANIFEST, OPTIONS, LOCK)
//     goes through Options.FS, Pebble's vfs.FS, so tests run on vfs.NewMem, on the
//     crash-clone filesystem (vfs.NewCrashableMem + CrashClone) and on errorfs.
//
// # Tuning (see Open and levelOptions)
//
// The workload is many point reads of ~4 KiB chunks under random keys (hashes) and bulk
// writes of new chunks; disk size matters. Choices, measured with BenchmarkCompression on
// 8,000 row-like 4 KiB chunks compacted to the bottom level (disk bytes per raw byte):
//
//	Pebble default (snappy, 4 KiB blocks)   0.58
//	zstd level 3, 4 KiB blocks              0.48
//	zstd level 3, 16 KiB blocks             0.41   <- chosen
//	zstd level 3, 32 KiB blocks             0.38
//	Dolt-style estimate (snappy per chunk)  0.56
//
// Hence:
//
//   - zstd level 3 data blocks on every level, L0 included: Pebble moves a file down
//     without rewriting it when nothing overlaps it (common after a bulk import), so a
//     faster codec on upper levels could stay on disk for good.
//   - 16 KiB data blocks: a block holds ~4 chunks, which zstd compresses together (28%
//     smaller than Dolt's per-chunk snappy estimate); an uncached point read
//     decompresses 16 KiB instead of 4 KiB, and a cached read costs the same. 32 KiB
//     would save another 6% of disk for slower uncached reads.
//   - A 10-bits-per-key bloom filter on every level (~1% false positives): a point
//     lookup skips every file that lacks the key, so Has of an absent chunk (HasMany
//     during writes) rarely reads a data block.
//   - Value separation (Pebble's blob files; valueSeparation): a chunk of 512 bytes or
//     more (a tree node; table, root and working-set chunks are smaller) is written
//     once, zstd-compressed, into a blob file when its memtable is flushed, and
//     compactions after that move only its key and a small reference. Chunk keys are
//     hashes, so every flushed file overlaps the whole bottom level and each compaction
//     used to recompress all the node bytes it touched: under sysbench's one-row writes
//     zstd was a quarter of the server's CPU. A point read follows the reference into the
//     blob file (one more block, cached like the others). Blob files whose values are
//     20% unreferenced (after a future garbage collection deletes chunks) are rewritten
//     once ten minutes old.
//   - A 64 MiB memtable, so bulk imports make few, large L0 files; Put's buffer spills
//     at 64 MiB (Options.BufferBytes) too, so memory stays bounded.
//   - A 256 MiB block cache by default (Options.CacheSize); Pebble's 8 MiB default is
//     too small for a database, and the cache fills lazily. ReleaseMemory empties it (an
//     idle server does, server/idle.go).
//
// Everything else keeps Pebble's defaults, including its own format (pebbleFormat).
package pebblestore
