package tuple

import (
	"bytes"
	"cmp"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/unicode/norm"
)

// orderCase is a field, a generator of its values and the model order of those values.
type orderCase struct {
	name  string
	field Field
	gen   func(r *rand.Rand) any
	model func(a, b any) int
}

func cmpAs[T cmp.Ordered](a, b any) int { return cmp.Compare(a.(T), b.(T)) }

func genInt(w int) func(r *rand.Rand) any {
	lo, hi := intRange(w)
	return func(r *rand.Rand) any {
		switch r.IntN(4) {
		case 0:
			return []int64{lo, lo + 1, -1, 0, 1, hi - 1, hi}[r.IntN(7)]
		case 1:
			return int64(r.IntN(21)) - 10
		}
		return int64(r.Uint64()<<(64-8*w)) >> (64 - 8*w)
	}
}

func genUint(w int) func(r *rand.Rand) any {
	hi := uintMax(w)
	return func(r *rand.Rand) any {
		switch r.IntN(4) {
		case 0:
			return []uint64{0, 1, hi - 1, hi}[r.IntN(4)]
		case 1:
			return uint64(r.IntN(10))
		}
		return r.Uint64() & hi
	}
}

func genFloat64(r *rand.Rand) any {
	for {
		var f float64
		switch r.IntN(3) {
		case 0:
			f = []float64{0, math.Copysign(0, -1), 1, -1, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64}[r.IntN(8)]
		case 1:
			f = float64(r.IntN(200)-100) / 8
		default:
			f = math.Float64frombits(r.Uint64())
		}
		if !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f
		}
	}
}

func genFloat32(r *rand.Rand) any {
	for {
		f := math.Float32frombits(r.Uint32())
		if r.IntN(3) == 0 {
			f = float32(r.IntN(200)-100) / 8
		}
		if !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) {
			return f
		}
	}
}

func genDecimal(p, s int) func(r *rand.Rand) any {
	return func(r *rand.Rand) any {
		digits := r.IntN(p) + 1
		u := new(big.Int)
		for k := 0; k < digits; k++ {
			u.Mul(u, big.NewInt(10))
			u.Add(u, big.NewInt(int64(r.IntN(10))))
		}
		if r.IntN(2) == 0 {
			u.Neg(u)
		}
		return decimal.NewFromBigInt(u, int32(-s))
	}
}

func genDate(r *rand.Rand) Date {
	if r.IntN(10) == 0 {
		return Date{}
	}
	for {
		d := Date{Year: uint16(r.IntN(3) * 1000), Month: uint8(r.IntN(13)), Day: uint8(r.IntN(32))}
		if r.IntN(2) == 0 {
			d.Year = uint16(r.IntN(10000))
		}
		if d.check() == nil {
			return d
		}
	}
}

func genDatetime(r *rand.Rand) any {
	d := genDate(r)
	dt := Datetime{Year: d.Year, Month: d.Month, Day: d.Day}
	if r.IntN(4) != 0 {
		dt.Hour, dt.Minute, dt.Second = uint8(r.IntN(24)), uint8(r.IntN(60)), uint8(r.IntN(60))
		dt.Micro = uint32(r.IntN(1_000_000))
	}
	return dt
}

func cmpDatetime(a, b any) int {
	x, y := a.(Datetime), b.(Datetime)
	return cmp.Or(cmp.Compare(x.Year, y.Year), cmp.Compare(x.Month, y.Month), cmp.Compare(x.Day, y.Day),
		cmp.Compare(x.Hour, y.Hour), cmp.Compare(x.Minute, y.Minute), cmp.Compare(x.Second, y.Second),
		cmp.Compare(x.Micro, y.Micro))
}

// alphabet mixes ASCII, spaces and controls, Latin letters with and without accents,
// combining marks, expansions (ß, ﬁ), full-width forms, Greek, Hangul, CJK and emoji.
var alphabet = []string{"a", "A", "b", "B", "z", "Z", " ", " ", "\t", "\x00", "_", "{", "0", "9",
	"é", "É", "e\u0301", "è", "ü", "ß", "ss", "ﬁ", "Ａ", "ø", "σ", "Σ", "ς", "한", "\u1112\u1161\u11ab",
	"日", "🙂", "ǖ"}

