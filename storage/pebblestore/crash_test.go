package pebblestore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand"
	randv2 "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/storetest"
)

// crashSnap is a crash clone of the filesystem and what had been acknowledged when it was
// taken.
type crashSnap struct {
	fs   *vfs.MemFS
	step int
	why  string
	refs map[string]hash.Hash // every ref as of the last acknowledged Commit
	// uncommitted are chunks Put after the last Commit: each may be absent after the
	// crash, but never wrong.
	uncommitted []hash.Hash
}

// TestCrashRecovery checks Durability on Pebble's crash-clone filesystem. A seeded loop
// Puts row-like chunks through a small write buffer (so Put spills unsynced), Commits ref
// updates to them (often to chunks that were spilled before the Commit, not written by
// it) and takes crash clones at random points, always including right after a spill
// and before the next Commit. Each clone keeps all synced data and 0%, 50% or 100% of the
// unsynced data. Reopening each clone must show exactly the refs acknowledged before
// the clone, every ref must resolve to a chunk with the right bytes, and uncommitted
// chunks must be absent or intact.
func TestCrashRecovery(t *testing.T) {
	seed := storetest.Seed(t)
	runs := 4
	if testing.Short() {
		runs = 1
	}
	spills, spilledTargets := 0, 0
	for run := 0; run < runs; run++ {
		t.Run(fmt.Sprint(run), func(t *testing.T) {
			n, m := crashRun(t, seed+int64(run))
			spills += n
			spilledTargets += m
		})
	}
	if spills == 0 || spilledTargets == 0 {
		t.Fatalf("%d spills, %d ref updates to spilled chunks: the test did not exercise unsynced spills", spills, spilledTargets)
	}
}

// crashRun runs one seeded history and checks every crash clone taken during it. It
// returns how many spills happened and how many ref updates named a spilled chunk.
func crashRun(t *testing.T, seed int64) (spills, spilledTargets int) {
	ctx := context.Background()
	r := rand.New(rand.NewSource(seed))
	fs := vfs.NewCrashableMem()
	opts := Options{
		FS:           fs,
		BufferBytes:  (16 + r.Intn(112)) << 10,
		memTableSize: uint64(256+r.Intn(1024)) << 10,
		Logger:       quietLogger,
	}
	s := mustOpen(t, "db", opts)
	names := []string{"refs/heads/main", "refs/heads/dev", "ws/main", "ws/dev", "refs/tags/v1"}
	refs := map[string]hash.Hash{}
	data := map[hash.Hash][]byte{}
	var uncommitted []hash.Hash
	var snaps []crashSnap
	gen := newRowGen(seed)
	spillsSeen := int64(0)
	targetedSpilled := 0

	// snap takes a crash clone keeping pct% of unsynced data (-1: 0, 50 or 100 at random).
	snap := func(step int, why string, pct int) {
		if len(snaps) >= 20 {
			return
		}
		if pct < 0 {
			pct = []int{0, 50, 100}[r.Intn(3)]
		}
		clone := fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: pct, RNG: randv2.New(randv2.NewPCG(uint64(r.Int63()), 1))})
		snaps = append(snaps, crashSnap{fs: clone, step: step, why: fmt.Sprintf("%s, %d%% of unsynced data kept", why, pct),
			refs: maps.Clone(refs), uncommitted: slices.Clone(uncommitted)})
	}
	newChunk := func() storage.Chunk {
		c := storage.NewChunk(gen.chunk(512 + r.Intn(7000)))
		data[c.Hash] = c.Data
		return c
	}

	const steps = 250
	for step := 0; step < steps; step++ {
		switch op := r.Intn(20); {
		case op < 11: // Put a few chunks; may spill
			for i := 1 + r.Intn(20); i > 0; i-- {
				c := newChunk()
				if err := s.Put(ctx, c); err != nil {
					t.Fatalf("step %d: Put: %v", step, err)
				}
				uncommitted = append(uncommitted, c.Hash)
			}
			if n := s.spills.Load(); n > spillsSeen {
				spillsSeen = n
				if r.Intn(3) > 0 {
					snap(step, "after a spill, before the next Commit", -1)
				}
			}
		case op < 18: // Commit 1-3 ref updates
			var passed []storage.Chunk
			for i := r.Intn(3); i > 0; i-- {
				passed = append(passed, newChunk())
			}
			var ups []storage.RefUpdate
			spilledTarget := false
			for _, i := range r.Perm(len(names))[:1+r.Intn(3)] {
				u := storage.RefUpdate{Name: names[i], Old: refs[names[i]]}
				switch k := r.Intn(10); {
				case k == 0: // delete
				case k < 5 && len(uncommitted) > 0:
					u.New = uncommitted[r.Intn(len(uncommitted))]
					if _, inBuf := s.buffered(u.New); !inBuf {
						targetedSpilled++ // durable only because the spill is before us in the WAL
						spilledTarget = true
					}
				case k < 7 && len(passed) > 0:
					u.New = passed[r.Intn(len(passed))].Hash
				default: // an existing target (or a delete, if there is none)
					if cur := slices.SortedFunc(maps.Values(refs), hash.Hash.Compare); len(cur) > 0 {
						u.New = cur[r.Intn(len(cur))]
					}
				}
				ups = append(ups, u)
			}
			if err := s.Commit(ctx, passed, ups); err != nil {
				t.Fatalf("step %d: Commit: %v", step, err)
			}
			for _, u := range ups {
				if u.New.IsEmpty() {
					delete(refs, u.Name)
				} else {
					refs[u.Name] = u.New
				}
			}
			uncommitted = nil
			switch {
			case spilledTarget:
				snap(step, "right after a Commit naming a chunk spilled before it", 0)
			case r.Intn(4) == 0:
				snap(step, "right after a Commit", -1)
			}
		default:
			snap(step, "at a random point", -1)
		}
	}
	snap(steps, "at the end", -1)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d: %d spills, %d ref updates to chunks that were spilled before their Commit, %d crash clones",
		seed, spillsSeen, targetedSpilled, len(snaps))
	for _, sn := range snaps {
		checkCrashSnap(t, sn, data)
	}
	return int(spillsSeen), targetedSpilled
}

