package merge

import (
	"context"
	"errors"
	"fmt"

	"github.com/dsqldb/dsql/merkle/repo"
)

// ErrMergeCommit refuses to cherry-pick or revert a merge commit (which parent's change
// it means is ambiguous).
var ErrMergeCommit = errors.New("merge: cannot cherry-pick or revert a merge commit")

// Pick is the outcome of CherryPick or Revert: the merge Result on top of ours, and the
// base and theirs roots it was made from (for Result.State and PickState).
type Pick struct {
	Result
	Base, Theirs repo.Root
}

// CherryPick applies the change commit c made (from its parent's root to its root) to
// ours: a three-way merge with base = c's parent's root (an empty root for a root
// commit) and theirs = c's root, with the same rules, conflicts and errors as Merge.
func CherryPick(ctx context.Context, r *repo.Repo, ours repo.Root, c repo.Commit, opts ...Options) (Pick, error) {
	parent, err := parentRoot(ctx, r, c)
	if err != nil {
		return Pick{}, err
	}
	self, err := r.Root(ctx, c.RootHash())
	if err != nil {
		return Pick{}, err
	}
	return pick(ctx, parent, ours, self, opts...)
}

// Revert undoes the change commit c made on top of ours: a three-way merge with base =
// c's root and theirs = c's parent's root (an empty root for a root commit).
func Revert(ctx context.Context, r *repo.Repo, ours repo.Root, c repo.Commit, opts ...Options) (Pick, error) {
	parent, err := parentRoot(ctx, r, c)
	if err != nil {
		return Pick{}, err
	}
	self, err := r.Root(ctx, c.RootHash())
	if err != nil {
		return Pick{}, err
	}
	return pick(ctx, self, ours, parent, opts...)
}

func pick(ctx context.Context, base, ours, theirs repo.Root, opts ...Options) (Pick, error) {
	res, err := Merge(ctx, base, ours, theirs, opts...)
	if err != nil {
		return Pick{}, err
	}
	return Pick{Result: res, Base: base, Theirs: theirs}, nil
}

func parentRoot(ctx context.Context, r *repo.Repo, c repo.Commit) (repo.Root, error) {
	switch ps := c.Parents(); len(ps) {
	case 0:
		return repo.EmptyRoot(ctx, r.NodeStore())
	case 1:
		p, err := r.Commit(ctx, ps[0])
		if err != nil {
			return repo.Root{}, err
		}
		return r.Root(ctx, p.RootHash())
	default:
		return repo.Root{}, fmt.Errorf("%w: %s has %d parents", ErrMergeCommit, c.Hash(), len(ps))
	}
}

// PickState returns the merge state recording p's conflicts for a cherry-pick or revert
// on top of head, and the commit it names as the one being merged: a commit made for
// the purpose, with p.Theirs as its root and head as its only parent, signed and
// described by the given values. Its chunk is put in r's store (it becomes durable with
// the working set that references it). LoadConflicts reads theirs from that commit's
// root; IsPickState recognises the state.
func PickState(ctx context.Context, r *repo.Repo, p Pick, head repo.Commit, ours repo.Root, author, committer repo.Signature, msg string) (repo.MergeState, error) {
	c, err := repo.NewCommit(p.Theirs.Hash(), []repo.Commit{head}, author, committer, msg)
	if err != nil {
		return repo.MergeState{}, err
	}
	if err := r.Store().Put(ctx, c.Chunk()); err != nil {
		return repo.MergeState{}, err
	}
	return p.State(c.Hash(), ours, p.Base), nil
}

// IsPickState reports whether ms, the merge state of a branch whose head is head, was
// made by a cherry-pick or revert (PickState) rather than a merge: its commit's only
// parent is head. (A merge of a commit whose parent is head never leaves conflicts:
// ours equals the base.) Concluding such a state makes an ordinary one-parent commit,
// so its merge state is dropped once its last conflict is resolved.
func IsPickState(ctx context.Context, r *repo.Repo, head repo.Commit, ms repo.MergeState) (bool, error) {
	c, err := r.Commit(ctx, ms.Commit)
	if err != nil {
		return false, err
	}
	ps := c.Parents()
	return len(ps) == 1 && ps[0] == head.Hash(), nil
}
