package systables

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// The labels of the two uncommitted roots, accepted as revisions by the diff functions
// and shown in the to_commit / from_commit columns.
const (
	WorkingLabel = "WORKING"
	StagedLabel  = "STAGED"
)

// The diff_type values of the row diffs.
const (
	DiffAdded    = "added"
	DiffModified = "modified"
	DiffRemoved  = "removed"
)

// ErrPrimaryKeyChanged is returned for a row diff of a table whose primary key differs
// between the two sides: rows cannot be matched by key.
var ErrPrimaryKeyChanged = errors.New("systables: the primary key of the table changed between the revisions; rows cannot be diffed")

// diffSide is one end of a diff: a root and how rows from it are labelled.
type diffSide struct {
	root  repo.Root
	label string // commit hash, WORKING or STAGED
	date  any    // the commit's date (DATETIME(3)), or nil for WORKING / STAGED
	empty bool   // no root: the parent side of a first commit (label and date NULL)
}

func commitSide(ctx context.Context, r *repo.Repo, c repo.Commit) (diffSide, error) {
	root, err := r.Root(ctx, c.RootHash())
	if err != nil {
		return diffSide{}, err
	}
	return diffSide{root: root, label: c.Hash().String(), date: sqlTime(c.Committer().Time)}, nil
}

// resolveRevision resolves spec as db's session sees it: HEAD is the session's branch,
// or the commit of a read-only revision database.
func resolveRevision(ctx *sql.Context, db *backend.Database, spec string) (repo.Commit, error) {
	hc, branch, err := head(ctx, db)
	if err != nil {
		return repo.Commit{}, err
	}
	if _, ok := db.Revision(); ok {
		if len(spec) >= 4 && strings.EqualFold(spec[:4], "HEAD") {
			spec = hc.Hash().String() + spec[4:]
		} else if spec == "@" || strings.HasPrefix(spec, "@~") || strings.HasPrefix(spec, "@^") {
			spec = hc.Hash().String() + spec[1:]
		}
	}
	c, err := db.Repo().ResolveCommit(ctx, spec, branch)
	if err != nil {
		return repo.Commit{}, fmt.Errorf("revision %q: %w", spec, err)
	}
	return c, nil
}

// sessionRoots returns the working and staged roots of db as the session's transaction
// sees them (a read-only revision database's are its commit's root).
func sessionRoots(ctx *sql.Context, db *backend.Database) (working, staged repo.Root, err error) {
	if c, ok := db.Revision(); ok {
		root, err := db.Repo().Root(ctx, c.RootHash())
		return root, root, err
	}
	s, ok := ctx.Session.(*session.Session)
	if !ok {
		return repo.Root{}, repo.Root{}, sql.ErrUnsupportedFeature.New("diffs of the working set without a dsql session")
	}
	working, staged, _, err = s.Roots(ctx, db)
	return working, staged, err
}

// resolveSide resolves one revision argument of a diff: WORKING, STAGED (any case) or a
// revision.
func resolveSide(ctx *sql.Context, db *backend.Database, spec string) (diffSide, error) {
	switch strings.ToUpper(spec) {
	case WorkingLabel, StagedLabel:
		w, s, err := sessionRoots(ctx, db)
		if err != nil {
			return diffSide{}, err
		}
		if strings.EqualFold(spec, WorkingLabel) {
			return diffSide{root: w, label: WorkingLabel}, nil
		}
		return diffSide{root: s, label: StagedLabel}, nil
	}
	c, err := resolveRevision(ctx, db, spec)
	if err != nil {
		return diffSide{}, err
	}
	return commitSide(ctx, db.Repo(), c)
}

