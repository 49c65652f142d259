package backend

import (
	"fmt"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// String comparisons under PAD SPACE collations.
//
// Under a PAD SPACE collation (utf8mb4_general_ci, utf8mb4_bin, utf8mb4_unicode_ci,
// latin1_*, ...) MySQL compares two strings as if the shorter were padded with spaces to
// the longer's length: 'a' = 'a ', and 'a\t' < 'a' (a tab sorts below the space that pads
// 'a'). NO PAD collations (MySQL 8's default utf8mb4_0900_ai_ci, utf8mb4_0900_bin) compare
// the strings as they are. Storage orders keys this way already (merkle/tuple's
// collations), but GMS's StringType.Compare ignores the pad attribute, so a filter and an
// index range over the same predicate disagreed. Invariant "PAD SPACE comparisons": the
// comparisons =, <=>, <, <=, >, >= of two strings whose comparison collation is PAD
// SPACE are replaced by padCompare, which compares with the collation's weights and
// then weighs the longer string's rest against the space; this is done in every plan
// (padSpaceBuilder, as a plan is built for execution: GMS's index selection has read the
// original comparisons) and in a lookup's range filter (lookup.go), so a scan and a
// lookup of one predicate return the same rows. Not covered (GMS's own comparison
// stays): joins' hash keys and ORDER BY (GROUP BY: grouppad.go; DISTINCT and set
// operations: distinct.go, setop.go). `x [NOT] IN (list)` of
// strings under PAD SPACE is replaced by padIn, and `x BETWEEN a AND b` by the
// conjunction GMS evaluates it as, with PAD SPACE comparisons.

type padOp uint8

const (
	padEq padOp = iota
	padNullSafeEq
	padLt
	padLe
	padGt
	padGe
)

// padSpaceOp returns the padOp of a GMS comparison and whether e is one.
func padSpaceOp(e sql.Expression) (padOp, bool) {
	switch e.(type) {
	case *expression.Equals:
		return padEq, true
	case *expression.NullSafeEquals:
		return padNullSafeEq, true
	case *expression.LessThan:
		return padLt, true
	case *expression.LessThanOrEqual:
		return padLe, true
	case *expression.GreaterThan:
		return padGt, true
	case *expression.GreaterThanOrEqual:
		return padGe, true
	}
	return 0, false
}

// padSpaceExpr returns e with its comparisons of strings under a PAD SPACE collation
// replaced by padCompare (e itself if there are none).
func padSpaceExpr(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
	return transform.Expr(ctx, e, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
		if _, done := e.(*padCompare); done {
			return e, transform.SameTree, nil
		}
		switch x := e.(type) {
		case *expression.InTuple, *expression.HashInTuple:
			return padInTuple(ctx, e)
		case *expression.Between:
			// GMS evaluates BETWEEN as this conjunction; as one, it compares with PAD SPACE.
			and := expression.NewAnd(expression.NewLessThanOrEqual(x.Lower, x.Val), expression.NewGreaterThanOrEqual(x.Upper, x.Val))
			if out, same, err := padSpaceExpr(ctx, and); err != nil || same == transform.NewTree {
				return out, same, err
			}
			return e, transform.SameTree, nil
		}
		op, ok := padSpaceOp(e)
		if !ok {
			return e, transform.SameTree, nil
		}
		ch := e.Children()
		coll, ok := padCollation(ctx, e, ch[0].Type(ctx), ch[1].Type(ctx))
		if !ok {
			return e, transform.SameTree, nil
		}
		return &padCompare{orig: e, op: op, coll: coll}, transform.NewTree, nil
	})
}

// padCollation returns the collation GMS would compare two values of types l and r
// under, and whether it applies here: both text (not binary, not numbers) and PAD SPACE.
func padCollation(ctx *sql.Context, cmp sql.Expression, l, r sql.Type) (sql.CollationID, bool) {
	if !types.IsTextOnly(l) || !types.IsTextOnly(r) {
		return 0, false
	}
	var coll sql.CollationID
	if types.TypesEqual(l, r) {
		coll = l.(sql.StringType).Collation()
	} else { // as GMS's comparison resolves it (its own CollationCoercibility is its result's)
		ch := cmp.Children()
		lc, lco := sql.GetCoercibility(ctx, ch[0])
		rc, rco := sql.GetCoercibility(ctx, ch[1])
		coll, _ = sql.ResolveCoercibility(lc, lco, rc, rco)
	}
	if coll.PadAttribute() != "PAD SPACE" || coll.Sorter() == nil || coll.CharacterSet() == sql.CharacterSet_binary {
		return 0, false
	}
	return coll, true
}

