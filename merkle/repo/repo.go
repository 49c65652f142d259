package repo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/ref"
	"github.com/dsqldb/dsql/storage"
)

// DefaultBranch is the branch Init creates.
const DefaultBranch = "main"

// InitMessage is the message of the initial commit.
const InitMessage = "Initialize data repository"

// Repo is a repository in a storage.Store: branches, tags and working sets as refs,
// commits, roots and tables as chunks.
//
// A Repo is safe for concurrent use by many goroutines: it keeps no mutable state of its
// own, and every ref change is a compare-and-swap through storage.Commit. It does not own
// the store; the caller closes the store after the last use of the Repo.
type Repo struct {
	store storage.Store
	ns    *prolly.NodeStore
}

// Options tunes a Repo.
type Options struct {
	// CacheBytes bounds the decoded-node cache (0: prolly.DefaultCacheBytes).
	CacheBytes int
}

func newRepo(store storage.Store, opts Options) *Repo {
	return &Repo{store: store, ns: prolly.NewNodeStore(store, opts.CacheBytes)}
}

// Init creates a repository in an empty store: an empty Root, the initial commit
// (InitMessage, author as author and committer; a zero author.Time means now), branch
// DefaultBranch at it, its working set (working = staged = the empty root) and HEAD naming
// it, all in one storage.Commit. ErrAlreadyInitialized if the store already holds refs.
// InitWith chooses another initial branch.
func Init(ctx context.Context, store storage.Store, author Signature, opts ...Options) (*Repo, error) {
	return InitWith(ctx, store, author, InitOptions{Options: firstOpt(opts)})
}

// InitOptions configures InitWith.
type InitOptions struct {
	// Branch is the initial branch, which HEAD names (`dsql init -b NAME`); "" means
	// DefaultBranch. It must pass ref.ValidateBranchName.
	Branch string
	// Options tunes the returned Repo.
	Options Options
}

// InitWith is Init with options: the initial branch is opts.Branch.
func InitWith(ctx context.Context, store storage.Store, author Signature, opts InitOptions) (*Repo, error) {
	name := opts.Branch
	if name == "" {
		name = DefaultBranch
	}
	branch, wsRef, err := branchRefs(name)
	if err != nil {
		return nil, fmt.Errorf("repo: init: %w", err)
	}
	existing, err := store.Refs(ctx, "refs/")
	if err != nil {
		return nil, fmt.Errorf("repo: init: %w", err)
	}
	if len(existing) > 0 {
		return nil, fmt.Errorf("%w: it has %d refs (e.g. %s); open it instead", ErrAlreadyInitialized, len(existing), existing[0].Name)
	}
	r := newRepo(store, opts.Options)
	if author.Time.IsZero() {
		author.Time = time.Now()
	}
	root, err := EmptyRoot(ctx, r.ns)
	if err != nil {
		return nil, err
	}
	c, err := NewCommit(root.Hash(), nil, author, author, InitMessage)
	if err != nil {
		return nil, err
	}
	ws := NewWorkingSet(root, root)
	wsChunk := ws.Chunk()
	head := headChunk(name)
	err = store.Commit(ctx, []storage.Chunk{c.Chunk(), wsChunk, head}, []storage.RefUpdate{
		{Name: branch.String(), New: c.Hash()},
		{Name: wsRef.String(), New: wsChunk.Hash},
		{Name: headRef.String(), New: head.Hash},
	})
	if errors.Is(err, storage.ErrRefConflict) {
		return nil, fmt.Errorf("%w: another process initialized it concurrently", ErrAlreadyInitialized)
	}
	if err != nil {
		return nil, fmt.Errorf("repo: init: %w", err)
	}
	return r, nil
}

func firstOpt(opts []Options) Options {
	if len(opts) > 0 {
		return opts[0]
	}
	return Options{}
}

// refsOf returns the branch and working-set refs of a valid branch name.
func refsOf(branch string) (ref.Name, ref.Name) {
	return ref.Name(ref.HeadsPrefix + branch), ref.Name(ref.WorkingSetsPrefix + branch)
}

// Open returns the repository in store; ErrNotInitialized if the store has no branch.
func Open(ctx context.Context, store storage.Store, opts ...Options) (*Repo, error) {
	heads, err := store.Refs(ctx, ref.HeadsPrefix)
	if err != nil {
		return nil, fmt.Errorf("repo: open: %w", err)
	}
	if len(heads) == 0 {
		return nil, fmt.Errorf("%w: no branches; run `dsql init` first", ErrNotInitialized)
	}
	return newRepo(store, firstOpt(opts)), nil
}

// Store returns the underlying store.
func (r *Repo) Store() storage.Store { return r.store }

// NodeStore returns the NodeStore tables are read and written through.
func (r *Repo) NodeStore() *prolly.NodeStore { return r.ns }

// Branches returns the names of every branch, sorted.
func (r *Repo) Branches(ctx context.Context) ([]string, error) {
	refs, err := r.store.Refs(ctx, ref.HeadsPrefix)
	if err != nil {
		return nil, fmt.Errorf("repo: listing branches: %w", err)
	}
	names := make([]string, len(refs))
	for i, rf := range refs {
		names[i] = ref.Name(rf.Name).Short()
	}
	return names, nil
}

