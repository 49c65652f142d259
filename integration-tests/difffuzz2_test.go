package integration

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestDiffFuzz2 runs TestDiffFuzz's harness (same tables, rows, comparison and
// DSQL_DIFFFUZZ_* variables) with a second grammar: window functions (ranking, LAG/LEAD,
// FIRST_VALUE, COUNT/MIN/MAX over ROWS frames, SUM/AVG over default frames, filtered
// outside a derived table), CTEs (several, one referenced twice, a recursive counter, joined with a table), integer and
// ASCII string expressions (CASE, COALESCE, IFNULL, NULLIF, GREATEST/LEAST, + - * DIV MOD,
// ABS, SIGN, <=>, CONCAT, SUBSTRING, LEFT, RIGHT, UPPER, LOWER, LENGTH, REPLACE, LPAD) in
// the select list, WHERE, ORDER BY, GROUP BY and join conditions, three-table, RIGHT,
// OR-conditioned and self joins, COUNT(DISTINCT), ORDER BY and HAVING on aggregates, and
// DML: INSERT ... SELECT, INSERT ... ON DUPLICATE KEY UPDATE with VALUES(col), REPLACE,
// multi-table UPDATE, DELETE ... IN (subquery) and UPDATE with expressions. As in the
// first grammar every shape is one on which MariaDB 10.11 and MySQL 8 agree: integer
// arithmetic only (no SUM/AVG, no / division, DIV and MOD by non-zero literals),
// window orders that are total wherever the function depends on the order of ties, and
// UPPER results compared only with each other (the two servers' default collations
// differ in case).
func TestDiffFuzz2(t *testing.T) {
	dfRun(t, 20261127, 1500, (*dfGen).statement2)
}

// statement2 returns the next statement of the second grammar (~8% DML).
func (g *dfGen) statement2() dfStmt {
	switch g.r.IntN(25) {
	case 0, 1:
		return g.dml2()
	case 2, 3, 4, 5:
		return g.window()
	case 6, 7:
		return g.windowDerived()
	case 8, 9, 10:
		return g.cte()
	case 11, 12, 13, 14:
		return g.exprQuery()
	case 15, 16, 17, 18, 19:
		return g.join2()
	default:
		return g.groupBy2()
	}
}

// keyed returns a table or view with a key (the keyless k is left out).
func (g *dfGen) keyed() *dfTable {
	for {
		if t := g.table(); t.key != "" {
			return t
		}
	}
}

// intCol and strCol return a column of t of that kind (t has both).
func (g *dfGen) intCol(t *dfTable) dfCol {
	for {
		if c := g.col(t); !c.str {
			return c
		}
	}
}

func (g *dfGen) strCol(t *dfTable) (dfCol, bool) {
	if !slices.ContainsFunc(t.cols, func(c dfCol) bool { return c.str }) {
		return dfCol{}, false
	}
	for {
		if c := g.col(t); c.str {
			return c, true
		}
	}
}

// iexpr returns an integer expression over t's columns (each written as prefix+name):
// small enough values that nothing overflows, DIV and MOD by non-zero literals only.
func (g *dfGen) iexpr(prefix string, t *dfTable, depth int) string {
	if depth <= 0 || g.pick(3) {
		if g.pick(6) {
			return strconv.Itoa(g.r.IntN(11) - 3)
		}
		return prefix + g.intCol(t).name
	}
	e := func() string { return g.iexpr(prefix, t, depth-1) }
	k := func() string { return strconv.Itoa([]int{2, 3, 5, 7, -3}[g.r.IntN(5)]) }
	switch g.r.IntN(16) {
	case 0:
		return "(" + e() + " + " + e() + ")"
	case 1:
		return "(" + e() + " - " + e() + ")"
	case 2:
		return "(" + e() + " * " + strconv.Itoa(g.r.IntN(5)-1) + ")"
	case 3:
		return "(" + e() + " DIV " + k() + ")"
	case 4:
		// MOD of integers, negative operands too (dsql's intmod.go: GMS's DECIMAL gave -0)
		if g.pick(2) {
			return "MOD(" + e() + ", " + k() + ")"
		}
		return "(" + e() + " % " + k() + ")"
	case 5:
		return "ABS(" + e() + ")"
	case 6:
		return "SIGN(" + e() + ")"
	case 7:
		return "COALESCE(" + e() + ", " + e() + ", " + strconv.Itoa(g.r.IntN(5)) + ")"
	case 8:
		return "IFNULL(" + e() + ", " + strconv.Itoa(g.r.IntN(5)-2) + ")"
	case 9:
		return "NULLIF(" + e() + ", " + strconv.Itoa(g.r.IntN(5)) + ")"
	case 10:
		return []string{"GREATEST(", "LEAST("}[g.r.IntN(2)] + e() + ", " + e() + ")"
	case 11:
		return "CASE WHEN " + g.pred(prefix, t, 0) + " THEN " + e() + " ELSE " + e() + " END"
	case 12: // a simple CASE, maybe without ELSE (NULL)
		c := g.intCol(t)
		q := "CASE " + prefix + c.name + " WHEN " + g.lit(c) + " THEN " + e() + " WHEN " + g.lit(c) + " THEN " + e()
		if g.pick(2) {
			q += " ELSE " + e()
		}
		return q + " END"
	case 13:
		if s, ok := g.strCol(t); ok {
			return "LENGTH(" + g.sexpr(prefix, t, s, depth-1) + ")"
		}
		// a minus before a negative literal too: --1 is minus minus one (dsql's server
		// keeps vitess from reading it as a comment: server/comments.go)
		return "-" + e()
	case 14:
		// A bare truth value ((a < b): 1, 0 or NULL) is left out: GMS fails on it inside
		// GREATEST/LEAST ("unsupported type for greatest/least argument: bool" for
		// SELECT LEAST(-3, (x < y)) FROM t2; MySQL and MariaDB return -3).
		return "CASE WHEN " + g.pred(prefix, t, 0) + " THEN 1 ELSE 0 END"
	default: // as 1 or 0, not a bare truth value (case 14)
		return "CASE WHEN " + e() + " <=> " + e() + " THEN 1 ELSE 0 END"
	}
}

