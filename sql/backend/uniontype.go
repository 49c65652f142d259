package backend

import (
	"fmt"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/vt/proto/query"
)

// The numeric type of a UNION column.
//
// GMS types a UNION (INTERSECT, EXCEPT) column whose arms are numbers of different types
// with types.GeneralizeTypes and converts both arms with expression.GetConvertToType:
// any DECIMAL makes the column DECIMAL(65,30) (so SELECT 1.5 UNION SELECT 2.25, and a
// SUM over such a column, print 30 decimals), an integer with a FLOAT or DOUBLE makes it
// LONGTEXT, a DECIMAL with a DOUBLE stays DECIMAL(65,30), and BIGINT with BIGINT UNSIGNED
// converts both to BIGINT (18446744073709551615 comes out 9223372036854775807). MySQL
// (Item_aggregate_type::join_types; MariaDB 10.11 agrees on every case below):
//
//   - integers and DECIMALs: DECIMAL(min(i+s, 65), s), where s is the largest scale of
//     the arms and i their largest number of integer digits (an integer type's are its
//     digits: TINYINT 3, SMALLINT 5, MEDIUMINT 8, INT 10, BIGINT 19, BIGINT UNSIGNED 20;
//     DECIMAL(p,s)'s p-s); so SELECT 1.5 UNION SELECT 2.25 is DECIMAL(3,2) and prints
//     1.50 and 2.25, and SELECT d UNION SELECT a (DECIMAL(10,2), INT) is DECIMAL(12,2);
//   - BIGINT UNSIGNED with a signed integer: DECIMAL(20,0); other integer pairs keep
//     GMS's type (BIGINT when the types differ: MySQL's for integer literals, which
//     GMS types TINYINT; MySQL makes INT with TINYINT columns INT);
//   - a FLOAT or DOUBLE with any other number: DOUBLE (FLOAT with FLOAT: GMS's);
//   - a NULL arm does not count (NULL UNION 1.5 is DECIMAL(2,1)).
//
// String columns: unionstring.go. Other columns (dates, ...) keep GMS's type. installDecimalFixes wraps
// replaceCountStar, an early rule of OnceBeforeDefault (before resolveCreateSelect, which
// copies a CREATE TABLE ... AS SELECT's schema), with unionTypeRule, which runs first on
// the built plan, whatever the wrapped rule does: every SetOp whose two arms carry
// the planbuilder's merge projection (the Project of Alias(Convert(GetField)) it puts over
// both arms when their types differ) gets, in each arm, unionCast to MySQL's type in place
// of GMS's Convert for the columns above, so the SetOp's schema is that type and every
// row has it. References to the columns from outside (a derived table's, a CTE's or a
// view's SubqueryAlias; the SetOp's own ORDER BY) were typed by the planbuilder with
// GMS's type; their GetFields are retyped by column and table id, a SetOp's ids taken
// in its schema's order (setOpColumnIds: not ascending when the first SELECT lists a
// table's columns out of their order, SELECT b, a FROM t). So SUM(n) over such a
// CTE column is DECIMAL with the column's scale (3.00, not 3.000000000000000000000000000000),
// and CREATE TABLE ... AS SELECT ... UNION stores MySQL's column type. A recursive CTE's
// column keeps GMS's type (its non-recursive part's type with precision 65: the scale
// is MySQL's). The rule is idempotent: the analyzer runs it again on subqueries.

// installDecimalFixes installs the UNION column types (above: unionTypeRule wraps
// replaceCountStar in every batch that holds it, in a copy of the batch's rule slice)
// and negZeroBuilder (negzero.go). Called by InstallPlannerFixes.
func installDecimalFixes(a *analyzer.Analyzer) {
	for bi, b := range a.Batches {
		for ri, r := range b.Rules {
			if r.Id.String() != "replaceCountStar" {
				continue
			}
			rules := append([]analyzer.Rule(nil), b.Rules...)
			rules[ri] = analyzer.Rule{Id: r.Id, Apply: unionTypeRule(r.Apply)}
			a.Batches[bi].Rules = rules
			break
		}
	}
	installNegZero(a)
}

