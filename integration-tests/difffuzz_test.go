package integration

import (
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// TestDiffFuzz runs the same seeded random queries against a built `dsql sql-server` and
// a private MariaDB 10.11 (Debian's mariadbd) loaded with the same rows, and fails on the
// first answers that differ. The generator stays inside the SQL where MariaDB and MySQL 8
// agree (integers and plain lowercase ASCII strings, no floats or division, no implicit
// string/number conversion, no non-aggregated columns outside GROUP BY), so a difference
// is a dsql bug. Results are compared as ordered lists when the outermost ORDER BY
// determines the order (it ends with a unique key or covers every output column), and as
// multisets otherwise; a LIMIT only ever follows such an order. UPDATE, DELETE and
// INSERT ... SELECT (with ORDER BY ... LIMIT) are followed by a comparison of the whole
// table and of the affected-row counts.
//
// DSQL_DIFFFUZZ_SEED and DSQL_DIFFFUZZ_N override the seed and the number of statements
// for longer local runs; a failure names the seed and the statement's index.
// DSQL_DIFFFUZZ_DUMP=file writes the schema, the rows and every DML statement there
// (each ending in ";"), to replay the tables' state before a failing statement.
func TestDiffFuzz(t *testing.T) {
	dfRun(t, 20261126, 1500, (*dfGen).statement)
}

// dfRun runs the differential test: the schema and rows of dfGen.setup on both servers,
// then n statements from next (defaults defSeed and defN, overridden by
// DSQL_DIFFFUZZ_SEED and DSQL_DIFFFUZZ_N), comparing every answer.
func dfRun(t *testing.T, defSeed uint64, defN int, next func(*dfGen) dfStmt) {
	itNeed(t, "mysql", "mariadb-client")
	seed, n := defSeed, defN
	if v := os.Getenv("DSQL_DIFFFUZZ_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("DSQL_DIFFFUZZ_SEED=%q: %v", v, err)
		}
		seed = s
	}
	if v := os.Getenv("DSQL_DIFFFUZZ_N"); v != "" {
		c, err := strconv.Atoi(v)
		if err != nil || c < 1 {
			t.Fatalf("DSQL_DIFFFUZZ_N=%q: want a positive count", v)
		}
		n = c
	}
	t.Logf("seed %d, %d statements (DSQL_DIFFFUZZ_SEED / DSQL_DIFFFUZZ_N override)", seed, n)

	mdPort := ccStartMariaDB(t)
	dir := itNewRepo(t, "fuzz")
	s := itStart(t, filepath.Dir(dir))
	dsqlDB := s.db("fuzz")
	if out, err := ccMySQL(mdPort, nil, "-e", "CREATE DATABASE fuzz CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("CREATE DATABASE on MariaDB: %v\n%s", err, out)
	}
	mdDB, err := sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/fuzz", mdPort))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mdDB.Close() })
	// One connection each: every statement sees the one before it.
	dsqlDB.SetMaxOpenConns(1)
	mdDB.SetMaxOpenConns(1)

	g := &dfGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	setup := g.setup()
	var dump *os.File // the schema, rows and every DML statement, to minimize by hand
	if f := os.Getenv("DSQL_DIFFFUZZ_DUMP"); f != "" {
		if dump, err = os.Create(f); err != nil {
			t.Fatal(err)
		}
		defer dump.Close()
		fmt.Fprintf(dump, "%s;\n", strings.Join(setup, ";\n"))
	}
	for _, stmt := range setup {
		for name, db := range map[string]*sql.DB{"dsql": dsqlDB, "MariaDB": mdDB} {
			if _, err := db.Exec(stmt); err != nil {
				t.Fatalf("setup on %s: %s: %v", name, dfShort(stmt), err)
			}
		}
	}

	start := time.Now()
	var failures, bothFailed, ordered int
	for i := range n {
		q := next(g)
		if q.ordered {
			ordered++
		}
		var diff string
		if q.dml {
			if dump != nil {
				fmt.Fprintf(dump, "-- statement %d\n%s;\n", i, q.sql)
			}
			var fatal bool
			diff, fatal = dfCompareDML(dsqlDB, mdDB, q)
			if diff != "" {
				t.Errorf("seed %d statement %d: %s\n%s", seed, i, q.sql, diff)
				if fatal { // the tables differ now; later answers would too
					t.FailNow()
				}
				failures++
			}
		} else {
			var both bool
			diff, both = dfCompareQuery(dsqlDB, mdDB, q.sql, q.ordered)
			if both {
				bothFailed++
				if bothFailed <= 5 {
					t.Logf("statement %d failed on both (generator bug?): %s: %s", i, q.sql, diff)
				}
				diff = ""
			}
			if diff != "" {
				t.Errorf("seed %d statement %d: %s\n%s", seed, i, q.sql, diff)
				failures++
			}
		}
		if failures >= 10 {
			t.Fatalf("stopping after %d differences", failures)
		}
	}
	t.Logf("%d statements (%d compared in order) in %v; %d failed on both servers",
		n, ordered, time.Since(start).Round(time.Millisecond), bothFailed)
	if bothFailed > n/20 {
		t.Errorf("%d of %d statements failed on both servers: the generator makes invalid SQL", bothFailed, n)
	}
	s.stop()
}

