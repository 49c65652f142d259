package backend

import (
	"context"
	"fmt"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/sqltypes"
)

// A row is changed when its bytes change.
//
// MySQL decides whether an UPDATE (or the update of INSERT ... ON DUPLICATE KEY UPDATE)
// changed a row by comparing the old and new records byte by byte (compare_record;
// InnoDB's HA_ERR_RECORD_IS_THE_SAME): UPDATE t SET name = 'Alice' of a stored 'alice'
// stores 'Alice' and counts the row as changed ("Changed: 1", one affected row, two for
// ON DUPLICATE KEY UPDATE), bumps the ON UPDATE CURRENT_TIMESTAMP columns, and so does
// a change of accents ('emile' to 'Émile') or of trailing spaces ('a' to 'a ' in a
// VARCHAR) under any collation. GMS compared the rows with the columns' types
// (sql.Row.Equals, StringType.Compare under the column's collation) in its UPDATE,
// UPDATE ... JOIN and ON DUPLICATE KEY UPDATE paths: under a case- or accent-insensitive
// collation (MySQL 8's default, utf8mb4_0900_ai_ci) such an UPDATE skipped the table
// editor's Update, reported 0 rows changed and kept 'alice'.
//
// Invariant "changed means changed bytes": rowChangeBuilder, a priority builder of the
// exec builder (InstallRowChanges), builds those statements with the schemas GMS
// compares rows by replaced by their bytewise forms (bytewiseSchema: every non-binary
// string column's type is a byteString, whose Compare compares the values' bytes, a CHAR
// value's without its trailing spaces, which are not stored), and nothing else changed:
//
//   - UPDATE of one table: the UpdateSource's child becomes a rowChangeTarget, an
//     updatable table node over the same child and table whose schema is the bytewise
//     one; GMS takes the schema of the row comparisons (the UpdateSource's derived
//     updates, the update iterator's and its row counter's) from the updatable table it
//     finds under the UPDATE. A ForeignKeyHandler above the UpdateSource gets the
//     bytewise schema too (the row counter reads its Sch).
//   - UPDATE with joins: the UpdateSource's child gets an identity Project above it whose
//     columns have the bytewise types; GMS takes every comparison's schema (the update
//     join's, its updater's and its row counter's) from that node's schema.
//   - INSERT ... ON DUPLICATE KEY UPDATE: the destination becomes a rowChangeTarget over
//     it (a sql.TableWrapper, so GMS still writes through the destination's table); the
//     insert iterator's schema is the destination node's.
//
// A statement whose schemas have no such string column is built as GMS built it. The
// analyzed plan is unchanged (EXPLAIN shows GMS's). server.NewEngine calls
// InstallRowChanges before InstallStrictChecks, whose builder is then ahead of this one
// and rewrites an INSERT first, with the destination's own schema (its checks of the
// values read it; they accept a byteString too, as a sql.StringType). The table editor stores a key spelled differently but equal under
// the collation as a change of spelling, not a duplicate (editor.go). Not covered: GMS's
// foreign-key editor compares a referenced key's old and new values under the
// collation, so a change of only the case of a parent key neither cascades nor is
// restricted (MySQL compares the bytes). Tests: server TestUpdateChangesBytes,
// TestUpdateChangesBytesKeys, TestUpdateJoinChangesBytes,
// TestOnDuplicateKeyChangesBytes.

// InstallRowChanges installs rowChangeBuilder as the priority builder of a's exec
// builder (ahead of those installed before it); server.NewEngine and the enginetest
// harness call it before InstallStrictChecks.
func InstallRowChanges(a *analyzer.Analyzer) {
	b := a.ExecBuilder
	if _, done := b.PriorityBuilder.(rowChangeBuilder); done {
		return
	}
	b.PriorityBuilder = rowChangeBuilder{base: b, next: b.PriorityBuilder}
}

// rowChangeBuilder is a priority builder of the exec builder (see above): an UPDATE or
// INSERT ... ON DUPLICATE KEY UPDATE it rewrites is built by base (which calls it again
// for the new node, which has nothing left to rewrite, and goes on to next).
type rowChangeBuilder struct {
	base sql.NodeExecBuilder // the builder it is the priority builder of
	next sql.NodeExecBuilder // the priority builder before it (nil: none)
}

var _ sql.NodeExecBuilder = rowChangeBuilder{}

// Build implements sql.NodeExecBuilder.
func (b rowChangeBuilder) Build(ctx *sql.Context, n sql.Node, row sql.Row) (sql.RowIter, error) {
	var (
		nn      sql.Node
		changed bool
		err     error
	)
	switch x := n.(type) {
	case *plan.Update:
		nn, changed, err = bytewiseUpdate(ctx, x)
	case *plan.InsertInto:
		nn, changed, err = bytewiseOnDupUpdate(ctx, x)
	}
	if err != nil {
		return nil, err
	}
	if changed {
		return b.base.Build(ctx, nn, row)
	}
	if b.next == nil {
		return nil, nil
	}
	return b.next.Build(ctx, n, row)
}

