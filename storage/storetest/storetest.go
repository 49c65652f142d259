// Package storetest is the conformance suite every storage.Store must pass. A store's own
// _test.go calls Run (and, for stores that survive Close, RunPersistent):
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storage.Store { return memstore.New() })
//	}
//
// The suite checks the invariants named in package storage: Content addressing (a chunk
// whose hash is wrong is refused; Get returns exactly the bytes Put), Compare-and-swap
// (all-or-nothing Commit, no lost update under concurrency), Referential integrity
// (ErrMissingChunk) and, with RunPersistent, Durability across Close and reopen.
// Randomised tests log their seed; set STORETEST_SEED to replay one.
//
// The package holds test code only; it imports testing and is imported only by tests.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// Opener returns a store for one test, called from that test's goroutine: Run expects a
// new, empty store; RunPersistent's openers reopen the same location each time. The suite
// owns the returned store and closes it (Close must be safe to call more than once, which
// the suite checks).
type Opener func(t *testing.T) storage.Store

// Run runs the conformance suite against stores made by open. Each subtest gets its own
// store.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Store)
	}{
		{"PutGet", testPutGet},
		{"PutCopiesData", testPutCopiesData},
		{"EmptyAndLargeChunks", testEmptyAndLargeChunks},
		{"GetMany", testGetMany},
		{"HasHasMany", testHasHasMany},
		{"BadHashRejected", testBadHashRejected},
		{"CommitCAS", testCommitCAS},
		{"RefGeneration", testRefGeneration},
		{"CommitAllOrNothing", testCommitAllOrNothing},
		{"CommitMissingChunk", testCommitMissingChunk},
		{"CommitInvalid", testCommitInvalid},
		{"RefsByPrefix", testRefsByPrefix},
		{"CanceledContext", testCanceledContext},
		{"Stats", testStats},
		{"ConcurrentCASIncrements", testConcurrentCAS},
		{"ConcurrentPutGet", testConcurrentPutGet},
		{"Closed", testClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			defer func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			}()
			tc.fn(t, s)
		})
	}
}

// Seed returns the seed for a randomised test, from STORETEST_SEED if set, and logs it.
func Seed(t testing.TB) int64 {
	seed := time.Now().UnixNano()
	if v := os.Getenv("STORETEST_SEED"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("STORETEST_SEED=%q: %v", v, err)
		}
		seed = n
	}
	t.Logf("seed %d (replay with STORETEST_SEED=%d)", seed, seed)
	return seed
}

// RandomChunk returns a chunk of n pseudo-random bytes from r.
func RandomChunk(r *rand.Rand, n int) storage.Chunk {
	b := make([]byte, n)
	r.Read(b)
	return storage.NewChunk(b)
}

// TextChunk returns the chunk holding s.
func TextChunk(s string) storage.Chunk { return storage.NewChunk([]byte(s)) }

func mustGet(t *testing.T, s storage.Store, c storage.Chunk) {
	t.Helper()
	got, err := s.Get(context.Background(), c.Hash)
	if err != nil {
		t.Fatalf("Get %s: %v", c.Hash, err)
	}
	if string(got) != string(c.Data) {
		t.Fatalf("Get %s: got %d bytes, want %d (content differs)", c.Hash, len(got), len(c.Data))
	}
}

func mustRef(t *testing.T, s storage.Store, name string, want hash.Hash) {
	t.Helper()
	h, ok, err := s.Ref(context.Background(), name)
	if err != nil {
		t.Fatalf("Ref %q: %v", name, err)
	}
	if want.IsEmpty() {
		if ok {
			t.Fatalf("Ref %q = %s, want absent", name, h)
		}
		return
	}
	if !ok || h != want {
		t.Fatalf("Ref %q = %s (exists %v), want %s", name, h, ok, want)
	}
}

