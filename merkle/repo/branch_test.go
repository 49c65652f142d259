package repo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dsqldb/dsql/merkle/ref"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// branchSnapshot is what a test expects of one branch.
type branchSnapshot struct {
	head, ws string // hash texts
}

func snapshot(t *testing.T, r *Repo, name string) branchSnapshot {
	t.Helper()
	ctx := context.Background()
	c, err := r.Branch(ctx, name)
	if err != nil {
		t.Fatalf("branch %s: %v", name, err)
	}
	ws, err := r.WorkingSet(ctx, name)
	if err != nil {
		t.Fatalf("working set %s: %v", name, err)
	}
	return branchSnapshot{c.Hash().String(), ws.Hash().String()}
}

// addUncommitted puts a table into branch's working set without committing it.
func addUncommitted(t *testing.T, r *Repo, branch, table string) {
	t.Helper()
	ctx := context.Background()
	ws, err := r.WorkingSet(ctx, branch)
	if err != nil {
		t.Fatal(err)
	}
	root, err := ws.Working().PutTable(ctx, newSimpleTable(t, r.NodeStore(), table, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.UpdateWorkingSet(ctx, branch, ws, ws.WithWorking(root)); err != nil {
		t.Fatal(err)
	}
}

// TestBranchManagement checks DeleteBranch, RenameBranch and CopyBranch against the
// expected refs after each step (Branch atomicity; HEAD names a branch that exists).
func TestBranchManagement(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, open func() storage.Store) {
		s := open()
		r := mustInit(t, s)
		commitTable(t, r, "main", "a", testAuthor.Time.Add(time.Minute))
		if err := r.CreateBranch(ctx, "dev", mustBranch(t, r, "main")); err != nil {
			t.Fatal(err)
		}
		commitTable(t, r, "dev", "d", testAuthor.Time.Add(2*time.Minute))
		addUncommitted(t, r, "dev", "wip")
		dev := snapshot(t, r, "dev")
		main := snapshot(t, r, "main")

		type step struct {
			name string
			do   func() error
			err  error
			msg  string
			// after the step (whether or not it failed)
			branches []string
			head     string
			want     map[string]branchSnapshot
		}
		steps := []step{
			{name: "copy dev to feat", do: func() error { return r.CopyBranch(ctx, "dev", "feat", false) },
				branches: []string{"dev", "feat", "main"}, head: "main", want: map[string]branchSnapshot{"feat": dev, "dev": dev}},
			{name: "copy onto existing", do: func() error { return r.CopyBranch(ctx, "main", "feat", false) }, err: ErrBranchExists, msg: "--force",
				branches: []string{"dev", "feat", "main"}, head: "main", want: map[string]branchSnapshot{"feat": dev}},
			{name: "copy onto existing, forced", do: func() error { return r.CopyBranch(ctx, "main", "feat", true) },
				branches: []string{"dev", "feat", "main"}, head: "main", want: map[string]branchSnapshot{"feat": main, "main": main}},
			{name: "copy onto HEAD's branch, forced", do: func() error { return r.CopyBranch(ctx, "dev", "main", true) }, err: ErrCurrentBranch,
				branches: []string{"dev", "feat", "main"}, head: "main", want: map[string]branchSnapshot{"main": main}},
			{name: "copy missing", do: func() error { return r.CopyBranch(ctx, "nope", "x", false) }, err: ErrBranchNotFound,
				branches: []string{"dev", "feat", "main"}, head: "main"},
			{name: "copy onto itself", do: func() error { return r.CopyBranch(ctx, "dev", "dev", true) }, err: ErrBranchExists,
				branches: []string{"dev", "feat", "main"}, head: "main"},
			{name: "copy to invalid name", do: func() error { return r.CopyBranch(ctx, "dev", "a..b", false) }, err: ref.ErrInvalidName,
				branches: []string{"dev", "feat", "main"}, head: "main"},
			{name: "rename dev to topic/x", do: func() error { return r.RenameBranch(ctx, "dev", "topic/x", false) },
				branches: []string{"feat", "main", "topic/x"}, head: "main", want: map[string]branchSnapshot{"topic/x": dev}},
			{name: "rename onto existing", do: func() error { return r.RenameBranch(ctx, "topic/x", "feat", false) }, err: ErrBranchExists,
				branches: []string{"feat", "main", "topic/x"}, head: "main", want: map[string]branchSnapshot{"topic/x": dev, "feat": main}},
			{name: "rename onto existing, forced", do: func() error { return r.RenameBranch(ctx, "topic/x", "feat", true) },
				branches: []string{"feat", "main"}, head: "main", want: map[string]branchSnapshot{"feat": dev}},
			{name: "rename to itself", do: func() error { return r.RenameBranch(ctx, "feat", "feat", false) },
				branches: []string{"feat", "main"}, head: "main", want: map[string]branchSnapshot{"feat": dev}},
			{name: "rename missing", do: func() error { return r.RenameBranch(ctx, "nope", "x", false) }, err: ErrBranchNotFound,
				branches: []string{"feat", "main"}, head: "main"},
			{name: "rename onto HEAD's branch, forced", do: func() error { return r.RenameBranch(ctx, "feat", "main", true) }, err: ErrCurrentBranch,
				branches: []string{"feat", "main"}, head: "main"},
			{name: "rename HEAD's branch", do: func() error { return r.RenameBranch(ctx, "main", "trunk", false) },
				branches: []string{"feat", "trunk"}, head: "trunk", want: map[string]branchSnapshot{"trunk": main}},
			{name: "delete HEAD's branch", do: func() error { return r.DeleteBranch(ctx, "trunk") }, err: ErrCurrentBranch,
				msg:      `cannot delete branch "trunk": it is checked out; check out another branch first`,
				branches: []string{"feat", "trunk"}, head: "trunk"},
			{name: "delete feat", do: func() error { return r.DeleteBranch(ctx, "feat") },
				branches: []string{"trunk"}, head: "trunk"},
			{name: "delete feat again", do: func() error { return r.DeleteBranch(ctx, "feat") }, err: ErrBranchNotFound,
				branches: []string{"trunk"}, head: "trunk"},
			{name: "create feat again", do: func() error { return r.CreateBranch(ctx, "feat", mustBranch(t, r, "trunk")) },
				branches: []string{"feat", "trunk"}, head: "trunk"},
			{name: "check out feat", do: func() error { return r.SetHead(ctx, "feat") },
				branches: []string{"feat", "trunk"}, head: "feat"},
			{name: "delete trunk", do: func() error { return r.DeleteBranch(ctx, "trunk") },
				branches: []string{"feat"}, head: "feat"},
		}
		for _, st := range steps {
			err := st.do()
			if st.err == nil && err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if st.err != nil && (!errors.Is(err, st.err) || !strings.Contains(err.Error(), st.msg)) {
				t.Fatalf("%s: %v; want %v containing %q", st.name, err, st.err, st.msg)
			}
			if bs, _ := r.Branches(ctx); !slices.Equal(bs, st.branches) {
				t.Fatalf("%s: branches %v, want %v", st.name, bs, st.branches)
			}
			if h, _ := r.Head(ctx); h != st.head {
				t.Fatalf("%s: HEAD %q, want %q", st.name, h, st.head)
			}
			for b, want := range st.want {
				if got := snapshot(t, r, b); got != want {
					t.Fatalf("%s: branch %s = %v, want %v", st.name, b, got, want)
				}
			}
			// no working set without its branch, no branch without its working set
			wss, _ := s.Refs(ctx, ref.WorkingSetsPrefix)
			if len(wss) != len(st.branches) {
				t.Fatalf("%s: %d working sets for %d branches", st.name, len(wss), len(st.branches))
			}
		}
	})
}

