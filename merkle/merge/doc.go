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
// empty base; for differing schemas see "Schema merge"), has its rows merged with
// prolly.Merge:
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
// counters take the larger value. Secondary indexes are updated incrementally, never
// rebuilt: prolly.MergeEdit reports each row change the merge applies to ours (old and
// new row), and exactly those rows' index entries are deleted and inserted; keyless
// tables and tables only theirs changed go through UpdateRows, which diffs ours' rows
// against the merged rows (cost follows the change) and edits the same way.
//
// # Schema merge (schema.go)
//
// A table both sides changed whose schema differs between the sides has its schemas
// merged three-way by folded name of column, index and check (and the table's collation
// and comment): an element added, dropped or redefined on one side takes that side's
// version; one changed identically on both is kept; a column only theirs added goes
// after its predecessor in theirs. Rows are converted to the merged layout by column
// name, a column a version lacks getting its default (Options.ColumnDefault: the SQL layer
// evaluates the DEFAULT as ALTER TABLE ADD COLUMN does). When one side's rows are already
// in the merged layout (the side that altered the table, typically) only the other
// side's changes since base are converted and applied onto them, so the cost follows
// the changes; otherwise (or for a keyless table) every version in another layout is
// converted whole and the rows merge as above. The indexes of the side the rows were
// applied onto that the merged schema keeps are updated incrementally; indexes added or
// redefined on the other side (and all indexes of a keyless table whose columns changed,
// their entries holding the row hash) are built from the merged rows.
//
// # Column renames (schema.go: columnRenames)
//
// Columns have no identity but their name, so a rename is recognised from the three
// schemas (the Rename rule under Invariants) and merged as one: the other versions'
// column is renamed too (their rows and index maps are unchanged, only names differ),
// so the other side's values land in the renamed column and its indexes, including
// ones the other side added, follow. A rename collides, and is a schema conflict, when
// the other side renamed the same column differently, dropped or redefined it, added a
// column of the new name (or renamed another column to the old one), or added or changed
// a check or generated column whose expression names the old column (expressions are
// text; GMS, like MySQL, refuses to rename a column a check uses, so a rename never has
// to rewrite one).
//
// # Schema conflicts
//
// A table whose changes cannot be combined is a schema conflict: the primary key
// changed; a column, index or check changed differently on both sides (added on both
// with different definitions, dropped on one and changed on the other); a column's
// encoding changed on one side while the other changed rows (they would need a type
// conversion); a generated column added on one side; a column default that cannot be
// computed; a colliding rename (above); a column dropped on one side while one of the
// same encoding was added there that the Rename rule does not pair with it (a rename,
// maybe: the other side's values of it would be lost); a combined schema that is
// invalid (an index on a column the other side dropped); a table dropped on one side and changed on the other; a table created by
// both differently; foreign keys changed differently on both sides. Without
// Options.Record the merge fails with a *SchemaConflictError listing every one; with it
// they are in Result.SchemaConflicts (the merged root keeps ours' table) and the
// MergeState records them (repo.MergeState.SchemaConflicts).
//
// # Constraint violations (violations.go, fkviolations.go)
//
// A merge whose rows give two rows the same value of a unique index (NULLs apart)
// violates it: the entries added to unique indexes are each checked with one seek
// (UpdateRows), and indexes built from rows are checked as they are built. With
// Options.Record, the merge also checks foreign keys whose child or parent table it
// changed: child rows it added or changed must find their parent, and when it removed
// parent rows the child table is scanned for rows left without one. Violations are
// recorded per table in a violation map (Result.Violations; repo.MergeState.Violations):
// one entry per (row, constraint) with the row and a JSON description; the merged root
// keeps the violating rows. With Options.CheckRow (the SQL layer evaluates the
// expressions), the rows the merge added or changed in a table both sides changed are
// checked against its enforced CHECK constraints (all its rows when the merge changed
// its checks or row layout), a false result being a violation. Without Options.Record a
// unique violation fails the merge with a *ViolationError and changes nothing. NOT NULL
// violations cannot arise: a column's nullability change is a change of its encoding,
// hence a schema conflict when the other side changed rows.
//
// A table with row conflicts whose schema was merged keeps its base, ours and theirs
// versions converted to the merged schema in three extra roots of the MergeState
// (ConvertedBase/Ours/Theirs) so that LoadConflicts shows every version in the working
// table's schema.
//
// CherryPick and Revert apply or undo one commit's change with the same machinery (base:
// the commit's parent, or the commit); PickState records their conflicts under a commit
// made for the purpose whose only parent is the branch head, which IsPickState recognises
// so that the pick concludes with an ordinary one-parent commit.
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
//   - Rename rule: side s renamed base column c to d exactly when, of the columns only
//     base has (c among them) and those only s has (d among them), grouped by gap (the
//     number of columns both have that come before them), c's gap holds as many of
//     the one as of the other, c and d stand at the same place in it, and c and d are
//     alike in everything but the name (encoding, SQL type, default, AUTO_INCREMENT,
//     comment, generation expression). A gap with unequal counts is ambiguous and pairs
//     nothing: a drop and an add that happen to look like a rename in it stay a drop and
//     an add. The rule is a function of the three schemas only (TestColumnRenames).
//
// # Concurrency
//
// Functions are safe to call from many goroutines; the values they return are
// immutable.
package merge
