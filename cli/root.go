package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// rootOptions holds the flags of the bare "dsql" command.
type rootOptions struct {
	version bool // --version: same output as "dsql version"
}

const rootExamples = `  # Make the current directory a repository and run SQL on it
  dsql init
  dsql sql -q "CREATE TABLE t (id INT PRIMARY KEY, name TEXT); SELECT * FROM t"

  # Say who you are, then commit, branch and tag versions of the tables
  dsql config --global --add user.name "Ada Lovelace"
  dsql config --global --add user.email ada@example.com
  dsql commit -Am "First version"
  dsql checkout -b feature
  dsql log --oneline --graph
  dsql tag v1

  # Serve it to MySQL clients (mysql -h 127.0.0.1 -u root)
  dsql sql-server

  # Print dsql's version, storage format and build information
  dsql version
  dsql --version

  # Show the help of one verb
  dsql help version
  dsql version --help`

// newRootCommand builds the whole dsql command tree. Every call returns a fresh tree, so
// tests and concurrent callers never share flag state.
func newRootCommand() *cobra.Command {
	var opts rootOptions
	root := &cobra.Command{
		Use:     "dsql",
		Short:   "Git for tables: a versioned SQL database",
		Example: rootExamples,
		Long: `dsql is being built to keep SQL tables under version control: commits, branches,
diffs and merges of rows, the way Git does for files. It creates repositories (init), runs
SQL on them (sql), serves them over the MySQL protocol (sql-server) and versions them with
git's verbs (config, status, add, commit, reset, log, show, branch, checkout, tag), each
of which runs the same SQL procedure a MySQL client can call (CALL dsql_commit(...));
merges are being built.`,
		// A bare "dsql" prints help; "dsql --version" prints the version.
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.version {
				return runVersion(cmd.Context(), versionOptions{}, cmd.OutOrStdout())
			}
			return cmd.Help()
		},
		SuggestionsMinimumDistance: 2,    // "dsql verson" suggests "version"
		SilenceErrors:              true, // Main prints errors as "dsql: <message>"
		SilenceUsage:               true, // a failing command does not dump its usage
		CompletionOptions: cobra.CompletionOptions{
			DisableDefaultCmd: true, // no completion verb until one is written and tested
		},
	}
	root.Flags().BoolVar(&opts.version, "version", false, "print the version and exit (same as \"dsql version\")")

	root.SetHelpCommand(newHelpCommand())
	root.AddCommand(newVersionCommand())
	root.AddCommand(newInitCommand())
	root.AddCommand(newSQLCommand())
	root.AddCommand(newSQLServerCommand())
	root.AddCommand(newConfigCommand())
	root.AddCommand(newStatusCommand())
	root.AddCommand(newAddCommand())
	root.AddCommand(newResetCommand())
	root.AddCommand(newCommitCommand())
	root.AddCommand(newLogCommand())
	root.AddCommand(newBranchCommand())
	root.AddCommand(newCheckoutCommand())
	root.AddCommand(newTagCommand())
	root.AddCommand(newShowCommand())
	root.AddCommand(newDiffCommand())
	root.AddCommand(newBlameCommand())
	root.AddCommand(newTableCommand())
	root.AddCommand(newDumpCommand())
	root.AddCommand(newMergeCommand())
	root.AddCommand(newConflictsCommand())
	root.AddCommand(newCherryPickCommand())
	root.AddCommand(newRevertCommand())

	root.SetHelpTemplate(helpTemplate)
	root.SetUsageTemplate(usageTemplate)
	markUsageErrors(root)
	return root
}

// markUsageErrors makes every command-line mistake that cobra detects come back from
// Execute as a *usageError, for the whole tree under root: bad or unknown flags, an unknown
// verb, and positional arguments that a verb's Args check rejects.
func markUsageErrors(root *cobra.Command) {
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return asUsageError(err)
	})
	// cobra reports an unknown verb from its default argument check, which it only runs
	// when Args is nil; the root takes over that check so the error can be marked.
	root.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t")
		}
		return asUsageError(errors.New(msg))
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c != root && c.Args != nil {
			check := c.Args
			c.Args = func(cmd *cobra.Command, args []string) error {
				return asUsageError(check(cmd, args))
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// helpTemplate is what --help prints: the one-line summary, then the examples, then the
// long description and cobra's usage block.
const helpTemplate = `{{.Short | trimTrailingWhitespaces}}
{{if .HasExample}}
Examples:
{{.Example}}
{{end}}{{with .Long}}
{{. | trimTrailingWhitespaces}}
{{end}}
{{.UsageString}}`

// usageTemplate is cobra's default usage template without the Examples section, which
// helpTemplate already printed first.
const usageTemplate = `Usage:{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [command]{{end}}{{if gt (len .Aliases) 0}}

Aliases:
  {{.NameAndAliases}}{{end}}{{if .HasAvailableSubCommands}}

Available Commands:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Flags:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Global Flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasHelpSubCommands}}

Additional help topics:{{range .Commands}}{{if .IsAdditionalHelpTopicCommand}}
  {{rpad .CommandPath .CommandPathPadding}} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableSubCommands}}

Use "{{.CommandPath}} [command] --help" for more information about a command.{{end}}
`
