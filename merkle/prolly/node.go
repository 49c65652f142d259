package prolly

import (
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// Node byte format (also in the package doc):
//
//	+-------+---------+-------------------+-------------------+------------------+------------------+
//	| level | n       | key lengths       | value lengths     | keys             | values           |
//	| 1 B   | uvarint | n uvarints        | n uvarints        | k0 k1 ... k(n-1) | v0 v1 ... v(n-1) |
//	+-------+---------+-------------------+-------------------+------------------+------------------+
//
// Keys are stored together so a binary search touches only them. level 0 is a leaf: its
// values are the map's values. In an internal node (level > 0) entry i describes child i:
// the key is the child's last (greatest) key and the value is
//
//	+-------------------+------------------------------+
//	| child hash (20 B) | subtree entry count, uvarint |
//	+-------------------+------------------------------+
//
// An empty map is the single empty leaf {level 0, n 0}. No other node is empty.

// Node is a decoded, immutable tree node. It is safe to share between goroutines; the byte
// slices it returns alias its data and stay valid for the life of the process.
type Node struct {
	data  []byte
	hash  hash.Hash
	level int
	n     int
	keys  section
	vals  section
	// cum[i] is the number of leaf entries in children 0..i (internal nodes only).
	cum []uint64
}

// section locates n variable-length items in data. When every item has the same length,
// ends is nil and item i is at start + i*width (most keys are fixed-width integers, so a
// search then reads only the keys themselves).
type section struct {
	start uint32
	width uint32
	ends  []uint32
}

func (s *section) bounds(i int) (uint32, uint32) {
	if s.ends == nil {
		b := s.start + uint32(i)*s.width
		return b, b + s.width
	}
	if i == 0 {
		return s.start, s.ends[0]
	}
	return s.ends[i-1], s.ends[i]
}

// maxLevel bounds tree height; with >=2 entries per internal node that is far beyond any map.
const maxLevel = 64

// decodeNode parses data (which it keeps, not copies) into a Node.
func decodeNode(h hash.Hash, data []byte) (*Node, error) {
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("%w: prolly node %s: %s", storage.ErrCorrupt, h, fmt.Sprintf(format, args...))
	}
	if len(data) < 2 {
		return nil, corrupt("%d bytes is too short", len(data))
	}
	level := int(data[0])
	if level > maxLevel {
		return nil, corrupt("level %d exceeds %d", level, maxLevel)
	}
	n64, w := binary.Uvarint(data[1:])
	if w <= 0 || n64 > uint64(len(data)) {
		return nil, corrupt("bad entry count")
	}
	n := int(n64)
	pos := 1 + w
	lens := make([]uint32, 2*n)
	total := uint64(0)
	for i := range lens {
		v, w := binary.Uvarint(data[pos:])
		if w <= 0 {
			return nil, corrupt("bad length of entry %d", i%n)
		}
		total += v
		if total > uint64(len(data)) {
			return nil, corrupt("entry %d runs past the end", i%n)
		}
		lens[i] = uint32(v)
		pos += w
	}
	if uint64(pos)+total != uint64(len(data)) {
		return nil, corrupt("data section is %d bytes, lengths say %d", len(data)-pos, total)
	}
	nd := &Node{data: data, hash: h, level: level, n: n}
	nd.keys = makeSection(uint32(pos), lens[:n])
	nd.vals = makeSection(nd.keys.end(n), lens[n:])
	if level > 0 {
		if n == 0 {
			return nil, corrupt("internal node with no children")
		}
		nd.cum = make([]uint64, n)
		var c uint64
		for i := 0; i < n; i++ {
			v := nd.Value(i)
			if len(v) <= hash.ByteLen {
				return nil, corrupt("child ref %d is %d bytes", i, len(v))
			}
			cnt, w := binary.Uvarint(v[hash.ByteLen:])
			if w <= 0 || w != len(v)-hash.ByteLen || cnt == 0 {
				return nil, corrupt("child ref %d has a bad count", i)
			}
			c += cnt
			nd.cum[i] = c
		}
	}
	return nd, nil
}

func makeSection(start uint32, lens []uint32) section {
	s := section{start: start}
	if len(lens) == 0 {
		return s
	}
	fixed := true
	for _, l := range lens {
		if l != lens[0] {
			fixed = false
			break
		}
	}
	if fixed {
		s.width = lens[0]
		return s
	}
	s.ends = make([]uint32, len(lens))
	off := start
	for i, l := range lens {
		off += l
		s.ends[i] = off
	}
	return s
}

// end returns the offset just past the last of n items.
func (s *section) end(n int) uint32 {
	if n == 0 {
		return s.start
	}
	_, e := s.bounds(n - 1)
	return e
}

