package pebblestore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/storetest"
)

// quietLogger discards Pebble's log lines in tests.
var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

func mustOpen(t testing.TB, dir string, opts Options) *Store {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quietLogger
	}
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storage.Store {
		return mustOpen(t, "db", Options{FS: vfs.NewMem()})
	})
}

// TestConformanceSpilling runs the suite with a 16 KiB write buffer, so that most Puts
// spill to Pebble unsynced and the suite's reads go through every path.
func TestConformanceSpilling(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storage.Store {
		return mustOpen(t, "db", Options{FS: vfs.NewMem(), BufferBytes: 16 << 10, memTableSize: 1 << 20})
	})
}

func TestConformancePersistentMemFS(t *testing.T) {
	storetest.RunPersistent(t, func(t *testing.T) storetest.Opener {
		fs := vfs.NewMem()
		return func(t *testing.T) storage.Store { return mustOpen(t, "db", Options{FS: fs, BufferBytes: 32 << 10}) }
	})
}

func TestConformancePersistentDisk(t *testing.T) {
	storetest.RunPersistent(t, func(t *testing.T) storetest.Opener {
		dir := filepath.Join(t.TempDir(), "db")
		return func(t *testing.T) storage.Store { return mustOpen(t, dir, Options{}) }
	})
}

// TestKeyLayout pins the documented key layout: it reads the raw Pebble keys a Commit
// wrote.
func TestKeyLayout(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, "db", Options{FS: vfs.NewMem()})
	defer s.Close()
	c := storetest.TextChunk("row data")
	if err := s.Commit(ctx, []storage.Chunk{c}, []storage.RefUpdate{{Name: "refs/heads/main", New: c.Hash}}); err != nil {
		t.Fatal(err)
	}
	it, err := s.db.NewIter(nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for ok := it.First(); ok; ok = it.Next() {
		got = append(got, fmt.Sprintf("%q -> %x", it.Key(), it.Value()))
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		fmt.Sprintf("%q -> %x", append([]byte{'c'}, c.Hash[:]...), c.Data),
		fmt.Sprintf("%q -> %x", "mformat-version", []byte{storage.FormatVersion}),
		fmt.Sprintf("%q -> %x", "rrefs/heads/main", c.Hash[:]),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("raw keys:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"r", "s"}, {"rab", "rac"}, {"r\xff", "s"}, {"ra\xff\xff", "rb"}, {"\xff\xff", ""},
	} {
		if got := string(prefixEnd([]byte(tc.in))); got != tc.want {
			t.Errorf("prefixEnd(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDecodeFormatVersion(t *testing.T) {
	for _, v := range []uint64{1, 2, 127, 128, 1 << 40} {
		got, err := decodeFormatVersion(encodeFormatVersion(v))
		if err != nil || got != v {
			t.Errorf("round trip %d = %d, %v", v, got, err)
		}
	}
	for _, bad := range [][]byte{nil, {0}, {0x80}, {1, 2}} {
		if _, err := decodeFormatVersion(bad); !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("decodeFormatVersion(%x) err = %v, want ErrCorrupt", bad, err)
		}
	}
}

// rawSet writes key=value straight into the Pebble database of a closed store.
func rawSet(t *testing.T, fs vfs.FS, dir string, key, value []byte) {
	t.Helper()
	db, err := pebble.Open(dir, &pebble.Options{FS: fs, Logger: pebbleLogger{&Store{log: quietLogger}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Set(key, value, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFormatVersionNewer(t *testing.T) {
	fs := vfs.NewMem()
	mustOpen(t, "db", Options{FS: fs}).Close()
	rawSet(t, fs, "db", metaKey(metaFormatVersion), encodeFormatVersion(storage.FormatVersion+1))
	_, err := Open("db", Options{FS: fs, Logger: quietLogger})
	if !errors.Is(err, storage.ErrNewerFormat) {
		t.Fatalf("Open of a newer store: err = %v, want ErrNewerFormat", err)
	}
	for _, want := range []string{
		fmt.Sprintf("found format version %d", storage.FormatVersion+1),
		fmt.Sprintf("supports format version %d", storage.FormatVersion),
		"upgrade dsql", "db",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// The refused Open released the lock: a fixed store opens.
	rawSet(t, fs, "db", metaKey(metaFormatVersion), encodeFormatVersion(storage.FormatVersion))
	mustOpen(t, "db", Options{FS: fs}).Close()
}

func TestFormatVersionMissingIsCorrupt(t *testing.T) {
	fs := vfs.NewMem()
	rawSet(t, fs, "db", []byte("some key"), []byte("not dsql"))
	_, err := Open("db", Options{FS: fs, Logger: quietLogger})
	if !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("Open of a non-empty database without marker: err = %v, want ErrCorrupt", err)
	}
	rawSet(t, fs, "db", metaKey(metaFormatVersion), []byte{0x80}) // truncated varint
	if _, err := Open("db", Options{FS: fs, Logger: quietLogger}); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("Open with an undecodable marker: err = %v, want ErrCorrupt", err)
	}
}

// TestFormatVersionWrittenSynced: the marker is in the first synced batch, so even a
// crash right after Open of a new store leaves a store that opens.
func TestFormatVersionWrittenSynced(t *testing.T) {
	fs := vfs.NewCrashableMem()
	s := mustOpen(t, "db", Options{FS: fs})
	clone := fs.CrashClone(vfs.CrashCloneCfg{})
	s.Close()
	s = mustOpen(t, "db", Options{FS: clone})
	defer s.Close()
	v, closer, err := s.db.Get(metaKey(metaFormatVersion))
	if err != nil {
		t.Fatalf("format marker after crash: %v", err)
	}
	defer closer.Close()
	if got, _ := decodeFormatVersion(v); got != storage.FormatVersion {
		t.Fatalf("format marker = %d", got)
	}
}

func TestInUseSameProcess(t *testing.T) {
	for _, tc := range []struct {
		name string
		fs   vfs.FS
		dir  string
	}{
		{"MemFS", vfs.NewMem(), "db"},
		{"Disk", vfs.Default, filepath.Join(t.TempDir(), "db")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustOpen(t, tc.dir, Options{FS: tc.fs})
			_, err := Open(tc.dir, Options{FS: tc.fs, Logger: quietLogger})
			if !errors.Is(err, storage.ErrInUse) {
				t.Fatalf("second Open: err = %v, want ErrInUse", err)
			}
			if !strings.Contains(err.Error(), tc.dir) || !strings.Contains(err.Error(), "another dsql process") {
				t.Errorf("error %q should name the directory and the other process", err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			mustOpen(t, tc.dir, Options{FS: tc.fs}).Close() // released by Close
		})
	}
}

// TestLockReleasedWhenProcessDies runs a child process that opens a store and is then
// killed with SIGKILL: while it lives, Open here fails with ErrInUse; once it is dead,
// Open succeeds with no manual cleanup. Pebble v2 locks DIR/LOCK with fcntl(F_SETLK),
// a lock the kernel releases when the process exits; the LOCK file itself stays.
func TestLockReleasedWhenProcessDies(t *testing.T) {
	if dir := os.Getenv("PEBBLESTORE_HOLD_LOCK_DIR"); dir != "" {
		holdLockHelper(dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := filepath.Join(t.TempDir(), "db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockReleasedWhenProcessDies$")
	cmd.Env = append(os.Environ(), "PEBBLESTORE_HOLD_LOCK_DIR="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("child said %q, %v; want \"locked\"", line, err)
	}
	_, err = Open(dir, Options{Logger: quietLogger})
	if !errors.Is(err, storage.ErrInUse) {
		t.Fatalf("Open while another process holds the store: err = %v, want ErrInUse", err)
	}
	t.Logf("while held: %v", err)
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no Close, no cleanup
		t.Fatal(err)
	}
	_ = cmd.Wait()
	killed = true
	if _, err := os.Stat(filepath.Join(dir, "LOCK")); err != nil {
		t.Fatalf("LOCK file after the crash: %v (expected it to stay, unlocked)", err)
	}
	s := mustOpen(t, dir, Options{})
	h, ok, err := s.Ref(context.Background(), "refs/heads/main")
	if err != nil || !ok || h != storetest.TextChunk("child").Hash {
		t.Fatalf("ref committed by the killed child = %s, %v, %v", h, ok, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// holdLockHelper is the child of TestLockReleasedWhenProcessDies: it opens the store,
// commits one ref, says "locked" and waits to be killed.
func holdLockHelper(dir string) {
	s, err := Open(dir, Options{Logger: quietLogger})
	if err != nil {
		fmt.Println("open failed:", err)
		os.Exit(2)
	}
	c := storetest.TextChunk("child")
	if err := s.Commit(context.Background(), []storage.Chunk{c}, []storage.RefUpdate{{Name: "refs/heads/main", New: c.Hash}}); err != nil {
		fmt.Println("commit failed:", err)
		os.Exit(2)
	}
	fmt.Println("locked")
	time.Sleep(time.Minute)
	os.Exit(3) // never reached in a passing test: the parent kills us
}

// TestOpenCreatesDirectory: Open makes missing parent directories.
func TestOpenCreatesDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b", "db")
	s := mustOpen(t, dir, Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "LOCK")); err != nil {
		t.Fatal(err)
	}
}

// TestStatsDiskBytes checks that Stats sees committed chunks and reports disk use.
func TestStatsDiskBytes(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, "db", Options{FS: vfs.NewMem()})
	defer s.Close()
	gen := newRowGen(1)
	var raw int64
	for i := 0; i < 200; i++ {
		c := storage.NewChunk(gen.chunk(4096))
		raw += int64(len(c.Data))
		if err := s.Put(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Commit(ctx, nil, nil); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Chunks != 200 || st.ChunkBytes != raw || st.DiskBytes <= 0 {
		t.Fatalf("Stats = %+v, want 200 chunks, %d bytes, some disk", st, raw)
	}
}

// TestHasManyDuplicates checks HasMany with repeated absent hashes.
func TestHasManyDuplicates(t *testing.T) {
	s := mustOpen(t, "db", Options{FS: vfs.NewMem()})
	defer s.Close()
	h := hash.Of([]byte("x"))
	absent, err := s.HasMany(context.Background(), []hash.Hash{h, h, h})
	if err != nil || len(absent) != 1 {
		t.Fatalf("HasMany = %v, %v", absent, err)
	}
}
