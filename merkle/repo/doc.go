// Package repo is dsql's database model on top of prolly trees: a Table (schema, row map,
// index maps, auto-increment counter), a Root (every table of one database state plus its
// foreign keys), a Commit (a root with parents and metadata), a WorkingSet (the working and
// staged roots of a branch) and a Repo that reads them and moves refs.
//
// # Object graph
//
//	refs/heads/<b> ──► Commit ──► Root ──► Table ──► Schema
//	                     │          │        ├─────► rows: prolly tree (key = PK columns)
//	                     ▼ parents  │        └─────► one prolly tree per index
//	                   Commit ...   └─ foreign keys (inline)
//	refs/workingsets/heads/<b> ──► WorkingSet ──► working Root, staged Root
//	                                          └─► (merge state: merged Commit, pre-merge Root)
//
// Every object is a chunk. Prolly nodes are stored in prolly's format; every other chunk
// is one kind byte followed by a canonical body (encoding.go has the byte diagrams):
//
//	+------+-----------------------------------------+
//	| kind | body (fields in a fixed order, no tags) |
//	| 1 B  |                                         |
//	+------+-----------------------------------------+
//
// The kind bytes (0xC1..0xC5) are above every prolly node level (at most 64), so the first
// byte of any chunk tells a prolly node from a repo object.
//
// # Invariants
//
//   - Content addressing: every value has exactly one encoding (fields in a fixed order,
//     minimal varints, tables sorted by folded name, times stored to the microsecond) and
//     its hash is the hash of that encoding, so equal values have equal hashes; decoders
//     refuse any other byte string with storage.ErrCorrupt (they re-encode and compare).
//     TestGoldenHashes pins the empty Root and the initial commit.
//   - Immutability: Table, Root, Commit and WorkingSet are values. Their With*/Put*
//     methods return new values; nothing is changed in place, so a value may be shared
//     between goroutines freely. Slices returned by accessors must not be modified.
//   - Durability: a ref is only ever moved by one storage.Commit that also carries (or
//     follows the Put of) every chunk the new target reaches. Tables and Roots Put their
//     chunks when they are built (buffered, not yet durable); Commit and WorkingSet
//     chunks travel in the storage.Commit that moves their ref. A ref therefore never
//     names a chunk that is not durable (storage's referential integrity backs this up).
//   - Garbage: ChildHashes lists every hash any chunk kind references (prolly nodes
//     included), so a collector can mark from the refs without knowing schemas.
//     TestChildHashesReachability walks a repository from its refs with it.
//   - Compare-and-swap: UpdateWorkingSet (and later CommitWorkingSet) move refs with
//     storage's compare-and-swap; a concurrent change surfaces as ErrConflict and nothing
//     is lost.
//
// # Table names
//
// Table names are case-preserving and looked up case-insensitively, which is what
// go-mysql-server expects from a database (GetTableInsensitive) with MySQL's
// lower_case_table_names=0 reporting: "Foo" is stored and listed as "Foo", and "foo",
// "FOO" and "Foo" all find it; two tables whose names differ only in case cannot coexist.
// Names are folded with strings.ToLower; the Root keeps tables sorted by folded name.
//
// # Keyless tables
//
// A table with no primary key stores each distinct row once under a hash key with a
// count of duplicates (as Dolt does): KeyDesc is one Bytes field holding KeylessKey(row),
// the hash of the row's column tuple (built with ColumnsDesc), and ValueDesc is a Uint64
// count followed by every column. Diffs of keyless tables therefore compare whole rows.
//
// # Concurrency
//
// Repo is safe for concurrent use by many goroutines; all of its state is in the
// storage.Store (which the caller owns and closes after the Repo is no longer used).
// Values are immutable and safe to share.
package repo
