package backend

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/ref"
	"github.com/dsqldb/dsql/merkle/repo"
)

// View returns the database "base/suffix" of db's repository: the branch named suffix
// (read-write) if there is one, else the commit suffix resolves to (a tag, a commit hash
// or unique prefix, HEAD~n, ...; read-only). Views are cached per repository, so the same
// name yields the same *Database; a revision view is keyed by the commit it resolved to.
func (db *Database) View(ctx *sql.Context, suffix string) (*Database, error) {
	if suffix == "" {
		return nil, sql.ErrDatabaseNotFound.New(db.base + "/")
	}
	// Fast path (every statement of a session on "db/branch" resolves its database): a
	// branch view made before. A branch deleted since is reported when the view's working
	// set is read.
	if v, ok := db.views.Load("branch:" + suffix); ok {
		return v.(*Database), nil
	}
	if branch, ok, err := db.findBranch(ctx, suffix); err != nil {
		return nil, err
	} else if ok {
		key := "branch:" + branch
		if v, ok := db.views.Load(key); ok {
			return v.(*Database), nil
		}
		v, _ := db.views.LoadOrStore(key, &Database{repoHandle: db.repoHandle, name: db.base + "/" + branch, branch: branch})
		return v.(*Database), nil
	}
	c, err := db.resolve(ctx, suffix)
	if err != nil {
		if errors.Is(err, repo.ErrRevisionNotFound) {
			return nil, sql.ErrDatabaseNotFound.New(db.base + "/" + suffix)
		}
		return nil, err
	}
	return db.revisionView(ctx, db.base+"/"+suffix, c)
}

// findBranch looks suffix up among the branches: exactly, else case-insensitively when
// that is unambiguous (MySQL clients may change the case of database names).
func (db *Database) findBranch(ctx *sql.Context, suffix string) (string, bool, error) {
	if _, err := db.repo.Branch(ctx, suffix); err == nil {
		return suffix, true, nil
	} else if !errors.Is(err, repo.ErrBranchNotFound) && !errors.Is(err, ref.ErrInvalidName) {
		return "", false, err
	}
	names, err := db.repo.Branches(ctx)
	if err != nil {
		return "", false, err
	}
	found := ""
	for _, n := range names {
		if strings.EqualFold(n, suffix) {
			if found != "" {
				return "", false, nil
			}
			found = n
		}
	}
	return found, found != "", nil
}

// resolve resolves a revision relative to the session's branch (what HEAD means).
func (db *Database) resolve(ctx *sql.Context, spec string) (repo.Commit, error) {
	head := ""
	if db.rev == nil {
		b, err := db.Branch(ctx)
		if err != nil {
			return repo.Commit{}, err
		}
		head = b
	} else if strings.EqualFold(spec, "HEAD") {
		return *db.rev, nil
	}
	return db.repo.ResolveCommit(ctx, spec, head)
}

func (db *Database) revisionView(ctx *sql.Context, name string, c repo.Commit) (*Database, error) {
	key := "commit:" + c.Hash().String()
	if v, ok := db.views.Load(key); ok {
		d := v.(*Database)
		if d.name == name {
			return d, nil
		}
		return &Database{repoHandle: db.repoHandle, name: name, rev: d.rev, revRoot: d.revRoot}, nil
	}
	root, err := db.repo.Root(ctx, c.RootHash())
	if err != nil {
		return nil, err
	}
	d := &Database{repoHandle: db.repoHandle, name: name, rev: &c, revRoot: root}
	v, _ := db.views.LoadOrStore(key, d)
	if v.(*Database).name != name {
		return d, nil
	}
	return v.(*Database), nil
}

// AsOf returns the read-only database of the revision asOf names: a string revision
// (branch, tag, commit hash or prefix, HEAD~n) or a time (the newest commit of the
// session's branch made at or before it), as AS OF accepts them.
func (db *Database) AsOf(ctx *sql.Context, asOf any) (*Database, error) {
	switch v := asOf.(type) {
	case string:
		c, err := db.resolve(ctx, v)
		if err != nil {
			return nil, asOfError(v, err)
		}
		return db.revisionView(ctx, db.base+"/"+v, c)
	case []byte:
		return db.AsOf(ctx, string(v))
	case time.Time:
		var from repo.Commit
		if db.rev != nil {
			from = *db.rev
		} else {
			b, err := db.Branch(ctx)
			if err != nil {
				return nil, err
			}
			if from, err = db.repo.Branch(ctx, b); err != nil {
				return nil, err
			}
		}
		c, err := db.repo.CommitAsOf(ctx, from, v)
		if err != nil {
			return nil, asOfError(v.Format(time.RFC3339Nano), err)
		}
		return db.revisionView(ctx, db.base+"/"+c.Hash().String(), c)
	default:
		return nil, fmt.Errorf("AS OF expects a revision string (branch, tag, commit) or a timestamp, not %T", asOf)
	}
}

func asOfError(spec string, err error) error {
	if errors.Is(err, repo.ErrRevisionNotFound) {
		return fmt.Errorf("AS OF %q: %w", spec, err)
	}
	return err
}

// GetTableInsensitiveAsOf implements sql.VersionedDatabase.
func (db *Database) GetTableInsensitiveAsOf(ctx *sql.Context, name string, asOf any) (sql.Table, bool, error) {
	v, err := db.AsOf(ctx, asOf)
	if err != nil {
		return nil, false, err
	}
	return v.GetTableInsensitive(ctx, name)
}

// GetTableNamesAsOf implements sql.VersionedDatabase.
func (db *Database) GetTableNamesAsOf(ctx *sql.Context, asOf any) ([]string, error) {
	v, err := db.AsOf(ctx, asOf)
	if err != nil {
		return nil, err
	}
	return v.GetTableNames(ctx)
}
