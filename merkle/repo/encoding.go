package repo

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/storage"
)

// Kind is the first byte of a repo chunk. The values are stable: they are stored.
type Kind byte

// The chunk kinds. A format change of a kind that alters the bytes of existing values gets
// a new kind byte; old ones stay readable. An addition written only for values that use
// it, leaving every other value's bytes (and hash) as they were, keeps the kind byte: the
// working set's merge-state layouts 2 and 3, the root's unresolved foreign-key bit.
const (
	KindCommit     Kind = 0xC1
	KindRoot       Kind = 0xC2
	KindTable      Kind = 0xC3
	KindSchema     Kind = 0xC4
	KindWorkingSet Kind = 0xC5
	KindTag        Kind = 0xC6 // an annotated tag (tag.go)
	KindHead       Kind = 0xC7 // the checked-out branch name (head.go)
	KindConfig     Kind = 0xC8 // repository-local config (config.go)
)

// maxProllyLevel is the highest first byte of a prolly node (its level); see prolly's
// node format. Kind bytes are all above it.
const maxProllyLevel = 64

func (k Kind) String() string {
	switch k {
	case KindCommit:
		return "commit"
	case KindRoot:
		return "root"
	case KindTable:
		return "table"
	case KindSchema:
		return "schema"
	case KindWorkingSet:
		return "working set"
	case KindTag:
		return "tag"
	case KindHead:
		return "head"
	case KindConfig:
		return "config"
	}
	return fmt.Sprintf("Kind(%#x)", byte(k))
}

// Sentinel errors. Errors of this package wrap one of them (or a storage error); test with
// errors.Is.
var (
	ErrNotInitialized     = errors.New("repo: store holds no repository")
	ErrAlreadyInitialized = errors.New("repo: store already holds a repository")
	ErrBranchNotFound     = errors.New("repo: branch not found")
	ErrTableNotFound      = errors.New("repo: table not found")
	ErrTableExists        = errors.New("repo: table already exists")
	ErrForeignKeyNotFound = errors.New("repo: foreign key not found")
	ErrInvalidSchema      = errors.New("repo: invalid schema")
	ErrInvalid            = errors.New("repo: invalid argument")
	ErrNoMergeBase        = errors.New("repo: commits have no common ancestor")
	// ErrConflict reports a compare-and-swap that lost: the ref changed since the caller
	// read it. Reload and retry (or report a serialization failure).
	ErrConflict = errors.New("repo: ref changed concurrently")
	// ErrBranchExists reports creating (or renaming/copying onto) a branch that exists.
	// CreateBranch's error wraps ErrConflict as well.
	ErrBranchExists = errors.New("repo: branch already exists")
	// ErrCurrentBranch refuses to delete or overwrite the branch HEAD names.
	ErrCurrentBranch = errors.New("repo: branch is checked out")
	// ErrTagExists reports creating a tag that exists.
	ErrTagExists = errors.New("repo: tag already exists")
	// ErrTagNotFound reports a tag that does not exist.
	ErrTagNotFound = errors.New("repo: tag not found")
	// ErrRevisionNotFound reports a revision that names no commit: an unknown name or
	// hash, or an ancestry step (~N, ^N) past the available history.
	ErrRevisionNotFound = errors.New("repo: revision not found")
	// ErrAmbiguousRevision reports a hash prefix that matches several commits.
	ErrAmbiguousRevision = errors.New("repo: ambiguous revision")
)

// multiError is an error with its own message that wraps several sentinels (so that
// errors.Is matches each), e.g. ErrBranchExists and ErrConflict.
type multiError struct {
	msg  string
	errs []error
}

func (e *multiError) Error() string   { return e.msg }
func (e *multiError) Unwrap() []error { return e.errs }

// ChildHashes returns every chunk address that chunk references: for a prolly node the
// children of an internal node (none for a leaf); for a repo object the addresses listed
// in its byte diagram. Unknown kinds and undecodable chunks give an error wrapping
// storage.ErrCorrupt. The garbage collector marks from the refs with it.
func ChildHashes(chunk []byte) ([]hash.Hash, error) {
	if len(chunk) == 0 {
		return nil, fmt.Errorf("%w: empty chunk", storage.ErrCorrupt)
	}
	if chunk[0] <= maxProllyLevel {
		return prollyChildren(chunk)
	}
	switch Kind(chunk[0]) {
	case KindCommit:
		c, err := decodeCommit(chunk)
		if err != nil {
			return nil, err
		}
		return append([]hash.Hash{c.root}, c.parents...), nil
	case KindRoot:
		rd, err := decodeRootData(chunk)
		if err != nil {
			return nil, err
		}
		hs := make([]hash.Hash, len(rd.tables))
		for i, e := range rd.tables {
			hs[i] = e.hash
		}
		return hs, nil
	case KindTable:
		td, err := decodeTableData(chunk)
		if err != nil {
			return nil, err
		}
		return append([]hash.Hash{td.schema, td.rows}, td.indexes...), nil
	case KindSchema:
		if _, err := decodeSchema(chunk); err != nil {
			return nil, err
		}
		return nil, nil
	case KindWorkingSet:
		wd, err := decodeWorkingSetData(chunk)
		if err != nil {
			return nil, err
		}
		hs := []hash.Hash{wd.working, wd.staged}
		if wd.merge != nil {
			hs = append(hs, wd.merge.children()...)
		}
		return hs, nil
	case KindTag:
		td, err := decodeTagData(chunk)
		if err != nil {
			return nil, err
		}
		return []hash.Hash{td.commit}, nil
	case KindHead:
		if _, err := decodeHead(chunk); err != nil {
			return nil, err
		}
		return nil, nil
	case KindConfig:
		if _, err := decodeConfig(chunk); err != nil {
			return nil, err
		}
		return nil, nil
	}
	return nil, fmt.Errorf("%w: unknown chunk kind %#x (written by a newer dsql?)", storage.ErrCorrupt, chunk[0])
}

