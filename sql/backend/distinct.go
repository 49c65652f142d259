package backend

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/hash"
	"github.com/dolthub/go-mysql-server/sql/iters"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// DISTINCT compares strings under their collation.
//
// MySQL's SELECT DISTINCT keeps one row of each group of rows equal under the columns'
// collations: under the default utf8mb4_0900_ai_ci, 'Alice', 'alice' and 'ALICE' are one
// row (the first one read). GMS's hashed DISTINCT (plan.Distinct, run by
// iters.NewDistinctIter) hashes each row's values without their types, so they were
// three. Invariant "collated DISTINCT": distinctBuilder, a priority builder of the exec
// builder (InstallCollatedDistinct), runs a plan.Distinct whose child has a string
// column under a collation that is not bytewise with a hasher that hashes each string
// by its collation's weights (hash.HashOf with the child's schema, as GMS's GROUP BY
// does), a PAD SPACE column's strings without their trailing spaces, so rows equal
// under the collation are one row. Its sorted form
// (plan.OrderedDistinct) already compares under the collation. COUNT(DISTINCT ...) uses
// the same hasher (countdistinct.go), and so do UNION, INTERSECT and EXCEPT (setop.go,
// built by distinctBuilder) and GROUP_CONCAT(DISTINCT ...) (groupconcat.go);
// distinctBuilder also builds GROUP BY with PAD SPACE keys (grouppad.go) and a recursive
// CTE's UNION DISTINCT (recursivecte.go). Tests: server TestDistinctCollation,
// TestSetOpCollation.

// InstallCollatedDistinct installs distinctBuilder as the priority builder of a's exec
// builder (ahead of those installed before it); server.NewEngine calls it.
func InstallCollatedDistinct(a *analyzer.Analyzer) {
	b := a.ExecBuilder
	if _, done := b.PriorityBuilder.(distinctBuilder); done {
		return
	}
	b.PriorityBuilder = distinctBuilder{base: b, next: b.PriorityBuilder}
}

// distinctBuilder is a priority builder of the exec builder (see above).
type distinctBuilder struct {
	base sql.NodeExecBuilder // the builder it is the priority builder of
	next sql.NodeExecBuilder // the priority builder before it (nil: none)
}

var _ sql.NodeExecBuilder = distinctBuilder{}

// Build implements sql.NodeExecBuilder.
func (b distinctBuilder) Build(ctx *sql.Context, n sql.Node, row sql.Row) (sql.RowIter, error) {
	switch n := n.(type) {
	case *plan.Distinct:
		if sch := n.Child.Schema(ctx); len(n.DistinctOn()) == 0 && hasCollatedString(sch) {
			it, err := b.base.Build(ctx, n.Child, row)
			if err != nil {
				return nil, err
			}
			return iters.NewDistinctIter(ctx, it, newCollatedHasher(sch)), nil
		}
	case *plan.SetOp:
		if sch, ok := collatedSetOp(ctx, n); ok {
			return buildCollatedSetOp(ctx, b.base, n, sch, row) // setop.go
		}
	case *plan.RecursiveCte:
		if sch := n.Schema(ctx); n.Union().Distinct && hasCollatedString(sch) {
			return buildCollatedRecursiveCte(ctx, b.base, n, sch, row) // recursivecte.go
		}
	case *plan.GroupBy:
		if g, ok := padGroupBy(ctx, n); ok {
			return b.base.Build(ctx, g, row) // grouppad.go; comes back with none to wrap
		}
	}
	if b.next == nil {
		return nil, nil
	}
	return b.next.Build(ctx, n, row)
}

// hasCollatedString reports whether sch has a string column whose collation does not
// compare bytewise (utf8mb4_0900_bin and binary strings do).
func hasCollatedString(sch sql.Schema) bool {
	for _, c := range sch {
		st, ok := c.Type.(types.StringType)
		if !ok || types.IsBinaryType(st) {
			continue
		}
		if coll := st.Collation(); coll != sql.Collation_utf8mb4_0900_bin && coll != sql.Collation_binary {
			return true
		}
	}
	return false
}

// collatedHasher hashes a row with its schema: each string by its collation's weights,
// a PAD SPACE column's strings without their trailing spaces ('a' and 'a ' are equal
// under it; the weights keep the spaces). Not safe for concurrent use (a distinct
// iterator hashes one row at a time).
type collatedHasher struct {
	sch     sql.Schema
	padded  []bool          // padded[i]: column i is text under a PAD SPACE collation
	trimmed sql.Row         // reused copy of the row with padded columns' spaces trimmed
	wide    *collatedHasher // for rows longer than sch (see HashOf)
}

func newCollatedHasher(sch sql.Schema) *collatedHasher {
	h := &collatedHasher{sch: sch}
	for i, c := range sch {
		if isPadSpaceText(c.Type) {
			if h.padded == nil {
				h.padded = make([]bool, len(sch))
			}
			h.padded[i] = true
		}
	}
	return h
}

// HashOf implements iters.DistinctHasher. A row longer than the schema is a row of a
// correlated subquery, which carries the outer scope's row before its own columns: those
// values are hashed as they are (they are the same for every row of one iterator).
func (h *collatedHasher) HashOf(ctx *sql.Context, row sql.Row) (uint64, error) {
	if extra := len(row) - len(h.sch); extra > 0 {
		if h.wide == nil || len(h.wide.sch) != len(row) {
			sch := make(sql.Schema, len(row))
			for i := range extra {
				sch[i] = &sql.Column{} // no type: hashed as it is
			}
			copy(sch[extra:], h.sch)
			h.wide = newCollatedHasher(sch)
		}
		return h.wide.HashOf(ctx, row)
	}
	if h.padded == nil {
		return hash.HashOf(ctx, h.sch, row)
	}
	h.trimmed = append(h.trimmed[:0], row...)
	for i, p := range h.padded {
		if !p || i >= len(h.trimmed) {
			continue
		}
		if s, ok := h.trimmed[i].(string); ok {
			h.trimmed[i] = strings.TrimRight(s, " ")
		}
	}
	return hash.HashOf(ctx, h.sch, h.trimmed)
}
