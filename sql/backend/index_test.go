package backend_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/backend"
)

func (e *env) plan(ctx *sql.Context, q string) string {
	e.t.Helper()
	var b strings.Builder
	for _, r := range e.rows(ctx, "EXPLAIN PLAN "+q) {
		fmt.Fprintln(&b, r[0])
	}
	return b.String()
}

// checkIndexes runs the exported index consistency checker on the session's root.
func (e *env) checkIndexes(ctx *sql.Context) {
	e.t.Helper()
	db, ok := e.prov.Lookup("mydb")
	require.True(e.t, ok)
	root, err := ctx.Session.(backend.Session).WorkingRoot(ctx, db)
	require.NoError(e.t, err)
	require.NoError(e.t, backend.CheckIndexes(ctx, root))
}

// requirePlan asserts that q is planned as an IndexedTableAccess on index (GMS prints
// the index by its columns, e.g. "[t.a,t.b]") and returns q's rows.
func (e *env) requirePlan(ctx *sql.Context, q, index string) []sql.Row {
	e.t.Helper()
	p := e.plan(ctx, q)
	require.Contains(e.t, p, "IndexedTableAccess", "%s\n%s", q, p)
	require.Contains(e.t, p, "index: "+index, "%s\n%s", q, p)
	return e.rows(ctx, q)
}

func TestIndexLookupsUseIndexes(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(20), KEY iab (a, b), UNIQUE KEY ub (b))",
	)
	var vals []string
	for i := 0; i < 300; i++ {
		a := "NULL"
		if i%7 != 0 {
			a = strconv.Itoa(i % 10)
		}
		vals = append(vals, fmt.Sprintf("(%d, %s, 'v%03d')", i, a, i))
	}
	e.exec(ctx, "INSERT INTO t VALUES "+strings.Join(vals, ","))
	// Each indexed query returns what a scan that cannot use an index returns.
	cases := []struct{ q, index, scan string }{
		{"SELECT * FROM t WHERE id = 42", "[t.id]", "SELECT * FROM t WHERE id + 0 = 42"},
		{"SELECT * FROM t WHERE id > 250 AND id <= 260", "[t.id]", "SELECT * FROM t WHERE id + 0 > 250 AND id + 0 <= 260"},
		{"SELECT * FROM t WHERE id < 5 OR id >= 295", "[t.id]", "SELECT * FROM t WHERE id + 0 < 5 OR id + 0 >= 295"},
		{"SELECT * FROM t WHERE a = 3", "[t.a,t.b]", "SELECT * FROM t WHERE a + 0 = 3"},
		{"SELECT * FROM t WHERE a = 3 AND b > 'v100'", "[t.a,t.b]", "SELECT * FROM t WHERE a + 0 = 3 AND concat(b) > 'v100'"},
		{"SELECT * FROM t WHERE a BETWEEN 2 AND 4", "[t.a,t.b]", "SELECT * FROM t WHERE a + 0 BETWEEN 2 AND 4"},
		{"SELECT * FROM t WHERE a IS NULL", "[t.a,t.b]", "SELECT * FROM t WHERE a + 0 IS NULL"},
		{"SELECT * FROM t WHERE a > 7", "[t.a,t.b]", "SELECT * FROM t WHERE a + 0 > 7"},
		{"SELECT * FROM t WHERE b = 'v123'", "[t.b]", "SELECT * FROM t WHERE concat(b) = 'v123'"},
		{"SELECT * FROM t WHERE a < 2.5", "[t.a,t.b]", "SELECT * FROM t WHERE a + 0 < 2.5"},
	}
	for _, c := range cases {
		got := e.requirePlan(ctx, c.q, c.index)
		want := e.rows(ctx, c.scan)
		require.NotEmpty(t, want, c.scan)
		require.ElementsMatch(t, want, got, c.q)
	}
	// Index order and reverse scans serve ORDER BY.
	got := e.rows(ctx, "SELECT id FROM t WHERE id > 10 ORDER BY id DESC LIMIT 3")
	require.Equal(t, []sql.Row{{int32(299)}, {int32(298)}, {int32(297)}}, got)
	p := e.plan(ctx, "SELECT b FROM t WHERE b > 'v2' ORDER BY b DESC LIMIT 2")
	require.NotContains(t, p, "Sort", p)
	require.Equal(t, []sql.Row{{"v299"}, {"v298"}}, e.rows(ctx, "SELECT b FROM t WHERE b > 'v2' ORDER BY b DESC LIMIT 2"))
	require.Equal(t, []sql.Row{{int32(1), "v001"}, {int32(1), "v011"}}, e.rows(ctx, "SELECT a, b FROM t WHERE a = 1 ORDER BY a, b LIMIT 2"))
	e.checkIndexes(ctx)
}

