package hash

import (
	"bytes"
	"errors"
	"math/rand"
	"sort"
	"testing"
)

func TestRoundTripAndOrder(t *testing.T) {
	seed := int64(20261125)
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewSource(seed))
	var hs []Hash
	for i := 0; i < 1000; i++ {
		var h Hash
		r.Read(h[:])
		s := h.String()
		if len(s) != StringLen {
			t.Fatalf("len(%q) = %d", s, len(s))
		}
		p, err := Parse(s)
		if err != nil || p != h {
			t.Fatalf("Parse(%q) = %v, %v; want %v", s, p, err, h)
		}
		hs = append(hs, h)
	}
	byBytes := append([]Hash(nil), hs...)
	sort.Slice(byBytes, func(i, j int) bool { return bytes.Compare(byBytes[i][:], byBytes[j][:]) < 0 })
	byText := append([]Hash(nil), hs...)
	sort.Slice(byText, func(i, j int) bool { return byText[i].String() < byText[j].String() })
	for i := range byBytes {
		if byBytes[i] != byText[i] {
			t.Fatalf("text order differs from byte order at %d", i)
		}
	}
}

func TestOfIsDeterministic(t *testing.T) {
	a, b := Of([]byte("dsql")), Of([]byte("dsql"))
	if a != b || a.IsEmpty() {
		t.Fatalf("Of not deterministic or empty: %v %v", a, b)
	}
	if Of([]byte("dsql")) == Of([]byte("dsqL")) {
		t.Fatal("different data, same hash")
	}
	// Golden value pins the hash function: changing it changes every address on disk.
	if got, want := Of([]byte("dsql")).String(), golden; got != want {
		t.Fatalf("Of(\"dsql\") = %s, want %s", got, want)
	}
}

const golden = "l7hlvdk57168qjgaqvhtvu9ls1fppli6"

func TestParseErrors(t *testing.T) {
	for _, s := range []string{
		"",
		"abc",
		"0123456789abcdefghijklmnopqrstuvw", // 33 chars
		"0123456789abcdefghijklmnopqrstuw",  // 'w' outside alphabet
		"0123456789ABCDEFGHIJKLMNOPQRSTUV",  // upper case
		"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv",  // non-zero trailing bits are fine? 160 bits = 32*5 exactly
	} {
		h, err := Parse(s)
		if s == "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv" {
			if err != nil {
				t.Errorf("Parse(%q): %v", s, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("Parse(%q) = %v, want error", s, h)
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) error %v does not wrap ErrInvalid", s, err)
		}
		if !h.IsEmpty() {
			t.Errorf("Parse(%q) returned non-zero hash with error", s)
		}
	}
	if _, err := New(make([]byte, 19)); err == nil {
		t.Error("New(19 bytes) succeeded")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("0123456789abcdefghijklmnopqrstuv")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := Parse(s)
		if err != nil {
			return
		}
		if h.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, h.String())
		}
	})
}
