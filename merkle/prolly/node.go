package prolly

import (
	"encoding/binary"
	"fmt"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// Node byte format (see also the package doc).
//
//	+-------+-----------+---------------------------------------------+------------------------------+
//	| level | n         | n x (klen uvarint, vlen uvarint)            | k0 v0 k1 v1 ... k(n-1) v(n-1) |
//	| 1 B   | uvarint   | lengths section                             | data section                 |
//	+-------+-----------+---------------------------------------------+------------------------------+
//
// level 0 is a leaf: its values are the map's values. In an internal node (level > 0) entry i
// describes child i: the key is the child's last (greatest) key and the value is
//
//	+----------------------+--------------------------+
//	| child hash (20 B)    | subtree entry count uvarint |
//	+----------------------+--------------------------+
//
// An empty map is the single empty leaf {level 0, n 0}. No other node is empty.

// Node is a decoded, immutable tree node. It is safe to share between goroutines; the byte
// slices it returns alias its data and stay valid for the life of the process.
type Node struct {
	data  []byte
	hash  hash.Hash
	level int
	// ends[2i] is the end offset (in data) of key i, ends[2i+1] the end of value i; key i
	// starts at ends[2i-1] (or dataStart for i == 0).
	ends      []uint32
	dataStart uint32
	// cum[i] is the number of leaf entries in children 0..i (internal nodes only).
	cum []uint64
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
	n, w := binary.Uvarint(data[1:])
	if w <= 0 || n > uint64(len(data)) {
		return nil, corrupt("bad entry count")
	}
	pos := 1 + w
	lens := make([]uint64, 2*n)
	total := uint64(0)
	for i := range lens {
		v, w := binary.Uvarint(data[pos:])
		if w <= 0 {
			return nil, corrupt("bad length of entry %d", i/2)
		}
		lens[i] = v
		total += v
		if total > uint64(len(data)) {
			return nil, corrupt("entry %d runs past the end", i/2)
		}
		pos += w
	}
	if uint64(pos)+total != uint64(len(data)) {
		return nil, corrupt("data section is %d bytes, lengths say %d", len(data)-pos, total)
	}
	nd := &Node{data: data, hash: h, level: level, ends: make([]uint32, 2*n), dataStart: uint32(pos)}
	off := uint64(pos)
	for i, l := range lens {
		off += l
		nd.ends[i] = uint32(off)
	}
	if level > 0 {
		if n == 0 {
			return nil, corrupt("internal node with no children")
		}
		nd.cum = make([]uint64, n)
		var c uint64
		for i := 0; i < int(n); i++ {
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

// Hash returns the node's content address.
func (n *Node) Hash() hash.Hash { return n.hash }

// Level returns 0 for a leaf, or the height above the leaves.
func (n *Node) Level() int { return n.level }

// Len returns the number of entries.
func (n *Node) Len() int { return len(n.ends) / 2 }

// Bytes returns the encoded node.
func (n *Node) Bytes() []byte { return n.data }

// Size returns the encoded size in bytes.
func (n *Node) Size() int { return len(n.data) }

func (n *Node) keyStart(i int) uint32 {
	if i == 0 {
		return n.dataStart
	}
	return n.ends[2*i-1]
}

// Key returns entry i's key.
func (n *Node) Key(i int) []byte { return n.data[n.keyStart(i):n.ends[2*i]:n.ends[2*i]] }

// Value returns entry i's value.
func (n *Node) Value(i int) []byte { return n.data[n.ends[2*i]:n.ends[2*i+1]:n.ends[2*i+1]] }

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
	return len(n.data) + 4*len(n.ends) + 8*len(n.cum) + 96
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

// nodeWriter accumulates entries and encodes them as one node. Not safe for concurrent use.
type nodeWriter struct {
	level int
	n     int
	lens  []byte
	data  []byte
}

func (w *nodeWriter) add(k, v []byte) {
	w.lens = binary.AppendUvarint(w.lens, uint64(len(k)))
	w.lens = binary.AppendUvarint(w.lens, uint64(len(v)))
	w.data = append(w.data, k...)
	w.data = append(w.data, v...)
	w.n++
}

// finish encodes the node into a fresh slice and resets the writer.
func (w *nodeWriter) finish() []byte {
	out := make([]byte, 0, 1+binary.MaxVarintLen64+len(w.lens)+len(w.data))
	out = append(out, byte(w.level))
	out = binary.AppendUvarint(out, uint64(w.n))
	out = append(out, w.lens...)
	out = append(out, w.data...)
	w.n, w.lens, w.data = 0, w.lens[:0], w.data[:0]
	return out
}
