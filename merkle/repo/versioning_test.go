package repo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/ref"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// sigAt is testAuthor at a given time.
func sigAt(at time.Time) Signature { s := testAuthor; s.Time = at; return s }

// commitTable adds an empty table to branch's working set and commits it (committer
// time at) with CommitWorkingSet; parents are the branch head and then extra.
func commitTable(t *testing.T, r *Repo, branch, table string, at time.Time, extra ...Commit) Commit {
	t.Helper()
	ctx := context.Background()
	head, err := r.Branch(ctx, branch)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := r.WorkingSet(ctx, branch)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := NewTable(ctx, r.NodeStore(), simpleSchema(table))
	if err != nil {
		t.Fatal(err)
	}
	root, err := ws.Working().PutTable(ctx, tb)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCommit(root.Hash(), append([]Commit{head}, extra...), sigAt(at), sigAt(at), "add "+table)
	if err != nil {
		t.Fatal(err)
	}
	nws := NewWorkingSet(root, root)
	if err := r.CommitWorkingSet(ctx, branch, head.Hash(), c, ws, nws); err != nil {
		t.Fatal(err)
	}
	return c
}

func mustBranch(t *testing.T, r *Repo, name string) Commit {
	t.Helper()
	c, err := r.Branch(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCommitWorkingSet: a commit moves head and working set together; a stale head or a
// stale working set changes nothing (Compare-and-swap); the result survives a reopen
// (Durability).
func TestCommitWorkingSet(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, open func() storage.Store) {
		s := open()
		r := mustInit(t, s)
		init := mustBranch(t, r, "main")
		c1 := commitTable(t, r, "main", "a", testAuthor.Time.Add(time.Minute))
		if got := mustBranch(t, r, "main"); got.Hash() != c1.Hash() || got.Height() != 2 {
			t.Fatalf("head %s height %d, want %s", got.Hash(), got.Height(), c1.Hash())
		}
		ws, _ := r.WorkingSet(ctx, "main")
		if ws.Working().Hash() != c1.RootHash() || ws.Staged().Hash() != c1.RootHash() {
			t.Fatal("working set not moved with the commit")
		}

		// stale head: build a commit on init, with the current working set
		other, _ := NewCommit(c1.RootHash(), []Commit{init}, testAuthor, testAuthor, "stale")
		ws2 := ws.WithWorking(ws.Staged())
		tb, _ := NewTable(ctx, r.NodeStore(), simpleSchema("z"))
		zr, _ := ws.Working().PutTable(ctx, tb)
		ws2 = ws2.WithWorking(zr)
		for _, tc := range []struct {
			name    string
			oldHead hash.Hash
			oldWS   WorkingSet
		}{
			{"stale head", init.Hash(), ws},
			{"stale working set", c1.Hash(), NewWorkingSet(ws.Staged(), emptied(t, ws.Working()))},
		} {
			err := r.CommitWorkingSet(ctx, "main", tc.oldHead, other, tc.oldWS, ws2)
			if !errors.Is(err, ErrConflict) {
				t.Fatalf("%s: %v, want ErrConflict", tc.name, err)
			}
			if got := mustBranch(t, r, "main"); got.Hash() != c1.Hash() {
				t.Fatalf("%s: head moved", tc.name)
			}
			if cur, _ := r.WorkingSet(ctx, "main"); cur.Hash() != ws.Hash() {
				t.Fatalf("%s: working set moved", tc.name)
			}
		}
		if err := r.CommitWorkingSet(ctx, "no..pe", c1.Hash(), other, ws, ws2); !errors.Is(err, ref.ErrInvalidName) {
			t.Fatalf("invalid branch: %v", err)
		}
		s.Close()
		r2, err := Open(ctx, open())
		if err != nil {
			t.Fatal(err)
		}
		if got := mustBranch(t, r2, "main"); got.Hash() != c1.Hash() {
			t.Fatal("commit lost on reopen")
		}
	})
}

