package cli

import (
	"bytes"
	"strings"
	"testing"
)

// TestWriteLogGraph pins the lanes --graph draws for histories with merges. The entries
// are newest first, as dsql_log returns them.
func TestWriteLogGraph(t *testing.T) {
	e := func(h, msg string, parents ...string) logEntry {
		return logEntry{hash: h, message: msg, parents: parents}
	}
	tests := []struct {
		name    string
		entries []logEntry
		want    string
	}{
		{
			name:    "linear",
			entries: []logEntry{e("c", "third", "b"), e("b", "second", "a"), e("a", "first")},
			want: `
* c third
* b second
* a first
`,
		},
		{
			name: "merge of a side branch",
			entries: []logEntry{
				e("m", "merge", "c1", "c2"),
				e("c2", "on feature", "c0"),
				e("c1", "on main", "c0"),
				e("c0", "base"),
			},
			want: `
*   m merge
|\
| * c2 on feature
* | c1 on main
|/
* c0 base
`,
		},
		{
			name: "two merges, lanes to the right move over",
			entries: []logEntry{
				e("m2", "merge 2", "m1", "x"),
				e("x", "x", "b"),
				e("m1", "merge 1", "a", "y"),
				e("y", "y", "b"),
				e("a", "a", "b"),
				e("b", "base"),
			},
			want: `
*   m2 merge 2
|\
| * x x
* |   m1 merge 1
|\ \
| * | y y
| |/
* | a a
|/
* b base
`,
		},
		{
			name:    "two roots",
			entries: []logEntry{e("b", "b"), e("a", "a")},
			want: `
* b b
* a a
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeLog(&buf, painter{}, tt.entries, logFormat{oneline: true, graph: true, decorate: "no"}); err != nil {
				t.Fatal(err)
			}
			// shortHash keeps these one- and two-letter hashes as they are.
			want := strings.TrimPrefix(tt.want, "\n")
			if got := buf.String(); got != want {
				t.Errorf("graph:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestWriteLogGraphFull checks that the lines of a full-format commit continue its lanes
// and that a merge's "|\" row is drawn beside its second line.
func TestWriteLogGraphFull(t *testing.T) {
	entries := []logEntry{
		{hash: "m", message: "merge", parents: []string{"a", "b"}, author: "A", email: "a@x"},
		{hash: "b", message: "b", parents: []string{"a"}, author: "A", email: "a@x"},
		{hash: "a", message: "a", author: "A", email: "a@x"},
	}
	var buf bytes.Buffer
	if err := writeLog(&buf, painter{}, entries, logFormat{graph: true, decorate: "no"}); err != nil {
		t.Fatal(err)
	}
	want := `*   commit m
|\  Merge: a b
| | Author: A <a@x>
| |
| |     merge
| |
| * commit b
|/  Author: A <a@x>
|
|       b
|
* commit a
  Author: A <a@x>

      a
`
	if got := buf.String(); got != want {
		t.Errorf("graph:\n%s\nwant:\n%s", got, want)
	}
}

func TestDecoration(t *testing.T) {
	tests := []struct{ refs, style, want string }{
		{"", "short", ""},
		{"HEAD -> main, feature, tag: v1", "short", " (HEAD -> main, feature, tag: v1)"},
		{"HEAD -> main, feature, tag: v1", "full", " (HEAD -> refs/heads/main, refs/heads/feature, tag: refs/tags/v1)"},
		{"HEAD -> main", "no", ""},
		{"HEAD, tag: v1", "short", " (HEAD, tag: v1)"},
	}
	for _, tt := range tests {
		if got := decoration(painter{}, tt.refs, tt.style); got != tt.want {
			t.Errorf("decoration(%q, %s) = %q, want %q", tt.refs, tt.style, got, tt.want)
		}
	}
	if got := decoration(painter{on: true}, "HEAD -> main", "short"); !strings.Contains(got, colorReset) {
		t.Errorf("coloured decoration %q has no colour", got)
	}
}