func genString(r *rand.Rand) any {
	var sb strings.Builder
	for n := r.IntN(6); n > 0; n-- {
		sb.WriteString(alphabet[r.IntN(len(alphabet))])
	}
	return []byte(sb.String())
}

// Models of the collations, written independently of the streaming implementations.

func modelPadSpace(a, b []byte) int {
	n := max(len(a), len(b))
	pa := append(slices.Clone(a), bytes.Repeat([]byte(" "), n-len(a))...)
	pb := append(slices.Clone(b), bytes.Repeat([]byte(" "), n-len(b))...)
	return bytes.Compare(pa, pb)
}

func modelGeneralCI(a, b []byte) int {
	weights := func(s []byte) []rune {
		var w []rune
		for _, r := range string(s) {
			switch {
			case r == 'ß':
				r = 'S'
			case r >= 0xC0 && r < 0x250:
				r = []rune(norm.NFD.String(string(r)))[0]
			case r > 0xFFFF:
				r = 0xFFFD
			}
			w = append(w, unicode.ToUpper(r))
		}
		return w
	}
	wa, wb := weights(a), weights(b)
	for len(wa) < len(wb) {
		wa = append(wa, ' ')
	}
	for len(wb) < len(wa) {
		wb = append(wb, ' ')
	}
	return slices.Compare(wa, wb)
}

func modelAICI(a, b []byte) int {
	weights := func(s []byte) []rune {
		var w []rune
		for _, r := range norm.NFKD.String(string(s)) {
			switch {
			case isDiacritic(r):
			case r == 'ß' || r == 'ẞ':
				w = append(w, 's', 's')
			case r == 'ς':
				w = append(w, 'σ')
			default:
				w = append(w, unicode.ToLower(r))
			}
		}
		return w
	}
	return slices.Compare(weights(a), weights(b))
}

func bytesModel(f func(a, b []byte) int) func(a, b any) int {
	return func(a, b any) int { return f(a.([]byte), b.([]byte)) }
}

func orderCases() []orderCase {
	var cs []orderCase
	for _, w := range []struct {
		s, u Encoding
		n    int
	}{{Int8Enc, Uint8Enc, 1}, {Int16Enc, Uint16Enc, 2}, {Int24Enc, Uint24Enc, 3}, {Int32Enc, Uint32Enc, 4}, {Int64Enc, Uint64Enc, 8}} {
		cs = append(cs,
			orderCase{w.s.String(), nl(w.s), genInt(w.n), cmpAs[int64]},
			orderCase{w.u.String(), nl(w.u), genUint(w.n), cmpAs[uint64]})
	}
	decCmp := func(a, b any) int { return a.(decimal.Decimal).Cmp(b.(decimal.Decimal)) }
	cs = append(cs,
		orderCase{"Float32", nl(Float32Enc), genFloat32, cmpAs[float32]},
		orderCase{"Float64", nl(Float64Enc), genFloat64, cmpAs[float64]},
		orderCase{"Decimal(65,30)", Field{Enc: DecimalEnc, Precision: 65, Scale: 30, Nullable: true}, genDecimal(65, 30), decCmp},
		orderCase{"Decimal(10,2)", Field{Enc: DecimalEnc, Precision: 10, Scale: 2, Nullable: true}, genDecimal(10, 2), decCmp},
		orderCase{"Decimal(20,0)", Field{Enc: DecimalEnc, Precision: 20, Scale: 0, Nullable: true}, genDecimal(20, 0), decCmp},
		orderCase{"binary", str(BinaryCollation, true), genString, bytesModel(bytes.Compare)},
		orderCase{"utf8mb4_0900_bin", str(Utf8mb40900Bin, true), genString, bytesModel(bytes.Compare)},
		orderCase{"utf8mb4_bin", str(Utf8mb4Bin, true), genString, bytesModel(modelPadSpace)},
		orderCase{"utf8mb4_general_ci", str(Utf8mb4GeneralCI, true), genString, bytesModel(modelGeneralCI)},
		orderCase{"utf8mb4_0900_ai_ci", str(Utf8mb40900AICI, true), genString, bytesModel(modelAICI)},
		orderCase{"Bytes", nl(BytesEnc), genString, bytesModel(bytes.Compare)},
		orderCase{"Date", nl(DateEnc), func(r *rand.Rand) any { return genDate(r) }, func(a, b any) int {
			x, y := a.(Date), b.(Date)
			return cmp.Or(cmp.Compare(x.Year, y.Year), cmp.Compare(x.Month, y.Month), cmp.Compare(x.Day, y.Day))
		}},
		orderCase{"Time", Field{Enc: TimeEnc, FSP: 6, Nullable: true}, func(r *rand.Rand) any {
			return time.Duration(r.Int64N(2*int64(MaxTime/time.Microsecond)+1))*time.Microsecond - MaxTime
		}, cmpAs[time.Duration]},
		orderCase{"Datetime", Field{Enc: DatetimeEnc, FSP: 6, Nullable: true}, genDatetime, cmpDatetime},
		orderCase{"Timestamp", Field{Enc: TimestampEnc, FSP: 6, Nullable: true}, func(r *rand.Rand) any {
			if r.IntN(10) == 0 {
				return int64(0)
			}
			return microsPerSecond + r.Int64N(maxTimestampMicros-microsPerSecond+1)
		}, cmpAs[int64]},
		orderCase{"Year", nl(YearEnc), func(r *rand.Rand) any {
			if r.IntN(10) == 0 {
				return uint16(0)
			}
			return uint16(1901 + r.IntN(255))
		}, cmpAs[uint16]},
		orderCase{"Enum", Field{Enc: EnumEnc, Members: 300, Nullable: true}, func(r *rand.Rand) any { return uint16(r.IntN(301)) }, cmpAs[uint16]},
		orderCase{"Set", Field{Enc: SetEnc, Members: 64, Nullable: true}, func(r *rand.Rand) any { return r.Uint64() >> r.IntN(64) }, cmpAs[uint64]},
		orderCase{"Bit(13)", Field{Enc: BitEnc, Bits: 13, Nullable: true}, func(r *rand.Rand) any { return uint64(r.IntN(1 << 13)) }, cmpAs[uint64]},
	)
	return cs
}

