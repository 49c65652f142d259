package procedures

import (
	"errors"
	"fmt"
	"io"
	"net/mail"
	"runtime/debug"
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/spf13/pflag"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
)

// DefaultVersion is what dsql_version() returns when neither WithVersion nor the binary's
// build information gives a version.
const DefaultVersion = "0.1.0-dev"

// Option configures New and Functions.
type Option func(*config)

type config struct {
	author  repo.Signature // default signature (zero: none)
	version string
}

// WithAuthor sets the default author of commits and tags made when neither --author
// nor the repository's user.name/user.email config says who (the server passes
// backend.Options.Author). Its Time is ignored: commits are dated when they are made.
func WithAuthor(sig repo.Signature) Option { return func(c *config) { c.author = sig } }

// WithVersion sets what dsql_version() returns (the CLI passes cli.Version).
func WithVersion(v string) Option { return func(c *config) { c.version = v } }

func newConfig(opts []Option) *config {
	c := &config{}
	for _, o := range opts {
		o(c)
	}
	if c.version == "" {
		c.version = DefaultVersion
		if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
			c.version = strings.TrimPrefix(info.Main.Version, "v")
		}
	}
	return c
}

// Provider serves the stored procedures. It is immutable after New and safe for
// concurrent use.
type Provider struct {
	reg sql.ExternalStoredProcedureRegistry
}

var _ sql.ExternalStoredProcedureProvider = (*Provider)(nil)

// New returns the provider of dsql's version-control stored procedures, each under its
// dsql_ and dolt_ name; plug it into backend.Options.Extensions.Procedures.
func New(opts ...Option) sql.ExternalStoredProcedureProvider {
	c := newConfig(opts)
	p := &Provider{reg: sql.NewExternalStoredProcedureRegistry()}
	for _, d := range procedureList(c) {
		for _, prefix := range []string{"dsql_", "dolt_"} {
			p.reg.Register(sql.ExternalStoredProcedureDetails{
				Name:     prefix + d.name,
				Schema:   d.schema,
				Function: d.fn,
			})
		}
	}
	return p
}

// ExternalStoredProcedure implements sql.ExternalStoredProcedureProvider.
func (p *Provider) ExternalStoredProcedure(_ *sql.Context, name string, numOfParams int) (*sql.ExternalStoredProcedureDetails, error) {
	return p.reg.LookupByNameAndParamCount(name, numOfParams)
}

// ExternalStoredProcedures implements sql.ExternalStoredProcedureProvider.
func (p *Provider) ExternalStoredProcedures(_ *sql.Context, name string) ([]sql.ExternalStoredProcedureDetails, error) {
	return p.reg.LookupByName(name)
}

// procFunc is the Go form of every procedure: the CLI-style arguments as strings.
type procFunc = func(ctx *sql.Context, args ...string) (sql.RowIter, error)

type procedure struct {
	name   string // without prefix
	schema sql.Schema
	fn     procFunc
}

func statusSchema() sql.Schema {
	return sql.Schema{{Name: "status", Type: types.Int64, Nullable: false}}
}

func procedureList(c *config) []procedure {
	return []procedure{
		{"add", statusSchema(), func(ctx *sql.Context, args ...string) (sql.RowIter, error) { return add(ctx, args) }},
		{"commit", sql.Schema{{Name: "hash", Type: types.LongText, Nullable: true}},
			func(ctx *sql.Context, args ...string) (sql.RowIter, error) { return commit(ctx, c, args) }},
		{"checkout", sql.Schema{
			{Name: "status", Type: types.Int64, Nullable: false},
			{Name: "message", Type: types.LongText, Nullable: true},
		}, func(ctx *sql.Context, args ...string) (sql.RowIter, error) { return checkout(ctx, args) }},
		{"branch", statusSchema(), func(ctx *sql.Context, args ...string) (sql.RowIter, error) { return branch(ctx, args) }},
		{"reset", statusSchema(), func(ctx *sql.Context, args ...string) (sql.RowIter, error) { return reset(ctx, args) }},
		{"tag", statusSchema(), func(ctx *sql.Context, args ...string) (sql.RowIter, error) { return tag(ctx, c, args) }},
		{"merge", mergeSchema(), func(ctx *sql.Context, args ...string) (sql.RowIter, error) { return mergeBranch(ctx, c, args) }},
		{"conflicts_resolve", statusSchema(), func(ctx *sql.Context, args ...string) (sql.RowIter, error) { return conflictsResolve(ctx, args) }},
		{"cherry_pick", pickSchema(), pickProc(c, cherryPickKind)},
		{"revert", pickSchema(), pickProc(c, revertKind)},
	}
}

// ok is the one-row result {status: 0}.
func ok() (sql.RowIter, error) { return sql.RowsToRowIter(sql.Row{int64(0)}), nil }

// env is what a procedure works with: the session and the current database.
type env struct {
	sess *session.Session
	db   *backend.Database
}

// branch returns the branch the session reads and writes in the database.
func (e env) branch(ctx *sql.Context) (string, error) { return e.db.Branch(ctx) }

// resolve resolves a revision relative to the session's branch (what HEAD means).
func (e env) resolve(ctx *sql.Context, spec string) (repo.Commit, error) {
	head := ""
	if c, isRev := e.db.Revision(); isRev {
		if strings.EqualFold(spec, "HEAD") {
			return c, nil
		}
	} else {
		b, err := e.branch(ctx)
		if err != nil {
			return repo.Commit{}, err
		}
		head = b
	}
	c, err := e.db.Repo().ResolveCommit(ctx, spec, head)
	if err != nil {
		return repo.Commit{}, revisionError(spec, err)
	}
	return c, nil
}