// padCompare is a GMS string comparison (orig) evaluated with PAD SPACE (padCompareStrings).
// Values that are not strings once evaluated are left to orig.
type padCompare struct {
	orig sql.Expression // *expression.Equals, ... (see padSpaceOp)
	op   padOp
	coll sql.CollationID
}

var _ sql.Expression = (*padCompare)(nil)

func (p *padCompare) Resolved() bool                      { return p.orig.Resolved() }
func (p *padCompare) String() string                      { return p.orig.String() }
func (p *padCompare) Type(ctx *sql.Context) sql.Type      { return p.orig.Type(ctx) }
func (p *padCompare) IsNullable(ctx *sql.Context) bool    { return p.orig.IsNullable(ctx) }
func (p *padCompare) Children() []sql.Expression          { return p.orig.Children() }
func (p *padCompare) Unwrap() sql.Expression              { return p.orig }
func (p *padCompare) DebugString(ctx *sql.Context) string { return sql.DebugString(ctx, p.orig) }

func (p *padCompare) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	o, err := p.orig.WithChildren(ctx, children...)
	if err != nil {
		return nil, err
	}
	return &padCompare{orig: o, op: p.op, coll: p.coll}, nil
}

// CollationCoercibility implements sql.CollationCoercible as the comparison does.
func (p *padCompare) CollationCoercibility(ctx *sql.Context) (sql.CollationID, byte) {
	if cc, ok := p.orig.(sql.CollationCoercible); ok {
		return cc.CollationCoercibility(ctx)
	}
	return sql.Collation_binary, 7
}

func (p *padCompare) Eval(ctx *sql.Context, row sql.Row) (any, error) {
	ch := p.orig.Children()
	l, err := ch[0].Eval(ctx, row)
	if err != nil {
		return nil, err
	}
	r, err := ch[1].Eval(ctx, row)
	if err != nil {
		return nil, err
	}
	if l == nil || r == nil {
		if p.op == padNullSafeEq {
			return l == nil && r == nil, nil
		}
		return nil, nil
	}
	ls, lok := padString(ctx, l)
	rs, rok := padString(ctx, r)
	if !lok || !rok {
		return p.orig.Eval(ctx, row)
	}
	c, err := padCompareStrings(p.coll, ls, rs)
	if err != nil {
		return nil, err
	}
	switch p.op {
	case padEq, padNullSafeEq:
		return c == 0, nil
	case padLt:
		return c < 0, nil
	case padLe:
		return c <= 0, nil
	case padGt:
		return c > 0, nil
	default:
		return c >= 0, nil
	}
}