// sexpr returns a lowercase ASCII string expression built on column s of t.
func (g *dfGen) sexpr(prefix string, t *dfTable, s dfCol, depth int) string {
	base := prefix + s.name
	if depth <= 0 || g.pick(3) {
		return base
	}
	e := func() string { return g.sexpr(prefix, t, s, depth-1) }
	switch g.r.IntN(11) {
	case 0:
		return "CONCAT(" + e() + ", '" + dfWords[g.r.IntN(len(dfWords))][:2] + "')"
	case 1:
		return "CONCAT(" + e() + ", " + prefix + g.intCol(t).name + ")"
	case 2:
		return fmt.Sprintf("SUBSTRING(%s, %d)", e(), g.r.IntN(5)-2)
	case 3:
		return fmt.Sprintf("SUBSTRING(%s, %d, %d)", e(), 1+g.r.IntN(3), g.r.IntN(3))
	case 4:
		return fmt.Sprintf("LEFT(%s, %d)", e(), g.r.IntN(4))
	case 5:
		return fmt.Sprintf("RIGHT(%s, %d)", e(), g.r.IntN(4))
	case 6:
		return "LOWER(" + e() + ")"
	case 7:
		return "REPLACE(" + e() + ", '" + string(rune('a'+g.r.IntN(8))) + "', 'zz')"
	case 8:
		return fmt.Sprintf("LPAD(%s, %d, 'x')", e(), 2+g.r.IntN(5))
	case 9:
		return "COALESCE(" + e() + ", 'none')"
	default:
		return "CASE WHEN " + g.pred(prefix, t, 0) + " THEN " + e() + " ELSE 'other' END"
	}
}

// anyExpr returns an integer or string expression and whether it is a string.
func (g *dfGen) anyExpr(prefix string, t *dfTable) (string, bool) {
	if s, ok := g.strCol(t); ok && g.pick(3) {
		return g.sexpr(prefix, t, s, 2), true
	}
	return g.iexpr(prefix, t, 2), false
}

// epred returns a condition that compares an expression with a literal or another
// expression, or a column NULL-safely.
func (g *dfGen) epred(prefix string, t *dfTable) string {
	switch g.r.IntN(5) {
	case 0:
		c := g.col(t)
		lit := g.lit(c)
		if g.pick(3) {
			lit = "NULL"
		}
		not := ""
		if g.pick(3) {
			not = "NOT "
		}
		return not + "(" + prefix + c.name + " <=> " + lit + ")"
	case 1:
		if s, ok := g.strCol(t); ok {
			return g.sexpr(prefix, t, s, 2) + []string{" = ", " < ", " > "}[g.r.IntN(3)] + g.lit(s)
		}
		fallthrough
	case 2:
		return g.iexpr(prefix, t, 2) + []string{" = ", " < ", " > ", " <> ", " <= "}[g.r.IntN(5)] + g.iexpr(prefix, t, 1)
	default:
		return g.iexpr(prefix, t, 2) + []string{" = ", " < ", " > ", " >= "}[g.r.IntN(4)] + strconv.Itoa(g.r.IntN(30)-5)
	}
}

// ewhere is a WHERE mixing plain and expression conditions, or nothing.
func (g *dfGen) ewhere(prefix string, t *dfTable) string {
	switch g.r.IntN(4) {
	case 0:
		return ""
	case 1:
		return " WHERE " + g.pred(prefix, t, 1)
	case 2:
		return " WHERE " + g.epred(prefix, t)
	}
	return " WHERE " + g.epred(prefix, t) + []string{" AND ", " OR "}[g.r.IntN(2)] + g.pred(prefix, t, 0)
}

