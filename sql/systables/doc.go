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
//   - TableFunctions returns dsql_log(...) and dolt_log(...), the log of any revisions
//     with the CLI's arguments (revisions, A..B, A...B, ^A, --not, -n, --merges,
//     --no-merges, --min-parents, --max-parents), and the diff functions below.
//
// # Diff, history, blame and patch
//
// These diff prolly row maps (cost proportional to the change; identical subtrees and
// unchanged tables are skipped by hash), read history lazily from repo.LogIter (so a
// LIMIT stops the walk) and, where they have indexes, turn primary-key point filters into
// point reads. All are also served with the dolt_ prefix:
//
//   - dsql_diff_<t> (difftable.go): the row changes of t for each commit of HEAD's history
//     against its first parent, after STAGED -> WORKING and HEAD -> STAGED, in t's current
//     schema. dsql_commit_diff_<t>: the same between the two revisions its to_commit and
//     from_commit filters name.
//   - dsql_diff(from, to, t), dsql_diff_stat(from, to[, t]), dsql_diff_summary(from, to[, t])
//     (difffunc.go): row changes with each side in its own schema, counts, and one row per
//     created, dropped, renamed or modified table, between any two revisions, WORKING or
//     STAGED ('a..b' and 'a...b' too). Keyless tables diff by whole row with counts.
//   - dsql_diff, the system table (historydiff.go): one row per table changed per commit
//     of the history (plus WORKING and STAGED rows), with data_change and schema_change.
//   - dsql_history_<t> (history.go): every row of t at every commit of the history, with
//     commit_hash, committer and commit_date; primary-key and commit_hash filters narrow it.
//   - dsql_blame_<t> (blame.go): for each row of t at HEAD, its primary key and the last
//     commit that changed it, followed through merges like git blame.
//   - dsql_patch(from, to[, t]) (patch.go): runnable SQL, per changed table its schema
//     statements (CREATE/DROP/RENAME TABLE, ALTER TABLE) then its data statements
//     (INSERT/UPDATE/DELETE by key; keyless DELETE ... LIMIT n). Applying the patch of
//     (A, B) to A gives B's table hashes (TestPatchApplies). dsql diff -r sql/json shows
//     its schema statements.
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
//   - A change is a change of bytes: a value changed only in case, accents or trailing
//     spaces ('b' to 'B' under a case-insensitive collation) is modified in a diff's
//     changed columns, dsql_diff_<t>, dsql_diff_stat and dsql_patch's UPDATE, as the
//     stored value changed (valuesEqual, backend.SameValue; TestDiffTableHistory).
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