func padString(ctx *sql.Context, v any) (string, bool) {
	v, err := sql.UnwrapAny(ctx, v)
	if err != nil {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// padCompareStrings compares a and b under coll with PAD SPACE: character by character by
// the collation's weights (as GMS's StringType.Compare does), then the rest of the longer
// one against spaces.
func padCompareStrings(coll sql.CollationID, a, b string) (int, error) {
	enc := coll.CharacterSet().Encoder()
	weight := coll.Sorter()
	for len(a) > 0 && len(b) > 0 {
		ar, an := enc.NextRune(a)
		br, bn := enc.NextRune(b)
		if an == 0 || bn == 0 {
			return 0, fmt.Errorf("backend: malformed string in a %s comparison", coll.Name())
		}
		if aw, bw := weight(ar), weight(br); aw != bw {
			if aw < bw {
				return -1, nil
			}
			return 1, nil
		}
		a, b = a[an:], b[bn:]
	}
	rest, sign := a, 1
	if len(a) == 0 {
		rest, sign = b, -1
	}
	space := weight(' ')
	for len(rest) > 0 {
		r, n := enc.NextRune(rest)
		if n == 0 {
			return 0, fmt.Errorf("backend: malformed string in a %s comparison", coll.Name())
		}
		if w := weight(r); w != space {
			if w < space {
				return -sign, nil
			}
			return sign, nil
		}
		rest = rest[n:]
	}
	return 0, nil
}

// padSpaceBuilder is a priority builder of the exec builder (installed by
// InstallPlannerFixes with installPadSpace): a Filter, Having, Project or join whose
// expressions compare strings under a PAD SPACE collation is built by base with them
// replaced by padCompare (base calls it again for the new node, which has none left and
// goes on to next). Doing it here rather than in an analyzer rule covers GMS's short
// analysis of a simple SELECT, which runs none of the rules an integrator can wrap, and
// the subqueries' plans, built by the same builder.
type padSpaceBuilder struct {
	base sql.NodeExecBuilder // the builder it is the priority builder of
	next sql.NodeExecBuilder // the priority builder before it (nil: none)
}

func (b padSpaceBuilder) Build(ctx *sql.Context, n sql.Node, row sql.Row) (sql.RowIter, error) {
	switch n.(type) {
	case *plan.Filter, *plan.Having, *plan.Project, *plan.JoinNode:
		nn, same, err := transform.OneNodeExpressions(ctx, n, padSpaceExpr)
		if err != nil {
			return nil, err
		}
		if same == transform.NewTree {
			return b.base.Build(ctx, nn, row)
		}
	}
	if b.next == nil {
		return nil, nil
	}
	return b.next.Build(ctx, n, row)
}

// installPadSpace installs padSpaceBuilder as the priority builder of a's exec builder.
func installPadSpace(a *analyzer.Analyzer) {
	b := a.ExecBuilder
	if _, done := b.PriorityBuilder.(padSpaceBuilder); done {
		return
	}
	b.PriorityBuilder = padSpaceBuilder{base: b, next: b.PriorityBuilder}
}

// padInTuple returns e, an IN list (InTuple or HashInTuple), as a padIn if its left side
// and every element are text compared under a PAD SPACE collation.
func padInTuple(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
	ch := e.Children()
	if len(ch) != 2 {
		return e, transform.SameTree, nil
	}
	tup, ok := ch[1].(expression.Tuple)
	if !ok || len(tup) == 0 {
		return e, transform.SameTree, nil
	}
	var coll sql.CollationID
	for i, el := range tup {
		cmp := expression.NewEquals(ch[0], el)
		c, ok := padCollation(ctx, cmp, ch[0].Type(ctx), el.Type(ctx))
		if !ok || (i > 0 && c != coll) {
			return e, transform.SameTree, nil
		}
		coll = c
	}
	return &padIn{orig: e, coll: coll}, transform.NewTree, nil
}

// padIn is `left IN (list)` of strings compared with PAD SPACE under coll: true if an
// element is equal, else NULL if left or an element is NULL, else false.
type padIn struct {
	orig sql.Expression // *expression.InTuple or *expression.HashInTuple
	coll sql.CollationID
}

var _ sql.Expression = (*padIn)(nil)

func (p *padIn) Resolved() bool                      { return p.orig.Resolved() }
func (p *padIn) String() string                      { return p.orig.String() }
func (p *padIn) Type(ctx *sql.Context) sql.Type      { return p.orig.Type(ctx) }
func (p *padIn) IsNullable(ctx *sql.Context) bool    { return p.orig.IsNullable(ctx) }
func (p *padIn) Children() []sql.Expression          { return p.orig.Children() }
func (p *padIn) DebugString(ctx *sql.Context) string { return sql.DebugString(ctx, p.orig) }

func (p *padIn) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	o, err := p.orig.WithChildren(ctx, children...)
	if err != nil {
		return nil, err
	}
	return &padIn{orig: o, coll: p.coll}, nil
}

func (p *padIn) Eval(ctx *sql.Context, row sql.Row) (any, error) {
	ch := p.orig.Children()
	l, err := ch[0].Eval(ctx, row)
	if err != nil || l == nil {
		return nil, err
	}
	ls, ok := padString(ctx, l)
	if !ok {
		return p.orig.Eval(ctx, row)
	}
	hasNull := false
	for _, el := range ch[1].(expression.Tuple) {
		v, err := el.Eval(ctx, row)
		if err != nil {
			return nil, err
		}
		if v == nil {
			hasNull = true
			continue
		}
		vs, ok := padString(ctx, v)
		if !ok {
			return p.orig.Eval(ctx, row)
		}
		c, err := padCompareStrings(p.coll, ls, vs)
		if err != nil {
			return nil, err
		}
		if c == 0 {
			return true, nil
		}
	}
	if hasNull {
		return nil, nil
	}
	return false, nil
}
