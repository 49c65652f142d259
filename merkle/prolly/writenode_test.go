package prolly

import (
	"math/rand"
	"reflect"
	"testing"

	"github.com/dsqldb/dsql/merkle/hash"
)

// TestWriterNodeMatchesDecode: the node nodeWriter.node lays out from the lengths it kept
// equals, field by field, what decodeNode makes of the same bytes, for leaves and internal
// nodes with fixed- and variable-width keys and values, built from single entries and
// from runs copied out of other nodes (the Editor's addRun), and the writer is empty after.
func TestWriterNodeMatchesDecode(t *testing.T) {
	t.Logf("seed %d", testSeed)
	r := rand.New(rand.NewSource(testSeed))
	entry := func(level int, fixedK, fixedV bool) (k, v []byte) {
		kl := 8
		if !fixedK {
			kl = 1 + r.Intn(200) // lengths past 127 take two uvarint bytes
		}
		k = make([]byte, kl)
		r.Read(k)
		if level > 0 {
			var h hash.Hash
			r.Read(h[:])
			return k, encodeRef(nil, h, uint64(1+r.Intn(100000)))
		}
		vl := 12
		if !fixedV {
			vl = r.Intn(300)
		}
		v = make([]byte, vl)
		r.Read(v)
		return k, v
	}
	for iter := range 500 {
		level := 0
		if iter%3 == 0 {
			level = 1 + r.Intn(3)
		}
		fixedK, fixedV := r.Intn(2) == 0, r.Intn(2) == 0
		// A source node to copy runs from.
		src := newNodeWriter(level)
		for range 1 + r.Intn(60) {
			src.add(entry(level, fixedK, fixedV))
		}
		sdata := src.finish()
		sn, err := decodeNode(hash.Of(sdata), sdata)
		if err != nil {
			t.Fatal(err)
		}
		w := getNodeWriter(level)
		size := 0
		for range 1 + r.Intn(8) {
			if r.Intn(2) == 0 {
				a := r.Intn(sn.Len())
				b := a + 1 + r.Intn(sn.Len()-a)
				size += w.addRun(sn, a, b)
			} else {
				k, v := entry(level, fixedK, fixedV)
				w.add(k, v)
				size += entrySize(len(k), len(v))
			}
		}
		data := w.encode()
		if want := 1 + uvarintLen(uint64(w.n)) + size; len(data) != want {
			t.Fatalf("iter %d: encoded %d bytes, entry sizes say %d", iter, len(data), want)
		}
		h := hash.Of(data)
		got, err := w.node(h, data)
		if err != nil {
			t.Fatalf("iter %d: %v", iter, err)
		}
		want, err := decodeNode(h, data)
		if err != nil {
			t.Fatalf("iter %d: decoding the writer's bytes: %v", iter, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("iter %d (level %d): writer's node %+v, decoded %+v", iter, level, got, want)
		}
		w.reset()
		if w.n != 0 || w.lenBytes != 0 || len(w.klens)+len(w.vlens)+len(w.keys)+len(w.vals) != 0 {
			t.Fatalf("iter %d: writer not empty after reset", iter)
		}
		putNodeWriter(w)
	}
}

// TestWriterNodeRejectsBadRef: an internal node whose value is not a child reference is a
// caller bug that node reports instead of laying out a node Count cannot read.
func TestWriterNodeRejectsBadRef(t *testing.T) {
	w := newNodeWriter(1)
	w.add([]byte("k"), []byte("short"))
	data := w.encode()
	if _, err := w.node(hash.Of(data), data); err == nil {
		t.Fatal("node accepted a 5-byte child reference")
	}
	w = newNodeWriter(1)
	data = w.encode()
	if _, err := w.node(hash.Of(data), data); err == nil {
		t.Fatal("node accepted an internal node with no children")
	}
}