// ChunkKind returns the kind of a repo chunk, or ok=false for a prolly node.
func ChunkKind(chunk []byte) (k Kind, ok bool) {
	if len(chunk) == 0 || chunk[0] <= maxProllyLevel {
		return 0, false
	}
	return Kind(chunk[0]), true
}

// prollyChildren decodes a prolly node with prolly's own decoder (through a NodeStore over
// a store holding just this chunk) and returns its children.
func prollyChildren(chunk []byte) ([]hash.Hash, error) {
	c := storage.NewChunk(chunk)
	n, err := prolly.NewNodeStore(oneChunk{c}, -1).Read(context.Background(), c.Hash)
	if err != nil {
		return nil, err
	}
	return n.Children(), nil
}

// oneChunk is a read-only storage.ChunkStore holding one chunk.
type oneChunk struct{ c storage.Chunk }

func (o oneChunk) Get(_ context.Context, h hash.Hash) ([]byte, error) {
	if h != o.c.Hash {
		return nil, storage.ErrNotFound
	}
	return o.c.Data, nil
}

func (o oneChunk) GetMany(_ context.Context, hs []hash.Hash, found func(storage.Chunk)) error {
	for _, h := range hs {
		if h == o.c.Hash {
			found(o.c)
			return nil
		}
	}
	return nil
}

func (o oneChunk) Has(_ context.Context, h hash.Hash) (bool, error) { return h == o.c.Hash, nil }

func (o oneChunk) HasMany(_ context.Context, hs []hash.Hash) (hash.Set, error) {
	s := hash.NewSet()
	for _, h := range hs {
		if h != o.c.Hash {
			s.Add(h)
		}
	}
	return s, nil
}

func (o oneChunk) Put(context.Context, storage.Chunk) error {
	return fmt.Errorf("%w: read-only chunk store", storage.ErrInvalid)
}

func (o oneChunk) PutMany(context.Context, []storage.Chunk) error {
	return fmt.Errorf("%w: read-only chunk store", storage.ErrInvalid)
}

// # Primitive encodings
//
//	uvarint   encoding/binary unsigned varint, minimal length
//	varint    encoding/binary zig-zag signed varint, minimal length
//	bool      1 byte: 0 or 1
//	hash      20 bytes
//	string    uvarint byte length, then the bytes (UTF-8 is not required by the format)
//	list      uvarint count, then the elements

type encoder struct{ b []byte }

func newEncoder(k Kind) *encoder { return &encoder{b: []byte{byte(k)}} }

func (e *encoder) byte(v byte)      { e.b = append(e.b, v) }
func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) hash(h hash.Hash) { e.b = append(e.b, h[:]...) }
func (e *encoder) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) strs(ss []string) {
	e.uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}
func (e *encoder) bool(v bool) {
	if v {
		e.byte(1)
	} else {
		e.byte(0)
	}
}

// decoder reads a chunk body; the first error sticks and later reads return zero values.
type decoder struct {
	b    []byte
	pos  int
	kind Kind
	err  error
}

func newDecoder(chunk []byte, k Kind) *decoder {
	d := &decoder{b: chunk, pos: 1, kind: k}
	if len(chunk) == 0 || Kind(chunk[0]) != k {
		d.pos = len(chunk)
		d.fail("not a %v chunk", k)
	}
	return d
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %v chunk: %s", storage.ErrCorrupt, d.kind, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if d.pos >= len(d.b) {
		d.fail("truncated")
		return 0
	}
	v := d.b[d.pos]
	d.pos++
	return v
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.pos:])
	if n <= 0 {
		d.fail("bad varint at offset %d", d.pos)
		return 0
	}
	d.pos += n
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b[d.pos:])
	if n <= 0 {
		d.fail("bad varint at offset %d", d.pos)
		return 0
	}
	d.pos += n
	return v
}

// int reads a uvarint that must fit in an int no larger than limit.
func (d *decoder) int(limit int) int {
	v := d.uvarint()
	if v > uint64(limit) {
		d.fail("value %d exceeds %d", v, limit)
		return 0
	}
	return int(v)
}

// count reads a list length; each element takes at least minSize bytes.
func (d *decoder) count(minSize int) int {
	v := d.uvarint()
	if d.err == nil && v > uint64(len(d.b)-d.pos)/uint64(max(minSize, 1)) {
		d.fail("list of %d elements runs past the end", v)
		return 0
	}
	return int(v)
}

func (d *decoder) hash() hash.Hash {
	var h hash.Hash
	if d.err != nil {
		return h
	}
	if len(d.b)-d.pos < hash.ByteLen {
		d.fail("truncated hash")
		return h
	}
	copy(h[:], d.b[d.pos:])
	d.pos += hash.ByteLen
	return h
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)-d.pos) {
		d.fail("string of %d bytes runs past the end", n)
		return ""
	}
	s := string(d.b[d.pos : d.pos+int(n)])
	d.pos += int(n)
	return s
}

func (d *decoder) strs() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *decoder) bool() bool {
	v := d.byte()
	if v > 1 {
		d.fail("bool byte %d", v)
	}
	return v == 1
}

// finish checks that the whole chunk was read and that re-encoding the decoded value gives
// the same bytes (so every value has exactly one accepted encoding).
func (d *decoder) finish(reencode func() []byte) error {
	if d.err != nil {
		return d.err
	}
	if d.pos != len(d.b) {
		d.fail("%d trailing bytes", len(d.b)-d.pos)
		return d.err
	}
	if !bytes.Equal(reencode(), d.b) {
		d.fail("not in canonical form")
		return d.err
	}
	return nil
}
