package backend

import (
	"fmt"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// A UNION's ORDER BY of a literal column sorts.
//
// The planbuilder resolves a UNION's (INTERSECT's, EXCEPT's) ORDER BY 1 or ORDER BY `1`
// to the first SELECT's column, and takes that column's expression as the sort key. For
// a column with a name or an alias the key refers to the column, but an unaliased
// literal is its own expression, so
//
//	SELECT 1 UNION SELECT 2 ORDER BY 1 DESC
//
// sorted by the constant 1, which leaves the rows in the union's order (1, 2; MySQL 2, 1),
// with ORDER BY ... LIMIT returning the wrong rows. unionSortRule wraps resolveUnions
// (early in OnceBeforeDefault, on the plan as built, before anything copies its literals)
// so that fixUnionSorts runs first: a sort key of a SetOp that is the very literal (the
// same *expression.Literal) the first SELECT projects as its column i becomes a
// unionColumn, the SetOp's output column i. A literal written in the ORDER BY itself
// (ORDER BY NULL) is another literal and keeps sorting by a constant, as in MySQL. Every
// SetOp of the plan is fixed, in subqueries, derived tables, views and CTEs too, except
// a recursive CTE's (not a node of the plan's tree: the RecursiveCte holds it; MySQL
// rejects its ORDER BY, GMS's behaviour is kept). The rule is idempotent: no literal key is left for the analyses of subqueries to find.
func unionSortRule(rule analyzer.RuleFunc) analyzer.RuleFunc { return fixFirst(fixUnionSorts, rule) }

// fixUnionSorts returns n with the literal sort keys of its set operations, in n and in
// the subqueries of its expressions, made unionColumns (see above).
func fixUnionSorts(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
	return transform.NodeWithOpaque(ctx, n, func(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
		same := transform.SameTree
		if _, ok := n.(sql.Expressioner); ok {
			out, same2, err := transform.OneNodeExpressions(ctx, n, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
				return transform.Expr(ctx, e, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
					sq, ok := e.(*plan.Subquery)
					if !ok {
						return e, transform.SameTree, nil
					}
					q, same, err := fixUnionSorts(ctx, sq.Query)
					if err != nil || same {
						return e, transform.SameTree, err
					}
					return sq.WithQuery(q), transform.NewTree, nil
				})
			})
			if err != nil {
				return n, transform.SameTree, err
			}
			n, same = out, same2
		}
		u, ok := n.(*plan.SetOp)
		if !ok || len(u.SortConditions) == 0 {
			return n, same, nil
		}
		var sorts sql.SortConditions
		sch := u.Schema(ctx)
		var cols map[sql.ColumnId]int // built at the first GetField key
		for i, sc := range u.SortConditions {
			key := sc.Expr
			if lit, ok := key.(*expression.Literal); ok {
				col, ok := literalColumn(u.Left(), lit)
				if !ok || col >= len(sch) {
					continue
				}
				key = newUnionColumn(sch, col)
			} else {
				if cols == nil {
					cols = unionColumnIds(u, len(sch))
				}
				k, same, err := transform.Expr(ctx, key, func(ctx *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
					gf, ok := e.(*expression.GetField)
					if !ok {
						return e, transform.SameTree, nil
					}
					col, ok := cols[gf.Id()]
					if !ok || gf.Id() == 0 {
						return e, transform.SameTree, nil
					}
					return newUnionColumn(sch, col), transform.NewTree, nil
				})
				if err != nil {
					return n, transform.SameTree, err
				}
				if same == transform.SameTree {
					continue
				}
				key = k
			}
			if sorts == nil {
				sorts = append(sql.SortConditions(nil), u.SortConditions...)
			}
			sorts[i].Expr = key
		}
		if sorts == nil {
			return n, same, nil
		}
		nu := *u
		nu.SortConditions = sorts
		return &nu, transform.NewTree, nil
	})
}

// unionColumnIds returns the positions of u's output columns (width of them) by column
// id. The planbuilder gives a set operation the ids of its first SELECT's columns (in
// u.Columns(), a set: no order), and its ORDER BY refers to a column by that id; GMS
// finds the column by the id among the ids its first SELECT's projection carries, and
// when that carries none (a literal, an expression without an alias, a column under
// the planbuilder's merge projection, whose aliases have no id) by name, which picks the
// last of two columns of one name: SELECT -8, -8 UNION SELECT ... UNION SELECT ...
// ORDER BY 1 sorted by the second column. Here the ids come from the first SELECT's own
// Project (firstSelect): a column's id where its expression carries one, and the ids of
// u.Columns() carried by none, in increasing order (the planbuilder numbers a SELECT's
// new columns in order), for the columns without one, when there are as many as columns.
func unionColumnIds(u *plan.SetOp, width int) map[sql.ColumnId]int {
	cols := map[sql.ColumnId]int{}
	p := firstSelect(u, width)
	if p == nil {
		return cols
	}
	rest := u.Columns()
	var unknown []int
	for i, e := range p.Projections {
		if ide, ok := e.(sql.IdExpression); ok && ide.Id() != 0 {
			if _, dup := cols[ide.Id()]; !dup {
				cols[ide.Id()] = i
			}
			rest.Remove(ide.Id())
			continue
		}
		unknown = append(unknown, i)
	}
	if rest.Len() != len(unknown) {
		return cols
	}
	j := 0
	rest.ForEach(func(id sql.ColumnId) {
		cols[id] = unknown[j]
		j++
	})
	return cols
}