func TestUniqueViolations(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, u INT, v INT, UNIQUE KEY uu (u), UNIQUE KEY uv (u, v))",
		"INSERT INTO t VALUES (1, 10, 1), (2, 20, NULL), (3, NULL, 1), (4, NULL, 1)", // NULLs never collide
	)
	_, err := e.query(ctx, "INSERT INTO t VALUES (5, 10, 2)")
	requireDupEntry(t, err)
	require.ErrorContains(t, err, "[10]")
	// A multi-row insert whose last row collides with its first changes nothing.
	_, err = e.query(ctx, "INSERT INTO t VALUES (6, 60, 6), (7, 60, 7)")
	requireDupEntry(t, err)
	require.Empty(t, e.rows(ctx, "SELECT * FROM t WHERE id >= 6"))
	// UPDATE onto another row's unique value fails; onto its own value succeeds.
	_, err = e.query(ctx, "UPDATE t SET u = 20 WHERE id = 1")
	requireDupEntry(t, err)
	e.exec(ctx, "UPDATE t SET u = 10, v = 5 WHERE id = 1", "UPDATE t SET u = u + 1")
	require.Equal(t, []sql.Row{{int32(1), int32(11)}, {int32(2), int32(21)}}, e.rows(ctx, "SELECT id, u FROM t WHERE u IS NOT NULL ORDER BY u"))
	// Swapping values within one statement works when each intermediate state is valid.
	e.exec(ctx, "UPDATE t SET u = 12 WHERE id = 1", "UPDATE t SET id = 100 WHERE id = 2")
	// ON DUPLICATE KEY UPDATE acts on the row with the colliding unique value.
	e.exec(ctx, "INSERT INTO t VALUES (9, 12, 0) ON DUPLICATE KEY UPDATE v = 99")
	require.Equal(t, []sql.Row{{int32(1), int32(12), int32(99)}}, e.rows(ctx, "SELECT * FROM t WHERE u = 12"))
	e.exec(ctx, "INSERT IGNORE INTO t VALUES (10, 12, 0), (11, 13, 0)")
	require.Equal(t, []sql.Row{{int32(11)}}, e.rows(ctx, "SELECT id FROM t WHERE u = 13"))
	// Creating a unique index over duplicates fails and leaves no index.
	e.exec(ctx, "CREATE TABLE d (id INT PRIMARY KEY, x INT)", "INSERT INTO d VALUES (1, 5), (2, 5), (3, NULL), (4, NULL)")
	_, err = e.query(ctx, "CREATE UNIQUE INDEX ux ON d (x)")
	requireDupEntry(t, err)
	e.exec(ctx, "DELETE FROM d WHERE id = 2", "CREATE UNIQUE INDEX ux ON d (x)")
	e.checkIndexes(ctx)
}

