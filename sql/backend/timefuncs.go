package backend

import (
	"fmt"
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/sqltypes"
)

// MySQL date and time functions GMS lacks or gets wrong.
//
// GMS has no MAKEDATE, MAKETIME, SEC_TO_TIME, ADDTIME, SUBTIME, PERIOD_ADD, PERIOD_DIFF,
// TO_SECONDS, UTC_DATE or UTC_TIME (a query calling one failed with 1305 "function not
// found"), and its TIME_TO_SEC returned NULL for a string ('01:00:00'). They are
// installed by the same function provider as exact SUM and AVG (exactsum.go), so every
// plan has them. Each follows MySQL 8's manual: a NULL argument gives NULL; TIME results
// are clamped to MySQL's range, -838:59:59 to 838:59:59; MAKEDATE of a day of year below
// 1 is NULL; a two-digit year in MAKEDATE or a YYMM period is 2000-2069 for 00-69 and
// 1970-1999 for 70-99. TestTimeFunctions checks them against MariaDB 10.11's answers.

// timeFunctions are the functions above by name.
var timeFunctions = map[string]sql.Function{
	"makedate":    sql.Function2{Name: "makedate", Fn: fn2("makedate", dateResult, makeDate)},
	"maketime":    sql.Function3{Name: "maketime", Fn: fn3("maketime", timeResult, makeTime)},
	"sec_to_time": sql.Function1{Name: "sec_to_time", Fn: fn1("sec_to_time", timeResult, secToTime)},
	"time_to_sec": sql.Function1{Name: "time_to_sec", Fn: fn1("time_to_sec", bigintResult, timeToSec)},
	"addtime":     sql.Function2{Name: "addtime", Fn: fn2("addtime", firstArgTemporal, addTime(1))},
	"subtime":     sql.Function2{Name: "subtime", Fn: fn2("subtime", firstArgTemporal, addTime(-1))},
	"period_add":  sql.Function2{Name: "period_add", Fn: fn2("period_add", bigintResult, periodAdd)},
	"period_diff": sql.Function2{Name: "period_diff", Fn: fn2("period_diff", bigintResult, periodDiff)},
	"to_seconds":  sql.Function1{Name: "to_seconds", Fn: fn1("to_seconds", bigintResult, toSeconds)},
	"utc_date":    sql.Function0{Name: "utc_date", Fn: fn0("utc_date", dateResult, func(ctx *sql.Context, _ []any) (any, error) { return utcNow(ctx).Truncate(24 * time.Hour), nil })},
	"utc_time": sql.FunctionN{Name: "utc_time", Fn: func(_ *sql.Context, args ...sql.Expression) (sql.Expression, error) {
		// UTC_TIME([fsp]): the parser hands over the precision; GMS's TIME keeps six digits.
		if len(args) > 1 {
			return nil, sql.ErrInvalidArgumentNumber.New("utc_time", "0 or 1", len(args))
		}
		return &timeFunc{name: "utc_time", typ: timeResult, eval: func(ctx *sql.Context, _ []any) (any, error) {
			t := utcNow(ctx)
			return types.Time.MicrosecondsToTimespan(int64(t.Hour())*3600e6 + int64(t.Minute())*60e6 + int64(t.Second())*1e6), nil
		}}, nil
	}},
}

// timeFunction returns the function of timeFunctions named name (any case).
func timeFunction(name string) (sql.Function, bool) {
	f, ok := timeFunctions[strings.ToLower(name)]
	return f, ok
}

// utcNow is the statement's time in UTC (ctx.QueryTime, as NOW() uses).
func utcNow(ctx *sql.Context) time.Time { return ctx.QueryTime().UTC() }

// Result types.
func dateResult(*sql.Context, []sql.Expression) sql.Type   { return types.Date }
func timeResult(*sql.Context, []sql.Expression) sql.Type   { return types.Time }
func bigintResult(*sql.Context, []sql.Expression) sql.Type { return types.Int64 }

