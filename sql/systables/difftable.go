package systables

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/expression"

	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// The system table name prefixes of the per-table diff tables, without dsql_ / dolt_.
const (
	DiffTablePrefix       = "diff_"
	CommitDiffTablePrefix = "commit_diff_"
)

// ErrCommitDiffFilter is returned by a scan of dsql_commit_diff_<t> without equality
// filters on both to_commit and from_commit.
var ErrCommitDiffFilter = errors.New("dsql_commit_diff tables need filters to_commit = <rev> AND from_commit = <rev>")

// lookupDiffTable serves dsql_diff_<t> and dsql_commit_diff_<t> (base is the name
// without the dsql_/dolt_ prefix). The table's columns are those of the table <t> as the
// session's working root has it (or HEAD's, if it was dropped since).
func lookupDiffTable(ctx *sql.Context, db *backend.Database, name, base string) (sql.Table, bool, error) {
	var user string
	commitDiff := false
	switch {
	case strings.HasPrefix(base, CommitDiffTablePrefix):
		user, commitDiff = base[len(CommitDiffTablePrefix):], true
	case strings.HasPrefix(base, DiffTablePrefix):
		user = base[len(DiffTablePrefix):]
	default:
		return nil, false, nil
	}
	if user == "" {
		return nil, false, nil
	}
	working, _, err := sessionRoots(ctx, db)
	if err != nil {
		return nil, false, err
	}
	t, ok, err := working.Table(ctx, user)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		hc, _, err := head(ctx, db)
		if err != nil {
			return nil, false, err
		}
		hr, err := db.Repo().Root(ctx, hc.RootHash())
		if err != nil {
			return nil, false, err
		}
		if t, ok, err = hr.Table(ctx, user); err != nil || !ok {
			return nil, false, err
		}
	}
	v, err := newTableView(t)
	if err != nil {
		return nil, false, err
	}
	dt := &diffTable{name: name, db: db, table: t.Name(), view: v, commitDiff: commitDiff}
	dt.sch = diffColumns(name, db.Name(), v.sch, v.sch)
	return dt, true, nil
}

// diffTable is dsql_diff_<t> or dsql_commit_diff_<t>, in the layout of diffColumns with
// the table's current schema on both sides (older rows are projected onto it by column
// name).
//
// dsql_diff_<t> lists, newest first: the changes from STAGED to WORKING (to_commit
// 'WORKING', from_commit 'STAGED'), from HEAD to STAGED (to_commit 'STAGED'), then for
// each commit of the history of HEAD (every commit, newest first) the changes from its
// first parent (none: the empty table) to it. Pairs whose table is unchanged are skipped
// by hash; a pair across which the primary key changed is skipped.
//
// dsql_commit_diff_<t> is the diff between the two revisions its to_commit and
// from_commit equality filters name (revisions, WORKING or STAGED).
//
// Filter pushdown: both tables are sql.IndexAddressable. dsql_diff_<t> has indexes on
// the to_ and on the from_ primary-key columns: a lookup whose ranges are all points on
// every key column (to_id = 5, to_id IN (1, 2)) reads only those keys in each pair of
// roots (two point reads per key per commit) instead of diffing the row maps; other
// lookups diff in full. dsql_commit_diff_<t> has one index on (to_commit, from_commit)
// and requires a point lookup on both. PreciseMatch is false, so GMS still applies
// every filter to the rows returned: results are exact whatever was pushed down.
type diffTable struct {
	name       string
	db         *backend.Database
	table      string
	view       *tableView
	sch        sql.Schema
	commitDiff bool
	lookup     *sql.IndexLookup
}

var (
	_ sql.IndexAddressableTable = (*diffTable)(nil)
	_ sql.IndexedTable          = (*diffTable)(nil)
)

func (t *diffTable) Name() string                   { return t.name }
func (t *diffTable) String() string                 { return t.name }
func (t *diffTable) Schema(*sql.Context) sql.Schema { return t.sch }
func (t *diffTable) Collation() sql.CollationID     { return sql.Collation_Default }
func (t *diffTable) PreciseMatch() bool             { return false }

// Partitions implements sql.Table: one partition (holding the lookup, if any).
func (t *diffTable) Partitions(*sql.Context) (sql.PartitionIter, error) {
	if t.lookup != nil {
		return sql.PartitionsToPartitionIter(diffLookupPartition{*t.lookup}), nil
	}
	return sql.PartitionsToPartitionIter(partition{}), nil
}