// dfStmt is one generated statement. ordered: its outermost ORDER BY fixes the order of
// its rows. dml: it changes tables; check then reads each of them in a fixed order (one
// query, or several separated by ";").
type dfStmt struct {
	sql     string
	ordered bool
	dml     bool
	check   string
}

// dfCompareQuery runs q on both servers and describes how the answers differ ("" when
// they do not). both is true when q failed on both servers (the description then holds
// the two errors).
func dfCompareQuery(dsqlDB, mdDB *sql.DB, q string, ordered bool) (diff string, both bool) {
	got, gerr := ccRows(dsqlDB, q)
	want, werr := ccRows(mdDB, q)
	switch {
	case gerr != nil && werr != nil:
		return fmt.Sprintf("dsql: %v; MariaDB: %v", gerr, werr), true
	case gerr != nil:
		return fmt.Sprintf("dsql failed: %v\nMariaDB returned %d rows", gerr, len(want)), false
	case werr != nil:
		return fmt.Sprintf("MariaDB failed: %v\ndsql returned %d rows", werr, len(got)), false
	}
	return dfDiffRows(got, want, ordered), false
}

// dfCompareDML runs the statement on both servers, then compares the affected-row counts
// and the table. fatal is true when the tables differ afterwards.
func dfCompareDML(dsqlDB, mdDB *sql.DB, q dfStmt) (diff string, fatal bool) {
	gres, gerr := dsqlDB.Exec(q.sql)
	wres, werr := mdDB.Exec(q.sql)
	switch {
	case gerr != nil && werr != nil:
		var ge, we *mysql.MySQLError
		if errors.As(gerr, &ge) && errors.As(werr, &we) && ge.Number == we.Number {
			return "", false
		}
		return fmt.Sprintf("both failed, differently: dsql: %v; MariaDB: %v", gerr, werr), false
	case gerr != nil:
		return fmt.Sprintf("dsql failed: %v (MariaDB did not)", gerr), true
	case werr != nil:
		return fmt.Sprintf("MariaDB failed: %v (dsql did not)", werr), true
	}
	var msgs []string
	ga, _ := gres.RowsAffected()
	wa, _ := wres.RowsAffected()
	if ga != wa {
		msgs = append(msgs, fmt.Sprintf("rows affected: dsql %d, MariaDB %d", ga, wa))
	}
	for _, check := range strings.Split(q.check, ";") {
		if d, _ := dfCompareQuery(dsqlDB, mdDB, check, true); d != "" {
			return strings.Join(append(msgs, "afterwards "+check+":\n"+d), "\n"), true
		}
	}
	return strings.Join(msgs, "\n"), false
}

// dfDiffRows compares two answers (rows as ccRows makes them), in order or as multisets.
func dfDiffRows(got, want []string, ordered bool) string {
	got, want = dfNormalize(got), dfNormalize(want)
	how := "in order"
	if !ordered {
		how = "as multisets"
		slices.Sort(got)
		slices.Sort(want)
	}
	if slices.Equal(got, want) {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "answers differ (%s): dsql %d rows, MariaDB %d rows\n", how, len(got), len(want))
	shown := 0
	for i := 0; i < max(len(got), len(want)) && shown < 8; i++ {
		g, w := "(none)", "(none)"
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			fmt.Fprintf(&b, "  row %d: dsql %s, MariaDB %s\n", i, g, w)
			shown++
		}
	}
	return b.String()
}

// dfNormalize writes an integral DECIMAL ("12.0000", as a SUM may print) as the integer.
func dfNormalize(rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		parts := strings.Split(r, "|")
		for j, p := range parts {
			if k := strings.IndexByte(p, '.'); k > 0 && strings.Trim(p[k+1:], "0") == "" {
				if _, err := strconv.ParseInt(p[:k], 10, 64); err == nil {
					parts[j] = p[:k]
				}
			}
		}
		out[i] = strings.Join(parts, "|")
	}
	return out
}

