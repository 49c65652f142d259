package systables

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
)

// BlameTablePrefix is the system table name prefix of dsql_blame_<t>, without
// dsql_ / dolt_.
const BlameTablePrefix = "blame_"

// blameCommitColumns follow the primary-key columns in dsql_blame_<t>.
var blameCommitColumns = []column{
	{name: "commit", typ: textType},
	{name: "commit_date", typ: datetimeType},
	{name: "committer", typ: textType},
	{name: "email", typ: textType},
	{name: "message", typ: textType},
}

// blamePointReads is the number of pending keys up to which blame compares a commit
// with a parent by point reads of those keys rather than by a diff of the row maps.
const blamePointReads = 64

// lookupBlameTable serves dsql_blame_<t> for a table of HEAD with a primary key.
func lookupBlameTable(ctx *sql.Context, db *backend.Database, name, base string) (sql.Table, bool, error) {
	user, ok := strings.CutPrefix(base, BlameTablePrefix)
	if !ok || user == "" {
		return nil, false, nil
	}
	hc, _, err := head(ctx, db)
	if err != nil {
		return nil, false, err
	}
	root, err := db.Repo().Root(ctx, hc.RootHash())
	if err != nil {
		return nil, false, err
	}
	t, ok, err := root.Table(ctx, user)
	if err != nil || !ok {
		return nil, false, err
	}
	v, err := newTableView(t)
	if err != nil {
		return nil, false, err
	}
	if v.keyless {
		return nil, false, fmt.Errorf("%s: table %q has no primary key; blame follows rows by primary key", name, t.Name())
	}
	bt := &blameTable{pkLookupTable{name: name, db: db, table: t.Name(), view: v}}
	for _, o := range t.Schema().PrimaryKey {
		c := v.sch[o].Copy()
		c.Source, c.DatabaseSource, c.PrimaryKey, c.Nullable = name, db.Name(), true, false
		bt.sch = append(bt.sch, c)
	}
	bt.sch = append(bt.sch, schemaOf(name, db.Name(), blameCommitColumns)...)
	return bt, true, nil
}

// blameTable is dsql_blame_<t>: for each row of table t at HEAD (the session's branch,
// or a revision database's commit), in key order, its primary-key columns and the last
// commit that changed it: commit hash, committer date, name and email, and message.
//
// Blame is git's, per row. A row of a commit is passed on to a parent (the first, in
// order) whose table holds the same key with the same stored value; a row no parent has
// unchanged is blamed on that commit. Commits are visited in the history's order (every
// commit after its children), each comparing only its still-unblamed rows with its
// parents: by table hash when the table is unchanged, by point reads of a few keys, or
// by a diff of the row maps (cost proportional to the change). The walk ends as soon as
// every row is blamed. A table renamed or re-keyed between a commit and its parent blames
// the commit for its rows; so does a schema change that re-encodes rows.
//
// Filter pushdown: an index on the primary key turns point filters into a blame of only
// those rows. PreciseMatch is false, so GMS re-applies every filter.
type blameTable struct{ pkLookupTable }

var (
	_ sql.IndexAddressableTable = (*blameTable)(nil)
	_ sql.IndexedTable          = (*blameTable)(nil)
)

// IndexedAccess implements sql.IndexAddressable.
func (t *blameTable) IndexedAccess(_ *sql.Context, lookup sql.IndexLookup) sql.IndexedTable {
	if _, ok := lookup.Index.(*diffIndex); !ok {
		return nil
	}
	g := *t
	g.lookup = &lookup
	return &g
}

// GetIndexes implements sql.IndexAddressable: the primary key.
func (t *blameTable) GetIndexes(*sql.Context) ([]sql.Index, error) {
	n := len(t.view.t.Schema().PrimaryKey)
	cols := make([]int, n)
	for i := range cols {
		cols[i] = i
	}
	dt := diffTable{name: t.name, db: t.db, sch: t.sch}
	return []sql.Index{dt.newIndex("pk", cols)}, nil
}

