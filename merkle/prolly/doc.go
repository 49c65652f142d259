// Package prolly implements dsql's prolly tree: a sorted map stored as a B-tree of
// content-addressed nodes whose shape depends only on its contents. Every table and index
// is one Map.
//
// # Pieces
//
//   - Node: an immutable decoded node (byte format below).
//   - NodeStore: reads and writes nodes through a storage.ChunkStore with a cache of decoded
//     nodes bounded in bytes; it counts reads and writes for tests and benchmarks. A node
//     the Editor or Builder writes is laid out from the lengths its writer kept, not
//     decoded again from the bytes just encoded (nodeWriter.node).
//   - Map: Get, Has, Count, Iter over a key Range (forward or reverse), IterOrdinal and
//     Ordinal (seek by position), Walk.
//   - Builder: builds a Map from a sorted stream, writing each node once (the import path).
//   - Editor: buffers puts and deletes; Flush re-chunks only the affected regions,
//     copying the unchanged entries of a rewritten node as byte runs wherever the split
//     rule is known to decide them as it did before (see rechunker.existing).
//   - DiffMaps / DiffIter: streams Added/Removed/Modified entries between two maps.
//   - Merge: three-way merge with a CollisionFunc for keys changed on both sides;
//     MergeEdit leaves the result in an Editor and reports every change it makes
//     (callers keep derived maps, such as secondary indexes, in step without a diff).
//
// # Invariants
//
//   - Content addressing: a node is stored under hash.Of(its bytes). The encoding of a node
//     is a pure function of its entries, and the set of nodes a Map consists of is a pure
//     function of its entries (next invariant), so two maps hold equal entries if and only
//     if their root hashes are equal. TestGoldenRootHash pins the format.
//   - History independence: the same entries produce the same tree whatever order or
//     batching of edits produced them. Each level is cut into nodes by the split rule
//     (splitter.go), which looks only at the entries since the previous boundary: the
//     key's hash (salted per level) and the running encoded size. The root is the lowest
//     level holding a single node. The Editor reproduces exactly what the Builder would
//     build (TestHistoryIndependence checks thousands of random cases).
//   - Node sizes: leaves and internal nodes aim at TargetNodeSize (4 KiB); no node ends
//     below MinNodeSize except the last of a level; a node is forced to end once its entries
//     reach ForceNodeSize, so it is never larger than ForceNodeSize plus one entry
//     (MaxNodeSize overall, as entries are limited to MaxEntrySize).
//   - Structural sharing: an edit of k entries rewrites only the nodes on the paths to them
//     (plus, where a boundary moves, a neighbour until the chunking resynchronises), about
//     k x height nodes; all other nodes are shared with the previous version. DiffMaps and
//     Merge skip subtrees whose hashes are equal, so their cost follows the size of the
//     change, not of the map.
//   - Immutability: Node and Map values never change. Byte slices returned by them alias
//     node bytes and stay valid forever; callers must not modify them.
//   - Stability: the key order (Compare) is part of the stored data. A map must always be
//     read with the order it was written with; changing an order or the split rule needs a
//     new storage.FormatVersion.
//
// # Node byte format
//
//	+-------+---------+-------------------+-------------------+------------------+------------------+
//	| level | n       | key lengths       | value lengths     | keys             | values           |
//	| 1 B   | uvarint | n uvarints        | n uvarints        | k0 k1 ... k(n-1) | v0 v1 ... v(n-1) |
//	+-------+---------+-------------------+-------------------+------------------+------------------+
//
// Level 0 nodes are leaves and their values are the map's values. Internal node entry i
// describes child i: its key is the child's greatest key, its value the child's hash
// followed by the number of leaf entries beneath it:
//
//	+-------------------+---------------------------+
//	| child hash (20 B) | subtree count (uvarint)   |
//	+-------------------+---------------------------+
//
// The counts make Count O(1) and seek by ordinal one descent. The empty map is the single
// empty leaf; no other node is empty.
//
// # Garbage collection
//
// A tree's live chunks are its root and, recursively, the child hashes in the values of
// internal nodes (Node.Children); leaf values are opaque to this package. A layer that
// stores out-of-line chunks from leaf values (large TEXT/BLOB values, later) must expose
// them to the collector the same way. Map.Walk visits every node of a tree once.
//
// # Concurrency
//
// Map, Node and NodeStore are safe for concurrent use. Builder, Editor, Iter and DiffIter
// are not: each belongs to one goroutine.
package prolly
