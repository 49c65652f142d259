package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/vt/sqlparser"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/server"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
)

// The version-control verbs hold no version-control logic: each opens the repository's
// embedded engine (the one dsql sql runs) and calls the SQL surface, the same procedures,
// system tables and table functions a MySQL client would use, always with bound
// parameters. So a verb and its procedure cannot drift apart.

// vcsSession is one SQL session on the embedded engine of the repository in a directory,
// on the repository's checked-out branch. It is not safe for concurrent use; close it
// after the last query.
type vcsSession struct {
	eng    *server.Engine
	remote *remoteSession // set instead of eng when a running server holds the repository
	ctx    *sql.Context
	dbName string // the repository's database name (the directory's base name)
}

// isRepository reports whether dir holds a dsql repository.
func isRepository(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, backend.RepoDir))
	return err == nil && fi.IsDir()
}

// errNotRepository explains how to make one.
func errNotRepository(dir string) error {
	return fmt.Errorf("%s is not a dsql repository: run dsql init there first, or cd into a repository", dir)
}

// openRepository opens the repository in dir (the current directory for "") through the
// embedded engine. sqlHint is the statement that does the verb's work through a running
// server (e.g. "CALL dsql_commit('-am', 'message')"), named in the error when a server
// holds the repository; "" says only to stop the server.
func openRepository(ctx context.Context, dir, sqlHint string, author *repo.Signature) (*vcsSession, error) {
	dir, err := workDir(dir)
	if err != nil {
		return nil, err
	}
	if !isRepository(dir) {
		return nil, errNotRepository(dir)
	}
	traceStep("open: find repository")
	logger, err := server.NewLogger(os.Stderr, "error")
	if err != nil {
		return nil, err
	}
	// SelfOnly: a verb acts on this repository alone, so the engine neither scans nor
	// opens the directories under it.
	eopts := server.EngineOptions{DataDir: dir, Logger: logger, SelfOnly: true}
	if author != nil {
		eopts.Author = *author
	} else if sig, ok := userIdentity(os.Getenv); ok {
		// Commits made by the verbs are committed by the user (the procedures prefer the
		// repository's user.name/user.email, then this, then the SQL user).
		eopts.Author = sig
	}
	traceStep("open: identity, logger")
	eng, err := server.NewEngine(ctx, eopts)
	traceStep("open: engine")
	if errors.Is(err, server.ErrInUse) {
		if s, rerr := openRemote(ctx, dir); rerr == nil {
			return s, nil
		}
		return nil, inUseError(dir, sqlHint, err)
	}
	if err != nil {
		return nil, err
	}
	if eng.DefaultDatabase == "" {
		_ = eng.Close()
		return nil, errNotRepository(dir)
	}
	return &vcsSession{eng: eng, ctx: eng.NewContext(ctx), dbName: eng.DefaultDatabase}, nil
}

// inUseError says that another process (normally dsql sql-server) has the repository open
// and how to do the same work anyway.
func inUseError(dir, sqlHint string, err error) error {
	db := filepath.Base(dir)
	var b strings.Builder
	fmt.Fprintf(&b, "the repository %s is in use by a running dsql sql-server (or another dsql process), "+
		"so this command cannot open it.\n", db)
	if sqlHint != "" {
		fmt.Fprintf(&b, "Run it through the server instead, for example:\n"+
			"    mysql -h 127.0.0.1 -u root %s -e \"%s\"\n"+
			"or stop the server and run this command again.\n", db, sqlHint)
	} else {
		b.WriteString("Stop the server and run this command again.\n")
	}
	return fmt.Errorf("%s(%w)", b.String(), err)
}

// close ends the session and closes the engine, releasing the repository.
func (s *vcsSession) close() error {
	if s.remote != nil {
		return s.remote.close()
	}
	return s.eng.Close()
}

// database returns the repository's database.
func (s *vcsSession) database() (*backend.Database, error) {
	if s.remote != nil {
		return nil, errServerHoldsConfig
	}
	db, ok := s.eng.Provider.Lookup(s.dbName)
	if !ok {
		return nil, fmt.Errorf("database %s not found", s.dbName)
	}
	return db, nil
}

