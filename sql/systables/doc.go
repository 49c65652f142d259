// Package systables serves dsql's version-control system tables and the dsql_log() table
// function to go-mysql-server (GMS). Every name is also accepted with Dolt's dolt_
// prefix, with the same columns.
//
// # Pieces
//
//   - Lookup is the backend.Extensions.SystemTable hook: the Provider's databases consult
//     it for names starting with dsql_ or dolt_ before the user's tables. It returns
//     read-only GMS tables (one partition each):
//     dsql_log (history of the session's HEAD, or of a revision database's commit),
//     dsql_branches, dsql_tags, dsql_status, dsql_commits and dsql_commit_ancestors.
//   - Status compares a head, staged and working root table by table (new table,
//     modified, deleted, renamed); dsql_status shows it, and procedures and the CLI reuse it.
//   - TableFunctions returns dsql_log(...) and dolt_log(...): the log of any revisions,
//     with the CLI's arguments (revisions, A..B, A...B, ^A, --not, -n, --merges,
//     --no-merges, --min-parents, --max-parents).
//
// # Invariants
//
//   - Freshness: no table caches repository state. Each scan reads the branches, tags
//     and heads it needs when its row iterator is created, so every query sees the
//     commits other sessions have made up to then (dsql_status reads the session's own
//     transaction view, see session.Session.Roots).
//   - Laziness: history tables (dsql_log, dsql_commits, dsql_commit_ancestors and
//     dsql_log()) pull commits from repo.LogIter one row at a time, so
//     `SELECT * FROM dsql_log LIMIT n` reads about n commits whatever the length of the
//     history (TestLogLimitIsLazy, BenchmarkLogLimit10). Excluded revisions (A..B, --not)
//     are walked in step with the included ones, never materialised up front.
//   - Read-only: the tables implement only sql.Table, so GMS refuses writes to them.
//
// # Columns
//
// The layouts are those of reference/versioned-sql-interface.md (Dolt's). Dates are
// DATETIME(3) in UTC, rounded up to the millisecond so that `AS OF <date>` taken from a
// row names that row's commit. Hashes are the 32-character base32 text form. parents and
// refs are joined with ", "; refs reads like git log --decorate ("HEAD -> main, feature,
// tag: v1"; a revision database's commit is "HEAD"). dsql_status names a rename
// "old -> new", as Dolt does. A lightweight tag has NULL tagger, email, date and message
// in dsql_tags. A commit without parents has one dsql_commit_ancestors row with a NULL
// parent_hash.
//
// # Concurrency
//
// Lookup, Status and TableFunctions are safe for concurrent use. The tables they return
// hold no mutable state; the row iterators belong to one query of one session.
package systables
