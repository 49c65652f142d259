package procedures

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"

	"github.com/dsqldb/dsql/merkle/repo"
)

// Functions returns dsql's SQL functions, each under its dsql_ and dolt_ name
// (active_branch has no prefix): active_branch(), dsql_hashof(rev), dsql_hashof_table(t),
// dsql_hashof_db([rev]), dsql_merge_base(a, b), dsql_version(). Register them with
// engine.Analyzer.Catalog.RegisterFunction.
func Functions(opts ...Option) []sql.Function {
	c := newConfig(opts)
	out := []sql.Function{sql.FunctionN{Name: "active_branch", Fn: newFunc("active_branch", 0, 0, types.LongText, activeBranch)}}
	for _, prefix := range []string{"dsql_", "dolt_"} {
		version := func(*sql.Context, []any) (any, error) { return c.version, nil }
		for _, d := range []struct {
			name     string
			min, max int
			eval     evalFunc
		}{
			{"hashof", 1, 1, hashOf},
			{"hashof_table", 1, 1, hashOfTable},
			{"hashof_db", 0, 1, hashOfDB},
			{"merge_base", 2, 2, mergeBase},
			{"version", 0, 0, version},
		} {
			name := prefix + d.name
			out = append(out, sql.FunctionN{Name: name, Fn: newFunc(name, d.min, d.max, types.LongText, d.eval)})
		}
	}
	return out
}

// evalFunc computes a function's value from its evaluated arguments.
type evalFunc func(ctx *sql.Context, args []any) (any, error)

// funcExpr is the expression node of every function here: it evaluates its children and
// hands the values to eval. The result depends on session state (branch, roots), so it is
// non-deterministic (never constant-folded or cached).
type funcExpr struct {
	name     string
	min, max int
	typ      sql.Type
	eval     evalFunc
	args     []sql.Expression
}

var (
	_ sql.FunctionExpression         = (*funcExpr)(nil)
	_ sql.NonDeterministicExpression = (*funcExpr)(nil)
	_ sql.CollationCoercible         = (*funcExpr)(nil)
)

func newFunc(name string, minArgs, maxArgs int, typ sql.Type, eval evalFunc) sql.CreateFuncNArgs {
	return func(ctx *sql.Context, args ...sql.Expression) (sql.Expression, error) {
		if len(args) < minArgs || len(args) > maxArgs {
			want := fmt.Sprint(minArgs)
			if maxArgs != minArgs {
				want = fmt.Sprintf("%d to %d", minArgs, maxArgs)
			}
			return nil, sql.ErrInvalidArgumentNumber.New(name, want, len(args))
		}
		return &funcExpr{name: name, min: minArgs, max: maxArgs, typ: typ, eval: eval, args: args}, nil
	}
}

// FunctionName implements sql.FunctionExpression.
func (f *funcExpr) FunctionName() string { return f.name }

// Description implements sql.FunctionExpression.
func (f *funcExpr) Description() string {
	switch strings.TrimPrefix(strings.TrimPrefix(f.name, "dsql_"), "dolt_") {
	case "active_branch":
		return "returns the branch the session has checked out in the current database"
	case "hashof":
		return "returns the commit hash of a revision"
	case "hashof_table":
		return "returns the hash of a table in the working root"
	case "hashof_db":
		return "returns the hash of the working root (or of 'STAGED', 'HEAD' or a revision's root)"
	case "merge_base":
		return "returns the hash of the best common ancestor of two revisions"
	case "version":
		return "returns dsql's version"
	}
	return ""
}

// IsNonDeterministic implements sql.NonDeterministicExpression.
func (f *funcExpr) IsNonDeterministic() bool { return true }

// Type implements sql.Expression.
func (f *funcExpr) Type(*sql.Context) sql.Type { return f.typ }

// CollationCoercibility implements sql.CollationCoercible.
func (f *funcExpr) CollationCoercibility(*sql.Context) (sql.CollationID, byte) {
	return sql.Collation_utf8mb4_0900_bin, 4
}

// IsNullable implements sql.Expression.
func (f *funcExpr) IsNullable(*sql.Context) bool { return true }

// Resolved implements sql.Expression.
func (f *funcExpr) Resolved() bool {
	for _, a := range f.args {
		if !a.Resolved() {
			return false
		}
	}
	return true
}

// Children implements sql.Expression.
func (f *funcExpr) Children() []sql.Expression { return f.args }

