package systables

import (
	"container/heap"
	"context"
	"io"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/repo"
)

// rangeWalk lists the commits reachable from some commits but not from others (git's
// "B ^A", "A..B"), newest first in repo.Log's order (height descending, committer time
// descending, hash ascending).
//
// Like git's revision walk it keeps one queue of commits from both sides, each marked
// uninteresting if it is reachable from an excluded commit; an uninteresting commit
// passes the mark to its parents. Because a commit is higher than its parents, every
// commit is popped after all of its children, so its mark is final when it is popped.
// The walk ends as soon as only uninteresting commits are queued, so it reads the listed
// commits and the excluded commits down to about the height where the two histories
// meet, not the shared history below.
type rangeWalk struct {
	r       *repo.Repo
	q       walkQueue
	items   map[hash.Hash]*walkItem // every commit queued so far
	good    int                     // queued commits not marked uninteresting
	pending *walkItem               // returned last; its parents are queued by the next call
	err     error
}

type walkItem struct {
	c      repo.Commit
	bad    bool // reachable from an excluded commit
	queued bool
}

var _ commitIter = (*rangeWalk)(nil)

func newRangeWalk(r *repo.Repo, include, exclude []repo.Commit) *rangeWalk {
	w := &rangeWalk{r: r, items: map[hash.Hash]*walkItem{}}
	for _, c := range exclude {
		w.push(c, true)
	}
	for _, c := range include {
		w.push(c, false)
	}
	return w
}

// push queues c (once) or adds the uninteresting mark to it while it is queued.
func (w *rangeWalk) push(c repo.Commit, bad bool) {
	if it, ok := w.items[c.Hash()]; ok {
		if bad && !it.bad {
			it.bad = true
			if it.queued {
				w.good--
			}
		}
		return
	}
	it := &walkItem{c: c, bad: bad, queued: true}
	w.items[c.Hash()] = it
	if !bad {
		w.good++
	}
	heap.Push(&w.q, it)
}

// Next returns the next listed commit, or io.EOF.
func (w *rangeWalk) Next(ctx context.Context) (repo.Commit, error) {
	if w.err != nil {
		return repo.Commit{}, w.err
	}
	for {
		if w.pending != nil {
			if err := w.expand(ctx, w.pending); err != nil {
				w.err = err
				return repo.Commit{}, err
			}
			w.pending = nil
		}
		if w.good == 0 {
			return repo.Commit{}, io.EOF
		}
		it := heap.Pop(&w.q).(*walkItem)
		it.queued = false
		if it.bad {
			if err := w.expand(ctx, it); err != nil {
				w.err = err
				return repo.Commit{}, err
			}
			continue
		}
		w.good--
		w.pending = it
		return it.c, nil
	}
}

// expand queues the parents of it, passing on its mark.
func (w *rangeWalk) expand(ctx context.Context, it *walkItem) error {
	for _, ph := range it.c.Parents() {
		if p, ok := w.items[ph]; ok {
			if it.bad && !p.bad {
				p.bad = true
				if p.queued {
					w.good--
				}
			}
			continue
		}
		p, err := w.r.Commit(ctx, ph)
		if err != nil {
			return err
		}
		w.push(p, it.bad)
	}
	return nil
}

// walkQueue is a heap of commits in repo.Log's order.
type walkQueue []*walkItem

func (q walkQueue) Len() int { return len(q) }
func (q walkQueue) Less(i, j int) bool {
	a, b := q[i].c, q[j].c
	if a.Height() != b.Height() {
		return a.Height() > b.Height()
	}
	at, bt := a.Committer().Time, b.Committer().Time
	if !at.Equal(bt) {
		return at.After(bt)
	}
	return a.Hash().Less(b.Hash())
}
func (q walkQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *walkQueue) Push(x any)   { *q = append(*q, x.(*walkItem)) }
func (q *walkQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