// bytewiseUpdate returns n, an UPDATE, with its UpdateSource's row comparisons made
// bytewise, and whether it changed anything. It follows the nodes between the UPDATE
// and its UpdateSource (trigger executors' left sides, a foreign-key handler, dsql's
// charTrim).
func bytewiseUpdate(ctx *sql.Context, n sql.Node) (sql.Node, bool, error) {
	switch x := n.(type) {
	case *plan.UpdateSource:
		return bytewiseSource(ctx, x)
	case *plan.TriggerExecutor:
		left, changed, err := bytewiseUpdate(ctx, x.Left())
		if err != nil || !changed {
			return n, false, err
		}
		nn, err := x.WithChildren(ctx, left, x.Right())
		return nn, err == nil, err
	case *plan.ForeignKeyHandler:
		orig, changed, err := bytewiseUpdate(ctx, x.OriginalNode)
		if err != nil || !changed {
			return n, false, err
		}
		h := *x
		h.OriginalNode = orig
		h.Sch = bytewiseSchema(x.Sch)
		return &h, true, nil
	}
	ch := n.Children()
	if len(ch) != 1 {
		return n, false, nil
	}
	c, changed, err := bytewiseUpdate(ctx, ch[0])
	if err != nil || !changed {
		return n, false, err
	}
	nn, err := n.WithChildren(ctx, c)
	return nn, err == nil, err
}

// bytewiseSource returns us with its child's schema made bytewise (see the comment at
// the top), and whether it changed it.
func bytewiseSource(ctx *sql.Context, us *plan.UpdateSource) (sql.Node, bool, error) {
	if hasJoin(ctx, us.Child) {
		// GMS reads the join rows' schema from the child node.
		sch := us.Child.Schema(ctx)
		if !needsBytewise(sch) {
			return us, false, nil
		}
		exprs := make([]sql.Expression, len(sch))
		for i, c := range sch {
			t, _ := bytewiseType(c.Type)
			exprs[i] = expression.NewGetFieldWithTable(i, 0, t, c.DatabaseSource, c.Source, c.Name, c.Nullable)
		}
		nn, err := us.WithChildren(ctx, plan.NewProject(ctx, exprs, us.Child))
		return nn, err == nil, err
	}
	// GMS reads the schema from the updatable table under the UpdateSource.
	t, err := plan.GetUpdatable(us.Child)
	if err != nil {
		return us, false, nil // not an UPDATE GMS can run; let it say so
	}
	sch := t.Schema(ctx)
	if !needsBytewise(sch) {
		return us, false, nil
	}
	nn, err := us.WithChildren(ctx, &rowChangeTarget{child: us.Child, table: t, sch: bytewiseSchema(sch)})
	return nn, err == nil, err
}

// hasJoin reports whether n holds a join (GMS's test for an UPDATE's source rows being
// joined rows).
func hasJoin(ctx *sql.Context, n sql.Node) bool {
	found := false
	transform.InspectWithOpaque(ctx, n, func(ctx *sql.Context, n sql.Node) bool {
		if _, ok := n.(*plan.JoinNode); ok {
			found = true
		}
		return !found
	})
	return found
}

// bytewiseOnDupUpdate returns ii, an INSERT ... ON DUPLICATE KEY UPDATE, with its
// destination a rowChangeTarget (see the comment at the top), and whether it changed it.
func bytewiseOnDupUpdate(ctx *sql.Context, ii *plan.InsertInto) (sql.Node, bool, error) {
	if ii.IsReplace || !ii.OnDupExprs.HasUpdates() {
		return ii, false, nil
	}
	sch := ii.Destination.Schema(ctx)
	if !needsBytewise(sch) {
		return ii, false, nil
	}
	t, err := plan.GetInsertable(ii.Destination)
	if err != nil {
		return ii, false, nil // let GMS say so
	}
	nn, err := ii.WithChildren(ctx, &rowChangeTarget{child: ii.Destination, table: t, sch: bytewiseSchema(sch)})
	return nn, err == nil, err
}

// rowChangeTarget is a node over child, the rows an UPDATE reads or the destination of
// an INSERT, that is the table GMS writes them to (table: an UPDATE finds it as an
// updatable table, an INSERT through sql.TableWrapper) with the schema sch, table's
// schema with bytewise string comparisons. Its rows are child's.
type rowChangeTarget struct {
	child sql.Node
	table sql.Table
	sch   sql.Schema
}

var (
	_ sql.Node            = (*rowChangeTarget)(nil)
	_ sql.ExecBuilderNode = (*rowChangeTarget)(nil)
	_ sql.UpdatableTable  = (*rowChangeTarget)(nil)
	_ sql.TableWrapper    = (*rowChangeTarget)(nil)
)