// emptied returns root without its tables.
func emptied(t *testing.T, root Root) Root {
	t.Helper()
	out := root
	for _, n := range root.TableNames() {
		var err error
		if out, err = out.RemoveTable(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestHead: Init records HEAD (InitWith picks the branch); SetHead needs an existing
// branch and is durable; repositories without the ref fall back to DefaultBranch, else
// the first branch.
func TestHead(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, open func() storage.Store) {
		s := open()
		r := mustInit(t, s)
		if h, err := r.Head(ctx); err != nil || h != DefaultBranch {
			t.Fatalf("Head = %q, %v", h, err)
		}
		if err := r.SetHead(ctx, "dev"); !errors.Is(err, ErrBranchNotFound) {
			t.Fatalf("SetHead(dev) before it exists: %v", err)
		}
		if err := r.SetHead(ctx, "a..b"); !errors.Is(err, ref.ErrInvalidName) {
			t.Fatalf("SetHead(a..b): %v", err)
		}
		if err := r.CreateBranch(ctx, "dev", mustBranch(t, r, "main")); err != nil {
			t.Fatal(err)
		}
		if err := r.SetHead(ctx, "dev"); err != nil {
			t.Fatal(err)
		}
		s.Close()
		r2, err := Open(ctx, open())
		if err != nil {
			t.Fatal(err)
		}
		if h, err := r2.Head(ctx); err != nil || h != "dev" {
			t.Fatalf("Head after reopen = %q, %v", h, err)
		}
	})

	t.Run("InitWith", func(t *testing.T) {
		r, err := InitWith(ctx, memstore.New(), testAuthor, InitOptions{Branch: "trunk"})
		if err != nil {
			t.Fatal(err)
		}
		if h, _ := r.Head(ctx); h != "trunk" {
			t.Fatalf("Head = %q", h)
		}
		if bs, _ := r.Branches(ctx); !slices.Equal(bs, []string{"trunk"}) {
			t.Fatalf("Branches = %v", bs)
		}
		if _, err := InitWith(ctx, memstore.New(), testAuthor, InitOptions{Branch: "HEAD"}); !errors.Is(err, ref.ErrInvalidName) {
			t.Fatalf("InitWith(HEAD): %v", err)
		}
	})

	t.Run("fallback", func(t *testing.T) {
		for _, tc := range []struct {
			branches []string // created besides main, before main is deleted if !keepMain
			keepMain bool
			want     string
		}{
			{[]string{"b", "a"}, true, "main"},
			{[]string{"b", "a"}, false, "a"},
			{[]string{"zz"}, false, "zz"},
		} {
			s := memstore.New()
			r := mustInit(t, s)
			head := mustBranch(t, r, "main")
			for _, b := range tc.branches {
				if err := r.CreateBranch(ctx, b, head); err != nil {
					t.Fatal(err)
				}
			}
			dropRef(t, s, headRef.String())
			if !tc.keepMain {
				dropRef(t, s, "refs/heads/main")
				dropRef(t, s, "refs/workingsets/heads/main")
			}
			if h, err := r.Head(ctx); err != nil || h != tc.want {
				t.Errorf("%v keepMain=%v: Head = %q, %v; want %q", tc.branches, tc.keepMain, h, err, tc.want)
			}
		}
	})
}

// dropRef deletes a ref directly in the store, to build old-format repositories.
func dropRef(t *testing.T, s storage.Store, name string) {
	t.Helper()
	ctx := context.Background()
	h, ok, err := s.Ref(ctx, name)
	if err != nil || !ok {
		t.Fatalf("ref %s: %v %v", name, ok, err)
	}
	if err := s.Commit(ctx, nil, []storage.RefUpdate{{Name: name, Old: h}}); err != nil {
		t.Fatal(err)
	}
}

// TestTags: lightweight and annotated tags, duplicates, listing order, deletion.
func TestTags(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, open func() storage.Store) {
		r := mustInit(t, open())
		init := mustBranch(t, r, "main")
		c1 := commitTable(t, r, "main", "a", testAuthor.Time.Add(time.Minute))
		tagger := Signature{Name: "Tess", Email: "t@example.com", Time: time.Date(2025, 1, 2, 3, 4, 5, 6789, time.FixedZone("X", -5*3600))}
		cases := []struct {
			name    string
			at      Commit
			tagger  *Signature
			message string
		}{
			{"v1", init, nil, ""},
			{"release/2", c1, &tagger, "second release\n\nwith notes"},
			{"a-light", c1, nil, "ignored for lightweight tags"},
		}
		for _, tc := range cases {
			if err := r.CreateTag(ctx, tc.name, tc.at, tc.tagger, tc.message); err != nil {
				t.Fatalf("CreateTag(%s): %v", tc.name, err)
			}
		}
		for _, tc := range cases {
			got, err := r.Tag(ctx, tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tc.name || got.Commit != tc.at.Hash() || got.Annotated() != (tc.tagger != nil) {
				t.Errorf("Tag(%s) = %+v", tc.name, got)
			}
			if tc.tagger != nil {
				want := tc.tagger.canonical()
				if got.Message != tc.message || got.Tagger.Name != want.Name || got.Tagger.Email != want.Email || !got.Tagger.Time.Equal(want.Time) {
					t.Errorf("annotated Tag(%s) = %+v", tc.name, got)
				}
				if _, off := got.Tagger.Time.Zone(); off != -5*3600 {
					t.Errorf("tagger offset %d", off)
				}
			} else if got.Message != "" || got.Tagger != (Signature{}) {
				t.Errorf("lightweight Tag(%s) has tagger or message: %+v", tc.name, got)
			}
		}
		err := r.CreateTag(ctx, "v1", c1, nil, "")
		if !errors.Is(err, ErrTagExists) || !strings.Contains(err.Error(), "dsql tag -d v1") {
			t.Fatalf("duplicate tag: %v", err)
		}
		if got, _ := r.Tag(ctx, "v1"); got.Commit != init.Hash() {
			t.Fatal("duplicate CreateTag moved the tag")
		}
		for _, bad := range []string{"", "a..b", "HEAD", "x~1", "-v"} {
			if err := r.CreateTag(ctx, bad, c1, nil, ""); !errors.Is(err, ref.ErrInvalidName) {
				t.Errorf("CreateTag(%q): %v", bad, err)
			}
		}
		tags, err := r.Tags(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tg := range tags {
			names = append(names, tg.Name)
		}
		if !slices.Equal(names, []string{"a-light", "release/2", "v1"}) {
			t.Fatalf("Tags = %v", names)
		}
		if err := r.DeleteTag(ctx, "release/2"); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Tag(ctx, "release/2"); !errors.Is(err, ErrTagNotFound) {
			t.Fatalf("deleted tag: %v", err)
		}
		if err := r.DeleteTag(ctx, "release/2"); !errors.Is(err, ErrTagNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
		if err := r.CreateTag(ctx, "release/2", init, &tagger, "again"); err != nil {
			t.Fatalf("re-create after delete: %v", err)
		}
	})
}

// resolveFixture builds
//
//	main: init ── c1 ── c2 ── m (merge of c2 and d1)
//	                 \        /
//	dev:              d1 ────
//
// with tags light (c1, lightweight), ann (d1, annotated) and a branch "both" at c2 that
// has a tag of the same name at init; commit times are one minute apart.
type resolveFixture struct {
	r                   *Repo
	s                   storage.Store
	init, c1, c2, d1, m Commit
	t0                  time.Time
	nameOf              map[hash.Hash]string
}

func newResolveFixture(t *testing.T, s storage.Store) *resolveFixture {
	t.Helper()
	ctx := context.Background()
	f := &resolveFixture{s: s, r: mustInit(t, s), t0: testAuthor.Time}
	r := f.r
	f.init = mustBranch(t, r, "main")
	f.c1 = commitTable(t, r, "main", "a", f.t0.Add(1*time.Minute))
	if err := r.CreateBranch(ctx, "dev", f.c1); err != nil {
		t.Fatal(err)
	}
	f.c2 = commitTable(t, r, "main", "b", f.t0.Add(2*time.Minute))
	f.d1 = commitTable(t, r, "dev", "d", f.t0.Add(3*time.Minute))
	f.m = commitTable(t, r, "main", "m", f.t0.Add(4*time.Minute), f.d1)
	tagger := sigAt(f.t0)
	for _, tc := range []struct {
		name string
		at   Commit
		sig  *Signature
	}{{"light", f.c1, nil}, {"ann", f.d1, &tagger}, {"both", f.init, nil}} {
		if err := r.CreateTag(ctx, tc.name, tc.at, tc.sig, "m"); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.CreateBranch(ctx, "both", f.c2); err != nil {
		t.Fatal(err)
	}
	f.nameOf = map[hash.Hash]string{f.init.Hash(): "init", f.c1.Hash(): "c1", f.c2.Hash(): "c2", f.d1.Hash(): "d1", f.m.Hash(): "m"}
	return f
}

// TestResolveCommit checks the revision grammar and lookup order.
func TestResolveCommit(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, open func() storage.Store) {
		f := newResolveFixture(t, open())
		r := f.r
		uniq := func(c Commit) string { // shortest unique prefix among the fixture's commits, >= 4
			for n := MinHashPrefix; ; n++ {
				p := c.Hash().String()[:n]
				k := 0
				for h := range f.nameOf {
					if strings.HasPrefix(h.String(), p) {
						k++
					}
				}
				if k == 1 {
					return p
				}
			}
		}
		cases := []struct {
			spec, head string
			want       Commit
			err        error
			msg        string // substring of the error
		}{
			{spec: "HEAD", head: "main", want: f.m},
			{spec: "head", head: "dev", want: f.d1},
			{spec: "HEAD", head: "", want: f.m}, // the repository's Head
			{spec: "@", head: "dev", want: f.d1},
			{spec: "main", want: f.m},
			{spec: "dev", head: "main", want: f.d1},
			{spec: "main~", want: f.c2},
			{spec: "main~1", want: f.c2},
			{spec: "main^", want: f.c2},
			{spec: "main^1", want: f.c2},
			{spec: "main^2", want: f.d1},
			{spec: "main^2~1", want: f.c1},
			{spec: "main^2^", want: f.c1},
			{spec: "main~2", want: f.c1},
			{spec: "main~~", want: f.c1},
			{spec: "main~1~1~1", want: f.init},
			{spec: "HEAD~3", head: "main", want: f.init},
			{spec: "main~0", want: f.m},
			{spec: "main^0", want: f.m},
			{spec: "light", want: f.c1},
			{spec: "ann", want: f.d1},
			{spec: "ann~1", want: f.c1},
			{spec: "both", want: f.c2}, // branch before tag
			{spec: f.c1.Hash().String(), want: f.c1},
			{spec: strings.ToUpper(f.c2.Hash().String()), want: f.c2},
			{spec: f.d1.Hash().String() + "~1", want: f.c1},
			{spec: uniq(f.d1), want: f.d1},
			{spec: strings.ToUpper(uniq(f.init)) + "^0", want: f.init},
			{spec: "HEAD~5", head: "main", err: ErrRevisionNotFound, msg: `"HEAD~5" goes past the first commit (the first-parent history of "HEAD" has 4 commits, so HEAD~3 is the first)`},
			{spec: "dev~9", err: ErrRevisionNotFound, msg: "goes past the first commit"},
			{spec: "main^3", err: ErrRevisionNotFound, msg: "has 2 parent(s)"},
			{spec: "main~1^2", err: ErrRevisionNotFound, msg: "has 1 parent(s)"},
			{spec: "nope", err: ErrRevisionNotFound, msg: "no branch, tag or commit by that name; see `dsql branch`, `dsql tag`, `dsql log`"},
			{spec: "", err: ErrRevisionNotFound},
			{spec: "~1", err: ErrRevisionNotFound},
			{spec: "main~x", err: ErrRevisionNotFound, msg: "ancestry is written"},
			{spec: "main~1a", err: ErrRevisionNotFound},
			{spec: "main~99999999999999999999", err: ErrRevisionNotFound, msg: "bad count"},
			{spec: "abc", err: ErrRevisionNotFound},      // too short for a prefix
			{spec: "vvvvvvvv", err: ErrRevisionNotFound}, // no such prefix
			{spec: f.m.RootHash().String(), err: ErrRevisionNotFound, msg: "a root, not of a commit"},
			{spec: hash.Of([]byte("x")).String(), err: ErrRevisionNotFound},
			{spec: "HEAD", head: "gone", err: ErrBranchNotFound},
		}
		for _, tc := range cases {
			got, err := r.ResolveCommit(ctx, tc.spec, tc.head)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.Contains(fmt.Sprint(err), tc.msg) {
					t.Errorf("ResolveCommit(%q, %q) = %s, %v; want error %v containing %q", tc.spec, tc.head, f.nameOf[got.Hash()], err, tc.err, tc.msg)
				}
				continue
			}
			if err != nil || got.Hash() != tc.want.Hash() {
				t.Errorf("ResolveCommit(%q, %q) = %s, %v; want %s", tc.spec, tc.head, f.nameOf[got.Hash()], err, f.nameOf[tc.want.Hash()])
			}
		}
	})
}

