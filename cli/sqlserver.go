package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/spf13/cobra"

	"github.com/dsqldb/dsql/server"
)

// sqlServerOptions holds the flags of "dsql sql-server". A flag that was not given leaves
// the config file's (or the default) value alone; the pointers are nil then.
type sqlServerOptions struct {
	configFile     string
	host           *string
	port           *int
	maxConnections *uint64
	readOnly       *bool
	logLevel       *string

	dir    string              // the data directory when the config names none; "" = cwd
	getenv func(string) string // nil = os.Getenv
	// ready, if set, is called with the server once it accepts connections (tests).
	ready func(*server.Server)
}

func newSQLServerCommand() *cobra.Command {
	var opts sqlServerOptions
	var (
		host, logLevel string
		port           int
		maxConns       uint64
		readOnly       bool
	)
	cmd := &cobra.Command{
		Use:   "sql-server",
		Short: "Serve the repositories here over the MySQL protocol",
		Example: `  # Serve the current directory on 127.0.0.1:3306, then connect with a MySQL client
  dsql sql-server
  mysql -h 127.0.0.1 -P 3306 -u root

  # Another port, reachable from other machines, refusing writes
  dsql sql-server --host 0.0.0.0 --port 13306 --read-only

  # Settings from a YAML file (flags override it)
  dsql sql-server --config server.yaml --log-level debug`,
		Long: `Serves the repository in the current directory and every repository in its
subdirectories as MySQL databases (each named after its directory). Clients connect as
root without a password from the local machine unless the config file's users say
otherwise; CREATE USER and GRANT are stored in .dsqlcfg/privileges.db.

The config file is YAML (unknown keys are errors):

  listener:
    host: 127.0.0.1
    port: 3306
    max_connections: 100
    tls_cert: server.crt        # with tls_key: offer TLS
    tls_key: server.key
    require_secure_transport: false
  read_only: false
  log_level: info               # debug, info, warn, error
  data_dir: .                   # relative to the file; default: the current directory
  users:
    - name: root
      password: ""
      host: localhost           # "%" for any host

SIGINT or SIGTERM stops the server gracefully: no new connections or statements, up to
10 s for running statements to finish, then the stores are closed; the exit code is 0.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			if f.Changed("host") {
				opts.host = &host
			}
			if f.Changed("port") {
				opts.port = &port
			}
			if f.Changed("max-connections") {
				opts.maxConnections = &maxConns
			}
			if f.Changed("read-only") {
				opts.readOnly = &readOnly
			}
			if f.Changed("log-level") {
				opts.logLevel = &logLevel
			}
			return runSQLServer(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.configFile, "config", "", "YAML config file")
	f.StringVar(&host, "host", server.DefaultHost, "address to listen on")
	f.IntVar(&port, "port", server.DefaultPort, "TCP port to listen on (0: any free port)")
	f.Uint64Var(&maxConns, "max-connections", server.DefaultMaxConnections, "maximum simultaneous connections")
	f.BoolVar(&readOnly, "read-only", false, "refuse statements that write")
	f.StringVar(&logLevel, "log-level", server.DefaultLogLevel, "log level: debug, info, warn, error")
	return cmd
}

// runSQLServer serves until ctx is cancelled (SIGINT/SIGTERM), then stops gracefully.
func runSQLServer(ctx context.Context, opts sqlServerOptions, stdout, stderr io.Writer) error {
	cfg := server.DefaultConfig()
	if opts.configFile != "" {
		var err error
		if cfg, err = server.LoadConfig(opts.configFile); err != nil {
			return err
		}
	}
	if cfg.DataDir == "" {
		dir, err := workDir(opts.dir)
		if err != nil {
			return err
		}
		cfg.DataDir = dir
	}
	if opts.host != nil {
		cfg.Listener.Host = *opts.host
	}
	if opts.port != nil {
		cfg.Listener.Port = *opts.port
	}
	if opts.maxConnections != nil {
		cfg.Listener.MaxConnections = *opts.maxConnections
	}
	if opts.readOnly != nil {
		cfg.ReadOnly = *opts.readOnly
	}
	if opts.logLevel != nil {
		cfg.LogLevel = *opts.logLevel
	}
	if err := cfg.Validate(); err != nil {
		return asUsageError(err)
	}

	srv, err := server.New(ctx, cfg, server.Options{Log: stderr, Author: authorSignature("", "", opts.getenv)})
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		_ = srv.Close()
		return err
	}
	var names []string
	for _, db := range srv.Engine().Provider.AllDatabases(sql.NewEmptyContext()) {
		names = append(names, db.Name())
	}
	sort.Strings(names)
	dbs := strings.Join(names, ", ")
	if dbs == "" {
		dbs = "none yet; CREATE DATABASE makes one"
	}
	if _, err := fmt.Fprintf(stdout, "dsql sql-server listening on %s (data directory %s; databases: %s)\n",
		srv.Addr(), cfg.DataDir, dbs); err != nil {
		_ = srv.Close()
		return err
	}
	if opts.ready != nil {
		opts.ready(srv)
	}
	<-ctx.Done()
	return srv.Close()
}
