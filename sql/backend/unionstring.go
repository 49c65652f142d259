package backend

import (
	"strings"
	"unicode/utf8"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/sqltypes"
)

// The string type and collation of a UNION column.
//
// When the two arms of a UNION (INTERSECT, EXCEPT) column are strings of different types,
// GMS converts both to LONGTEXT under utf8mb4_0900_bin, so VARCHAR(10) and VARCHAR(20)
// columns under utf8mb4_0900_ai_ci, or a column and a string literal, made a binary
// column: 'alice' and 'ALICE' were two rows of the UNION, and the column sorted by bytes.
// MySQL derives the column's collation from the arms' (coercibility: a column's collation
// wins over a literal's; of two columns' collations of one character set, a _bin one
// wins; a Unicode character set wins over another) and its type from theirs: CHAR with
// CHAR is CHAR of the longer length, CHAR or VARCHAR with VARCHAR is VARCHAR of the
// longer length (a literal counts its characters), and a TEXT arm makes a TEXT type.
// unionStringType gives retypeSetOp (uniontype.go, which converts both arms to it with
// unionCast) that type for a column whose arms are both non-binary strings; a TEXT arm
// gives LONGTEXT under the derived collation (MySQL may choose a smaller TEXT type). Two
// columns' collations MySQL refuses to mix (utf8mb4_general_ci with
// utf8mb4_unicode_ci: error 1271) keep GMS's type. Tests: server TestSetOpCollation.

// unionStringType is MySQL's type of a UNION column whose arms have types a and b (see
// above); aLit and bLit are the arms' string literals, when they are one (ok false: not).
func unionStringType(a, b sql.Type, aLit, bLit literalText) (sql.Type, bool) {
	sa, aok := a.(sql.StringType)
	sb, bok := b.(sql.StringType)
	if !aok || !bok || !types.IsTextOnly(a) || !types.IsTextOnly(b) {
		return nil, false
	}
	coll, ok := unionCollation(sa.Collation(), sb.Collation(), aLit.ok, bLit.ok)
	if !ok {
		return nil, false
	}
	if types.IsTextBlob(a) && !aLit.ok || types.IsTextBlob(b) && !bLit.ok {
		return types.CreateLongText(coll), true
	}
	n := max(aLit.length(sa), bLit.length(sb))
	base := sqltypes.VarChar
	if a.Type() == sqltypes.Char && b.Type() == sqltypes.Char {
		base = sqltypes.Char
	}
	t, err := types.CreateString(base, n, coll)
	if err != nil { // too long for a VARCHAR of coll's character set
		return types.CreateLongText(coll), true
	}
	return t, true
}

// unionCollation is the collation of a UNION column whose arms' collations are a and b
// (see above), a literal's when aLit (bLit); false when MySQL refuses the mix.
func unionCollation(a, b sql.CollationID, aLit, bLit bool) (sql.CollationID, bool) {
	switch {
	case a == b:
		return a, true
	case aLit && !bLit:
		return b, true
	case bLit && !aLit:
		return a, true
	case a.CharacterSet() == b.CharacterSet():
		if strings.HasSuffix(a.Name(), "_bin") {
			return a, true
		}
		if strings.HasSuffix(b.Name(), "_bin") {
			return b, true
		}
		return 0, false
	case unicodeCharset(a) && !unicodeCharset(b):
		return a, true
	case unicodeCharset(b) && !unicodeCharset(a):
		return b, true
	}
	return 0, false
}

// unicodeCharset reports whether c's character set is a Unicode one.
func unicodeCharset(c sql.CollationID) bool {
	n := c.CharacterSet().Name()
	return strings.HasPrefix(n, "utf") || n == "ucs2"
}

// literalText is a set operation arm's string literal column.
type literalText struct {
	ok    bool
	value string
}

// length is the column's length in characters: the literal's, else its type's.
func (l literalText) length(t sql.StringType) int64 {
	if l.ok {
		return int64(utf8.RuneCountInString(l.value))
	}
	return t.MaxCharacterLength()
}

// stringLiteral returns column i of arm when it is a string literal.
func stringLiteral(arm sql.Node, i int) literalText {
	p, ok := arm.(*plan.Project)
	if !ok || i >= len(p.Projections) {
		return literalText{}
	}
	e := p.Projections[i]
	if a, ok := e.(*expression.Alias); ok {
		e = a.Child
	}
	lit, ok := e.(*expression.Literal)
	if !ok {
		return literalText{}
	}
	s, ok := lit.Value().(string)
	return literalText{ok: ok, value: s}
}

// addMergeProjections gives u, whose arms' column types differ where the planbuilder saw
// them equal (an arm is a set operation retyped beneath it: SELECT a FROM t UNION
// SELECT b FROM u UNION SELECT 'x', whose first UNION was LONGTEXT like the literal), the
// merge projection the planbuilder gives arms of different types, over each arm, each
// differing column cast to the union's type (unionNumericType, unionStringType, else
// GMS's). It returns false when the arms' types agree.
func addMergeProjections(ctx *sql.Context, u *plan.SetOp) (*plan.SetOp, bool, error) {
	l, r := u.Left(), u.Right()
	if !holdsUnionCast(ctx, l) && !holdsUnionCast(ctx, r) {
		return u, false, nil
	}
	ls, rs := l.Schema(ctx), r.Schema(ctx)
	if len(ls) != len(rs) {
		return u, false, nil
	}
	target := make([]sql.Type, len(ls))
	differ := false
	for i := range ls {
		if ls[i].Type.Equals(rs[i].Type) {
			continue
		}
		differ = true
		t, ok := unionNumericType(ls[i].Type, rs[i].Type, literalDigits(l, i), literalDigits(r, i))
		if !ok {
			t, ok = unionStringType(ls[i].Type, rs[i].Type, stringLiteral(l, i), stringLiteral(r, i))
		}
		if !ok {
			t = types.GeneralizeTypes(ls[i].Type, rs[i].Type)
		}
		target[i] = t
	}
	if !differ {
		return u, false, nil
	}
	arm := func(n sql.Node, sch sql.Schema) sql.Node {
		ids := armColumnIds(n)
		if len(ids) != len(sch) {
			return n
		}
		proj := make([]sql.Expression, len(sch))
		for i, c := range sch {
			gf := expression.NewGetFieldWithTable(int(ids[i]), 0, c.Type, c.DatabaseSource, c.Source, c.Name, c.Nullable)
			if target[i] == nil {
				proj[i] = gf
				continue
			}
			proj[i] = expression.NewAlias(ctx, c.Name, &unionCast{UnaryExpressionStub: expression.UnaryExpressionStub{Child: gf}, typ: target[i]})
		}
		return plan.NewProject(ctx, proj, n)
	}
	out, err := u.WithChildren(ctx, arm(l, ls), arm(r, rs))
	if err != nil {
		return u, false, err
	}
	return out.(*plan.SetOp), true, nil
}

// armColumnIds returns the column ids of a set operation's arm n, in schema order (0 for
// a column without one), as the planbuilder finds them for its merge projection.
func armColumnIds(n sql.Node) []sql.ColumnId {
	for {
		switch t := n.(type) {
		case *plan.Project:
			ids := make([]sql.ColumnId, len(t.Projections))
			for i, e := range t.Projections {
				if ide, ok := e.(sql.IdExpression); ok {
					ids[i] = ide.Id()
				}
			}
			return ids
		case *plan.SetOp:
			n = t.Left()
			continue
		}
		ch := n.Children()
		if len(ch) == 0 {
			return nil
		}
		n = ch[0]
	}
}