// TestResolveAmbiguousPrefix builds a chain long enough that two commits share a
// MinHashPrefix-character prefix, and checks that the prefix is refused with both
// candidates listed while a longer one resolves.
func TestResolveAmbiguousPrefix(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	r := mustInit(t, s)
	head := mustBranch(t, r, "main")
	byPrefix := map[string]Commit{}
	var a, b Commit
	for i := 0; ; i++ {
		c, err := NewCommit(head.RootHash(), []Commit{head}, testAuthor, testAuthor, fmt.Sprintf("c%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Put(ctx, c.Chunk()); err != nil {
			t.Fatal(err)
		}
		head = c
		p := c.Hash().String()[:MinHashPrefix]
		if prev, ok := byPrefix[p]; ok {
			a, b = prev, c
			break
		}
		byPrefix[p] = c
	}
	old := mustBranch(t, r, "main")
	if err := s.Commit(ctx, nil, []storage.RefUpdate{{Name: "refs/heads/main", Old: old.Hash(), New: head.Hash()}}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d commits until a shared prefix", head.Height())
	p := a.Hash().String()[:MinHashPrefix]
	_, err := r.ResolveCommit(ctx, p, "main")
	if !errors.Is(err, ErrAmbiguousRevision) || !strings.Contains(err.Error(), a.Hash().String()) || !strings.Contains(err.Error(), b.Hash().String()) {
		t.Fatalf("ambiguous prefix %s: %v", p, err)
	}
	long := a.Hash().String()[:12]
	if got, err := r.ResolveCommit(ctx, long, "main"); err != nil || got.Hash() != a.Hash() {
		t.Fatalf("prefix %s: %v", long, err)
	}
}

// TestCommitAsOf walks the first-parent chain by committer time.
func TestCommitAsOf(t *testing.T) {
	ctx := context.Background()
	f := newResolveFixture(t, memstore.New())
	for _, tc := range []struct {
		at   time.Duration // after t0
		want Commit
	}{
		{0, f.init},
		{30 * time.Second, f.init},
		{time.Minute, f.c1},
		{3*time.Minute + 59*time.Second, f.c2}, // d1 (3m) is not on main's first-parent chain
		{4 * time.Minute, f.m},
		{time.Hour, f.m},
	} {
		got, err := f.r.CommitAsOf(ctx, f.m, f.t0.Add(tc.at))
		if err != nil || got.Hash() != tc.want.Hash() {
			t.Errorf("CommitAsOf(t0+%v) = %s, %v; want %s", tc.at, f.nameOf[got.Hash()], err, f.nameOf[tc.want.Hash()])
		}
	}
	if _, err := f.r.CommitAsOf(ctx, f.m, f.t0.Add(-time.Microsecond)); !errors.Is(err, ErrRevisionNotFound) {
		t.Fatalf("before the first commit: %v", err)
	}
}

// TestNewKindsEncoding pins the tag, head and config encodings and checks that their
// decoders refuse values the encoders never write (Content addressing).
func TestNewKindsEncoding(t *testing.T) {
	c, err := NewCommit(hash.Of([]byte("root")), nil, testAuthor, testAuthor, "m")
	if err != nil {
		t.Fatal(err)
	}
	golden := []struct {
		name string
		data []byte
		want string
	}{
		{"tag", encodeTagData(tagData{commit: c.Hash(), name: "v1", tagger: testAuthor.canonical(), message: "release"}), "vsgts78ohkcenbgfa8pkkqjamuscro5r"},
		{"head", encodeHead("main"), "cf37je2quim3reu6d78qlloqo04bedt1"},
		{"config", encodeConfig([]configEntry{{"user.email", "a@x"}, {"user.name", "Ada"}}), "gdufg1knqptvoaq2heh31h5b263jiiof"},
	}
	for _, g := range golden {
		if got := hash.Of(g.data).String(); got != g.want {
			t.Errorf("%s chunk hash %s, want %s", g.name, got, g.want)
		}
	}
	td, err := decodeTagData(golden[0].data)
	if err != nil || td.commit != c.Hash() || td.name != "v1" || td.message != "release" || !td.tagger.Time.Equal(testAuthor.Time) {
		t.Fatalf("tag round trip: %+v, %v", td, err)
	}
	if kids, err := ChildHashes(golden[0].data); err != nil || len(kids) != 1 || kids[0] != c.Hash() {
		t.Fatalf("tag children %v, %v", kids, err)
	}
	for _, bad := range []struct {
		name string
		data []byte
	}{
		{"head with invalid name", encodeHead("a..b")},
		{"head with empty name", encodeHead("")},
		{"tag with invalid name", encodeTagData(tagData{commit: c.Hash(), name: "HEAD"})},
		{"config unsorted", encodeConfig([]configEntry{{"b", "1"}, {"a", "2"}})},
		{"config duplicate key", encodeConfig([]configEntry{{"a", "1"}, {"a", "2"}})},
		{"config empty key", encodeConfig([]configEntry{{"", "1"}})},
		{"config empty", encodeConfig(nil)},
	} {
		if _, err := ChildHashes(bad.data); !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("%s accepted: %v", bad.name, err)
		}
	}
}
