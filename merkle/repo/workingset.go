package repo

import (
	"context"

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
}

// MergeState records a merge in progress (conflicts to resolve before committing): the
// commit being merged in and the working root before the merge started (for
// `merge --abort`). Conflict and constraint-violation tables will be rows of system
// tables in the working root, so nothing more is needed here.
type MergeState struct {
	Commit          hash.Hash // the commit being merged
	PreMergeWorking hash.Hash // the working root before the merge
}

// Working-set chunk (kind 0xC5):
//
//	+------+--------------+-------------+-------+-------------------------------------+
//	| 0xC5 | working root | staged root | merge | if merge = 1: merged commit 20 B |   |
//	|      | 20 B         | 20 B        | 1 B   |               pre-merge root 20 B   |
//	+------+--------------+-------------+-------+-------------------------------------+
//
// merge is 0 (no merge in progress) or 1. Child hashes: working root, staged root, and
// during a merge the merged commit and the pre-merge root.

type workingSetData struct {
	working, staged hash.Hash
	merge           *MergeState
}

func encodeWorkingSetData(wd workingSetData) []byte {
	e := newEncoder(KindWorkingSet)
	e.hash(wd.working)
	e.hash(wd.staged)
	e.bool(wd.merge != nil)
	if wd.merge != nil {
		e.hash(wd.merge.Commit)
		e.hash(wd.merge.PreMergeWorking)
	}
	return e.b
}

func decodeWorkingSetData(chunk []byte) (workingSetData, error) {
	d := newDecoder(chunk, KindWorkingSet)
	wd := workingSetData{working: d.hash(), staged: d.hash()}
	if d.bool() {
		wd.merge = &MergeState{Commit: d.hash(), PreMergeWorking: d.hash()}
	}
	return wd, d.finish(func() []byte { return encodeWorkingSetData(wd) })
}

// NewWorkingSet returns the working set with the given roots and no merge in progress.
func NewWorkingSet(working, staged Root) WorkingSet {
	return WorkingSet{working: working, staged: staged}
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
func (ws WorkingSet) WithWorking(r Root) WorkingSet { ws.working = r; return ws }

// WithStaged returns ws with staged root r.
func (ws WorkingSet) WithStaged(r Root) WorkingSet { ws.staged = r; return ws }

// WithMerge returns ws recording merge state m.
func (ws WorkingSet) WithMerge(m MergeState) WorkingSet { ws.merge = &m; return ws }

// ClearMerge returns ws with no merge in progress.
func (ws WorkingSet) ClearMerge() WorkingSet { ws.merge = nil; return ws }

func (ws WorkingSet) data() workingSetData {
	return workingSetData{working: ws.working.Hash(), staged: ws.staged.Hash(), merge: ws.merge}
}

// Chunk returns the working set's encoded chunk. Its Data must not be modified.
func (ws WorkingSet) Chunk() storage.Chunk { return storage.NewChunk(encodeWorkingSetData(ws.data())) }

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
	ws := WorkingSet{merge: wd.merge}
	if ws.working, err = loadRoot(ctx, r.ns, wd.working); err != nil {
		return WorkingSet{}, err
	}
	if ws.staged, err = loadRoot(ctx, r.ns, wd.staged); err != nil {
		return WorkingSet{}, err
	}
	return ws, nil
}