func commit(t *testing.T, s storage.Store, chunks []storage.Chunk, updates ...storage.RefUpdate) {
	t.Helper()
	if err := s.Commit(context.Background(), chunks, updates); err != nil {
		t.Fatalf("Commit(%d chunks, %v): %v", len(chunks), updates, err)
	}
}

func testPutGet(t *testing.T, s storage.Store) {
	ctx := context.Background()
	r := rand.New(rand.NewSource(Seed(t)))
	var cs []storage.Chunk
	for i := 0; i < 50; i++ {
		c := RandomChunk(r, 1+r.Intn(8192))
		cs = append(cs, c)
		if err := s.Put(ctx, c); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	// Put of the same bytes twice is a no-op.
	if err := s.Put(ctx, cs[0]); err != nil {
		t.Fatalf("second Put of the same chunk: %v", err)
	}
	for _, c := range cs {
		mustGet(t, s, c)
	}
	// The caller owns returned slices: scribbling on one changes nothing stored.
	got, _ := s.Get(ctx, cs[0].Hash)
	for i := range got {
		got[i] ^= 0xff
	}
	mustGet(t, s, cs[0])

	absent := TextChunk("never put")
	if _, err := s.Get(ctx, absent.Hash); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Get absent: err = %v, want ErrNotFound", err)
	}
	// Committed chunks read the same as buffered ones.
	commit(t, s, nil)
	for _, c := range cs {
		mustGet(t, s, c)
	}
	more := RandomChunk(r, 4096)
	if err := s.PutMany(ctx, []storage.Chunk{more, cs[1]}); err != nil {
		t.Fatalf("PutMany: %v", err)
	}
	mustGet(t, s, more)
}

func testPutCopiesData(t *testing.T, s storage.Store) {
	ctx := context.Background()
	data := []byte("chunk whose buffer the caller reuses")
	c := storage.NewChunk(data)
	want := string(data)
	if err := s.Put(ctx, c); err != nil {
		t.Fatal(err)
	}
	copy(data, "XXXXX") // a misbehaving caller reuses its buffer
	got, err := s.Get(ctx, c.Hash)
	if err != nil || string(got) != want {
		t.Fatalf("Get after caller modified its buffer = %q, %v; want %q (Put must copy)", got, err, want)
	}
}

func testEmptyAndLargeChunks(t *testing.T, s storage.Store) {
	ctx := context.Background()
	empty := storage.NewChunk(nil)
	r := rand.New(rand.NewSource(Seed(t)))
	large := RandomChunk(r, 3<<20)
	if err := s.PutMany(ctx, []storage.Chunk{empty, large}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, empty.Hash)
	if err != nil || len(got) != 0 {
		t.Fatalf("Get empty chunk = %d bytes, %v", len(got), err)
	}
	mustGet(t, s, large)
	commit(t, s, nil, storage.RefUpdate{Name: "large", New: large.Hash}, storage.RefUpdate{Name: "empty", New: empty.Hash})
	mustGet(t, s, large)
	mustRef(t, s, "empty", empty.Hash)
}