func dfShort(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// dfCol is a column of a generated table: an INT with literals drawn from [lo, hi], or a
// VARCHAR holding one of dfWords.
type dfCol struct {
	name   string
	str    bool
	lo, hi int
}

// dfTable is a table or view the generator reads. key names a column unique over its
// rows ("" when there is none: the keyless table).
type dfTable struct {
	name string
	key  string
	cols []dfCol
	base bool // a base table (DML may change it)
}

// dfWords are the VARCHAR values: lowercase ASCII, so that every collation orders and
// compares them alike. dfOtherWords are literals that are not stored.
var (
	dfWords      = []string{"ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen"}
	dfOtherWords = []string{"a", "cow", "d", "zebra", "bee%", "c_t"}
)

var (
	dfT1 = &dfTable{name: "t1", key: "id", base: true, cols: []dfCol{
		{name: "id", lo: 1, hi: 420}, {name: "a", lo: 0, hi: 30}, {name: "b", lo: 0, hi: 9},
		{name: "c", str: true}, {name: "d", lo: -50, hi: 50}, {name: "u", lo: 1, hi: 1000},
	}}
	dfT2 = &dfTable{name: "t2", key: "id", base: true, cols: []dfCol{
		{name: "id", lo: 1, hi: 320}, {name: "t1id", lo: 1, hi: 420}, {name: "x", lo: 0, hi: 20},
		{name: "s", str: true}, {name: "y", lo: -50, hi: 50},
	}}
	dfK = &dfTable{name: "k", base: true, cols: []dfCol{
		{name: "p", lo: 0, hi: 10}, {name: "q", str: true}, {name: "r", lo: 0, hi: 3},
	}}
	dfV1 = &dfTable{name: "v1", key: "id", cols: []dfCol{
		{name: "id", lo: 1, hi: 420}, {name: "a", lo: 0, hi: 30}, {name: "c", str: true},
	}}
	dfV2 = &dfTable{name: "v2", key: "id", cols: []dfCol{
		{name: "id", lo: 1, hi: 320}, {name: "t1id", lo: 1, hi: 420}, {name: "x", lo: 0, hi: 20},
	}}
	dfV3 = &dfTable{name: "v3", key: "b", cols: []dfCol{
		{name: "b", lo: 0, hi: 9}, {name: "n", lo: 0, hi: 50}, {name: "ma", lo: 0, hi: 30},
	}}
	dfV4 = &dfTable{name: "v4", key: "id2", cols: []dfCol{
		{name: "id2", lo: 1, hi: 320}, {name: "id1", lo: 1, hi: 420}, {name: "a", lo: 0, hi: 30}, {name: "x", lo: 0, hi: 20},
	}}
	dfBases = []*dfTable{dfT1, dfT2, dfK}
	dfAll   = []*dfTable{dfT1, dfT2, dfK, dfT1, dfT2, dfV1, dfV2, dfV3, dfV4}
)

// dfGen generates the schema, rows and statements from one seeded source.
type dfGen struct {
	r      *rand.Rand
	nextID int // ids for INSERT ... SELECT
}

func (g *dfGen) pick(n int) bool { return g.r.IntN(n) == 0 }

// setup returns the DDL and INSERTs: t1 (300 rows), t2 (250 rows), k (120 keyless rows)
// in random key order, with NULLs and repeated values in every non-key column, and the
// views (two with ORDER BY ... LIMIT, one grouped, one a join).
func (g *dfGen) setup() []string {
	out := []string{
		"CREATE TABLE t1 (id INT PRIMARY KEY, a INT, b INT, c VARCHAR(16), d INT, u INT, " +
			"KEY t1_a (a), KEY t1_bc (b, c), UNIQUE KEY t1_u (u))",
		"CREATE TABLE t2 (id INT PRIMARY KEY, t1id INT, x INT, s VARCHAR(16), y INT, " +
			"KEY t2_t1id (t1id), KEY t2_xs (x, s))",
		"CREATE TABLE k (p INT, q VARCHAR(16), r INT)",
	}
	nullOr := func(pct int, v string) string {
		if g.r.IntN(100) < pct {
			return "NULL"
		}
		return v
	}
	word := func() string { return "'" + dfWords[g.r.IntN(len(dfWords))] + "'" }
	num := func(lo, hi int) string { return strconv.Itoa(lo + g.r.IntN(hi-lo+1)) }
	ids := func(count, upto int) []int { return g.r.Perm(upto)[:count] }
	insert := func(table string, rows []string) {
		for len(rows) > 0 {
			k := min(len(rows), 50)
			out = append(out, "INSERT INTO "+table+" VALUES "+strings.Join(rows[:k], ", "))
			rows = rows[k:]
		}
	}
	us := g.r.Perm(1000)
	var rows []string
	for i, id := range ids(300, 400) {
		rows = append(rows, fmt.Sprintf("(%d, %s, %s, %s, %s, %s)", id+1,
			nullOr(15, num(0, 30)), nullOr(10, num(0, 9)), nullOr(10, word()),
			nullOr(20, num(-50, 50)), nullOr(20, strconv.Itoa(us[i]+1))))
	}
	insert("t1", rows)
	rows = nil
	for _, id := range ids(250, 300) {
		rows = append(rows, fmt.Sprintf("(%d, %s, %s, %s, %s)", id+1,
			nullOr(10, num(1, 420)), nullOr(10, num(0, 20)), nullOr(10, word()), nullOr(20, num(-50, 50))))
	}
	insert("t2", rows)
	rows = nil
	for range 120 {
		rows = append(rows, fmt.Sprintf("(%s, %s, %s)", nullOr(20, num(0, 10)), nullOr(15, word()), num(0, 3)))
	}
	insert("k", rows)
	g.nextID = 1000
	return append(out,
		"CREATE VIEW v1 AS SELECT id, a, c FROM t1 WHERE b < 6 ORDER BY a, id LIMIT 40",
		"CREATE VIEW v2 AS SELECT id, t1id, x FROM t2 ORDER BY x DESC, id DESC LIMIT 25 OFFSET 5",
		"CREATE VIEW v3 AS SELECT b, COUNT(*) AS n, MAX(a) AS ma FROM t1 GROUP BY b",
		"CREATE VIEW v4 AS SELECT t2.id AS id2, t1.id AS id1, t1.a, t2.x FROM t1 JOIN t2 ON t2.t1id = t1.id",
	)
}

// lit returns a literal for column c.
func (g *dfGen) lit(c dfCol) string {
	if c.str {
		if g.pick(6) {
			return "'" + dfOtherWords[g.r.IntN(len(dfOtherWords))] + "'"
		}
		return "'" + dfWords[g.r.IntN(len(dfWords))] + "'"
	}
	return strconv.Itoa(c.lo - 2 + g.r.IntN(c.hi-c.lo+5))
}

func (g *dfGen) col(t *dfTable) dfCol { return t.cols[g.r.IntN(len(t.cols))] }

// pred returns a condition over t's columns, each written as prefix+name.
func (g *dfGen) pred(prefix string, t *dfTable, depth int) string {
	if depth > 0 && g.pick(3) {
		switch g.r.IntN(3) {
		case 0:
			return "(" + g.pred(prefix, t, depth-1) + " AND " + g.pred(prefix, t, depth-1) + ")"
		case 1:
			return "(" + g.pred(prefix, t, depth-1) + " OR " + g.pred(prefix, t, depth-1) + ")"
		default:
			return "NOT (" + g.pred(prefix, t, depth-1) + ")"
		}
	}
	c := g.col(t)
	name := prefix + c.name
	switch g.r.IntN(11) {
	case 0, 1:
		return name + " = " + g.lit(c)
	case 2:
		return name + " < " + g.lit(c)
	case 3:
		return name + " > " + g.lit(c)
	case 4:
		return name + []string{" <= ", " >= ", " <> "}[g.r.IntN(3)] + g.lit(c)
	case 5:
		lo, hi := g.lit(c), g.lit(c)
		return name + " BETWEEN " + lo + " AND " + hi
	case 6, 7:
		var items []string
		for range 1 + g.r.IntN(4) {
			items = append(items, g.lit(c))
		}
		if g.pick(5) {
			items = append(items, "NULL")
		}
		not := ""
		if g.pick(3) {
			not = "NOT "
		}
		return name + " " + not + "IN (" + strings.Join(items, ", ") + ")"
	case 8:
		if g.pick(2) {
			return name + " IS NULL"
		}
		return name + " IS NOT NULL"
	case 9:
		if c.str {
			w := dfWords[g.r.IntN(len(dfWords))]
			return name + " LIKE '" + w[:1] + "%'"
		}
		fallthrough
	default: // two columns of one kind
		for range 5 {
			d := g.col(t)
			if d.str == c.str && d.name != c.name {
				return name + []string{" = ", " < ", " > ", " <> "}[g.r.IntN(4)] + prefix + d.name
			}
		}
		return name + " IS NOT NULL"
	}
}

func (g *dfGen) dir() string {
	switch g.r.IntN(3) {
	case 0:
		return " DESC"
	case 1:
		return " ASC"
	}
	return ""
}

// cols returns 1..max distinct columns of t, in random order.
func (g *dfGen) cols(t *dfTable, most int) []dfCol {
	perm := g.r.Perm(len(t.cols))
	n := 1 + g.r.IntN(min(most, len(t.cols)))
	out := make([]dfCol, n)
	for i := range n {
		out[i] = t.cols[perm[i]]
	}
	return out
}

func dfNames(prefix string, cs []dfCol) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = prefix + c.name
	}
	return out
}