// firstArgTemporal is ADDTIME's type: a DATETIME with the first argument's fractional
// digits when it is a date or datetime (a DATETIME, TIMESTAMP or DATE column), a string when it is a string (which
// may hold a datetime or a time: the result is the same kind, as text), else TIME.
func firstArgTemporal(ctx *sql.Context, args []sql.Expression) sql.Type {
	switch t := args[0].Type(ctx); {
	case types.IsTime(t):
		p := 0 // a DATE: DATETIME
		if dt, ok := t.(sql.DatetimeType); ok && t.Type() != types.Date.Type() {
			p = dt.Precision()
		}
		return types.MustCreateDatetimeType(sqltypes.Datetime, p)
	case types.IsText(t):
		return types.LongText
	}
	return types.Time
}

// timeFunc is one of timeFunctions applied to its arguments: NULL when an argument is
// NULL, else eval of the arguments' values. Immutable.
type timeFunc struct {
	name string
	args []sql.Expression
	typ  func(*sql.Context, []sql.Expression) sql.Type
	eval func(*sql.Context, []any) (any, error)
}

var (
	_ sql.FunctionExpression = (*timeFunc)(nil)
	_ sql.CollationCoercible = (*timeFunc)(nil)
)

func fn0(name string, typ func(*sql.Context, []sql.Expression) sql.Type, eval func(*sql.Context, []any) (any, error)) sql.CreateFunc0Args {
	return func(*sql.Context) sql.Expression { return &timeFunc{name: name, typ: typ, eval: eval} }
}

func fn1(name string, typ func(*sql.Context, []sql.Expression) sql.Type, eval func(*sql.Context, []any) (any, error)) sql.CreateFunc1Args {
	return func(_ *sql.Context, a sql.Expression) sql.Expression {
		return &timeFunc{name: name, args: []sql.Expression{a}, typ: typ, eval: eval}
	}
}

func fn2(name string, typ func(*sql.Context, []sql.Expression) sql.Type, eval func(*sql.Context, []any) (any, error)) sql.CreateFunc2Args {
	return func(_ *sql.Context, a, b sql.Expression) sql.Expression {
		return &timeFunc{name: name, args: []sql.Expression{a, b}, typ: typ, eval: eval}
	}
}

func fn3(name string, typ func(*sql.Context, []sql.Expression) sql.Type, eval func(*sql.Context, []any) (any, error)) sql.CreateFunc3Args {
	return func(_ *sql.Context, a, b, c sql.Expression) sql.Expression {
		return &timeFunc{name: name, args: []sql.Expression{a, b, c}, typ: typ, eval: eval}
	}
}

func (f *timeFunc) FunctionName() string { return f.name }
func (f *timeFunc) Description() string  { return "MySQL's " + strings.ToUpper(f.name) }
func (f *timeFunc) Children() []sql.Expression {
	return f.args
}
func (f *timeFunc) IsNullable(*sql.Context) bool   { return true }
func (f *timeFunc) Type(ctx *sql.Context) sql.Type { return f.typ(ctx, f.args) }
func (f *timeFunc) CollationCoercibility(*sql.Context) (sql.CollationID, byte) {
	return sql.Collation_binary, 5
}

func (f *timeFunc) Resolved() bool {
	for _, a := range f.args {
		if !a.Resolved() {
			return false
		}
	}
	return true
}

func (f *timeFunc) String() string {
	args := make([]string, len(f.args))
	for i, a := range f.args {
		args[i] = a.String()
	}
	return fmt.Sprintf("%s(%s)", f.name, strings.Join(args, ", "))
}

// WithChildren implements sql.Expression.
func (f *timeFunc) WithChildren(_ *sql.Context, children ...sql.Expression) (sql.Expression, error) {
	if len(children) != len(f.args) {
		return nil, sql.ErrInvalidChildrenNumber.New(f, len(children), len(f.args))
	}
	nf := *f
	nf.args = children
	return &nf, nil
}

