package systables

import (
	"container/heap"
	"context"
	"io"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/repo"
)

// rangeWalk lists the commits reachable from some commits but not from others (git's
// "B ^A", "A..B"), and for each symmetric pair A...B those reachable from A or B but not
// from both, newest first in repo.Log's order (height descending, committer time
// descending, hash ascending).
//
// Like git's revision walk it keeps one queue of commits from every side, each carrying
// marks: the uninteresting mark (reachable from an excluded commit) and, for each
// symmetric pair, a bit per side. A commit is passed over if it is uninteresting or
// reachable from both sides of a pair; its marks pass to its parents. Because a commit is
// higher than its parents, every commit is popped after all of its children, so its marks
// are final when it is popped. The walk ends as soon as only passed-over commits are
// queued, so it reads the listed commits and the excluded ones down to about the height
// where the histories meet, not the shared history below.
type rangeWalk struct {
	r       *repo.Repo
	q       walkQueue
	pairs   []uint64                // the two side bits of each symmetric pair
	items   map[hash.Hash]*walkItem // every commit queued so far
	good    int                     // queued commits not passed over
	pending *walkItem               // returned last; its parents are queued by the next call
	err     error
}

type walkItem struct {
	c      repo.Commit
	marks  uint64
	queued bool
}

// excludedMark marks commits reachable from an excluded commit; the bits below it are the
// sides of symmetric pairs.
const excludedMark = uint64(1) << 63

// maxPairs is the number of symmetric pairs a walk can tell apart.
const maxPairs = 31

var _ commitIter = (*rangeWalk)(nil)

// newRangeWalk lists the history of include and of both sides of each pair, without the
// history of exclude and without each pair's common history. At most maxPairs pairs.
func newRangeWalk(r *repo.Repo, include, exclude []repo.Commit, pairs [][2]repo.Commit) *rangeWalk {
	w := &rangeWalk{r: r, items: map[hash.Hash]*walkItem{}}
	for _, c := range exclude {
		w.add(c, excludedMark)
	}
	for i, p := range pairs {
		a, b := uint64(1)<<(2*i), uint64(1)<<(2*i+1)
		w.pairs = append(w.pairs, a|b)
		w.add(p[0], a)
		w.add(p[1], b)
	}
	for _, c := range include {
		w.add(c, 0)
	}
	return w
}

func (w *rangeWalk) passedOver(marks uint64) bool {
	if marks&excludedMark != 0 {
		return true
	}
	for _, p := range w.pairs {
		if marks&p == p {
			return true
		}
	}
	return false
}

// mark adds marks to a known commit.
func (w *rangeWalk) mark(it *walkItem, marks uint64) {
	was := w.passedOver(it.marks)
	it.marks |= marks
	if it.queued && !was && w.passedOver(it.marks) {
		w.good--
	}
}

// add queues c with marks, or adds the marks to it if it is known.
func (w *rangeWalk) add(c repo.Commit, marks uint64) {
	if it, ok := w.items[c.Hash()]; ok {
		w.mark(it, marks)
		return
	}
	it := &walkItem{c: c, marks: marks, queued: true}
	w.items[c.Hash()] = it
	if !w.passedOver(marks) {
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
		if w.passedOver(it.marks) {
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

// expand queues the parents of it, passing on its marks.
func (w *rangeWalk) expand(ctx context.Context, it *walkItem) error {
	for _, ph := range it.c.Parents() {
		if p, ok := w.items[ph]; ok {
			w.mark(p, it.marks)
			continue
		}
		p, err := w.r.Commit(ctx, ph)
		if err != nil {
			return err
		}
		w.add(p, it.marks)
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