// resolveRange resolves the revision arguments of a diff function: (from, to), or one
// "a..b" (from a to b) or "a...b" (from the merge base of a and b to b). It returns the
// number of arguments it used.
func resolveRange(ctx *sql.Context, db *backend.Database, args []string) (from, to diffSide, used int, err error) {
	if len(args) == 0 {
		return from, to, 0, fmt.Errorf("missing revisions")
	}
	a := args[0]
	if l, r, ok := strings.Cut(a, "..."); ok {
		l, r = orHead(l), orHead(r)
		lc, err := resolveRevision(ctx, db, l)
		if err != nil {
			return from, to, 0, err
		}
		rc, err := resolveRevision(ctx, db, r)
		if err != nil {
			return from, to, 0, err
		}
		base, err := db.Repo().MergeBase(ctx, lc, rc)
		if err != nil {
			return from, to, 0, fmt.Errorf("merge base of %q and %q: %w", l, r, err)
		}
		if from, err = commitSide(ctx, db.Repo(), base); err != nil {
			return from, to, 0, err
		}
		to, err = commitSide(ctx, db.Repo(), rc)
		return from, to, 1, err
	}
	if l, r, ok := strings.Cut(a, ".."); ok {
		if from, err = resolveSide(ctx, db, orHead(l)); err != nil {
			return from, to, 0, err
		}
		to, err = resolveSide(ctx, db, orHead(r))
		return from, to, 1, err
	}
	if len(args) < 2 {
		return from, to, 0, fmt.Errorf("needs two revisions, or one 'from..to' or 'from...to'")
	}
	if from, err = resolveSide(ctx, db, args[0]); err != nil {
		return from, to, 0, err
	}
	to, err = resolveSide(ctx, db, args[1])
	return from, to, 2, err
}

// tableView is the SQL view of one version of a table: its GMS schema and a row decoder.
type tableView struct {
	t        repo.Table
	sch      sql.Schema
	keyless  bool
	codec    *typeconv.RowCodec // primary-key tables
	kvalDesc tuple.Desc         // keyless: count + every column
	keyDesc  tuple.Desc
}

func newTableView(t repo.Table) (*tableView, error) {
	rs := t.Schema()
	v := &tableView{t: t, keyless: rs.Keyless(), keyDesc: t.KeyDesc()}
	v.sch = make(sql.Schema, len(rs.Columns))
	for i, c := range rs.Columns {
		typ, err := typeconv.TypeFor(c.SQLType)
		if err != nil {
			return nil, fmt.Errorf("table %q column %q: %w", rs.Name, c.Name, err)
		}
		v.sch[i] = &sql.Column{Name: c.Name, Type: typ, Nullable: c.Type.Nullable, PrimaryKey: slices.Contains(rs.PrimaryKey, i)}
	}
	if v.keyless {
		v.kvalDesc = t.ValueDesc()
		return v, nil
	}
	var err error
	if v.codec, err = typeconv.NewRowCodec(v.sch, rs.PrimaryKey); err != nil {
		return nil, fmt.Errorf("table %q: %w", rs.Name, err)
	}
	return v, nil
}

// decode returns the row of a map entry and its number of copies (1 for a primary-key
// table).
func (v *tableView) decode(k, val []byte) (sql.Row, uint64, error) {
	if !v.keyless {
		row, err := v.codec.Decode(k, val, nil)
		return row, 1, err
	}
	n, ok := v.kvalDesc.GetUint(val, 0)
	if !ok {
		return nil, 0, fmt.Errorf("systables: keyless row without a count")
	}
	row := make(sql.Row, len(v.sch))
	for i, c := range v.sch {
		x, err := typeconv.GetValue(v.kvalDesc, val, i+1, c.Type)
		if err != nil {
			return nil, 0, fmt.Errorf("column %q: %w", c.Name, err)
		}
		row[i] = x
	}
	return row, n, nil
}

// rowCount returns the number of rows of the table (a keyless table's copies counted).
func (v *tableView) rowCount(ctx context.Context) (uint64, error) {
	if v == nil {
		return 0, nil
	}
	if !v.keyless {
		return v.t.Rows().Count(), nil
	}
	it, err := v.t.Rows().Iter(ctx, prolly.All)
	if err != nil {
		return 0, err
	}
	var n uint64
	for {
		_, val, err := it.Next(ctx)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
		c, _ := v.kvalDesc.GetUint(val, 0)
		n += c
	}
}

// rowChange is one changed row: from is nil for an added row, to for a removed one.
type rowChange struct {
	typ      string
	from, to sql.Row
}

// tablePair is one table at the two ends of a diff; either view may be nil (the table
// does not exist there).
type tablePair struct {
	from, to *tableView
}

