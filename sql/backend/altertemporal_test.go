package backend_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	sqltypes "github.com/dolthub/vitess/go/sqltypes"
	"github.com/stretchr/testify/require"
)

// temporalCase is one stored temporal value and what MySQL's ALTER TABLE ... MODIFY makes
// of it (the model of "temporal values convert by their MySQL forms", altertemporal.go):
// its canonical text, its numeric form (exact, as text) and that form rounded to an
// integer.
type temporalCase struct {
	lit  string // the SQL literal inserted
	text string // the canonical text of its own type
	num  string // the numeric form with all 6 fractional digits
	ival int64  // the numeric form rounded to whole seconds
}

func dateCase(y, m, d int) temporalCase {
	n := int64(y*10000 + m*100 + d)
	s := fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	return temporalCase{lit: "'" + s + "'", text: s, num: fmt.Sprintf("%d.000000", n), ival: n}
}

func datetimeCase(tm time.Time, fsp int) temporalCase {
	digits := fmt.Sprintf("%06d", tm.Nanosecond()/1000)
	text := tm.Format("2006-01-02 15:04:05")
	if fsp > 0 {
		text += "." + digits[:fsp]
	}
	numOf := func(t time.Time) int64 {
		return int64(t.Year())*10000000000 + int64(t.Month())*100000000 + int64(t.Day())*1000000 +
			int64(t.Hour())*10000 + int64(t.Minute())*100 + int64(t.Second())
	}
	ival := numOf(tm)
	if tm.Nanosecond() >= 500000000 { // MySQL rounds to the nearest second, carrying
		ival = numOf(tm.Truncate(time.Second).Add(time.Second))
	}
	return temporalCase{lit: "'" + text + "'", text: text, num: fmt.Sprintf("%d.%s", numOf(tm), digits), ival: ival}
}

func timeCase(secs int64) temporalCase {
	sign, a := "", secs
	if secs < 0 {
		sign, a = "-", -secs
	}
	text := fmt.Sprintf("%s%02d:%02d:%02d", sign, a/3600, a/60%60, a%60)
	n := a/3600*10000 + a/60%60*100 + a%60
	if secs < 0 {
		n = -n
	}
	num := fmt.Sprintf("%d.000000", n)
	if n == 0 {
		num = "0.000000"
	}
	return temporalCase{lit: "'" + text + "'", text: text, num: num, ival: n}
}

// roundedDecimal is num (with 6 fractional digits) rounded half away from zero to scale
// digits, as text.
func roundedDecimal(num string, scale int) string {
	neg := strings.HasPrefix(num, "-")
	num = strings.TrimPrefix(num, "-")
	ip, fp, _ := strings.Cut(num, ".")
	var i, f int64
	fmt.Sscan(ip, &i)
	fmt.Sscan(strings.TrimLeft(fp[:scale], "0")+"0", &f) // "…0": parse "" as 0, then drop it
	f /= 10
	if fp[scale] >= '5' {
		f++
	}
	pow := int64(1)
	for range scale {
		pow *= 10
	}
	if f == pow {
		i, f = i+1, 0
	}
	s := fmt.Sprintf("%d.%0*d", i, scale, f)
	if neg && (i != 0 || f != 0) {
		s = "-" + s
	}
	return s
}