// unionTypeRule wraps rule (replaceCountStar) so that fixUnionTypes runs first.
func unionTypeRule(rule analyzer.RuleFunc) analyzer.RuleFunc { return fixFirst(fixUnionTypes, rule) }

// columnKey names a column by the table id of the node that produces it and its id.
type columnKey struct {
	table sql.TableId
	col   sql.ColumnId
}

// fixUnionTypes retypes n's set operations (see above) and the references to their
// columns, in n and in the subqueries of its expressions.
func fixUnionTypes(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
	retyped := map[columnKey]sql.Type{}
	// byId holds the types of the expressions a Project or GroupBy over a retyped set
	// operation computes (an aggregate over the column, an alias), for the GetFields that
	// refer to them by column id alone.
	byId := map[sql.ColumnId]sql.Type{}
	changedAny := false
	var fixNode func(n sql.Node) (sql.Node, transform.TreeIdentity, error)
	fixExpr := func(e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
		switch e := e.(type) {
		case *expression.GetField:
			t, ok := retyped[columnKey{e.TableId(), e.Id()}]
			if !ok {
				t, ok = byId[e.Id()]
			}
			if !ok || t.Equals(e.Type(ctx)) {
				return e, transform.SameTree, nil
			}
			return retypeField(ctx, e, t), transform.NewTree, nil
		case *plan.Subquery:
			q, same, err := fixNode(e.Query)
			if err != nil || same {
				return e, transform.SameTree, err
			}
			return e.WithQuery(q), transform.NewTree, nil
		}
		return e, transform.SameTree, nil
	}
	fixNode = func(n sql.Node) (sql.Node, transform.TreeIdentity, error) {
		return transform.NodeWithOpaque(ctx, n, func(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
			same := transform.SameTree
			if u, ok := n.(*plan.SetOp); ok {
				nu, changed, err := retypeSetOp(ctx, u)
				if err != nil {
					return n, transform.SameTree, err
				}
				if changed {
					changedAny = true
					same = transform.NewTree
					n = nu
					sch := nu.Schema(ctx)
					for i, c := range setOpColumnIds(ctx, u, len(sch)) {
						k := columnKey{u.Id(), c}
						if _, dup := retyped[k]; !dup {
							retyped[k] = sch[i].Type
						}
					}
				}
			}
			if _, ok := n.(sql.Expressioner); ok {
				out, same2, err := transform.OneNodeExprsWithNode(ctx, n, func(ctx *sql.Context, _ sql.Node, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
					return transform.Expr(ctx, e, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
						return fixExpr(e)
					})
				})
				if err != nil {
					return n, transform.SameTree, err
				}
				n, same = out, same && same2
			}
			if changedAny {
				var outs []sql.Expression
				switch n := n.(type) {
				case *plan.Project:
					outs = n.Projections
				case *plan.GroupBy:
					outs = n.SelectDeps
				case *plan.Window:
					outs = n.SelectExprs
				}
				if len(outs) > 0 && holdsUnionCast(ctx, n) {
					for _, e := range outs {
						if ide, ok := e.(sql.IdExpression); ok && ide.Id() != 0 {
							byId[ide.Id()] = e.Type(ctx)
						}
					}
				}
			}
			if sa, ok := n.(*plan.SubqueryAlias); ok && holdsUnionCast(ctx, sa.Child) {
				// The scope mapping (a column's expression in the child, by which filters
				// are pushed into the derived table) refers to the set operation's
				// columns with GMS's types.
				if len(sa.ScopeMapping) > 0 {
					m := make(map[sql.ColumnId]sql.Expression, len(sa.ScopeMapping))
					mapped := transform.SameTree
					for c, e := range sa.ScopeMapping {
						fe, s, err := transform.Expr(ctx, e, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
							return fixExpr(e)
						})
						if err != nil {
							return n, transform.SameTree, err
						}
						m[c], mapped = fe, mapped && s
					}
					if mapped == transform.NewTree {
						sa = sa.WithScopeMapping(m)
						n, same = sa, transform.NewTree
					}
				}
				sch := sa.Schema(ctx)
				i := 0
				sa.Columns().ForEach(func(c sql.ColumnId) {
					if i < len(sch) {
						retyped[columnKey{sa.Id(), c}] = sch[i].Type
					}
					i++
				})
			}
			return n, same, nil
		})
	}
	ct, isCreate := n.(*plan.CreateTable)
	if !isCreate || len(ct.Children()) != 1 {
		return fixNode(n)
	}
	// CREATE TABLE ... AS SELECT without column definitions: the planbuilder copied the
	// SELECT's schema, with GMS's types, into the table's; a column it copied (same
	// position, name and type) takes the retyped SELECT's type.
	before := ct.Children()[0].Schema(ctx)
	out, same, err := fixNode(n)
	if err != nil || same {
		return out, same, err
	}
	after := out.Children()[0].Schema(ctx)
	cols := out.(*plan.CreateTable).PkSchema().Schema
	if len(cols) != len(before) || len(after) != len(before) {
		return out, same, nil
	}
	for i, c := range cols {
		if c.Name != before[i].Name || !c.Type.Equals(before[i].Type) {
			return out, same, nil
		}
	}
	for i, c := range cols {
		// The columns are the planbuilder's, made for this statement: set in place
		// (plan.CreateTable has no way to replace its schema).
		c.Type = after[i].Type
	}
	return out, same, nil
}