// PartitionRows implements sql.Table.
func (t *blameTable) PartitionRows(ctx *sql.Context, part sql.Partition) (sql.RowIter, error) {
	r := t.db.Repo()
	hc, _, err := head(ctx, t.db)
	if err != nil {
		return nil, err
	}
	root, err := r.Root(ctx, hc.RootHash())
	if err != nil {
		return nil, err
	}
	tt, ok, err := root.Table(ctx, t.table)
	if err != nil {
		return nil, err
	}
	if !ok {
		return sliceIter(nil), nil
	}
	v, err := newTableView(tt)
	if err != nil {
		return nil, err
	}
	if v.keyless || !reflect.DeepEqual(v.keyDesc, t.view.keyDesc) {
		return nil, fmt.Errorf("%s: the primary key of %q changed since the query was planned", t.name, t.table)
	}
	var keys keyFilter
	if lp, ok := part.(diffLookupPartition); ok {
		keys = (&diffTable{view: v}).pointKeys(ctx, lp.lookup)
	}
	// The rows to blame, in key order.
	type entry struct{ key, val []byte }
	var entries []entry
	if keys != nil {
		for _, k := range keys {
			val, ok, err := tt.Rows().Get(ctx, k)
			if err != nil {
				return nil, err
			}
			if ok {
				entries = append(entries, entry{k, val})
			}
		}
	} else {
		it, err := tt.Rows().Iter(ctx, prolly.All)
		if err != nil {
			return nil, err
		}
		for {
			k, val, err := it.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			entries = append(entries, entry{k, val})
		}
	}
	pending := make(keySet, len(entries))
	for _, e := range entries {
		pending[string(e.key)] = struct{}{}
	}
	blamed, err := blame(ctx, r, hc, t.table, pending)
	if err != nil {
		return nil, err
	}
	pk := tt.Schema().PrimaryKey
	i := 0
	return &funcIter{next: func(ctx *sql.Context) (sql.Row, error) {
		if i >= len(entries) {
			return nil, io.EOF
		}
		e := entries[i]
		i++
		full, _, err := v.decode(e.key, e.val)
		if err != nil {
			return nil, err
		}
		row := make(sql.Row, 0, len(t.sch))
		for _, o := range pk {
			row = append(row, full[o])
		}
		c := blamed[string(e.key)]
		cm := c.Committer()
		return append(row, c.Hash().String(), sqlTime(cm.Time), cm.Name, cm.Email, c.Message()), nil
	}}, nil
}

// keySet is a set of row-map keys.
type keySet map[string]struct{}

// blame returns, for each key of keys (rows of table at commit hc), the last commit of
// the history of hc that changed that row (see blameTable).
func blame(ctx context.Context, r *repo.Repo, hc repo.Commit, table string, keys keySet) (map[string]repo.Commit, error) {
	out := make(map[string]repo.Commit, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	pending := map[hash.Hash]keySet{hc.Hash(): keys}
	remaining := len(keys)
	tableAt := func(c repo.Commit) (repo.Table, bool, error) {
		root, err := r.Root(ctx, c.RootHash())
		if err != nil {
			return repo.Table{}, false, err
		}
		return root.Table(ctx, table)
	}
	pass := func(to hash.Hash, ks keySet) {
		if cur, ok := pending[to]; ok {
			for k := range ks {
				cur[k] = struct{}{}
			}
			return
		}
		pending[to] = ks
	}
	log := r.Log(ctx, hc)
	for remaining > 0 {
		c, err := log.Next(ctx)
		if err == io.EOF {
			return nil, fmt.Errorf("systables: blame of %q: history ended with %d rows unblamed", table, remaining)
		}
		if err != nil {
			return nil, err
		}
		ks := pending[c.Hash()]
		if len(ks) == 0 {
			continue
		}
		delete(pending, c.Hash())
		ct, ok, err := tableAt(c)
		if err != nil {
			return nil, err
		}
		for _, ph := range c.Parents() {
			if !ok || len(ks) == 0 {
				break
			}
			p, err := r.Commit(ctx, ph)
			if err != nil {
				return nil, err
			}
			pt, pok, err := tableAt(p)
			if err != nil {
				return nil, err
			}
			if !pok || !reflect.DeepEqual(pt.KeyDesc(), ct.KeyDesc()) {
				continue
			}
			if pt.Rows().Hash() == ct.Rows().Hash() {
				pass(ph, ks)
				ks = nil
				break
			}
			if pt.Rows().Count() == 0 {
				continue // every row is new here
			}
			rest, err := splitChanged(ctx, pt.Rows(), ct.Rows(), ks)
			if err != nil {
				return nil, err
			}
			if len(ks) > 0 {
				pass(ph, ks)
			}
			ks = rest
		}
		for k := range ks {
			out[k] = c
		}
		remaining -= len(ks)
	}
	return out, nil
}

// splitChanged removes from keys (rows of child) those whose row parent does not hold
// unchanged, and returns them: keys is left with the rows parent has unchanged. Its cost
// is that of a few point reads or of the diff of the two maps, never of len(keys).
func splitChanged(ctx context.Context, parent, child prolly.Map, keys keySet) (keySet, error) {
	changed := keySet{}
	if len(keys) <= blamePointReads {
		for k := range keys {
			pv, pok, err := parent.Get(ctx, []byte(k))
			if err != nil {
				return nil, err
			}
			cv, _, err := child.Get(ctx, []byte(k))
			if err != nil {
				return nil, err
			}
			if !pok || string(pv) != string(cv) {
				changed[k] = struct{}{}
			}
		}
	} else {
		d, err := prolly.DiffMaps(ctx, parent, child)
		if err != nil {
			return nil, err
		}
		for {
			e, err := d.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			if _, ok := keys[string(e.Key)]; ok && e.Type != prolly.Removed {
				changed[string(e.Key)] = struct{}{}
			}
		}
	}
	for k := range changed {
		delete(keys, k)
	}
	return changed, nil
}