// order returns an ORDER BY over t that fixes the order of its rows: up to two columns,
// then the key (or, for a table without one, every column: tied rows are then equal).
func (g *dfGen) order(prefix string, t *dfTable) string {
	var keys []string
	used := map[string]bool{}
	for range g.r.IntN(3) {
		c := g.col(t)
		if !used[c.name] {
			used[c.name] = true
			keys = append(keys, prefix+c.name+g.dir())
		}
	}
	if t.key != "" {
		if !used[t.key] {
			keys = append(keys, prefix+t.key+g.dir())
		}
	} else {
		for _, c := range t.cols {
			if !used[c.name] {
				keys = append(keys, prefix+c.name+g.dir())
			}
		}
	}
	return " ORDER BY " + strings.Join(keys, ", ")
}

// limit returns " LIMIT n" or " LIMIT n OFFSET m", or "" sometimes.
func (g *dfGen) limit(always bool) string {
	if !always && g.pick(2) {
		return ""
	}
	l := fmt.Sprintf(" LIMIT %d", g.r.IntN(30))
	if g.pick(2) {
		l += fmt.Sprintf(" OFFSET %d", g.r.IntN(20))
	}
	return l
}

// tail appends to q, a query over t whose output has t's rows, an ORDER BY: total (and
// then maybe a LIMIT), partial, or none.
func (g *dfGen) tail(prefix string, t *dfTable) (string, bool) {
	switch g.r.IntN(4) {
	case 0:
		return "", false
	case 1: // an order that may leave ties: compared as a multiset
		c := g.col(t)
		if c.name != t.key {
			return " ORDER BY " + prefix + c.name + g.dir(), false
		}
	}
	return g.order(prefix, t) + g.limit(false), true
}

