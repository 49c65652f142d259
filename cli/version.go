package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/dsqldb/dsql/storage"
	"github.com/spf13/cobra"
)

// Version is dsql's release version. Release builds set it at link time:
//
//	go build -ldflags "-X github.com/dsqldb/dsql/cli.Version=1.2.3" ./cmd/dsql
var Version = "0.1.0-dev"

// versionOptions holds the flags of "dsql version" (none yet) and its test seams.
type versionOptions struct {
	// readBuildInfo reads the binary's build information; nil means debug.ReadBuildInfo.
	readBuildInfo func() (*debug.BuildInfo, bool)
}

func newVersionCommand() *cobra.Command {
	var opts versionOptions
	return &cobra.Command{
		Use:   "version",
		Short: "Print dsql's version, storage format and build information",
		Example: `  # Print the version
  dsql version
  dsql --version`,
		Long: `Prints the dsql version, the on-disk storage format version this binary writes, the
Go toolchain it was built with and, when the build recorded it, the source revision.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVersion(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
}

// runVersion prints the version report to stdout, one "key: value" line per fact after a
// first line of the form "dsql version <Version>".
func runVersion(_ context.Context, opts versionOptions, stdout io.Writer) error {
	read := opts.readBuildInfo
	if read == nil {
		read = debug.ReadBuildInfo
	}
	text := fmt.Sprintf("dsql version %s\nstorage format: %d\ngo: %s\n",
		Version, storage.FormatVersion, runtime.Version())
	if rev := vcsRevision(read); rev != "" {
		text += "revision: " + rev + "\n"
	}
	_, err := io.WriteString(stdout, text)
	return err
}

// vcsRevision returns the source revision recorded in the build ("<hash>", with
// " (modified)" for a dirty tree), or "" when the build recorded none (go run, tests,
// -buildvcs=false, a build outside a repository).
func vcsRevision(read func() (*debug.BuildInfo, bool)) string {
	info, ok := read()
	if !ok || info == nil {
		return ""
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return ""
	}
	if modified == "true" {
		rev += " (modified)"
	}
	return rev
}
