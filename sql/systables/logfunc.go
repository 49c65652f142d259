package systables

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
)

// TableFunctions returns the table functions of this package: dsql_log(...),
// dsql_diff(...), dsql_diff_stat(...), dsql_diff_summary(...) and their dolt_ aliases.
func TableFunctions() []sql.TableFunction {
	return append([]sql.TableFunction{&logFunc{name: "dsql_log"}, &logFunc{name: "dolt_log"}}, diffTableFunctions()...)
}

// logFunc is dsql_log(args...): the log of the revisions its arguments name, with the
// columns of dsql_log. Arguments are those of `dsql log`:
//
//	rev              include rev and its history (none given: HEAD)
//	^rev             exclude rev's history
//	A..B             B ^A (an empty side means HEAD)
//	A...B            the commits reachable from A or from B but not from both
//	--not            flip the sense of the revisions after it (rev / ^rev)
//	--all            every branch and tag
//	-n N, --max-count N, --number N, -N   at most N commits
//	--merges, --no-merges, --min-parents N, --max-parents N
//	--tables T (or -t T; repeatable, or comma-separated): only commits that created,
//	dropped or changed one of the tables (compared with the first parent)
//	--parents, --decorate[=...], --oneline    accepted; their columns are always present
//
// Arguments may be any constant expressions; they are evaluated when the query runs, and
// the repository is read then.
type logFunc struct {
	name string
	db   *backend.Database
	args []sql.Expression
}

var (
	_ sql.TableFunction      = (*logFunc)(nil)
	_ sql.ExecSourceRel      = (*logFunc)(nil)
	_ sql.CollationCoercible = (*logFunc)(nil)
)

// NewInstance implements sql.TableFunction.
func (f *logFunc) NewInstance(ctx *sql.Context, db sql.Database, args []sql.Expression) (sql.Node, error) {
	bdb, ok := db.(*backend.Database)
	if !ok {
		name := "<none>"
		if db != nil {
			name = db.Name()
		}
		return nil, fmt.Errorf("%s: database %s is not a dsql database", f.name, name)
	}
	return &logFunc{name: f.name, db: bdb, args: args}, nil
}

// Name implements sql.Nameable.
func (f *logFunc) Name() string { return f.name }

// String implements sql.Node.
func (f *logFunc) String() string {
	parts := make([]string, len(f.args))
	for i, a := range f.args {
		parts[i] = a.String()
	}
	return fmt.Sprintf("%s(%s)", f.name, strings.Join(parts, ", "))
}

// Resolved implements sql.Node.
func (f *logFunc) Resolved() bool {
	for _, a := range f.args {
		if !a.Resolved() {
			return false
		}
	}
	return true
}

// IsReadOnly implements sql.Node.
func (f *logFunc) IsReadOnly() bool { return true }

// Schema implements sql.Node.
func (f *logFunc) Schema(*sql.Context) sql.Schema {
	db := ""
	if f.db != nil {
		db = f.db.Name()
	}
	return schemaOf(f.name, db, logColumns)
}

// Children implements sql.Node.
func (f *logFunc) Children() []sql.Node { return nil }

// WithChildren implements sql.Node.
func (f *logFunc) WithChildren(_ *sql.Context, children ...sql.Node) (sql.Node, error) {
	if len(children) != 0 {
		return nil, sql.ErrInvalidChildrenNumber.New(f, len(children), 0)
	}
	return f, nil
}

// Expressions implements sql.Expressioner.
func (f *logFunc) Expressions() []sql.Expression { return f.args }

// WithExpressions implements sql.Expressioner.
func (f *logFunc) WithExpressions(_ *sql.Context, exprs ...sql.Expression) (sql.Node, error) {
	if len(exprs) != len(f.args) {
		return nil, sql.ErrInvalidChildrenNumber.New(f, len(exprs), len(f.args))
	}
	g := *f
	g.args = exprs
	return &g, nil
}

// Database implements sql.Databaser.
func (f *logFunc) Database() sql.Database { return f.db }

// WithDatabase implements sql.Databaser.
func (f *logFunc) WithDatabase(db sql.Database) (sql.Node, error) {
	bdb, ok := db.(*backend.Database)
	if !ok {
		return nil, fmt.Errorf("%s: database %s is not a dsql database", f.name, db.Name())
	}
	g := *f
	g.db = bdb
	return &g, nil
}

