package dataio

import (
	"bufio"
	"cmp"
	"container/heap"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/dsqldb/dsql/merkle/prolly"
)

// entry is one key/value pair on its way into a map, with the input line it came from
// (0: unknown) and, for upserts, a bitmap of the columns the input set (nil: all).
type entry struct {
	k, v []byte
	line int
	mask []byte
	seq  int64 // input order within a sort run (sorter.add)
}

func (e entry) size() int { return len(e.k) + len(e.v) + len(e.mask) + 48 }

// sorter turns a stream of entries in any order into one in strictly increasing key
// order with bounded memory. While the input arrives sorted it goes straight into a
// prolly.Builder (the bulk path: no copy, no sort); at the first entry out of order the
// sorted prefix is finished as a map, and the rest is sorted in runs of at most
// memLimit bytes, each spilled to a temporary file. Finish merges the prefix map and the
// runs. Equal keys are reported to dup (the earlier entry first), which decides whether
// to keep the earlier one or fail. Not safe for concurrent use.
type sorter struct {
	ns       *prolly.NodeStore
	cmp      prolly.Compare
	memLimit int
	tmpDir   string
	dup      func(a, b entry) error

	sorted  bool
	b       *prolly.Builder
	prev    entry
	hasPrev bool
	n       int64

	prefix    prolly.Map // the sorted prefix, once the input went out of order
	hasPrefix bool
	// lines[i] is the input line of the prefix's i-th entry (for duplicate-key
	// messages), kept for the first maxLines entries.
	lines   []int32
	buf     []entry
	bufSize int
	runs    []*os.File
}

const maxLines = 16 << 20

// newSorter returns a sorter; with keepAll (entries carry masks the map cannot hold) it
// never builds directly and always sorts runs.
func newSorter(ns *prolly.NodeStore, cmp prolly.Compare, memLimit int, tmpDir string, keepAll bool, dup func(a, b entry) error) *sorter {
	if keepAll {
		return &sorter{ns: ns, cmp: cmp, memLimit: memLimit, tmpDir: tmpDir, dup: dup}
	}
	return &sorter{ns: ns, cmp: cmp, memLimit: memLimit, tmpDir: tmpDir, dup: dup, sorted: true, b: prolly.NewBuilder(ns, cmp)}
}

// add takes an entry; the sorter keeps k, v and mask (the caller must not reuse them).
func (s *sorter) add(ctx context.Context, e entry) error {
	if s.sorted {
		if s.hasPrev {
			c := s.cmp(s.prev.k, e.k)
			if c == 0 {
				return s.dup(s.prev, e) // nil: keep the earlier entry
			}
			if c > 0 {
				// Out of order: keep what is built so far as a map and sort the rest.
				m, err := s.b.Finish(ctx)
				if err != nil {
					return err
				}
				s.prefix, s.hasPrefix, s.sorted, s.b = m, true, false, nil
				return s.add(ctx, e)
			}
		}
		if err := s.b.Add(ctx, e.k, e.v); err != nil {
			return err
		}
		s.prev, s.hasPrev = e, true
		if s.n < maxLines {
			s.lines = append(s.lines, int32(e.line))
		}
		s.n++
		return nil
	}
	e.seq = s.n
	s.buf = append(s.buf, e)
	s.bufSize += e.size()
	s.n++
	if s.bufSize >= s.memLimit {
		return s.spill()
	}
	return nil
}

