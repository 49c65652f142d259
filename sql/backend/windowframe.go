package backend

import (
	"io"
	"reflect"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression/function/aggregation"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// A window aggregate with ORDER BY and no frame covers the partition up to the current
// row's last peer.
//
// SQL's default frame for an aggregate over a window with an ORDER BY is RANGE BETWEEN
// UNBOUNDED PRECEDING AND CURRENT ROW: the rows up to the current one and its peers (the
// rows equal to it on every ORDER BY expression). GMS's default framer looks at the
// first ORDER BY expression only and assumes it ascends, so
//
//	SELECT id, b, COUNT(*) OVER (ORDER BY b DESC) FROM t1             -- every row: the whole partition
//	SELECT id, b, MAX(id) OVER (PARTITION BY c ORDER BY b DESC) FROM t1 -- likewise
//	SELECT id, b, COUNT(*) OVER (ORDER BY b, id) FROM t1               -- rows tied on b counted as peers
//
// returned the whole partition's count and maximum for a descending order, and counted
// rows tied on the first column only (GMS's in-memory backend does the same). The
// correction wraps the analyzer rule flattenDistinct (which runs on every query after
// the plan is built): every aggregate of GMS's aggregation package (COUNT, MIN, MAX,
// SUM, AVG, BIT_*, GROUP_CONCAT, JSON_*AGG), or the backend's wrapper of one (exact SUM
// and AVG, nullable MIN, MAX, ...: isAggregateFunction), in a Window node whose window
// has an ORDER BY and no frame gets peerRangeFrame, whose framer compares rows on every ORDER BY
// expression. Explicit frames and the ranking and value functions (ROW_NUMBER, RANK,
// LAG, FIRST_VALUE, ...: their own framers) are left alone.

// windowFrameRule returns rule followed by giving the default-framed window aggregates
// peerRangeFrame.
func windowFrameRule(rule analyzer.RuleFunc) analyzer.RuleFunc {
	return thenFix(rule, framePeerWindows)
}

// aggregationPkg is the package path of GMS's aggregate functions, whose window
// functions use the default framer.
var aggregationPkg = reflect.TypeOf(aggregation.Count{}).PkgPath()

// isAggregateFunction reports whether e is one of GMS's aggregate functions, or the
// backend's wrapper of one (exactSum: SUM and AVG; nullableAgg: MIN, MAX, ...).
func isAggregateFunction(e sql.Expression) bool {
	switch e.(type) {
	case *exactSum, *nullableAgg:
		return true
	}
	return reflect.Indirect(reflect.ValueOf(e)).Type().PkgPath() == aggregationPkg
}

// framePeerWindows returns n with every Window node's default-framed aggregates given
// peerRangeFrame. It walks every child, those of a SubqueryAlias included.
func framePeerWindows(ctx *sql.Context, n sql.Node) (sql.Node, bool, error) {
	n, changed, err := mapChildren(ctx, n, func(_ int, c sql.Node) (sql.Node, bool, error) {
		return framePeerWindows(ctx, c)
	})
	if err != nil {
		return nil, false, err
	}
	w, ok := n.(*plan.Window)
	if !ok {
		return n, changed, nil
	}
	exprs := make([]sql.Expression, len(w.SelectExprs))
	framed := false
	for i, e := range w.SelectExprs {
		ne, same, err := transform.Expr(ctx, e, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
			wa, ok := e.(sql.WindowAdaptableExpression)
			if !ok || !isAggregateFunction(e) {
				return e, transform.SameTree, nil
			}
			def := wa.Window()
			if def == nil || def.Frame != nil || len(def.OrderBy) == 0 {
				return e, transform.SameTree, nil
			}
			nd := *def
			nd.Frame = peerRangeFrame{}
			return wa.WithWindow(ctx, &nd), transform.NewTree, nil
		})
		if err != nil {
			return nil, false, err
		}
		framed = framed || same == transform.NewTree
		exprs[i] = ne
	}
	if !framed {
		return n, changed, nil
	}
	nw, err := w.WithExpressions(ctx, exprs...)
	if err != nil {
		return nil, false, err
	}
	return nw, true, nil
}

// peerRangeFrame is RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW, with peers
// compared on every ORDER BY expression of the window.
type peerRangeFrame struct{}

var _ sql.WindowFrame = peerRangeFrame{}

func (peerRangeFrame) String() string {
	return "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
}

func (peerRangeFrame) NewFramer(w *sql.WindowDefinition) (sql.WindowFramer, error) {
	return &peerRangeFramer{orderBy: w.OrderBy.ToExpressions()}, nil
}

func (peerRangeFrame) UnboundedFollowing() bool        { return false }
func (peerRangeFrame) UnboundedPreceding() bool        { return true }
func (peerRangeFrame) StartCurrentRow() bool           { return false }
func (peerRangeFrame) EndCurrentRow() bool             { return true }
func (peerRangeFrame) StartNPreceding() sql.Expression { return nil }
func (peerRangeFrame) StartNFollowing() sql.Expression { return nil }
func (peerRangeFrame) EndNPreceding() sql.Expression   { return nil }
func (peerRangeFrame) EndNFollowing() sql.Expression   { return nil }

// peerRangeFramer gives each row of a partition (sorted by the window's ORDER BY) the
// frame from the partition's start to the end of the row's peer group. Not safe for
// concurrent use; NewFramer makes one per partition.
type peerRangeFramer struct {
	orderBy          []sql.Expression
	idx              int // the next row
	start, end       int // the partition
	frameEnd         int // the current frame's end (exclusive)
	partitionStarted bool
}

var _ sql.WindowFramer = (*peerRangeFramer)(nil)

func (f *peerRangeFramer) NewFramer(interval sql.WindowInterval) (sql.WindowFramer, error) {
	return &peerRangeFramer{orderBy: f.orderBy, idx: interval.Start, start: interval.Start, end: interval.End,
		frameEnd: interval.Start, partitionStarted: true}, nil
}

func (f *peerRangeFramer) Next(ctx *sql.Context, buf sql.WindowBuffer) (sql.WindowInterval, error) {
	if !f.partitionStarted || f.idx >= f.end {
		return sql.WindowInterval{}, io.EOF
	}
	if f.frameEnd <= f.idx { // the row starts a new peer group: find its end
		f.frameEnd = f.idx + 1
		for f.frameEnd < f.end {
			peer, err := f.peers(ctx, buf[f.idx], buf[f.frameEnd])
			if err != nil {
				return sql.WindowInterval{}, err
			}
			if !peer {
				break
			}
			f.frameEnd++
		}
	}
	f.idx++
	return f.Interval()
}

// peers reports whether rows a and b are equal on every ORDER BY expression (NULLs
// equal each other).
func (f *peerRangeFramer) peers(ctx *sql.Context, a, b sql.Row) (bool, error) {
	for _, e := range f.orderBy {
		x, err := e.Eval(ctx, a)
		if err != nil {
			return false, err
		}
		y, err := e.Eval(ctx, b)
		if err != nil {
			return false, err
		}
		if x == nil || y == nil {
			if x != nil || y != nil {
				return false, nil
			}
			continue
		}
		c, err := e.Type(ctx).Compare(ctx, x, y)
		if err != nil {
			return false, err
		}
		if c != 0 {
			return false, nil
		}
	}
	return true, nil
}

func (f *peerRangeFramer) FirstIdx() int { return f.start }
func (f *peerRangeFramer) LastIdx() int  { return f.frameEnd }

func (f *peerRangeFramer) Interval() (sql.WindowInterval, error) {
	return sql.WindowInterval{Start: f.start, End: f.frameEnd}, nil
}