func (r *rowChangeTarget) Resolved() bool                     { return r.child.Resolved() }
func (r *rowChangeTarget) IsReadOnly() bool                   { return r.child.IsReadOnly() }
func (r *rowChangeTarget) String() string                     { return r.child.String() }
func (r *rowChangeTarget) Schema(ctx *sql.Context) sql.Schema { return r.sch }
func (r *rowChangeTarget) Children() []sql.Node               { return []sql.Node{r.child} }
func (r *rowChangeTarget) Name() string                       { return r.table.Name() }
func (r *rowChangeTarget) Collation() sql.CollationID         { return r.table.Collation() }
func (r *rowChangeTarget) Underlying() sql.Table              { return r.table }

func (r *rowChangeTarget) WithChildren(ctx *sql.Context, children ...sql.Node) (sql.Node, error) {
	if len(children) != 1 {
		return nil, sql.ErrInvalidChildrenNumber.New(r, len(children), 1)
	}
	return &rowChangeTarget{child: children[0], table: r.table, sch: r.sch}, nil
}

// BuildRowIter implements sql.ExecBuilderNode: child's rows.
func (r *rowChangeTarget) BuildRowIter(ctx *sql.Context, b sql.NodeExecBuilder, row sql.Row) (sql.RowIter, error) {
	return b.Build(ctx, r.child, row)
}

// Partitions implements sql.Table (GMS builds the node, never scans it as a table).
func (r *rowChangeTarget) Partitions(ctx *sql.Context) (sql.PartitionIter, error) {
	return r.table.Partitions(ctx)
}

// PartitionRows implements sql.Table.
func (r *rowChangeTarget) PartitionRows(ctx *sql.Context, p sql.Partition) (sql.RowIter, error) {
	return r.table.PartitionRows(ctx, p)
}

// Updater implements sql.UpdatableTable: the table's.
func (r *rowChangeTarget) Updater(ctx *sql.Context) sql.RowUpdater {
	return r.table.(sql.UpdatableTable).Updater(ctx)
}

// SameValue reports whether a and b are the same value of type t as MySQL stores it:
// strings (CHAR, VARCHAR, TEXT) by their bytes, whatever their collation (a CHAR's
// without trailing spaces), other values by t.Compare; NULL is the same as NULL only.
// A diff of rows (sql/systables) uses it, so that a change of case is a change.
func SameValue(ctx context.Context, t sql.Type, a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	bt, _ := bytewiseType(t)
	n, err := bt.Compare(ctx, a, b)
	return err == nil && n == 0
}

// needsBytewise reports whether sch has a column whose type compares strings other
// than bytewise.
func needsBytewise(sch sql.Schema) bool {
	for _, c := range sch {
		if _, ok := bytewiseType(c.Type); ok {
			return true
		}
	}
	return false
}

// bytewiseSchema returns sch with the types of its non-binary string columns
// byteStrings (sch itself, not a copy, if it has none).
func bytewiseSchema(sch sql.Schema) sql.Schema {
	if !needsBytewise(sch) {
		return sch
	}
	out := make(sql.Schema, len(sch))
	for i, c := range sch {
		if t, ok := bytewiseType(c.Type); ok {
			cc := *c
			cc.Type = t
			c = &cc
		}
		out[i] = c
	}
	return out
}

// bytewiseType returns t as a byteString and true if it is a non-binary string type
// (CHAR, VARCHAR, TEXT), else t and false.
func bytewiseType(t sql.Type) (sql.Type, bool) {
	st, ok := t.(types.StringType)
	if !ok || types.IsBinaryType(st) {
		return t, false
	}
	return byteString{st}, true
}

// byteString is a CHAR, VARCHAR or TEXT type that compares values by their bytes
// instead of under its collation (a CHAR value without its trailing spaces, as MySQL
// stores it); everything else is the type's. Only the row comparisons of
// rowChangeBuilder's statements see it.
type byteString struct {
	types.StringType
}

// Compare implements sql.Type: the bytes of a and b (NULL first).
func (t byteString) Compare(ctx context.Context, a, b any) (int, error) {
	if hasNulls, res := types.CompareNulls(a, b); hasNulls {
		return res, nil
	}
	as, err := t.text(ctx, a)
	if err != nil {
		return 0, err
	}
	bs, err := t.text(ctx, b)
	if err != nil {
		return 0, err
	}
	if t.Type() == sqltypes.Char {
		as, bs = strings.TrimRight(as, " "), strings.TrimRight(bs, " ")
	}
	return strings.Compare(as, bs), nil
}

// text returns v's bytes as the type holds them.
func (t byteString) text(ctx context.Context, v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	}
	c, _, err := t.StringType.Convert(ctx, v)
	if err != nil {
		return "", err
	}
	if c, err = sql.UnwrapAny(ctx, c); err != nil {
		return "", err
	}
	switch x := c.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	}
	return "", fmt.Errorf("backend: %T is not a string", c)
}
