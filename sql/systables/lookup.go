package systables

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/sql/backend"
)

// The system table names, without their dsql_ (or dolt_) prefix.
const (
	LogTable             = "log"
	BranchesTable        = "branches"
	TagsTable            = "tags"
	StatusTable          = "status"
	CommitsTable         = "commits"
	CommitAncestorsTable = "commit_ancestors"
)

// Prefixes are the prefixes every system table name is accepted with.
var Prefixes = []string{"dsql_", "dolt_"}

// Lookup returns the system table name of db (dsql_log, dolt_branches, ...), or ok=false
// if name is not one this package serves. It is the backend.Extensions.SystemTable hook.
// The table reads the repository (or, for dsql_status, the session's transaction) each
// time a query scans it. For a read-only revision database ("shop/v1", AS OF) dsql_log
// lists the revision's history and dsql_status is empty.
func Lookup(ctx *sql.Context, db *backend.Database, name string) (sql.Table, bool, error) {
	base, ok := trimPrefix(name)
	if !ok {
		return nil, false, nil
	}
	switch base {
	case LogTable:
		return newLogTable(db, name), true, nil
	case BranchesTable:
		return newBranchesTable(db, name), true, nil
	case TagsTable:
		return newTagsTable(db, name), true, nil
	case StatusTable:
		return newStatusTable(db, name), true, nil
	case CommitsTable:
		return newCommitsTable(db, name), true, nil
	case CommitAncestorsTable:
		return newAncestorsTable(db, name), true, nil
	case UnscopedDiffTable:
		return newUnscopedDiffTable(db, name), true, nil
	}
	if t, ok, err := lookupMergeTable(ctx, db, name, base); ok || err != nil {
		return t, ok, err
	}
	if t, ok, err := lookupHistoryTable(ctx, db, name, base); ok || err != nil {
		return t, ok, err
	}
	if t, ok, err := lookupBlameTable(ctx, db, name, base); ok || err != nil {
		return t, ok, err
	}
	return lookupDiffTable(ctx, db, name, base)
}

// trimPrefix returns name without its system prefix, lower-cased.
func trimPrefix(name string) (string, bool) {
	lower := strings.ToLower(name)
	for _, p := range Prefixes {
		if rest, ok := strings.CutPrefix(lower, p); ok {
			return rest, true
		}
	}
	return "", false
}