func testGetMany(t *testing.T, s storage.Store) {
	ctx := context.Background()
	r := rand.New(rand.NewSource(Seed(t)))
	want := map[hash.Hash]string{}
	var hs []hash.Hash
	for i := 0; i < 300; i++ {
		c := RandomChunk(r, 100+r.Intn(5000))
		want[c.Hash] = string(c.Data)
		hs = append(hs, c.Hash)
		if err := s.Put(ctx, c); err != nil {
			t.Fatal(err)
		}
		if i == 150 {
			commit(t, s, nil) // half committed, half buffered
		}
	}
	for i := 0; i < 50; i++ {
		hs = append(hs, RandomChunk(r, 10).Hash) // absent
	}
	r.Shuffle(len(hs), func(i, j int) { hs[i], hs[j] = hs[j], hs[i] })
	var mu sync.Mutex
	got := map[hash.Hash]string{}
	err := s.GetMany(ctx, hs, func(c storage.Chunk) {
		mu.Lock()
		defer mu.Unlock()
		if _, dup := got[c.Hash]; dup {
			t.Errorf("GetMany called found twice for %s", c.Hash)
		}
		got[c.Hash] = string(c.Data)
	})
	if err != nil {
		t.Fatalf("GetMany: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("GetMany found %d chunks, want %d", len(got), len(want))
	}
	for h, d := range want {
		if got[h] != d {
			t.Fatalf("GetMany %s: wrong bytes", h)
		}
	}
	if err := s.GetMany(ctx, nil, func(storage.Chunk) { t.Error("found called for empty input") }); err != nil {
		t.Fatalf("GetMany(nil): %v", err)
	}
}

func testHasHasMany(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a, b, c := TextChunk("a"), TextChunk("b"), TextChunk("c")
	if err := s.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
	commit(t, s, []storage.Chunk{b})
	for _, tc := range []struct {
		c    storage.Chunk
		want bool
	}{{a, true}, {b, true}, {c, false}} {
		ok, err := s.Has(ctx, tc.c.Hash)
		if err != nil || ok != tc.want {
			t.Fatalf("Has(%q) = %v, %v; want %v", tc.c.Data, ok, err, tc.want)
		}
	}
	absent, err := s.HasMany(ctx, []hash.Hash{a.Hash, b.Hash, c.Hash, c.Hash})
	if err != nil {
		t.Fatal(err)
	}
	if len(absent) != 1 || !absent.Has(c.Hash) {
		t.Fatalf("HasMany absent = %v, want only %s", absent, c.Hash)
	}
	absent, err = s.HasMany(ctx, nil)
	if err != nil || absent == nil || len(absent) != 0 {
		t.Fatalf("HasMany(nil) = %v, %v; want an empty non-nil set", absent, err)
	}
}

func testBadHashRejected(t *testing.T, s storage.Store) {
	ctx := context.Background()
	good := TextChunk("good")
	bad := storage.Chunk{Hash: hash.Of([]byte("something else")), Data: []byte("bad")}
	if err := s.Put(ctx, bad); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("Put with wrong hash: err = %v, want ErrCorrupt", err)
	}
	if err := s.PutMany(ctx, []storage.Chunk{good, bad}); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("PutMany with a wrong hash: err = %v, want ErrCorrupt", err)
	}
	for _, h := range []hash.Hash{bad.Hash, good.Hash} {
		if ok, err := s.Has(ctx, h); err != nil || ok {
			t.Fatalf("Has(%s) after rejected Put = %v, %v; want false (a rejected PutMany stores nothing)", h, ok, err)
		}
	}
	err := s.Commit(ctx, []storage.Chunk{bad}, []storage.RefUpdate{{Name: "r", New: bad.Hash}})
	if !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("Commit with wrong hash: err = %v, want ErrCorrupt", err)
	}
	mustRef(t, s, "r", hash.Hash{})
}