// query runs one statement with its ? placeholders bound to args (strings, integers,
// booleans) and returns the whole result.
func (s *vcsSession) query(stmt string, args ...any) (sql.Schema, []sql.Row, error) {
	if s.remote != nil {
		sch, rows, err := s.remote.query(s.ctx, stmt, args...)
		return sch, rows, cliError(err)
	}
	bindings := make(map[string]sqlparser.Expr, len(args))
	for i, a := range args {
		e, err := bindValue(a)
		if err != nil {
			return nil, nil, err
		}
		bindings["v"+strconv.Itoa(i+1)] = e
	}
	sch, iter, _, err := s.eng.SQL.QueryWithBindings(s.ctx, stmt, nil, bindings, nil)
	if err != nil {
		return nil, nil, cliError(err)
	}
	rows, err := sql.RowIterToRows(s.ctx, iter)
	if err != nil {
		return nil, nil, cliError(err)
	}
	traceStep("query " + traceStmt(stmt))
	return sch, rows, nil
}

// bindValue turns a Go value into the literal a bind variable carries.
func bindValue(v any) (sqlparser.Expr, error) {
	switch v := v.(type) {
	case string:
		return sqlparser.NewStrVal([]byte(v)), nil
	case int:
		return sqlparser.NewIntVal([]byte(strconv.Itoa(v))), nil
	case int64:
		return sqlparser.NewIntVal([]byte(strconv.FormatInt(v, 10))), nil
	case bool:
		return sqlparser.BoolVal(v), nil
	default:
		return nil, fmt.Errorf("cli: cannot bind a %T", v)
	}
}

// call runs CALL <proc>(?, ?, ...) with one bound string per argument. proc is a
// procedure name from this package, never user input.
func (s *vcsSession) call(proc string, args ...string) ([]sql.Row, error) {
	ph := make([]string, len(args))
	vals := make([]any, len(args))
	for i, a := range args {
		ph[i] = "?"
		vals[i] = a
	}
	_, rows, err := s.query("CALL "+proc+"("+strings.Join(ph, ", ")+")", vals...)
	return rows, err
}

// activeBranch returns the session's branch.
func (s *vcsSession) activeBranch() (string, error) {
	_, rows, err := s.query("SELECT active_branch()")
	if err != nil {
		return "", err
	}
	if len(rows) == 0 || len(rows[0]) == 0 {
		return "", nil
	}
	return str(rows[0][0]), nil
}

// configuredAuthor returns the author to sign commits with, as "Name <email>": from
// $DSQL_AUTHOR_NAME/$DSQL_AUTHOR_EMAIL, else from the repository's configuration, else
// from the global one. With no name or email anywhere it fails with the advice git gives.
func (s *vcsSession) configuredAuthor(ctx context.Context, getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	cfg, err := globalConfig{getenv: getenv}.read()
	if err != nil {
		return "", err
	}
	if s.remote == nil { // through a server, the procedure reads the local configuration
		db, err := s.database()
		if err != nil {
			return "", err
		}
		local, err := db.Repo().Config(ctx)
		if err != nil {
			return "", err
		}
		for k, v := range local {
			cfg[k] = v
		}
	}
	name, email := getenv(envAuthorName), getenv(envAuthorEmail)
	if name == "" {
		name = cfg[keyUserName]
	}
	if email == "" {
		email = cfg[keyUserEmail]
	}
	if name == "" || email == "" {
		if s.remote != nil { // the procedure falls back to the repository's or server's identity
			return "", nil
		}
		return "", errors.New(whoAreYou)
	}
	return name + " <" + email + ">", nil
}

// whoAreYou is git's advice for a missing identity.
const whoAreYou = `Author identity unknown

*** Please tell me who you are.

Run

  dsql config --global --add user.email "you@example.com"
  dsql config --global --add user.name "Your Name"

to set your account's default identity.
Omit --global to set the identity only in this repository.`

// str renders a result value as text: NULL is "", bytes are text, times are RFC 3339.
func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case fmt.Stringer:
		return v.String()
	default:
		return fmt.Sprint(v)
	}
}

// truthy reads a BOOL/TINYINT result value.
func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case int8:
		return v != 0
	case int16:
		return v != 0
	case int32:
		return v != 0
	case int64:
		return v != 0
	case int:
		return v != 0
	case uint8:
		return v != 0
	case uint64:
		return v != 0
	case string:
		return v == "1" || strings.EqualFold(v, "true")
	default:
		return false
	}
}

