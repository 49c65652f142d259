package repo

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/ref"
	"github.com/dsqldb/dsql/storage"
)

// headRef records the branch the repository has checked out (the CLI's current branch and
// the default branch of new SQL sessions). It points to a head chunk.
const headRef = ref.Name(ref.InternalPrefix + "HEAD")

// Head chunk (kind 0xC7):
//
//	+------+-------------+
//	| 0xC7 | branch name |
//	|      | str         |
//	+------+-------------+
//
// The name is a valid branch name (ref.ValidateBranchName), without refs/heads/. No child
// hashes: HEAD names a branch, not a commit, so it keeps nothing alive by itself.

func encodeHead(branch string) []byte {
	e := newEncoder(KindHead)
	e.str(branch)
	return e.b
}

func decodeHead(chunk []byte) (string, error) {
	d := newDecoder(chunk, KindHead)
	name := d.str()
	if d.err == nil {
		if err := ref.ValidateBranchName(name); err != nil {
			d.fail("%v", err)
		}
	}
	if err := d.finish(func() []byte { return encodeHead(name) }); err != nil {
		return "", err
	}
	return name, nil
}

func headChunk(branch string) storage.Chunk { return storage.NewChunk(encodeHead(branch)) }

// Head returns the branch the repository has checked out: the branch `dsql` CLI verbs act
// on and the default branch of new SQL sessions. It is the branch SetHead (or Init)
// recorded. Repositories created before HEAD was recorded fall back to DefaultBranch if
// it exists, else the first branch by name. ErrNotInitialized if there is no branch.
//
// HEAD always names an existing branch when it is changed only through this package:
// SetHead requires the branch to exist, RenameBranch moves HEAD along, and DeleteBranch
// refuses to delete HEAD's branch (ErrCurrentBranch).
func (r *Repo) Head(ctx context.Context) (string, error) {
	name, _, err := r.head(ctx)
	return name, err
}

// head returns the checked-out branch and the hash headRef holds (zero if the ref does
// not exist and the branch comes from the fallback).
func (r *Repo) head(ctx context.Context) (string, hash.Hash, error) {
	h, ok, err := r.store.Ref(ctx, headRef.String())
	if err != nil {
		return "", hash.Hash{}, fmt.Errorf("repo: reading HEAD: %w", err)
	}
	if ok {
		data, err := r.store.Get(ctx, h)
		if err != nil {
			return "", hash.Hash{}, fmt.Errorf("repo: reading HEAD: %w", err)
		}
		name, err := decodeHead(data)
		if err != nil {
			return "", hash.Hash{}, fmt.Errorf("repo: reading HEAD: %w", err)
		}
		return name, h, nil
	}
	branches, err := r.Branches(ctx)
	if err != nil {
		return "", hash.Hash{}, err
	}
	if len(branches) == 0 {
		return "", hash.Hash{}, fmt.Errorf("%w: no branches; run `dsql init` first", ErrNotInitialized)
	}
	if slices.Contains(branches, DefaultBranch) {
		return DefaultBranch, hash.Hash{}, nil
	}
	return branches[0], hash.Hash{}, nil
}

// SetHead checks out branch: Head returns it from now on, durably (one synced
// storage.Commit). The branch must exist (ErrBranchNotFound); the check and the change are
// one atomic compare-and-swap, so a concurrent DeleteBranch cannot leave HEAD dangling.
func (r *Repo) SetHead(ctx context.Context, branch string) error {
	b, _, err := branchRefs(branch)
	if err != nil {
		return err
	}
	c := headChunk(branch)
	return retryCAS(ctx, fmt.Sprintf("checking out %q", branch), func() error {
		bh, ok, err := r.store.Ref(ctx, b.String())
		if err != nil {
			return fmt.Errorf("repo: reading branch %q: %w", branch, err)
		}
		if !ok {
			return fmt.Errorf("%w: %q; see `dsql branch` for the branches that exist", ErrBranchNotFound, branch)
		}
		_, cur, err := r.head(ctx)
		if err != nil {
			return err
		}
		return commitErr(fmt.Sprintf("checking out %q", branch), r.store.Commit(ctx, []storage.Chunk{c}, []storage.RefUpdate{
			{Name: headRef.String(), Old: cur, New: c.Hash},
			{Name: b.String(), Old: bh, New: bh}, // the branch still exists
		}))
	})
}

// maxCASAttempts bounds the internal read-modify-CAS loops of operations that are safe to
// redo from a fresh read (SetHead, UpdateConfig, CopyBranch).
const maxCASAttempts = 100

// retryCAS runs attempt until it fails with anything but storage.ErrRefConflict (or
// succeeds), at most maxCASAttempts times; then the error wraps ErrConflict. attempt
// returns storage.Commit's conflict unwrapped-or-wrapped as it likes; other errors are
// returned as they are, so attempt gives them context.
func retryCAS(ctx context.Context, what string, attempt func() error) error {
	for range maxCASAttempts {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := attempt(); !errors.Is(err, storage.ErrRefConflict) {
			return err
		}
	}
	return fmt.Errorf("%w: %s: refs kept changing after %d attempts; retry", ErrConflict, what, maxCASAttempts)
}

// commitErr gives a storage.Commit error context, leaving conflicts recognisable.
func commitErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("repo: %s: %w", what, err)
}
