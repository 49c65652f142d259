package systables

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
)

// HistoryTablePrefix is the system table name prefix of dsql_history_<t>, without
// dsql_ / dolt_.
const HistoryTablePrefix = "history_"

// currentTable returns table user as the session's working root has it, or as HEAD has
// it if it was dropped since (ok=false if neither has it).
func currentTable(ctx *sql.Context, db *backend.Database, user string) (repo.Table, bool, error) {
	working, _, err := sessionRoots(ctx, db)
	if err != nil {
		return repo.Table{}, false, err
	}
	t, ok, err := working.Table(ctx, user)
	if err != nil || ok {
		return t, ok, err
	}
	hc, _, err := head(ctx, db)
	if err != nil {
		return repo.Table{}, false, err
	}
	hr, err := db.Repo().Root(ctx, hc.RootHash())
	if err != nil {
		return repo.Table{}, false, err
	}
	return hr.Table(ctx, user)
}

// lookupHistoryTable serves dsql_history_<t> (base is the name without dsql_/dolt_).
func lookupHistoryTable(ctx *sql.Context, db *backend.Database, name, base string) (sql.Table, bool, error) {
	user, ok := strings.CutPrefix(base, HistoryTablePrefix)
	if !ok || user == "" {
		return nil, false, nil
	}
	t, ok, err := currentTable(ctx, db, user)
	if err != nil || !ok {
		return nil, false, err
	}
	v, err := newTableView(t)
	if err != nil {
		return nil, false, err
	}
	ht := &historyTable{pkLookupTable{name: name, db: db, table: t.Name(), view: v}}
	for _, c := range v.sch {
		nc := c.Copy()
		nc.Source, nc.DatabaseSource, nc.PrimaryKey = name, db.Name(), false
		ht.sch = append(ht.sch, nc)
	}
	ht.sch = append(ht.sch, schemaOf(name, db.Name(), historyCommitColumns)...)
	return ht, true, nil
}

// historyCommitColumns follow the table's own columns in dsql_history_<t>.
var historyCommitColumns = []column{
	{name: "commit_hash", typ: textType},
	{name: "committer", typ: textType},
	{name: "commit_date", typ: datetimeType},
}

// historyTable is dsql_history_<t>: every row of table t as of every commit of the
// history of HEAD (the session's branch, or a revision database's commit) in which t
// exists, newest commit first and in key order within a commit, followed by the commit's
// hash, committer name and date. Rows of older commits are shown in the table's current
// schema (by column name; see project).
//
// Filter pushdown (sql.IndexAddressable, PreciseMatch false so GMS re-applies every
// filter): an index on the primary-key columns turns point filters (id = 5, id IN (1, 2))
// into point reads of those keys in each commit's row map instead of scans; an index on
// commit_hash turns commit_hash = '<hash>' into a read of that one commit (if it is in
// the history). Rows are produced lazily, one commit at a time, so a LIMIT stops the walk.
type historyTable struct{ pkLookupTable }

var (
	_ sql.IndexAddressableTable = (*historyTable)(nil)
	_ sql.IndexedTable          = (*historyTable)(nil)
)

// IndexedAccess implements sql.IndexAddressable.
func (t *historyTable) IndexedAccess(_ *sql.Context, lookup sql.IndexLookup) sql.IndexedTable {
	if _, ok := lookup.Index.(*diffIndex); !ok {
		return nil
	}
	g := *t
	g.lookup = &lookup
	return &g
}

// GetIndexes implements sql.IndexAddressable: the primary key and commit_hash.
func (t *historyTable) GetIndexes(*sql.Context) ([]sql.Index, error) {
	out := []sql.Index{t.newIndex("commit_hash", []int{len(t.view.sch)})}
	if pk := t.view.t.Schema().PrimaryKey; len(pk) > 0 {
		out = append(out, t.newIndex("pk", pk))
	}
	return out, nil
}

func (t *historyTable) newIndex(id string, cols []int) *diffIndex {
	dt := diffTable{name: t.name, db: t.db, sch: t.sch}
	return dt.newIndex(id, cols)
}

