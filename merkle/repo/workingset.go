package repo

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// WorkingSet is the uncommitted state of a branch: the working root (what SQL reads and
// writes) and the staged root (what the next commit will hold), plus, during a merge with
// conflicts, the merge state. It is persisted under refs/workingsets/heads/<branch>, so
// uncommitted changes survive a restart.
//
// A WorkingSet is an immutable value, safe to share; its chunk is written by
// Repo.UpdateWorkingSet.
type WorkingSet struct {
	working, staged Root
	merge           *MergeState
	// memo holds the chunk once encoded, shared by the copies of this value (every
	// With... method starts a new one), so that a commit encodes and hashes its working
	// set once, not for UpdateWorkingSet's compare-and-swap and again for each cache
	// that keys it by hash. nil (the zero WorkingSet): encoded on every call.
	memo *wsMemo
}

type wsMemo struct {
	once sync.Once
	c    storage.Chunk
}

// fresh returns ws with a new, empty memo (its fields were just changed).
func (ws WorkingSet) fresh() WorkingSet { ws.memo = &wsMemo{}; return ws }

// MergeState records a merge in progress (conflicts to resolve before committing): the
// commit being merged in and the working root before the merge started (for
// `merge --abort`, and "ours" of every conflict), and, when the merge left conflicts,
// the merge base's root and one map of conflicted row keys per table (package
// merkle/merge builds and reads them).
//
// A MergeState is a value; its Conflicts slice is shared by copies and must not be
// modified (build a new slice).
type MergeState struct {
	Commit          hash.Hash // the commit being merged
	PreMergeWorking hash.Hash // the working root before the merge
	// Base is the root of the merge base (zero when the state records no conflicts and
	// was made without one).
	Base hash.Hash
	// Conflicts lists the tables with unresolved row conflicts, sorted by folded name,
	// each with the root of its conflict map (see TableConflicts).
	Conflicts []TableConflicts
	// SchemaConflicts lists the tables whose schema changes could not be merged (the
	// merged root keeps ours' version of each), sorted by folded name.
	SchemaConflicts []SchemaConflict
	// Violations lists the tables with unresolved constraint violations, sorted by folded
	// name, each with the root of its violation map (package merkle/merge).
	Violations []TableViolations
	// ConvertedBase, ConvertedOurs and ConvertedTheirs are zero, or roots holding, for each
	// table with row conflicts whose schema the merge combined, its base, ours and theirs
	// versions with their rows converted to the merged schema (conflicts of such a table
	// are read from them rather than from Base, PreMergeWorking and Commit's root).
	ConvertedBase, ConvertedOurs, ConvertedTheirs hash.Hash
}

// SchemaConflict is a table whose schema changes a merge could not combine, with a
// description of why.
type SchemaConflict struct {
	Table       string
	Description string
}

// TableViolations names the constraint-violation map of one table (a prolly map whose
// layout package merkle/merge defines).
type TableViolations struct {
	Table string
	Map   hash.Hash
}

// TableConflicts names the conflict map of one table: a prolly map keyed by the table's
// row key (its KeyDesc in the pre-merge working root) with empty values, holding the
// key of every conflicted row. The base, ours and theirs versions of a row are read from
// the three roots of the MergeState (Base, PreMergeWorking, Commit's root).
type TableConflicts struct {
	Table string    // the table's name as stored in the pre-merge working root
	Keys  hash.Hash // root of the conflict map
}

// children lists the chunk addresses the merge state references.
func (m *MergeState) children() []hash.Hash {
	hs := []hash.Hash{m.Commit, m.PreMergeWorking}
	if m.v2() {
		hs = append(hs, m.Base)
		for _, tc := range m.Conflicts {
			hs = append(hs, tc.Keys)
		}
	}
	if m.v3() {
		for _, tv := range m.Violations {
			hs = append(hs, tv.Map)
		}
		for _, h := range []hash.Hash{m.ConvertedBase, m.ConvertedOurs, m.ConvertedTheirs} {
			if h != (hash.Hash{}) {
				hs = append(hs, h)
			}
		}
	}
	return hs
}

// v2 reports whether m needs the second merge-state layout (a base or conflicts) or a
// later one.
func (m *MergeState) v2() bool { return m.Base != (hash.Hash{}) || len(m.Conflicts) > 0 || m.v3() }

// v3 reports whether m needs the third merge-state layout (schema conflicts, violations
// or converted roots).
func (m *MergeState) v3() bool {
	return len(m.SchemaConflicts) > 0 || len(m.Violations) > 0 || m.ConvertedBase != (hash.Hash{}) ||
		m.ConvertedOurs != (hash.Hash{}) || m.ConvertedTheirs != (hash.Hash{})
}

