package cli

import (
	"bytes"
	"io"
	"testing"
)

// TestDiffColorModes: --color auto follows the terminal and NO_COLOR; always and never
// ignore both.
func TestDiffColorModes(t *testing.T) {
	tty := func(io.Writer) bool { return true }
	pipe := func(io.Writer) bool { return false }
	noColor := func(k string) string {
		if k == envNoColor {
			return "1"
		}
		return ""
	}
	for _, tc := range []struct {
		mode   string
		term   termOptions
		colour bool
	}{
		{"auto", termOptions{isTerminal: tty, getenv: func(string) string { return "" }}, true},
		{"", termOptions{isTerminal: tty, getenv: func(string) string { return "" }}, true},
		{"auto", termOptions{isTerminal: tty, getenv: noColor}, false},
		{"auto", termOptions{isTerminal: pipe}, false},
		{"always", termOptions{isTerminal: pipe, getenv: noColor}, true},
		{"never", termOptions{isTerminal: tty, getenv: func(string) string { return "" }}, false},
	} {
		p, err := colorPainter(tc.mode, &bytes.Buffer{}, tc.term)
		if err != nil {
			t.Fatalf("%q: %v", tc.mode, err)
		}
		if p.on != tc.colour {
			t.Errorf("--color %q (%+v): colour %v, want %v", tc.mode, tc.term, p.on, tc.colour)
		}
	}
	if _, err := colorPainter("sometimes", &bytes.Buffer{}, termOptions{}); err == nil {
		t.Error("--color sometimes: no error")
	}
}