// PartitionRows implements sql.Table.
func (t *historyTable) PartitionRows(ctx *sql.Context, part sql.Partition) (sql.RowIter, error) {
	hc, _, err := head(ctx, t.db)
	if err != nil {
		return nil, err
	}
	r := t.db.Repo()
	var keys keyFilter
	var commits commitIter
	if lp, ok := part.(diffLookupPartition); ok {
		if ix := lp.lookup.Index.(*diffIndex); ix.id == "commit_hash" {
			c, ok, err := t.historyCommit(ctx, hc, lp.lookup)
			if err != nil {
				return nil, err
			}
			var cs []repo.Commit
			if ok {
				cs = append(cs, c)
			}
			commits = &sliceCommits{cs: cs}
		} else {
			dt := diffTable{view: t.view}
			keys = dt.pointKeys(ctx, lp.lookup)
		}
	}
	if commits == nil {
		commits = r.Log(ctx, hc)
	}
	views := map[hash.Hash]*tableView{}
	var cur *changeIter
	var curView *tableView
	var curInfo sql.Row
	return &funcIter{next: func(ctx *sql.Context) (sql.Row, error) {
		for {
			if cur != nil {
				ch, err := cur.Next(ctx)
				if err == nil {
					row := projectIf(ctx, ch.to, curView.sch, t.view.sch)
					return append(append(make(sql.Row, 0, len(t.sch)), row...), curInfo...), nil
				}
				if err != io.EOF {
					return nil, err
				}
				cur = nil
			}
			c, err := commits.Next(ctx)
			if err != nil {
				return nil, err // io.EOF included
			}
			root, err := r.Root(ctx, c.RootHash())
			if err != nil {
				return nil, err
			}
			tt, ok, err := root.Table(ctx, t.table)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			v := views[tt.SchemaHash()]
			if v == nil {
				if v, err = newTableView(tt); err != nil {
					return nil, err
				}
				views[tt.SchemaHash()] = v
			}
			v = &tableView{t: tt, sch: v.sch, keyless: v.keyless, codec: v.codec, kvalDesc: v.kvalDesc, keyDesc: v.keyDesc}
			k := keys
			if k != nil && (v.keyless || !reflect.DeepEqual(v.keyDesc, t.view.keyDesc)) {
				k = nil // the key changed since: scan this commit's rows, GMS filters them
			}
			if cur, err = (tablePair{to: v}).changes(ctx, k); err != nil {
				return nil, err
			}
			curView = v
			cm := c.Committer()
			curInfo = sql.Row{c.Hash().String(), cm.Name, sqlTime(cm.Time)}
		}
	}}, nil
}

// historyCommit returns the commit a point lookup on commit_hash names, if it is a
// commit of the history of hc (ok=false otherwise: no rows).
func (t *historyTable) historyCommit(ctx *sql.Context, hc repo.Commit, lookup sql.IndexLookup) (repo.Commit, bool, error) {
	points, ok := rangePoints(ctx, lookup, 1)
	if !ok || len(points) != 1 {
		return repo.Commit{}, false, fmt.Errorf("%s: unsupported commit_hash lookup", t.name)
	}
	spec := fmt.Sprint(points[0][0])
	if b, ok := points[0][0].([]byte); ok {
		spec = string(b)
	}
	h, err := hash.Parse(spec)
	if err != nil || h.String() != spec {
		return repo.Commit{}, false, nil // not a full hash: matches no commit_hash
	}
	c, err := t.db.Repo().ResolveCommit(ctx, spec, "")
	if errors.Is(err, repo.ErrRevisionNotFound) {
		return repo.Commit{}, false, nil
	}
	if err != nil {
		return repo.Commit{}, false, err
	}
	if c.Hash() != h {
		return repo.Commit{}, false, nil // a branch or tag that looks like a hash
	}
	in, err := t.db.Repo().IsAncestor(ctx, c, hc)
	return c, in && err == nil, err
}

// sliceCommits is a commitIter over a fixed list.
type sliceCommits struct{ cs []repo.Commit }

func (s *sliceCommits) Next(context.Context) (repo.Commit, error) {
	if len(s.cs) == 0 {
		return repo.Commit{}, io.EOF
	}
	c := s.cs[0]
	s.cs = s.cs[1:]
	return c, nil
}
