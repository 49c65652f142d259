package ref

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateBranchName(t *testing.T) {
	good := []string{"main", "feature/x", "v1.2", "a-b_c", "ünïcode", "fix@home", "a.b/c.d", "x.lockx"}
	for _, n := range good {
		if err := ValidateBranchName(n); err != nil {
			t.Errorf("ValidateBranchName(%q) = %v, want nil", n, err)
		}
	}
	bad := map[string]string{
		"":            "empty",
		"-x":          "'-'",
		"a..b":        "..",
		"a b":         "space",
		"a\tb":        "control",
		"a\x7fb":      "control",
		"a~b":         "~",
		"a^b":         "^",
		"a:b":         ":",
		"a?b":         "?",
		"a*b":         "*",
		"a[b":         "[",
		`a\b`:         `\`,
		"x.lock":      ".lock",
		"a/x.lock/b":  ".lock",
		"x/":          "ends with '/'",
		"/x":          "starts with '/'",
		"x.":          "ends with '.'",
		"a//b":        "//",
		".hidden":     "starting with '.'",
		"a/.b":        "starting with '.'",
		"@":           "reserved",
		"HEAD":        "reserved",
		"a@{1}":       "@{",
		"bad\xffutf8": "UTF-8",
	}
	for n, want := range bad {
		err := ValidateBranchName(n)
		if !errors.Is(err, ErrInvalidName) {
			t.Errorf("ValidateBranchName(%q) = %v, want ErrInvalidName", n, err)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateBranchName(%q) = %q, want it to mention %q", n, err, want)
		}
	}
}

func TestConstructorsAndParse(t *testing.T) {
	must := func(n Name, err error) Name {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	cases := []struct {
		n     Name
		s     string
		kind  Kind
		short string
	}{
		{must(NewBranch("main")), "refs/heads/main", BranchKind, "main"},
		{must(NewBranch("a/b")), "refs/heads/a/b", BranchKind, "a/b"},
		{must(NewTag("v1")), "refs/tags/v1", TagKind, "v1"},
		{must(NewWorkingSet("main")), "refs/workingsets/heads/main", WorkingSetKind, "main"},
		{must(NewRemote("origin", "main")), "refs/remotes/origin/main", RemoteKind, "origin/main"},
		{must(NewInternal("gc")), "refs/internal/gc", InternalKind, "gc"},
		{must(NewInternal("HEAD")), "refs/internal/HEAD", InternalKind, "HEAD"},
	}
	for _, c := range cases {
		if c.n.String() != c.s || c.n.Kind() != c.kind || c.n.Short() != c.short {
			t.Errorf("%q: kind %v short %q, want %q %v %q", c.n, c.n.Kind(), c.n.Short(), c.s, c.kind, c.short)
		}
		n, k, err := Parse(c.s)
		if err != nil || n != c.n || k != c.kind {
			t.Errorf("Parse(%q) = %q, %v, %v", c.s, n, k, err)
		}
	}
	ws := must(must(NewBranch("dev")).WorkingSet())
	if ws != "refs/workingsets/heads/dev" {
		t.Errorf("WorkingSet = %q", ws)
	}
	if b := must(ws.Branch()); b != "refs/heads/dev" {
		t.Errorf("Branch = %q", b)
	}
	if _, err := must(NewTag("v1")).WorkingSet(); !errors.Is(err, ErrInvalidName) {
		t.Errorf("tag WorkingSet: %v", err)
	}
	for _, s := range []string{"", "main", "refs/heads/", "refs/heads/a..b", "refs/other/x", "refs/remotes/origin", "refs/tags/-x", "refs/heads/HEAD", "refs/tags/HEAD"} {
		if _, _, err := Parse(s); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Parse(%q) = %v, want ErrInvalidName", s, err)
		}
		if Name(s).Kind() != InvalidKind {
			t.Errorf("Kind(%q) = %v", s, Name(s).Kind())
		}
	}
	if _, err := NewRemote("a/b", "main"); !errors.Is(err, ErrInvalidName) {
		t.Errorf("NewRemote with '/': %v", err)
	}
}