func revisionError(spec string, err error) error {
	switch {
	case errors.Is(err, repo.ErrRevisionNotFound):
		return fmt.Errorf("revision %q not found: it is not a branch, tag or commit hash (%w)", spec, err)
	case errors.Is(err, repo.ErrAmbiguousRevision):
		return fmt.Errorf("revision %q is ambiguous; give more characters of the hash: %w", spec, err)
	}
	return err
}

// headRoot returns the session's HEAD commit and its root.
func (e env) headRoot(ctx *sql.Context) (repo.Commit, repo.Root, error) {
	h, err := e.sess.Head(ctx, e.db)
	if err != nil {
		return repo.Commit{}, repo.Root{}, err
	}
	r, err := e.db.Repo().Root(ctx, h.RootHash())
	return h, r, err
}

// current returns the procedure's environment: the session and the current database,
// which must be a database of a dsql provider.
func current(ctx *sql.Context) (env, error) {
	sess, isDsql := ctx.Session.(*session.Session)
	if !isDsql {
		return env{}, fmt.Errorf("dsql procedures need a dsql session, not %T", ctx.Session)
	}
	name := ctx.GetCurrentDatabase()
	if name == "" {
		return env{}, sql.ErrNoDatabaseSelected.New()
	}
	prov := sess.Provider()
	if prov == nil {
		return env{}, errors.New("dsql procedures need a session created with session.WithProvider")
	}
	db, err := prov.Resolve(ctx, name)
	if err != nil {
		return env{}, err
	}
	return env{sess: sess, db: db}, nil
}

// writable is current for procedures that change a branch: read-only revision databases
// are refused.
func writable(ctx *sql.Context, proc string) (env, error) {
	e, err := current(ctx)
	if err != nil {
		return env{}, err
	}
	if e.db.IsReadOnly() {
		_, err := e.db.Branch(ctx)
		return env{}, fmt.Errorf("%s: %w", proc, err)
	}
	return e, nil
}

// flags is a pflag set for one procedure, with its usage line for errors.
type flags struct {
	*pflag.FlagSet
	proc  string // e.g. "dsql_commit"
	usage string
}

func newFlags(proc, usage string) *flags {
	fs := pflag.NewFlagSet(proc, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	return &flags{FlagSet: fs, proc: proc, usage: usage}
}

// parse parses args; errors name the offending flag and show the usage line.
func (f *flags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return f.usageError("")
		}
		return f.usageError("%s", err.Error())
	}
	return nil
}

// usageError returns an error with msg (if any) and the usage line.
func (f *flags) usageError(msg string, a ...any) error {
	if msg == "" {
		return fmt.Errorf("%s: usage: %s", f.proc, f.usage)
	}
	return fmt.Errorf("%s: %s; usage: %s", f.proc, fmt.Sprintf(msg, a...), f.usage)
}

// signature returns who makes a commit or tag now: the --author value if given, else the
// repository's user.name/user.email config, else the configured default author, else the
// SQL user. date, if not zero, is its time.
func signature(ctx *sql.Context, c *config, e env, author string, date time.Time) (repo.Signature, error) {
	var sig repo.Signature
	if author != "" {
		a, err := parseAuthor(author)
		if err != nil {
			return repo.Signature{}, err
		}
		sig = a
	} else {
		cfg, err := e.db.Repo().Config(ctx)
		if err != nil {
			return repo.Signature{}, err
		}
		switch {
		case cfg["user.name"] != "" || cfg["user.email"] != "":
			sig = repo.Signature{Name: cfg["user.name"], Email: cfg["user.email"]}
		case c.author.Name != "" || c.author.Email != "":
			sig = repo.Signature{Name: c.author.Name, Email: c.author.Email}
		default:
			sig = e.sess.SQLUser()
		}
	}
	sig.Time = time.Now()
	if !date.IsZero() {
		sig.Time = date
	}
	return sig, nil
}

// parseAuthor parses "Name <email>".
func parseAuthor(s string) (repo.Signature, error) {
	a, err := mail.ParseAddress(s)
	if err == nil && a.Name != "" {
		return repo.Signature{Name: a.Name, Email: a.Address}, nil
	}
	// mail.ParseAddress is strict about names (dots, unicode quirks); fall back to a split.
	open, end := strings.LastIndex(s, "<"), strings.LastIndex(s, ">")
	if open > 0 && end == len(strings.TrimSpace(s))-1 && end > open {
		name := strings.TrimSpace(s[:open])
		email := strings.TrimSpace(s[open+1 : end])
		if name != "" {
			return repo.Signature{Name: name, Email: email}, nil
		}
	}
	return repo.Signature{}, fmt.Errorf("invalid --author %q: expected the form \"Name <email>\"", s)
}

// parseDate parses a --date value: RFC 3339 or 'YYYY-MM-DD[ HH:MM:SS[.frac]]' (in UTC).
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid --date %q: use RFC 3339 (2024-05-01T10:00:00Z) or 'YYYY-MM-DD HH:MM:SS'", s)
}

// tableList formats table names for messages: "a, b".
func tableList(names []string) string { return strings.Join(names, ", ") }