func (g *dfGen) where(prefix string, t *dfTable) string {
	if g.pick(6) {
		return ""
	}
	return " WHERE " + g.pred(prefix, t, 2)
}

func (g *dfGen) table() *dfTable { return dfAll[g.r.IntN(len(dfAll))] }

// statement returns the next statement: mostly queries of the shapes below, ~4% DML.
func (g *dfGen) statement() dfStmt {
	switch g.r.IntN(25) {
	case 0:
		return g.dml()
	case 1, 2, 3, 4:
		return g.simple()
	case 5, 6:
		return g.distinct()
	case 7, 8, 9:
		return g.derived()
	case 10, 11, 12:
		return g.groupBy()
	case 13, 14, 15, 16:
		return g.join()
	case 17, 18:
		return g.union()
	default:
		return g.subquery()
	}
}

// simple: SELECT cols FROM t WHERE ... [ORDER BY ... [LIMIT]].
func (g *dfGen) simple() dfStmt {
	t := g.table()
	tail, ordered := g.tail("", t)
	return dfStmt{sql: "SELECT " + strings.Join(dfNames("", g.cols(t, 4)), ", ") + " FROM " + t.name +
		g.where("", t) + tail, ordered: ordered}
}

// distinct: SELECT DISTINCT cols ... ORDER BY every selected column (then total) or none.
func (g *dfGen) distinct() dfStmt {
	t := g.table()
	cs := dfNames("", g.cols(t, 3))
	q := "SELECT DISTINCT " + strings.Join(cs, ", ") + " FROM " + t.name + g.where("", t)
	if g.pick(3) {
		return dfStmt{sql: q}
	}
	keys := slices.Clone(cs)
	g.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	for i := range keys {
		keys[i] += g.dir()
	}
	return dfStmt{sql: q + " ORDER BY " + strings.Join(keys, ", ") + g.limit(false), ordered: true}
}

// derived: a derived table with its own total ORDER BY ... LIMIT (or a grouped one),
// filtered and ordered again outside.
func (g *dfGen) derived() dfStmt {
	t := g.table()
	if g.pick(4) { // grouped inside, filtered on the aggregate outside
		gc := g.col(t)
		agg := g.col(t)
		inner := fmt.Sprintf("SELECT %s AS g, COUNT(*) AS n, MAX(%s) AS m FROM %s%s GROUP BY %s",
			gc.name, agg.name, t.name, g.where("", t), gc.name)
		q := fmt.Sprintf("SELECT g, n, m FROM (%s) d WHERE n > %d ORDER BY g%s", inner, g.r.IntN(4), g.dir())
		return dfStmt{sql: q + g.limit(false), ordered: true}
	}
	inner := "SELECT * FROM " + t.name + g.where("", t) + g.order("", t) + g.limit(true)
	outer := g.cols(t, 3)
	q := "SELECT " + strings.Join(dfNames("d.", outer), ", ") + " FROM (" + inner + ") d"
	if g.pick(2) {
		q += " WHERE " + g.pred("d.", t, 1)
	}
	tail, ordered := g.tail("d.", t)
	return dfStmt{sql: q + tail, ordered: ordered}
}