// firstSelect returns the Project of u's first SELECT that makes its width columns: the
// deepest Project of that width on the chain of first children (through nested set
// operations and single-child nodes, not into a derived table or any other opaque
// node), nil if there is none.
func firstSelect(u *plan.SetOp, width int) *plan.Project {
	var found *plan.Project
	var n sql.Node = u.Left()
	for n != nil {
		var next sql.Node
		switch x := n.(type) {
		case *plan.SetOp:
			next = x.Left()
		case *plan.Project:
			if len(x.Projections) == width {
				found = x
			}
			next = x.Child
		default:
			if ch := n.Children(); len(ch) == 1 && !sql.IsOpaque(n) {
				next = ch[0]
			}
		}
		n = next
	}
	return found
}

// literalColumn returns the position of lit among the columns n (the first SELECT of a
// set operation, possibly under the planbuilder's merge projection, a LIMIT or an ORDER
// BY of its own) projects: the position in the outermost Project that holds lit itself.
// It reports false when no Project on n's single-child spine holds it, or when the spine
// reaches another set operation (whose columns are not literals of one SELECT).
func literalColumn(n sql.Node, lit *expression.Literal) (int, bool) {
	for {
		switch x := n.(type) {
		case *plan.Project:
			for i, e := range x.Projections {
				if l, ok := e.(*expression.Literal); ok && l == lit {
					return i, true
				}
			}
		case *plan.SetOp:
			return 0, false
		}
		ch := n.Children()
		if len(ch) != 1 {
			return 0, false
		}
		n = ch[0]
	}
}

// newUnionColumn returns output column col of a set operation of schema sch.
func newUnionColumn(sch sql.Schema, col int) *unionColumn {
	return &unionColumn{idx: col, width: len(sch), name: sch[col].Name, typ: sch[col].Type, nullable: sch[col].Nullable}
}

// unionColumn is column idx of a set operation's output (of width columns), a sort key
// of its ORDER BY. The set operation's rows may follow an outer scope's row (in a
// subquery), so the column is counted from the end of the row. Immutable.
type unionColumn struct {
	idx, width int
	name       string
	typ        sql.Type
	nullable   bool
}

var (
	_ sql.Expression         = (*unionColumn)(nil)
	_ sql.CollationCoercible = (*unionColumn)(nil)
)

// Resolved implements sql.Expression.
func (c *unionColumn) Resolved() bool { return true }

// String implements sql.Expression: the column's name.
func (c *unionColumn) String() string { return c.name }

// DebugString implements sql.DebugStringer.
func (c *unionColumn) DebugString(*sql.Context) string {
	return fmt.Sprintf("unionColumn(%s, %d of %d)", c.name, c.idx, c.width)
}

// Type implements sql.Expression.
func (c *unionColumn) Type(*sql.Context) sql.Type { return c.typ }

// IsNullable implements sql.Expression.
func (c *unionColumn) IsNullable(*sql.Context) bool { return c.nullable }

// Children implements sql.Expression.
func (c *unionColumn) Children() []sql.Expression { return nil }

// WithChildren implements sql.Expression.
func (c *unionColumn) WithChildren(_ *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	if len(children) != 0 {
		return nil, sql.ErrInvalidChildrenNumber.New(c, len(children), 0)
	}
	return c, nil
}

// Eval implements sql.Expression.
func (c *unionColumn) Eval(_ *sql.Context, row sql.Row) (interface{}, error) {
	i := len(row) - c.width + c.idx
	if len(row) < c.width || i < 0 {
		return nil, fmt.Errorf("backend: UNION ORDER BY column %d (%s) of a %d-column row: the row has %d values", c.idx+1, c.name, c.width, len(row))
	}
	return row[i], nil
}

// CollationCoercibility implements sql.CollationCoercible, as a column's.
func (c *unionColumn) CollationCoercibility(ctx *sql.Context) (sql.CollationID, byte) {
	collation, _ := c.typ.CollationCoercibility(ctx)
	return collation, 2
}
