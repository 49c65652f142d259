package systables

import (
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/merge"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// The merge system tables, without prefix; dsql_conflicts_<t> is matched by prefix.
const (
	ConflictsTable   = "conflicts"
	MergeStatusTable = "merge_status"
	conflictsPrefix  = "conflicts_"
)

// The conflicts of a merge in progress live in the branch's persisted working set
// (repo.MergeState, written by dsql_merge); these tables read it afresh at every scan,
// so they show what is durable, including changes other sessions made. A read-only
// revision database has no merge in progress.

// lookupMergeTable returns dsql_conflicts, dsql_merge_status or dsql_conflicts_<t>.
func lookupMergeTable(ctx *sql.Context, db *backend.Database, name, base string) (sql.Table, bool, error) {
	switch {
	case base == ConflictsTable:
		return newConflictsTable(db, name), true, nil
	case base == MergeStatusTable:
		return newMergeStatusTable(db, name), true, nil
	case base == SchemaConflictsTable:
		return newSchemaConflictsTable(db, name), true, nil
	case strings.HasPrefix(base, conflictsPrefix):
		return newTableConflicts(ctx, db, name, name[len(name)-len(base)+len(conflictsPrefix):])
	}
	return lookupViolationsTable(ctx, db, name, base)
}

// mergeState returns the merge in progress on the session's branch of db, if any.
func mergeState(ctx *sql.Context, db *backend.Database) (string, repo.MergeState, bool, error) {
	if db.IsReadOnly() {
		return "", repo.MergeState{}, false, nil
	}
	branch, err := db.Branch(ctx)
	if err != nil {
		return "", repo.MergeState{}, false, err
	}
	ws, err := db.Repo().WorkingSet(ctx, branch)
	if err != nil {
		return "", repo.MergeState{}, false, err
	}
	ms, ok := ws.Merge()
	return branch, ms, ok, nil
}

func newConflictsTable(db *backend.Database, name string) sql.Table {
	cols := []column{{name: "table", typ: textType, pk: true}, {name: "num_conflicts", typ: uint64Type}}
	return newTable(name, db.Name(), cols, func(ctx *sql.Context) (sql.RowIter, error) {
		_, ms, ok, err := mergeState(ctx, db)
		if err != nil || !ok {
			return sql.RowsToRowIter(), err
		}
		cts, err := merge.LoadConflicts(ctx, db.Repo(), ms)
		if err != nil {
			return nil, err
		}
		rows := make([]sql.Row, 0, len(cts))
		for _, ct := range cts {
			rows = append(rows, sql.Row{ct.Name, ct.Keys.Count()})
		}
		return sql.RowsToRowIter(rows...), nil
	})
}

func newMergeStatusTable(db *backend.Database, name string) sql.Table {
	cols := []column{
		{name: "is_merging", typ: boolType},
		{name: "source", typ: textType, nullable: true},
		{name: "source_commit", typ: textType, nullable: true},
		{name: "target", typ: textType, nullable: true},
		{name: "unmerged_tables", typ: textType, nullable: true},
	}
	return newTable(name, db.Name(), cols, func(ctx *sql.Context) (sql.RowIter, error) {
		branch, ms, ok, err := mergeState(ctx, db)
		if err != nil {
			return nil, err
		}
		if !ok {
			return sql.RowsToRowIter(sql.Row{false, nil, nil, nil, nil}), nil
		}
		var unmerged any
		if len(ms.Conflicts) > 0 || len(ms.SchemaConflicts) > 0 {
			var names []string
			seen := map[string]bool{}
			for _, tc := range ms.Conflicts {
				names, seen[strings.ToLower(tc.Table)] = append(names, tc.Table), true
			}
			for _, sc := range ms.SchemaConflicts {
				if !seen[strings.ToLower(sc.Table)] {
					names = append(names, sc.Table)
				}
			}
			sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
			unmerged = strings.Join(names, ", ")
		}
		src := ms.Commit.String()
		if bs, err := db.Repo().Branches(ctx); err == nil {
			for _, b := range bs {
				if c, err := db.Repo().Branch(ctx, b); err == nil && c.Hash() == ms.Commit && b != branch {
					src = b
					break
				}
			}
		}
		return sql.RowsToRowIter(sql.Row{true, src, ms.Commit.String(), branch, unmerged}), nil
	})
}

// tableConflicts is dsql_conflicts_<t>: one row per conflicted row of t with its base,
// ours and theirs versions. DELETE of a row resolves it keeping ours (the working row).
type tableConflicts struct {
	*table
	db    *backend.Database
	tname string
	idCol int
}

var (
	_ sql.Table          = (*tableConflicts)(nil)
	_ sql.DeletableTable = (*tableConflicts)(nil)
)

// newTableConflicts builds dsql_conflicts_<t> with t's columns as of the working root
// (the schema ours had at the merge; a table without a merge in progress has no rows).
func newTableConflicts(ctx *sql.Context, db *backend.Database, name, tname string) (sql.Table, bool, error) {
	sch, ok, err := conflictSchema(ctx, db, tname)
	if err != nil || !ok {
		return nil, ok, err
	}
	prefix := name[:len(name)-len("conflicts_")-len(tname)]
	types := make([]sql.Type, len(sch.Columns))
	for i, c := range sch.Columns {
		if types[i], err = typeconv.TypeFor(c.SQLType); err != nil {
			return nil, false, fmt.Errorf("%s: column %q: %w", name, c.Name, err)
		}
	}
	cols := []column{{name: "from_root_ish", typ: textType, nullable: true}}
	for _, side := range []string{"base_", "our_", "their_"} {
		for i, c := range sch.Columns {
			cols = append(cols, column{name: side + c.Name, typ: types[i], nullable: true})
		}
		if side != "base_" {
			cols = append(cols, column{name: side + "diff_type", typ: textType, nullable: true})
		}
	}
	cols = append(cols, column{name: prefix + "conflict_id", typ: textType, pk: true})
	tc := &tableConflicts{db: db, tname: tname, idCol: len(cols) - 1}
	tc.table = newTable(name, db.Name(), cols, func(ctx *sql.Context) (sql.RowIter, error) {
		return tc.rows(ctx, types)
	})
	return tc, true, nil
}

// conflictSchema returns the schema of table tname for its conflicts table: from the
// merge state's pre-merge root if the table has conflicts, else from the working root.
func conflictSchema(ctx *sql.Context, db *backend.Database, tname string) (repo.Schema, bool, error) {
	_, ms, ok, err := mergeState(ctx, db)
	if err != nil {
		return repo.Schema{}, false, err
	}
	if ok {
		cts, err := merge.LoadConflicts(ctx, db.Repo(), ms)
		if err != nil {
			return repo.Schema{}, false, err
		}
		if ct, found := merge.Find(cts, tname); found {
			return ct.Ours.Schema(), true, nil
		}
	}
	if db.IsReadOnly() {
		return repo.Schema{}, false, nil
	}
	branch, err := db.Branch(ctx)
	if err != nil {
		return repo.Schema{}, false, err
	}
	ws, err := db.Repo().WorkingSet(ctx, branch)
	if err != nil {
		return repo.Schema{}, false, err
	}
	t, found, err := ws.Working().Table(ctx, tname)
	if err != nil || !found {
		return repo.Schema{}, false, err
	}
	return t.Schema(), true, nil
}

func (tc *tableConflicts) rows(ctx *sql.Context, types []sql.Type) (sql.RowIter, error) {
	_, ms, ok, err := mergeState(ctx, tc.db)
	if err != nil || !ok {
		return sql.RowsToRowIter(), err
	}
	cts, err := merge.LoadConflicts(ctx, tc.db.Repo(), ms)
	if err != nil {
		return nil, err
	}
	ct, found := merge.Find(cts, tc.tname)
	if !found {
		return sql.RowsToRowIter(), nil
	}
	sch := ct.Ours.Schema()
	kd, vd := ct.Ours.KeyDesc(), ct.Ours.ValueDesc()
	// loc[o] = (in key, field index) of column o.
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
	decode := func(key, val []byte) ([]any, error) {
		out := make([]any, len(sch.Columns))
		if val == nil {
			return out, nil
		}
		for o := range sch.Columns {
			var err error
			if inKey[o] {
				out[o], err = typeconv.GetValue(kd, key, idx[o], types[o])
			} else {
				out[o], err = typeconv.GetValue(vd, val, idx[o], types[o])
			}
			if err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	diffType := func(base, side []byte) any {
		switch {
		case base == nil && side != nil:
			return "added"
		case base != nil && side == nil:
			return "removed"
		case base != nil:
			return "modified"
		}
		return nil
	}
	var rows []sql.Row
	err = ct.Rows(ctx, func(cr merge.ConflictRow) (bool, error) {
		row := sql.Row{ms.Commit.String()}
		for i, v := range [][]byte{cr.Base, cr.Ours, cr.Theirs} {
			vals, err := decode(cr.Key, v)
			if err != nil {
				return false, err
			}
			row = append(row, vals...)
			if i > 0 {
				row = append(row, diffType(cr.Base, v))
			}
		}
		row = append(row, hex.EncodeToString(cr.Key))
		rows = append(rows, row)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return sql.RowsToRowIter(rows...), nil
}

// Deleter implements sql.DeletableTable: deleting rows of dsql_conflicts_<t> marks those
// conflicts resolved, keeping the working (our) rows. The change is written to the
// branch's working set when the statement completes, durably and at once (like
// dsql_conflicts_resolve), not at the transaction's COMMIT.
func (tc *tableConflicts) Deleter(*sql.Context) sql.RowDeleter {
	return &conflictDeleter{tc: tc}
}

type conflictDeleter struct {
	tc   *tableConflicts
	keys [][]byte
}

func (d *conflictDeleter) StatementBegin(*sql.Context) {}

func (d *conflictDeleter) DiscardChanges(*sql.Context, error) error { d.keys = nil; return nil }

func (d *conflictDeleter) StatementComplete(ctx *sql.Context) error { return d.flush(ctx) }

func (d *conflictDeleter) Close(ctx *sql.Context) error { return d.flush(ctx) }

func (d *conflictDeleter) Delete(_ *sql.Context, row sql.Row) error {
	id, ok := row[d.tc.idCol].(string)
	if !ok {
		return fmt.Errorf("%s: bad conflict id %v", d.tc.Name(), row[d.tc.idCol])
	}
	k, err := hex.DecodeString(id)
	if err != nil {
		return fmt.Errorf("%s: bad conflict id %q: %w", d.tc.Name(), id, err)
	}
	d.keys = append(d.keys, k)
	return nil
}

const maxConflictUpdates = 100

func (d *conflictDeleter) flush(ctx *sql.Context) error {
	if len(d.keys) == 0 {
		return nil
	}
	keys := d.keys
	d.keys = nil
	r := d.tc.db.Repo()
	branch, err := d.tc.db.Branch(ctx)
	if err != nil {
		return err
	}
	for range maxConflictUpdates {
		head, err := r.Branch(ctx, branch)
		if err != nil {
			return err
		}
		cur, err := r.WorkingSet(ctx, branch)
		if err != nil {
			return err
		}
		ms, ok := cur.Merge()
		if !ok {
			return nil
		}
		cts, err := merge.LoadConflicts(ctx, r, ms)
		if err != nil {
			return err
		}
		ct, found := merge.Find(cts, d.tc.tname)
		if !found {
			return nil
		}
		if ct, err = ct.Without(ctx, keys...); err != nil {
			return err
		}
		if ms, err = merge.WithConflicts(ms, ct.Name, ct.Keys); err != nil {
			return err
		}
		next := cur.WithMerge(ms)
		if !ms.Unresolved() {
			// A cherry-pick or revert concludes with an ordinary commit: drop its state.
			pick, err := merge.IsPickState(ctx, r, head, ms)
			if err != nil {
				return err
			}
			if pick {
				next = next.ClearMerge()
			}
		}
		err = r.CommitWorkingSet(ctx, branch, head.Hash(), head, cur, next)
		if errors.Is(err, repo.ErrConflict) {
			continue
		}
		return err
	}
	return sql.ErrLockDeadlock.New(fmt.Sprintf("branch %q: gave up after %d concurrent updates", branch, maxConflictUpdates))
}