// exprQuery: expressions in the select list, WHERE and ORDER BY (then the key: total).
func (g *dfGen) exprQuery() dfStmt {
	t := g.table()
	var sel []string
	for range 1 + g.r.IntN(3) {
		e, _ := g.anyExpr("", t)
		sel = append(sel, e)
	}
	if s, ok := g.strCol(t); ok && g.pick(4) {
		sel = append(sel, "UPPER("+g.sexpr("", t, s, 1)+")")
	}
	sel = append(sel, dfNames("", g.cols(t, 2))...)
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + t.name + g.ewhere("", t)
	switch g.r.IntN(3) {
	case 0:
		return dfStmt{sql: q}
	case 1: // an expression first, then the total order
		e, _ := g.anyExpr("", t)
		if _, err := strconv.Atoi(e); err == nil { // ORDER BY 2 would name a column
			e = "(" + e + " + " + t.cols[0].name + ")"
		}
		return dfStmt{sql: q + " ORDER BY " + e + g.dir() + "," + strings.TrimPrefix(g.order("", t), " ORDER BY") +
			g.limit(false), ordered: true}
	}
	return dfStmt{sql: q + g.order("", t) + g.limit(false), ordered: true}
}

// worder returns a window's ORDER BY over t: total (ending with the key, or every
// column of the keyless table, whose tied rows are then equal) when total is set.
func (g *dfGen) worder(prefix string, t *dfTable, total bool) string {
	if total {
		return g.order(prefix, t)
	}
	return " ORDER BY " + prefix + g.col(t).name + g.dir()
}

// wfunc returns a window function call with its OVER clause over t.
func (g *dfGen) wfunc(prefix string, t *dfTable) string {
	part := ""
	if g.r.IntN(3) > 0 {
		cs := dfNames(prefix, g.cols(t, 2))
		if g.pick(5) {
			cs = []string{g.iexpr(prefix, t, 1)}
		}
		part = "PARTITION BY " + strings.Join(cs, ", ")
	}
	over := func(order string, frame string) string {
		return " OVER (" + strings.TrimSpace(part+order+frame) + ")"
	}
	c := g.col(t)
	switch g.r.IntN(11) {
	case 0:
		return "ROW_NUMBER()" + over(g.worder(prefix, t, true), "")
	case 1:
		return "RANK()" + over(g.worder(prefix, t, false), "")
	case 2:
		return "DENSE_RANK()" + over(g.worder(prefix, t, g.pick(2)), "")
	case 3:
		arg := ""
		if g.pick(2) {
			arg = ", " + strconv.Itoa(1+g.r.IntN(3))
		}
		return []string{"LAG(", "LEAD("}[g.r.IntN(2)] + prefix + c.name + arg + ")" + over(g.worder(prefix, t, true), "")
	case 4:
		return "FIRST_VALUE(" + prefix + c.name + ")" + over(g.worder(prefix, t, true), "")
	case 5: // the whole partition
		if g.pick(2) {
			return "COUNT(*)" + over("", "")
		}
		return []string{"COUNT(", "MIN(", "MAX("}[g.r.IntN(3)] + prefix + c.name + ")" + over("", "")
	case 6: // the default frame: up to the current row's last peer, any order
		if g.pick(3) { // SUM and AVG of an integer: exact DECIMALs (the backend's own aggregates)
			return []string{"SUM(", "AVG("}[g.r.IntN(2)] + prefix + g.intCol(t).name + ")" + over(g.worder(prefix, t, false), "")
		}
		return []string{"COUNT(", "MIN(", "MAX("}[g.r.IntN(3)] + prefix + c.name + ")" + over(g.worder(prefix, t, false), "")
	default: // a ROWS frame over a total order
		frames := []string{
			" ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING",
			" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW",
			" ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING",
			" ROWS BETWEEN 2 PRECEDING AND CURRENT ROW",
			" ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING",
			" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING",
			" ROWS 2 PRECEDING",
		}
		fn := []string{"COUNT(", "MIN(", "MAX(", "FIRST_VALUE(", "COUNT("}[g.r.IntN(5)]
		arg := prefix + c.name
		if fn == "COUNT(" && g.pick(3) {
			arg = "*"
		}
		return fn + arg + ")" + over(g.worder(prefix, t, true), frames[g.r.IntN(len(frames))])
	}
}

// window: window functions in the select list of a filtered base table, ordered outside
// by the key (a total order: each row's window values are fixed), or not at all. (Not
// over the views: MariaDB 10.11 calls v4's columns ambiguous in a window's PARTITION or
// ORDER BY.)
func (g *dfGen) window() dfStmt {
	t := dfBases[g.r.IntN(len(dfBases))]
	// One window function per query: MariaDB 10.11 gets some queries with several
	// windows of different PARTITION BY / ORDER BY wrong (SELECT d, FIRST_VALUE(id) OVER
	// (ORDER BY id DESC), LEAD(c, 3) OVER (PARTITION BY id ORDER BY id), MIN(a) OVER ()
	// FROM t1 gave FIRST_VALUE 1, the smallest id; alone it gives the largest).
	sel := append(dfNames("", g.cols(t, 2)), g.wfunc("", t)+" AS w0")
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + t.name + g.where("", t)
	if t.key == "" || g.pick(4) {
		return dfStmt{sql: q}
	}
	return dfStmt{sql: q + " ORDER BY " + t.key + g.dir() + g.limit(false), ordered: true}
}

