package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// tagOptions holds the flags of "dsql tag" and its test seams.
type tagOptions struct {
	message    string // -m: an annotated tag's message
	messageSet bool
	del        bool // -d NAME...
	verbose    bool // -v: list with hash and message
	author     string
	noPager    bool

	dir    string              // the repository directory; "" = the current directory
	getenv func(string) string // nil = os.Getenv
	term   termOptions
}

func newTagCommand() *cobra.Command {
	var opts tagOptions
	cmd := &cobra.Command{
		Use:   "tag [-v] | tag [-m MESSAGE] NAME [REVISION] | tag -d NAME...",
		Short: "List, create or delete tags",
		Example: `  # Tag the current commit, or another revision
  dsql tag v1
  dsql tag v0.9 HEAD~3

  # An annotated tag, with a message and the tagger from dsql config
  dsql tag -m "First release" v1.0

  # List the tags, with their commits and messages
  dsql tag
  dsql tag -v

  # Delete a tag
  dsql tag -d v0.9

  # Same as: CALL dsql_tag('v1') and SELECT * FROM dsql_tags`,
		Long: `A tag names a commit for good: unlike a branch it never moves. Read a tagged version with
SELECT ... AS OF 'v1', or USE ` + "`db/v1`" + ` (read-only); start a branch at it with
dsql checkout -b NAME v1.

Without arguments, lists the tags. NAME [REVISION] tags REVISION (default HEAD); -m makes
an annotated tag that records the message, the tagger (user.name and user.email from dsql
config) and the time. A name that is already a tag is refused: delete it first with -d.

Changes run CALL dsql_tag(...) on the repository's embedded engine.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.messageSet = cmd.Flags().Changed("message")
			return runTag(cmd.Context(), opts, args, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.message, "message", "m", "", "make an annotated tag with this message")
	f.BoolVarP(&opts.del, "delete", "d", false, "delete the named tags")
	f.BoolVarP(&opts.verbose, "verbose", "v", false, "list tags with their commit and message")
	f.StringVar(&opts.author, "author", "", `the tagger, as "Name <email>" (default: from dsql config)`)
	f.BoolVar(&opts.noPager, "no-pager", false, "do not page the listing")
	return cmd
}

func runTag(ctx context.Context, opts tagOptions, args []string, stdout io.Writer) error {
	switch {
	case opts.del && (opts.messageSet || opts.verbose):
		return usageErrorf("-d takes only tag names: drop -m and -v")
	case opts.del && len(args) == 0:
		return usageErrorf("name the tags to delete: dsql tag -d NAME")
	case !opts.del && len(args) > 2:
		return usageErrorf("a new tag takes NAME [REVISION], got %d arguments", len(args))
	case opts.author != "" && !opts.messageSet:
		return usageErrorf("--author needs -m: only annotated tags record a tagger")
	case len(args) == 0 && opts.messageSet:
		return usageErrorf("-m needs the name of the tag to create: dsql tag -m MESSAGE NAME")
	}
	return withRepository(ctx, opts.dir, "CALL dsql_tag('v1')", func(s *vcsSession) error {
		switch {
		case opts.del:
			for _, name := range args {
				if _, err := s.call("dsql_tag", "-d", name); err != nil {
					return err
				}
				if _, err := fmt.Fprintf(stdout, "Deleted tag '%s'\n", name); err != nil {
					return err
				}
			}
			return nil
		case len(args) == 0:
			return listTags(s, opts, stdout)
		}
		var pargs []string
		if opts.messageSet {
			// Only an annotated tag records a tagger.
			author := opts.author
			if author == "" {
				a, err := s.configuredAuthor(ctx, opts.getenv)
				if err != nil {
					return err
				}
				author = a
			}
			pargs = append(pargs, "-m", opts.message)
			if author != "" {
				pargs = append(pargs, "--author", author)
			}
		}
		_, err := s.call("dsql_tag", append(pargs, args...)...)
		return err
	})
}

// tagLine is one tag of the listing.
type tagLine struct{ name, hash, message string }

func listTags(s *vcsSession, opts tagOptions, stdout io.Writer) error {
	sch, rows, err := s.query("SELECT * FROM dsql_tags ORDER BY tag_name")
	if err != nil {
		return err
	}
	lines := make([]tagLine, 0, len(rows))
	for _, r := range rows {
		lines = append(lines, tagLine{
			name:    str(valueOf(sch, r, "tag_name")),
			hash:    str(valueOf(sch, r, "tag_hash")),
			message: str(valueOf(sch, r, "message")),
		})
	}
	pg := startPager(stdout, opts.noPager, opts.term)
	werr := writeTags(pg.w, newPainter(stdout, opts.term), lines, opts.verbose)
	if cerr := pg.Close(); werr == nil {
		werr = cerr
	}
	return werr
}

// writeTags prints one tag a line; verbose adds the short hash and the message's subject.
func writeTags(w io.Writer, p painter, lines []tagLine, verbose bool) error {
	width := 0
	for _, l := range lines {
		width = max(width, len(l.name))
	}
	var b strings.Builder
	for _, l := range lines {
		if !verbose {
			fmt.Fprintln(&b, l.name)
			continue
		}
		subject, _, _ := strings.Cut(l.message, "\n")
		line := fmt.Sprintf("%s%s %s %s", l.name, strings.Repeat(" ", width-len(l.name)), p.yellow(shortHash(l.hash)), subject)
		fmt.Fprintln(&b, strings.TrimRight(line, " "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
