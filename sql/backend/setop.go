package backend

import (
	"io"
	"slices"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/iters"
	"github.com/dolthub/go-mysql-server/sql/plan"
)

// UNION, INTERSECT and EXCEPT compare strings under their collation.
//
// MySQL's set operations compare rows as SELECT DISTINCT does: under the default
// utf8mb4_0900_ai_ci, SELECT name FROM p UNION SELECT name FROM q returns 'alice' once when
// p holds 'alice' and q 'ALICE' (the first one read), their INTERSECT is one row and their
// EXCEPT is empty; a binary column keeps both spellings. GMS's set operation executor
// (rowexec buildSetOp, with iters.IntersectIter and iters.ExceptIter) hashed each row's
// values without their types, so the spellings were different rows. Invariant "collated
// set operations": distinctBuilder (distinct.go) runs every plan.SetOp that compares rows
// (UNION and UNION DISTINCT, INTERSECT and EXCEPT with or without ALL; not UNION ALL)
// whose schema (the result columns, whose types GMS generalizes from both arms) has a
// string column under a collation that is not bytewise with buildCollatedSetOp, which
// hashes rows with SELECT DISTINCT's collatedHasher (each string by its collation's
// weights, a PAD SPACE column's without trailing spaces). The rows returned are the
// first arm's, the first one read of each group: UNION keeps the first row read of each
// group of equal rows; INTERSECT returns the rows of the left arm that the right arm
// holds (once each; INTERSECT ALL as many times as both arms hold them, min(m, n));
// EXCEPT the rows of the left arm the right arm does not hold (once each; EXCEPT ALL
// max(m-n, 0) times); with ALL, each copy is the left arm's first row of its group, as
// MySQL's counted temporary table returns it (MariaDB 10.11 agrees). NULLs are equal to each other, as in MySQL. The set operation's
// own ORDER BY, LIMIT and OFFSET apply to the result, as in GMS. A recursive CTE's UNION:
// recursivecte.go. Tests: server TestSetOpCollation.

// collatedSetOp reports whether s compares its rows (see above) and has a string column
// under a collation that is not bytewise; it returns s's schema.
func collatedSetOp(ctx *sql.Context, s *plan.SetOp) (sql.Schema, bool) {
	if s.SetOpType == plan.UnionType && !s.Distinct {
		return nil, false
	}
	sch := s.Schema(ctx)
	return sch, hasCollatedString(sch)
}

// buildCollatedSetOp runs s (see above), base building its arms.
func buildCollatedSetOp(ctx *sql.Context, base sql.NodeExecBuilder, s *plan.SetOp, sch sql.Schema, row sql.Row) (sql.RowIter, error) {
	span, ctx := ctx.Span("plan.SetOp")
	left, err := base.Build(ctx, s.Left(), row)
	if err != nil {
		span.End()
		return nil, err
	}
	var it sql.RowIter
	switch s.SetOpType {
	case plan.IntersectType, plan.ExceptType:
		right, err := base.Build(ctx, s.Right(), row)
		if err != nil {
			_ = left.Close(ctx)
			span.End()
			return nil, err
		}
		it = &bagIter{
			left:     left,
			right:    right,
			except:   s.SetOpType == plan.ExceptType,
			distinct: s.Distinct,
			hasher:   newCollatedHasher(sch),
		}
	default:
		it = iters.NewDistinctIter(ctx, &iters.UnionIter{
			Cur: left,
			NextIter: func(ctx *sql.Context) (sql.RowIter, error) {
				return base.Build(ctx, s.Right(), row)
			},
		}, newCollatedHasher(sch))
	}
	// The OFFSET rows are skipped before the LIMIT counts; a sorted set operation with
	// an OFFSET has lost it to an Offset node above it (unionoffset.go).
	if s.Offset != nil {
		n, err := iters.GetInt64Value(ctx, s.Offset)
		if err != nil {
			_ = it.Close(ctx)
			span.End()
			return nil, err
		}
		it = &skipIter{child: it, skip: n}
	}
	if s.Limit != nil {
		n, err := iters.GetInt64Value(ctx, s.Limit)
		if err != nil {
			_ = it.Close(ctx)
			span.End()
			return nil, err
		}
		if len(s.SortConditions) > 0 {
			it = iters.NewTopRowsIter(s.SortConditions, n, false, it)
		} else {
			it = &iters.LimitIter{Limit: n, ChildIter: it}
		}
	} else if len(s.SortConditions) > 0 {
		it = iters.NewSortIter(s.SortConditions, it)
	}
	return sql.NewSpanIter(span, it), nil
}

// bagIter is INTERSECT or EXCEPT of two arms, with or without ALL, comparing rows by
// hasher. It reads the right arm whole at the first Next, counting its rows by hash,
// then streams the left arm. Not safe for concurrent use.
type bagIter struct {
	left, right sql.RowIter
	except      bool // EXCEPT, else INTERSECT
	distinct    bool // without ALL
	hasher      *collatedHasher
	// counts[h]: the right arm's rows of hash h not yet matched (> 0); for EXCEPT
	// without ALL, -1 marks a left row already returned.
	counts map[uint64]int
	// first[h] (with ALL): a copy of the left arm's first row of hash h, which every
	// copy of the group returned repeats, as MySQL's counted temporary table does.
	first map[uint64]sql.Row
}

// Next implements sql.RowIter.
func (b *bagIter) Next(ctx *sql.Context) (sql.Row, error) {
	if b.counts == nil {
		b.counts = map[uint64]int{}
		for {
			r, err := b.right.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			h, err := b.hasher.HashOf(ctx, r)
			if err != nil {
				return nil, err
			}
			b.counts[h]++
		}
	}
	for {
		r, err := b.left.Next(ctx)
		if err != nil {
			return nil, err
		}
		h, err := b.hasher.HashOf(ctx, r)
		if err != nil {
			return nil, err
		}
		if !b.distinct {
			if b.first == nil {
				b.first = map[uint64]sql.Row{}
			}
			f, ok := b.first[h]
			if !ok {
				f = slices.Clone(r)
				b.first[h] = f
			}
			r = slices.Clone(f)
		}
		n := b.counts[h]
		switch {
		case !b.except && n > 0: // INTERSECT: the right arm holds it
			if b.distinct {
				b.counts[h] = 0 // once
			} else {
				b.counts[h] = n - 1
			}
			return r, nil
		case b.except && n > 0: // EXCEPT: the right arm holds it
			if !b.distinct {
				b.counts[h] = n - 1
			}
		case b.except && n == 0: // EXCEPT: not in the right arm, not returned yet
			if b.distinct {
				b.counts[h] = -1
			}
			return r, nil
		}
	}
}

// Close implements sql.RowIter.
func (b *bagIter) Close(ctx *sql.Context) error {
	err := b.left.Close(ctx)
	if err2 := b.right.Close(ctx); err == nil {
		err = err2
	}
	return err
}

// skipIter skips the first skip rows of child (a set operation's OFFSET).
type skipIter struct {
	child sql.RowIter
	skip  int64
}

// Next implements sql.RowIter.
func (s *skipIter) Next(ctx *sql.Context) (sql.Row, error) {
	for ; s.skip > 0; s.skip-- {
		if _, err := s.child.Next(ctx); err != nil {
			return nil, err
		}
	}
	return s.child.Next(ctx)
}

// Close implements sql.RowIter.
func (s *skipIter) Close(ctx *sql.Context) error { return s.child.Close(ctx) }
