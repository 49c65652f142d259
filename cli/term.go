package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"golang.org/x/term"
)

// Environment variables that choose the pager of long output.
const (
	envPager     = "DSQL_PAGER" // dsql's own choice; "" falls back to $PAGER
	envPagerStd  = "PAGER"
	envNoColor   = "NO_COLOR" // https://no-color.org: any non-empty value turns colour off
	defaultPager = "less -FRX"
)

// ANSI colours of the version-control verbs, as git uses them.
const (
	colorYellow = "\x1b[33m" // commit hashes
	colorGreen  = "\x1b[32m" // current branch, staged changes
	colorRed    = "\x1b[31m" // unstaged changes
	colorCyan   = "\x1b[36m" // branch names in decorations
	colorBold   = "\x1b[1m"
	colorReset  = "\x1b[0m"
)

// termOptions are the test seams of terminal detection; the zero value looks at the real
// process.
type termOptions struct {
	getenv     func(string) string  // nil = os.Getenv
	isTerminal func(io.Writer) bool // nil = w is an *os.File on a terminal
}

func (o termOptions) env(key string) string {
	if o.getenv != nil {
		return o.getenv(key)
	}
	return os.Getenv(key)
}

func (o termOptions) terminal(w io.Writer) bool {
	if o.isTerminal != nil {
		return o.isTerminal(w)
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// painter colours text when enabled; a disabled painter returns text unchanged, which is
// what output to a pipe or a file gets.
type painter struct{ on bool }

// newPainter colours output to w if w is a terminal and NO_COLOR is not set.
func newPainter(w io.Writer, o termOptions) painter {
	return painter{on: o.terminal(w) && o.env(envNoColor) == ""}
}

func (p painter) paint(color, text string) string {
	if !p.on || text == "" {
		return text
	}
	return color + text + colorReset
}

func (p painter) yellow(s string) string { return p.paint(colorYellow, s) }
func (p painter) green(s string) string  { return p.paint(colorGreen, s) }
func (p painter) red(s string) string    { return p.paint(colorRed, s) }
func (p painter) cyan(s string) string   { return p.paint(colorCyan, s) }
func (p painter) bold(s string) string   { return p.paint(colorBold, s) }

// pagerCommand returns the pager to run for output to w, or "" for none: no pager when
// disabled (--no-pager), when w is not a terminal, or when the chosen pager is "cat" or
// empty. The choice is $DSQL_PAGER, else $PAGER, else "less -FRX".
func pagerCommand(w io.Writer, disabled bool, o termOptions) string {
	if disabled || !o.terminal(w) {
		return ""
	}
	cmd := o.env(envPager)
	if cmd == "" {
		cmd = o.env(envPagerStd)
	}
	if cmd == "" {
		cmd = defaultPager
	}
	if strings.TrimSpace(cmd) == "cat" {
		return ""
	}
	return strings.TrimSpace(cmd)
}

// pager is the destination of a verb's long output: the pager process's stdin, or the
// verb's stdout itself. Close waits for the pager to exit.
type pager struct {
	w    io.Writer
	in   io.WriteCloser
	proc *exec.Cmd
}

// startPager starts the pager pagerCommand chooses, writing to out; with no pager (or one
// that cannot start) writes go straight to out.
func startPager(out io.Writer, disabled bool, o termOptions) *pager {
	command := pagerCommand(out, disabled, o)
	if command == "" {
		return &pager{w: out}
	}
	proc := exec.Command("sh", "-c", command)
	proc.Stdout = out
	proc.Stderr = os.Stderr
	proc.Env = append(os.Environ(), "LESS=FRX", "LV=-c")
	in, err := proc.StdinPipe()
	if err != nil {
		return &pager{w: out}
	}
	if err := proc.Start(); err != nil {
		return &pager{w: out}
	}
	return &pager{w: &pagerWriter{in}, in: in, proc: proc}
}

// pagerWriter swallows the broken pipe of a pager the user quit early (q in less): the
// rest of the output is simply not wanted.
type pagerWriter struct{ w io.Writer }

func (p *pagerWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	if err != nil && (errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed)) {
		return len(b), nil
	}
	return n, err
}

// Close ends the pager's input and waits for the user to leave it.
func (p *pager) Close() error {
	if p.proc == nil {
		return nil
	}
	_ = p.in.Close()
	if err := p.proc.Wait(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil // the pager's own exit status is not dsql's failure
		}
		return fmt.Errorf("pager: %w", err)
	}
	return nil
}
