package systables

import (
	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
)

// UnscopedDiffTable is the name of dsql_diff (the system table, not the dsql_diff()
// table function), without the dsql_/dolt_ prefix.
const UnscopedDiffTable = "diff"

// unscopedDiffColumns are the columns of dsql_diff.
var unscopedDiffColumns = []column{
	{name: "commit_hash", typ: textType},
	{name: "table_name", typ: textType},
	{name: "committer", typ: textType, nullable: true},
	{name: "email", typ: textType, nullable: true},
	{name: "date", typ: datetimeType, nullable: true},
	{name: "message", typ: textType, nullable: true},
	{name: "data_change", typ: boolType},
	{name: "schema_change", typ: boolType},
}

// unscopedDiffTable is dsql_diff: one row per table changed per commit of the history of
// HEAD (newest first; each commit against its first parent, the first commit against
// the empty database), preceded, for a branch, by the tables changed in the working set
// (commit_hash 'WORKING', compared with STAGED) and in the staged set ('STAGED',
// compared with HEAD), whose committer, email, date and message are NULL. table_name is
// the table's new name (its old one if it was dropped); data_change and schema_change
// are those of dsql_diff_summary(). Within a commit tables are in name order.
//
// Commits are read lazily from the log, so a LIMIT stops the walk; a commit_hash = '<hash>'
// filter is pushed down as a read of that one commit (see historyTable).
type unscopedDiffTable struct {
	name   string
	db     *backend.Database
	sch    sql.Schema
	lookup *sql.IndexLookup
}

var (
	_ sql.IndexAddressableTable = (*unscopedDiffTable)(nil)
	_ sql.IndexedTable          = (*unscopedDiffTable)(nil)
)

func newUnscopedDiffTable(db *backend.Database, name string) *unscopedDiffTable {
	return &unscopedDiffTable{name: name, db: db, sch: schemaOf(name, db.Name(), unscopedDiffColumns)}
}

func (t *unscopedDiffTable) Name() string                   { return t.name }
func (t *unscopedDiffTable) String() string                 { return t.name }
func (t *unscopedDiffTable) Schema(*sql.Context) sql.Schema { return t.sch }
func (t *unscopedDiffTable) Collation() sql.CollationID     { return sql.Collation_Default }
func (t *unscopedDiffTable) PreciseMatch() bool             { return false }

// Partitions implements sql.Table.
func (t *unscopedDiffTable) Partitions(*sql.Context) (sql.PartitionIter, error) {
	if t.lookup != nil {
		return sql.PartitionsToPartitionIter(diffLookupPartition{*t.lookup}), nil
	}
	return sql.PartitionsToPartitionIter(partition{}), nil
}

// IndexedAccess implements sql.IndexAddressable.
func (t *unscopedDiffTable) IndexedAccess(_ *sql.Context, lookup sql.IndexLookup) sql.IndexedTable {
	if _, ok := lookup.Index.(*diffIndex); !ok {
		return nil
	}
	g := *t
	g.lookup = &lookup
	return &g
}

// LookupPartitions implements sql.IndexedTable.
func (t *unscopedDiffTable) LookupPartitions(_ *sql.Context, lookup sql.IndexLookup) (sql.PartitionIter, error) {
	return sql.PartitionsToPartitionIter(diffLookupPartition{lookup}), nil
}

// GetIndexes implements sql.IndexAddressable: commit_hash.
func (t *unscopedDiffTable) GetIndexes(*sql.Context) ([]sql.Index, error) {
	dt := diffTable{name: t.name, db: t.db, sch: t.sch}
	return []sql.Index{dt.newIndex("commit_hash", []int{0})}, nil
}

