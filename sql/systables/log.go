package systables

import (
	"context"
	"sort"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/ref"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
)

// logColumns are the columns of dsql_log and dsql_log().
var logColumns = []column{
	{name: "commit_hash", typ: textType, pk: true},
	{name: "committer", typ: textType},
	{name: "email", typ: textType},
	{name: "date", typ: datetimeType},
	{name: "message", typ: textType},
	{name: "commit_order", typ: uint64Type},
	{name: "parents", typ: textType},
	{name: "refs", typ: textType},
	{name: "author", typ: textType},
	{name: "author_email", typ: textType},
	{name: "author_date", typ: datetimeType},
}

// commitsColumns are the columns of dsql_commits.
var commitsColumns = []column{
	{name: "commit_hash", typ: textType, pk: true},
	{name: "committer", typ: textType},
	{name: "email", typ: textType},
	{name: "date", typ: datetimeType},
	{name: "message", typ: textType},
	{name: "commit_order", typ: uint64Type},
}

// ancestorsColumns are the columns of dsql_commit_ancestors. A commit without parents has
// one row with a NULL parent_hash.
var ancestorsColumns = []column{
	{name: "commit_hash", typ: textType, pk: true},
	{name: "parent_hash", typ: textType, nullable: true},
	{name: "parent_index", typ: intType, pk: true},
}

// commitIter yields commits newest first; io.EOF ends it. *repo.LogIter is one.
type commitIter interface {
	Next(ctx context.Context) (repo.Commit, error)
}

// head returns the commit "HEAD" means for db in this session (a revision database's
// commit, else the head of the session's branch) and that branch ("" for a revision).
func head(ctx *sql.Context, db *backend.Database) (repo.Commit, string, error) {
	if c, ok := db.Revision(); ok {
		return c, "", nil
	}
	b, err := db.Branch(ctx)
	if err != nil {
		return repo.Commit{}, "", err
	}
	c, err := db.Repo().Branch(ctx, b)
	return c, b, err
}

// decorations returns the refs column of each decorated commit, like git log --decorate:
// "HEAD -> <branch>" (or "HEAD" for a revision), then the other branches, then
// "tag: <name>", joined with ", ". It reads the branch refs and one chunk per tag.
func decorations(ctx *sql.Context, r *repo.Repo, headCommit hash.Hash, headBranch string) (map[hash.Hash]string, error) {
	names := map[hash.Hash][]string{}
	if headBranch == "" && !headCommit.IsEmpty() {
		names[headCommit] = append(names[headCommit], "HEAD")
	}
	refs, err := r.Store().Refs(ctx, ref.HeadsPrefix)
	if err != nil {
		return nil, err
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Name < refs[j].Name })
	for _, rf := range refs {
		b := strings.TrimPrefix(rf.Name, ref.HeadsPrefix)
		if b == headBranch {
			names[rf.Hash] = append([]string{"HEAD -> " + b}, names[rf.Hash]...)
		} else {
			names[rf.Hash] = append(names[rf.Hash], b)
		}
	}
	tags, err := r.Tags(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		names[t.Commit] = append(names[t.Commit], "tag: "+t.Name)
	}
	out := make(map[hash.Hash]string, len(names))
	for h, ns := range names {
		out[h] = strings.Join(ns, ", ")
	}
	return out, nil
}

// logRow is the dsql_log row of c.
func logRow(c repo.Commit, refs map[hash.Hash]string) sql.Row {
	ps := c.Parents()
	parents := make([]string, len(ps))
	for i, p := range ps {
		parents[i] = p.String()
	}
	cm, au := c.Committer(), c.Author()
	return sql.Row{
		c.Hash().String(), cm.Name, cm.Email, sqlTime(cm.Time), c.Message(), c.Height(),
		strings.Join(parents, ", "), refs[c.Hash()], au.Name, au.Email, sqlTime(au.Time),
	}
}

// commitRow is the dsql_commits row of c.
func commitRow(c repo.Commit) sql.Row {
	cm := c.Committer()
	return sql.Row{c.Hash().String(), cm.Name, cm.Email, sqlTime(cm.Time), c.Message(), c.Height()}
}

// commitRows turns a lazy commit iterator into a lazy row iterator: each Next reads only
// what the next row needs.
func commitRows(it commitIter, row func(repo.Commit) sql.Row) sql.RowIter {
	return &funcIter{next: func(ctx *sql.Context) (sql.Row, error) {
		c, err := it.Next(ctx)
		if err != nil {
			return nil, err
		}
		return row(c), nil
	}}
}

func newLogTable(db *backend.Database, name string) *table {
	return newTable(name, db.Name(), logColumns, func(ctx *sql.Context) (sql.RowIter, error) {
		c, branch, err := head(ctx, db)
		if err != nil {
			return nil, err
		}
		refs, err := decorations(ctx, db.Repo(), c.Hash(), branch)
		if err != nil {
			return nil, err
		}
		return commitRows(db.Repo().Log(ctx, c), func(c repo.Commit) sql.Row { return logRow(c, refs) }), nil
	})
}

// allHeads returns the commits of every branch and tag.
func allHeads(ctx context.Context, r *repo.Repo) ([]repo.Commit, error) {
	var starts []repo.Commit
	seen := hash.NewSet()
	add := func(h hash.Hash) error {
		if seen.Has(h) {
			return nil
		}
		seen.Add(h)
		c, err := r.Commit(ctx, h)
		if err != nil {
			return err
		}
		starts = append(starts, c)
		return nil
	}
	refs, err := r.Store().Refs(ctx, ref.HeadsPrefix)
	if err != nil {
		return nil, err
	}
	for _, rf := range refs {
		if err := add(rf.Hash); err != nil {
			return nil, err
		}
	}
	tags, err := r.Tags(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		if err := add(t.Commit); err != nil {
			return nil, err
		}
	}
	return starts, nil
}

func newCommitsTable(db *backend.Database, name string) *table {
	return newTable(name, db.Name(), commitsColumns, func(ctx *sql.Context) (sql.RowIter, error) {
		starts, err := allHeads(ctx, db.Repo())
		if err != nil {
			return nil, err
		}
		return commitRows(db.Repo().Log(ctx, starts...), commitRow), nil
	})
}

func newAncestorsTable(db *backend.Database, name string) *table {
	return newTable(name, db.Name(), ancestorsColumns, func(ctx *sql.Context) (sql.RowIter, error) {
		starts, err := allHeads(ctx, db.Repo())
		if err != nil {
			return nil, err
		}
		it := db.Repo().Log(ctx, starts...)
		var pending []sql.Row
		return &funcIter{next: func(ctx *sql.Context) (sql.Row, error) {
			for len(pending) == 0 {
				c, err := it.Next(ctx)
				if err != nil {
					return nil, err
				}
				h := c.Hash().String()
				ps := c.Parents()
				if len(ps) == 0 {
					pending = append(pending, sql.Row{h, nil, int32(0)})
				}
				for i, p := range ps {
					pending = append(pending, sql.Row{h, p.String(), int32(i)})
				}
			}
			row := pending[0]
			pending = pending[1:]
			return row, nil
		}}, nil
	})
}
