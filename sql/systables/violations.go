package systables

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"

	"github.com/dsqldb/dsql/merkle/merge"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// The constraint-violation tables, without prefix; dsql_constraint_violations_<t> is
// matched by prefix.
const (
	ViolationsTable  = "constraint_violations"
	violationsPrefix = "constraint_violations_"
)

// lookupViolationsTable returns dsql_constraint_violations or
// dsql_constraint_violations_<t>.
func lookupViolationsTable(ctx *sql.Context, db *backend.Database, name, base string) (sql.Table, bool, error) {
	switch {
	case base == ViolationsTable:
		return newViolationsTable(db, name), true, nil
	case strings.HasPrefix(base, violationsPrefix):
		return newTableViolations(ctx, db, name, name[len(name)-len(base)+len(violationsPrefix):])
	}
	return nil, false, nil
}

// newViolationsTable is dsql_constraint_violations: (table, num_violations) for every
// table with constraint violations recorded by the merge in progress.
func newViolationsTable(db *backend.Database, name string) sql.Table {
	cols := []column{{name: "table", typ: textType, pk: true}, {name: "num_violations", typ: uint64Type}}
	return newTable(name, db.Name(), cols, func(ctx *sql.Context) (sql.RowIter, error) {
		_, ms, ok, err := mergeState(ctx, db)
		if err != nil || !ok {
			return sql.RowsToRowIter(), err
		}
		vts, err := merge.LoadViolations(ctx, db.Repo(), ms)
		if err != nil {
			return nil, err
		}
		rows := make([]sql.Row, 0, len(vts))
		for _, vt := range vts {
			rows = append(rows, sql.Row{vt.Name, vt.Map.Count()})
		}
		return sql.RowsToRowIter(rows...), nil
	})
}

// tableViolations is dsql_constraint_violations_<t>: one row per (row, constraint)
// violated, with the row's columns as the merge left them and violation_info (JSON)
// describing the constraint. DELETE of a row marks that violation resolved (fix the
// row in t first).
type tableViolations struct {
	*table
	db    *backend.Database
	tname string
	sch   repo.Schema
	types []sql.Type
}

var (
	_ sql.Table          = (*tableViolations)(nil)
	_ sql.DeletableTable = (*tableViolations)(nil)
)

// newTableViolations builds dsql_constraint_violations_<t> with t's columns as of the
// branch's working root.
func newTableViolations(ctx *sql.Context, db *backend.Database, name, tname string) (sql.Table, bool, error) {
	if db.IsReadOnly() {
		return nil, false, nil
	}
	branch, err := db.Branch(ctx)
	if err != nil {
		return nil, false, err
	}
	ws, err := db.Repo().WorkingSet(ctx, branch)
	if err != nil {
		return nil, false, err
	}
	t, found, err := ws.Working().Table(ctx, tname)
	if err != nil || !found {
		return nil, false, err
	}
	sch := t.Schema()
	tv := &tableViolations{db: db, tname: tname, sch: sch, types: make([]sql.Type, len(sch.Columns))}
	cols := []column{{name: "from_root_ish", typ: textType, nullable: true}, {name: "violation_type", typ: textType}}
	for i, c := range sch.Columns {
		if tv.types[i], err = typeconv.TypeFor(c.SQLType); err != nil {
			return nil, false, fmt.Errorf("%s: column %q: %w", name, c.Name, err)
		}
		cols = append(cols, column{name: c.Name, typ: tv.types[i], nullable: true})
	}
	cols = append(cols, column{name: "violation_info", typ: types.JSON, nullable: true})
	tv.table = newTable(name, db.Name(), cols, func(ctx *sql.Context) (sql.RowIter, error) {
		rows, _, err := tv.rows(ctx)
		if err != nil {
			return nil, err
		}
		return sql.RowsToRowIter(rows...), nil
	})
	return tv, true, nil
}