// TestBranchOpsPinLegacyHead: in a repository without refs/internal/HEAD, renaming the
// fallback branch moves HEAD along and deleting another branch pins HEAD, so the
// fallback cannot switch branches under the user.
func TestBranchOpsPinLegacyHead(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	r := mustInit(t, s)
	head := mustBranch(t, r, "main")
	for _, b := range []string{"b", "c"} {
		if err := r.CreateBranch(ctx, b, head); err != nil {
			t.Fatal(err)
		}
	}
	dropRef(t, s, headRef.String())
	if err := r.RenameBranch(ctx, "main", "z", false); err != nil {
		t.Fatal(err)
	}
	if h, _ := r.Head(ctx); h != "z" {
		t.Fatalf("HEAD after renaming the fallback branch: %q", h)
	}
	if err := r.DeleteBranch(ctx, "z"); !errors.Is(err, ErrCurrentBranch) {
		t.Fatalf("delete of pinned HEAD: %v", err)
	}

	dropRef(t, s, headRef.String()) // fallback is now "b", the first branch
	if err := r.DeleteBranch(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Ref(ctx, headRef.String()); !ok {
		t.Fatal("DeleteBranch did not pin HEAD")
	}
	if h, _ := r.Head(ctx); h != "b" {
		t.Fatalf("HEAD = %q, want b", h)
	}
}

// TestConcurrentCommits: goroutines commit to the same branch with read-modify-retry
// loops around CommitWorkingSet; the final history holds every commit
// (Compare-and-swap: no commit is lost).
func TestConcurrentCommits(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, open func() storage.Store) {
		r := mustInit(t, open())
		const writers, each = 2, 15
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		var mu sync.Mutex
		conflicts := 0
		start := make(chan struct{})
		for w := range writers {
			wg.Go(func() {
				<-start
				for i := range each {
					msg := fmt.Sprintf("w%d-%d", w, i)
					for {
						head, err := r.Branch(ctx, "main")
						if err != nil {
							errs <- err
							return
						}
						ws, err := r.WorkingSet(ctx, "main")
						if err != nil {
							errs <- err
							return
						}
						tb, err := NewTable(ctx, r.NodeStore(), simpleSchema(msg))
						if err != nil {
							errs <- err
							return
						}
						root, err := ws.Staged().PutTable(ctx, tb)
						if err != nil {
							errs <- err
							return
						}
						c, err := NewCommit(root.Hash(), []Commit{head}, testAuthor, testAuthor, msg)
						if err != nil {
							errs <- err
							return
						}
						runtime.Gosched() // let the other writer read the same head
						err = r.CommitWorkingSet(ctx, "main", head.Hash(), c, ws, NewWorkingSet(root, root))
						if errors.Is(err, ErrConflict) {
							mu.Lock()
							conflicts++
							mu.Unlock()
							continue
						}
						if err != nil {
							errs <- err
							return
						}
						break
					}
				}
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		head := mustBranch(t, r, "main")
		msgs := map[string]bool{}
		it := r.Log(ctx, head)
		for {
			c, err := it.Next(ctx)
			if err != nil {
				break
			}
			msgs[c.Message()] = true
		}
		for w := range writers {
			for i := range each {
				if m := fmt.Sprintf("w%d-%d", w, i); !msgs[m] {
					t.Errorf("commit %s lost", m)
				}
			}
		}
		if head.Height() != writers*each+1 {
			t.Errorf("head height %d, want %d (a linear history)", head.Height(), writers*each+1)
		}
		ws, _ := r.WorkingSet(ctx, "main")
		if n := len(ws.Working().TableNames()); n != writers*each {
			t.Errorf("working set has %d tables, want %d", n, writers*each)
		}
		t.Logf("%d conflicts retried; %d commits: %v", conflicts, len(msgs), slices.Sorted(maps.Keys(msgs))[:3])
	})
}

// TestConfig: set, change and delete keys; an empty config is no ref; concurrent updates
// are not lost; an error from update stores nothing.
func TestConfig(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, open func() storage.Store) {
		s := open()
		r := mustInit(t, s)
		if cfg, err := r.Config(ctx); err != nil || len(cfg) != 0 {
			t.Fatalf("initial config %v, %v", cfg, err)
		}
		steps := []struct {
			update func(map[string]string) error
			want   map[string]string
			err    error
		}{
			{func(m map[string]string) error { m["user.name"] = "Ada"; m["user.email"] = "a@x"; return nil },
				map[string]string{"user.name": "Ada", "user.email": "a@x"}, nil},
			{func(m map[string]string) error { m["user.name"] = "Bob"; return nil },
				map[string]string{"user.name": "Bob", "user.email": "a@x"}, nil},
			{func(m map[string]string) error { m["x"] = "1"; return errors.New("boom") },
				map[string]string{"user.name": "Bob", "user.email": "a@x"}, errors.New("boom")},
			{func(m map[string]string) error { m[""] = "1"; return nil },
				map[string]string{"user.name": "Bob", "user.email": "a@x"}, ErrInvalid},
			{func(m map[string]string) error { delete(m, "user.name"); return nil },
				map[string]string{"user.email": "a@x"}, nil},
			{func(m map[string]string) error { clear(m); return nil }, map[string]string{}, nil},
		}
		for i, st := range steps {
			err := r.UpdateConfig(ctx, st.update)
			if (st.err == nil) != (err == nil) || (st.err != nil && !errors.Is(err, st.err) && err.Error() != st.err.Error()) {
				t.Fatalf("step %d: %v, want %v", i, err, st.err)
			}
			got, err := r.Config(ctx)
			if err != nil || !maps.Equal(got, st.want) {
				t.Fatalf("step %d: config %v, %v; want %v", i, got, err, st.want)
			}
		}
		if _, ok, _ := s.Ref(ctx, configRef.String()); ok {
			t.Fatal("empty config left a ref")
		}

		const writers = 8
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				if err := r.UpdateConfig(ctx, func(m map[string]string) error {
					m[fmt.Sprintf("k%d", w)] = "v"
					return nil
				}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got, _ := r.Config(ctx); len(got) != writers {
			t.Fatalf("concurrent updates lost: %v", got)
		}
	})
}
