// Package session holds dsql's per-connection state for go-mysql-server: Session embeds
// *sql.BaseSession and implements sql.TransactionSession and backend.Session.
//
// # Transactions
//
// A Transaction records, per (repository, branch) it touches, the working set of the
// branch when the transaction started (its snapshot) and its current working and staged
// roots (the snapshot plus its own changes), plus the current statement's pending edits
// (backend.EditSet). "shop" with main checked out and "shop/main" share one state.
//
// # Branches and version commits (vcs.go, variables.go)
//
// Each session has its own checked-out branch per repository (CheckedOut /
// SetCheckedOut; initially the repository's HEAD, which it keeps even if another process
// moves HEAD). Every branch has its own persisted working set, shared by all sessions
// on that branch: a SQL COMMIT merges the transaction's working and staged changes into
// it, so changes of one session committed with COMMIT are in the working set that the
// next dsql_commit -a of any session on the branch stages. CommitVersion (dsql_commit)
// does that merge and the version commit in one durable compare-and-swap of the branch
// head and working set, retried with a fresh merge if another session commits first:
// concurrent version commits on one branch each land, one the parent of the next
// (TestConcurrentVersionCommitsKeepEveryCommit). A session that wants its commit to hold
// exactly its own changes makes them inside BEGIN ... CALL dsql_commit(...). MoveHead
// moves a head with its working set (reset, fast-forward). Per-database variables
// (@@<db>_head_ref, _head, _working, _staged, _default_branch) are computed from this
// state; setting @@<db>_head_ref checks out a branch. With @@dsql_transaction_commit on,
// each SQL COMMIT also makes a version commit of the whole working root
// (TestTransactionCommitVariable).
//
// # Snapshots (what dsql guarantees)
//
// With a provider (New(base, WithProvider(p)), as servers and the enginetest harness do),
// StartTransaction reads the working set of every database of the provider, so every
// snapshot is taken when the transaction starts: at BEGIN / START TRANSACTION (with or
// without WITH CONSISTENT SNAPSHOT, READ ONLY, READ WRITE); with autocommit on, at the
// start of each statement; with autocommit off, at the first statement after COMMIT or
// ROLLBACK. This is stronger than MySQL's REPEATABLE READ, where a plain BEGIN takes the
// read view at the first read: commits made after BEGIN are never visible to the
// transaction, in any database (TestSnapshotTakenAtBegin, TestSnapshotAutocommitOff).
// Reads see the snapshot plus the transaction's own writes (TestRandomTransactionsMatchSerialModel
// checks every SELECT against a model). Databases created after the start are
// snapshotted at first use. The snapshots of several databases are read one after the
// other, not atomically (a commit spanning databases is not atomic either). A session
// reuses the working sets of its previous start for every database whose store has
// committed nothing since (snapcache.go: storage.RefGenerations), so starting a
// transaction costs a generation check per database, and a database's transaction
// state is made at its first use (TestSnapshotReuse checks reads against a model).
// Without a provider, a database's snapshot is taken when the transaction first reads it.
//
// A transaction whose COMMIT failed is over (rolled back); GMS's server also leaves an
// autocommit statement's transaction on the session when the statement fails while
// producing its OK result: CommandBegin drops it, so the next statement does not read a
// stale snapshot (TestWireOKAfterDurableCommit, TestAfterFailedCommitSnapshotsAreFresh).
//
// COMMIT (and the end of every autocommit statement) writes each changed database:
// if the branch's working set is still the snapshot, it is compare-and-swapped to one
// holding the new root; otherwise the roots are merged three-way (MergeRoots: base = the
// snapshot's root, ours = the branch's current working root, theirs = the transaction's
// root) and the merge result is swapped in; a lost race re-reads and merges again.
// ROLLBACK drops the transaction's roots. SAVEPOINT records the roots of every database;
// ROLLBACK TO SAVEPOINT restores them (and drops pending edits and later savepoints);
// RELEASE SAVEPOINT removes it and later ones (TestSavepoints).
//
// # Invariants
//
//   - Isolation: a transaction reads only its snapshot and its own writes. At commit,
//     changes are merged into the branch's current working root; if a row was changed by
//     both this transaction and one that committed since the snapshot, the commit fails
//     with sql.ErrLockDeadlock (MySQL error 1213, serialization failure), applies
//     nothing, and the transaction is rolled back so the client can retry. That includes
//     a row both sides inserted or updated to the same value: accepting such "convergent"
//     changes would lose one of two concurrent UPDATE t SET v = v + 1 (checkConvergent);
//     a row both sides deleted is merged. No update is silently lost: keyless tables
//     merge row counts (merge.MergeKeylessCounts, strict: concurrent inserts of equal
//     rows both count; two deletes of the last copy are 1213), AUTO_INCREMENT
//     counters take the maximum. A table whose schema both sides changed, or that one side
//     dropped or created while the other changed it, is also 1213 for now (sql/backend
//     TestConcurrentTransactions). A table both sides created with the same schema has
//     its rows merged (sql/backend TestConcurrentCreateView: two sessions' first views
//     both create dsql_schemas).
//     Tests: TestRandomTransactionsMatchSerialModel (interleaved sessions against a serial
//     model), TestConcurrentCommitsLoseNoUpdate (goroutines racing on the CAS loop).
//   - Durability: the OK of a COMMIT or an autocommit statement follows
//     repo.UpdateWorkingSet, one synced storage.Commit carrying the new working set (the
//     tables and roots it reaches were Put when built). GMS commits an autocommit
//     statement in its result iterator's Close, which its server handler runs before it
//     sends the OK (TestCommitIsDurableBeforeOK, TestWireOKAfterDurableCommit block the
//     storage commit and check the client has no answer yet, then restart over the
//     synced data only). Uncommitted transactions leave only unreferenced chunks.
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
