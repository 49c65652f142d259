package prolly

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// damagingStore returns the bytes of one chunk with a byte flipped, as a disk might.
type damagingStore struct {
	storage.ChunkStore
	bad hash.Hash
}

func (s damagingStore) Get(ctx context.Context, h hash.Hash) ([]byte, error) {
	b, err := s.ChunkStore.Get(ctx, h)
	if err == nil && h == s.bad {
		b = append([]byte(nil), b...)
		b[len(b)/2] ^= 0x40
	}
	return b, err
}

// TestVerify: Verify passes a sound tree and names the node whose stored bytes no longer
// hash to its address, leaf or internal, even when the node cache holds a good copy.
func TestVerify(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	defer st.Close()
	ns := NewNodeStore(st, 256<<20)
	m := bigMap(t, ns, 20_000)
	if m.Height() < 2 {
		t.Fatalf("height %d: want internal nodes", m.Height())
	}
	if err := m.Verify(ctx); err != nil {
		t.Fatalf("sound tree: %v", err)
	}
	leaf := m.Root()
	for leaf.level > 0 {
		c, err := ns.Read(ctx, leaf.Child(leaf.Len()/2))
		if err != nil {
			t.Fatal(err)
		}
		leaf = c
	}
	for _, bad := range []hash.Hash{leaf.Hash(), m.Root().Hash()} {
		dns := NewNodeStore(damagingStore{ChunkStore: st, bad: bad}, 256<<20)
		dm := Map{root: m.root, ns: dns, cmp: m.cmp}
		err := dm.Verify(ctx)
		if !errors.Is(err, storage.ErrCorrupt) || !strings.Contains(err.Error(), bad.String()) {
			t.Fatalf("damaged node %s: Verify = %v", bad, err)
		}
	}
}
