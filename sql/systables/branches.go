package systables

import (
	"errors"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
)

// branchesColumns are the columns of dsql_branches. remote and branch name the upstream a
// branch tracks ("" until remotes exist); dirty is true when the branch's working set
// (working or staged root) differs from its head's root.
var branchesColumns = []column{
	{name: "name", typ: textType, pk: true},
	{name: "hash", typ: textType},
	{name: "latest_committer", typ: textType},
	{name: "latest_committer_email", typ: textType},
	{name: "latest_commit_date", typ: datetimeType},
	{name: "latest_commit_message", typ: textType},
	{name: "remote", typ: textType},
	{name: "branch", typ: textType},
	{name: "dirty", typ: boolType},
}

// tagsColumns are the columns of dsql_tags. tagger, email, date and message are those of
// an annotated tag; a lightweight tag has NULL in them.
var tagsColumns = []column{
	{name: "tag_name", typ: textType, pk: true},
	{name: "tag_hash", typ: textType},
	{name: "tagger", typ: textType, nullable: true},
	{name: "email", typ: textType, nullable: true},
	{name: "date", typ: datetimeType, nullable: true},
	{name: "message", typ: textType, nullable: true},
}

func newBranchesTable(db *backend.Database, name string) *table {
	return newTable(name, db.Name(), branchesColumns, func(ctx *sql.Context) (sql.RowIter, error) {
		rows, err := branchRows(ctx, db)
		if err != nil {
			return nil, err
		}
		return sliceIter(rows), nil
	})
}

func branchRows(ctx *sql.Context, db *backend.Database) ([]sql.Row, error) {
	r := db.Repo()
	names, err := r.Branches(ctx)
	if err != nil {
		return nil, err
	}
	// The session's own branch is dirty by its transaction's view, which includes the
	// changes it has not committed yet.
	own := ""
	if !db.IsReadOnly() {
		if own, err = db.Branch(ctx); err != nil {
			return nil, err
		}
	}
	rows := make([]sql.Row, 0, len(names))
	for _, n := range names {
		c, err := r.Branch(ctx, n)
		if errors.Is(err, repo.ErrBranchNotFound) {
			continue // deleted since listed
		} else if err != nil {
			return nil, err
		}
		var working, staged repo.Root
		if s, ok := ctx.Session.(*session.Session); ok && n == own {
			if working, staged, _, err = s.Roots(ctx, db); err != nil {
				return nil, err
			}
		} else {
			ws, err := r.WorkingSet(ctx, n)
			if errors.Is(err, repo.ErrBranchNotFound) {
				continue
			} else if err != nil {
				return nil, err
			}
			working, staged = ws.Working(), ws.Staged()
		}
		dirty := working.Hash() != c.RootHash() || staged.Hash() != c.RootHash()
		cm := c.Committer()
		rows = append(rows, sql.Row{
			n, c.Hash().String(), cm.Name, cm.Email, sqlTime(cm.Time), c.Message(), "", "", dirty,
		})
	}
	return rows, nil
}

func newTagsTable(db *backend.Database, name string) *table {
	return newTable(name, db.Name(), tagsColumns, func(ctx *sql.Context) (sql.RowIter, error) {
		tags, err := db.Repo().Tags(ctx)
		if err != nil {
			return nil, err
		}
		rows := make([]sql.Row, len(tags))
		for i, t := range tags {
			rows[i] = sql.Row{t.Name, t.Commit.String(), nil, nil, nil, nil}
			if t.Annotated() {
				rows[i][2], rows[i][3], rows[i][4], rows[i][5] = t.Tagger.Name, t.Tagger.Email, sqlTime(t.Tagger.Time), t.Message
			}
		}
		return sliceIter(rows), nil
	})
}