func TestIndexDDL(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(100), bl BLOB)",
		"INSERT INTO t VALUES (1, 'apple pie', 'xyz1'), (2, 'apple tart', 'xyz2'), (3, 'banana', 'abc')",
		"CREATE INDEX ps ON t (s(5))",
		"CREATE INDEX pb ON t (bl(3))",
	)
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{{int32(2)}}, e.rows(ctx, "SELECT id FROM t WHERE s = 'apple tart'"))
	require.Equal(t, []sql.Row{{int32(1)}, {int32(2)}}, e.rows(ctx, "SELECT id FROM t WHERE bl > 'xyz' ORDER BY id"))
	// ORDER BY a prefix-indexed column sorts: the index orders only by the prefix.
	e.exec(ctx, "INSERT INTO t VALUES (4, 'apple cake', 'q'), (5, 'apple a', 'r')")
	require.Equal(t, []sql.Row{{int32(5)}, {int32(4)}, {int32(1)}, {int32(2)}, {int32(3)}}, e.rows(ctx, "SELECT id FROM t ORDER BY s"))
	require.Equal(t, []sql.Row{{int32(3)}, {int32(2)}, {int32(1)}, {int32(4)}, {int32(5)}}, e.rows(ctx, "SELECT id FROM t ORDER BY s DESC"))
	require.Equal(t, []sql.Row{{int32(5)}, {int32(4)}}, e.rows(ctx, "SELECT id FROM t WHERE s LIKE 'apple%' ORDER BY s LIMIT 2"))
	e.exec(ctx, "DELETE FROM t WHERE id IN (4, 5)")
	// A unique prefix index is unique on the prefix.
	_, err := e.query(ctx, "CREATE UNIQUE INDEX us ON t (s(5))")
	requireDupEntry(t, err)
	e.exec(ctx, "ALTER TABLE t RENAME INDEX ps TO ps2", "UPDATE t SET s = 'cherry' WHERE id = 3")
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{{int32(3)}}, e.rows(ctx, "SELECT id FROM t WHERE s = 'cherry'"))
	e.exec(ctx, "DROP INDEX ps2 ON t", "ALTER TABLE t DROP INDEX pb")
	rows := e.rows(ctx, "SHOW CREATE TABLE t")
	require.NotContains(t, rows[0][1], "KEY `")
	// Keyless table with an index: duplicates share one entry, deleted with the last copy.
	e.exec(ctx, "CREATE TABLE k (a INT, b INT, KEY ia (a))", "INSERT INTO k VALUES (1, 1), (1, 1), (2, 2)")
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{{int32(1), int32(1)}, {int32(1), int32(1)}}, e.requirePlan(ctx, "SELECT * FROM k WHERE a = 1", "[k.a]"))
	e.exec(ctx, "DELETE FROM k WHERE a = 1 LIMIT 1")
	e.checkIndexes(ctx)
	e.exec(ctx, "DELETE FROM k WHERE a = 1", "UPDATE k SET a = 5")
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{{int32(5), int32(2)}}, e.rows(ctx, "SELECT * FROM k WHERE a = 5"))
	e.exec(ctx, "TRUNCATE TABLE k")
	e.checkIndexes(ctx)
	require.Empty(t, e.rows(ctx, "SELECT * FROM k WHERE a = 5"))
	// Indexes survive commit and a restart.
	stores := memStores{}
	e2, ctx2 := setup(t, stores)
	e2.exec(ctx2, "CREATE TABLE r (id INT PRIMARY KEY, x INT, UNIQUE KEY ux (x))", "INSERT INTO r VALUES (1, 1)")
	e3 := newEnv(t, stores)
	ctx3 := e3.session()
	_, err = e3.query(ctx3, "INSERT INTO r VALUES (2, 1)")
	requireDupEntry(t, err)
}

// requireDupEntry asserts a duplicate-key error (MySQL 1062).
func requireDupEntry(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	require.EqualValues(t, 1062, sql.CastSQLError(err).Num, "%v", err)
}

func testSeed(t *testing.T) uint64 {
	if s := os.Getenv("DSQL_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
		return v
	}
	return rand.Uint64()
}

// modelRow is a row of the random-DML model: id -> (a, s); nil pointers are NULL.
type modelRow struct {
	a *int
	s *string
}