// PartitionRows implements sql.Table.
func (t *unscopedDiffTable) PartitionRows(ctx *sql.Context, part sql.Partition) (sql.RowIter, error) {
	r := t.db.Repo()
	hc, _, err := head(ctx, t.db)
	if err != nil {
		return nil, err
	}
	var pending []sql.Row
	var commits commitIter
	if lp, ok := part.(diffLookupPartition); ok {
		// A commit_hash lookup: that commit only, or WORKING / STAGED only.
		ht := historyTable{pkLookupTable{name: t.name, db: t.db}}
		points, ok := rangePoints(ctx, lp.lookup, 1)
		var label string
		if ok && len(points) == 1 {
			switch v := points[0][0].(type) {
			case string:
				label = v
			case []byte:
				label = string(v)
			}
		}
		if label == WorkingLabel || label == StagedLabel {
			if pending, err = t.uncommittedRows(ctx, hc, label); err != nil {
				return nil, err
			}
			commits = &sliceCommits{}
		} else {
			c, ok, err := ht.historyCommit(ctx, hc, lp.lookup)
			if err != nil {
				return nil, err
			}
			var cs []repo.Commit
			if ok {
				cs = append(cs, c)
			}
			commits = &sliceCommits{cs: cs}
		}
	} else {
		if pending, err = t.uncommittedRows(ctx, hc, ""); err != nil {
			return nil, err
		}
		commits = r.Log(ctx, hc)
	}
	var empty *repo.Root
	return &funcIter{next: func(ctx *sql.Context) (sql.Row, error) {
		for len(pending) == 0 {
			c, err := commits.Next(ctx)
			if err != nil {
				return nil, err // io.EOF included
			}
			to, err := r.Root(ctx, c.RootHash())
			if err != nil {
				return nil, err
			}
			var from repo.Root
			if ps := c.Parents(); len(ps) > 0 {
				p, err := r.Commit(ctx, ps[0])
				if err != nil {
					return nil, err
				}
				if from, err = r.Root(ctx, p.RootHash()); err != nil {
					return nil, err
				}
			} else {
				if empty == nil {
					e, err := repo.EmptyRoot(ctx, to.NodeStore())
					if err != nil {
						return nil, err
					}
					empty = &e
				}
				from = *empty
			}
			if from.Hash() == to.Hash() {
				continue
			}
			cm := c.Committer()
			info := sql.Row{cm.Name, cm.Email, sqlTime(cm.Time), c.Message()}
			if pending, err = changedTableRows(ctx, from, to, c.Hash().String(), info); err != nil {
				return nil, err
			}
		}
		row := pending[0]
		pending = pending[1:]
		return row, nil
	}}, nil
}

// uncommittedRows returns the WORKING and STAGED rows of a branch database (only those
// of label, unless it is ""): none for a revision database.
func (t *unscopedDiffTable) uncommittedRows(ctx *sql.Context, hc repo.Commit, label string) ([]sql.Row, error) {
	if t.db.IsReadOnly() {
		return nil, nil
	}
	working, staged, err := sessionRoots(ctx, t.db)
	if err != nil {
		return nil, err
	}
	headRoot, err := t.db.Repo().Root(ctx, hc.RootHash())
	if err != nil {
		return nil, err
	}
	noInfo := sql.Row{nil, nil, nil, nil}
	var out []sql.Row
	if label == "" || label == WorkingLabel {
		rows, err := changedTableRows(ctx, staged, working, WorkingLabel, noInfo)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	if label == "" || label == StagedLabel {
		rows, err := changedTableRows(ctx, headRoot, staged, StagedLabel, noInfo)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

// changedTableRows returns the dsql_diff rows of the tables that differ between from and
// to, with commit label and info (committer, email, date, message).
func changedTableRows(ctx *sql.Context, from, to repo.Root, label string, info sql.Row) ([]sql.Row, error) {
	if from.Hash() == to.Hash() {
		return nil, nil
	}
	sum, err := summaryRows(ctx, from, to, "")
	if err != nil {
		return nil, err
	}
	out := make([]sql.Row, 0, len(sum))
	for _, s := range sum {
		name := s[1]
		if name == "" {
			name = s[0]
		}
		row := append(sql.Row{label, name}, info...)
		out = append(out, append(row, s[3], s[4]))
	}
	return out, nil
}
