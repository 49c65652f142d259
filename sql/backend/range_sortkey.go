package backend

import (
	"context"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// ORDER BY a utf8mb4_0900_bin column compares bytes where that is GMS's order.
//
// GMS's sort (Sort, TopN) compares two rows' keys with the key's type: for a string under
// utf8mb4_0900_bin (the server's default collation) StringType.Compare decodes both
// strings rune by rune and compares code points, shorter first when one is a prefix of
// the other (NO PAD). sysbench's ORDER BY c over 100 rows spends most of its sort there.
// binSortRule, added to GMS's OnceAfterAll, gives every Sort and TopN key that is a
// column (a GetField) of such a type a binSortKey: the same column, printed and evaluated
// the same, whose type compares two strings by their bytes when the first differing
// byte of both, or the byte after the shorter one, is ASCII (binCompare), and otherwise
// as GMS does. Invariant "bytewise sort keys": there the byte order is GMS's order, so
// every sort returns the rows GMS's would, in the same (stable) order; TestBinCompare
// checks binCompare against StringType.Compare on seeded random strings, invalid UTF-8
// included. The plan's nodes and their text are unchanged (the key's String and
// DebugString are the column's); a rule that rebuilds the key gets GMS's GetField back.

const binSortRuleID analyzer.RuleId = 1_000_030

func init() {
	appendOnceAfterAll(analyzer.Rule{Id: binSortRuleID, Apply: binSortRule})
}

func binSortRule(ctx *sql.Context, _ *analyzer.Analyzer, n sql.Node, _ *plan.Scope, _ analyzer.RuleSelector, _ *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
	return transform.Node(ctx, n, func(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
		var exprs []sql.Expression
		from := 0 // the first sort key among exprs
		switch s := n.(type) {
		case *plan.Sort:
			exprs = s.Expressions()
		case *plan.TopN:
			exprs, from = s.Expressions(), 1
		default:
			return n, transform.SameTree, nil
		}
		var out []sql.Expression
		for i := from; i < len(exprs); i++ {
			k, ok := binSortKeyOf(ctx, exprs[i])
			if !ok {
				continue
			}
			if out == nil {
				out = append([]sql.Expression(nil), exprs...)
			}
			out[i] = k
		}
		if out == nil {
			return n, transform.SameTree, nil
		}
		nn, err := n.(sql.Expressioner).WithExpressions(ctx, out...)
		if err != nil {
			return n, transform.SameTree, err
		}
		return nn, transform.NewTree, nil
	})
}

// binSortKeyOf returns e as a binSortKey if it is a column of a utf8mb4_0900_bin string
// type.
func binSortKeyOf(ctx *sql.Context, e sql.Expression) (sql.Expression, bool) {
	gf, ok := e.(*expression.GetField)
	if !ok {
		return nil, false
	}
	st, ok := gf.Type(ctx).(types.StringType)
	if !ok || st.Collation() != sql.Collation_utf8mb4_0900_bin {
		return nil, false
	}
	return &binSortKey{GetField: gf, typ: &binString{StringType: st}}, true
}

// binSortKey is a sort key column whose type compares bytewise where that is GMS's
// order (see above). Everything but Type is the GetField's.
type binSortKey struct {
	*expression.GetField
	typ *binString // a pointer: Type's interface value then needs no allocation
}

var _ sql.Expression = (*binSortKey)(nil)

// Type returns the column's type with binCompare in front of its Compare.
func (k *binSortKey) Type(*sql.Context) sql.Type { return k.typ }

// binString is a utf8mb4_0900_bin StringType whose Compare tries binCompare first.
type binString struct {
	types.StringType
}

// Compare implements sql.Type.
func (t *binString) Compare(ctx context.Context, a, b any) (int, error) {
	if as, ok := a.(string); ok {
		if bs, ok := b.(string); ok {
			if c, ok := binCompare(as, bs); ok {
				return c, nil
			}
		}
	}
	return t.StringType.Compare(ctx, a, b)
}

// binCompare compares a and b by their bytes and reports whether that is the order of
// utf8mb4_0900_bin's StringType.Compare: when the first byte where they differ is ASCII
// in both, or, if one is a prefix of the other, the longer one's next byte is ASCII (or
// they are equal). GMS decodes both strings identically up to that byte (the bytes
// before it are the same, and an ASCII byte is never a continuation byte, so no rune
// decoded before it reaches it), where both stand at a rune boundary; there the ASCII
// runes, or the end of the shorter string, decide as the bytes do.
func binCompare(a, b string) (int, bool) {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i < n {
		x, y := a[i], b[i]
		if x >= 0x80 || y >= 0x80 {
			return 0, false
		}
		if x < y {
			return -1, true
		}
		return 1, true
	}
	switch {
	case len(a) == len(b):
		return 0, true
	case len(a) < len(b):
		if b[n] >= 0x80 {
			return 0, false
		}
		return -1, true
	default:
		if a[n] >= 0x80 {
			return 0, false
		}
		return 1, true
	}
}