// Random seeded DML against a model; after every batch the index consistency checker
// runs and indexed queries are compared with the model. Reproduce with DSQL_SEED.
func TestIndexRandomDML(t *testing.T) {
	seed := testSeed(t)
	t.Logf("seed %d (rerun with DSQL_SEED=%d)", seed, seed)
	r := rand.New(rand.NewPCG(seed, 1))
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, a INT, s VARCHAR(10), KEY ia (a), UNIQUE KEY us (s), KEY ias (a, s(2)))")
	model := map[int]modelRow{}
	rndA := func() *int {
		if r.IntN(5) == 0 {
			return nil
		}
		v := r.IntN(8)
		return &v
	}
	rndS := func() *string {
		if r.IntN(4) == 0 {
			return nil
		}
		v := string(rune('a'+r.IntN(6))) + string(rune('a'+r.IntN(6)))
		return &v
	}
	lit := func(a *int, s *string) (string, string) {
		as, ss := "NULL", "NULL"
		if a != nil {
			as = strconv.Itoa(*a)
		}
		if s != nil {
			ss = "'" + *s + "'"
		}
		return as, ss
	}
	sTaken := func(m map[int]modelRow, s *string, except int) bool {
		if s == nil {
			return false
		}
		for id, row := range m {
			if id != except && row.s != nil && *row.s == *s {
				return true
			}
		}
		return false
	}
	for step := 0; step < 400; step++ {
		id := r.IntN(40)
		var q string
		next := map[int]modelRow{}
		for k, v := range model {
			next[k] = v
		}
		ok := true
		switch op := r.IntN(5); op {
		case 0, 1: // insert one or two rows
			n := 1 + r.IntN(2)
			var vs []string
			for i := 0; i < n; i++ {
				rid := id + i
				row := modelRow{rndA(), rndS()}
				if _, dup := next[rid]; dup || sTaken(next, row.s, -1) {
					ok = false
				}
				next[rid] = row
				as, ss := lit(row.a, row.s)
				vs = append(vs, fmt.Sprintf("(%d, %s, %s)", rid, as, ss))
			}
			q = "INSERT INTO t VALUES " + strings.Join(vs, ", ")
		case 2: // update by primary key
			row := modelRow{rndA(), rndS()}
			if _, exists := next[id]; exists {
				if sTaken(next, row.s, id) {
					ok = false
				}
				next[id] = row
			}
			as, ss := lit(row.a, row.s)
			q = fmt.Sprintf("UPDATE t SET a = %s, s = %s WHERE id = %d", as, ss, id)
		case 3: // delete through the secondary index
			a := r.IntN(8)
			for k, v := range next {
				if v.a != nil && *v.a == a {
					delete(next, k)
				}
			}
			q = fmt.Sprintf("DELETE FROM t WHERE a = %d", a)
		case 4: // update through the secondary index
			a, b := r.IntN(8), r.IntN(8)
			for k, v := range next {
				if v.a != nil && *v.a == a {
					v.a = &b
					next[k] = v
				}
			}
			q = fmt.Sprintf("UPDATE t SET a = %d WHERE a = %d", b, a)
		}
		_, err := e.query(ctx, q)
		if ok {
			require.NoError(t, err, "step %d: %s", step, q)
			model = next
		} else {
			require.Error(t, err, "step %d: %s", step, q)
		}
		if step%50 == 49 {
			e.checkIndexes(ctx)
			compareModel(t, e, ctx, model, r.IntN(8))
		}
	}
}

func compareModel(t *testing.T, e *env, ctx *sql.Context, model map[int]modelRow, a int) {
	t.Helper()
	var all, byA []sql.Row
	ids := make([]int, 0, len(model))
	for id := range model {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		row := model[id]
		r := sql.Row{int32(id), nil, nil}
		if row.a != nil {
			r[1] = int32(*row.a)
		}
		if row.s != nil {
			r[2] = *row.s
		}
		all = append(all, r)
		if row.a != nil && *row.a == a {
			byA = append(byA, sql.Row{int32(id)})
		}
	}
	require.Equal(t, all, e.rows(ctx, "SELECT * FROM t ORDER BY id"))
	got := e.requirePlan(ctx, fmt.Sprintf("SELECT id FROM t WHERE a = %d", a), "[t.a]")
	slices.SortFunc(got, func(x, y sql.Row) int { return int(x[0].(int32) - y[0].(int32)) })
	if len(byA) == 0 {
		require.Empty(t, got)
	} else {
		require.Equal(t, byA, got)
	}
	for _, row := range all {
		if row[2] != nil {
			q := fmt.Sprintf("SELECT id FROM t WHERE s = '%s'", row[2])
			require.Equal(t, []sql.Row{{row[0]}}, e.requirePlan(ctx, q, "[t.s]"), q)
		}
	}
}
