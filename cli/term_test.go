package cli

import (
	"bytes"
	"io"
	"testing"
)

func TestPagerCommand(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tty := func(io.Writer) bool { return true }
	pipe := func(io.Writer) bool { return false }
	tests := []struct {
		name     string
		disabled bool
		o        termOptions
		want     string
	}{
		{"piped output is never paged", false, termOptions{getenv: env(nil), isTerminal: pipe}, ""},
		{"--no-pager", true, termOptions{getenv: env(nil), isTerminal: tty}, ""},
		{"default", false, termOptions{getenv: env(nil), isTerminal: tty}, "less -FRX"},
		{"$PAGER", false, termOptions{getenv: env(map[string]string{"PAGER": "more"}), isTerminal: tty}, "more"},
		{"$DSQL_PAGER wins", false, termOptions{getenv: env(map[string]string{"PAGER": "more", "DSQL_PAGER": "most -s"}), isTerminal: tty}, "most -s"},
		{"cat means none", false, termOptions{getenv: env(map[string]string{"DSQL_PAGER": "cat"}), isTerminal: tty}, ""},
	}
	for _, tt := range tests {
		if got := pagerCommand(&bytes.Buffer{}, tt.disabled, tt.o); got != tt.want {
			t.Errorf("%s: pagerCommand = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestPagerRunsCommand(t *testing.T) {
	var out bytes.Buffer
	o := termOptions{
		getenv:     func(k string) string { return map[string]string{"DSQL_PAGER": "tr a-z A-Z"}[k] },
		isTerminal: func(io.Writer) bool { return true },
	}
	pg := startPager(&out, false, o)
	if _, err := io.WriteString(pg.w, "paged\n"); err != nil {
		t.Fatal(err)
	}
	if err := pg.Close(); err != nil {
		t.Fatal(err)
	}
	if out.String() != "PAGED\n" {
		t.Errorf("pager output %q, want %q", out.String(), "PAGED\n")
	}
}

func TestPainter(t *testing.T) {
	tty := func(io.Writer) bool { return true }
	on := newPainter(&bytes.Buffer{}, termOptions{getenv: func(string) string { return "" }, isTerminal: tty})
	if got := on.yellow("abc"); got != colorYellow+"abc"+colorReset {
		t.Errorf("yellow on a terminal = %q", got)
	}
	noColor := newPainter(&bytes.Buffer{}, termOptions{getenv: func(k string) string {
		if k == envNoColor {
			return "1"
		}
		return ""
	}, isTerminal: tty})
	if got := noColor.red("abc"); got != "abc" {
		t.Errorf("NO_COLOR: red = %q", got)
	}
	if got := newPainter(&bytes.Buffer{}, termOptions{}).green("abc"); got != "abc" {
		t.Errorf("buffer (not a terminal): green = %q", got)
	}
}
