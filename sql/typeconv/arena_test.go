package typeconv

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/tuple"
)

// TestDecodeIn checks that DecodeIn and DecodeColumnsIn return what Decode and
// DecodeColumns do, for seeded random rows with NULLs, empty, short and long strings, and
// that every row and string an Arena hands out is its own memory: rows written after
// decoding, and later decodes, leave earlier rows as they were.
func TestDecodeIn(t *testing.T) {
	seed := uint64(20261126)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	sch := sql.Schema{}
	for i, text := range []string{"int", "varchar(400)", "char(120)", "bigint", "text", "varbinary(10)", "double"} {
		typ, err := TypeFor(text)
		require.NoError(t, err)
		sch = append(sch, &sql.Column{Name: string(rune('a' + i)), Type: typ, Nullable: i != 0, Source: "t"})
	}
	pk := []int{0}
	c, err := NewRowCodec(sch, pk)
	require.NoError(t, err)
	kb, vb := tuple.NewBuilder(c.KeyDesc()), tuple.NewBuilder(c.ValueDesc())
	str := func() any {
		switch rng.IntN(5) {
		case 0:
			return nil
		case 1:
			return ""
		case 2:
			return strings.Repeat("x", 200+rng.IntN(200)) // past arenaMaxString
		}
		return strings.Repeat(string(rune('a'+rng.IntN(26))), 1+rng.IntN(120))
	}
	var a Arena
	var got, want []sql.Row
	for i := range 500 {
		row := sql.Row{int32(i), str(), str(), int64(rng.Int64()), str(), []byte("b"), float64(i) / 3}
		if rng.IntN(4) == 0 {
			row[3], row[5], row[6] = nil, nil, nil
		}
		k, v, err := c.Encode(kb, vb, row)
		require.NoError(t, err)
		full, err := c.Decode(k, v, nil)
		require.NoError(t, err)
		in, err := c.DecodeIn(&a, k, v)
		require.NoError(t, err)
		require.Equal(t, full, in)
		cols := []int{2, 0, 4}
		part, err := c.DecodeColumns(k, v, cols, false, nil)
		require.NoError(t, err)
		partIn, err := c.DecodeColumnsIn(&a, k, v, cols, false)
		require.NoError(t, err)
		require.Equal(t, part, partIn)
		placed, err := c.DecodeColumns(k, v, cols, true, nil)
		require.NoError(t, err)
		placedIn, err := c.DecodeColumnsIn(&a, k, v, cols, true)
		require.NoError(t, err)
		require.Equal(t, placed, placedIn)
		// The caller owns the rows: appending to one must not reach its neighbour.
		partIn = append(partIn, "appended")
		_ = partIn
		got, want = append(got, in, placedIn), append(want, full.Copy(), placed.Copy())
	}
	require.Equal(t, want, got)
}

// TestArenaSizes asks an Arena for rows and strings of every size up to past its
// limits, from a fresh Arena each time and in sequence, and checks each is its own
// memory of the size asked.
func TestArenaSizes(t *testing.T) {
	var seq Arena
	var rows []sql.Row
	var strs []string
	for n := 0; n <= 3*arenaSlots; n++ {
		var fresh Arena
		for _, a := range []*Arena{&fresh, &seq} {
			r := a.Row(n)
			require.Len(t, r, n)
			require.Equal(t, n, cap(r))
			for i := range r {
				require.Nil(t, r[i])
				r[i] = n
			}
			rows = append(rows, r)
			b := []byte(strings.Repeat(string(rune('a'+n%26)), n*3))
			s := a.String(b)
			require.Equal(t, string(b), s)
			strs = append(strs, s)
		}
	}
	for i, r := range rows {
		n := i / 2
		for _, v := range r {
			require.Equal(t, n, v)
		}
		require.Equal(t, strings.Repeat(string(rune('a'+n%26)), n*3), strs[i])
	}
}

// TestArenaImmutable: with Immutable set, decoded strings are the tuple's own bytes (no
// copy) and equal what Decode returns; other values are decoded as without it.
func TestArenaImmutable(t *testing.T) {
	sch := sql.Schema{}
	for i, text := range []string{"int", "varchar(400)", "text", "varbinary(10)"} {
		typ, err := TypeFor(text)
		require.NoError(t, err)
		sch = append(sch, &sql.Column{Name: string(rune('a' + i)), Type: typ, Nullable: i != 0, Source: "t"})
	}
	c, err := NewRowCodec(sch, []int{0})
	require.NoError(t, err)
	kb, vb := tuple.NewBuilder(c.KeyDesc()), tuple.NewBuilder(c.ValueDesc())
	a := Arena{Immutable: true}
	for i, row := range []sql.Row{
		{int32(1), "short", strings.Repeat("long", 100), []byte("b")},
		{int32(2), "", nil, nil},
		{int32(3), nil, "x", []byte{}},
	} {
		k, v, err := c.Encode(kb, vb, row)
		require.NoError(t, err)
		want, err := c.Decode(k, v, nil)
		require.NoError(t, err)
		got, err := c.DecodeIn(&a, k, v)
		require.NoError(t, err)
		require.Equal(t, want, got, "row %d", i)
		for j, x := range got {
			s, ok := x.(string)
			if !ok || s == "" {
				continue
			}
			p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
			lo := uintptr(unsafe.Pointer(&v[0]))
			if p < lo || p+uintptr(len(s)) > lo+uintptr(len(v)) {
				t.Errorf("row %d column %d: string is not the tuple's bytes", i, j)
			}
		}
	}
}