func testCommitCAS(t *testing.T, s storage.Store) {
	ctx := context.Background()
	c1, c2, c3 := TextChunk("one"), TextChunk("two"), TextChunk("three")
	if err := s.PutMany(ctx, []storage.Chunk{c1, c2, c3}); err != nil {
		t.Fatal(err)
	}
	const name = "refs/heads/main"
	// Create-only: Old zero means "must not exist".
	commit(t, s, nil, storage.RefUpdate{Name: name, New: c1.Hash})
	mustRef(t, s, name, c1.Hash)
	err := s.Commit(ctx, nil, []storage.RefUpdate{{Name: name, New: c2.Hash}})
	if !errors.Is(err, storage.ErrRefConflict) {
		t.Fatalf("create of existing ref: err = %v, want ErrRefConflict", err)
	}
	mustRef(t, s, name, c1.Hash)
	// Swap with the right Old.
	commit(t, s, nil, storage.RefUpdate{Name: name, Old: c1.Hash, New: c2.Hash})
	mustRef(t, s, name, c2.Hash)
	// Swap with a stale Old.
	err = s.Commit(ctx, nil, []storage.RefUpdate{{Name: name, Old: c1.Hash, New: c3.Hash}})
	if !errors.Is(err, storage.ErrRefConflict) {
		t.Fatalf("stale Old: err = %v, want ErrRefConflict", err)
	}
	mustRef(t, s, name, c2.Hash)
	// Delete: New zero.
	err = s.Commit(ctx, nil, []storage.RefUpdate{{Name: name, Old: c1.Hash}})
	if !errors.Is(err, storage.ErrRefConflict) {
		t.Fatalf("delete with stale Old: err = %v, want ErrRefConflict", err)
	}
	commit(t, s, nil, storage.RefUpdate{Name: name, Old: c2.Hash})
	mustRef(t, s, name, hash.Hash{})
	// A ref to a deleted name can be created again; swapping an absent ref fails.
	err = s.Commit(ctx, nil, []storage.RefUpdate{{Name: name, Old: c2.Hash, New: c3.Hash}})
	if !errors.Is(err, storage.ErrRefConflict) {
		t.Fatalf("swap of absent ref: err = %v, want ErrRefConflict", err)
	}
	commit(t, s, nil, storage.RefUpdate{Name: name, New: c3.Hash})
	mustRef(t, s, name, c3.Hash)
	// Old == New is a successful no-op swap.
	commit(t, s, nil, storage.RefUpdate{Name: name, Old: c3.Hash, New: c3.Hash})
	mustRef(t, s, name, c3.Hash)
}

// testRefGeneration: a store with ref generations (storage.RefGenerations) moves its
// generation with every Commit that updates refs, by the time Commit returns, and a
// ref read after a generation holds the value of every Commit that moved it.
func testRefGeneration(t *testing.T, s storage.Store) {
	g, ok := s.(storage.RefGenerations)
	if !ok {
		t.Skip("the store does not number its ref changes")
	}
	ctx := context.Background()
	const name = "refs/heads/gen"
	var old hash.Hash
	for i := range 20 {
		c := TextChunk(fmt.Sprintf("gen %d", i))
		before := g.RefGeneration()
		commit(t, s, []storage.Chunk{c}, storage.RefUpdate{Name: name, Old: old, New: c.Hash})
		after := g.RefGeneration()
		if after == before {
			t.Fatalf("commit %d: the generation stayed %d", i, before)
		}
		mustRef(t, s, name, c.Hash)
		if err := s.Put(ctx, TextChunk(fmt.Sprintf("loose %d", i))); err != nil {
			t.Fatal(err)
		}
		old = c.Hash
	}
}

func testCommitAllOrNothing(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a, b, c := TextChunk("a"), TextChunk("b"), TextChunk("c")
	commit(t, s, []storage.Chunk{a, b, c},
		storage.RefUpdate{Name: "x", New: a.Hash},
		storage.RefUpdate{Name: "y", New: a.Hash},
		storage.RefUpdate{Name: "z", New: a.Hash})
	// Two good updates and one stale: nothing applies.
	err := s.Commit(ctx, nil, []storage.RefUpdate{
		{Name: "x", Old: a.Hash, New: b.Hash},
		{Name: "new", New: b.Hash},
		{Name: "y", Old: b.Hash, New: c.Hash}, // stale
		{Name: "z", Old: a.Hash},              // delete
	})
	if !errors.Is(err, storage.ErrRefConflict) {
		t.Fatalf("err = %v, want ErrRefConflict", err)
	}
	for _, msg := range []string{`"y"`, a.Hash.String(), b.Hash.String()} {
		if !strings.Contains(err.Error(), msg) {
			t.Errorf("conflict error %q does not name %s (the ref, expected and actual hashes)", err, msg)
		}
	}
	mustRef(t, s, "x", a.Hash)
	mustRef(t, s, "y", a.Hash)
	mustRef(t, s, "z", a.Hash)
	mustRef(t, s, "new", hash.Hash{})
	// The same updates with y fixed apply together.
	commit(t, s, nil,
		storage.RefUpdate{Name: "x", Old: a.Hash, New: b.Hash},
		storage.RefUpdate{Name: "new", New: b.Hash},
		storage.RefUpdate{Name: "y", Old: a.Hash, New: c.Hash},
		storage.RefUpdate{Name: "z", Old: a.Hash})
	mustRef(t, s, "x", b.Hash)
	mustRef(t, s, "y", c.Hash)
	mustRef(t, s, "z", hash.Hash{})
	mustRef(t, s, "new", b.Hash)
}

