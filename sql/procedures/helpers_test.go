package procedures_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/procedures"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/sql/systables"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// testAuthor is the provider's default author in these tests.
var testAuthor = repo.Signature{Name: "Test Author", Email: "test@example.com"}

// env is a GMS engine over one memstore repository "mydb" with dsql's procedures,
// functions and system tables, and named sessions.
type env struct {
	t        *testing.T
	engine   *sqle.Engine
	prov     *backend.Provider
	sessions map[string]*sql.Context
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, procedures.WithAuthor(testAuthor), procedures.WithVersion("9.9.9"))
}

// newEnvWith is newEnv with the procedures' options opts (and no provider author).
func newEnvWith(t *testing.T, opts ...procedures.Option) *env {
	t.Helper()
	ctx := context.Background()
	prov, err := backend.NewProvider(ctx, backend.Options{
		Stores: map[string]storage.Store{"mydb": memstore.New()},
		Author: testAuthor,
		Extensions: backend.Extensions{
			SystemTable:    systables.Lookup,
			Procedures:     procedures.New(opts...),
			TableFunctions: systables.TableFunctions(),
		},
	})
	require.NoError(t, err)
	e := sqle.New(analyzer.NewDefault(prov), nil)
	t.Cleanup(func() { _ = e.Close() })
	en := &env{t: t, engine: e, prov: prov, sessions: map[string]*sql.Context{}}
	e.Analyzer.Catalog.RegisterFunction(en.session("a"), procedures.Functions(opts...)...)
	return en
}

// session returns the named session's context, creating it (in database mydb).
func (e *env) session(name string) *sql.Context {
	if name == "" {
		name = "a"
	}
	if ctx, ok := e.sessions[name]; ok {
		return ctx
	}
	base := sql.NewBaseSessionWithClientServer("localhost", sql.Client{User: "root", Address: "localhost"}, uint32(len(e.sessions)+1))
	ctx := sql.NewContext(context.Background(), sql.WithSession(session.New(base, session.WithProvider(e.prov))))
	ctx.SetCurrentDatabase("mydb")
	e.sessions[name] = ctx
	return ctx
}

func (e *env) query(ctx *sql.Context, q string) ([]sql.Row, error) {
	_, iter, _, err := e.engine.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	return sql.RowIterToRows(ctx, iter)
}

func (e *env) exec(ctx *sql.Context, qs ...string) {
	e.t.Helper()
	for _, q := range qs {
		_, err := e.query(ctx, q)
		require.NoError(e.t, err, q)
	}
}

func (e *env) rows(ctx *sql.Context, q string) []sql.Row {
	e.t.Helper()
	rows, err := e.query(ctx, q)
	require.NoError(e.t, err, q)
	return rows
}

// step is one statement of a script: run by session s ("" = "a"), expecting rows (compared
// after formatting each value with %v; hash matches any commit hash, noRows checks that
// there are none) or an error containing err.
type step struct {
	s    string
	q    string
	want []sql.Row
	err  string
}

// hash stands for any 32-character hash in an expected row.
type hashMatcher struct{}

var hash = hashMatcher{}

// noRows is an expected result with no rows.
var noRows = []sql.Row{}

type script struct {
	name  string
	setup []string
	steps []step
}

func runScripts(t *testing.T, scripts []script) {
	for _, sc := range scripts {
		t.Run(sc.name, func(t *testing.T) {
			e := newEnv(t)
			e.exec(e.session("a"), sc.setup...)
			for i, st := range sc.steps {
				e.check(fmt.Sprintf("step %d: %s", i, st.q), st)
			}
		})
	}
}

func (e *env) check(label string, st step) {
	e.t.Helper()
	rows, err := e.query(e.session(st.s), st.q)
	if st.err != "" {
		require.Error(e.t, err, label)
		require.Contains(e.t, err.Error(), st.err, label)
		return
	}
	require.NoError(e.t, err, label)
	if st.want == nil {
		return
	}
	require.Equal(e.t, format(st.want), format(rows), label)
}

// format renders rows for comparison: %v of each value; a 32-character hash string shows
// as "<hash>" so that hashMatcher matches it.
func format(rows []sql.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		cells := make([]string, len(r))
		for j, v := range r {
			switch x := v.(type) {
			case hashMatcher:
				cells[j] = "<hash>"
			case nil:
				cells[j] = "NULL"
			case string:
				if len(x) == 32 && strings.Trim(x, "0123456789abcdefghijklmnopqrstuv") == "" {
					cells[j] = "<hash>"
				} else {
					cells[j] = x
				}
			default:
				cells[j] = fmt.Sprintf("%v", x)
			}
		}
		out[i] = strings.Join(cells, " | ")
	}
	return out
}

// r builds a row.
func r(vals ...any) sql.Row { return sql.Row(vals) }

// rs builds rows of one value each.
func rs(vals ...any) []sql.Row {
	out := make([]sql.Row, len(vals))
	for i, v := range vals {
		out[i] = sql.Row{v}
	}
	return out
}

type sqlRow = sql.Row