// withNull extends a model with NULL (nil) sorting first.
func withNull(m func(a, b any) int) func(a, b any) int {
	return func(a, b any) int {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return -1
		case b == nil:
			return 1
		}
		return m(a, b)
	}
}

// TestOrderMatchesModel checks, for every family, that Compare of random values agrees in
// sign with the model order for every pair, and that sorting by Compare sorts the values.
func TestOrderMatchesModel(t *testing.T) {
	r := newRand(t)
	for _, oc := range orderCases() {
		t.Run(oc.name, func(t *testing.T) {
			d := mustDesc(t, oc.field)
			model := withNull(oc.model)
			const n = 200
			vals := make([]any, n)
			tups := make([]Tuple, n)
			for i := range vals {
				if r.IntN(12) != 0 {
					vals[i] = oc.gen(r)
				}
				tups[i] = build(t, d, vals[i])
			}
			for i := range vals {
				for j := range vals {
					got, want := sign(d.Compare(tups[i], tups[j])), sign(model(vals[i], vals[j]))
					if got != want {
						t.Fatalf("Compare(%v, %v) = %d, model %d", d.Format(tups[i]), d.Format(tups[j]), got, want)
					}
				}
			}
			idx := make([]int, n)
			for i := range idx {
				idx[i] = i
			}
			slices.SortFunc(idx, func(a, b int) int { return d.Compare(tups[a], tups[b]) })
			for k := 1; k < n; k++ {
				if model(vals[idx[k-1]], vals[idx[k]]) > 0 {
					t.Fatalf("sorted by Compare, %v precedes %v", vals[idx[k-1]], vals[idx[k]])
				}
			}
		})
	}
}

