package dataio

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"

	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
)

// LoadDataBuilder is a GMS priority exec builder (rowexec.BaseBuilder.PriorityBuilder)
// that runs LOAD DATA into an empty table through Import's bulk path instead of GMS's
// row-by-row INSERT. GMS still reads and splits the file (its LOAD DATA iterator: same
// FIELDS/LINES/IGNORE handling, LOCAL, defaults); each row it yields becomes a record
// that Import converts exactly as INSERT converts the same values, then the rows and
// indexes are built with prolly.Builder and become the transaction's working root.
//
// Only plain loads take the path: no IGNORE or REPLACE (nor LOCAL, which implies
// IGNORE), no SET clause or user variables, into a table that is empty in the
// transaction's view, has a primary key and no auto-increment column, foreign key,
// enforced check, generated column or trigger. Then MySQL's semantics are those of
// Import: any bad value, NULL in a NOT NULL column or duplicate key (primary or
// unique) fails the statement and leaves the table empty. Everything else builds
// nothing here and runs GMS's own plan.
type LoadDataBuilder struct {
	// Base builds the LOAD DATA source node (GMS's iterator).
	Base sql.NodeExecBuilder
}

// Build implements sql.NodeExecBuilder: a row iterator for an INSERT of LOAD DATA rows
// that takes the bulk path, nil (no error) for every other node.
func (b LoadDataBuilder) Build(ctx *sql.Context, n sql.Node, row sql.Row) (sql.RowIter, error) {
	ii, ok := n.(*plan.InsertInto)
	if !ok {
		return nil, nil
	}
	ld, ok := loadDataSource(ii.Source)
	if !ok || ld.IsIgnore || ld.IsReplace || ld.Local || len(ld.SetExprs) > 0 || ii.IsReplace || ii.Ignore || len(ii.Returning) > 0 || ii.OnDupExprs != nil && len(ii.OnDupExprs.AllExpressions()) > 0 {
		return nil, nil
	}
	for _, v := range ld.UserVars {
		if v != nil {
			return nil, nil
		}
	}
	ins, err := plan.GetInsertable(ii.Destination)
	if err != nil {
		return nil, nil
	}
	bt, ok := ins.(*backend.Table)
	if !ok {
		return nil, nil
	}
	db := unwrapDatabase(ii.Database())
	if db == nil || db.Temporary() || db.IsReadOnly() {
		return nil, nil
	}
	sess, ok := ctx.Session.(*session.Session)
	if !ok {
		return nil, nil
	}
	working, _, _, err := sess.Roots(ctx, db)
	if err != nil {
		return nil, err
	}
	t, exists, err := working.Table(ctx, bt.Name())
	if err != nil || !exists {
		return nil, err
	}
	rs := t.Schema()
	if t.Rows().Count() != 0 || checkImportable(working, rs) != nil {
		return nil, nil
	}
	for _, c := range rs.Columns {
		if c.AutoIncrement {
			return nil, nil
		}
	}
	if trig, ok := ii.Database().(sql.TriggerDatabase); ok {
		ts, err := trig.GetTriggers(ctx)
		if err != nil {
			return nil, err
		}
		for _, tr := range ts {
			if strings.Contains(strings.ToLower(tr.CreateStatement), strings.ToLower(bt.Name())) {
				return nil, nil // a trigger may be on this table: INSERT fires it
			}
		}
	}
	sch := ii.Destination.Schema(ctx)
	if len(sch) != len(rs.Columns) {
		return nil, nil
	}
	src, err := b.Base.Build(ctx, ii.Source, row)
	if err != nil {
		return nil, err
	}
	return &loadDataBulkIter{db: db, table: rs.Name, src: src, sch: sch}, nil
}

// loadDataSource returns the LOAD DATA node under an INSERT's source (the planner puts a
// projection onto the destination's columns over it).
func loadDataSource(n sql.Node) (*plan.LoadData, bool) {
	for {
		switch x := n.(type) {
		case *plan.LoadData:
			return x, true
		case *plan.Project:
			n = x.Child
		default:
			return nil, false
		}
	}
}

// unwrapDatabase returns the *backend.Database under GMS's wrappers, or nil.
func unwrapDatabase(d sql.Database) *backend.Database {
	for d != nil {
		switch x := d.(type) {
		case *backend.Database:
			return x
		case interface{ Unwrap() sql.Database }:
			d = x.Unwrap()
		default:
			return nil
		}
	}
	return nil
}

// loadDataBulkIter runs the import on its first Next and returns one OK result.
type loadDataBulkIter struct {
	db    *backend.Database
	table string
	src   sql.RowIter
	sch   sql.Schema
	done  bool
}

func (it *loadDataBulkIter) Next(ctx *sql.Context) (sql.Row, error) {
	if it.done {
		return nil, io.EOF
	}
	it.done = true
	names := make([]string, len(it.sch))
	for i, c := range it.sch {
		names[i] = c.Name
	}
	r := &rowSource{ctx: ctx, it: it.src, names: names}
	res, err := Import(ctx, it.db, r, "LOAD DATA", ImportOptions{Table: it.table, Mode: Replace})
	if err != nil {
		return nil, loadDataError(err)
	}
	return sql.NewRow(types.NewOkResult(int(res.Rows))), nil
}

func (it *loadDataBulkIter) Close(ctx *sql.Context) error {
	return it.src.Close(ctx)
}

// rowSource is a Reader over the rows of GMS's LOAD DATA iterator: a string per field
// read from the file, nil for \N, and typed values for defaults of absent columns.
type rowSource struct {
	ctx   *sql.Context
	it    sql.RowIter
	names []string
	line  int
}

func (r *rowSource) Header() []string { return r.names }
func (r *rowSource) Offset() int64    { return 0 }

func (r *rowSource) Next() (Record, error) {
	row, err := r.it.Next(r.ctx)
	if err != nil {
		return Record{}, err
	}
	if len(row) != len(r.names) {
		return Record{}, fmt.Errorf("%w: LOAD DATA gave a row of %d values for %d columns", ErrImport, len(row), len(r.names))
	}
	r.line++
	return Record{Line: r.line, Names: r.names, Values: row}, nil
}

// loadDataError gives a bad row's error the MySQL code INSERT would report.
func loadDataError(err error) error {
	var re *RowError
	if !errors.As(err, &re) {
		if errors.Is(err, ErrImport) && strings.Contains(err.Error(), "duplicate entry") {
			return mysql.NewSQLError(mysql.ERDupEntry, "23000", "%s", err.Error())
		}
		return err
	}
	msg := strings.TrimPrefix(re.Error(), "LOAD DATA:")
	msg = "row " + msg
	switch r := strings.ToLower(re.Reason); {
	case strings.Contains(r, "duplicate"):
		return mysql.NewSQLError(mysql.ERDupEntry, "23000", "%s", msg)
	case strings.Contains(r, "not null"):
		return mysql.NewSQLError(mysql.ERBadNullError, "23000", "%s", msg)
	case strings.Contains(r, "too long"):
		return mysql.NewSQLError(mysql.ERDataTooLong, "22001", "%s", msg)
	case strings.Contains(r, "out of range"):
		return mysql.NewSQLError(mysql.ERWarnDataOutOfRange, "22003", "%s", msg)
	}
	return mysql.NewSQLError(mysql.ERTruncatedWrongValueForField, "HY000", "%s", msg)
}