// TestAlterTemporalConversions changes DATE, DATETIME(fsp), TIMESTAMP(fsp), TIME and
// YEAR columns of seeded random values to integer, DECIMAL, DOUBLE and string types and
// checks every value against the model of MySQL's conversion (temporalCase). Before the
// fix a DATE became its Unix time as a BIGINT, '2023-01-05 00:00:00' as a VARCHAR, did
// not fit a CHAR(10) and did not convert to DECIMAL at all.
func TestAlterTemporalConversions(t *testing.T) {
	seed := testSeed(t)
	t.Logf("seed %d (DSQL_SEED reruns it)", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	e, ctx := setup(t, memStores{})

	type source struct {
		typ   string
		cases []temporalCase
		text  bool // the text fits a CHAR(10)
	}
	var sources []source
	// DATE, with the fixed example from the bug report and the year-end carry.
	dates := []temporalCase{dateCase(2023, 1, 5), dateCase(1000, 1, 1), dateCase(9999, 12, 31)}
	for range 20 {
		tm := time.Date(1000+rng.IntN(9000), 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365))
		dates = append(dates, dateCase(tm.Year(), int(tm.Month()), tm.Day()))
	}
	sources = append(sources, source{typ: "DATE", cases: dates, text: true})
	for _, typ := range []string{"DATETIME", "TIMESTAMP"} {
		for _, fsp := range []int{0, 3, 6} {
			var cs []temporalCase
			if fsp == 0 {
				cs = append(cs, datetimeCase(time.Date(2023, 1, 5, 10, 20, 30, 0, time.UTC), 0))
			} else {
				cs = append(cs, datetimeCase(time.Date(2023, 12, 31, 23, 59, 59, 500000000, time.UTC), fsp))
			}
			lo, span := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), int64(8999*365*24*3600)
			if typ == "TIMESTAMP" {
				lo, span = time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC).Unix(), int64(68*365*24*3600)
			}
			for range 15 {
				tm := time.Unix(lo+rng.Int64N(span), 0).UTC()
				if fsp > 0 {
					unit := 1
					for range 6 - fsp {
						unit *= 10
					}
					tm = tm.Add(time.Duration(rng.IntN(1000000/unit)*unit) * time.Microsecond)
				}
				cs = append(cs, datetimeCase(tm, fsp))
			}
			name := typ
			if fsp > 0 {
				name = fmt.Sprintf("%s(%d)", typ, fsp)
			}
			sources = append(sources, source{typ: name, cases: cs})
		}
	}
	times := []temporalCase{timeCase(0), timeCase(10*3600 + 20*60 + 30), timeCase(-(110*3600 + 20*60 + 30)), timeCase(838*3600 + 59*60 + 59)}
	for range 20 {
		times = append(times, timeCase(rng.Int64N(2*839*3600-1)-(839*3600-1)))
	}
	sources = append(sources, source{typ: "TIME", cases: times, text: true})

	targets := []struct {
		typ  string
		want func(c temporalCase) string // as CAST(c AS CHAR) shows it
	}{
		{typ: "BIGINT", want: func(c temporalCase) string { return fmt.Sprint(c.ival) }},
		{typ: "DECIMAL(22,6)", want: func(c temporalCase) string { return c.num }},
		{typ: "DECIMAL(20,3)", want: func(c temporalCase) string { return roundedDecimal(c.num, 3) }},
		{typ: "VARCHAR(40)", want: func(c temporalCase) string { return c.text }},
		{typ: "TEXT", want: func(c temporalCase) string { return c.text }},
		{typ: "CHAR(10)", want: func(c temporalCase) string { return c.text }},
	}
	n := 0
	for _, src := range sources {
		for _, tg := range targets {
			if tg.typ == "CHAR(10)" && !src.text {
				continue
			}
			n++
			tbl := fmt.Sprintf("t%d", n)
			e.exec(ctx, fmt.Sprintf("CREATE TABLE %s (id INT PRIMARY KEY, c %s)", tbl, src.typ))
			var vals []string
			for i, c := range src.cases {
				vals = append(vals, fmt.Sprintf("(%d, %s)", i, c.lit))
			}
			e.exec(ctx, fmt.Sprintf("INSERT INTO %s VALUES %s", tbl, strings.Join(vals, ", ")))
			e.exec(ctx, fmt.Sprintf("ALTER TABLE %s MODIFY c %s", tbl, tg.typ))
			rows := e.rows(ctx, fmt.Sprintf("SELECT id, CAST(c AS CHAR) FROM %s ORDER BY id", tbl))
			require.Len(t, rows, len(src.cases))
			for i, c := range src.cases {
				require.Equal(t, tg.want(c), rows[i][1], "%s %s -> %s", src.typ, c.lit, tg.typ)
			}
		}
	}
	// DOUBLE from each source's first values.
	for _, src := range sources {
		n++
		tbl := fmt.Sprintf("t%d", n)
		c := src.cases[0]
		e.exec(ctx, fmt.Sprintf("CREATE TABLE %s (id INT PRIMARY KEY, c %s)", tbl, src.typ),
			fmt.Sprintf("INSERT INTO %s VALUES (1, %s)", tbl, c.lit),
			fmt.Sprintf("ALTER TABLE %s MODIFY c DOUBLE", tbl))
		var want float64
		fmt.Sscan(c.num, &want)
		require.Equal(t, want, e.rows(ctx, "SELECT c FROM "+tbl)[0][0], "%s %s -> DOUBLE", src.typ, c.lit)
	}
}

