package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// Configuration keys dsql itself reads.
const (
	keyUserName  = "user.name"
	keyUserEmail = "user.email"
)

// envConfigHome overrides the directory of the global config file (tests set it).
const envConfigHome = "DSQL_CONFIG_HOME"

// globalConfigFile is the name of the global config file inside the config directory.
const globalConfigFile = "config_global.json"

// configOptions holds the flags of "dsql config" and its test seams.
type configOptions struct {
	global, local bool // --global, --local: the scope ("" both: reads merge, writes go local)
	add           bool // --add KEY VALUE
	get           bool // --get KEY
	unset         bool // --unset KEY...
	list          bool // --list

	dir    string              // the repository directory; "" = the current directory
	getenv func(string) string // nil = os.Getenv
}

func newConfigCommand() *cobra.Command {
	var opts configOptions
	cmd := &cobra.Command{
		Use:   "config [--global|--local] (--add KEY VALUE | --get KEY | --unset KEY... | --list)",
		Short: "Read and change dsql's configuration (user.name, user.email, ...)",
		Example: `  # Say who you are: commits are signed with these
  dsql config --global --add user.name "Ada Lovelace"
  dsql config --global --add user.email ada@example.com

  # Use another identity in this repository only
  dsql config --local --add user.email ada@work.example.com

  # Read a value (the repository's own value wins over the global one)
  dsql config --get user.name

  # List every setting, or only the global ones
  dsql config --list
  dsql config --global --list

  # Remove a setting
  dsql config --global --unset user.email`,
		Long: `Reads and changes configuration. The global configuration is a file in the user's
configuration directory (` + "$" + envConfigHome + ` overrides it) and applies to every repository; the
local configuration is stored inside the repository of the current directory and wins over
the global one.

Without --global or --local, --get and --list read both (local values win) and --add and
--unset change the local configuration (run them inside a repository, or pass --global).

Keys: user.name and user.email sign commits and tags; any other key is stored as given.`,
		Args: func(cmd *cobra.Command, args []string) error {
			return checkConfigArgs(opts, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConfig(cmd.Context(), opts, args, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.global, "global", false, "use the global configuration (every repository of this user)")
	f.BoolVar(&opts.local, "local", false, "use the configuration of the repository in the current directory")
	f.BoolVar(&opts.add, "add", false, "set KEY to VALUE")
	f.BoolVar(&opts.get, "get", false, "print the value of KEY")
	f.BoolVar(&opts.unset, "unset", false, "remove the KEYs")
	f.BoolVarP(&opts.list, "list", "l", false, "print every setting as key=value")
	return cmd
}

// checkConfigArgs checks that exactly one action is given, with its number of arguments.
func checkConfigArgs(opts configOptions, args []string) error {
	if opts.global && opts.local {
		return usageErrorf("--global and --local exclude each other: pick one scope")
	}
	n := 0
	for _, b := range []bool{opts.add, opts.get, opts.unset, opts.list} {
		if b {
			n++
		}
	}
	switch {
	case n == 0:
		return usageErrorf("say what to do: --add KEY VALUE, --get KEY, --unset KEY or --list")
	case n > 1:
		return usageErrorf("--add, --get, --unset and --list exclude each other: pass one")
	case opts.add && len(args) != 2:
		return usageErrorf("--add takes a key and a value (dsql config --add user.name \"Ada Lovelace\"), got %d arguments", len(args))
	case opts.get && len(args) != 1:
		return usageErrorf("--get takes one key (dsql config --get user.name), got %d arguments", len(args))
	case opts.unset && len(args) == 0:
		return usageErrorf("--unset takes the keys to remove (dsql config --unset user.email)")
	case opts.list && len(args) != 0:
		return usageErrorf("--list takes no arguments, got %q", args)
	}
	if opts.add && strings.TrimSpace(args[0]) == "" {
		return usageErrorf("the key of --add is empty")
	}
	return nil
}

func runConfig(ctx context.Context, opts configOptions, args []string, stdout io.Writer) error {
	if err := checkConfigArgs(opts, args); err != nil {
		return err
	}
	g := globalConfig{getenv: opts.getenv}
	switch {
	case opts.add || opts.unset:
		update := func(m map[string]string) error {
			if opts.add {
				m[strings.ToLower(args[0])] = args[1]
				return nil
			}
			for _, k := range args {
				delete(m, strings.ToLower(k))
			}
			return nil
		}
		if opts.global {
			return g.update(update)
		}
		return updateLocalConfig(ctx, opts.dir, update)
	case opts.get:
		cfg, err := readConfig(ctx, opts, g)
		if err != nil {
			return err
		}
		v, ok := cfg[strings.ToLower(args[0])]
		if !ok {
			return fmt.Errorf("%s is not set (set it with: dsql config --global --add %s VALUE)", args[0], args[0])
		}
		_, err = fmt.Fprintln(stdout, v)
		return err
	default: // --list
		cfg, err := readConfig(ctx, opts, g)
		if err != nil {
			return err
		}
		keys := make([]string, 0, len(cfg))
		for k := range cfg {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "%s=%s\n", k, cfg[k])
		}
		_, err = io.WriteString(stdout, b.String())
		return err
	}
}

// readConfig reads the scope opts names: global, local, or both merged (local wins).
// Without a scope, a directory that is not a repository reads as global only.
func readConfig(ctx context.Context, opts configOptions, g globalConfig) (map[string]string, error) {
	cfg := map[string]string{}
	if !opts.local {
		gc, err := g.read()
		if err != nil {
			return nil, err
		}
		maps.Copy(cfg, gc)
	}
	if opts.global {
		return cfg, nil
	}
	dir, err := workDir(opts.dir)
	if err != nil {
		return nil, err
	}
	if !opts.local && !isRepository(dir) {
		return cfg, nil
	}
	lc, err := readLocalConfig(ctx, dir)
	if err != nil {
		return nil, err
	}
	maps.Copy(cfg, lc)
	return cfg, nil
}

// readLocalConfig reads the repository-local configuration of the repository in dir.
func readLocalConfig(ctx context.Context, dir string) (map[string]string, error) {
	s, err := openRepository(ctx, dir, "", nil)
	if err != nil {
		return nil, err
	}
	defer s.close()
	db, err := s.database()
	if err != nil {
		return nil, err
	}
	return db.Repo().Config(ctx)
}

// updateLocalConfig changes the repository-local configuration of the repository in dir.
func updateLocalConfig(ctx context.Context, dir string, update func(map[string]string) error) (err error) {
	if dir, err = workDir(dir); err != nil {
		return err
	}
	if !isRepository(dir) {
		return fmt.Errorf("%s is not a dsql repository, so it has no local configuration: "+
			"run this inside a repository, or pass --global", dir)
	}
	s, err := openRepository(ctx, dir, "", nil)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := s.close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	db, err := s.database()
	if err != nil {
		return err
	}
	return db.Repo().UpdateConfig(ctx, update)
}

// globalConfig is the global configuration file, a JSON object of string values in
// $DSQL_CONFIG_HOME, else in <os.UserConfigDir()>/dsql.
type globalConfig struct {
	getenv func(string) string // nil = os.Getenv
}

// path returns the file's path.
func (g globalConfig) path() (string, error) {
	getenv := g.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if d := getenv(envConfigHome); d != "" {
		return filepath.Join(d, globalConfigFile), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the global configuration: %w (set $%s to a directory)", err, envConfigHome)
	}
	return filepath.Join(d, "dsql", globalConfigFile), nil
}

// read returns the global settings; a missing file is an empty configuration.
func (g globalConfig) read() (map[string]string, error) {
	p, err := g.path()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the global configuration: %w", err)
	}
	cfg := map[string]string{}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("the global configuration %s is not a JSON object of strings: %w (fix or remove the file)", p, err)
	}
	return cfg, nil
}

// update applies f to the global settings and writes them back atomically (a temporary
// file renamed over the old one), creating the directory if needed.
func (g globalConfig) update(f func(map[string]string) error) error {
	cfg, err := g.read()
	if err != nil {
		return err
	}
	if err := f(cfg); err != nil {
		return err
	}
	p, err := g.path()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("writing the global configuration: %w", err)
	}
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), globalConfigFile+".*")
	if err != nil {
		return fmt.Errorf("writing the global configuration: %w", err)
	}
	_, werr := tmp.Write(append(data, '\n'))
	if serr := tmp.Sync(); werr == nil {
		werr = serr
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), p)
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing the global configuration %s: %w", p, werr)
	}
	return nil
}