func checkCrashSnap(t *testing.T, sn crashSnap, data map[hash.Hash][]byte) {
	t.Helper()
	ctx := context.Background()
	where := fmt.Sprintf("clone at step %d (%s)", sn.step, sn.why)
	s, err := Open("db", Options{FS: sn.fs, Logger: quietLogger})
	if err != nil {
		t.Fatalf("%s: reopen: %v", where, err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Errorf("%s: Close: %v", where, err)
		}
	}()
	got, err := s.Refs(ctx, "")
	if err != nil {
		t.Fatalf("%s: Refs: %v", where, err)
	}
	gotMap := map[string]hash.Hash{}
	for _, ref := range got {
		gotMap[ref.Name] = ref.Hash
	}
	if !maps.Equal(gotMap, sn.refs) {
		t.Fatalf("%s: refs after crash = %v, acknowledged = %v", where, gotMap, sn.refs)
	}
	for name, h := range sn.refs {
		b, err := s.Get(ctx, h)
		if err != nil {
			t.Fatalf("%s: ref %q names %s, which is not durable: %v", where, name, h, err)
		}
		if string(b) != string(data[h]) {
			t.Fatalf("%s: ref %q: chunk %s has wrong bytes", where, name, h)
		}
	}
	for _, h := range sn.uncommitted {
		b, err := s.Get(ctx, h)
		if err != nil && !errors.Is(err, storage.ErrNotFound) || err == nil && string(b) != string(data[h]) {
			t.Fatalf("%s: uncommitted chunk %s: err %v (must be absent or intact)", where, h, err)
		}
	}
	// The recovered store is writable.
	c := storetest.TextChunk("after recovery")
	if err := s.Commit(ctx, []storage.Chunk{c}, []storage.RefUpdate{{Name: "recovered", New: c.Hash}}); err != nil {
		t.Fatalf("%s: Commit after recovery: %v", where, err)
	}
}

// TestSyncFailureIsFatal injects a failing fsync on the WAL (errorfs) and checks that "a
// failed fsync is fatal, never retried": the Commit that hit it fails with ErrFailed
// wrapping the injected error, every later call fails even though syncs work again, and
// a crash clone of the disk reopens at the last acknowledged Commit.
func TestSyncFailureIsFatal(t *testing.T) {
	ctx := context.Background()
	mem := vfs.NewCrashableMem()
	var failSyncs atomic.Bool
	fs := errorfs.Wrap(mem, errorfs.InjectorFunc(func(op errorfs.Op) error {
		if !failSyncs.Load() || !strings.HasSuffix(op.Path, ".log") {
			return nil
		}
		switch op.Kind {
		case errorfs.OpFileSync, errorfs.OpFileSyncData, errorfs.OpFileSyncTo:
			return errorfs.ErrInjected
		}
		return nil
	}))
	s := mustOpen(t, "db", Options{FS: fs})
	acked, lost := storetest.TextChunk("acknowledged"), storetest.TextChunk("never acknowledged")
	if err := s.Commit(ctx, []storage.Chunk{acked}, []storage.RefUpdate{{Name: "main", New: acked.Hash}}); err != nil {
		t.Fatal(err)
	}

	failSyncs.Store(true)
	if err := s.Put(ctx, lost); err != nil {
		t.Fatal(err)
	}
	err := s.Commit(ctx, nil, []storage.RefUpdate{{Name: "main", Old: acked.Hash, New: lost.Hash}})
	if !errors.Is(err, storage.ErrFailed) || !errors.Is(err, errorfs.ErrInjected) {
		t.Fatalf("Commit with a failing WAL sync: err = %v, want ErrFailed wrapping the injected error", err)
	}
	t.Logf("failed Commit: %v", err)
	failSyncs.Store(false) // the disk "recovers": the store must still refuse

	if err := s.Commit(ctx, nil, []storage.RefUpdate{{Name: "other", New: acked.Hash}}); !errors.Is(err, storage.ErrFailed) {
		t.Errorf("Commit after a failed sync: err = %v, want ErrFailed (never retried)", err)
	}
	if err := s.Put(ctx, storetest.TextChunk("x")); !errors.Is(err, storage.ErrFailed) {
		t.Errorf("Put after a failed sync: err = %v, want ErrFailed", err)
	}
	if _, _, err := s.Ref(ctx, "main"); !errors.Is(err, storage.ErrFailed) {
		t.Errorf("Ref after a failed sync: err = %v, want ErrFailed", err)
	}
	if _, err := s.Get(ctx, acked.Hash); !errors.Is(err, storage.ErrFailed) {
		t.Errorf("Get after a failed sync: err = %v, want ErrFailed", err)
	}

	crashed := mem.CrashClone(vfs.CrashCloneCfg{}) // power cut now: only synced data
	if err := s.Close(); err != nil {
		t.Logf("Close of the failed store: %v", err)
	}
	if _, _, err := s.Ref(ctx, "main"); !errors.Is(err, storage.ErrClosed) {
		t.Errorf("Ref after Close: err = %v, want ErrClosed", err)
	}

	s = mustOpen(t, "db", Options{FS: crashed})
	defer s.Close()
	h, ok, err := s.Ref(ctx, "main")
	if err != nil || !ok || h != acked.Hash {
		t.Fatalf("after reopening, main = %s, %v, %v; want the last acknowledged %s", h, ok, err, acked.Hash)
	}
	if _, _, err := s.Ref(ctx, "other"); err != nil {
		t.Fatal(err)
	}
	b, err := s.Get(ctx, acked.Hash)
	if err != nil || string(b) != string(acked.Data) {
		t.Fatalf("acknowledged chunk after reopening: %q, %v", b, err)
	}
}

