package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dsqldb/dsql/merkle/ref"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/server"
)

// Environment variables that name the author of commits when no flag does.
const (
	envAuthorName  = "DSQL_AUTHOR_NAME"
	envAuthorEmail = "DSQL_AUTHOR_EMAIL"
)

// initOptions holds the flags of "dsql init" and its test seams.
type initOptions struct {
	name, email string // --name, --email: the initial commit's author ("" = env, config, default)
	branch      string // -b, --initial-branch: the first branch ("" = main)

	dir    string              // the directory to initialise; "" = the current directory
	getenv func(string) string // nil = os.Getenv
}

func newInitCommand() *cobra.Command {
	var opts initOptions
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Make the current directory a dsql repository",
		Example: `  # Make a repository of a new directory
  mkdir inventory && cd inventory && dsql init

  # Name the author of the initial commit
  dsql init --name "Ada Lovelace" --email ada@example.com

  # Call the first branch trunk instead of main
  dsql init -b trunk`,
		Long: `Creates a .dsql directory in the current directory holding an empty database: branch
main at an initial commit. The directory's name becomes the database's name in SQL.

The author of the initial commit comes from --name and --email, else from the
` + envAuthorName + ` and ` + envAuthorEmail + ` environment variables, else from user.name
and user.email of the global configuration (dsql config --global), else from the
operating-system user name (and <user>@localhost). -b names the first branch (default
main). Fails if the directory is already a repository.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInit(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&opts.name, "name", "", "author name of the initial commit (default $"+envAuthorName+" or the OS user)")
	cmd.Flags().StringVar(&opts.email, "email", "", "author email of the initial commit (default $"+envAuthorEmail+" or <user>@localhost)")
	cmd.Flags().StringVarP(&opts.branch, "initial-branch", "b", "", "name of the first branch (default "+repo.DefaultBranch+")")
	return cmd
}

// runInit initialises opts.dir (or the current directory) and prints where.
func runInit(ctx context.Context, opts initOptions, stdout io.Writer) error {
	dir, err := workDir(opts.dir)
	if err != nil {
		return err
	}
	branch := opts.branch
	if branch == "" {
		branch = repo.DefaultBranch
	}
	if err := ref.ValidateBranchName(branch); err != nil {
		return usageErrorf("invalid branch name for -b: %v", err)
	}
	getenv := opts.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	name, email := opts.name, opts.email
	if cfg, err := (globalConfig{getenv: getenv}).read(); err == nil {
		if name == "" && getenv(envAuthorName) == "" {
			name = cfg[keyUserName]
		}
		if email == "" && getenv(envAuthorEmail) == "" {
			email = cfg[keyUserEmail]
		}
	}
	author := authorSignature(name, email, getenv)
	if err := server.InitRepository(ctx, dir, author); err != nil {
		return err
	}
	if branch != repo.DefaultBranch {
		// The store starts on main; rename it (HEAD follows) before anyone else sees it.
		if err := withRepository(ctx, dir, "", func(s *vcsSession) error {
			db, err := s.database()
			if err != nil {
				return err
			}
			return db.Repo().RenameBranch(ctx, repo.DefaultBranch, branch, false)
		}); err != nil {
			return fmt.Errorf("naming the first branch %s: %w", branch, err)
		}
	}
	_, err = fmt.Fprintf(stdout, "Initialized an empty dsql repository in %s (database %s, branch %s)\n",
		filepath.Join(dir, ".dsql"), filepath.Base(dir), branch)
	return err
}

// workDir returns dir as an absolute path, or the current directory when dir is "".
func workDir(dir string) (string, error) {
	if dir == "" {
		return os.Getwd()
	}
	return filepath.Abs(dir)
}

// authorSignature picks the author: flags, then environment, then the OS user.
func authorSignature(name, email string, getenv func(string) string) repo.Signature {
	if getenv == nil {
		getenv = os.Getenv
	}
	if name == "" {
		name = getenv(envAuthorName)
	}
	if email == "" {
		email = getenv(envAuthorEmail)
	}
	login := "dsql"
	if u, err := user.Current(); err == nil && u.Username != "" {
		login = u.Username
	}
	if name == "" {
		name = login
	}
	if email == "" {
		email = strings.ReplaceAll(login, " ", ".") + "@localhost"
	}
	return repo.Signature{Name: name, Email: email}
}