// windowDerived: window results in a derived table, filtered outside (top-n per
// partition, a running count), or a window over a grouped query.
func (g *dfGen) windowDerived() dfStmt {
	t := []*dfTable{dfT1, dfT2}[g.r.IntN(2)]
	if g.pick(4) { // ranking groups by their counts
		// Over a derived table: GMS refuses a window function over a GROUP BY in one
		// SELECT (SELECT x, COUNT(*) AS n, RANK() OVER (ORDER BY COUNT(*) DESC) FROM t2
		// GROUP BY x fails with a malformed 1140 only_full_group_by error).
		gc := g.col(t)
		fn := []string{"RANK()", "DENSE_RANK()", "ROW_NUMBER()"}[g.r.IntN(3)]
		ord := "n DESC"
		if fn == "ROW_NUMBER()" {
			ord += ", g"
		}
		q := fmt.Sprintf("SELECT g, n, %s OVER (ORDER BY %s) AS rk FROM (SELECT %s AS g, COUNT(*) AS n FROM %s%s GROUP BY %s) d",
			fn, ord, gc.name, t.name, g.where("", t), gc.name)
		if g.pick(2) {
			return dfStmt{sql: q}
		}
		return dfStmt{sql: q + " ORDER BY g" + g.dir(), ordered: true}
	}
	part := g.col(t)
	fn := []string{"ROW_NUMBER()", "RANK()", "DENSE_RANK()", "COUNT(*)"}[g.r.IntN(4)]
	ord := g.worder("", t, fn == "ROW_NUMBER()" || fn == "COUNT(*)" || g.pick(2))
	frame := ""
	if fn == "COUNT(*)" {
		frame = " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
	}
	outer := g.cols(t, 3)
	inner := fmt.Sprintf("SELECT %s, %s OVER (PARTITION BY %s%s%s) AS rn FROM %s%s",
		strings.Join(dfNames("", t.cols), ", "), fn, part.name, ord, frame, t.name, g.where("", t))
	q := "SELECT " + strings.Join(dfNames("d.", outer), ", ") + ", d.rn FROM (" + inner + ") d WHERE d.rn <= " +
		strconv.Itoa(1+g.r.IntN(3))
	if g.pick(3) {
		q += " AND " + g.pred("d.", t, 0)
	}
	if g.pick(4) {
		return dfStmt{sql: q}
	}
	return dfStmt{sql: q + " ORDER BY d." + t.key + g.dir() + g.limit(false), ordered: true}
}

// cte: WITH queries: one CTE filtered outside, two chained, one referenced twice (a
// join of the CTE with itself), a CTE joined with a table, and a recursive counter.
func (g *dfGen) cte() dfStmt {
	t := g.keyed()
	switch g.r.IntN(5) {
	case 0: // one CTE, filtered and ordered outside
		q := "WITH c AS (SELECT * FROM " + t.name + g.ewhere("", t) + ") SELECT " +
			strings.Join(dfNames("", g.cols(t, 3)), ", ") + " FROM c" + g.where("", t)
		tail, ordered := g.tail("", t)
		return dfStmt{sql: q + tail, ordered: ordered}
	case 1: // two, the second reading the first
		inner := "SELECT * FROM " + t.name + g.where("", t)
		if g.pick(2) {
			inner += g.order("", t) + g.limit(true)
		}
		q := "WITH c1 AS (" + inner + "), c2 AS (SELECT * FROM c1" + g.where("", t) + ") SELECT " +
			strings.Join(dfNames("", g.cols(t, 3)), ", ") + " FROM c2"
		tail, ordered := g.tail("", t)
		return dfStmt{sql: q + tail, ordered: ordered}
	case 2: // referenced twice: pairs within a group
		gc := g.col(t)
		q := fmt.Sprintf("WITH c AS (SELECT * FROM %s%s) SELECT x.%s, y.%s, x.%s FROM c x JOIN c y ON x.%s = y.%s AND x.%s < y.%s",
			t.name, g.where("", t), t.key, t.key, gc.name, gc.name, gc.name, t.key, t.key)
		if g.pick(2) {
			q += " WHERE " + g.pred("x.", t, 0)
		}
		return dfStmt{sql: q + fmt.Sprintf(" ORDER BY x.%s%s, y.%s%s", t.key, g.dir(), t.key, g.dir()) + g.limit(true),
			ordered: true}
	case 3: // joined with a table; a grouped CTE
		kind := []string{" JOIN ", " LEFT JOIN ", " RIGHT JOIN "}[g.r.IntN(3)]
		q := "WITH c AS (SELECT b, COUNT(*) AS n, MIN(a) AS mi FROM t1" + g.where("", dfT1) + " GROUP BY b) " +
			"SELECT c.b, c.n, c.mi, k.p, k.q, k.r FROM c" + kind + "k ON k.p = c.b"
		if g.pick(2) {
			q += " WHERE " + g.pred("k.", dfK, 0)
		}
		if g.pick(3) {
			return dfStmt{sql: q}
		}
		return dfStmt{sql: q + " ORDER BY c.b, k.p, k.q, k.r" + g.limit(false), ordered: true}
	}
	// a recursive counter, joined with t1 or k and grouped
	top := 3 + g.r.IntN(12)
	// From 0 or more: dsql fails on a negative start (WITH RECURSIVE cnt (n) AS (SELECT -1
	// UNION ALL SELECT n + 1 FROM cnt WHERE n < 3) SELECT n FROM cnt: 1264 "Out of range
	// value for column of Decimal type"; GMS's in-memory engine returns -1..3).
	rec := fmt.Sprintf("WITH RECURSIVE cnt (n) AS (SELECT %d UNION ALL SELECT n + 1 FROM cnt WHERE n < %d) ",
		g.r.IntN(3), top)
	switch g.r.IntN(3) {
	case 0:
		return dfStmt{sql: rec + "SELECT n, n * n, n MOD 3 FROM cnt ORDER BY n DESC", ordered: true}
	case 1:
		return dfStmt{sql: rec + "SELECT cnt.n, COUNT(t1.id), MAX(t1.c) FROM cnt LEFT JOIN t1 ON t1.b = cnt.n" +
			g.onExtra("t1.", dfT1) + " GROUP BY cnt.n ORDER BY cnt.n", ordered: true}
	}
	// rows tied on (n, q) are equal: p = n and r = n MOD 4
	return dfStmt{sql: rec + "SELECT cnt.n, k.q FROM cnt JOIN k ON k.p = cnt.n AND k.r = cnt.n MOD 4 ORDER BY cnt.n, k.q",
		ordered: true}
}

