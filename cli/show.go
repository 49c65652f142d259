package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// showOptions holds the flags of "dsql show" and its test seams.
type showOptions struct {
	decorate string // --decorate: short, full, no, auto
	noPager  bool   // --no-pager

	dir  string // the repository directory; "" = the current directory
	term termOptions
}

func newShowCommand() *cobra.Command {
	var opts showOptions
	cmd := &cobra.Command{
		Use:   "show [REVISION]",
		Short: "Show a commit: hash, author, date and message",
		Example: `  # The current commit
  dsql show

  # A tag (an annotated one shows its tagger and message first), a branch, an ancestor
  dsql show v1
  dsql show feature~2

  # Same as: SELECT * FROM dsql_log('v1') LIMIT 1`,
		Long: `Prints the header and message of the commit REVISION names (default HEAD): a branch,
tag, commit hash or unique prefix of one, HEAD~n or HEAD^n. For an annotated tag the tag's
tagger, date and message come first. (The table changes of the commit are not shown yet.)

This reads dsql_tags and the dsql_log(...) table function on the repository's embedded
engine.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runShow(cmd.Context(), opts, args, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.decorate, "decorate", "auto", "name the branches and tags of the commit: short, full, no or auto (on a terminal)")
	f.Lookup("decorate").NoOptDefVal = "short"
	f.BoolVar(&opts.noPager, "no-pager", false, "do not page the output")
	return cmd
}

func runShow(ctx context.Context, opts showOptions, args []string, stdout io.Writer) error {
	switch opts.decorate {
	case "", "auto", "short", "full", "no":
	default:
		return usageErrorf("invalid --decorate value %q: want short, full, no or auto", opts.decorate)
	}
	rev := "HEAD"
	if len(args) == 1 {
		rev = args[0]
	}
	return withRepository(ctx, opts.dir, "SELECT * FROM dsql_log('HEAD') LIMIT 1", func(s *vcsSession) error {
		var b strings.Builder
		p := newPainter(stdout, opts.term)
		tsch, trows, err := s.query("SELECT tag_name, tagger, email, date, message FROM dsql_tags WHERE tag_name = ?", rev)
		if err != nil {
			return err
		}
		if len(trows) == 1 && valueOf(tsch, trows[0], "tagger") != nil {
			r := trows[0]
			fmt.Fprintf(&b, "%s %s\n", p.yellow("tag"), str(valueOf(tsch, r, "tag_name")))
			fmt.Fprintf(&b, "Tagger: %s <%s>\n", str(valueOf(tsch, r, "tagger")), str(valueOf(tsch, r, "email")))
			if t, ok := timeOf(valueOf(tsch, r, "date")); ok {
				fmt.Fprintf(&b, "Date:   %s\n", t.Local().Format(gitDate))
			}
			fmt.Fprintf(&b, "\n%s\n\n", strings.TrimRight(str(valueOf(tsch, r, "message")), "\n"))
		}
		stmt, qargs := logQuery([]string{rev}, 1)
		sch, rows, err := s.query(stmt, qargs...)
		if err != nil {
			return err
		}
		entries := logEntries(sch, rows)
		if len(entries) == 0 {
			return fmt.Errorf("revision %q has no commit", rev)
		}
		decorate := opts.decorate
		if decorate == "auto" || decorate == "" {
			decorate = "no"
			if opts.term.terminal(stdout) {
				decorate = "short"
			}
		}
		for _, l := range commitLines(p, entries[0], logFormat{decorate: decorate}) {
			b.WriteString(strings.TrimRight(l, " "))
			b.WriteByte('\n')
		}
		pg := startPager(stdout, opts.noPager, opts.term)
		_, werr := io.WriteString(pg.w, b.String())
		if cerr := pg.Close(); werr == nil {
			werr = cerr
		}
		return werr
	})
}