// Working-set chunk (kind 0xC5):
//
//	+------+--------------+-------------+-------+-------------------------------------+
//	| 0xC5 | working root | staged root | merge | if merge = 1: merged commit 20 B    |
//	|      | 20 B         | 20 B        | 1 B   |               pre-merge root 20 B   |
//	|      |              |             |       | if merge = 2: merged commit 20 B    |
//	|      |              |             |       |               pre-merge root 20 B   |
//	|      |              |             |       |               base root 20 B        |
//	|      |              |             |       |               n uvarint             |
//	|      |              |             |       |               n x (table name str,  |
//	|      |              |             |       |                    keys map 20 B)   |
//	+------+--------------+-------------+-------+-------------------------------------+
//
//	|      |              |             |       | if merge = 3: as merge = 2, then      |
//	|      |              |             |       |               m uvarint, m x (table   |
//	|      |              |             |       |                 str, description str)|
//	|      |              |             |       |               k uvarint, k x (table   |
//	|      |              |             |       |                 str, violations 20 B) |
//	|      |              |             |       |               converted base, ours, |
//	|      |              |             |       |                 theirs roots 3x20 B |
//
// merge is 0 (no merge in progress), 1 (a merge without recorded conflicts or base: the
// original layout, still written for such states so their hashes do not change) or 2
// (a merge with a base root and/or conflicts). A str is a uvarint length and the bytes.
// In layout 2 the tables are sorted by folded name, without duplicates, and the state
// has a base or at least one table (otherwise it is written as layout 1). Child hashes:
// working root, staged root, and during a merge the merged commit and the pre-merge
// root, and in layout 2 the base root and every keys map. Layout 3 (written only for a
// state with schema conflicts, violations or converted roots, so older states keep their
// hashes) adds the schema conflicts and violation maps, each sorted by folded table name
// without duplicates, and three roots (zero: none); its extra children are every
// violations map and the non-zero converted roots.

type workingSetData struct {
	working, staged hash.Hash
	merge           *MergeState
}

func encodeWorkingSetData(wd workingSetData) []byte {
	e := newEncoder(KindWorkingSet)
	e.hash(wd.working)
	e.hash(wd.staged)
	switch {
	case wd.merge == nil:
		e.byte(0)
	case !wd.merge.v2():
		e.byte(1)
		e.hash(wd.merge.Commit)
		e.hash(wd.merge.PreMergeWorking)
	default:
		m := wd.merge
		if m.v3() {
			e.byte(3)
		} else {
			e.byte(2)
		}
		e.hash(m.Commit)
		e.hash(m.PreMergeWorking)
		e.hash(m.Base)
		e.uvarint(uint64(len(m.Conflicts)))
		for _, tc := range m.Conflicts {
			e.str(tc.Table)
			e.hash(tc.Keys)
		}
		if m.v3() {
			e.uvarint(uint64(len(m.SchemaConflicts)))
			for _, sc := range m.SchemaConflicts {
				e.str(sc.Table)
				e.str(sc.Description)
			}
			e.uvarint(uint64(len(m.Violations)))
			for _, tv := range m.Violations {
				e.str(tv.Table)
				e.hash(tv.Map)
			}
			e.hash(m.ConvertedBase)
			e.hash(m.ConvertedOurs)
			e.hash(m.ConvertedTheirs)
		}
	}
	return e.b
}

func decodeWorkingSetData(chunk []byte) (workingSetData, error) {
	d := newDecoder(chunk, KindWorkingSet)
	wd := workingSetData{working: d.hash(), staged: d.hash()}
	switch m := d.byte(); m {
	case 0:
	case 1:
		wd.merge = &MergeState{Commit: d.hash(), PreMergeWorking: d.hash()}
	case 2, 3:
		ms := &MergeState{Commit: d.hash(), PreMergeWorking: d.hash(), Base: d.hash()}
		n := d.count(1 + hash.ByteLen)
		for i := 0; i < n; i++ {
			tc := TableConflicts{Table: d.str(), Keys: d.hash()}
			if i > 0 && foldName(ms.Conflicts[i-1].Table) >= foldName(tc.Table) {
				d.fail("merge conflicts not sorted by table name")
			}
			ms.Conflicts = append(ms.Conflicts, tc)
		}
		if m == 3 {
			n := d.count(2)
			for i := 0; i < n; i++ {
				sc := SchemaConflict{Table: d.str(), Description: d.str()}
				if i > 0 && foldName(ms.SchemaConflicts[i-1].Table) >= foldName(sc.Table) {
					d.fail("schema conflicts not sorted by table name")
				}
				ms.SchemaConflicts = append(ms.SchemaConflicts, sc)
			}
			n = d.count(1 + hash.ByteLen)
			for i := 0; i < n; i++ {
				tv := TableViolations{Table: d.str(), Map: d.hash()}
				if i > 0 && foldName(ms.Violations[i-1].Table) >= foldName(tv.Table) {
					d.fail("violations not sorted by table name")
				}
				ms.Violations = append(ms.Violations, tv)
			}
			ms.ConvertedBase, ms.ConvertedOurs, ms.ConvertedTheirs = d.hash(), d.hash(), d.hash()
		}
		wd.merge = ms
	default:
		d.fail("bad merge flag %d", m)
	}
	return wd, d.finish(func() []byte { return encodeWorkingSetData(wd) })
}