// TestAlterTemporalFixedExamples pins the examples of the bug report and the YEAR and
// zero-date forms (MariaDB 10.11 gives the same, except that it truncates fractional
// seconds where MySQL 8 rounds them).
func TestAlterTemporalFixedExamples(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, da DATE, dt DATETIME, ts TIMESTAMP, tm TIME, y YEAR, d2 DATE, y2 YEAR)",
		"INSERT INTO t VALUES (1, '2023-01-05', '2023-01-05 10:20:30', '2023-01-05 10:20:30', '-10:20:30', 2023, '2023-01-05', 0)",
		"ALTER TABLE t MODIFY da BIGINT, MODIFY dt BIGINT UNSIGNED, MODIFY ts DECIMAL(20,3), MODIFY tm INT, MODIFY y VARCHAR(4), MODIFY d2 CHAR(10), MODIFY y2 CHAR(4)",
	)
	require.Equal(t, "[[1 20230105 20230105102030 20230105102030.000 -102030 2023 2023-01-05 0000]]",
		fmt.Sprint(e.rows(ctx, "SELECT id, da, dt, CAST(ts AS CHAR), tm, y, d2, y2 FROM t")))

	// Out of range and too long values fail the statement, as in MySQL (1264, 1406).
	e.exec(ctx, "CREATE TABLE u (id INT PRIMARY KEY, dt DATETIME, da DATE)",
		"INSERT INTO u VALUES (1, '2023-01-05 10:20:30', '2023-01-05')")
	for _, q := range []string{"ALTER TABLE u MODIFY dt INT", "ALTER TABLE u MODIFY dt CHAR(10)", "ALTER TABLE u MODIFY da DECIMAL(5,0)", "ALTER TABLE u MODIFY da CHAR(5)"} {
		_, err := e.query(ctx, q)
		require.Error(t, err, q)
	}
	// The zero date (allowed outside the strict modes).
	e.exec(ctx, "SET sql_mode = ''", "CREATE TABLE z (id INT PRIMARY KEY, da DATE, dt DATETIME(2), db DATE)",
		"INSERT INTO z VALUES (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00')", "SET sql_mode = DEFAULT",
		"ALTER TABLE z MODIFY da VARCHAR(20), MODIFY dt VARCHAR(30), MODIFY db INT")
	require.Equal(t, "[[0000-00-00 0000-00-00 00:00:00.00 0]]", fmt.Sprint(e.rows(ctx, "SELECT da, dt, db FROM z")))
	// CHANGE COLUMN converts the same way; an index on the column follows.
	e.exec(ctx, "CREATE TABLE w (id INT PRIMARY KEY, da DATE, KEY i (da))", "INSERT INTO w VALUES (1, '2023-01-05'), (2, '1999-12-31')",
		"ALTER TABLE w CHANGE da n INT")
	require.Equal(t, "[[2]]", fmt.Sprint(e.rows(ctx, "SELECT id FROM w WHERE n = 19991231")))
	e.checkIndexes(ctx)
}

// Table.ModifyColumn (sql.AlterableTable, the path for changes GMS does not rewrite
// itself) converts temporal values the same way.
func TestAlterTemporalModifyColumnDirect(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, da DATE, tm TIME)",
		"INSERT INTO t VALUES (1, '2023-01-05', '-10:20:30')")
	db, err := e.prov.Database(ctx, "mydb")
	require.NoError(t, err)
	tbl, ok, err := db.GetTableInsensitive(ctx, "t")
	require.NoError(t, err)
	require.True(t, ok)
	alt := tbl.(sql.AlterableTable)
	require.NoError(t, alt.ModifyColumn(ctx, "da", &sql.Column{Name: "da", Type: types.MustCreateStringWithDefaults(sqltypes.Char, 10), Nullable: true, Source: "t"}, nil))
	require.NoError(t, alt.ModifyColumn(ctx, "tm", &sql.Column{Name: "tm", Type: types.Int64, Nullable: true, Source: "t"}, nil))
	require.Equal(t, "[[1 2023-01-05 -102030]]", fmt.Sprint(e.rows(ctx, "SELECT * FROM t")))
}
