package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

// statusOptions holds the flags of "dsql status" and its test seams.
type statusOptions struct {
	noPager bool // --no-pager

	dir  string // the repository directory; "" = the current directory
	term termOptions
}

func newStatusCommand() *cobra.Command {
	var opts statusOptions
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the branch and which tables are staged, changed or new",
		Example: `  # What would dsql commit record, and what would it leave out?
  dsql status

  # The same as rows: SELECT * FROM dsql_status`,
		Long: `Prints the current branch, the tables staged for the next commit ("Changes to be
committed"), the tables changed since then but not staged ("Changes not staged for
commit"), new tables never staged ("Untracked tables"), and during a merge the tables
with conflicts ("Unmerged tables").

This reads the dsql_status table on the repository's embedded engine.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStatus(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&opts.noPager, "no-pager", false, "do not page the output")
	return cmd
}

// statusEntry is one row of dsql_status.
type statusEntry struct {
	table  string
	staged bool
	status string // 'new table', 'modified', 'deleted', 'renamed', 'conflict', ...
}

// mergeState is the part of dsql_merge_status status prints.
type mergeState struct {
	merging bool
	source  string
}

func runStatus(ctx context.Context, opts statusOptions, stdout io.Writer) error {
	return withRepository(ctx, opts.dir, "SELECT * FROM dsql_status", func(s *vcsSession) error {
		branch, err := s.activeBranch()
		if err != nil {
			return err
		}
		sch, rows, err := s.query("SELECT table_name, staged, status FROM dsql_status")
		if err != nil {
			return err
		}
		entries := make([]statusEntry, 0, len(rows))
		for _, r := range rows {
			entries = append(entries, statusEntry{
				table:  str(valueOf(sch, r, "table_name")),
				staged: truthy(valueOf(sch, r, "staged")),
				status: str(valueOf(sch, r, "status")),
			})
		}
		var ms mergeState
		// dsql_merge_status may not exist yet; status works without it.
		if msch, mrows, err := s.query("SELECT * FROM dsql_merge_status"); err == nil && len(mrows) > 0 {
			ms.merging = truthy(valueOf(msch, mrows[0], "is_merging"))
			ms.source = str(valueOf(msch, mrows[0], "source"))
		}
		pg := startPager(stdout, opts.noPager, opts.term)
		werr := writeStatus(pg.w, newPainter(stdout, opts.term), branch, ms, entries)
		if cerr := pg.Close(); werr == nil {
			werr = cerr
		}
		return werr
	})
}

// writeStatus prints status in git's words.
func writeStatus(w io.Writer, p painter, branch string, ms mergeState, entries []statusEntry) error {
	var staged, unstaged, untracked, unmerged []statusEntry
	for _, e := range entries {
		switch {
		case e.status == "conflict" || e.status == "schema conflict" || e.status == "constraint violation":
			unmerged = append(unmerged, e)
		case e.staged:
			staged = append(staged, e)
		case e.status == "new table":
			untracked = append(untracked, e)
		default:
			unstaged = append(unstaged, e)
		}
	}
	for _, l := range [][]statusEntry{staged, unstaged, untracked, unmerged} {
		sort.SliceStable(l, func(i, j int) bool { return l[i].table < l[j].table })
	}

	var b strings.Builder
	fmt.Fprintf(&b, "On branch %s\n", branch)
	if ms.merging {
		if len(unmerged) > 0 {
			b.WriteString("You have unmerged tables.\n" +
				"  (fix conflicts and run \"dsql commit\")\n" +
				"  (use \"dsql merge --abort\" to abort the merge)\n")
		} else {
			b.WriteString("All conflicts fixed but you are still merging.\n" +
				"  (use \"dsql commit\" to conclude merge)\n")
		}
	}
	section := func(title string, hints []string, list []statusEntry, label func(statusEntry) string, color func(string) string) {
		if len(list) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s\n", title)
		for _, h := range hints {
			fmt.Fprintf(&b, "  (%s)\n", h)
		}
		for _, e := range list {
			fmt.Fprintf(&b, "\t%s\n", color(fmt.Sprintf("%-17s %s", label(e)+":", e.table)))
		}
	}
	plain := func(e statusEntry) string { return e.status }
	section("Changes to be committed:", []string{`use "dsql reset <table>..." to unstage`}, staged, plain, p.green)
	section("Unmerged tables:", []string{`use "dsql conflicts resolve --ours|--theirs <table>..." to resolve`}, unmerged,
		func(e statusEntry) string {
			if e.status == "conflict" {
				return "both modified"
			}
			return e.status
		}, p.red)
	section("Changes not staged for commit:", []string{
		`use "dsql add <table>" to update what will be committed`,
		`use "dsql checkout <table>" to discard changes in working directory`,
	}, unstaged, plain, p.red)
	section("Untracked tables:", []string{`use "dsql add <table>" to include in what will be committed`},
		untracked, plain, p.red)
	if len(entries) == 0 && !ms.merging {
		b.WriteString("nothing to commit, working tree clean\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
