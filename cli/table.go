package cli

import (
	"github.com/spf13/cobra"
)

// newTableCommand is "dsql table": import, export (and later ls, rm, mv, cp).
func newTableCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "table",
		Short: "Import, export and manage the tables of the repository here",
		Example: `  # Create a table from a CSV file (column types inferred, first column the key)
  dsql table import -c people people.csv

  # Export it again, from the working set or from any revision
  dsql table export people people.csv
  dsql table export --rev v1 people people-v1.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newTableImportCommand())
	cmd.AddCommand(newTableExportCommand())
	return cmd
}
