package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// branchOptions holds the flags of "dsql branch" and its test seams.
type branchOptions struct {
	all         bool // -a: remote-tracking branches too
	verbose     bool // -v: hash and subject of each branch's head
	showCurrent bool // --show-current
	del         bool // -d
	forceDel    bool // -D (= -d -f)
	move        bool // -m [OLD] NEW
	cp          bool // -c [OLD] NEW
	force       bool // -f
	noPager     bool // --no-pager

	dir  string // the repository directory; "" = the current directory
	term termOptions
}

func newBranchCommand() *cobra.Command {
	var opts branchOptions
	cmd := &cobra.Command{
		Use:   "branch [-a] [-v] | branch [-f] NAME [START] | branch (-d|-D) NAME... | branch (-m|-c) [-f] [OLD] NEW",
		Short: "List, create, rename, copy or delete branches",
		Example: `  # List branches; * marks the current one
  dsql branch
  dsql branch -v

  # Create a branch at the current commit, or at another revision
  dsql branch feature
  dsql branch hotfix v1.2

  # Rename and copy (-f replaces an existing target)
  dsql branch -m feature feature-old
  dsql branch -c main main-backup

  # Delete a merged branch (-D: even if it is not merged)
  dsql branch -d feature-old
  dsql branch -D experiment

  # Same as: CALL dsql_branch('feature') and SELECT * FROM dsql_branches`,
		Long: `Without arguments, lists the branches (from dsql_branches) with * before the current
one; -v adds each head's short hash and subject, -a adds remote-tracking branches.

NAME [START] creates branch NAME at START (a branch, tag, commit hash or HEAD~n; default:
the current commit) without switching to it (see dsql checkout -b). -d deletes branches
that are merged into the current one; -D deletes them anyway. -m renames and -c copies a
branch (the current one when only NEW is given); -f lets create, -m and -c replace an
existing branch. The current branch cannot be deleted: check out another one first.

Changes run CALL dsql_branch(...) with the same flags on the repository's embedded engine.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBranch(cmd.Context(), opts, args, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.all, "all", "a", false, "list remote-tracking branches too")
	f.BoolVarP(&opts.verbose, "verbose", "v", false, "show each branch's head: short hash and subject")
	f.BoolVar(&opts.showCurrent, "show-current", false, "print the current branch's name")
	f.BoolVarP(&opts.del, "delete", "d", false, "delete branches merged into the current one")
	f.BoolVarP(&opts.forceDel, "force-delete", "D", false, "delete branches even if they are not merged (-d --force)")
	f.BoolVarP(&opts.move, "move", "m", false, "rename a branch: [OLD] NEW")
	f.BoolVarP(&opts.cp, "copy", "c", false, "copy a branch: [OLD] NEW")
	f.BoolVarP(&opts.force, "force", "f", false, "replace an existing branch (create, -m, -c); delete unmerged (-d)")
	f.BoolVar(&opts.noPager, "no-pager", false, "do not page the listing")
	return cmd
}

// branchAction is what a branch command line asks for.
type branchAction int

const (
	branchList branchAction = iota
	branchCreate
	branchDelete
	branchMove
	branchCopy
	branchShowCurrent
)

// parseBranch checks the flag combination and returns the action.
func parseBranch(opts branchOptions, args []string) (branchAction, error) {
	n := 0
	for _, b := range []bool{opts.del || opts.forceDel, opts.move, opts.cp, opts.showCurrent} {
		if b {
			n++
		}
	}
	if n > 1 {
		return 0, usageErrorf("-d/-D, -m, -c and --show-current exclude each other: pass one")
	}
	switch {
	case opts.showCurrent:
		if len(args) > 0 {
			return 0, usageErrorf("--show-current takes no arguments")
		}
		return branchShowCurrent, nil
	case opts.del || opts.forceDel:
		if len(args) == 0 {
			return 0, usageErrorf("name the branches to delete: dsql branch -d NAME")
		}
		return branchDelete, nil
	case opts.move || opts.cp:
		if len(args) < 1 || len(args) > 2 {
			flag := "-m"
			if opts.cp {
				flag = "-c"
			}
			return 0, usageErrorf("%s takes [OLD] NEW: dsql branch %s old-name new-name", flag, flag)
		}
		if opts.move {
			return branchMove, nil
		}
		return branchCopy, nil
	case len(args) == 0:
		if opts.force {
			return 0, usageErrorf("-f needs a branch to create, rename, copy or delete")
		}
		return branchList, nil
	case len(args) > 2:
		return 0, usageErrorf("a new branch takes NAME [START], got %d arguments", len(args))
	}
	return branchCreate, nil
}

func runBranch(ctx context.Context, opts branchOptions, args []string, stdout io.Writer) error {
	action, err := parseBranch(opts, args)
	if err != nil {
		return err
	}
	return withRepository(ctx, opts.dir, "CALL dsql_branch('feature')", func(s *vcsSession) error {
		switch action {
		case branchShowCurrent:
			b, err := s.activeBranch()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(stdout, b)
			return err
		case branchList:
			return listBranches(s, opts, stdout)
		case branchDelete:
			return deleteBranches(s, opts, args, stdout)
		}
		var pargs []string
		switch action {
		case branchMove, branchCopy:
			if action == branchMove {
				pargs = append(pargs, "-m")
			} else {
				pargs = append(pargs, "-c")
			}
			if len(args) == 1 { // -m NEW: the current branch
				cur, err := s.activeBranch()
				if err != nil {
					return err
				}
				args = []string{cur, args[0]}
			}
		}
		if opts.force {
			pargs = append(pargs, "-f")
		}
		_, err := s.call("dsql_branch", append(pargs, args...)...)
		return err
	})
}

func deleteBranches(s *vcsSession, opts branchOptions, names []string, stdout io.Writer) error {
	flag := "-d"
	if opts.forceDel {
		flag = "-D"
	}
	for _, name := range names {
		_, rows, err := s.query("SELECT hash FROM dsql_branches WHERE name = ?", name)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return fmt.Errorf("branch %q not found (list the branches with dsql branch)", name)
		}
		pargs := []string{flag}
		if opts.force && !opts.forceDel {
			pargs = append(pargs, "-f")
		}
		if _, err := s.call("dsql_branch", append(pargs, name)...); err != nil {
			return err
		}
		if _, err := fmt.Fprintf(stdout, "Deleted branch %s (was %s).\n", name, shortHash(str(rows[0][0]))); err != nil {
			return err
		}
	}
	return nil
}

// branchLine is one branch of the listing.
type branchLine struct {
	name, hash, subject string
	current, remote     bool
}

func listBranches(s *vcsSession, opts branchOptions, stdout io.Writer) error {
	cur, err := s.activeBranch()
	if err != nil {
		return err
	}
	sch, rows, err := s.query("SELECT name, hash, latest_commit_message FROM dsql_branches ORDER BY name")
	if err != nil {
		return err
	}
	var lines []branchLine
	for _, r := range rows {
		name := str(valueOf(sch, r, "name"))
		lines = append(lines, branchLine{
			name: name, hash: str(valueOf(sch, r, "hash")),
			subject: str(valueOf(sch, r, "latest_commit_message")), current: name == cur,
		})
	}
	if opts.all {
		// Remotes are not there yet in every build: without dsql_remote_branches -a lists
		// the local branches.
		if rsch, rrows, err := s.query("SELECT name, hash, latest_commit_message FROM dsql_remote_branches ORDER BY name"); err == nil {
			for _, r := range rrows {
				lines = append(lines, branchLine{
					name: str(valueOf(rsch, r, "name")), hash: str(valueOf(rsch, r, "hash")),
					subject: str(valueOf(rsch, r, "latest_commit_message")), remote: true,
				})
			}
		}
	}
	pg := startPager(stdout, opts.noPager, opts.term)
	werr := writeBranches(pg.w, newPainter(stdout, opts.term), lines, opts.verbose)
	if cerr := pg.Close(); werr == nil {
		werr = cerr
	}
	return werr
}

// writeBranches prints the listing as git does: "* " before the current branch, two spaces
// before the others; -v aligns the names and adds hash and subject.
func writeBranches(w io.Writer, p painter, lines []branchLine, verbose bool) error {
	width := 0
	for _, l := range lines {
		width = max(width, len(l.name))
	}
	var b strings.Builder
	for _, l := range lines {
		mark, name := "  ", l.name
		switch {
		case l.current:
			mark, name = "* ", p.green(l.name)
		case l.remote:
			name = p.red(l.name)
		}
		if !verbose {
			fmt.Fprintf(&b, "%s%s\n", mark, name)
			continue
		}
		subject, _, _ := strings.Cut(l.subject, "\n")
		pad := strings.Repeat(" ", width-len(l.name))
		fmt.Fprintf(&b, "%s%s%s %s %s\n", mark, name, pad, p.yellow(shortHash(l.hash)), subject)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