// spill sorts the buffer and writes it to a temporary file.
func (s *sorter) spill() error {
	if len(s.buf) == 0 {
		return nil
	}
	s.sortBuf()
	f, err := os.CreateTemp(s.tmpDir, "dsql-import-*.run")
	if err != nil {
		return fmt.Errorf("dataio: temporary file for sorting: %w", err)
	}
	_ = os.Remove(f.Name()) // unlinked at once: nothing is left behind, even after kill -9
	w := bufio.NewWriterSize(f, 1<<20)
	var hdr [4 * binary.MaxVarintLen64]byte
	for _, e := range s.buf {
		n := binary.PutUvarint(hdr[:], uint64(len(e.k)))
		n += binary.PutUvarint(hdr[n:], uint64(len(e.v)))
		n += binary.PutUvarint(hdr[n:], uint64(e.line))
		n += binary.PutUvarint(hdr[n:], uint64(len(e.mask)))
		if _, err := w.Write(hdr[:n]); err != nil {
			return err
		}
		_, _ = w.Write(e.k)
		_, _ = w.Write(e.v)
		if _, err := w.Write(e.mask); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return fmt.Errorf("dataio: writing a sort run: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	s.runs = append(s.runs, f)
	s.buf, s.bufSize = nil, 0
	return nil
}

// sortBuf sorts the buffer so that of equal keys the earlier input comes first (by seq:
// an unstable sort with that tie-break is several times faster than a stable one).
func (s *sorter) sortBuf() {
	slices.SortFunc(s.buf, func(a, b entry) int {
		if c := s.cmp(a.k, b.k); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
}

// close releases the temporary files.
func (s *sorter) close() {
	for _, f := range s.runs {
		_ = f.Close()
	}
	s.runs = nil
}

// count is the number of entries added (before duplicates are dropped in a merge).
func (s *sorter) count() int64 { return s.n }

// finish returns a source of every entry in key order, duplicates handled by dup.
func (s *sorter) finish(ctx context.Context) (source, error) {
	if s.sorted {
		m, err := s.b.Finish(ctx)
		if err != nil {
			return nil, err
		}
		return &mapSource{m: m, built: true}, nil
	}
	var srcs []source
	if s.hasPrefix {
		it, err := s.prefix.Iter(ctx, prolly.All)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, &iterSource{it: it, lines: s.lines})
	}
	for _, f := range s.runs {
		srcs = append(srcs, &runSource{r: bufio.NewReaderSize(f, 256<<10)})
	}
	if len(s.runs) == 0 {
		s.sortBuf()
		srcs = append(srcs, &sliceSource{es: s.buf})
	} else if err := s.spill(); err != nil {
		return nil, err
	} else {
		srcs = append(srcs, &runSource{r: bufio.NewReaderSize(s.runs[len(s.runs)-1], 256<<10)})
	}
	return newMergeSource(ctx, srcs, s.cmp, s.dup)
}

// source is a stream of entries in strictly increasing key order.
type source interface {
	next(ctx context.Context) (entry, error) // io.EOF at the end
}

// mapSource streams a map's entries; built marks a map the sorter built from the whole
// input (so a caller may use it as it is).
type mapSource struct {
	m     prolly.Map
	built bool
	it    *prolly.Iter
}

func (s *mapSource) next(ctx context.Context) (entry, error) {
	if s.it == nil {
		it, err := s.m.Iter(ctx, prolly.All)
		if err != nil {
			return entry{}, err
		}
		s.it = it
	}
	k, v, err := s.it.Next(ctx)
	if err != nil {
		return entry{}, err
	}
	return entry{k: k, v: v}, nil
}

type iterSource struct {
	it    *prolly.Iter
	lines []int32
	i     int
}

func (s *iterSource) next(ctx context.Context) (entry, error) {
	k, v, err := s.it.Next(ctx)
	if err != nil {
		return entry{}, err
	}
	e := entry{k: k, v: v}
	if s.i < len(s.lines) {
		e.line = int(s.lines[s.i])
	}
	s.i++
	return e, nil
}

type sliceSource struct{ es []entry }

func (s *sliceSource) next(context.Context) (entry, error) {
	if len(s.es) == 0 {
		return entry{}, io.EOF
	}
	e := s.es[0]
	s.es[0] = entry{}
	s.es = s.es[1:]
	return e, nil
}

type runSource struct{ r *bufio.Reader }

func (s *runSource) next(context.Context) (entry, error) {
	kl, err := binary.ReadUvarint(s.r)
	if err != nil {
		return entry{}, err // io.EOF at a record boundary
	}
	vl, err1 := binary.ReadUvarint(s.r)
	line, err2 := binary.ReadUvarint(s.r)
	ml, err3 := binary.ReadUvarint(s.r)
	if err := errors.Join(err1, err2, err3); err != nil {
		return entry{}, fmt.Errorf("dataio: reading a sort run: %w", err)
	}
	buf := make([]byte, kl+vl+ml)
	if _, err := io.ReadFull(s.r, buf); err != nil {
		return entry{}, fmt.Errorf("dataio: reading a sort run: %w", err)
	}
	e := entry{k: buf[:kl:kl], v: buf[kl : kl+vl : kl+vl], line: int(line)}
	if ml > 0 {
		e.mask = buf[kl+vl:]
	}
	return e, nil
}

// mergeSource merges sources; of equal keys the one from the earlier source (earlier
// input) comes first, and dup decides.
type mergeSource struct {
	h    mergeHeap
	cmp  prolly.Compare
	dup  func(a, b entry) error
	prev entry
	has  bool
}

type mergeItem struct {
	e   entry
	src int
	s   source
}

type mergeHeap struct {
	items []mergeItem
	cmp   prolly.Compare
}

func (h *mergeHeap) Len() int { return len(h.items) }
func (h *mergeHeap) Less(i, j int) bool {
	c := h.cmp(h.items[i].e.k, h.items[j].e.k)
	if c != 0 {
		return c < 0
	}
	return h.items[i].src < h.items[j].src
}
func (h *mergeHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *mergeHeap) Push(x any)    { h.items = append(h.items, x.(mergeItem)) }
func (h *mergeHeap) Pop() any {
	it := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return it
}

func newMergeSource(ctx context.Context, srcs []source, cmp prolly.Compare, dup func(a, b entry) error) (*mergeSource, error) {
	m := &mergeSource{h: mergeHeap{cmp: cmp}, cmp: cmp, dup: dup}
	for i, s := range srcs {
		e, err := s.next(ctx)
		if err == io.EOF {
			continue
		}
		if err != nil {
			return nil, err
		}
		m.h.items = append(m.h.items, mergeItem{e: e, src: i, s: s})
	}
	heap.Init(&m.h)
	return m, nil
}

func (m *mergeSource) next(ctx context.Context) (entry, error) {
	for m.h.Len() > 0 {
		top := &m.h.items[0]
		e := top.e
		ne, err := top.s.next(ctx)
		switch {
		case err == io.EOF:
			heap.Pop(&m.h)
		case err != nil:
			return entry{}, err
		default:
			top.e = ne
			heap.Fix(&m.h, 0)
		}
		if m.has && m.cmp(m.prev.k, e.k) == 0 {
			if err := m.dup(m.prev, e); err != nil {
				return entry{}, err
			}
			continue // keep the earlier
		}
		m.prev, m.has = e, true
		return e, nil
	}
	return entry{}, io.EOF
}