// Hash returns the node's content address.
func (n *Node) Hash() hash.Hash { return n.hash }

// Level returns 0 for a leaf, or the height above the leaves.
func (n *Node) Level() int { return n.level }

// Len returns the number of entries.
func (n *Node) Len() int { return n.n }

// Bytes returns the encoded node.
func (n *Node) Bytes() []byte { return n.data }

// Size returns the encoded size in bytes.
func (n *Node) Size() int { return len(n.data) }

// Key returns entry i's key.
func (n *Node) Key(i int) []byte {
	b, e := n.keys.bounds(i)
	return n.data[b:e:e]
}

// Value returns entry i's value.
func (n *Node) Value(i int) []byte {
	b, e := n.vals.bounds(i)
	return n.data[b:e:e]
}

// Child returns the address of child i of an internal node.
func (n *Node) Child(i int) hash.Hash {
	var h hash.Hash
	copy(h[:], n.Value(i))
	return h
}

// Children returns every child address of an internal node (none for a leaf). The
// garbage collector uses it to walk trees without knowing their schema.
func (n *Node) Children() []hash.Hash {
	if n.level == 0 {
		return nil
	}
	out := make([]hash.Hash, n.Len())
	for i := range out {
		out[i] = n.Child(i)
	}
	return out
}

// Count returns the number of leaf entries under the node.
func (n *Node) Count() uint64 {
	if n.level == 0 {
		return uint64(n.Len())
	}
	return n.cum[len(n.cum)-1]
}

// childCount returns the number of leaf entries under child i.
func (n *Node) childCount(i int) uint64 {
	if i == 0 {
		return n.cum[0]
	}
	return n.cum[i] - n.cum[i-1]
}

// cumBefore returns the number of leaf entries in children 0..i-1.
func (n *Node) cumBefore(i int) uint64 {
	if i == 0 {
		return 0
	}
	return n.cum[i-1]
}

// lastKey returns the node's greatest key (nil for the empty leaf).
func (n *Node) lastKey() []byte {
	if n.Len() == 0 {
		return nil
	}
	return n.Key(n.Len() - 1)
}

// memSize estimates the bytes a cached node occupies.
func (n *Node) memSize() int {
	return len(n.data) + 4*len(n.keys.ends) + 4*len(n.vals.ends) + 8*len(n.cum) + 160
}

// encodeRef encodes an internal-node value: child hash then subtree count.
func encodeRef(dst []byte, h hash.Hash, count uint64) []byte {
	dst = append(dst, h[:]...)
	return binary.AppendUvarint(dst, count)
}

// uvarintLen returns the encoded length of v.
func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// entrySize is the number of bytes an entry adds to a node's encoding.
func entrySize(klen, vlen int) int {
	return klen + vlen + uvarintLen(uint64(klen)) + uvarintLen(uint64(vlen))
}

// nodeWriter accumulates entries and encodes them as one node. It keeps the entries' key
// and value lengths as integers (encoded as uvarints only by encode), so that the node it
// writes can be laid out from them (node) instead of being decoded again. Not safe for
// concurrent use.
type nodeWriter struct {
	level        int
	n            int
	klens, vlens []uint32 // length of each key and value
	lenBytes     int      // encoded size of the two length sections
	keys, vals   []byte
}

// newNodeWriter returns a writer with buffers sized for a typical node.
func newNodeWriter(level int) nodeWriter {
	return nodeWriter{level: level, klens: make([]uint32, 0, 256), vlens: make([]uint32, 0, 256),
		keys: make([]byte, 0, 2*TargetNodeSize), vals: make([]byte, 0, 2*TargetNodeSize)}
}

// writerPool recycles nodeWriter buffers between Editor flushes, which would otherwise
// allocate (and zero) tens of kilobytes per level for every small edit.
var writerPool = sync.Pool{New: func() any { w := newNodeWriter(0); return &w }}

func getNodeWriter(level int) *nodeWriter {
	w := writerPool.Get().(*nodeWriter)
	w.reset()
	w.level = level
	return w
}

func putNodeWriter(w *nodeWriter) {
	if cap(w.keys)+cap(w.vals) <= 8*TargetNodeSize { // don't keep huge buffers alive
		writerPool.Put(w)
	}
}

// reset empties the writer, keeping its level and buffers.
func (w *nodeWriter) reset() {
	w.n, w.lenBytes = 0, 0
	w.klens, w.vlens, w.keys, w.vals = w.klens[:0], w.vlens[:0], w.keys[:0], w.vals[:0]
}

