package pebblestore

import (
	"encoding/binary"
	"fmt"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// Keyspace tags: the first byte of every key. See the key layout in the package doc.
const (
	tagChunk byte = 'c'
	tagMeta  byte = 'm'
	tagRef   byte = 'r'
)

// chunkKeyLen is the length of every chunk key: tag + hash.
const chunkKeyLen = 1 + hash.ByteLen

// metaFormatVersion names the metadata record holding the store's format version.
const metaFormatVersion = "format-version"

// chunkKey returns 'c' | hash.
//
//	+-----+---------------------+
//	| 'c' | hash (20 bytes)     |
//	+-----+---------------------+
func chunkKey(h hash.Hash) []byte {
	k := make([]byte, chunkKeyLen)
	k[0] = tagChunk
	copy(k[1:], h[:])
	return k
}

// appendChunkKey appends 'c' | hash to dst, for callers that reuse a key buffer.
func appendChunkKey(dst []byte, h hash.Hash) []byte {
	dst = append(dst, tagChunk)
	return append(dst, h[:]...)
}

// refKey returns 'r' | name.
//
//	+-----+---------------------+
//	| 'r' | name (any bytes)    |
//	+-----+---------------------+
func refKey(name string) []byte {
	k := make([]byte, 0, 1+len(name))
	k = append(k, tagRef)
	return append(k, name...)
}

// metaKey returns 'm' | name.
func metaKey(name string) []byte {
	k := make([]byte, 0, 1+len(name))
	k = append(k, tagMeta)
	return append(k, name...)
}

// prefixEnd returns the smallest key greater than every key that starts with prefix, or
// nil if there is none (prefix is all 0xff bytes), for use as an exclusive upper bound.
func prefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// decodeRefValue decodes a ref's value: exactly hash.ByteLen bytes.
//
//	+---------------------+
//	| hash (20 bytes)     |
//	+---------------------+
func decodeRefValue(name string, v []byte) (hash.Hash, error) {
	h, err := hash.New(v)
	if err != nil || h.IsEmpty() {
		return hash.Hash{}, fmt.Errorf("%w: ref %q holds %d bytes %x, want a non-zero %d-byte hash",
			storage.ErrCorrupt, name, len(v), v, hash.ByteLen)
	}
	return h, nil
}

// encodeFormatVersion encodes the format-version record: a uvarint.
//
//	+-------------------------------+
//	| uvarint(version), 1-10 bytes  |
//	+-------------------------------+
func encodeFormatVersion(v uint64) []byte {
	return binary.AppendUvarint(nil, v)
}

// decodeFormatVersion decodes encodeFormatVersion's output. A version of 0, trailing
// bytes or a truncated varint is corruption.
func decodeFormatVersion(b []byte) (uint64, error) {
	v, n := binary.Uvarint(b)
	if n <= 0 || n != len(b) || v == 0 {
		return 0, fmt.Errorf("%w: format version record %x is not a positive uvarint", storage.ErrCorrupt, b)
	}
	return v, nil
}
