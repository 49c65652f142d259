package repo

import (
	"context"
	"errors"
	"fmt"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// CommitWorkingSet moves branch to commit head and its working set to newWS in one synced
// storage.Commit that carries head's and newWS's chunks (the roots they reach were Put
// when they were built; head's parents are already durable). Both ref moves are
// compare-and-swaps: refs/heads/<branch> must still hold oldHead and
// refs/workingsets/heads/<branch> must still hold oldWS.Hash(). If either moved, nothing
// changes and the error wraps ErrConflict: reload both, redo the change, retry.
//
// It is the one way a branch's history advances (commit, merge commit, fast-forward,
// reset --hard to another commit), so a commit never lands without its working set or
// the other way round.
func (r *Repo) CommitWorkingSet(ctx context.Context, branch string, oldHead hash.Hash, head Commit, oldWS, newWS WorkingSet) error {
	b, wsRef, err := branchRefs(branch)
	if err != nil {
		return err
	}
	if head.Hash().IsEmpty() {
		return fmt.Errorf("%w: CommitWorkingSet of a zero Commit", ErrInvalid)
	}
	ws := newWS.Chunk()
	err = r.store.Commit(ctx, []storage.Chunk{head.Chunk(), ws}, []storage.RefUpdate{
		{Name: b.String(), Old: oldHead, New: head.Hash()},
		{Name: wsRef.String(), Old: oldWS.Hash(), New: ws.Hash},
	})
	if errors.Is(err, storage.ErrRefConflict) {
		return fmt.Errorf("%w: branch %q or its working set changed since they were read; reload them and retry", ErrConflict, branch)
	}
	if err != nil {
		return fmt.Errorf("repo: committing to branch %q: %w", branch, err)
	}
	return nil
}

// branchState is what the refs of one branch hold now (zero hashes for absent refs).
type branchState struct {
	head, ws hash.Hash
}

func (s branchState) exists() bool { return !s.head.IsEmpty() }

func (r *Repo) branchState(ctx context.Context, name string) (branchState, error) {
	b, wsRef, err := branchRefs(name)
	if err != nil {
		return branchState{}, err
	}
	var st branchState
	if st.head, _, err = r.store.Ref(ctx, b.String()); err != nil {
		return branchState{}, fmt.Errorf("repo: reading branch %q: %w", name, err)
	}
	if st.ws, _, err = r.store.Ref(ctx, wsRef.String()); err != nil {
		return branchState{}, fmt.Errorf("repo: reading working set of %q: %w", name, err)
	}
	return st, nil
}

// DeleteBranch removes branch name and its working set in one storage.Commit (both as
// compare-and-swaps of the values just read, so a commit landing meanwhile makes it fail
// with ErrConflict rather than be deleted unseen). ErrBranchNotFound if it does not
// exist; ErrCurrentBranch if HEAD names it. Whether the branch is merged is the caller's
// check (see IsAncestor). The deleted commits stay readable until garbage collection.
func (r *Repo) DeleteBranch(ctx context.Context, name string) error {
	b, wsRef, err := branchRefs(name)
	if err != nil {
		return err
	}
	st, err := r.branchState(ctx, name)
	if err != nil {
		return err
	}
	if !st.exists() && st.ws.IsEmpty() {
		return fmt.Errorf("%w: %q; see `dsql branch` for the branches that exist", ErrBranchNotFound, name)
	}
	cur, headHash, err := r.head(ctx)
	if err != nil {
		return err
	}
	if cur == name {
		return fmt.Errorf("%w: cannot delete branch %q: it is checked out; check out another branch first", ErrCurrentBranch, name)
	}
	chunks, up := headUpdate(cur, headHash, cur) // HEAD still names another branch
	err = r.store.Commit(ctx, chunks, []storage.RefUpdate{
		{Name: b.String(), Old: st.head},
		{Name: wsRef.String(), Old: st.ws},
		up,
	})
	if errors.Is(err, storage.ErrRefConflict) {
		return fmt.Errorf("%w: branch %q (or HEAD) changed while it was being deleted; check it and retry", ErrConflict, name)
	}
	if err != nil {
		return fmt.Errorf("repo: deleting branch %q: %w", name, err)
	}
	return nil
}

// RenameBranch moves branch old, with its working set, to the name new in one
// storage.Commit (like `git branch -m`); if HEAD names old it names new afterwards. If new
// exists the error wraps ErrBranchExists, unless force, which overwrites it (`git branch
// -M`), except that the branch HEAD names is never overwritten (ErrCurrentBranch).
// ErrBranchNotFound if old does not exist. If a ref involved changes concurrently the
// rename is redone from a fresh read (ErrConflict only if that keeps failing). Renaming a
// branch to itself changes nothing.
func (r *Repo) RenameBranch(ctx context.Context, old, new string, force bool) error {
	return r.moveBranch(ctx, old, new, force, true)
}

// CopyBranch creates branch to at from's head with a copy of from's working set
// (uncommitted changes included), like `git branch -c`, in one storage.Commit. If to
// exists the error wraps ErrBranchExists, unless force, which overwrites it (except the
// branch HEAD names: ErrCurrentBranch). ErrBranchNotFound if from does not exist. The
// head and working set copied are a consistent pair: the copy is retried if from changes
// while it is read.
func (r *Repo) CopyBranch(ctx context.Context, from, to string, force bool) error {
	return r.moveBranch(ctx, from, to, force, false)
}

// moveBranch implements RenameBranch (remove = true) and CopyBranch.
func (r *Repo) moveBranch(ctx context.Context, from, to string, force, remove bool) error {
	verb := "copy"
	if remove {
		verb = "rename"
	}
	fromRef, fromWS, err := branchRefs(from)
	if err != nil {
		return err
	}
	toRef, toWS, err := branchRefs(to)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("%s branch %q to %q", verb, from, to)
	return retryCAS(ctx, what, func() error {
		src, err := r.branchState(ctx, from)
		if err != nil {
			return err
		}
		if !src.exists() {
			return fmt.Errorf("%w: %q; see `dsql branch` for the branches that exist", ErrBranchNotFound, from)
		}
		if from == to {
			if remove {
				return nil
			}
			return fmt.Errorf("%w: cannot copy branch %q onto itself", ErrBranchExists, from)
		}
		dst, err := r.branchState(ctx, to)
		if err != nil {
			return err
		}
		cur, headHash, err := r.head(ctx)
		if err != nil {
			return err
		}
		if dst.exists() || !dst.ws.IsEmpty() {
			if !force {
				return fmt.Errorf("%w: cannot %s: branch %q already exists; choose another name or use --force to overwrite it",
					ErrBranchExists, what, to)
			}
			if cur == to {
				return fmt.Errorf("%w: cannot %s: branch %q is checked out; check out another branch first", ErrCurrentBranch, what, to)
			}
		}
		ups := []storage.RefUpdate{
			{Name: toRef.String(), Old: dst.head, New: src.head},
			{Name: toWS.String(), Old: dst.ws, New: src.ws},
		}
		if remove {
			ups = append(ups,
				storage.RefUpdate{Name: fromRef.String(), Old: src.head},
				storage.RefUpdate{Name: fromWS.String(), Old: src.ws})
		} else {
			ups = append(ups,
				storage.RefUpdate{Name: fromRef.String(), Old: src.head, New: src.head},
				storage.RefUpdate{Name: fromWS.String(), Old: src.ws, New: src.ws})
		}
		newHead := cur
		if remove && cur == from {
			newHead = to
		}
		chunks, up := headUpdate(cur, headHash, newHead)
		return commitErr(what, r.store.Commit(ctx, chunks, append(ups, up)))
	})
}

// headUpdate returns the chunks and ref update that make HEAD name next, given that it
// names cur now through headRef holding curHash (zero: no ref, cur is the fallback). The
// update is a compare-and-swap even when HEAD does not change, so the caller's decision
// based on cur stays valid; a repository without the ref gets it pinned, so that the
// fallback cannot silently switch to another branch after branches change.
func headUpdate(cur string, curHash hash.Hash, next string) ([]storage.Chunk, storage.RefUpdate) {
	if next == cur && !curHash.IsEmpty() {
		return nil, storage.RefUpdate{Name: headRef.String(), Old: curHash, New: curHash}
	}
	c := headChunk(next)
	return []storage.Chunk{c}, storage.RefUpdate{Name: headRef.String(), Old: curHash, New: c.Hash}
}