// setOpColumnIds returns the ids of u's n columns in the order of its schema. The
// planbuilder gives a set operation the column ids of its first SELECT, and a ColSet
// iterates ids in ascending order, which is not the schema's when that SELECT lists a
// table's columns out of their order (SELECT b, a FROM t: the projections keep the
// table's ids, 3 and 2). The ids in order are those of the first Project under u's
// left arm (through nested set operations and the merge projection, whose columns have
// no ids) that carries an id for every column; used when they are exactly u's ColSet,
// else (an unusual plan) the ColSet's order, as before.
func setOpColumnIds(ctx *sql.Context, u *plan.SetOp, n int) []sql.ColumnId {
	cols := u.Columns()
	var ascending []sql.ColumnId
	cols.ForEach(func(c sql.ColumnId) { ascending = append(ascending, c) })
	if len(ascending) > n {
		ascending = ascending[:n]
	}
	ordered := firstSelectIds(ctx, u.Left())
	if len(ordered) != n {
		return ascending
	}
	var seen sql.ColSet
	for _, c := range ordered {
		if !cols.Contains(c) {
			return ascending
		}
		seen.Add(c)
	}
	if seen.Len() != cols.Len() {
		return ascending
	}
	return ordered
}

// firstSelectIds returns the column ids, in order, of the first Project under arm whose
// every projection has one (see setOpColumnIds), or nil.
func firstSelectIds(ctx *sql.Context, arm sql.Node) []sql.ColumnId {
	for depth := 0; arm != nil && depth < 64; depth++ {
		switch n := arm.(type) {
		case *plan.SetOp:
			arm = n.Left()
			continue
		case *plan.Project:
			ids := make([]sql.ColumnId, 0, len(n.Projections))
			for _, e := range n.Projections {
				ide, ok := e.(sql.IdExpression)
				if !ok || ide.Id() == 0 {
					ids = nil
					break
				}
				ids = append(ids, ide.Id())
			}
			if ids != nil {
				return ids
			}
			arm = n.Child
			continue
		case plan.TableIdNode:
			return nil
		}
		if ch := arm.Children(); len(ch) == 1 {
			arm = ch[0]
			continue
		}
		return nil
	}
	return nil
}