// addRun appends entries [a, b) of n as they are (a < b) and returns the encoded size
// they add (the sum of their entrySize): their keys and values are copied as two
// contiguous byte ranges.
func (w *nodeWriter) addRun(n *Node, a, b int) int {
	l0 := w.lenBytes
	w.klens, w.lenBytes = appendLengths(w.klens, w.lenBytes, &n.keys, a, b)
	w.vlens, w.lenBytes = appendLengths(w.vlens, w.lenBytes, &n.vals, a, b)
	ks, _ := n.keys.bounds(a)
	_, ke := n.keys.bounds(b - 1)
	vs, _ := n.vals.bounds(a)
	_, ve := n.vals.bounds(b - 1)
	w.keys = append(w.keys, n.data[ks:ke]...)
	w.vals = append(w.vals, n.data[vs:ve]...)
	w.n += b - a
	return w.lenBytes - l0 + int(ke-ks) + int(ve-vs)
}

// appendLengths appends the lengths of items [a, b) of s and adds their encoded size
// to lenBytes.
func appendLengths(dst []uint32, lenBytes int, s *section, a, b int) ([]uint32, int) {
	if s.ends == nil {
		lenBytes += (b - a) * uvarintLen(uint64(s.width))
		for range b - a {
			dst = append(dst, s.width)
		}
		return dst, lenBytes
	}
	for i := a; i < b; i++ {
		st, e := s.bounds(i)
		dst = append(dst, e-st)
		lenBytes += uvarintLen(uint64(e - st))
	}
	return dst, lenBytes
}

// entryCount returns the number of leaf entries entry i stands for (1 in a leaf).
func (n *Node) entryCount(i int) uint64 {
	if n.level == 0 {
		return 1
	}
	return n.childCount(i)
}

// entriesCount returns the number of leaf entries entries [a, b) stand for.
func (n *Node) entriesCount(a, b int) uint64 {
	if n.level == 0 {
		return uint64(b - a)
	}
	return n.cum[b-1] - n.cumBefore(a)
}

func (w *nodeWriter) add(k, v []byte) {
	w.klens = append(w.klens, uint32(len(k)))
	w.vlens = append(w.vlens, uint32(len(v)))
	w.lenBytes += uvarintLen(uint64(len(k))) + uvarintLen(uint64(len(v)))
	w.keys = append(w.keys, k...)
	w.vals = append(w.vals, v...)
	w.n++
}

// encode returns the node's bytes (the format above) in a fresh slice, leaving the
// writer as it is.
func (w *nodeWriter) encode() []byte {
	out := make([]byte, 0, 1+uvarintLen(uint64(w.n))+w.lenBytes+len(w.keys)+len(w.vals))
	out = append(out, byte(w.level))
	out = binary.AppendUvarint(out, uint64(w.n))
	for _, l := range w.klens {
		out = binary.AppendUvarint(out, uint64(l))
	}
	for _, l := range w.vlens {
		out = binary.AppendUvarint(out, uint64(l))
	}
	out = append(out, w.keys...)
	out = append(out, w.vals...)
	return out
}

// finish encodes the node into a fresh slice and resets the writer.
func (w *nodeWriter) finish() []byte {
	out := w.encode()
	w.reset()
	return out
}

// node returns the Node for data, which encode returned for the writer's current
// entries, laid out from the lengths the writer kept: what decodeNode(h, data) returns,
// without parsing data again (TestWriterNodeMatchesDecode). It fails only if an internal
// node's value is not a child reference, which would be a bug in the caller.
func (w *nodeWriter) node(h hash.Hash, data []byte) (*Node, error) {
	pos := uint32(1 + uvarintLen(uint64(w.n)) + w.lenBytes)
	nd := &Node{data: data, hash: h, level: w.level, n: w.n}
	nd.keys = makeSection(pos, w.klens)
	nd.vals = makeSection(nd.keys.end(w.n), w.vlens)
	if w.level > 0 {
		if w.n == 0 {
			return nil, fmt.Errorf("prolly: writing a level %d node with no children", w.level)
		}
		nd.cum = make([]uint64, w.n)
		var c uint64
		for i := range w.n {
			v := nd.Value(i)
			if len(v) <= hash.ByteLen {
				return nil, fmt.Errorf("prolly: writing a level %d node: child ref %d is %d bytes", w.level, i, len(v))
			}
			cnt, k := binary.Uvarint(v[hash.ByteLen:])
			if k <= 0 || k != len(v)-hash.ByteLen || cnt == 0 {
				return nil, fmt.Errorf("prolly: writing a level %d node: child ref %d has a bad count", w.level, i)
			}
			c += cnt
			nd.cum[i] = c
		}
	}
	return nd, nil
}