// timeOf reads a DATETIME result value.
func timeOf(v any) (time.Time, bool) {
	switch v := v.(type) {
	case time.Time:
		return v, true
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05.999999", time.RFC3339Nano} {
			if t, err := time.Parse(layout, v); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// shortHash is the abbreviated commit hash the verbs print.
func shortHash(h string) string {
	if len(h) > 8 {
		return h[:8]
	}
	return h
}

// column returns the index of the column called name in sch (case-insensitive), or -1.
func column(sch sql.Schema, name string) int {
	for i, c := range sch {
		if strings.EqualFold(c.Name, name) {
			return i
		}
	}
	return -1
}

// valueOf returns row's value of the column called name, or nil if there is none.
func valueOf(sch sql.Schema, row sql.Row, name string) any {
	if i := column(sch, name); i >= 0 && i < len(row) {
		return row[i]
	}
	return nil
}

// withRepository opens the repository in dir, runs f on it and closes it again.
func withRepository(ctx context.Context, dir, sqlHint string, f func(s *vcsSession) error) (err error) {
	s, err := openRepository(ctx, dir, sqlHint, nil)
	if err != nil {
		return err
	}
	defer func() {
		traceStep("verb body")
		if cerr := s.close(); cerr != nil && err == nil {
			err = cerr
		}
		traceStep("close")
	}()
	return f(s)
}

// sqlHintPattern matches a procedure call in an error's advice: CALL dsql_checkout('x').
var sqlHintPattern = regexp.MustCompile(`(?:CALL )?(?:dsql|dolt)_([a-z_]+)\(((?:'[^']*'(?:, *)?)*)\)`)

// sqlArgPattern matches one quoted argument of such a call.
var sqlArgPattern = regexp.MustCompile(`'([^']*)'`)

// cliError rewrites a procedure's error for the command line: the "dsql_commit: " prefix
// goes, and advice given as a procedure call (CALL dsql_checkout('main')) is given as the
// verb that does the same (dsql checkout main).
func cliError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if p, rest, ok := strings.Cut(msg, ": "); ok && sqlHintPattern.MatchString(p+"()") && !strings.ContainsAny(p, " (") {
		msg = rest
	}
	msg = sqlHintPattern.ReplaceAllStringFunc(msg, func(call string) string {
		m := sqlHintPattern.FindStringSubmatch(call)
		verb := strings.ReplaceAll(m[1], "_", "-")
		if verb == "conflicts-resolve" {
			verb = "conflicts resolve"
		}
		out := "dsql " + verb
		for _, a := range sqlArgPattern.FindAllStringSubmatch(m[2], -1) {
			v := a[1]
			if v == "" || strings.ContainsAny(v, " \"'<>|&;$") {
				v = strconvQuote(v)
			}
			out += " " + v
		}
		return out
	})
	return &procError{msg: msg, err: err}
}

// strconvQuote quotes a shell word with double quotes.
func strconvQuote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// procError is a procedure's error as the command line words it; it still wraps the
// original for errors.Is.
type procError struct {
	msg string
	err error
}

func (e *procError) Error() string { return e.msg }
func (e *procError) Unwrap() error { return e.err }

// userIdentity returns the user's identity from $DSQL_AUTHOR_NAME/$DSQL_AUTHOR_EMAIL,
// else from the global configuration; false if either part is missing.
func userIdentity(getenv func(string) string) (repo.Signature, bool) {
	name, email := getenv(envAuthorName), getenv(envAuthorEmail)
	if name == "" || email == "" {
		cfg, err := globalConfig{getenv: getenv}.read()
		if err != nil {
			return repo.Signature{}, false
		}
		if name == "" {
			name = cfg[keyUserName]
		}
		if email == "" {
			email = cfg[keyUserEmail]
		}
	}
	if name == "" || email == "" {
		return repo.Signature{}, false
	}
	return repo.Signature{Name: name, Email: email}, true
}

// rootAt returns the root of db at revision rev (a branch, tag, commit or HEAD~n), or the
// session's working root when rev is "".
func (s *vcsSession) rootAt(db *backend.Database, rev string) (repo.Root, error) {
	if rev == "" {
		return s.ctx.Session.(*session.Session).WorkingRoot(s.ctx, db)
	}
	rdb, err := db.AsOf(s.ctx, rev)
	if err != nil {
		return repo.Root{}, fmt.Errorf("revision %q: %w", rev, err)
	}
	c, ok := rdb.Revision()
	if !ok {
		return repo.Root{}, fmt.Errorf("revision %q: not a commit", rev)
	}
	return db.Repo().Root(s.ctx, c.RootHash())
}