// loadPair loads table name of to (or, for a table renamed since from, its old name in
// from) and of from.
func loadPair(ctx context.Context, from, to repo.Root, name string) (tablePair, bool, error) {
	var p tablePair
	tt, tok, err := to.Table(ctx, name)
	if err != nil {
		return p, false, err
	}
	fromName := name
	if tok && !from.HasTable(name) {
		// Renamed since from? Then diff against the old name.
		entries, err := compareRoots(ctx, from, to, false)
		if err != nil {
			return p, false, err
		}
		for _, e := range entries {
			if e.Status == StatusRenamed && strings.EqualFold(e.Table, name) {
				fromName = e.From
			}
		}
	}
	ft, fok, err := from.Table(ctx, fromName)
	if err != nil {
		return p, false, err
	}
	if !tok && !fok {
		return p, false, nil
	}
	if tok {
		if p.to, err = newTableView(tt); err != nil {
			return p, false, err
		}
	}
	if fok {
		if p.from, err = newTableView(ft); err != nil {
			return p, false, err
		}
	}
	return p, true, nil
}

// keyFilter narrows a row diff to some primary keys: nil means every key.
type keyFilter [][]byte

// changes returns an iterator over the changed rows of p in key order: a prolly diff of
// the two row maps (cost proportional to the change) when the table exists on both sides,
// otherwise every row of the side that has it. With keys, only those keys are looked up
// (two point reads per key).
func (p tablePair) changes(ctx context.Context, keys keyFilter) (*changeIter, error) {
	it := &changeIter{p: p}
	switch {
	case p.from != nil && p.to != nil:
		if p.from.t.Rows().Hash() == p.to.t.Rows().Hash() {
			it.done = true
			return it, nil
		}
		if !reflect.DeepEqual(p.from.keyDesc, p.to.keyDesc) || p.from.keyless != p.to.keyless {
			return nil, ErrPrimaryKeyChanged
		}
		if keys != nil {
			it.keys = keys
			return it, nil
		}
		d, err := prolly.DiffMaps(ctx, p.from.t.Rows(), p.to.t.Rows())
		if err != nil {
			return nil, err
		}
		it.diff = d
	case p.to != nil:
		if keys != nil {
			it.keys = keys
			return it, nil
		}
		m, err := p.to.t.Rows().Iter(ctx, prolly.All)
		if err != nil {
			return nil, err
		}
		it.scan, it.scanType = m, prolly.Added
	case p.from != nil:
		if keys != nil {
			it.keys = keys
			return it, nil
		}
		m, err := p.from.t.Rows().Iter(ctx, prolly.All)
		if err != nil {
			return nil, err
		}
		it.scan, it.scanType = m, prolly.Removed
	default:
		it.done = true
	}
	return it, nil
}

// changeIter streams rowChanges. Not safe for concurrent use.
type changeIter struct {
	p        tablePair
	diff     *prolly.DiffIter
	scan     *prolly.Iter
	scanType prolly.DiffType
	keys     keyFilter
	done     bool

	pending rowChange // a keyless row's further copies
	repeat  uint64
}

// Next returns the next changed row, or io.EOF.
func (it *changeIter) Next(ctx context.Context) (rowChange, error) {
	for {
		if it.repeat > 0 {
			it.repeat--
			return it.pending, nil
		}
		if it.done {
			return rowChange{}, io.EOF
		}
		d, err := it.nextEntry(ctx)
		if err == io.EOF {
			it.done = true
			return rowChange{}, io.EOF
		}
		if err != nil {
			return rowChange{}, err
		}
		c, n, err := it.decode(d)
		if err != nil {
			return rowChange{}, err
		}
		if n == 0 {
			continue
		}
		it.pending, it.repeat = c, n-1
		return c, nil
	}
}

func (it *changeIter) nextEntry(ctx context.Context) (prolly.Diff, error) {
	switch {
	case it.diff != nil:
		return it.diff.Next(ctx)
	case it.scan != nil:
		k, v, err := it.scan.Next(ctx)
		if err != nil {
			return prolly.Diff{}, err
		}
		if it.scanType == prolly.Added {
			return prolly.Diff{Type: prolly.Added, Key: k, To: v}, nil
		}
		return prolly.Diff{Type: prolly.Removed, Key: k, From: v}, nil
	}
	for len(it.keys) > 0 {
		k := it.keys[0]
		it.keys = it.keys[1:]
		var fv, tv []byte
		var fok, tok bool
		var err error
		if it.p.from != nil {
			if fv, fok, err = it.p.from.t.Rows().Get(ctx, k); err != nil {
				return prolly.Diff{}, err
			}
		}
		if it.p.to != nil {
			if tv, tok, err = it.p.to.t.Rows().Get(ctx, k); err != nil {
				return prolly.Diff{}, err
			}
		}
		switch {
		case fok && tok && string(fv) != string(tv):
			return prolly.Diff{Type: prolly.Modified, Key: k, From: fv, To: tv}, nil
		case fok && !tok:
			return prolly.Diff{Type: prolly.Removed, Key: k, From: fv}, nil
		case tok && !fok:
			return prolly.Diff{Type: prolly.Added, Key: k, To: tv}, nil
		}
	}
	return prolly.Diff{}, io.EOF
}