// holdsUnionCast reports whether n's tree holds a unionCast (a retyped set operation).
func holdsUnionCast(ctx *sql.Context, n sql.Node) bool {
	found := false
	transform.InspectWithOpaque(ctx, n, func(_ *sql.Context, n sql.Node) bool {
		if found {
			return false
		}
		if p, ok := n.(*plan.Project); ok {
			for _, e := range p.Projections {
				if a, ok := e.(*expression.Alias); ok {
					if _, ok := a.Child.(*unionCast); ok {
						found = true
						return false
					}
				}
			}
		}
		return true
	})
	return found
}

// retypeField is gf with type t.
func retypeField(ctx *sql.Context, gf *expression.GetField, t sql.Type) *expression.GetField {
	out := expression.NewGetFieldWithTable(gf.Index(), int(gf.TableId()), t, gf.Database(), gf.Table(), gf.Name(), gf.IsNullable(ctx))
	return out.WithId(gf.Id()).(*expression.GetField)
}

// mergeColumn is one projection of the planbuilder's merge projection: the GetField of
// the arm's column and whether it is converted (aliased: Alias(Convert), Alias(unionCast),
// or Alias(GetField) where the planbuilder dropped a convert to the column's own type).
type mergeColumn struct {
	field     *expression.GetField
	converted bool
}

// mergeProjection returns the columns of p when p has the shape of the planbuilder's
// merge projection over a set operation's arm: one projection per column of its child,
// in order, each the child's column or that column converted and aliased to its name.
func mergeProjection(ctx *sql.Context, n sql.Node) ([]mergeColumn, bool) {
	p, ok := n.(*plan.Project)
	if !ok {
		return nil, false
	}
	if _, isTable := p.Child.(sql.TableNode); isTable {
		return nil, false
	}
	sch := p.Child.Schema(ctx)
	if len(sch) != len(p.Projections) {
		return nil, false
	}
	cols := make([]mergeColumn, len(sch))
	for i, e := range p.Projections {
		switch e := e.(type) {
		case *expression.GetField:
			cols[i] = mergeColumn{field: e}
		case *expression.Alias:
			var inner sql.Expression
			switch c := e.Child.(type) {
			case *expression.Convert:
				if !plainConvert(c) {
					return nil, false
				}
				inner = c.Child
			case *unionCast:
				inner = c.Child
			case *expression.GetField:
				// The planbuilder's convert of a column to its own type.
				inner = c
			default:
				return nil, false
			}
			gf, ok := inner.(*expression.GetField)
			if !ok || !strings.EqualFold(gf.Name(), e.Name()) {
				return nil, false
			}
			cols[i] = mergeColumn{field: gf, converted: true}
		default:
			return nil, false
		}
		if !strings.EqualFold(cols[i].field.Name(), sch[i].Name) {
			return nil, false
		}
	}
	return cols, true
}

// plainConvert reports whether c is a convert the planbuilder puts in a merge
// projection: to one of expression.GetConvertToType's types, with no length or scale.
func plainConvert(c *expression.Convert) bool {
	for _, to := range []string{expression.ConvertToDecimal, expression.ConvertToChar, expression.ConvertToSigned, expression.ConvertToUnsigned, expression.ConvertToBinary} {
		if c.String() == fmt.Sprintf("convert(%v, %v)", c.Child, to) {
			return true
		}
	}
	return false
}