func testCommitMissingChunk(t *testing.T, s storage.Store) {
	ctx := context.Background()
	held, inArg, buffered, missing := TextChunk("held"), TextChunk("in arg"), TextChunk("buffered"), TextChunk("missing")
	commit(t, s, []storage.Chunk{held}, storage.RefUpdate{Name: "held", New: held.Hash})
	err := s.Commit(ctx, nil, []storage.RefUpdate{
		{Name: "ok", New: held.Hash},
		{Name: "missing", New: missing.Hash},
	})
	if !errors.Is(err, storage.ErrMissingChunk) {
		t.Fatalf("ref to a chunk never stored: err = %v, want ErrMissingChunk", err)
	}
	mustRef(t, s, "ok", hash.Hash{})
	mustRef(t, s, "missing", hash.Hash{})
	// A chunk passed to Commit or buffered by Put counts as held.
	if err := s.Put(ctx, buffered); err != nil {
		t.Fatal(err)
	}
	commit(t, s, []storage.Chunk{inArg},
		storage.RefUpdate{Name: "arg", New: inArg.Hash},
		storage.RefUpdate{Name: "buf", New: buffered.Hash})
	mustGet(t, s, inArg)
	mustGet(t, s, buffered)
	mustRef(t, s, "arg", inArg.Hash)
	mustRef(t, s, "buf", buffered.Hash)
}

func testCommitInvalid(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a := TextChunk("a")
	err := s.Commit(ctx, []storage.Chunk{a}, []storage.RefUpdate{{Name: "", New: a.Hash}})
	if !errors.Is(err, storage.ErrInvalid) {
		t.Fatalf("empty ref name: err = %v, want ErrInvalid", err)
	}
	err = s.Commit(ctx, []storage.Chunk{a}, []storage.RefUpdate{{Name: "r", New: a.Hash}, {Name: "r", New: a.Hash}})
	if !errors.Is(err, storage.ErrInvalid) {
		t.Fatalf("ref named twice: err = %v, want ErrInvalid", err)
	}
	mustRef(t, s, "r", hash.Hash{})
}

func testRefsByPrefix(t *testing.T, s storage.Store) {
	ctx := context.Background()
	c := TextChunk("target")
	names := []string{"refs/tags/v1", "refs/heads/b", "refs/heads/a", "refs/heads/a/b", "refs/headsx",
		"refs/heads/\xff", "refs/heads/\xff\xff", "refs/heads0", "w", "\xff"}
	var ups []storage.RefUpdate
	for _, n := range names {
		ups = append(ups, storage.RefUpdate{Name: n, New: c.Hash})
	}
	commit(t, s, []storage.Chunk{c}, ups...)
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"refs/heads/", []string{"refs/heads/a", "refs/heads/a/b", "refs/heads/b", "refs/heads/\xff", "refs/heads/\xff\xff"}},
		{"refs/heads", []string{"refs/heads/a", "refs/heads/a/b", "refs/heads/b", "refs/heads/\xff", "refs/heads/\xff\xff", "refs/heads0", "refs/headsx"}},
		{"refs/heads/\xff", []string{"refs/heads/\xff", "refs/heads/\xff\xff"}},
		{"refs/tags/v1", []string{"refs/tags/v1"}},
		{"nope", nil},
		{"\xff", []string{"\xff"}},
		{"", []string{"refs/heads/a", "refs/heads/a/b", "refs/heads/b", "refs/heads/\xff", "refs/heads/\xff\xff", "refs/heads0", "refs/headsx", "refs/tags/v1", "w", "\xff"}},
	} {
		refs, err := s.Refs(ctx, tc.prefix)
		if err != nil {
			t.Fatalf("Refs(%q): %v", tc.prefix, err)
		}
		var got []string
		for _, r := range refs {
			got = append(got, r.Name)
			if r.Hash != c.Hash {
				t.Errorf("Refs(%q): %q -> %s, want %s", tc.prefix, r.Name, r.Hash, c.Hash)
			}
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) {
			t.Errorf("Refs(%q) = %q, want %q", tc.prefix, got, tc.want)
		}
	}
}