// decode turns a map difference into a row change and its number of copies (keyless
// tables: the change in the count of identical rows).
func (it *changeIter) decode(d prolly.Diff) (rowChange, uint64, error) {
	var c rowChange
	var fn, tn uint64
	var err error
	if d.From != nil {
		if c.from, fn, err = it.p.from.decode(d.Key, d.From); err != nil {
			return c, 0, err
		}
	}
	if d.To != nil {
		if c.to, tn, err = it.p.to.decode(d.Key, d.To); err != nil {
			return c, 0, err
		}
	}
	switch d.Type {
	case prolly.Added:
		c.typ = DiffAdded
		return c, tn, nil
	case prolly.Removed:
		c.typ = DiffRemoved
		return c, fn, nil
	}
	if !it.p.to.keyless {
		c.typ = DiffModified
		return c, 1, nil
	}
	// A keyless row whose count changed: copies added or removed.
	if tn > fn {
		return rowChange{typ: DiffAdded, to: c.to}, tn - fn, nil
	}
	return rowChange{typ: DiffRemoved, from: c.from}, fn - tn, nil
}

// diffColumns returns the columns of a row diff: to_<col>..., to_commit, to_commit_date,
// from_<col>..., from_commit, from_commit_date, diff_type, with toSch and fromSch the
// schemas of the two sides.
func diffColumns(source, db string, toSch, fromSch sql.Schema) sql.Schema {
	var out sql.Schema
	add := func(name string, typ sql.Type, nullable bool) {
		out = append(out, &sql.Column{Name: name, Type: typ, Nullable: nullable, Source: source, DatabaseSource: db})
	}
	for _, c := range toSch {
		add("to_"+c.Name, c.Type, true)
	}
	add("to_commit", textType, true)
	add("to_commit_date", datetimeType, true)
	for _, c := range fromSch {
		add("from_"+c.Name, c.Type, true)
	}
	add("from_commit", textType, true)
	add("from_commit_date", datetimeType, true)
	add("diff_type", textType, false)
	return out
}

// project maps a row of schema src onto the columns of dst by name (case-insensitive);
// columns dst has that src lacks are NULL, values of a changed type are converted (NULL
// if they do not convert). A nil row stays nil.
func project(ctx context.Context, row sql.Row, src, dst sql.Schema) sql.Row {
	out := make(sql.Row, len(dst))
	if row == nil {
		return out
	}
	for i, c := range dst {
		j := src.IndexOfColName(c.Name)
		if j < 0 {
			continue
		}
		v := row[j]
		if v != nil && !reflect.DeepEqual(src[j].Type, c.Type) {
			cv, _, err := c.Type.Convert(ctx, v)
			if err != nil {
				cv = nil
			}
			v = cv
		}
		out[i] = v
	}
	return out
}

// diffRow assembles one output row of a row diff in the layout of diffColumns.
func diffRow(ch rowChange, toSch, fromSch sql.Schema, to, from diffSide) sql.Row {
	row := make(sql.Row, 0, len(toSch)+len(fromSch)+5)
	if ch.to != nil {
		row = append(row, ch.to...)
	} else {
		row = append(row, make(sql.Row, len(toSch))...)
	}
	row = append(row, sideLabel(to), to.date)
	if ch.from != nil {
		row = append(row, ch.from...)
	} else {
		row = append(row, make(sql.Row, len(fromSch))...)
	}
	return append(row, sideLabel(from), from.date, ch.typ)
}

func sideLabel(s diffSide) any {
	if s.empty {
		return nil
	}
	return s.label
}