// groupBy: GROUP BY one or two columns with COUNT/SUM/MIN/MAX and maybe HAVING, ordered
// by every grouping column; or an aggregate over the whole (filtered) table.
func (g *dfGen) groupBy() dfStmt {
	t := g.table()
	var aggs []string
	for range 1 + g.r.IntN(3) {
		c := g.col(t)
		switch g.r.IntN(5) {
		case 0:
			aggs = append(aggs, "COUNT(*)")
		case 1:
			aggs = append(aggs, "COUNT("+c.name+")")
		case 2:
			// SUM only over columns whose sums stay below 1e6: GMS sums INTs as DOUBLE
			// and sends 1126698 as "1.126698e+06" (MySQL: DECIMAL, "1126698"); see
			// dfSmall.
			if !c.str && dfSmall(c) {
				aggs = append(aggs, "SUM("+c.name+")")
			} else {
				aggs = append(aggs, "COUNT(DISTINCT "+c.name+")")
			}
		case 3:
			aggs = append(aggs, "MIN("+c.name+")")
		default:
			aggs = append(aggs, "MAX("+c.name+")")
		}
	}
	if g.pick(5) {
		return dfStmt{sql: "SELECT " + strings.Join(aggs, ", ") + " FROM " + t.name + g.where("", t), ordered: true}
	}
	gcs := dfNames("", g.cols(t, 2))
	q := "SELECT " + strings.Join(gcs, ", ") + ", " + strings.Join(aggs, ", ") + " FROM " + t.name +
		g.where("", t) + " GROUP BY " + strings.Join(gcs, ", ")
	if g.pick(3) {
		c := g.col(t)
		switch g.r.IntN(3) {
		case 0:
			q += fmt.Sprintf(" HAVING COUNT(*) > %d", g.r.IntN(5))
		case 1:
			if !c.str && dfSmall(c) {
				q += fmt.Sprintf(" HAVING SUM(%s) < %d", c.name, g.r.IntN(200)-50)
				break
			}
			fallthrough
		default:
			q += " HAVING MAX(" + c.name + ") " + []string{"=", "<", ">"}[g.r.IntN(3)] + " " + g.lit(c)
		}
	}
	if g.pick(3) {
		return dfStmt{sql: q}
	}
	keys := slices.Clone(gcs)
	for i := range keys {
		keys[i] += g.dir()
	}
	return dfStmt{sql: q + " ORDER BY " + strings.Join(keys, ", ") + g.limit(false), ordered: true}
}

// dfSmall reports whether c's values are small enough that a SUM over every row stays
// below 1e6. Known difference, excluded: GMS's SUM of an INT column is a DOUBLE, which
// the server writes in Go's shortest form, so SELECT SUM(id) FROM t2 (ids up to
// thousands after the INSERT ... SELECTs) came back as 1.126698e+06 where MySQL and
// MariaDB send the DECIMAL 1126698 (SELECT 1126698e0 shows the formatting alone).
func dfSmall(c dfCol) bool { return c.hi <= 50 && c.lo >= -50 }

// dfJoins are the join conditions: on a key, on indexed and on unindexed columns.
var dfJoins = []struct {
	l, r *dfTable
	on   string
}{
	{dfT1, dfT2, "t2.t1id = t1.id"},
	{dfT1, dfT2, "t2.x = t1.a"},
	{dfT1, dfT2, "t2.y = t1.d"},
	{dfT1, dfT2, "t2.s = t1.c"},
	{dfT2, dfT1, "t1.id = t2.t1id"},
	{dfT2, dfT1, "t1.b = t2.x"},
	{dfT1, dfK, "k.p = t1.b"},
	{dfK, dfT2, "t2.x = k.p"},
	{dfT1, dfV1, "v1.id = t1.id"},
	{dfV3, dfT1, "t1.b = v3.b"},
}

// join: an inner or left join of two tables, filtered on either side, ordered by both
// sides' keys (total) or not at all.
func (g *dfGen) join() dfStmt {
	j := dfJoins[g.r.IntN(len(dfJoins))]
	kind := " JOIN "
	if g.pick(2) {
		kind = " LEFT JOIN "
	}
	on := j.on
	if g.pick(4) {
		on += " AND " + g.pred(j.r.name+".", j.r, 0)
	}
	sel := append(dfNames(j.l.name+".", g.cols(j.l, 2)), dfNames(j.r.name+".", g.cols(j.r, 2))...)
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + j.l.name + kind + j.r.name + " ON " + on
	var conds []string
	if g.pick(2) {
		conds = append(conds, g.pred(j.l.name+".", j.l, 1))
	}
	if g.pick(2) {
		if kind == " LEFT JOIN " && g.pick(3) {
			conds = append(conds, j.r.name+"."+j.r.cols[0].name+" IS NULL")
		} else {
			conds = append(conds, g.pred(j.r.name+".", j.r, 1))
		}
	}
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	switch g.r.IntN(5) {
	case 0:
		return dfStmt{sql: q}
	case 4: // grouped by a left column, aggregates of the right
		lc, rc := g.col(j.l), g.col(j.r)
		gq := "SELECT " + j.l.name + "." + lc.name + ", COUNT(*), COUNT(" + j.r.name + "." + rc.name + "), MAX(" +
			j.r.name + "." + rc.name + ")" + q[strings.Index(q, " FROM "):] + " GROUP BY " + j.l.name + "." + lc.name
		return dfStmt{sql: gq + " ORDER BY " + j.l.name + "." + lc.name + g.dir() + g.limit(false), ordered: true}
	case 1: // one side's join column, one direction: ties, compared as a multiset (a
		// descending ORDER BY over a merge join reversed its scans, which lost rows)
		col := strings.Fields(strings.Split(j.on, " = ")[g.r.IntN(2)])[0]
		return dfStmt{sql: q + " ORDER BY " + col + []string{" DESC", ""}[g.r.IntN(2)]}
	}
	// The left key, then the right key (every column of a keyless table: rows tied on
	// all of them are equal).
	ord := strings.TrimPrefix(g.order(j.l.name+".", j.l), " ORDER BY ")
	ord += ", " + strings.TrimPrefix(g.order(j.r.name+".", j.r), " ORDER BY ")
	return dfStmt{sql: q + " ORDER BY " + ord + g.limit(false), ordered: true}
}

