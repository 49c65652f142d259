package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dsqldb/dsql/server"
)

// TestVerbsWhileServerRuns checks that a verb on a repository another engine holds (as
// dsql sql-server does) fails with advice to go through the server or stop it.
func TestVerbsWhileServerRuns(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "shop")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := runInit(ctx, initOptions{dir: dir, name: "A", email: "a@x"}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	eng, err := server.NewEngine(ctx, server.EngineOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()

	err = runCommit(ctx, commitOptions{dir: dir, message: "m", messageSet: true, author: "A <a@x>"}, &bytes.Buffer{})
	if err == nil {
		t.Fatal("commit succeeded while the repository was held")
	}
	for _, want := range []string{
		"the repository shop is in use by a running dsql sql-server",
		`mysql -h 127.0.0.1 -u root shop -e "CALL dsql_commit('-am', 'message')"`,
		"or stop the server",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if !errors.Is(err, server.ErrInUse) {
		t.Errorf("error %v does not wrap server.ErrInUse", err)
	}
	err = runConfig(ctx, configOptions{dir: dir, local: true, list: true}, nil, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "Stop the server and run this command again") {
		t.Errorf("config --local while held: %v", err)
	}
}

func TestCliError(t *testing.T) {
	tests := []struct{ in, want string }{
		{
			"dsql_branch: cannot delete branch 'main': it is checked out; check out another branch first (CALL dsql_checkout('OTHER'))",
			"cannot delete branch 'main': it is checked out; check out another branch first (dsql checkout OTHER)",
		},
		{
			`dsql_checkout: "v1" is a revision; create a branch at it with dsql_checkout('-b', 'NEW_BRANCH', 'v1')`,
			`"v1" is a revision; create a branch at it with dsql checkout -b NEW_BRANCH v1`,
		},
		{
			"dsql_commit: nothing staged; use dolt_commit('-am', 'a message')",
			`nothing staged; use dsql commit -am "a message"`,
		},
		{"table not found: x", "table not found: x"},
		{"dsql_conflicts_resolve('--ours', 't')", "dsql conflicts resolve --ours t"},
	}
	for _, tt := range tests {
		err := cliError(errors.New(tt.in))
		if err.Error() != tt.want {
			t.Errorf("cliError(%q) = %q, want %q", tt.in, err, tt.want)
		}
	}
	base := errors.New("dsql_add: boom")
	if !errors.Is(cliError(base), base) {
		t.Error("cliError does not wrap the original error")
	}
}

func TestCommitArgs(t *testing.T) {
	tests := []struct {
		opts   commitOptions
		author string
		want   []string
	}{
		{commitOptions{message: "m", messageSet: true}, "A <a@x>", []string{"-m", "m", "--author", "A <a@x>"}},
		{commitOptions{all: true, message: "m", messageSet: true}, "", []string{"-a", "-m", "m"}},
		{commitOptions{all: true, allTables: true, message: "m", messageSet: true}, "", []string{"-A", "-m", "m"}},
		{
			commitOptions{allowEmpty: true, amend: true, date: "2024-01-01", message: "", messageSet: true}, "B <b@y>",
			[]string{"--allow-empty", "--amend", "-m", "", "--author", "B <b@y>", "--date", "2024-01-01"},
		},
		{commitOptions{amend: true}, "", []string{"--amend"}},
	}
	for _, tt := range tests {
		if got := commitArgs(tt.opts, tt.author); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("commitArgs(%+v) = %q, want %q", tt.opts, got, tt.want)
		}
	}
}

func TestCheckoutArgs(t *testing.T) {
	tests := []struct {
		opts    checkoutOptions
		args    []string
		want    []string
		wantErr string
	}{
		{checkoutOptions{dashDashAt: -1}, []string{"feature"}, []string{"--move", "feature"}, ""},
		{checkoutOptions{dashDashAt: -1, newBranch: "f"}, []string{"v1"}, []string{"--move", "-b", "f", "v1"}, ""},
		{checkoutOptions{dashDashAt: -1, resetBranch: "f", force: true}, nil, []string{"--move", "-f", "-B", "f"}, ""},
		{checkoutOptions{dashDashAt: 0}, []string{"t", "u"}, []string{"--move", "--", "t", "u"}, ""},
		{checkoutOptions{dashDashAt: -1}, nil, nil, "name a branch"},
		{checkoutOptions{dashDashAt: -1, newBranch: "a", resetBranch: "b"}, nil, nil, "exclude each other"},
		{checkoutOptions{dashDashAt: -1, newBranch: "a"}, []string{"x", "y"}, nil, "at most one start revision"},
	}
	for _, tt := range tests {
		got, err := checkoutArgs(tt.opts, tt.args)
		if tt.wantErr != "" {
			var uerr *usageError
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &uerr) {
				t.Errorf("checkoutArgs(%+v, %q) error = %v, want a usage error with %q", tt.opts, tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("checkoutArgs(%+v, %q) = %q, %v; want %q", tt.opts, tt.args, got, err, tt.want)
		}
	}
}

func TestResetArgs(t *testing.T) {
	got, err := resetArgs(resetOptions{hard: true}, []string{"HEAD~1"})
	if err != nil || !reflect.DeepEqual(got, []string{"--hard", "HEAD~1"}) {
		t.Errorf("resetArgs(--hard HEAD~1) = %q, %v", got, err)
	}
	got, err = resetArgs(resetOptions{}, []string{"t", "u"})
	if err != nil || !reflect.DeepEqual(got, []string{"t", "u"}) {
		t.Errorf("resetArgs(t u) = %q, %v", got, err)
	}
	if _, err := resetArgs(resetOptions{soft: true, hard: true}, nil); err == nil {
		t.Error("resetArgs(--soft --hard) succeeded")
	}
}

func TestParseBranch(t *testing.T) {
	tests := []struct {
		opts    branchOptions
		args    []string
		want    branchAction
		wantErr bool
	}{
		{branchOptions{}, nil, branchList, false},
		{branchOptions{verbose: true, all: true}, nil, branchList, false},
		{branchOptions{}, []string{"f"}, branchCreate, false},
		{branchOptions{force: true}, []string{"f", "v1"}, branchCreate, false},
		{branchOptions{del: true}, []string{"a", "b"}, branchDelete, false},
		{branchOptions{forceDel: true}, []string{"a"}, branchDelete, false},
		{branchOptions{move: true}, []string{"new"}, branchMove, false},
		{branchOptions{cp: true}, []string{"a", "b"}, branchCopy, false},
		{branchOptions{showCurrent: true}, nil, branchShowCurrent, false},
		{branchOptions{del: true}, nil, 0, true},
		{branchOptions{move: true, del: true}, []string{"a"}, 0, true},
		{branchOptions{move: true}, []string{"a", "b", "c"}, 0, true},
		{branchOptions{}, []string{"a", "b", "c"}, 0, true},
		{branchOptions{force: true}, nil, 0, true},
	}
	for _, tt := range tests {
		got, err := parseBranch(tt.opts, tt.args)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("parseBranch(%+v, %q) = %v, %v; want %v (error %v)", tt.opts, tt.args, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestWriteBranchesAndTags(t *testing.T) {
	var b bytes.Buffer
	lines := []branchLine{
		{name: "feature", hash: "abcdefghijklmnop", subject: "work\nmore"},
		{name: "main", hash: "0123456789abcdef", subject: "init", current: true},
	}
	if err := writeBranches(&b, painter{}, lines, true); err != nil {
		t.Fatal(err)
	}
	if want := "  feature abcdefgh work\n* main    01234567 init\n"; b.String() != want {
		t.Errorf("writeBranches -v:\n%q\nwant\n%q", b.String(), want)
	}
	b.Reset()
	if err := writeBranches(&b, painter{on: true}, lines, false); err != nil {
		t.Fatal(err)
	}
	if want := "  feature\n* " + colorGreen + "main" + colorReset + "\n"; b.String() != want {
		t.Errorf("coloured writeBranches:\n%q\nwant\n%q", b.String(), want)
	}
	b.Reset()
	if err := writeTags(&b, painter{}, []tagLine{{name: "v1", hash: "abcdefghij", message: "release"}, {name: "v10", hash: "0123456789"}}, true); err != nil {
		t.Fatal(err)
	}
	if want := "v1  abcdefgh release\nv10 01234567\n"; b.String() != want {
		t.Errorf("writeTags -v:\n%q\nwant\n%q", b.String(), want)
	}
}

func TestWriteStatusMerging(t *testing.T) {
	var b bytes.Buffer
	err := writeStatus(&b, painter{}, "main", mergeState{merging: true, source: "feature"}, []statusEntry{
		{table: "t", status: "conflict"},
		{table: "u", staged: true, status: "modified"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `On branch main
You have unmerged tables.
  (fix conflicts and run "dsql commit")
  (use "dsql merge --abort" to abort the merge)

Changes to be committed:
  (use "dsql reset <table>..." to unstage)
	modified:         u

Unmerged tables:
  (use "dsql conflicts resolve --ours|--theirs <table>..." to resolve)
	both modified:    t
`
	if b.String() != want {
		t.Errorf("status:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestVerbsIgnoreNestedRepositories: a verb opens the repository it runs in and nothing
// under it, so a nested repository that another engine holds neither slows it down nor
// stops it (server.EngineOptions.SelfOnly).
func TestVerbsIgnoreNestedRepositories(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "shop")
	nested := filepath.Join(dir, "archive")
	for _, d := range []string{dir, nested} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := runInit(ctx, initOptions{dir: d, name: "A", email: "a@x"}, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
	}
	eng, err := server.NewEngine(ctx, server.EngineOptions{DataDir: nested})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	var out bytes.Buffer
	if err := runStatus(ctx, statusOptions{dir: dir}, &out); err != nil {
		t.Fatalf("status with a held nested repository: %v", err)
	}
	if !strings.Contains(out.String(), "On branch main") {
		t.Errorf("status printed %q", out.String())
	}
}