// Eval implements sql.Expression.
func (f *timeFunc) Eval(ctx *sql.Context, row sql.Row) (any, error) {
	vals, err := evalArgs(ctx, row, f.args)
	if vals == nil {
		return nil, err
	}
	return f.eval(ctx, vals)
}

// asIntArg is v as an integer (MySQL's rounding of a fractional argument), ok=false if v
// is not a number.
func asIntArg(ctx *sql.Context, v any) (int64, bool) {
	x, _, err := types.Int64.Convert(ctx, v)
	if err != nil {
		return 0, false
	}
	return x.(int64), true
}

func asFloatArg(ctx *sql.Context, v any) (float64, bool) {
	x, _, err := types.Float64.Convert(ctx, v)
	if err != nil {
		return 0, false
	}
	return x.(float64), true
}

// maxTimeMicros is 838:59:59, TIME's largest value.
const maxTimeMicros = (838*3600 + 59*60 + 59) * 1_000_000

func clampTime(us int64) types.Timespan {
	us = max(-maxTimeMicros, min(maxTimeMicros, us))
	return types.Time.MicrosecondsToTimespan(us)
}

// twoDigitYear is MySQL's reading of a year below 100: 00-69 are 2000-2069, 70-99
// 1970-1999.
func twoDigitYear(y int64) int64 {
	switch {
	case y < 70:
		return 2000 + y
	case y < 100:
		return 1900 + y
	}
	return y
}

// makeDate is MAKEDATE(year, dayofyear).
func makeDate(ctx *sql.Context, v []any) (any, error) {
	y, ok1 := asIntArg(ctx, v[0])
	d, ok2 := asIntArg(ctx, v[1])
	if !ok1 || !ok2 || d < 1 || y < 0 || y > 9999 {
		return nil, nil
	}
	t := time.Date(int(twoDigitYear(y)), 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(d-1))
	if t.Year() > 9999 {
		return nil, nil
	}
	return t, nil
}

// makeTime is MAKETIME(hour, minute, second).
func makeTime(ctx *sql.Context, v []any) (any, error) {
	h, ok1 := asIntArg(ctx, v[0])
	m, ok2 := asIntArg(ctx, v[1])
	s, ok3 := asFloatArg(ctx, v[2])
	if !ok1 || !ok2 || !ok3 || m < 0 || m > 59 || s < 0 || s >= 60 {
		return nil, nil
	}
	neg := h < 0
	if neg {
		h = -h
	}
	us := h*3600e6 + m*60e6 + int64(s*1e6+0.5)
	if neg {
		us = -us
	}
	return clampTime(us), nil
}

// secToTime is SEC_TO_TIME(seconds).
func secToTime(ctx *sql.Context, v []any) (any, error) {
	s, ok := asFloatArg(ctx, v[0])
	if !ok {
		return nil, nil
	}
	us := s * 1e6
	if us > maxTimeMicros || us < -maxTimeMicros {
		return clampTime(int64(max(-maxTimeMicros-1, min(maxTimeMicros+1, us)))), nil
	}
	if us < 0 {
		return clampTime(int64(us - 0.5)), nil
	}
	return clampTime(int64(us + 0.5)), nil
}

// timeArg reads v as a TIME, or the time of day of a date or datetime value.
func timeArg(v any) (int64, bool) {
	if t, ok := v.(time.Time); ok {
		return int64(t.Hour())*3600e6 + int64(t.Minute())*60e6 + int64(t.Second())*1e6 + int64(t.Nanosecond()/1000), true
	}
	ts, err := types.Time.ConvertToTimespan(v)
	if err != nil {
		return 0, false
	}
	return ts.AsMicroseconds(), true
}

// timeToSec is TIME_TO_SEC(time).
func timeToSec(_ *sql.Context, v []any) (any, error) {
	us, ok := timeArg(v[0])
	if !ok {
		return nil, nil
	}
	return us / 1_000_000, nil
}

