package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// helpOptions holds the arguments of "dsql help".
type helpOptions struct {
	topic []string // the verb path to explain, e.g. ["version"]; empty means dsql itself
}

// newHelpCommand replaces cobra's default help verb so that an unknown topic is a usage
// error (exit code 2) instead of a silent fallback to the top-level help.
func newHelpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Show the help of dsql or of one of its verbs",
		Example: `  # Overview of dsql and its verbs
  dsql help

  # Help of one verb (same as "dsql version --help")
  dsql help version`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHelp(cmd.Root(), helpOptions{topic: args})
		},
	}
}

// runHelp prints the help of the command that opts.topic names under root, on root's
// output stream.
func runHelp(root *cobra.Command, opts helpOptions) error {
	target, rest, err := root.Find(opts.topic)
	if err != nil || len(rest) > 0 || target == nil {
		return usageErrorf("unknown help topic %q", strings.Join(opts.topic, " "))
	}
	// Flags are normally initialised when a verb runs; the verb named here does not run.
	target.InitDefaultHelpFlag()
	return target.Help()
}