func testCanceledContext(t *testing.T, s storage.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := TextChunk("c")
	if err := s.Put(ctx, c); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with canceled ctx: err = %v, want context.Canceled", err)
	}
	if err := s.Commit(ctx, []storage.Chunk{c}, []storage.RefUpdate{{Name: "r", New: c.Hash}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Commit with canceled ctx: err = %v, want context.Canceled", err)
	}
	if _, err := s.Get(ctx, c.Hash); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with canceled ctx: err = %v, want context.Canceled", err)
	}
	mustRef(t, s, "r", hash.Hash{})
}

func testStats(t *testing.T, s storage.Store) {
	sr, ok := s.(storage.StatsReporter)
	if !ok {
		t.Skip("store does not implement storage.StatsReporter")
	}
	ctx := context.Background()
	r := rand.New(rand.NewSource(Seed(t)))
	var n, bytes int64
	for i := 0; i < 100; i++ {
		c := RandomChunk(r, 4096)
		n++
		bytes += 4096
		if err := s.Put(ctx, c); err != nil {
			t.Fatal(err)
		}
		if i == 49 {
			commit(t, s, nil)
		}
	}
	st, err := sr.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Chunks != n || st.ChunkBytes != bytes {
		t.Fatalf("Stats = %+v, want %d chunks of %d bytes", st, n, bytes)
	}
	if st.DiskBytes < 0 {
		t.Fatalf("Stats.DiskBytes = %d", st.DiskBytes)
	}
}