// TestOrderMultiField checks lexicographic order over fields, NULL first, for Descs that
// take each Compare path: all fixed non-null (bytes.Compare), a fixed prefix, and general.
func TestOrderMultiField(t *testing.T) {
	r := newRand(t)
	cases := orderCases()
	byName := map[string]orderCase{}
	for _, c := range cases {
		byName[c.name] = c
	}
	notNull := func(oc orderCase) orderCase { oc.field.Nullable = false; return oc }
	for _, combo := range [][]orderCase{
		{notNull(byName["Int64"]), notNull(byName["Int32"]), notNull(byName["Date"])},
		{notNull(byName["Int64"]), notNull(byName["Uint8"]), byName["utf8mb4_0900_ai_ci"], byName["Int16"]},
		{notNull(byName["Int8"]), notNull(byName["utf8mb4_general_ci"])},
		{byName["Int8"], byName["Bytes"], byName["utf8mb4_bin"], byName["Float64"]},
		{notNull(byName["Int8"]), byName["Enum"], notNull(byName["Decimal(10,2)"])},
	} {
		fields := make([]Field, len(combo))
		names := make([]string, len(combo))
		for i, oc := range combo {
			fields[i], names[i] = oc.field, oc.name
		}
		t.Run(strings.Join(names, ","), func(t *testing.T) {
			d := mustDesc(t, fields...)
			model := func(a, b []any) int {
				for i, oc := range combo {
					if c := withNull(oc.model)(a[i], b[i]); c != 0 {
						return c
					}
				}
				return 0
			}
			const n = 150
			rows := make([][]any, n)
			tups := make([]Tuple, n)
			for k := range rows {
				row := make([]any, len(combo))
				for i, oc := range combo {
					// Few distinct values, so that later fields decide often.
					if !oc.field.Nullable || r.IntN(5) != 0 {
						row[i] = oc.gen(rand.New(rand.NewPCG(uint64(r.IntN(4)), uint64(i))))
						if r.IntN(2) == 0 {
							row[i] = oc.gen(r)
						}
					}
				}
				rows[k], tups[k] = row, build(t, d, row...)
			}
			for i := range rows {
				for j := range rows {
					got, want := sign(d.Compare(tups[i], tups[j])), sign(model(rows[i], rows[j]))
					if got != want {
						t.Fatalf("Compare(%v, %v) = %d, model %d", d.Format(tups[i]), d.Format(tups[j]), got, want)
					}
					if slow := sign(d.d.compareFrom(tups[i], tups[j], 0)); slow != got {
						t.Fatalf("fast path %d, slow path %d for %v, %v", got, slow, d.Format(tups[i]), d.Format(tups[j]))
					}
				}
			}
		})
	}
}

func TestNullSortsFirstAndTrimmedFieldsAreNull(t *testing.T) {
	d := mustDesc(t, nn(Int32Enc), nl(Int32Enc), nl(Int32Enc))
	short := build(t, d, int64(1))                          // (1, NULL, NULL) with n = 1
	mid := build(t, d, int64(1), nil, int64(math.MinInt32)) // (1, NULL, min)
	full := build(t, d, int64(1), int64(math.MinInt32))     // (1, min, NULL)
	if d.Count(short) != 1 || d.Count(mid) != 3 || d.Count(full) != 2 {
		t.Fatalf("counts %d %d %d", d.Count(short), d.Count(mid), d.Count(full))
	}
	order := []Tuple{short, mid, full}
	for i := range order {
		for j := range order {
			if got := sign(d.Compare(order[i], order[j])); got != sign(i-j) {
				t.Errorf("Compare(%v, %v) = %d", d.Format(order[i]), d.Format(order[j]), got)
			}
		}
	}
	if d.CompareField(1, short, full) != -1 || d.CompareField(0, short, full) != 0 {
		t.Error("CompareField disagrees")
	}
}

func TestCompareIgnoresGarbage(t *testing.T) {
	// Compare must not panic on bytes that are not tuples.
	d := mustDesc(t, nn(Int64Enc), nl(BytesEnc), str(Utf8mb40900AICI, true))
	r := newRand(t)
	for k := 0; k < 2000; k++ {
		a := make([]byte, r.IntN(20))
		b := make([]byte, r.IntN(20))
		for i := range a {
			a[i] = byte(r.IntN(256))
		}
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		if sign(d.Compare(a, b)) != -sign(d.Compare(b, a)) {
			t.Fatalf("Compare not antisymmetric on %x, %x", a, b)
		}
		_ = d.Compare(a, a)
		_, _ = d.GetInt(a, 0)
		_, _ = d.GetString(a, 2)
	}
	if !utf8.ValidString(d.String()) {
		t.Fatal("Desc.String")
	}
}