// CollationCoercibility implements sql.CollationCoercible.
func (f *logFunc) CollationCoercibility(*sql.Context) (sql.CollationID, byte) {
	return sql.Collation_binary, 7
}

// RowIter implements sql.ExecSourceRel.
func (f *logFunc) RowIter(ctx *sql.Context, row sql.Row) (sql.RowIter, error) {
	if f.db == nil {
		return nil, fmt.Errorf("%s: no database selected", f.name)
	}
	args := make([]string, len(f.args))
	for i, a := range f.args {
		v, err := a.Eval(ctx, row)
		if err != nil {
			return nil, err
		}
		switch v := v.(type) {
		case nil:
			return nil, fmt.Errorf("%s: argument %d is NULL", f.name, i+1)
		case string:
			args[i] = v
		case []byte:
			args[i] = string(v)
		default:
			args[i] = fmt.Sprint(v)
		}
	}
	opts, err := parseLogArgs(args)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	return runLog(ctx, f.db, opts)
}

// logOptions are parsed dsql_log() arguments.
type logOptions struct {
	include, exclude []string
	symmetric        [][2]string // A...B
	all              bool
	limit            int // -1: no limit
	minParents       int
	maxParents       int      // -1: no limit
	tables           []string // --tables: only commits that changed one of these
}

func parseLogArgs(args []string) (logOptions, error) {
	o := logOptions{limit: -1, maxParents: -1}
	not := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		// value returns the option's value: after "=" or the next argument.
		value := func(opt string) (int, error) {
			s, ok := "", false
			if _, s, ok = strings.Cut(a, "="); !ok {
				if i+1 >= len(args) {
					return 0, fmt.Errorf("option %s needs a value", opt)
				}
				i++
				s = args[i]
			}
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 0 {
				return 0, fmt.Errorf("option %s: %q is not a non-negative number", opt, s)
			}
			return n, nil
		}
		var err error
		opt, _, _ := strings.Cut(a, "=")
		switch {
		case a == "--not":
			not = !not
		case a == "--all":
			o.all = true
		case opt == "-n" || opt == "--max-count" || opt == "--number":
			o.limit, err = value(opt)
		case len(a) > 2 && a[0] == '-' && a[1] == 'n' && isDigits(a[2:]):
			o.limit, _ = strconv.Atoi(a[2:])
		case len(a) > 1 && a[0] == '-' && isDigits(a[1:]):
			o.limit, _ = strconv.Atoi(a[1:])
		case a == "--merges":
			o.minParents = 2
		case a == "--no-merges":
			o.maxParents = 1
		case opt == "--min-parents":
			o.minParents, err = value(opt)
		case opt == "--max-parents":
			o.maxParents, err = value(opt)
		case a == "--no-min-parents":
			o.minParents = 0
		case a == "--no-max-parents":
			o.maxParents = -1
		case opt == "--tables" || a == "-t":
			if _, v, ok := strings.Cut(a, "="); ok {
				o.tables = append(o.tables, strings.Split(v, ",")...)
			} else if i+1 < len(args) {
				i++
				o.tables = append(o.tables, strings.Split(args[i], ",")...)
			} else {
				err = fmt.Errorf("option %s needs a table name", opt)
			}
		case a == "--parents" || opt == "--decorate" || a == "--oneline" || a == "--no-decorate":
			// Display options of the CLI: the columns are always there.
		case strings.HasPrefix(a, "-") && a != "-":
			return o, fmt.Errorf("unknown option %q", a)
		case a == "":
			return o, fmt.Errorf("empty revision")
		case strings.Contains(a, "..."):
			l, r, _ := strings.Cut(a, "...")
			o.symmetric = append(o.symmetric, [2]string{orHead(l), orHead(r)})
		case strings.Contains(a, ".."):
			l, r, _ := strings.Cut(a, "..")
			o.exclude = append(o.exclude, orHead(l))
			o.include = append(o.include, orHead(r))
		case strings.HasPrefix(a, "^"):
			if not {
				o.include = append(o.include, a[1:])
			} else {
				o.exclude = append(o.exclude, a[1:])
			}
		default:
			if not {
				o.exclude = append(o.exclude, a)
			} else {
				o.include = append(o.include, a)
			}
		}
		if err != nil {
			return o, err
		}
	}
	if len(o.include) == 0 && len(o.symmetric) == 0 && !o.all {
		o.include = []string{"HEAD"}
	}
	return o, nil
}