// onExtra returns " AND cond" for a join condition, or "" half the time.
func (g *dfGen) onExtra(prefix string, t *dfTable) string {
	if g.pick(2) {
		return ""
	}
	return " AND " + g.pred(prefix, t, 0)
}

// dfJoins2 are join conditions with expressions, ORs and inequalities.
var dfJoins2 = []struct {
	l, r *dfTable
	on   string
}{
	{dfT1, dfT2, "(t2.t1id = t1.id OR t2.x = t1.a)"},
	{dfT1, dfT2, "t2.x = t1.a MOD 7"},
	{dfT1, dfT2, "t2.y = -t1.d"},
	{dfT1, dfT2, "t2.s = LEFT(t1.c, 3) AND t2.x < t1.b"},
	{dfT2, dfT1, "t1.id = t2.t1id + 1"},
	{dfT2, dfT1, "(t1.b = t2.x OR t1.c = t2.s) AND t1.a > 25"},
	{dfT2, dfT1, "t1.id = COALESCE(t2.t1id, t2.x)"},
	{dfK, dfT1, "t1.b = k.p + k.r"},
	{dfT1, dfK, "k.p = GREATEST(t1.b, 5)"},
	{dfT2, dfV3, "v3.b = t2.x DIV 2"},
}

// join2: three-table joins, RIGHT joins, joins on expressions or ORs, self-joins, and
// joins grouped with HAVING and ordered by an aggregate.
func (g *dfGen) join2() dfStmt {
	switch g.r.IntN(6) {
	case 0: // three tables; k is keyless, so order by all of its columns
		kon := []string{"k.p = t1.b", "k.p = t2.x", "k.q = t1.c AND k.r = t2.x MOD 4"}[g.r.IntN(3)]
		k1 := []string{" JOIN ", " LEFT JOIN "}[g.r.IntN(2)]
		k2 := []string{" JOIN ", " LEFT JOIN "}[g.r.IntN(2)]
		q := "SELECT t1.id, t1." + g.col(dfT1).name + ", t2.id, t2." + g.col(dfT2).name + ", k.p, k.q, k.r FROM t1" + k1 +
			"t2 ON t2.t1id = t1.id" + k2 + "k ON " + kon + " WHERE " + g.pred("t1.", dfT1, 1)
		if g.pick(2) {
			q += " AND " + g.pred("t2.", dfT2, 0)
		}
		if g.pick(3) {
			return dfStmt{sql: q}
		}
		return dfStmt{sql: q + " ORDER BY t1.id" + g.dir() + ", t2.id" + g.dir() + ", k.p, k.q, k.r" + g.limit(false),
			ordered: true}
	case 1: // a self-join
		on := []string{"y.b = x.b AND x.id < y.id", "y.id = x.id + 1", "y.u = x.u + 1", "y.a = x.d AND y.c = x.c"}[g.r.IntN(4)]
		kind := []string{" JOIN ", " LEFT JOIN ", " RIGHT JOIN "}[g.r.IntN(3)]
		kept := "x." // filter the side whose rows the join keeps
		if kind == " RIGHT JOIN " {
			kept = "y."
		}
		q := "SELECT x.id, x." + g.col(dfT1).name + ", y.id, y." + g.col(dfT1).name + " FROM t1 x" + kind + "t1 y ON " + on +
			" WHERE " + g.pred(kept, dfT1, 1)
		return dfStmt{sql: q + " ORDER BY x.id" + g.dir() + ", y.id" + g.dir() + g.limit(true), ordered: true}
	case 2: // grouped, HAVING, ordered by an aggregate then the group, LIMIT
		j := dfJoins2[g.r.IntN(len(dfJoins2))]
		lc := g.col(j.l)
		rc := g.col(j.r)
		agg := []string{"COUNT(*)", "COUNT(DISTINCT " + j.r.name + "." + rc.name + ")", "MAX(" + j.r.name + "." + rc.name + ")",
			"MIN(" + j.r.name + "." + rc.name + ")"}
		a1, a2 := agg[g.r.IntN(len(agg))], agg[g.r.IntN(len(agg))]
		q := "SELECT " + j.l.name + "." + lc.name + ", " + a1 + " FROM " + j.l.name + []string{" JOIN ", " LEFT JOIN "}[g.r.IntN(2)] +
			j.r.name + " ON " + j.on + " GROUP BY " + j.l.name + "." + lc.name
		if g.pick(2) {
			q += " HAVING " + a2 + " > " + strconv.Itoa(g.r.IntN(4))
		}
		return dfStmt{sql: q + " ORDER BY " + a1 + g.dir() + ", " + j.l.name + "." + lc.name + g.dir() + g.limit(false),
			ordered: true}
	}
	j := dfJoins2[g.r.IntN(len(dfJoins2))]
	l, r := j.l, j.r
	kind := []string{" JOIN ", " LEFT JOIN ", " RIGHT JOIN "}[g.r.IntN(3)]
	sel := append(dfNames(l.name+".", g.cols(l, 2)), dfNames(r.name+".", g.cols(r, 2))...)
	if g.pick(3) {
		e, _ := g.anyExpr(l.name+".", l)
		sel = append(sel, e)
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + l.name + kind + r.name + " ON " + j.on
	if g.pick(2) {
		side := l
		if kind == " RIGHT JOIN " {
			side = r
		}
		q += " WHERE " + g.pred(side.name+".", side, 1)
	}
	if g.pick(4) {
		return dfStmt{sql: q}
	}
	first, second := l, r
	if kind == " RIGHT JOIN " {
		first, second = r, l
	}
	ord := strings.TrimPrefix(g.order(first.name+".", first), " ORDER BY ") + ", " +
		strings.TrimPrefix(g.order(second.name+".", second), " ORDER BY ")
	return dfStmt{sql: q + " ORDER BY " + ord + g.limit(false), ordered: true}
}

// groupBy2: GROUP BY expressions (by alias or repeated), COUNT(DISTINCT), HAVING on
// aggregates not selected, ORDER BY aggregates then the group (total).
func (g *dfGen) groupBy2() dfStmt {
	t := g.table()
	var gexprs []string
	for range 1 + g.r.IntN(2) {
		e, _ := g.anyExpr("", t)
		// Only expressions of a column: grouping by a constant expression with HAVING
		// differed (SELECT -(1) AS g0, COUNT(DISTINCT b, ma) FROM v3 WHERE ... GROUP BY
		// -(1) HAVING COUNT(*) = 3: no row from dsql; not minimized).
		if g.pick(3) || !strings.ContainsFunc(e, unicode.IsLetter) {
			e = g.col(t).name
		}
		gexprs = append(gexprs, e)
	}
	var sel, by []string
	for i, e := range gexprs {
		sel = append(sel, fmt.Sprintf("%s AS g%d", e, i))
		if _, err := strconv.Atoi(e); err == nil { // GROUP BY 4 would name a column
			by = append(by, fmt.Sprintf("g%d", i))
			continue
		}
		switch g.r.IntN(3) {
		case 0:
			by = append(by, fmt.Sprintf("g%d", i))
		case 1:
			by = append(by, strconv.Itoa(i+1))
		default:
			by = append(by, e)
		}
	}
	aggOf := func() string {
		c := g.col(t)
		switch g.r.IntN(6) {
		case 0:
			return "COUNT(*)"
		case 1:
			return "COUNT(DISTINCT " + c.name + ")"
		case 2:
			if c2 := g.col(t); c2.name != c.name {
				return "COUNT(DISTINCT " + c.name + ", " + c2.name + ")"
			}
			return "COUNT(" + c.name + ")"
		case 3:
			return "MIN(" + g.iexpr("", t, 1) + ")"
		case 4:
			return "MAX(" + c.name + ")"
		}
		return "COUNT(DISTINCT " + g.iexpr("", t, 1) + ")"
	}
	var aggs []string
	for range 1 + g.r.IntN(2) {
		aggs = append(aggs, aggOf())
	}
	q := "SELECT " + strings.Join(append(sel, aggs...), ", ") + " FROM " + t.name + g.ewhere("", t) +
		" GROUP BY " + strings.Join(by, ", ")
	if g.pick(2) { // on an aggregate that is not selected
		q += " HAVING " + aggOf() + []string{" > ", " < ", " = "}[g.r.IntN(3)] + strconv.Itoa(g.r.IntN(6))
	}
	var keys []string
	if g.pick(2) {
		keys = append(keys, aggs[g.r.IntN(len(aggs))]+g.dir())
	}
	for i := range gexprs {
		// By position where the GROUP BY repeats the expression: GMS's only_full_group_by
		// check refuses the alias then (SELECT (x DIV -3) AS g0, x AS g1, COUNT(*) FROM t2
		// GROUP BY (x DIV -3), g1 HAVING COUNT(*) > 5 ORDER BY g0, g1: 1055 on g0).
		if by[i] == gexprs[i] && by[i] != g.col(t).name {
			keys = append(keys, fmt.Sprintf("%d%s", i+1, g.dir()))
			continue
		}
		keys = append(keys, fmt.Sprintf("g%d%s", i, g.dir()))
	}
	if g.pick(4) {
		return dfStmt{sql: q}
	}
	return dfStmt{sql: q + " ORDER BY " + strings.Join(keys, ", ") + g.limit(false), ordered: true}
}

// dml2: INSERT ... SELECT with expressions, INSERT ... ON DUPLICATE KEY UPDATE,
// REPLACE, multi-table UPDATE, DELETE ... [NOT] IN (subquery), UPDATE with expressions.
// check reads every changed table (queries separated by ";").
func (g *dfGen) dml2() dfStmt {
	const checkT1, checkT2, checkK = "SELECT * FROM t1 ORDER BY id", "SELECT * FROM t2 ORDER BY id",
		"SELECT * FROM k ORDER BY p, q, r"
	row1 := func(withU bool) string { // a t1 row whose id may exist
		id := 1 + g.r.IntN(450)
		u := "NULL"
		if withU && g.pick(2) {
			// u may collide with another row's: REPLACE then deletes two rows (one by the
			// key, one by u) and counts 3 affected rows (backend's replacecount.go).
			u = strconv.Itoa(5000 + g.r.IntN(16))
		}
		return fmt.Sprintf("(%d, %s, %s, %s, %s, %s)", id, g.lit(dfT1.cols[1]), g.lit(dfT1.cols[2]), g.lit(dfT1.cols[3]),
			g.lit(dfT1.cols[4]), u)
	}
	rows1 := func(withU bool) string {
		var rs []string
		for range 1 + g.r.IntN(4) {
			rs = append(rs, row1(withU))
		}
		return strings.Join(rs, ", ")
	}
	switch g.r.IntN(9) {
	case 0: // INSERT ... SELECT with expressions and fresh keys
		g.nextID += 1000
		return dfStmt{sql: fmt.Sprintf("INSERT INTO t2 (id, t1id, x, s, y) SELECT id + %d, id, %s, %s, %s FROM t1 WHERE %s ORDER BY id LIMIT 10",
			g.nextID, g.iexpr("", dfT1, 2), "LEFT("+g.sexpr("", dfT1, dfT1.cols[3], 2)+", 12)", g.iexpr("", dfT1, 1),
			g.epred("", dfT1)), dml: true, check: checkT2}
	case 1: // ON DUPLICATE KEY UPDATE with VALUES(col) and the old row's columns
		sets := []string{"a = VALUES(a)", "b = VALUES(b) + b", "d = d + 1", "c = VALUES(c)", "a = COALESCE(a, 0) - 1",
			"d = GREATEST(d, VALUES(d))"}
		g.r.Shuffle(len(sets), func(i, j int) { sets[i], sets[j] = sets[j], sets[i] })
		return dfStmt{sql: "INSERT INTO t1 (id, a, b, c, d, u) VALUES " + rows1(false) + " ON DUPLICATE KEY UPDATE " +
			strings.Join(sets[:1+g.r.IntN(3)], ", "), dml: true, check: checkT1}
	case 2: // INSERT ... SELECT ... ON DUPLICATE KEY UPDATE of the old row's columns.
		// Excluded, GMS's planbuilder fails on both (MySQL and MariaDB accept them):
		// VALUES(col) after INSERT ... SELECT ("expected ON DUPLICATE KEY ... VALUES() to
		// reference a column, found: __new_ins.x" for INSERT INTO t2 (id, x) SELECT id, a
		// FROM t1 ON DUPLICATE KEY UPDATE x = VALUES(x)), and a column of the SELECT's
		// table (... ON DUPLICATE KEY UPDATE x = t1.a: "ambiguous column name").
		return dfStmt{sql: "INSERT INTO t2 (id, t1id, x, s, y) SELECT id, id, a, c, d FROM t1 WHERE " + g.pred("", dfT1, 1) +
			" ORDER BY id LIMIT 10 ON DUPLICATE KEY UPDATE " +
			[]string{"y = y + 1", "x = -x, s = 'upd'", "t1id = NULL, y = COALESCE(y, 0) * 2"}[g.r.IntN(3)], dml: true, check: checkT2}
	case 3: // REPLACE: by the key and by u (see row1)
		if g.pick(3) {
			// y may repeat an earlier REPLACE's: a row equal to the one it replaces counts
			// 1 affected row (t2 has no UNIQUE key besides its primary key).
			return dfStmt{sql: fmt.Sprintf("REPLACE INTO t2 (id, t1id, x, s, y) SELECT id, id, b, c, %d FROM t1 WHERE %s ORDER BY id LIMIT 8",
				100+g.r.IntN(4), g.pred("", dfT1, 1)), dml: true, check: checkT2}
		}
		return dfStmt{sql: "REPLACE INTO t1 VALUES " + rows1(true), dml: true, check: checkT1}
	case 4: // UPDATE a JOIN b: t2's rows match one t1 row at most, so every value is fixed
		sets := []string{"t2.x = t1.a", "t2.y = t1.d + 1", "t2.s = t1.c", "t2.x = COALESCE(t1.b, t2.x)"}
		set := sets[g.r.IntN(len(sets))]
		kind := []string{"JOIN", "LEFT JOIN"}[g.r.IntN(2)]
		if g.pick(3) {
			// Over a LEFT JOIN too: the NULL-extended t1 row of a t2 row with no t1 row is
			// not written (as in MySQL and MariaDB).
			set += ", t1.b = IFNULL(t1.b, 0) + 1" // changed once however many t2 rows match
		}
		return dfStmt{sql: "UPDATE t2 " + kind + " t1 ON t1.id = t2.t1id SET " + set +
			" WHERE " + g.pred("t2.", dfT2, 1), dml: true, check: checkT2 + ";" + checkT1}
	case 5: // UPDATE t1 JOIN t2: each t1 row changes once, by its own columns
		return dfStmt{sql: "UPDATE t1 JOIN t2 ON " + []string{"t2.t1id = t1.id", "t2.x = t1.a", "t2.s = t1.c"}[g.r.IntN(3)] +
			" SET t1.d = " + g.iexpr("t1.", dfT1, 1) + " WHERE " + g.pred("t2.", dfT2, 1), dml: true, check: checkT1}
	case 6: // DELETE with [NOT] IN (subquery) of another table
		not := ""
		if g.pick(4) {
			not = "NOT "
		}
		switch g.r.IntN(3) {
		case 0:
			return dfStmt{sql: "DELETE FROM t2 WHERE t1id " + not + "IN (SELECT id FROM t1 WHERE " + g.pred("", dfT1, 1) +
				") AND " + g.pred("", dfT2, 0), dml: true, check: checkT2}
		case 1:
			return dfStmt{sql: "DELETE FROM k WHERE p " + not + "IN (SELECT b FROM t1 WHERE " + g.pred("", dfT1, 1) +
				") AND " + g.pred("", dfK, 0), dml: true, check: checkK}
		}
		return dfStmt{sql: "DELETE FROM t1 WHERE a " + not + "IN (SELECT x FROM t2 WHERE " + g.pred("", dfT2, 1) + ") AND " +
			g.pred("", dfT1, 0) + g.order("", dfT1) + " LIMIT " + strconv.Itoa(1+g.r.IntN(6)), dml: true, check: checkT1}
	case 7: // INSERT ... SELECT from a CTE-free join, with fresh keys
		g.nextID += 1000
		return dfStmt{sql: fmt.Sprintf("INSERT INTO t1 (id, a, b, c, d) SELECT t2.id + %d, t2.x, t1.b, t2.s, %s FROM t2 JOIN t1 ON t1.id = t2.t1id WHERE %s ORDER BY t2.id LIMIT 6",
			g.nextID, g.iexpr("t2.", dfT2, 1), g.pred("t2.", dfT2, 1)), dml: true, check: checkT1}
	}
	// UPDATE with expressions (assigned left to right in both servers)
	t := dfBases[g.r.IntN(len(dfBases))]
	check := map[*dfTable]string{dfT1: checkT1, dfT2: checkT2, dfK: checkK}[t]
	var sets []string
	for _, c := range g.cols(t, 2) {
		switch {
		case c.name == "id" || c.name == "u":
			continue
		case c.str:
			sets = append(sets, c.name+" = LEFT("+g.sexpr("", t, c, 2)+", 12)")
		default:
			sets = append(sets, c.name+" = "+g.iexpr("", t, 2))
		}
	}
	if len(sets) == 0 {
		sets = []string{"id = id"}
		if t == dfK {
			sets = []string{"p = " + g.iexpr("", t, 1)}
		}
	}
	q := "UPDATE " + t.name + " SET " + strings.Join(sets, ", ") + " WHERE " + g.epred("", t)
	if t.key != "" && g.pick(3) {
		q += g.order("", t) + " LIMIT " + strconv.Itoa(1+g.r.IntN(8))
	}
	return dfStmt{sql: q, dml: true, check: check}
}
