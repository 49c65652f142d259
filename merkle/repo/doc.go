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
//	refs/tags/<t> ──► Commit (lightweight) or Tag ──► Commit (annotated)
//	refs/internal/HEAD ──► head chunk: the checked-out branch's name
//	refs/internal/config ──► config chunk: repository-local settings
//
// Every object is a chunk. Prolly nodes are stored in prolly's format; every other chunk
// is one kind byte followed by a canonical body (encoding.go has the byte diagrams):
//
//	+------+-----------------------------------------+
//	| kind | body (fields in a fixed order, no tags) |
//	| 1 B  |                                         |
//	+------+-----------------------------------------+
//
// The kind bytes (0xC1..0xC8) are above every prolly node level (at most 64), so the first
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
//   - Compare-and-swap: every ref change (UpdateWorkingSet, CommitWorkingSet, branch,
//     tag, HEAD and config changes) is a storage compare-and-swap of the values the
//     operation read; a concurrent change surfaces as ErrConflict and nothing is lost.
//     Operations that are safe to redo from a fresh read (SetHead, UpdateConfig,
//     CopyBranch, RenameBranch) retry by themselves; the others leave it to the caller.
//   - Branch atomicity: a branch's head ref and working-set ref are created, moved,
//     renamed and deleted together, in one storage.Commit (CommitWorkingSet, CreateBranch,
//     RenameBranch, CopyBranch, DeleteBranch), so neither exists without the other.
//   - HEAD names a branch that exists: Init records it, SetHead checks the branch in the
//     same compare-and-swap, RenameBranch moves it along and DeleteBranch refuses its
//     branch (ErrCurrentBranch). Repositories made before HEAD was recorded read as
//     DefaultBranch (else the first branch) until a branch operation pins it.
//   - History order: a commit is higher than each of its parents, so Log's order (height
//     descending, then committer time descending, then hash) lists every commit before its
//     parents, and walks that stop at a height (Log, IsAncestor, MergeBase) read only the
//     commits they return or step over.
//
// # Revisions
//
// ResolveCommit reads git's revision syntax: a base (HEAD, a branch, a tag, a commit hash
// or a unique prefix of at least MinHashPrefix characters), looked up in that order,
// followed by ~N (N first-parent steps) and ^N (the Nth parent) steps.
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
