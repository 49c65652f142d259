package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"

	"github.com/dsqldb/dsql/sql/typeconv"
)

// CHAR values lose their trailing spaces before GMS sees the rows of an INSERT or UPDATE.
//
// MySQL 8 stores a CHAR value padded and reads it back without its trailing spaces, so a
// BEFORE trigger's NEW.c for a CHAR column holds 'ab' when 'ab  ' was written, and
// `UPDATE t SET c = 'ab  '` over a stored 'ab' changes nothing (the record is the same:
// "Changed: 0", and nothing is rewritten). The table editor trims on write (invariant "CHAR
// is trimmed on write", typeconv), but GMS looks at the rows before that: its update
// iterator counts and writes a row whose new values differ from the old ones by
// Type.Compare, and a trigger executor evaluates NEW from the row its source produced.
// charTrimRule therefore puts a charTrim node directly over the row source of each INSERT
// (the projection resolveInsertRows makes, in the destination's column order) and of each
// single-table UPDATE (the UpdateSource, whose rows are old ++ new: only new is trimmed).
// It wraps resolveInsertRows, which runs just before applyTriggers in the last batch, so
// a BEFORE trigger's executor is put over the trimmed source. Multi-table UPDATEs
// (UpdateJoin) are left as they are; their rows are trimmed by the editor on write.

// init wraps resolveInsertRows in GMS's OnceAfterAll, the rule list of the last batch
// of every analyzer and of GMS's short batch lists for a plain INSERT or UPDATE
// (getBatchesForNode, which reads the package variable, not the analyzer's batches). It
// runs before any analyzer is made (server.NewEngine, the enginetest harness) and
// installs a copy of the slice with the one rule wrapped.
func init() {
	rules := append([]analyzer.Rule(nil), analyzer.OnceAfterAll...)
	for i, r := range rules {
		if r.Id.String() == "resolveInsertRows" {
			rules[i] = analyzer.Rule{Id: r.Id, Apply: charTrimRule(r.Apply)}
		}
	}
	analyzer.OnceAfterAll = rules
}

// charTrimRule wraps GMS's resolveInsertRows rule (see above and init).
func charTrimRule(rule analyzer.RuleFunc) analyzer.RuleFunc {
	return func(ctx *sql.Context, a *analyzer.Analyzer, n sql.Node, scope *plan.Scope, sel analyzer.RuleSelector, qf *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
		n, same, err := rule(ctx, a, n, scope, sel, qf)
		if err != nil {
			return n, same, err
		}
		out, same2, err := transform.Node(ctx, n, func(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
			switch n := n.(type) {
			case *plan.InsertInto:
				if _, done := n.Source.(*charTrim); done || n.Source == nil {
					return n, transform.SameTree, nil
				}
				sch := n.Destination.Schema(ctx)
				if !hasChar(sch) || len(n.Source.Schema(ctx)) != len(sch) {
					return n, transform.SameTree, nil
				}
				return n.WithSource(&charTrim{child: n.Source, sch: sch}), transform.NewTree, nil
			case *plan.Update:
				us, ok := n.Child.(*plan.UpdateSource)
				if !ok {
					return n, transform.SameTree, nil
				}
				sch := us.Schema(ctx)
				if len(sch)%2 != 0 {
					return n, transform.SameTree, nil
				}
				half := len(sch) / 2
				if !hasChar(sch[half:]) {
					return n, transform.SameTree, nil
				}
				nn, err := n.WithChildren(ctx, &charTrim{child: us, sch: sch[half:], off: half})
				return nn, transform.NewTree, err
			}
			return n, transform.SameTree, nil
		})
		if err != nil {
			return nil, transform.SameTree, err
		}
		if same2 == transform.NewTree {
			same = transform.NewTree
		}
		return out, same, nil
	}
}

func hasChar(sch sql.Schema) bool {
	for _, c := range sch {
		if typeconv.IsChar(c.Type) {
			return true
		}
	}
	return false
}

// charTrim passes its child's rows on with the trailing spaces of the CHAR values at
// off+i (i a column of sch) removed (typeconv.TrimCharRow); the rows of the child are not
// modified. Its schema is its child's.
type charTrim struct {
	child sql.Node
	sch   sql.Schema // the columns trimmed, starting at row position off
	off   int
}

var (
	_ sql.Node            = (*charTrim)(nil)
	_ sql.ExecBuilderNode = (*charTrim)(nil)
)

func (c *charTrim) Resolved() bool                     { return c.child.Resolved() }
func (c *charTrim) IsReadOnly() bool                   { return c.child.IsReadOnly() }
func (c *charTrim) String() string                     { return c.child.String() }
func (c *charTrim) Schema(ctx *sql.Context) sql.Schema { return c.child.Schema(ctx) }
func (c *charTrim) Children() []sql.Node               { return []sql.Node{c.child} }

func (c *charTrim) WithChildren(ctx *sql.Context, children ...sql.Node) (sql.Node, error) {
	if len(children) != 1 {
		return nil, sql.ErrInvalidChildrenNumber.New(c, len(children), 1)
	}
	return &charTrim{child: children[0], sch: c.sch, off: c.off}, nil
}

// BuildRowIter implements sql.ExecBuilderNode.
func (c *charTrim) BuildRowIter(ctx *sql.Context, b sql.NodeExecBuilder, r sql.Row) (sql.RowIter, error) {
	it, err := b.Build(ctx, c.child, r)
	if err != nil {
		return nil, err
	}
	return &charTrimIter{it: it, sch: c.sch, off: c.off}, nil
}

type charTrimIter struct {
	it  sql.RowIter
	sch sql.Schema
	off int
}

func (t *charTrimIter) Next(ctx *sql.Context) (sql.Row, error) {
	row, err := t.it.Next(ctx)
	if err != nil || len(row) < t.off+len(t.sch) {
		return row, err
	}
	part := row[t.off : t.off+len(t.sch)]
	trimmed := typeconv.TrimCharRow(t.sch, part)
	if t.off > 0 && t.off == len(t.sch) && &trimmed[0] != &part[0] {
		// An UPDATE: a CHAR value equal to the old one but for trailing spaces is the
		// old one, so that a row stored with them (before CHAR was trimmed on write)
		// is not counted and rewritten by an UPDATE that changes nothing.
		for i, c := range t.sch {
			if typeconv.IsChar(c.Type) && sameTrimmed(row[i], trimmed[i]) {
				trimmed[i] = row[i]
			}
		}
	}
	if &trimmed[0] == &part[0] {
		return row, nil
	}
	out := append(make(sql.Row, 0, len(row)), row[:t.off]...)
	out = append(out, trimmed...)
	return append(out, row[t.off+len(t.sch):]...), nil
}

func (t *charTrimIter) Close(ctx *sql.Context) error { return t.it.Close(ctx) }

// sameTrimmed reports whether a and b are strings (or byte strings) equal once their
// trailing spaces are removed.
func sameTrimmed(a, b any) bool {
	x, _ := typeconv.TrimChar(a)
	y, _ := typeconv.TrimChar(b)
	switch x := x.(type) {
	case string:
		y, ok := y.(string)
		return ok && x == y
	case []byte:
		y, ok := y.([]byte)
		return ok && string(x) == string(y)
	}
	return false
}
