package pebblestore

import (
	"encoding/binary"
	"fmt"
	"math/rand"
)

// rowGen makes chunk-sized blobs that look like prolly-tree leaf nodes of a typical
// table: sequential integer keys and rows of names, emails, small integers, prices,
// timestamps, an enum and a few words of text, each length-prefixed. It is what the
// compression and disk-size measurements run on; random bytes would not compress at all
// and would say nothing about real tables.
type rowGen struct {
	r   *rand.Rand
	key uint64
}

func newRowGen(seed int64) *rowGen { return &rowGen{r: rand.New(rand.NewSource(seed))} }

var (
	firstNames = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "xavier"}
	lastNames  = []string{"smith", "jones", "taylor", "brown", "williams", "wilson", "johnson", "davies", "robinson", "wright", "thompson", "evans", "walker", "white", "roberts", "green", "hall", "wood", "jackson", "clarke"}
	statuses   = []string{"active", "pending", "suspended", "closed"}
	words      = []string{"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "order", "shipped", "invoice", "customer", "returned", "warehouse", "priority", "standard", "express", "delayed", "refund", "note"}
)

func (g *rowGen) row(dst []byte) []byte {
	g.key += 1 + uint64(g.r.Intn(3))
	field := func(b []byte) {
		dst = binary.AppendUvarint(dst, uint64(len(b)))
		dst = append(dst, b...)
	}
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], g.key)
	field(k[:])
	first, last := firstNames[g.r.Intn(len(firstNames))], lastNames[g.r.Intn(len(lastNames))]
	field([]byte(first + " " + last))
	field([]byte(fmt.Sprintf("%s.%s%d@example.com", first, last, g.r.Intn(1000))))
	field(binary.AppendVarint(nil, int64(18+g.r.Intn(70))))
	field([]byte(fmt.Sprintf("%d.%02d", g.r.Intn(10000), g.r.Intn(100))))
	field(binary.BigEndian.AppendUint64(nil, uint64(1_700_000_000_000_000+g.r.Int63n(100_000_000_000_000))))
	field([]byte(statuses[g.r.Intn(len(statuses))]))
	var text []byte
	for i := g.r.Intn(8); i > 0; i-- {
		text = append(text, words[g.r.Intn(len(words))]...)
		text = append(text, ' ')
	}
	field(text)
	return dst
}

// chunk returns one leaf-node-like blob of about size bytes.
func (g *rowGen) chunk(size int) []byte {
	b := make([]byte, 0, size+256)
	b = binary.BigEndian.AppendUint16(b, 0) // node header: level 0
	for len(b) < size {
		b = g.row(b)
	}
	return b
}
