package session

import (
	"context"
	"runtime"
	"sync"
	"weak"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/ref"
	"github.com/dsqldb/dsql/merkle/repo"
)

// workingSets caches, per (repository, branch), the last working set this process read or
// committed, so that an autocommit statement's snapshot (and its commit's re-read) costs
// one ref read instead of a ref read, the working-set chunk and both roots.
//
// It never serves a stale working set: the ref is the source of truth and is read on every
// load; the cached value is used only if its hash equals the ref's current value. A
// working set is an immutable, content-addressed value, so equal hashes mean the cached
// value is exactly what loading the chunk would give. Any other value (another process,
// another session's commit through a different path) is a mismatch, and the working set is
// reloaded and cached. Commits made here (commitDB) store their new working set after the
// compare-and-swap succeeds, so the next statement hits.
var workingSets = &wsCache{m: map[wsKey]wsEntry{}}

type wsCache struct {
	mu sync.Mutex
	m  map[wsKey]wsEntry
	// repos holds the repositories with a cleanup registered (which drops their entries
	// once the Repo is garbage: keys are weak, entries never keep a Repo alive).
	repos map[weak.Pointer[repo.Repo]]struct{}
}

type wsKey struct {
	r      weak.Pointer[repo.Repo]
	branch string
}

type wsEntry struct {
	h  hash.Hash
	ws repo.WorkingSet
}

// load returns the current working set of branch in r.
func (c *wsCache) load(ctx context.Context, r *repo.Repo, branch string) (repo.WorkingSet, error) {
	name, err := ref.NewWorkingSet(branch)
	if err != nil {
		return r.WorkingSet(ctx, branch) // the same error, worded by repo
	}
	h, ok, err := r.Store().Ref(ctx, name.String())
	if err != nil || !ok {
		return r.WorkingSet(ctx, branch)
	}
	key := wsKey{r: weak.Make(r), branch: branch}
	c.mu.Lock()
	e, hit := c.m[key]
	c.mu.Unlock()
	if hit && e.h == h {
		return e.ws, nil
	}
	ws, err := r.WorkingSet(ctx, branch)
	if err != nil {
		return repo.WorkingSet{}, err
	}
	c.put(r, branch, ws)
	return ws, nil
}

// put records ws as the working set of branch in r, as read or as just committed by a
// successful compare-and-swap.
func (c *wsCache) put(r *repo.Repo, branch string, ws repo.WorkingSet) {
	wp := weak.Make(r)
	e := wsEntry{h: ws.Hash(), ws: ws}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.repos == nil {
		c.repos = map[weak.Pointer[repo.Repo]]struct{}{}
	}
	if _, ok := c.repos[wp]; !ok {
		c.repos[wp] = struct{}{}
		runtime.AddCleanup(r, c.drop, wp)
	}
	c.m[wsKey{r: wp, branch: branch}] = e
}

// drop forgets every entry of a repository that is garbage.
func (c *wsCache) drop(wp weak.Pointer[repo.Repo]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.repos, wp)
	for k := range c.m {
		if k.r == wp {
			delete(c.m, k)
		}
	}
}
