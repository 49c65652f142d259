// Package session holds dsql's per-connection state for go-mysql-server: Session embeds
// *sql.BaseSession and implements sql.TransactionSession and backend.Session.
//
// # Transactions
//
// A Transaction records, per database it touches, the working set of the database's
// branch when it first read the database (its snapshot) and its current root (the
// snapshot plus its own changes), plus the current statement's pending edits
// (backend.EditSet). Snapshots are taken lazily per database, at the first read, like
// MySQL's REPEATABLE READ without WITH CONSISTENT SNAPSHOT.
//
// COMMIT (and the end of every autocommit statement) writes each changed database:
// if the branch's working set is still the snapshot, it is compare-and-swapped to one
// holding the new root; otherwise the roots are merged three-way (MergeRoots: base = the
// snapshot's root, ours = the branch's current working root, theirs = the transaction's
// root) and the merge result is swapped in; a lost race re-reads and merges again.
// ROLLBACK drops the transaction's roots. Savepoints record roots.
//
// # Invariants
//
//   - Isolation: a transaction reads only its snapshot and its own writes. At commit,
//     changes are merged into the branch's current working root; if a row was changed by
//     both this transaction and one that committed since the snapshot, the commit fails
//     with sql.ErrLockDeadlock (MySQL error 1213, serialization failure), applies
//     nothing, and the transaction is rolled back so the client can retry. No update is
//     silently lost: keyless tables merge row counts (concurrent inserts of equal rows
//     both count), AUTO_INCREMENT counters take the maximum. A table whose schema both
//     sides changed, or that one side dropped or created while the other changed it, is
//     also 1213 for now (sql/backend TestConcurrentTransactions). A table both sides
//     created with the same schema has its rows merged (sql/backend
//     TestConcurrentCreateView: two sessions' first views both create dsql_schemas).
//   - Durability: the OK of a COMMIT follows repo.UpdateWorkingSet, one synced
//     storage.Commit carrying the new working set (the tables and roots it reaches were
//     Put when built). Uncommitted transactions leave only unreferenced chunks.
//   - Statement atomicity: see package backend; a commit also applies pending edits of a
//     statement that never reached StatementComplete (editors used outside GMS).
//
// A transaction touching several databases commits them one after another; a failure on
// a later database does not undo an earlier one (not atomic across databases).
//
// # Concurrency
//
// A Session is used by one connection; GMS may read tables from several goroutines within
// a query, so a Transaction's state is behind its mutex. Sessions of many connections
// commit concurrently against the same repository; the compare-and-swap of the working
// set serialises them.
package session
