package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/spf13/cobra"
)

// logOptions holds the flags of "dsql log" and its test seams.
type logOptions struct {
	number     int    // -n: at most this many commits (0: all)
	oneline    bool   // --oneline
	graph      bool   // --graph
	decorate   string // --decorate: short, full, no, auto ("" = auto)
	merges     bool   // --merges: merge commits only
	dashDashAt int    // position of "--" among the arguments, -1 without one
	noPager    bool   // --no-pager

	dir  string // the repository directory; "" = the current directory
	term termOptions
}

func newLogCommand() *cobra.Command {
	var opts logOptions
	cmd := &cobra.Command{
		Use:   "log [-n N] [--oneline] [--graph] [--decorate] [--merges] [REVISION...] [[--] TABLE...]",
		Short: "Show the commit history, newest first",
		Example: `  # The current branch's history
  dsql log
  dsql log -n 5 --oneline

  # Every branch at once, as a graph, with branch and tag names
  dsql log --graph --oneline --decorate main feature

  # Only merge commits; only the commits that changed a table
  dsql log --merges
  dsql log orders
  dsql log main -- orders

  # Commits on feature that main lacks
  dsql log main..feature

  # Same as: SELECT * FROM dsql_log('main..feature')`,
		Long: `Lists the commits reachable from the REVISIONs (default HEAD; a branch, tag, commit
hash, HEAD~n, A..B for the commits of B that A lacks, ^A to exclude A) newest first: hash,
author, date and message. --oneline prints one line per commit, --graph draws the branch
and merge lines to the left, --decorate names the branches and tags pointing at each
commit (default: on a terminal only), --merges keeps merge commits, -n stops after N.

TABLE arguments keep the commits that changed one of those tables compared to their first
parent; put them after -- when a table name could also be read as a revision.

This reads the dsql_log(...) table function on the repository's embedded engine.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dashDashAt = cmd.ArgsLenAtDash()
			return runLog(cmd.Context(), opts, args, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.IntVarP(&opts.number, "number", "n", 0, "show at most N commits")
	f.BoolVar(&opts.oneline, "oneline", false, "one line per commit: short hash and subject")
	f.BoolVar(&opts.graph, "graph", false, "draw the commit graph on the left")
	f.StringVar(&opts.decorate, "decorate", "auto", "name the branches and tags of each commit: short, full, no or auto (on a terminal)")
	f.Lookup("decorate").NoOptDefVal = "short"
	f.BoolVar(&opts.merges, "merges", false, "only merge commits")
	f.BoolVar(&opts.noPager, "no-pager", false, "do not page the output")
	return cmd
}

// logEntry is one commit of the log.
type logEntry struct {
	hash, message, refs string
	author, email       string
	date                time.Time
	parents             []string
}

func runLog(ctx context.Context, opts logOptions, args []string, stdout io.Writer) error {
	switch opts.decorate {
	case "", "auto", "short", "full", "no":
	default:
		return usageErrorf("invalid --decorate value %q: want short, full, no or auto", opts.decorate)
	}
	if opts.number < 0 {
		return usageErrorf("-n wants a non-negative number of commits, got %d", opts.number)
	}
	return withRepository(ctx, opts.dir, "SELECT * FROM dsql_log()", func(s *vcsSession) error {
		revs, tables, err := splitLogArgs(s, args, opts.dashDashAt)
		if err != nil {
			return err
		}
		fargs := append([]string(nil), revs...)
		if opts.merges {
			fargs = append(fargs, "--merges")
		}
		for _, t := range tables {
			fargs = append(fargs, "--tables", t)
		}
		stmt, qargs := logQuery(fargs, opts.number)
		sch, rows, err := s.query(stmt, qargs...)
		if err != nil && len(tables) > 0 && strings.Contains(err.Error(), `"--tables"`) {
			return fmt.Errorf("this build's dsql_log() cannot restrict the log to tables (it has no --tables option yet); "+
				"run dsql log without %s: %w", strings.Join(tables, " "), err)
		}
		if err != nil {
			return err
		}
		entries := logEntries(sch, rows)
		decorate := opts.decorate
		if decorate == "auto" || decorate == "" {
			decorate = "no"
			if opts.term.terminal(stdout) {
				decorate = "short"
			}
		}
		pg := startPager(stdout, opts.noPager, opts.term)
		werr := writeLog(pg.w, newPainter(stdout, opts.term), entries, logFormat{
			oneline: opts.oneline, graph: opts.graph, decorate: decorate,
		})
		if cerr := pg.Close(); werr == nil {
			werr = cerr
		}
		return werr
	})
}

// logQuery is the SELECT over dsql_log(?, ...) with the function's arguments bound, and
// a bound LIMIT for -n.
func logQuery(fargs []string, limit int) (string, []any) {
	ph := make([]string, len(fargs))
	qargs := make([]any, 0, len(fargs)+1)
	for i, a := range fargs {
		ph[i] = "?"
		qargs = append(qargs, a)
	}
	stmt := "SELECT commit_hash, message, refs, parents, author, author_email, author_date " +
		"FROM dsql_log(" + strings.Join(ph, ", ") + ")"
	if limit > 0 {
		stmt += " LIMIT ?"
		qargs = append(qargs, limit)
	}
	return stmt, qargs
}

// splitLogArgs sorts the arguments into revisions and tables: those after -- are tables;
// before it, a name that is a table (and not a branch or tag) is a table, anything else a
// revision.
func splitLogArgs(s *vcsSession, args []string, dashDashAt int) (revs, tables []string, err error) {
	before := args
	if dashDashAt >= 0 {
		before, tables = args[:dashDashAt], args[dashDashAt:]
	}
	for _, a := range before {
		isTable, err := isTableNotRef(s, a)
		if err != nil {
			return nil, nil, err
		}
		if isTable {
			tables = append(tables, a)
		} else {
			revs = append(revs, a)
		}
	}
	return revs, tables, nil
}

// isTableNotRef reports whether name is a table of the working set and not a branch or tag.
func isTableNotRef(s *vcsSession, name string) (bool, error) {
	if strings.ContainsAny(name, ".^~:") || strings.HasPrefix(name, "-") {
		return false, nil
	}
	_, rows, err := s.query("SELECT COUNT(*) FROM information_schema.tables "+
		"WHERE table_schema = DATABASE() AND LOWER(table_name) = LOWER(?)", name)
	if err != nil {
		return false, err
	}
	if len(rows) == 0 || str(rows[0][0]) == "0" {
		return false, nil
	}
	_, rows, err = s.query("SELECT (SELECT COUNT(*) FROM dsql_branches WHERE name = ?) + "+
		"(SELECT COUNT(*) FROM dsql_tags WHERE tag_name = ?)", name, name)
	if err != nil {
		return false, err
	}
	return len(rows) > 0 && str(rows[0][0]) == "0", nil
}

// logEntries reads dsql_log rows.
func logEntries(sch sql.Schema, rows []sql.Row) []logEntry {
	out := make([]logEntry, 0, len(rows))
	for _, r := range rows {
		e := logEntry{
			hash:    str(valueOf(sch, r, "commit_hash")),
			message: str(valueOf(sch, r, "message")),
			refs:    str(valueOf(sch, r, "refs")),
			author:  str(valueOf(sch, r, "author")),
			email:   str(valueOf(sch, r, "author_email")),
		}
		e.date, _ = timeOf(valueOf(sch, r, "author_date"))
		for _, p := range strings.FieldsFunc(str(valueOf(sch, r, "parents")), func(c rune) bool {
			return c == ',' || c == ' '
		}) {
			e.parents = append(e.parents, p)
		}
		out = append(out, e)
	}
	return out
}

// logFormat chooses how writeLog prints.
type logFormat struct {
	oneline, graph bool
	decorate       string // short, full or no
}

// gitDate is git's default date format.
const gitDate = "Mon Jan 2 15:04:05 2006 -0700"

// writeLog prints entries like git log.
func writeLog(w io.Writer, p painter, entries []logEntry, f logFormat) error {
	var b strings.Builder
	var g logGraph
	for i, e := range entries {
		lines := commitLines(p, e, f)
		if !f.oneline && i < len(entries)-1 {
			lines = append(lines, "")
		}
		if !f.graph {
			for _, l := range lines {
				b.WriteString(strings.TrimRight(l, " "))
				b.WriteByte('\n')
			}
			continue
		}
		st := g.step(e.hash, e.parents)
		// The commit's lines sit beside its rows (the commit, a merge's new lanes, lanes
		// joining); rows left over stand alone, lines left over continue the lanes.
		prefixes := []string{st.commit}
		prefixes = append(prefixes, st.after...)
		prefixes = append(prefixes, st.join...)
		width := 0
		for _, pr := range append(prefixes, st.next) {
			width = max(width, len(pr))
		}
		pad := func(s string) string { return s + strings.Repeat(" ", width-len(s)+1) }
		for k, l := range lines {
			prefix := st.next
			if k < len(prefixes) {
				prefix = prefixes[k]
			}
			b.WriteString(strings.TrimRight(pad(prefix)+l, " "))
			b.WriteByte('\n')
		}
		for k := len(lines); k < len(prefixes); k++ {
			b.WriteString(prefixes[k])
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// commitLines are the lines of one commit, without graph.
func commitLines(p painter, e logEntry, f logFormat) []string {
	decor := decoration(p, e.refs, f.decorate)
	if f.oneline {
		subject, _, _ := strings.Cut(e.message, "\n")
		return []string{p.yellow(shortHash(e.hash)) + decor + " " + subject}
	}
	lines := []string{p.yellow("commit "+e.hash) + decor}
	if len(e.parents) > 1 {
		short := make([]string, len(e.parents))
		for i, h := range e.parents {
			short[i] = shortHash(h)
		}
		lines = append(lines, "Merge: "+strings.Join(short, " "))
	}
	lines = append(lines, fmt.Sprintf("Author: %s <%s>", e.author, e.email))
	if !e.date.IsZero() {
		lines = append(lines, "Date:   "+e.date.Local().Format(gitDate))
	}
	lines = append(lines, "")
	for _, l := range strings.Split(strings.TrimRight(e.message, "\n"), "\n") {
		lines = append(lines, "    "+l)
	}
	return lines
}

// decoration is " (HEAD -> main, feature, tag: v1)" for a refs value in the given style,
// or "" for none.
func decoration(p painter, refs, style string) string {
	if refs == "" || style == "no" {
		return ""
	}
	parts := strings.Split(refs, ", ")
	for i, r := range parts {
		switch {
		case strings.HasPrefix(r, "HEAD -> "):
			b := strings.TrimPrefix(r, "HEAD -> ")
			if style == "full" {
				b = "refs/heads/" + b
			}
			parts[i] = p.paint(colorBold+colorCyan, "HEAD -> ") + p.paint(colorBold+colorGreen, b)
		case r == "HEAD":
			parts[i] = p.paint(colorBold+colorCyan, r)
		case strings.HasPrefix(r, "tag: "):
			t := strings.TrimPrefix(r, "tag: ")
			if style == "full" {
				t = "refs/tags/" + t
			}
			parts[i] = p.paint(colorBold+colorYellow, "tag: "+t)
		default:
			if style == "full" {
				r = "refs/heads/" + r
			}
			parts[i] = p.paint(colorBold+colorGreen, r)
		}
	}
	return p.yellow(" (") + strings.Join(parts, p.yellow(", ")) + p.yellow(")")
}
