package session

import (
	"context"
	"slices"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/merge"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
)

// A transaction's merge state.
//
// Resolving conflicts or constraint violations through SQL (DELETE or UPDATE of
// dsql_conflicts_<t>, DELETE of dsql_constraint_violations_<t>, dsql_conflicts_resolve)
// changes the merge state of the branch (repo.MergeState) together with its working
// root. Both belong to the transaction: the transaction keeps its own merge state per
// (repository, branch) next to its working and staged roots (SetMergeState); the merge
// system tables and dsql_status read it (MergeState); COMMIT writes it in the same
// compare-and-swap of the working set as the roots; ROLLBACK drops it, ROLLBACK TO
// SAVEPOINT restores it. If another session changed the branch's merge state since the
// snapshot, the two changes are merged three-way: conflicts and violations resolved by
// either side are resolved (conflict and violation maps merge with prolly.Merge, schema
// conflicts by table); a merge state whose merge itself changed (concluded, aborted, or
// another merge started) is a serialization failure (sql.ErrLockDeadlock, 1213).

// txMerge is a transaction's own merge state of one branch.
type txMerge struct {
	state   repo.MergeState
	merging bool // false: the transaction ended the merge (a concluded cherry-pick)
}

// mergeState returns the merge state of the branch as the transaction sees it.
func (st *dbTx) mergeState() (repo.MergeState, bool) {
	if st.merge != nil {
		return st.merge.state, st.merge.merging
	}
	return st.snapshot.Merge()
}

// mergeChanged reports whether the transaction changed the branch's merge state.
func (st *dbTx) mergeChanged() bool {
	if st.merge == nil {
		return false
	}
	ms, ok := st.snapshot.Merge()
	return !sameMergeState(ms, ok, st.merge.state, st.merge.merging)
}

