package tuple

import (
	"bytes"
	"errors"
	"testing"
)

func TestJSONNumberTags(t *testing.T) {
	d := mustDesc(t, Field{Enc: JSONEnc, Nullable: true})
	build := func(doc, tags string) (Tuple, error) {
		b := NewBuilder(d)
		b.PutJSONTyped(0, []byte(doc), []byte(tags))
		return b.Build()
	}
	// Object members are canonically ordered ("b" before "aa"), and so are the tags.
	tup, err := build(`{"aa": 1.5, "b": [18446744073709551615, "-1", -2]}`, "UNIDNNN")
	if err == nil {
		t.Fatal("7 tags for 3 numbers accepted")
	}
	tup, err = build(`{"aa": 1.5, "b": [18446744073709551615, "-1", -2]}`, "UID")
	if err != nil {
		t.Fatal(err)
	}
	text, _ := d.GetJSON(tup, 0)
	tags, _ := d.GetJSONTags(tup, 0)
	if string(text) != `{"b":[18446744073709551615,"-1",-2],"aa":1.5}` || string(tags) != "UID" {
		t.Fatalf("got %s %q", text, tags)
	}
	if err := d.Validate(tup); err != nil {
		t.Fatal(err)
	}
	// Trailing text tags are trimmed: the field is the text alone.
	plain, err := build(`[1, 2.5]`, "NN")
	if err != nil {
		t.Fatal(err)
	}
	untyped := NewBuilder(d)
	untyped.PutJSON(0, []byte(`[1,2.5]`))
	want, _ := untyped.Build()
	if !bytes.Equal(plain, want) {
		t.Fatalf("%x != %x", plain, want)
	}
	for _, c := range []struct{ doc, tags string }{
		{`[1.5]`, "I"}, {`[-1]`, "U"}, {`[1]`, "X"}, {`[1e400]`, "D"},
	} {
		if _, err := build(c.doc, c.tags); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("%s with tags %q: %v", c.doc, c.tags, err)
		}
	}
	// Validate refuses untrimmed or ill-fitting tags.
	raw := mustDesc(t, Field{Enc: BytesEnc, Nullable: true})
	for _, b := range []string{"[1]\x00N", "[1]\x00", "[1.5]\x00I", "[1] \x00I", "[1]\x00IU"} {
		rb := NewBuilder(raw)
		rb.PutBytes(0, []byte(b))
		rt, _ := rb.Build()
		if err := d.Validate(rt); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Validate(%q): %v", b, err)
		}
	}
}
