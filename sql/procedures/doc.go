// Package procedures implements dsql's version-control stored procedures (dsql_add,
// dsql_commit, dsql_checkout, dsql_branch, dsql_reset, dsql_tag) and SQL functions
// (active_branch, dsql_hashof, dsql_hashof_table, dsql_hashof_db, dsql_merge_base,
// dsql_version). Every name is also served with the dolt_ prefix, with the same arguments
// and result columns, so Dolt scripts run unchanged.
//
// # Arguments
//
// A procedure's arguments are the flags and operands of the matching `dsql` CLI verb
// (`CALL dsql_commit('-am', 'msg')`), parsed with pflag as the CLI parses them: short flags
// may be combined, `--` ends the flags. Unknown flags and wrong operand counts are errors
// that name the flag and show the procedure's usage line. The CLI verbs call the same
// procedures with bound parameters (one implementation, two front ends).
//
// # Invariants
//
//   - Isolation: procedures that only change the working and staged roots (dsql_add,
//     dsql_reset of tables, dsql_checkout of tables) change the session's transaction
//     through session.SetRoots; they land at COMMIT like any write and are merged with
//     concurrent sessions' changes.
//   - Durability and no lost commits: dsql_commit ends the SQL transaction and makes the
//     version commit with session.CommitVersion, which moves the branch head and its
//     working set in one durable compare-and-swap, retried with a fresh merge when another
//     session commits first, so two concurrent commits on one branch both land (each is
//     the parent of the next). Head moves (reset to a revision) go through
//     session.MoveHead, with the same guarantee.
//   - Branch switches end the transaction first (session.EndTransaction): uncommitted
//     changes stay in the old branch's persisted working set, as in Dolt's SQL.
//   - No silent loss: dsql_checkout --move (the CLI's git semantics) carries uncommitted
//     changes to the target branch only for tables that are identical in both heads, and
//     otherwise refuses, naming the tables and changing nothing; dsql_branch -d refuses a
//     branch that is not merged into the session's HEAD.
//
// # Concurrency
//
// The provider returned by New and the functions returned by Functions hold no mutable
// state and are safe for concurrent use by many sessions; all state is in the session
// (sql/session) and the repository (merkle/repo).
package procedures
