package systables

import (
	"context"
	"reflect"
	"sort"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
)

// The status words of dsql_status (git's and Dolt's).
const (
	StatusNewTable = "new table"
	StatusModified = "modified"
	StatusDeleted  = "deleted"
	StatusRenamed  = "renamed"
	// StatusConflict marks a table with unresolved row conflicts of a merge in progress
	// (an unstaged entry that replaces the table's other entries).
	StatusConflict = "conflict"
	// StatusSchemaConflict marks a table whose schema changes a merge could not combine.
	StatusSchemaConflict = "schema conflict"
	// StatusViolation marks a table with unresolved constraint violations of a merge.
	StatusViolation = "constraint violation"
)

// StatusEntry is one changed table: staged (head root vs staged root) or not (staged root
// vs working root).
type StatusEntry struct {
	// Table is the table's name; for a rename, its new name.
	Table string
	// From is a renamed table's old name ("" otherwise).
	From   string
	Staged bool
	// Status is StatusNewTable, StatusModified, StatusDeleted or StatusRenamed.
	Status string
}

// Name is the entry's dsql_status table_name: Table, or "old -> new" for a rename.
func (e StatusEntry) Name() string {
	if e.Status == StatusRenamed {
		return e.From + " -> " + e.Table
	}
	return e.Table
}

// Status compares head with staged (entries with Staged true) and staged with working
// (Staged false), table by table: a table only on the newer side is a new table, only on
// the older side deleted, on both with different contents modified. A table missing on
// the newer side whose contents (rows, indexes and schema apart from its name) equal
// those of a new table is reported once, as renamed to it; so is a table whose name
// changed only in case. Staged entries come first, each group sorted by table name.
// Only the tables that differ are read, and unchanged tables are skipped by hash.
func Status(ctx context.Context, head, staged, working repo.Root) ([]StatusEntry, error) {
	s, err := compareRoots(ctx, head, staged, true)
	if err != nil {
		return nil, err
	}
	w, err := compareRoots(ctx, staged, working, false)
	if err != nil {
		return nil, err
	}
	return append(s, w...), nil
}

func compareRoots(ctx context.Context, from, to repo.Root, staged bool) ([]StatusEntry, error) {
	if from.Hash() == to.Hash() {
		return nil, nil
	}
	var out []StatusEntry
	var added, deleted []string
	for _, n := range to.TableNames() {
		fh, ok := from.TableHash(n)
		if !ok {
			added = append(added, n)
			continue
		}
		th, _ := to.TableHash(n)
		if fh == th {
			continue
		}
		e := StatusEntry{Table: n, Staged: staged, Status: StatusModified}
		if old := nameIn(from, n); old != n {
			// Only the case of the name changed: renamed if nothing else did.
			same, err := sameContent(ctx, from, old, to, n)
			if err != nil {
				return nil, err
			}
			if same {
				e.Status, e.From = StatusRenamed, old
			}
		}
		out = append(out, e)
	}
	for _, n := range from.TableNames() {
		if !to.HasTable(n) {
			deleted = append(deleted, n)
		}
	}
	paired := map[string]bool{}
	for _, d := range deleted {
		renamed := false
		for _, a := range added {
			if paired[a] {
				continue
			}
			same, err := sameContent(ctx, from, d, to, a)
			if err != nil {
				return nil, err
			}
			if same {
				paired[a], renamed = true, true
				out = append(out, StatusEntry{Table: a, From: d, Staged: staged, Status: StatusRenamed})
				break
			}
		}
		if !renamed {
			out = append(out, StatusEntry{Table: d, Staged: staged, Status: StatusDeleted})
		}
	}
	for _, a := range added {
		if !paired[a] {
			out = append(out, StatusEntry{Table: a, Staged: staged, Status: StatusNewTable})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return strings.ToLower(out[i].Table) < strings.ToLower(out[j].Table)
	})
	return out, nil
}

// nameIn returns the stored name of table n in root (which has it).
func nameIn(root repo.Root, n string) string {
	for _, m := range root.TableNames() {
		if strings.EqualFold(m, n) {
			return m
		}
	}
	return n
}

