// Package merge is dsql's three-way merge of database states (repo.Root): the merge
// engine behind `dsql merge` / dsql_merge, and the reading and resolving of the row
// conflicts a merge records.
//
// It lives under merkle/ because it needs nothing of the SQL engine: rows, index entries
// and conflicts are handled as tuples (merkle/tuple) in prolly maps (merkle/prolly), so
// the CLI, the SQL procedures and (later) cherry-pick and revert share one
// implementation.
//
// # Rules (Merge)
//
// Table by table (names folded): a table changed on one side only takes that side's
// version (created, dropped, rows or schema). A table both sides changed, with the same
// schema on all three sides (or created by both with the same schema, merged against an
// empty base), has its rows merged with prolly.Merge:
//
//   - a row changed on one side takes that change;
//   - a row both sides changed identically (or both deleted) is merged;
//   - a row both sides changed differently is merged cell by cell: a column changed on
//     one side takes that side's value, one changed identically on both is kept; a
//     column changed to different values on both sides is a conflict;
//   - a row deleted on one side and modified on the other is a conflict, as is a row
//     both sides added with different values;
//   - a conflicted row keeps OUR version in the merged root, and its key is recorded in
//     the table's conflict map (TableConflicts).
//
// Keyless tables merge by counts (each distinct row's change of count from base to
// theirs is added to ours; never below zero), so they never conflict. AUTO_INCREMENT
// counters take the larger value. Secondary indexes are updated incrementally from the
// merged row changes (the diff from ours' rows to the merged rows), never rebuilt.
//
// A merge whose rows would give two rows the same value of a unique index (NULLs
// apart) fails with a *ViolationError (ErrConstraintViolation) and changes nothing: the
// entries added to unique indexes are each checked with one seek (UpdateRows). Recording
// such violations in dsql_constraint_violations instead needs a place for them in
// repo.MergeState; foreign-key, check and NOT NULL violations are not checked yet.
//
// CherryPick and Revert apply or undo one commit's change with the same machinery (base:
// the commit's parent, or the commit); PickState records their conflicts under a commit
// made for the purpose whose only parent is the branch head, which IsPickState recognises
// so that the pick concludes with an ordinary one-parent commit.
//
// Anything else is a schema conflict, reported as an error wrapping ErrSchemaConflict
// that lists every such table (*SchemaConflictError): a table whose schema changed on
// one side while the other changed it too, a table dropped on one side and changed on
// the other, a table both created differently, and foreign keys changed differently on
// both sides.
//
// # Invariants
//
//   - Structural sharing: the cost of a merge follows the size of the changes, not of
//     the tables: unchanged tables are skipped by hash, row maps are merged with
//     prolly.Merge (which skips identical subtrees) and index maps are edited only at the
//     entries of rows the merge changed relative to ours.
//   - Index consistency: every secondary index of a merged table holds exactly the
//     entries its merged rows need (backend.CheckIndexes agrees), given that ours'
//     indexes were consistent.
//   - Ours wins a conflict: the merged root holds ours' row for every conflicted key;
//     Result.Conflicts and the MergeState built from it name every such key.
//
// # Concurrency
//
// Functions are safe to call from many goroutines; the values they return are
// immutable.
package merge