// testConcurrentCAS runs goroutines that each increment a counter held in a chunk named by
// one ref, by read / Put / Commit with Old = what they read, retrying on ErrRefConflict.
// Compare-and-swap means no increment is lost: the final count is exact.
func testConcurrentCAS(t *testing.T, s storage.Store) {
	ctx := context.Background()
	seed := Seed(t)
	const workers, each = 8, 25
	const name = "counter"
	zero := TextChunk("0")
	commit(t, s, []storage.Chunk{zero}, storage.RefUpdate{Name: name, New: zero.Hash})
	var wg sync.WaitGroup
	var conflicts sync.Map
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed + int64(w)))
			retries := 0
			for done := 0; done < each; {
				cur, ok, err := s.Ref(ctx, name)
				if err != nil || !ok {
					errs <- fmt.Errorf("worker %d: Ref = %v, %v", w, ok, err)
					return
				}
				b, err := s.Get(ctx, cur)
				if err != nil {
					errs <- fmt.Errorf("worker %d: Get: %v", w, err)
					return
				}
				n, err := strconv.Atoi(string(b))
				if err != nil {
					errs <- fmt.Errorf("worker %d: counter chunk %q: %v", w, b, err)
					return
				}
				next := TextChunk(strconv.Itoa(n + 1))
				if r.Intn(2) == 0 { // half the time Put first, half pass it to Commit
					if err := s.Put(ctx, next); err != nil {
						errs <- err
						return
					}
					err = s.Commit(ctx, nil, []storage.RefUpdate{{Name: name, Old: cur, New: next.Hash}})
				} else {
					err = s.Commit(ctx, []storage.Chunk{next}, []storage.RefUpdate{{Name: name, Old: cur, New: next.Hash}})
				}
				switch {
				case err == nil:
					done++
				case errors.Is(err, storage.ErrRefConflict):
					retries++
					if r.Intn(4) == 0 {
						time.Sleep(time.Duration(r.Intn(100)) * time.Microsecond)
					}
				default:
					errs <- fmt.Errorf("worker %d: Commit: %v", w, err)
					return
				}
			}
			conflicts.Store(w, retries)
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	h, _, err := s.Ref(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Get(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa(workers * each); string(b) != want {
		t.Fatalf("counter = %s after %d increments: an update was lost", b, workers*each)
	}
	total := 0
	conflicts.Range(func(_, v any) bool { total += v.(int); return true })
	t.Logf("%d increments, %d conflicts retried", workers*each, total)
}

func testConcurrentPutGet(t *testing.T, s storage.Store) {
	ctx := context.Background()
	seed := Seed(t)
	const workers, each = 6, 200
	chunks := make([][]storage.Chunk, workers)
	for w := range chunks {
		r := rand.New(rand.NewSource(seed + int64(w)))
		for i := 0; i < each; i++ {
			chunks[w] = append(chunks[w], RandomChunk(r, 512+r.Intn(4096)))
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*2)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed ^ int64(w)))
			for i, c := range chunks[w] {
				if err := s.Put(ctx, c); err != nil {
					errs <- err
					return
				}
				// Read back one of ours (must be there) and one of someone else's
				// (there or not found, never wrong).
				mine := chunks[w][r.Intn(i+1)]
				if b, err := s.Get(ctx, mine.Hash); err != nil || string(b) != string(mine.Data) {
					errs <- fmt.Errorf("worker %d: Get own chunk: err %v, match %v", w, err, string(b) == string(mine.Data))
					return
				}
				other := chunks[r.Intn(workers)][r.Intn(each)]
				b, err := s.Get(ctx, other.Hash)
				if err != nil && !errors.Is(err, storage.ErrNotFound) || err == nil && string(b) != string(other.Data) {
					errs <- fmt.Errorf("worker %d: Get other chunk: err %v", w, err)
					return
				}
				if i%50 == 49 && w%2 == 0 {
					if err := s.Commit(ctx, nil, nil); err != nil {
						errs <- err
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, cs := range chunks {
		for _, c := range cs {
			mustGet(t, s, c)
		}
	}
}

func testClosed(t *testing.T, s storage.Store) {
	ctx := context.Background()
	c := TextChunk("c")
	commit(t, s, []storage.Chunk{c}, storage.RefUpdate{Name: "r", New: c.Hash})
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	check := func(op string, err error) {
		t.Helper()
		if !errors.Is(err, storage.ErrClosed) {
			t.Errorf("%s after Close: err = %v, want ErrClosed", op, err)
		}
	}
	_, err := s.Get(ctx, c.Hash)
	check("Get", err)
	check("GetMany", s.GetMany(ctx, []hash.Hash{c.Hash}, func(storage.Chunk) {}))
	_, err = s.Has(ctx, c.Hash)
	check("Has", err)
	_, err = s.HasMany(ctx, []hash.Hash{c.Hash})
	check("HasMany", err)
	check("Put", s.Put(ctx, c))
	check("PutMany", s.PutMany(ctx, []storage.Chunk{c}))
	_, _, err = s.Ref(ctx, "r")
	check("Ref", err)
	_, err = s.Refs(ctx, "")
	check("Refs", err)
	check("Commit", s.Commit(ctx, nil, []storage.RefUpdate{{Name: "r", Old: c.Hash}}))
	if sr, ok := s.(storage.StatsReporter); ok {
		_, err = sr.Stats(ctx)
		check("Stats", err)
	}
}