// TestWALRotationSyncFailure: when the sync of the previous WAL fails as Pebble switches
// to a new one (DB.rotateWAL), Pebble v2.1.7 panics, and the panic turns into "sync:
// unlock of unlocked mutex", a fatal runtime error that no recover can stop: the process
// dies. That is still "fatal, never retried", but not a returned error, so it runs in a
// child process on the real filesystem (errorfs fails the child's WAL syncs; the data it
// wrote stays in the OS page cache, as after a process crash). The child either dies or
// gets ErrFailed; either way reopening shows the last acknowledged Commit.
func TestWALRotationSyncFailure(t *testing.T) {
	if dir := os.Getenv("PEBBLESTORE_ROTATION_FAILURE_DIR"); dir != "" {
		rotationFailureHelper(dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := filepath.Join(t.TempDir(), "db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestWALRotationSyncFailure$")
	cmd.Env = append(os.Environ(), "PEBBLESTORE_ROTATION_FAILURE_DIR="+dir)
	out, err := cmd.CombinedOutput()
	switch {
	case err == nil && strings.Contains(string(out), "child: ErrFailed"):
		t.Logf("the child got ErrFailed")
	case err != nil && strings.Contains(string(out), "child: acknowledged") && !strings.Contains(string(out), "child: survived"):
		t.Logf("the child died (%v): %s", err, firstLines(string(out), 3))
	default:
		t.Fatalf("child: err %v, output:\n%s", err, out)
	}
	ctx := context.Background()
	s := mustOpen(t, dir, Options{})
	defer s.Close()
	if h, ok, err := s.Ref(ctx, "main"); err != nil || !ok || h != storetest.TextChunk("acknowledged").Hash {
		t.Fatalf("after the child died, main = %s, %v, %v; want the acknowledged commit", h, ok, err)
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], " | ")
}

func rotationFailureHelper(dir string) {
	ctx := context.Background()
	var failSyncs atomic.Bool
	fs := errorfs.Wrap(vfs.Default, errorfs.InjectorFunc(func(op errorfs.Op) error {
		if failSyncs.Load() && strings.HasSuffix(op.Path, ".log") &&
			(op.Kind == errorfs.OpFileSync || op.Kind == errorfs.OpFileSyncData || op.Kind == errorfs.OpFileSyncTo) {
			return errorfs.ErrInjected
		}
		return nil
	}))
	s, err := Open(dir, Options{FS: fs, BufferBytes: 512 << 10, memTableSize: 256 << 10, Logger: quietLogger})
	if err != nil {
		fmt.Println("child: open:", err)
		os.Exit(2)
	}
	acked := storetest.TextChunk("acknowledged")
	if err := s.Commit(ctx, []storage.Chunk{acked}, []storage.RefUpdate{{Name: "main", New: acked.Hash}}); err != nil {
		fmt.Println("child: commit:", err)
		os.Exit(2)
	}
	fmt.Println("child: acknowledged")
	failSyncs.Store(true)
	gen := newRowGen(7)
	for i := 0; i < 1000 && err == nil; i++ {
		err = s.Put(ctx, storage.NewChunk(gen.chunk(4096)))
	}
	if err == nil {
		err = s.Commit(ctx, nil, nil)
	}
	if errors.Is(err, storage.ErrFailed) {
		fmt.Println("child: ErrFailed:", err)
		os.Exit(0)
	}
	fmt.Println("child: survived:", err)
	os.Exit(3)
}