// dfUnionArms are the SELECTs a UNION combines: two columns each, INT then VARCHAR.
var dfUnionArms = []struct {
	t    *dfTable
	cols string
}{
	{dfT1, "a, c"}, {dfT2, "x, s"}, {dfK, "p, q"}, {dfT1, "b, c"}, {dfV1, "a, c"},
}

// union: two or three SELECTs joined by UNION or UNION ALL, each maybe with its own total
// ORDER BY ... LIMIT, ordered by both columns (total) or not at all.
func (g *dfGen) union() dfStmt {
	var arms []string
	for range 2 + g.r.IntN(2) {
		a := dfUnionArms[g.r.IntN(len(dfUnionArms))]
		arm := "SELECT " + a.cols + " FROM " + a.t.name + g.where("", a.t)
		if g.pick(3) {
			arm = "(" + arm + g.order("", a.t) + g.limit(true) + ")"
		}
		arms = append(arms, arm)
	}
	q := arms[0]
	for _, a := range arms[1:] {
		if g.pick(2) {
			q += " UNION ALL " + a
		} else {
			q += " UNION " + a
		}
	}
	if g.pick(3) {
		return dfStmt{sql: q}
	}
	return dfStmt{sql: q + " ORDER BY 1" + g.dir() + ", 2" + g.dir() + g.limit(false), ordered: true}
}