// MergeState returns the merge in progress on db's branch as the session's transaction
// sees it: the snapshot's, or the one the transaction set (SetMergeState).
func (s *Session) MergeState(ctx *sql.Context, db *backend.Database) (repo.MergeState, bool, error) {
	if db.IsReadOnly() || db.Temporary() {
		return repo.MergeState{}, false, nil
	}
	tx, err := s.transaction(ctx)
	if err != nil {
		return repo.MergeState{}, false, err
	}
	st, err := tx.state(ctx, db)
	if err != nil {
		return repo.MergeState{}, false, err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	ms, ok := st.mergeState()
	return ms, ok, nil
}

// SetMergeState makes ms the merge state of db's branch in the session's transaction
// (merging false: no merge in progress); it reaches the branch at COMMIT with the
// transaction's roots.
func (s *Session) SetMergeState(ctx *sql.Context, db *backend.Database, ms repo.MergeState, merging bool) error {
	tx, err := s.transaction(ctx)
	if err != nil {
		return err
	}
	if tx.readOnly {
		return sql.ErrReadOnlyTransaction.New()
	}
	st, err := tx.state(ctx, db)
	if err != nil {
		return err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if !merging {
		ms = repo.MergeState{}
	}
	st.merge = &txMerge{state: ms, merging: merging}
	return nil
}

// withMergeState returns next (the branch's current working set cur with the
// transaction's roots merged in) with the transaction's change of the merge state merged
// into cur's (see the comment at the top of the file).
func (st *dbTx) withMergeState(ctx context.Context, cur, next repo.WorkingSet) (repo.WorkingSet, error) {
	if !st.mergeChanged() {
		return next, nil
	}
	base, bok := st.snapshot.Merge()
	ours, ook := cur.Merge()
	theirs, tok := st.merge.state, st.merge.merging
	switch {
	case sameMergeState(base, bok, ours, ook):
		return setMerge(next, theirs, tok), nil
	case sameMergeState(ours, ook, theirs, tok):
		return next, nil
	case !bok || !ook || !sameMerge(base, ours) || (tok && !sameMerge(base, theirs)):
		return repo.WorkingSet{}, deadlock("branch %q: the merge in progress was changed by a concurrent transaction", st.branch)
	}
	if !tok { // the transaction concluded the merge: everything it saw is resolved
		theirs = base
		theirs.Conflicts, theirs.Violations, theirs.SchemaConflicts = nil, nil, nil
	}
	merged, err := mergeMergeStates(ctx, st.db.Repo(), base, ours, theirs)
	if err != nil {
		return repo.WorkingSet{}, err
	}
	if !tok && !merged.Unresolved() {
		return next.ClearMerge(), nil
	}
	return next.WithMerge(merged), nil
}

func setMerge(ws repo.WorkingSet, ms repo.MergeState, merging bool) repo.WorkingSet {
	if !merging {
		return ws.ClearMerge()
	}
	return ws.WithMerge(ms)
}

// sameMerge reports whether a and b record the same merge (what is merged, and the
// roots its conflicts are read from), whatever is left to resolve.
func sameMerge(a, b repo.MergeState) bool {
	return a.Commit == b.Commit && a.PreMergeWorking == b.PreMergeWorking && a.Base == b.Base &&
		a.ConvertedBase == b.ConvertedBase && a.ConvertedOurs == b.ConvertedOurs && a.ConvertedTheirs == b.ConvertedTheirs
}

// sameMergeState reports whether two merge states (ok: a merge is in progress) are equal.
func sameMergeState(a repo.MergeState, aok bool, b repo.MergeState, bok bool) bool {
	if aok != bok {
		return false
	}
	if !aok {
		return true
	}
	return sameMerge(a, b) && slices.Equal(a.Conflicts, b.Conflicts) &&
		slices.Equal(a.Violations, b.Violations) && slices.Equal(a.SchemaConflicts, b.SchemaConflicts)
}

// mergeMergeStates merges the resolutions of theirs (since base) into ours; all three
// record the same merge.
func mergeMergeStates(ctx context.Context, r *repo.Repo, base, ours, theirs repo.MergeState) (repo.MergeState, error) {
	out := ours
	// Row conflicts: one key map per table.
	if !slices.Equal(base.Conflicts, theirs.Conflicts) {
		maps := [3]map[string]prolly.Map{}
		names := map[string]string{}
		for i, ms := range []repo.MergeState{base, ours, theirs} {
			cts, err := merge.LoadConflicts(ctx, r, ms)
			if err != nil {
				return repo.MergeState{}, err
			}
			maps[i] = map[string]prolly.Map{}
			for _, ct := range cts {
				maps[i][strings.ToLower(ct.Name)] = ct.Keys
				if _, ok := names[strings.ToLower(ct.Name)]; !ok || i == 1 {
					names[strings.ToLower(ct.Name)] = ct.Name
				}
			}
		}
		var cs []repo.TableConflicts
		for k, name := range names {
			m, err := merge3(ctx, r, maps[0][k], maps[1][k], maps[2][k])
			if err != nil {
				return repo.MergeState{}, err
			}
			if m.Count() > 0 {
				cs = append(cs, repo.TableConflicts{Table: name, Keys: m.Hash()})
			}
		}
		out.Conflicts = repo.SortConflicts(cs)
	}
	// Constraint violations: one map per table.
	if !slices.Equal(base.Violations, theirs.Violations) {
		maps := [3]map[string]prolly.Map{}
		names := map[string]string{}
		for i, ms := range []repo.MergeState{base, ours, theirs} {
			vts, err := merge.LoadViolations(ctx, r, ms)
			if err != nil {
				return repo.MergeState{}, err
			}
			maps[i] = map[string]prolly.Map{}
			for _, vt := range vts {
				maps[i][strings.ToLower(vt.Name)] = vt.Map
				if _, ok := names[strings.ToLower(vt.Name)]; !ok || i == 1 {
					names[strings.ToLower(vt.Name)] = vt.Name
				}
			}
		}
		out.Violations = nil
		for k, name := range names {
			m, err := merge3(ctx, r, maps[0][k], maps[1][k], maps[2][k])
			if err != nil {
				return repo.MergeState{}, err
			}
			out = merge.WithViolations(out, name, m)
		}
	}
	// Schema conflicts: those theirs resolved go.
	for _, sc := range base.SchemaConflicts {
		if !slices.ContainsFunc(theirs.SchemaConflicts, func(c repo.SchemaConflict) bool { return strings.EqualFold(c.Table, sc.Table) }) {
			out = merge.WithoutSchemaConflict(out, sc.Table)
		}
	}
	if len(out.Conflicts) == 0 {
		out.Conflicts = nil
	}
	return out, nil
}

// merge3 merges two maps three-way; a zero Map is an absent (empty) one.
func merge3(ctx context.Context, r *repo.Repo, base, ours, theirs prolly.Map) (prolly.Map, error) {
	maps := []*prolly.Map{&base, &ours, &theirs}
	i := slices.IndexFunc(maps, func(m *prolly.Map) bool { return m.Root() != nil })
	if i < 0 {
		return prolly.NewEmpty(ctx, r.NodeStore(), nil) // absent everywhere
	}
	cmp := maps[i].Compare()
	for _, m := range maps {
		if m.Root() == nil {
			e, err := prolly.NewEmpty(ctx, r.NodeStore(), cmp)
			if err != nil {
				return prolly.Map{}, err
			}
			*m = e
		}
	}
	switch {
	case theirs.Hash() == base.Hash():
		return ours, nil
	case ours.Hash() == base.Hash():
		return theirs, nil
	}
	m, _, err := prolly.Merge(ctx, base, ours, theirs, nil)
	return m, err
}