// retypeSetOp gives u's numeric columns MySQL's types (see above). It returns false when
// nothing changes.
func retypeSetOp(ctx *sql.Context, u *plan.SetOp) (sql.Node, bool, error) {
	lcols, lok := mergeProjection(ctx, u.Left())
	rcols, rok := mergeProjection(ctx, u.Right())
	if !lok || !rok {
		return addMergeProjections(ctx, u) // unionstring.go
	}
	if len(lcols) != len(rcols) {
		return u, false, nil
	}
	lp, rp := u.Left().(*plan.Project), u.Right().(*plan.Project)
	lsch, rsch := lp.Child.Schema(ctx), rp.Child.Schema(ctx)
	cur := u.Schema(ctx)
	lproj := append([]sql.Expression(nil), lp.Projections...)
	rproj := append([]sql.Expression(nil), rp.Projections...)
	changed := false
	for i := range lcols {
		if !lcols[i].converted && !rcols[i].converted {
			continue
		}
		t, ok := unionNumericType(lsch[i].Type, rsch[i].Type, literalDigits(lp.Child, i), literalDigits(rp.Child, i))
		if !ok {
			t, ok = unionStringType(lsch[i].Type, rsch[i].Type, stringLiteral(lp.Child, i), stringLiteral(rp.Child, i)) // unionstring.go
		}
		if !ok || (t.Equals(cur[i].Type) && !fieldStale(ctx, lcols[i].field, lsch[i].Type) && !fieldStale(ctx, rcols[i].field, rsch[i].Type)) {
			continue
		}
		changed = true
		lproj[i] = expression.NewAlias(ctx, lsch[i].Name, &unionCast{UnaryExpressionStub: expression.UnaryExpressionStub{Child: retypeField(ctx, lcols[i].field, lsch[i].Type)}, typ: t})
		rproj[i] = expression.NewAlias(ctx, rsch[i].Name, &unionCast{UnaryExpressionStub: expression.UnaryExpressionStub{Child: retypeField(ctx, rcols[i].field, rsch[i].Type)}, typ: t})
	}
	if !changed {
		return u, false, nil
	}
	nl, err := lp.WithExpressions(ctx, lproj...)
	if err != nil {
		return u, false, err
	}
	nr, err := rp.WithExpressions(ctx, rproj...)
	if err != nil {
		return u, false, err
	}
	out, err := u.WithChildren(ctx, nl, nr)
	if err != nil {
		return u, false, err
	}
	return out, true, nil
}

// fieldStale reports whether gf's type is not t (an arm retyped beneath it).
func fieldStale(ctx *sql.Context, gf *expression.GetField, t sql.Type) bool {
	return !gf.Type(ctx).Equals(t)
}

// literalDigits is the number of digits of column i of arm when that column is an integer
// literal (MySQL counts a literal's own digits: SELECT 1.5 UNION SELECT 2 is
// DECIMAL(2,1), where GMS types 2 TINYINT), else 0.
func literalDigits(arm sql.Node, i int) int {
	p, ok := arm.(*plan.Project)
	if !ok || i >= len(p.Projections) {
		return 0
	}
	e := p.Projections[i]
	if a, ok := e.(*expression.Alias); ok {
		e = a.Child
	}
	lit, ok := e.(*expression.Literal)
	if !ok {
		return 0
	}
	var s string
	switch v := lit.Value().(type) {
	case int8, int16, int32, int64, uint8, uint16, uint32, uint64, int, uint:
		s = strings.TrimPrefix(fmt.Sprint(v), "-")
	default:
		return 0
	}
	return len(s)
}