// subquery: IN / NOT IN (subquery), EXISTS / NOT EXISTS (correlated), and scalar
// subqueries in WHERE and in the select list.
func (g *dfGen) subquery() dfStmt {
	outer := []*dfTable{dfT1, dfT2, dfK}[g.r.IntN(3)]
	on := outer.name + "."
	sel := dfNames(on, g.cols(outer, 3))
	var cond string
	switch g.r.IntN(7) {
	case 5: // [NOT] IN over a correlated subquery
		inner, corr, col := dfT2, "t2.t1id = t1.id", "t2.x"
		switch outer {
		case dfT2:
			inner, corr, col = dfT1, "t1.id = t2.t1id", "t1.a"
		case dfK:
			inner, corr, col = dfT1, "t1.b = k.p", "t1.a"
		}
		c := outer.cols[0]
		if c.str {
			c = outer.cols[2]
		}
		not := ""
		if g.pick(2) {
			not = "NOT "
		}
		cond = on + c.name + " " + not + "IN (SELECT " + col + " FROM " + inner.name + " WHERE " + corr + ")"
	case 6: // NOT (x op (scalar subquery)), maybe over no rows (NULL)
		c := outer.cols[0]
		if c.str {
			c = outer.cols[2]
		}
		cond = "NOT (" + on + c.name + " " + []string{"<", ">", "="}[g.r.IntN(3)] + " (SELECT MAX(x) FROM t2 WHERE " +
			g.pred("t2.", dfT2, 1) + "))"
	case 0, 1: // [NOT] IN (SELECT ...) on a column of the same kind
		c := g.col(outer)
		inner := []*dfTable{dfT1, dfT2, dfK, dfV1}[g.r.IntN(4)]
		if inner == outer {
			inner = dfV2
		}
		var ic dfCol
		for range 10 {
			if ic = g.col(inner); ic.str == c.str {
				break
			}
		}
		if ic.str != c.str {
			c = dfCol{name: outer.cols[0].name, lo: outer.cols[0].lo, hi: outer.cols[0].hi}
			ic = inner.cols[0]
		}
		not := ""
		if g.pick(3) {
			not = "NOT "
		}
		cond = on + c.name + " " + not + "IN (SELECT " + inner.name + "." + ic.name + " FROM " + inner.name +
			g.where(inner.name+".", inner) + ")"
	case 2: // [NOT] EXISTS, correlated
		inner, corr := dfT2, "t2.t1id = t1.id"
		switch outer {
		case dfT2:
			inner, corr = dfT1, "t1.a = t2.x"
		case dfK:
			inner, corr = dfT1, "t1.b = k.p"
		}
		not := ""
		if g.pick(3) {
			not = "NOT "
		}
		cond = not + "EXISTS (SELECT 1 FROM " + inner.name + " WHERE " + corr + " AND " +
			g.pred(inner.name+".", inner, 1) + ")"
	case 3: // compared with an aggregate of another table
		c := g.col(outer)
		if c.str {
			cond = on + c.name + " > (SELECT MIN(s) FROM t2 WHERE " + g.pred("t2.", dfT2, 1) + ")"
		} else {
			cond = on + c.name + " " + []string{"<", ">", "="}[g.r.IntN(3)] + " (SELECT MAX(x) FROM t2 WHERE " +
				g.pred("t2.", dfT2, 1) + ")"
		}
	default: // a correlated scalar subquery in the select list
		if outer == dfT1 {
			if g.pick(2) {
				sel = append(sel, "(SELECT MAX(t2.x) FROM t2 WHERE t2.t1id = t1.id) AS m")
			} else {
				sel = append(sel, "(SELECT t2.y FROM t2 WHERE t2.t1id = t1.id ORDER BY t2.x DESC, t2.id LIMIT 1) AS m")
			}
		} else {
			sel = append(sel, "(SELECT COUNT(*) FROM t1 WHERE t1.b = "+on+outer.cols[0].name+") AS m")
		}
		cond = g.pred(on, outer, 1)
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + outer.name + " WHERE " + cond
	if g.pick(3) {
		q += " AND " + g.pred(on, outer, 0)
	}
	tail, ordered := g.tail(on, outer)
	return dfStmt{sql: q + tail, ordered: ordered}
}

// dml: UPDATE or DELETE with ORDER BY ... LIMIT (or a WHERE only), or INSERT ... SELECT
// with fresh keys; check then reads the changed table.
func (g *dfGen) dml() dfStmt {
	t := dfBases[g.r.IntN(len(dfBases))]
	check := "SELECT * FROM " + t.name + " ORDER BY "
	if t.key != "" {
		check += t.key
	} else {
		check += strings.Join(dfNames("", t.cols), ", ")
	}
	where := " WHERE " + g.pred("", t, 1)
	lim := ""
	if g.pick(4) {
		lim = g.order("", t) + fmt.Sprintf(" LIMIT %d", 1+g.r.IntN(8))
	}
	switch g.r.IntN(3) {
	case 0: // UPDATE
		var sets []string
		for _, c := range g.cols(t, 2) {
			switch {
			case c.name == "id":
				continue // keys stay
			case c.name == "u":
				sets = append(sets, "u = -u") // a bijection: the UNIQUE key holds
			case c.str:
				sets = append(sets, c.name+" = "+g.lit(c))
			case g.pick(3):
				sets = append(sets, c.name+" = NULL")
			default:
				sets = append(sets, fmt.Sprintf("%s = %s + %d", c.name, c.name, 1+g.r.IntN(3)))
			}
		}
		if len(sets) == 0 {
			sets = []string{t.cols[len(t.cols)-1].name + " = NULL"}
		}
		if t.key == "" {
			lim = "" // the rows an ORDER BY leaves tied differ once changed
		}
		return dfStmt{sql: "UPDATE " + t.name + " SET " + strings.Join(sets, ", ") + where + lim, dml: true, check: check}
	case 1: // DELETE a few rows
		if lim == "" {
			lim = g.order("", t) + fmt.Sprintf(" LIMIT %d", 1+g.r.IntN(5))
		}
		return dfStmt{sql: "DELETE FROM " + t.name + where + lim, dml: true, check: check}
	default: // INSERT ... SELECT from t1 with fresh keys
		g.nextID += 1000
		src := " FROM t1 WHERE " + g.pred("", dfT1, 1) + " ORDER BY id LIMIT 10"
		switch t {
		case dfT1:
			return dfStmt{sql: fmt.Sprintf("INSERT INTO t1 (id, a, b, c, d) SELECT id + %d, a, b, c, d%s", g.nextID, src),
				dml: true, check: check}
		case dfT2:
			return dfStmt{sql: fmt.Sprintf("INSERT INTO t2 (id, t1id, x, s, y) SELECT id + %d, id, a, c, d%s", g.nextID, src),
				dml: true, check: check}
		default:
			return dfStmt{sql: "INSERT INTO k (p, q, r) SELECT b, c, 1" + src, dml: true, check: check}
		}
	}
}