func orHead(s string) string {
	if s == "" {
		return "HEAD"
	}
	return s
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// runLog resolves the revisions of o in db and returns the log's rows.
func runLog(ctx *sql.Context, db *backend.Database, o logOptions) (sql.RowIter, error) {
	r := db.Repo()
	hc, branch, err := head(ctx, db)
	if err != nil {
		return nil, err
	}
	resolve := func(spec string) (repo.Commit, error) {
		if _, ok := db.Revision(); ok {
			// HEAD of a revision database is its commit.
			if len(spec) >= 4 && strings.EqualFold(spec[:4], "HEAD") {
				spec = hc.Hash().String() + spec[4:]
			} else if spec == "@" || strings.HasPrefix(spec, "@~") || strings.HasPrefix(spec, "@^") {
				spec = hc.Hash().String() + spec[1:]
			}
		}
		c, err := r.ResolveCommit(ctx, spec, branch)
		if err != nil {
			return repo.Commit{}, fmt.Errorf("revision %q: %w", spec, err)
		}
		return c, nil
	}
	var include, exclude []repo.Commit
	for _, s := range o.include {
		c, err := resolve(s)
		if err != nil {
			return nil, err
		}
		include = append(include, c)
	}
	for _, s := range o.exclude {
		c, err := resolve(s)
		if err != nil {
			return nil, err
		}
		exclude = append(exclude, c)
	}
	if len(o.symmetric) > maxPairs {
		return nil, fmt.Errorf("at most %d A...B ranges", maxPairs)
	}
	var pairs [][2]repo.Commit
	for _, p := range o.symmetric {
		a, err := resolve(p[0])
		if err != nil {
			return nil, err
		}
		b, err := resolve(p[1])
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, [2]repo.Commit{a, b})
	}
	if o.all {
		heads, err := allHeads(ctx, r)
		if err != nil {
			return nil, err
		}
		include = append(include, heads...)
	}
	refs, err := decorations(ctx, r, hc.Hash(), branch)
	if err != nil {
		return nil, err
	}
	var it commitIter
	if len(exclude) == 0 && len(pairs) == 0 {
		it = r.Log(ctx, include...)
	} else {
		it = newRangeWalk(r, include, exclude, pairs)
	}
	n := 0
	return &funcIter{next: func(ctx *sql.Context) (sql.Row, error) {
		for {
			if o.limit >= 0 && n >= o.limit {
				return nil, io.EOF
			}
			c, err := it.Next(ctx)
			if err != nil {
				return nil, err
			}
			np := len(c.Parents())
			if np < o.minParents || (o.maxParents >= 0 && np > o.maxParents) {
				continue
			}
			if len(o.tables) > 0 {
				changed, err := changesTables(ctx, r, c, o.tables)
				if err != nil {
					return nil, err
				}
				if !changed {
					continue
				}
			}
			n++
			return logRow(c, refs), nil
		}
	}}, nil
}

// changesTables reports whether commit c changed any of the tables (names are
// case-insensitive): created, dropped, or a different table hash than in its first
// parent.
func changesTables(ctx *sql.Context, r *repo.Repo, c repo.Commit, tables []string) (bool, error) {
	root, err := r.Root(ctx, c.RootHash())
	if err != nil {
		return false, err
	}
	var parent repo.Root
	if ps := c.Parents(); len(ps) > 0 {
		pc, err := r.Commit(ctx, ps[0])
		if err != nil {
			return false, err
		}
		if parent, err = r.Root(ctx, pc.RootHash()); err != nil {
			return false, err
		}
	}
	for _, t := range tables {
		now, inNow := root.TableHash(t)
		var before hash.Hash
		inBefore := false
		if len(c.Parents()) > 0 {
			before, inBefore = parent.TableHash(t)
		}
		if inNow != inBefore || now != before {
			return true, nil
		}
	}
	return false, nil
}