type diffLookupPartition struct{ lookup sql.IndexLookup }

func (diffLookupPartition) Key() []byte { return []byte("lookup") }

// IndexedAccess implements sql.IndexAddressable.
func (t *diffTable) IndexedAccess(_ *sql.Context, lookup sql.IndexLookup) sql.IndexedTable {
	if _, ok := lookup.Index.(*diffIndex); !ok {
		return nil
	}
	g := *t
	g.lookup = &lookup
	return &g
}

// LookupPartitions implements sql.IndexedTable.
func (t *diffTable) LookupPartitions(_ *sql.Context, lookup sql.IndexLookup) (sql.PartitionIter, error) {
	return sql.PartitionsToPartitionIter(diffLookupPartition{lookup}), nil
}

// GetIndexes implements sql.IndexAddressable.
func (t *diffTable) GetIndexes(*sql.Context) ([]sql.Index, error) {
	if t.commitDiff {
		return []sql.Index{t.newIndex("commits", []int{t.sch.IndexOfColName("to_commit"), t.sch.IndexOfColName("from_commit")})}, nil
	}
	pk := t.view.t.Schema().PrimaryKey
	if len(pk) == 0 {
		return nil, nil
	}
	n := len(t.view.sch)
	to, from := make([]int, len(pk)), make([]int, len(pk))
	for i, o := range pk {
		to[i] = o
		from[i] = n + 2 + o
	}
	return []sql.Index{t.newIndex("to_pk", to), t.newIndex("from_pk", from)}, nil
}

func (t *diffTable) newIndex(id string, cols []int) *diffIndex {
	ix := &diffIndex{id: id, db: t.db.Name(), table: t.name, cols: cols}
	for _, o := range cols {
		c := t.sch[o]
		ix.exprs = append(ix.exprs, expression.NewGetFieldWithTable(o, 0, c.Type, ix.db, t.name, c.Name, true).String())
		ix.types = append(ix.types, c.Type)
	}
	return ix
}

// PartitionRows implements sql.Table.
func (t *diffTable) PartitionRows(ctx *sql.Context, part sql.Partition) (sql.RowIter, error) {
	var lookup *sql.IndexLookup
	if lp, ok := part.(diffLookupPartition); ok {
		lookup = &lp.lookup
	}
	if t.commitDiff {
		return t.commitDiffRows(ctx, lookup)
	}
	var keys keyFilter
	if lookup != nil {
		keys = t.pointKeys(ctx, *lookup)
	}
	return t.historyRows(ctx, keys)
}

// pointKeys returns the primary keys of a lookup on to_pk or from_pk whose ranges are all
// points on every key column, encoded as row-map keys; nil otherwise (a full diff).
func (t *diffTable) pointKeys(ctx *sql.Context, lookup sql.IndexLookup) keyFilter {
	ix, ok := lookup.Index.(*diffIndex)
	if !ok || t.view.keyless {
		return nil
	}
	points, ok := rangePoints(ctx, lookup, len(ix.cols))
	if !ok {
		return nil
	}
	pk := t.view.t.Schema().PrimaryKey
	keys := keyFilter{}
	for _, vals := range points {
		b := tuple.NewBuilder(t.view.keyDesc)
		valid := true
		for i, v := range vals {
			typ := t.view.sch[pk[i]].Type
			cv, inRange, err := typ.Convert(ctx, v)
			if err != nil || inRange != sql.InRange || cv == nil {
				valid = false // matches no stored key
				break
			}
			if err := typeconv.PutValue(b, i, typ, cv); err != nil {
				valid = false
				break
			}
		}
		if !valid {
			continue
		}
		k, err := b.Build()
		if err != nil {
			continue
		}
		keys = append(keys, k)
	}
	cmp := t.view.t.Rows().Compare()
	sort.Slice(keys, func(i, j int) bool { return cmp(keys[i], keys[j]) < 0 })
	out := keys[:0]
	for i, k := range keys {
		if i == 0 || cmp(keys[i-1], k) != 0 {
			out = append(out, k)
		}
	}
	return out
}