// sameContent reports whether table a of ra and table b of rb hold the same rows, indexes
// and schema, apart from the table's name.
func sameContent(ctx context.Context, ra repo.Root, a string, rb repo.Root, b string) (bool, error) {
	ta, ok, err := ra.Table(ctx, a)
	if err != nil || !ok {
		return false, err
	}
	tb, ok, err := rb.Table(ctx, b)
	if err != nil || !ok {
		return false, err
	}
	if ta.Rows().Hash() != tb.Rows().Hash() || ta.AutoIncrement() != tb.AutoIncrement() {
		return false, nil
	}
	ia, ib := ta.Indexes(), tb.Indexes()
	if len(ia) != len(ib) {
		return false, nil
	}
	for n, m := range ia {
		if o, ok := ib[n]; !ok || o.Hash() != m.Hash() {
			return false, nil
		}
	}
	sa, sb := ta.Schema(), tb.Schema()
	sa.Name, sb.Name = "", ""
	return reflect.DeepEqual(sa, sb), nil
}

// statusColumns are the columns of dsql_status.
var statusColumns = []column{
	{name: "table_name", typ: textType, pk: true},
	{name: "staged", typ: boolType, pk: true},
	{name: "status", typ: textType},
}

func newStatusTable(db *backend.Database, name string) *table {
	return newTable(name, db.Name(), statusColumns, func(ctx *sql.Context) (sql.RowIter, error) {
		if db.IsReadOnly() {
			return sliceIter(nil), nil
		}
		entries, err := sessionStatus(ctx, db)
		if err != nil {
			return nil, err
		}
		rows := make([]sql.Row, len(entries))
		for i, e := range entries {
			rows[i] = sql.Row{e.Name(), e.Staged, e.Status}
		}
		return sliceIter(rows), nil
	})
}

// sessionStatus is Status of db's branch as the session's transaction sees it.
func sessionStatus(ctx *sql.Context, db *backend.Database) ([]StatusEntry, error) {
	s, ok := ctx.Session.(*session.Session)
	if !ok {
		return nil, sql.ErrUnsupportedFeature.New("dsql_status without a dsql session")
	}
	working, staged, _, err := s.Roots(ctx, db)
	if err != nil {
		return nil, err
	}
	h, err := s.Head(ctx, db)
	if err != nil {
		return nil, err
	}
	headRoot, err := db.Repo().Root(ctx, h.RootHash())
	if err != nil {
		return nil, err
	}
	entries, err := Status(ctx, headRoot, staged, working)
	if err != nil {
		return nil, err
	}
	if ms, merging, err := s.MergeState(ctx, db); err != nil {
		return nil, err
	} else if merging {
		entries = withConflicts(entries, ms)
	}
	return entries, nil
}

// withConflicts replaces the entries of every table with unresolved row conflicts,
// schema conflicts or constraint violations in ms by one unstaged entry with that status
// (git lists such a path only as unmerged); a table with several kinds gets the first of
// schema conflict, conflict, constraint violation.
func withConflicts(entries []StatusEntry, ms repo.MergeState) []StatusEntry {
	if len(ms.Conflicts) == 0 && len(ms.SchemaConflicts) == 0 && len(ms.Violations) == 0 {
		return entries
	}
	var order []string
	status := map[string]StatusEntry{}
	add := func(table, st string) {
		k := strings.ToLower(table)
		if _, ok := status[k]; ok {
			return
		}
		order = append(order, k)
		status[k] = StatusEntry{Table: table, Status: st}
	}
	for _, sc := range ms.SchemaConflicts {
		add(sc.Table, StatusSchemaConflict)
	}
	for _, tc := range ms.Conflicts {
		add(tc.Table, StatusConflict)
	}
	for _, tv := range ms.Violations {
		add(tv.Table, StatusViolation)
	}
	out := entries[:0:0]
	for _, e := range entries {
		if _, ok := status[strings.ToLower(e.Table)]; !ok {
			out = append(out, e)
		}
	}
	for _, k := range order {
		out = append(out, status[k])
	}
	return out
}
