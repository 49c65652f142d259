package repo

import (
	"container/heap"
	"context"
	"io"

	"github.com/dsqldb/dsql/merkle/hash"
)

// LogIter walks history newest first; see Repo.Log. A LogIter is not safe for concurrent
// use; it holds no resources, so there is nothing to close.
type LogIter struct {
	r       *Repo
	q       logQueue
	seen    hash.Set
	pending *Commit // returned last; its parents are queued by the next call
	err     error
}

// Log returns an iterator over every commit reachable from starts (each start included),
// each exactly once, newest first: by height descending, then committer time descending,
// then hash ascending. Since a commit is higher than each of its parents, every commit
// comes before its parents. This is the order `dsql log` and dsql_log show.
//
// The walk is lazy: it keeps a heap of the commits whose children have been returned, so
// reading the first n commits reads about n commits from the store (plus the extra
// parents of merges), however long the history.
func (r *Repo) Log(ctx context.Context, starts ...Commit) *LogIter {
	it := &LogIter{r: r, seen: hash.NewSet()}
	for _, c := range starts {
		if !c.hash.IsEmpty() && !it.seen.Has(c.hash) {
			it.seen.Add(c.hash)
			it.q = append(it.q, c)
		}
	}
	heap.Init(&it.q)
	return it
}

// Next returns the next commit, or io.EOF after the last one. After an error other than
// io.EOF every later call returns the same error.
func (it *LogIter) Next(ctx context.Context) (Commit, error) {
	if it.err != nil {
		return Commit{}, it.err
	}
	if it.pending != nil {
		for _, ph := range it.pending.parents {
			if it.seen.Has(ph) {
				continue
			}
			p, err := it.r.Commit(ctx, ph)
			if err != nil {
				it.err = err
				return Commit{}, err
			}
			it.seen.Add(ph)
			heap.Push(&it.q, p)
		}
		it.pending = nil
	}
	if it.q.Len() == 0 {
		return Commit{}, io.EOF
	}
	c := heap.Pop(&it.q).(Commit)
	it.pending = &c
	return c, nil
}

// logQueue is a heap of commits in Log's order.
type logQueue []Commit

func (q logQueue) Len() int { return len(q) }
func (q logQueue) Less(i, j int) bool {
	a, b := &q[i], &q[j]
	if a.height != b.height {
		return a.height > b.height
	}
	if !a.committer.Time.Equal(b.committer.Time) {
		return a.committer.Time.After(b.committer.Time)
	}
	return a.hash.Less(b.hash)
}
func (q logQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *logQueue) Push(x any)   { *q = append(*q, x.(Commit)) }
func (q *logQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

// IsAncestor reports whether anc is an ancestor of desc (a commit is its own ancestor):
// whether desc's history contains anc, as a fast-forward or a "fully merged" check needs.
// It walks down from desc in height order and never reads a commit lower than anc (which
// could not reach it), so it costs the commits of desc's history that are at least as
// high as anc.
func (r *Repo) IsAncestor(ctx context.Context, anc, desc Commit) (bool, error) {
	if anc.hash == desc.hash {
		return true, nil
	}
	if anc.height >= desc.height {
		return false, nil
	}
	seen := hash.NewSet(desc.hash)
	q := &commitQueue{desc}
	for q.Len() > 0 {
		c := heap.Pop(q).(Commit)
		for _, ph := range c.parents {
			if ph == anc.hash {
				return true, nil
			}
			if seen.Has(ph) {
				continue
			}
			seen.Add(ph)
			p, err := r.Commit(ctx, ph)
			if err != nil {
				return false, err
			}
			if p.height > anc.height {
				heap.Push(q, p)
			}
		}
	}
	return false, nil
}