// rows returns the table's rows and, for each, its violation's id.
func (tv *tableViolations) rows(ctx *sql.Context) ([]sql.Row, [][]byte, error) {
	_, ms, ok, err := mergeState(ctx, tv.db)
	if err != nil || !ok {
		return nil, nil, err
	}
	vts, err := merge.LoadViolations(ctx, tv.db.Repo(), ms)
	if err != nil {
		return nil, nil, err
	}
	vt, found := merge.FindViolations(vts, tv.tname)
	if !found {
		return nil, nil, nil
	}
	kd, err := tv.sch.KeyDesc()
	if err != nil {
		return nil, nil, err
	}
	vd, err := tv.sch.ValueDesc()
	if err != nil {
		return nil, nil, err
	}
	decode := rowDecoder(tv.sch, kd, vd, tv.types)
	var rows []sql.Row
	var ids [][]byte
	err = vt.Rows(ctx, func(v merge.ViolationRow) (bool, error) {
		vals, err := decode(v.Key, v.Value)
		if err != nil {
			return false, err
		}
		var info any
		if v.Info != "" {
			var doc any
			if err := json.Unmarshal([]byte(v.Info), &doc); err == nil {
				info = types.JSONDocument{Val: doc}
			}
		}
		row := append(sql.Row{ms.Commit.String(), v.Kind.String()}, vals...)
		rows = append(rows, append(row, info))
		ids = append(ids, v.ID)
		return true, nil
	})
	return rows, ids, err
}

// rowDecoder returns a function decoding a row (key and value tuples of sch, a nil
// value giving NULLs) into column values of the given types.
func rowDecoder(sch repo.Schema, kd, vd tuple.Desc, typs []sql.Type) func(key, val []byte) ([]any, error) {
	inKey := make([]bool, len(sch.Columns))
	idx := make([]int, len(sch.Columns))
	if sch.Keyless() {
		for o := range idx {
			idx[o] = 1 + o
		}
	} else {
		for p, o := range sch.PrimaryKey {
			inKey[o], idx[o] = true, p
		}
		v := 0
		for o := range sch.Columns {
			if !inKey[o] {
				idx[o] = v
				v++
			}
		}
	}
	return func(key, val []byte) ([]any, error) {
		out := make([]any, len(sch.Columns))
		if val == nil {
			return out, nil
		}
		for o := range sch.Columns {
			var err error
			if inKey[o] {
				out[o], err = typeconv.GetValue(kd, key, idx[o], typs[o])
			} else {
				out[o], err = typeconv.GetValue(vd, val, idx[o], typs[o])
			}
			if err != nil {
				return nil, err
			}
		}
		return out, nil
	}
}

// Deleter implements sql.DeletableTable: deleting rows of dsql_constraint_violations_<t>
// marks those violations resolved, in the session's transaction (like deleting
// conflicts): COMMIT lands it, ROLLBACK brings the violations back.
func (tv *tableViolations) Deleter(*sql.Context) sql.RowDeleter {
	return &violationDeleter{tv: tv}
}

type violationDeleter struct {
	tv   *tableViolations
	rows []string
}

func (d *violationDeleter) StatementBegin(*sql.Context) {}

func (d *violationDeleter) DiscardChanges(*sql.Context, error) error { d.rows = nil; return nil }

func (d *violationDeleter) StatementComplete(ctx *sql.Context) error { return d.flush(ctx) }

func (d *violationDeleter) Close(ctx *sql.Context) error { return d.flush(ctx) }

func (d *violationDeleter) Delete(_ *sql.Context, row sql.Row) error {
	d.rows = append(d.rows, rowKey(row))
	return nil
}

func rowKey(row sql.Row) string {
	var b strings.Builder
	for _, v := range row {
		if j, ok := v.(types.JSONDocument); ok {
			s, _ := json.Marshal(j.Val)
			v = string(s)
		}
		fmt.Fprintf(&b, "%#v|", v)
	}
	return b.String()
}

func (d *violationDeleter) flush(ctx *sql.Context) error {
	if len(d.rows) == 0 {
		return nil
	}
	want := map[string]bool{}
	for _, k := range d.rows {
		want[k] = true
	}
	d.rows = nil
	_, ms, ok, err := mergeState(ctx, d.tv.db)
	if err != nil || !ok {
		return err
	}
	rows, ids, err := d.tv.rows(ctx)
	if err != nil {
		return err
	}
	var del [][]byte
	for i, row := range rows {
		if want[rowKey(row)] {
			del = append(del, ids[i])
		}
	}
	vts, err := merge.LoadViolations(ctx, d.tv.db.Repo(), ms)
	if err != nil {
		return err
	}
	vt, found := merge.FindViolations(vts, d.tv.tname)
	if !found || len(del) == 0 {
		return nil
	}
	if vt, err = vt.Without(ctx, del...); err != nil {
		return err
	}
	return setMergeState(ctx, d.tv.db, merge.WithViolations(ms, vt.Name, vt.Map))
}