// unionNumericType is MySQL's type of a UNION column whose arms have types a and b, or
// false when the column is not one unionTypeRule retypes (see above). aDigits and
// bDigits, when not 0, are the integer digits of an integer literal arm.
func unionNumericType(a, b sql.Type, aDigits, bDigits int) (sql.Type, bool) {
	if types.IsNullType(a) && types.IsNullType(b) {
		return nil, false
	}
	if types.IsNullType(a) {
		a, aDigits = b, bDigits
	}
	if types.IsNullType(b) {
		b, bDigits = a, aDigits
	}
	aFloat, bFloat := types.IsFloat(a), types.IsFloat(b)
	ai, as, aExact := unionDigits(a)
	bi, bs, bExact := unionDigits(b)
	switch {
	case aFloat && bFloat:
		if a.Type() == query.Type_FLOAT32 && b.Type() == query.Type_FLOAT32 {
			return nil, false
		}
		return types.Float64, true
	case (aFloat && bExact) || (bFloat && aExact):
		return types.Float64, true
	case !aExact || !bExact:
		return nil, false
	}
	if !types.IsDecimal(a) && !types.IsDecimal(b) {
		// Two integer types: BIGINT UNSIGNED with a signed type is DECIMAL(20,0); others
		// keep GMS's type (its merge projection converts them to BIGINT: right for
		// integer literals, which are BIGINT in MySQL and TINYINT in GMS; MySQL makes
		// INT with TINYINT columns INT).
		if (a.Type() == query.Type_UINT64) != (b.Type() == query.Type_UINT64) && (types.IsSigned(a) || types.IsSigned(b)) {
			return types.MustCreateColumnDecimalType(20, 0), true
		}
		return nil, false
	}
	if aDigits > 0 && !types.IsDecimal(a) {
		ai = aDigits
	}
	if bDigits > 0 && !types.IsDecimal(b) {
		bi = bDigits
	}
	s := max(as, bs)
	p := min(max(ai, bi)+s, types.DecimalTypeMaxPrecision)
	// A column's DECIMAL type: its values print with its scale (1.50, not 1.5).
	t, err := types.CreateColumnDecimalType(uint8(p), uint8(s))
	if err != nil {
		return nil, false
	}
	return t, true
}

// unionDigits is the number of integer digits and the scale of an integer or DECIMAL
// type t, or false for any other type.
func unionDigits(t sql.Type) (intDigits, scale int, ok bool) {
	if dt, isDec := t.(sql.DecimalType); isDec && types.IsDecimal(t) {
		return int(dt.Precision()) - int(dt.Scale()), int(dt.Scale()), true
	}
	if !types.IsInteger(t) {
		return 0, 0, false
	}
	d, ok := integerDigits(t) // exactsum.go
	return d, 0, ok
}

// unionCast converts a set operation arm's column to the union's type. Like every
// expression it is immutable.
type unionCast struct {
	expression.UnaryExpressionStub
	typ sql.Type
}

var _ sql.Expression = (*unionCast)(nil)

// Type implements sql.Expression.
func (c *unionCast) Type(*sql.Context) sql.Type { return c.typ }

// Eval implements sql.Expression: the child's value converted to the union's type (it
// always fits: the type holds every arm's values).
func (c *unionCast) Eval(ctx *sql.Context, row sql.Row) (interface{}, error) {
	v, err := c.Child.Eval(ctx, row)
	if err != nil || v == nil {
		return nil, err
	}
	out, _, err := c.typ.Convert(ctx, v)
	if err != nil {
		return nil, fmt.Errorf("union column %s: %w", c.Child, err)
	}
	return out, nil
}

// WithChildren implements sql.Expression.
func (c *unionCast) WithChildren(ctx *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	if len(children) != 1 {
		return nil, sql.ErrInvalidChildrenNumber.New(c, len(children), 1)
	}
	return &unionCast{UnaryExpressionStub: expression.UnaryExpressionStub{Child: children[0]}, typ: c.typ}, nil
}

// String implements sql.Expression.
func (c *unionCast) String() string {
	return fmt.Sprintf("convert(%s, %s)", c.Child, strings.ToLower(c.typ.String()))
}

// DebugString implements sql.Expression.
func (c *unionCast) DebugString(ctx *sql.Context) string {
	return fmt.Sprintf("unioncast(%s, %s)", sql.DebugString(ctx, c.Child), strings.ToLower(c.typ.String()))
}

// IsNullable implements sql.Expression.
func (c *unionCast) IsNullable(ctx *sql.Context) bool { return c.Child.IsNullable(ctx) }
