package repo

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// Signature names who made a commit and when. Time is stored to the microsecond with its
// UTC offset (the zone name is not kept), as git keeps an offset.
type Signature struct {
	Name  string
	Email string
	Time  time.Time
}

// canonical returns s as it reads back from a chunk: time truncated to the microsecond,
// in a fixed zone with the same offset.
func (s Signature) canonical() Signature {
	_, off := s.Time.Zone()
	s.Time = time.UnixMicro(s.Time.UnixMicro()).In(time.FixedZone("", off))
	return s
}

// Commit is a snapshot in a branch's history: a root, its parents (first parent first),
// author, committer, message and height (1 for a commit without parents, else 1 + the
// greatest parent height), which lets MergeBase stop early instead of walking all history.
//
// A Commit is an immutable value, safe to share. NewCommit computes its encoding and hash;
// its chunk (Chunk) is written by the storage.Commit that moves a ref to it.
type Commit struct {
	root      hash.Hash
	parents   []hash.Hash
	height    uint64
	author    Signature
	committer Signature
	message   string
	data      []byte
	hash      hash.Hash
}

// Commit chunk (kind 0xC1):
//
//	+------+-----------+---------+---------------------+--------+-----------+---------+
//	| 0xC1 | root 20 B | height  | parents: uvarint n, | author | committer | message |
//	|      |           | uvarint | n x 20 B            | sig    | sig       | str     |
//	+------+-----------+---------+---------------------+--------+-----------+---------+
//
//	sig: name str | email str | unix microseconds varint | UTC offset in seconds varint
//
// Child hashes: the root, then every parent.

func encodeCommit(c *Commit) []byte {
	e := newEncoder(KindCommit)
	e.hash(c.root)
	e.uvarint(c.height)
	e.uvarint(uint64(len(c.parents)))
	for _, p := range c.parents {
		e.hash(p)
	}
	for _, s := range []Signature{c.author, c.committer} {
		e.str(s.Name)
		e.str(s.Email)
		e.varint(s.Time.UnixMicro())
		_, off := s.Time.Zone()
		e.varint(int64(off))
	}
	e.str(c.message)
	return e.b
}

func decodeCommit(chunk []byte) (Commit, error) {
	d := newDecoder(chunk, KindCommit)
	c := Commit{root: d.hash(), height: d.uvarint()}
	if n := d.count(hash.ByteLen); n > 0 {
		c.parents = make([]hash.Hash, n)
		for i := range c.parents {
			c.parents[i] = d.hash()
		}
	}
	for _, s := range []*Signature{&c.author, &c.committer} {
		s.Name = d.str()
		s.Email = d.str()
		us := d.varint()
		off := d.varint()
		if off < -24*3600 || off > 24*3600 {
			d.fail("UTC offset %d out of range", off)
		}
		s.Time = time.UnixMicro(us).In(time.FixedZone("", int(off)))
	}
	c.message = d.str()
	if d.err == nil && (c.height == 0 || (len(c.parents) == 0) != (c.height == 1)) {
		d.fail("height %d with %d parents", c.height, len(c.parents))
	}
	if err := d.finish(func() []byte { return encodeCommit(&c) }); err != nil {
		return Commit{}, err
	}
	c.data = chunk
	c.hash = hash.Of(chunk)
	return c, nil
}

// NewCommit returns the commit of root with the given parents (in order; the first is the
// branch's previous head), signatures and message. Parents must be distinct.
func NewCommit(root hash.Hash, parents []Commit, author, committer Signature, message string) (Commit, error) {
	if root.IsEmpty() {
		return Commit{}, fmt.Errorf("%w: commit of the zero root hash", ErrInvalid)
	}
	c := Commit{root: root, height: 1, author: author.canonical(), committer: committer.canonical(), message: message}
	for _, p := range parents {
		if p.hash.IsEmpty() {
			return Commit{}, fmt.Errorf("%w: zero Commit as a parent", ErrInvalid)
		}
		if slices.Contains(c.parents, p.hash) {
			return Commit{}, fmt.Errorf("%w: parent %s listed twice", ErrInvalid, p.hash)
		}
		c.parents = append(c.parents, p.hash)
		c.height = max(c.height, p.height+1)
	}
	c.data = encodeCommit(&c)
	c.hash = hash.Of(c.data)
	return c, nil
}

// Hash returns the commit's address.
func (c Commit) Hash() hash.Hash { return c.hash }

// RootHash returns the address of the commit's Root.
func (c Commit) RootHash() hash.Hash { return c.root }

// Parents returns the parent addresses, first parent first. The slice is the caller's.
func (c Commit) Parents() []hash.Hash { return slices.Clone(c.parents) }

// Height returns 1 for a commit without parents, else 1 + the greatest parent height.
func (c Commit) Height() uint64 { return c.height }

// Author, Committer and Message return the commit's metadata.
func (c Commit) Author() Signature    { return c.author }
func (c Commit) Committer() Signature { return c.committer }
func (c Commit) Message() string      { return c.message }

// Chunk returns the commit's encoded chunk (to pass to storage.Commit). Its Data must not
// be modified.
func (c Commit) Chunk() storage.Chunk { return storage.Chunk{Hash: c.hash, Data: c.data} }

// commitQueue is a max-heap of commits by (height, then smaller hash first).
type commitQueue []Commit

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	if q[i].height != q[j].height {
		return q[i].height > q[j].height
	}
	return q[i].hash.Less(q[j].hash)
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(Commit)) }
func (q *commitQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

// MergeBase returns the best common ancestor of a and b: among the commits that are
// ancestors of both (a commit is its own ancestor), the one of greatest height, ties
// broken by the smaller hash. No other common ancestor descends from it. ErrNoMergeBase
// if the histories are unrelated.
//
// It walks down from both commits in order of decreasing height, painting each commit
// with the side(s) it is reachable from. A commit is popped only after every commit above
// it, so its paint is final when it is popped; the first commit painted by both sides is
// the answer. Only commits higher than the merge base (and their parents) are read.
func (r *Repo) MergeBase(ctx context.Context, a, b Commit) (Commit, error) {
	const sideA, sideB = 1, 2
	paint := map[hash.Hash]uint8{a.hash: sideA}
	paint[b.hash] |= sideB
	q := &commitQueue{a}
	if b.hash != a.hash {
		heap.Push(q, b)
	}
	for q.Len() > 0 {
		c := heap.Pop(q).(Commit)
		p := paint[c.hash]
		if p == sideA|sideB {
			return c, nil
		}
		for _, ph := range c.parents {
			old, seen := paint[ph]
			paint[ph] = old | p
			if seen {
				continue
			}
			pc, err := r.Commit(ctx, ph)
			if err != nil {
				return Commit{}, err
			}
			heap.Push(q, pc)
		}
	}
	return Commit{}, fmt.Errorf("%w: %s and %s", ErrNoMergeBase, a.hash, b.hash)
}