// addTime is ADDTIME (sign 1) or SUBTIME (sign -1): a datetime (a DATE, DATETIME or
// TIMESTAMP value, or a string that reads as a datetime) plus or minus a time, or a time
// plus or minus a time.
func addTime(sign int64) func(*sql.Context, []any) (any, error) {
	return func(ctx *sql.Context, v []any) (any, error) {
		delta, ok := timeArg(v[1])
		if !ok {
			return nil, nil
		}
		delta *= sign
		_, isString := v[0].(string)
		switch x := v[0].(type) {
		case time.Time:
			return x.Add(time.Duration(delta) * time.Microsecond), nil
		case string:
			if strings.ContainsAny(strings.TrimSpace(x), "-/") {
				t, _, err := types.DatetimeMaxPrecision.Convert(ctx, x)
				if err != nil {
					return nil, nil
				}
				r := t.(time.Time).Add(time.Duration(delta) * time.Microsecond)
				return r.Format("2006-01-02 15:04:05") + microsText(int64(r.Nanosecond()/1000)), nil
			}
		}
		us, ok := timeArg(v[0])
		if !ok {
			return nil, nil
		}
		r := clampTime(us + delta)
		if isString {
			txt := r.String()
			if i := strings.IndexByte(txt, '.'); i >= 0 && strings.Trim(txt[i+1:], "0") == "" {
				txt = txt[:i]
			}
			return txt, nil
		}
		return r, nil
	}
}

// microsText is ".ffffff" for us microseconds, "" for none.
func microsText(us int64) string {
	if us == 0 {
		return ""
	}
	return fmt.Sprintf(".%06d", us)
}

// period reads a YYMM or YYYYMM period as a count of months, ok=false for a bad one.
func period(p int64) (int64, bool) {
	if p <= 0 {
		return 0, false
	}
	y, m := twoDigitYear(p/100), p%100
	if m < 1 || m > 12 {
		return 0, false
	}
	return y*12 + m - 1, true
}

// periodAdd is PERIOD_ADD(period, months).
func periodAdd(ctx *sql.Context, v []any) (any, error) {
	p, ok1 := asIntArg(ctx, v[0])
	n, ok2 := asIntArg(ctx, v[1])
	if !ok1 || !ok2 {
		return nil, nil
	}
	if p == 0 {
		return int64(0), nil
	}
	months, ok := period(p)
	if !ok {
		return nil, sql.ErrInvalidArgument.New("period_add")
	}
	months += n
	return (months/12)*100 + months%12 + 1, nil
}

// periodDiff is PERIOD_DIFF(period1, period2).
func periodDiff(ctx *sql.Context, v []any) (any, error) {
	p1, ok1 := asIntArg(ctx, v[0])
	p2, ok2 := asIntArg(ctx, v[1])
	if !ok1 || !ok2 {
		return nil, nil
	}
	m1, ok1 := period(p1)
	m2, ok2 := period(p2)
	if !ok1 || !ok2 {
		return nil, sql.ErrInvalidArgument.New("period_diff")
	}
	return m1 - m2, nil
}

// toSeconds is TO_SECONDS(datetime): seconds since year 0 (TO_DAYS * 86400 plus the
// time of day; TO_DAYS('1970-01-01') is 719528).
func toSeconds(ctx *sql.Context, v []any) (any, error) {
	x, _, err := types.DatetimeMaxPrecision.Convert(ctx, v[0])
	if err != nil || x == nil {
		return nil, nil
	}
	return x.(time.Time).UTC().Unix() + 719528*86400, nil
}

// evalArgs evaluates args against row for a function that is NULL when an argument is:
// nil (with any error) if one is NULL or fails.
func evalArgs(ctx *sql.Context, row sql.Row, args []sql.Expression) ([]any, error) {
	vals := make([]any, len(args))
	for i, a := range args {
		v, err := a.Eval(ctx, row)
		if err != nil || v == nil {
			return nil, err
		}
		vals[i] = v
	}
	return vals, nil
}
