package backend

import (
	"io"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/iters"
	"github.com/dolthub/go-mysql-server/sql/plan"
)

// A recursive CTE's UNION compares strings under their collation.
//
// WITH RECURSIVE r AS (<initial> UNION [DISTINCT] <recursive>) drops each row equal to
// one it has produced, and MySQL compares them as SELECT DISTINCT does: under the default
// utf8mb4_0900_ai_ci, a recursive step that produces 'ALICE' from 'alice' adds no row (and
// so ends the recursion). GMS's recursive iterator hashed each row's bytes. Invariant
// "collated recursive UNION": distinctBuilder (distinct.go) runs a plan.RecursiveCte whose
// UNION is DISTINCT and whose schema has a string column under a collation that is not
// bytewise with recursiveIter, which hashes rows with collatedHasher and is otherwise
// GMS's algorithm: the initial part's rows, then the recursive part run again over the
// rows the previous run added (the working table, plan.RecursiveTable.Buf) until a run
// adds none, failing after 10001 runs as GMS does; the UNION's ORDER BY and LIMIT apply
// to the result. UNION ALL keeps GMS's iterator. Tests: server TestSetOpCollation.

// recursionLimit is the number of runs of a recursive part after which a recursive CTE
// fails (GMS's limit).
const recursionLimit = 10001

// buildCollatedRecursiveCte runs r (see above), base building its parts.
func buildCollatedRecursiveCte(ctx *sql.Context, base sql.NodeExecBuilder, r *plan.RecursiveCte, sch sql.Schema, row sql.Row) (sql.RowIter, error) {
	var it sql.RowIter = &recursiveIter{
		base:    base,
		init:    r.Left(),
		rec:     r.Right(),
		working: r.Working,
		row:     row,
		hasher:  newCollatedHasher(sch),
		seen:    map[uint64]struct{}{},
	}
	u := r.Union()
	if u.Limit != nil {
		n, err := iters.GetInt64Value(ctx, u.Limit)
		if err != nil {
			return nil, err
		}
		if len(u.SortConditions) > 0 {
			return iters.NewTopRowsIter(u.SortConditions, n, false, it), nil
		}
		return &iters.LimitIter{Limit: n, ChildIter: it}, nil
	}
	if len(u.SortConditions) > 0 {
		it = iters.NewSortIter(u.SortConditions, it)
	}
	return it, nil
}

// recursiveIter is a recursive CTE with UNION DISTINCT (see above). Not safe for
// concurrent use.
type recursiveIter struct {
	base      sql.NodeExecBuilder
	init, rec sql.Node
	working   *plan.RecursiveTable
	row       sql.Row // the outer row the parts are built with
	hasher    *collatedHasher
	seen      map[uint64]struct{} // hashes of the rows returned
	cur       sql.RowIter         // the part running, nil before the first Next
	added     []sql.Row           // rows the running part added: the next working table
	runs      int                 // runs of the recursive part
}

// Next implements sql.RowIter.
func (r *recursiveIter) Next(ctx *sql.Context) (sql.Row, error) {
	if r.cur == nil {
		it, err := r.base.Build(ctx, r.init, r.row)
		if err != nil {
			return nil, err
		}
		r.cur = it
	}
	for {
		row, err := r.cur.Next(ctx)
		if err == io.EOF {
			if len(r.added) == 0 {
				return nil, io.EOF
			}
			if r.runs++; r.runs > recursionLimit {
				return nil, sql.ErrCteRecursionLimitExceeded.New()
			}
			if r.working != nil {
				r.working.Buf = r.added
			}
			r.added = nil
			if err := r.cur.Close(ctx); err != nil {
				return nil, err
			}
			it, err := r.base.Build(ctx, r.rec, r.row)
			if err != nil {
				r.cur = nil
				return nil, err
			}
			r.cur = it
			continue
		}
		if err != nil {
			return nil, err
		}
		h, err := r.hasher.HashOf(ctx, row)
		if err != nil {
			return nil, err
		}
		if _, dup := r.seen[h]; dup {
			continue
		}
		r.seen[h] = struct{}{}
		r.added = append(r.added, row)
		return row, nil
	}
}

// Close implements sql.RowIter.
func (r *recursiveIter) Close(ctx *sql.Context) error {
	if r.working != nil {
		r.working.Buf = nil
	}
	r.added = nil
	if r.cur != nil {
		return r.cur.Close(ctx)
	}
	return nil
}