// NewWorkingSet returns the working set with the given roots and no merge in progress.
func NewWorkingSet(working, staged Root) WorkingSet {
	return WorkingSet{working: working, staged: staged}.fresh()
}

// Working returns the working root.
func (ws WorkingSet) Working() Root { return ws.working }

// Staged returns the staged root.
func (ws WorkingSet) Staged() Root { return ws.staged }

// Merge returns the merge in progress, if any.
func (ws WorkingSet) Merge() (MergeState, bool) {
	if ws.merge == nil {
		return MergeState{}, false
	}
	return *ws.merge, true
}

// WithWorking returns ws with working root r.
func (ws WorkingSet) WithWorking(r Root) WorkingSet { ws.working = r; return ws.fresh() }

// WithStaged returns ws with staged root r.
func (ws WorkingSet) WithStaged(r Root) WorkingSet { ws.staged = r; return ws.fresh() }

// WithMerge returns ws recording merge state m. m.Conflicts must be sorted by folded
// table name without duplicates (SortConflicts), or the working set's chunk will not
// decode.
func (ws WorkingSet) WithMerge(m MergeState) WorkingSet { ws.merge = &m; return ws.fresh() }

// SortConflicts sorts cs by folded table name, in place, and returns it.
func SortConflicts(cs []TableConflicts) []TableConflicts {
	slices.SortFunc(cs, func(a, b TableConflicts) int { return strings.Compare(foldName(a.Table), foldName(b.Table)) })
	return cs
}

// SortSchemaConflicts sorts cs by folded table name, in place, and returns it.
func SortSchemaConflicts(cs []SchemaConflict) []SchemaConflict {
	slices.SortFunc(cs, func(a, b SchemaConflict) int { return strings.Compare(foldName(a.Table), foldName(b.Table)) })
	return cs
}

// SortViolations sorts vs by folded table name, in place, and returns it.
func SortViolations(vs []TableViolations) []TableViolations {
	slices.SortFunc(vs, func(a, b TableViolations) int { return strings.Compare(foldName(a.Table), foldName(b.Table)) })
	return vs
}

// Unresolved reports whether m still has row conflicts, schema conflicts or constraint
// violations (a merge state with any cannot be committed).
func (m MergeState) Unresolved() bool {
	return len(m.Conflicts) > 0 || len(m.SchemaConflicts) > 0 || len(m.Violations) > 0
}

// ClearMerge returns ws with no merge in progress.
func (ws WorkingSet) ClearMerge() WorkingSet { ws.merge = nil; return ws.fresh() }

func (ws WorkingSet) data() workingSetData {
	return workingSetData{working: ws.working.Hash(), staged: ws.staged.Hash(), merge: ws.merge}
}

// Chunk returns the working set's encoded chunk. Its Data must not be modified.
func (ws WorkingSet) Chunk() storage.Chunk {
	if ws.memo == nil {
		return storage.NewChunk(encodeWorkingSetData(ws.data()))
	}
	ws.memo.once.Do(func() { ws.memo.c = storage.NewChunk(encodeWorkingSetData(ws.data())) })
	return ws.memo.c
}

// Hash returns the working set's address: equal working sets have equal hashes.
func (ws WorkingSet) Hash() hash.Hash { return ws.Chunk().Hash }

func loadWorkingSet(ctx context.Context, r *Repo, h hash.Hash) (WorkingSet, error) {
	data, err := r.store.Get(ctx, h)
	if err != nil {
		return WorkingSet{}, err
	}
	wd, err := decodeWorkingSetData(data)
	if err != nil {
		return WorkingSet{}, err
	}
	ws := WorkingSet{merge: wd.merge}.fresh()
	if ws.working, err = loadRoot(ctx, r.ns, wd.working); err != nil {
		return WorkingSet{}, err
	}
	if ws.staged, err = loadRoot(ctx, r.ns, wd.staged); err != nil {
		return WorkingSet{}, err
	}
	return ws, nil
}
