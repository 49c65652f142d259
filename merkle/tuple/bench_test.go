package tuple

import (
	"fmt"
	"testing"
)

type benchKey struct {
	name string
	desc func(testing.TB) Desc
	row  func(i int) []any
}

func benchKeys() []benchKey {
	return []benchKey{
		{"int64", func(t testing.TB) Desc { return mustDesc(t, nn(Int64Enc)) },
			func(i int) []any { return []any{int64(i)} }},
		{"int64,varchar_ai_ci", func(t testing.TB) Desc { return mustDesc(t, nn(Int64Enc), str(Utf8mb40900AICI, false)) },
			func(i int) []any { return []any{int64(i % 4), fmt.Sprintf("customer-%08d", i)} }},
		{"int64,varchar_0900_bin", func(t testing.TB) Desc { return mustDesc(t, nn(Int64Enc), str(Utf8mb40900Bin, false)) },
			func(i int) []any { return []any{int64(i % 4), fmt.Sprintf("customer-%08d", i)} }},
		{"varchar_ai_ci_null,int64", func(t testing.TB) Desc { return mustDesc(t, str(Utf8mb40900AICI, true), nn(Int64Enc)) },
			func(i int) []any { return []any{"customer", int64(i)} }},
		{"int64,varchar_bin", func(t testing.TB) Desc { return mustDesc(t, nn(Int64Enc), str(Utf8mb4Bin, false)) },
			func(i int) []any { return []any{int64(i % 4), fmt.Sprintf("customer-%08d", i)} }},
		{"int64,varchar_unicode_ci", func(t testing.TB) Desc { return mustDesc(t, nn(Int64Enc), str(Utf8mb4UnicodeCI, false)) },
			func(i int) []any { return []any{int64(i % 4), fmt.Sprintf("customer-%08d", i)} }},
		{"int64,varchar_0900_as_cs", func(t testing.TB) Desc { return mustDesc(t, nn(Int64Enc), str(Utf8mb40900ASCS, false)) },
			func(i int) []any { return []any{int64(i % 4), fmt.Sprintf("customer-%08d", i)} }},
		{"int64,varchar_latin1_swedish_ci", func(t testing.TB) Desc { return mustDesc(t, nn(Int64Enc), str(Latin1SwedishCI, false)) },
			func(i int) []any { return []any{int64(i % 4), fmt.Sprintf("customer-%08d", i)} }},
	}
}

// BenchmarkCompare compares neighbouring keys (as a tree search does): equal leading
// fields, so the comparison reaches the last field.
func BenchmarkCompare(b *testing.B) {
	for _, k := range benchKeys() {
		b.Run(k.name, func(b *testing.B) {
			d := k.desc(b)
			const n = 1024
			tups := make([]Tuple, n)
			for i := range tups {
				tups[i] = build(b, d, k.row(i*4)...)
			}
			b.ReportAllocs()
			b.ResetTimer()
			s := 0
			for i := 0; i < b.N; i++ {
				s += d.Compare(tups[i%n], tups[(i+1)%n])
			}
			sink = s
		})
	}
}

var sink int

func BenchmarkBuild(b *testing.B) {
	for _, k := range benchKeys()[:2] {
		b.Run(k.name, func(b *testing.B) {
			d := k.desc(b)
			row := k.row(12345)
			bl := NewBuilder(d)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				bl.PutInt(0, int64(i))
				if len(row) > 1 {
					bl.PutString(1, row[1].(string))
				}
				if _, err := bl.Build(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(k.name+"/append", func(b *testing.B) {
			d := k.desc(b)
			row := k.row(12345)
			bl := NewBuilder(d)
			buf := make([]byte, 0, 64)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				bl.PutInt(0, int64(i))
				if len(row) > 1 {
					bl.PutString(1, row[1].(string))
				}
				var err error
				if buf, err = bl.Append(buf[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGet(b *testing.B) {
	d := mustDesc(b, nn(Int64Enc), str(Utf8mb40900AICI, false))
	tup := build(b, d, int64(42), "customer-00000042")
	b.Run("GetInt", func(b *testing.B) {
		b.ReportAllocs()
		s := int64(0)
		for i := 0; i < b.N; i++ {
			v, _ := d.GetInt(tup, 0)
			s += v
		}
		sink = int(s)
	})
	b.Run("GetString", func(b *testing.B) {
		b.ReportAllocs()
		s := 0
		for i := 0; i < b.N; i++ {
			v, _ := d.GetString(tup, 1)
			s += len(v)
		}
		sink = s
	})
}

func TestCompareAndGettersDoNotAllocate(t *testing.T) {
	for _, k := range benchKeys() {
		d := k.desc(t)
		a, b := build(t, d, k.row(1)...), build(t, d, k.row(5)...)
		if n := testing.AllocsPerRun(100, func() { sink = d.Compare(a, b) }); n != 0 {
			t.Errorf("%s: Compare allocates %v times", k.name, n)
		}
		if n := testing.AllocsPerRun(100, func() { v, _ := d.GetInt(a, 0); sink = int(v) }); n != 0 {
			t.Errorf("%s: GetInt allocates %v times", k.name, n)
		}
	}
	d := mustDesc(t, nn(Int64Enc), str(Utf8mb40900AICI, false))
	a, b := build(t, d, int64(1), "Ünïcödé straße"), build(t, d, int64(1), "UNICODE STRASSE")
	if n := testing.AllocsPerRun(100, func() { sink = d.Compare(a, b) }); n != 0 {
		t.Errorf("ai_ci Compare of non-ASCII allocates %v times", n)
	}
	if d.Compare(a, b) != 0 {
		t.Errorf("'Ünïcödé straße' != 'UNICODE STRASSE' under ai_ci")
	}
}

// Desc.Compare is usable directly as a key order of func type (prolly.Compare).
var _ func(a, b []byte) int = Desc{}.Compare