// rangePoints returns the values of a lookup whose every range pins all n columns to one
// non-NULL value each.
func rangePoints(ctx *sql.Context, lookup sql.IndexLookup, n int) ([][]any, bool) {
	coll, ok := lookup.Ranges.(sql.MySQLRangeCollection)
	if !ok || len(coll) == 0 {
		return nil, false
	}
	var out [][]any
	for _, r := range coll {
		if len(r) != n {
			return nil, false
		}
		vals := make([]any, n)
		for i, ce := range r {
			lo, ok1 := ce.LowerBound.(sql.Below)
			hi, ok2 := ce.UpperBound.(sql.Above)
			if !ok1 || !ok2 || lo.Key == nil || hi.Key == nil {
				return nil, false
			}
			c, err := ce.Typ.Compare(ctx, lo.Key, hi.Key)
			if err != nil || c != 0 {
				return nil, false
			}
			vals[i] = lo.Key
		}
		out = append(out, vals)
	}
	return out, true
}

// commitDiffRows is the scan of dsql_commit_diff_<t>: the diff between the revisions of
// the lookup on (to_commit, from_commit).
func (t *diffTable) commitDiffRows(ctx *sql.Context, lookup *sql.IndexLookup) (sql.RowIter, error) {
	if lookup == nil {
		return nil, ErrCommitDiffFilter
	}
	points, ok := rangePoints(ctx, *lookup, 2)
	if !ok || len(points) != 1 {
		return nil, ErrCommitDiffFilter
	}
	spec := func(v any) string {
		if b, ok := v.([]byte); ok {
			return string(b)
		}
		return fmt.Sprint(v)
	}
	to, err := resolveSide(ctx, t.db, spec(points[0][0]))
	if err != nil {
		return nil, err
	}
	from, err := resolveSide(ctx, t.db, spec(points[0][1]))
	if err != nil {
		return nil, err
	}
	// Label the sides with the filter's own text, so that the rows pass the filter.
	to.label, from.label = spec(points[0][0]), spec(points[0][1])
	pairs := []diffPair{{from: from, to: to}}
	return t.pairRows(ctx, pairs, nil), nil
}

// diffPair is one pair of roots whose table diff a diff table lists.
type diffPair struct {
	from, to diffSide
}

// historyRows is the scan of dsql_diff_<t>.
func (t *diffTable) historyRows(ctx *sql.Context, keys keyFilter) (sql.RowIter, error) {
	r := t.db.Repo()
	hc, _, err := head(ctx, t.db)
	if err != nil {
		return nil, err
	}
	headSide, err := commitSide(ctx, r, hc)
	if err != nil {
		return nil, err
	}
	var pairs []diffPair
	if !t.db.IsReadOnly() {
		working, staged, err := sessionRoots(ctx, t.db)
		if err != nil {
			return nil, err
		}
		ws := diffSide{root: working, label: WorkingLabel}
		ss := diffSide{root: staged, label: StagedLabel}
		pairs = append(pairs, diffPair{from: ss, to: ws}, diffPair{from: headSide, to: ss})
	}
	log := r.Log(ctx, hc)
	// Commit pairs are produced lazily from the log, one commit at a time.
	next := func(ctx context.Context) (diffPair, error) {
		c, err := log.Next(ctx)
		if err != nil {
			return diffPair{}, err
		}
		to, err := commitSide(ctx, r, c)
		if err != nil {
			return diffPair{}, err
		}
		from := diffSide{empty: true}
		if ps := c.Parents(); len(ps) > 0 {
			p, err := r.Commit(ctx, ps[0])
			if err != nil {
				return diffPair{}, err
			}
			if from, err = commitSide(ctx, r, p); err != nil {
				return diffPair{}, err
			}
		}
		return diffPair{from: from, to: to}, nil
	}
	return t.pairIter(pairs, next, keys), nil
}

// pairRows is the rows of the diffs of a fixed list of pairs.
func (t *diffTable) pairRows(_ *sql.Context, pairs []diffPair, keys keyFilter) sql.RowIter {
	return t.pairIter(pairs, nil, keys)
}