// WithChildren implements sql.Expression.
func (f *funcExpr) WithChildren(_ *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	if len(children) != len(f.args) {
		return nil, sql.ErrInvalidChildrenNumber.New(f, len(children), len(f.args))
	}
	g := *f
	g.args = children
	return &g, nil
}

// String implements fmt.Stringer.
func (f *funcExpr) String() string {
	parts := make([]string, len(f.args))
	for i, a := range f.args {
		parts[i] = a.String()
	}
	return f.name + "(" + strings.Join(parts, ", ") + ")"
}

// Eval implements sql.Expression. A NULL argument gives NULL.
func (f *funcExpr) Eval(ctx *sql.Context, row sql.Row) (any, error) {
	vals := make([]any, len(f.args))
	for i, a := range f.args {
		v, err := a.Eval(ctx, row)
		if err != nil {
			return nil, err
		}
		if v == nil {
			return nil, nil
		}
		s, _, err := types.LongText.Convert(ctx, v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		vals[i] = s
	}
	return f.eval(ctx, vals)
}

func str(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case []byte:
		return string(s)
	}
	return fmt.Sprint(v)
}

// activeBranch returns the session's branch of the current database, NULL if there is no
// current database or it is a read-only revision.
func activeBranch(ctx *sql.Context, _ []any) (any, error) {
	e, err := current(ctx)
	if err != nil {
		if sql.ErrNoDatabaseSelected.Is(err) {
			return nil, nil
		}
		return nil, err
	}
	if e.db.IsReadOnly() {
		return nil, nil
	}
	return e.branch(ctx)
}

func hashOf(ctx *sql.Context, args []any) (any, error) {
	e, err := current(ctx)
	if err != nil {
		return nil, err
	}
	c, err := e.resolve(ctx, str(args[0]))
	if err != nil {
		return nil, err
	}
	return c.Hash().String(), nil
}

func hashOfTable(ctx *sql.Context, args []any) (any, error) {
	e, err := current(ctx)
	if err != nil {
		return nil, err
	}
	root, err := workingRoot(ctx, e)
	if err != nil {
		return nil, err
	}
	name := str(args[0])
	h, ok := root.TableHash(name)
	if !ok {
		return nil, sql.ErrTableNotFound.New(name)
	}
	return h.String(), nil
}

// workingRoot is the root the session reads: the transaction's working root of a branch,
// or a revision's root.
func workingRoot(ctx *sql.Context, e env) (repo.Root, error) {
	if c, isRev := e.db.Revision(); isRev {
		return e.db.Repo().Root(ctx, c.RootHash())
	}
	working, _, _, err := e.sess.Roots(ctx, e.db)
	return working, err
}

// hashOfDB returns the hash of the working root, or with an argument of the 'WORKING' or
// 'STAGED' root or of a revision's root ('HEAD', a branch, ...).
func hashOfDB(ctx *sql.Context, args []any) (any, error) {
	e, err := current(ctx)
	if err != nil {
		return nil, err
	}
	which := "WORKING"
	if len(args) == 1 {
		which = str(args[0])
	}
	switch strings.ToUpper(which) {
	case "WORKING":
		root, err := workingRoot(ctx, e)
		if err != nil {
			return nil, err
		}
		return root.Hash().String(), nil
	case "STAGED":
		if e.db.IsReadOnly() {
			return workingRootHash(ctx, e)
		}
		_, staged, _, err := e.sess.Roots(ctx, e.db)
		if err != nil {
			return nil, err
		}
		return staged.Hash().String(), nil
	}
	c, err := e.resolve(ctx, which)
	if err != nil {
		return nil, err
	}
	return c.RootHash().String(), nil
}

func workingRootHash(ctx *sql.Context, e env) (any, error) {
	root, err := workingRoot(ctx, e)
	if err != nil {
		return nil, err
	}
	return root.Hash().String(), nil
}

// mergeBase returns the hash of the merge base of two revisions, NULL if their histories
// are unrelated.
func mergeBase(ctx *sql.Context, args []any) (any, error) {
	e, err := current(ctx)
	if err != nil {
		return nil, err
	}
	a, err := e.resolve(ctx, str(args[0]))
	if err != nil {
		return nil, err
	}
	b, err := e.resolve(ctx, str(args[1]))
	if err != nil {
		return nil, err
	}
	base, err := e.db.Repo().MergeBase(ctx, a, b)
	if errors.Is(err, repo.ErrNoMergeBase) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return base.Hash().String(), nil
}