// branchRefs validates a branch name and returns its refs.
func branchRefs(name string) (ref.Name, ref.Name, error) {
	if err := ref.ValidateBranchName(name); err != nil {
		return "", "", err
	}
	b, ws := refsOf(name)
	return b, ws, nil
}

// Branch returns the head commit of the named branch; ErrBranchNotFound if it does not
// exist.
func (r *Repo) Branch(ctx context.Context, name string) (Commit, error) {
	b, _, err := branchRefs(name)
	if err != nil {
		return Commit{}, err
	}
	h, ok, err := r.store.Ref(ctx, b.String())
	if err != nil {
		return Commit{}, fmt.Errorf("repo: reading branch %q: %w", name, err)
	}
	if !ok {
		return Commit{}, fmt.Errorf("%w: %q", ErrBranchNotFound, name)
	}
	return r.Commit(ctx, h)
}

// Commit reads the commit with address h.
func (r *Repo) Commit(ctx context.Context, h hash.Hash) (Commit, error) {
	data, err := r.store.Get(ctx, h)
	if err != nil {
		return Commit{}, fmt.Errorf("repo: reading commit %s: %w", h, err)
	}
	return decodeCommit(data)
}

// Root reads the root with address h.
func (r *Repo) Root(ctx context.Context, h hash.Hash) (Root, error) {
	return loadRoot(ctx, r.ns, h)
}

// WorkingSet returns the working set of the named branch; ErrBranchNotFound if the branch
// has none.
func (r *Repo) WorkingSet(ctx context.Context, branch string) (WorkingSet, error) {
	_, wsRef, err := branchRefs(branch)
	if err != nil {
		return WorkingSet{}, err
	}
	h, ok, err := r.store.Ref(ctx, wsRef.String())
	if err != nil {
		return WorkingSet{}, fmt.Errorf("repo: reading working set of %q: %w", branch, err)
	}
	if !ok {
		return WorkingSet{}, fmt.Errorf("%w: %q has no working set", ErrBranchNotFound, branch)
	}
	ws, err := loadWorkingSet(ctx, r, h)
	if err != nil {
		return WorkingSet{}, fmt.Errorf("repo: working set of %q: %w", branch, err)
	}
	return ws, nil
}

// UpdateWorkingSet replaces the working set of branch, which must still be old, with new,
// durably (one synced storage.Commit with new's chunk; the roots new reaches were Put
// when they were built). If the working set is no longer old, nothing changes and the
// error wraps ErrConflict: reload, redo the change, retry.
func (r *Repo) UpdateWorkingSet(ctx context.Context, branch string, old, new WorkingSet) error {
	_, wsRef, err := branchRefs(branch)
	if err != nil {
		return err
	}
	c := new.Chunk()
	err = r.store.Commit(ctx, []storage.Chunk{c}, []storage.RefUpdate{{Name: wsRef.String(), Old: old.Hash(), New: c.Hash}})
	if errors.Is(err, storage.ErrRefConflict) {
		return fmt.Errorf("%w: the working set of branch %q changed since it was read; reload it and retry", ErrConflict, branch)
	}
	if err != nil {
		return fmt.Errorf("repo: updating working set of %q: %w", branch, err)
	}
	return nil
}

// CreateBranch creates branch name at commit at, with a working set whose working and
// staged roots are at's root, in one storage.Commit. If the branch exists the error wraps
// both ErrBranchExists and ErrConflict.
//
// CommitWorkingSet follows the same pattern: one storage.Commit carrying the new Commit
// and WorkingSet chunks, moving refs/heads/<b> from the old head to the new commit and
// refs/workingsets/heads/<b> from the old working set to the new one, both as
// compare-and-swaps, so a commit never lands without its working set or vice versa.
func (r *Repo) CreateBranch(ctx context.Context, name string, at Commit) error {
	b, wsRef, err := branchRefs(name)
	if err != nil {
		return err
	}
	root, err := r.Root(ctx, at.RootHash())
	if err != nil {
		return err
	}
	ws := NewWorkingSet(root, root).Chunk()
	err = r.store.Commit(ctx, []storage.Chunk{at.Chunk(), ws}, []storage.RefUpdate{
		{Name: b.String(), New: at.Hash()},
		{Name: wsRef.String(), New: ws.Hash},
	})
	if errors.Is(err, storage.ErrRefConflict) {
		if _, ok, rerr := r.store.Ref(ctx, b.String()); rerr == nil && !ok {
			return fmt.Errorf("%w: branch %q has a working set but no head ref; delete it with `dsql branch -D %s` and retry", ErrConflict, name, name)
		}
		return &multiError{
			msg:  fmt.Sprintf("repo: branch %q already exists; choose another name or delete it first with `dsql branch -d %s`", name, name),
			errs: []error{ErrBranchExists, ErrConflict},
		}
	}
	if err != nil {
		return fmt.Errorf("repo: creating branch %q: %w", name, err)
	}
	return nil
}