// pairIter streams the row changes of pairs, then of the pairs more returns (io.EOF: no
// more), in the table's schema.
func (t *diffTable) pairIter(pairs []diffPair, more func(context.Context) (diffPair, error), keys keyFilter) sql.RowIter {
	var cur *changeIter
	var curPair diffPair
	var curP tablePair
	return &funcIter{next: func(ctx *sql.Context) (sql.Row, error) {
		for {
			if cur != nil {
				ch, err := cur.Next(ctx)
				if err == nil {
					toSch, fromSch := curP.schemas()
					ch.to = projectIf(ctx, ch.to, toSch, t.view.sch)
					ch.from = projectIf(ctx, ch.from, fromSch, t.view.sch)
					if ch.typ == DiffModified && rowsEqual(ctx, t.view.sch, ch.from, ch.to) {
						continue // only columns dropped since changed
					}
					return diffRow(ch, t.view.sch, t.view.sch, curPair.to, curPair.from), nil
				}
				if err != io.EOF {
					return nil, err
				}
				cur = nil
			}
			var p diffPair
			switch {
			case len(pairs) > 0:
				p, pairs = pairs[0], pairs[1:]
			case more != nil:
				var err error
				if p, err = more(ctx); err != nil {
					return nil, err // io.EOF included
				}
			default:
				return nil, io.EOF
			}
			it, tp, err := t.pairChanges(ctx, p, keys)
			if err != nil {
				return nil, err
			}
			cur, curPair, curP = it, p, tp
		}
	}}
}

// pairChanges returns the changes of the table between the pair's roots, or nil if the
// table is the same in both (compared by hash, without reading it) or its primary key
// changed.
func (t *diffTable) pairChanges(ctx context.Context, p diffPair, keys keyFilter) (*changeIter, tablePair, error) {
	fromRoot := p.from.root
	if p.from.empty {
		// The first commit: diff against nothing.
		tt, ok, err := p.to.root.Table(ctx, t.table)
		if err != nil || !ok {
			return nil, tablePair{}, err
		}
		v, err := newTableView(tt)
		if err != nil {
			return nil, tablePair{}, err
		}
		tp := tablePair{to: v}
		it, err := tp.changes(ctx, keys)
		return it, tp, err
	}
	th, tok := p.to.root.TableHash(t.table)
	fh, fok := fromRoot.TableHash(t.table)
	if tok && fok && th == fh {
		return nil, tablePair{}, nil
	}
	if !tok && !fok {
		return nil, tablePair{}, nil
	}
	tp, ok, err := loadPair(ctx, fromRoot, p.to.root, t.table)
	if err != nil || !ok {
		return nil, tablePair{}, err
	}
	it, err := tp.changes(ctx, keys)
	if errors.Is(err, ErrPrimaryKeyChanged) {
		return nil, tablePair{}, nil
	}
	return it, tp, err
}

// diffIndex is an index of a diff table over some of its columns: it exists so that GMS
// hands the table lookups on them (see diffTable).
type diffIndex struct {
	id, db, table string
	cols          []int
	exprs         []string
	types         []sql.Type
}

var _ sql.Index = (*diffIndex)(nil)

func (i *diffIndex) ID() string                            { return i.id }
func (i *diffIndex) Database() string                      { return i.db }
func (i *diffIndex) Table() string                         { return i.table }
func (i *diffIndex) Expressions() []string                 { return i.exprs }
func (i *diffIndex) IsUnique() bool                        { return false }
func (i *diffIndex) IsSpatial() bool                       { return false }
func (i *diffIndex) IsFullText() bool                      { return false }
func (i *diffIndex) IsVector() bool                        { return false }
func (i *diffIndex) Comment() string                       { return "" }
func (i *diffIndex) IndexType() string                     { return "BTREE" }
func (i *diffIndex) IsGenerated() bool                     { return false }
func (i *diffIndex) PrefixLengths() []uint16               { return nil }
func (i *diffIndex) CanSupportOrderBy(sql.Expression) bool { return false }

// ColumnExpressionTypes implements sql.Index.
func (i *diffIndex) ColumnExpressionTypes(*sql.Context) []sql.ColumnExpressionType {
	out := make([]sql.ColumnExpressionType, len(i.exprs))
	for j := range i.exprs {
		out[j] = sql.ColumnExpressionType{Expression: i.exprs[j], Type: i.types[j]}
	}
	return out
}

// CanSupport implements sql.Index: MySQL ranges.
func (i *diffIndex) CanSupport(_ *sql.Context, ranges ...sql.Range) bool {
	for _, r := range ranges {
		if _, ok := r.(sql.MySQLRange); !ok {
			return false
		}
	}
	return true
}

// CoversColumns implements sql.Index.
func (i *diffIndex) CoversColumns([]string) bool { return false }

// rowsEqual reports whether rows a and b of schema sch hold equal values.
func rowsEqual(ctx context.Context, sch sql.Schema, a, b sql.Row) bool {
	for i, c := range sch {
		if !valuesEqual(ctx, c.Type, a[i], b[i]) {
			return false
		}
	}
	return true
}
