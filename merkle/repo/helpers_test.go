package repo

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
	"github.com/dsqldb/dsql/storage/pebblestore"
)

// seededRand returns a generator seeded from DSQL_SEED or the clock, logging the seed so
// a failure can be replayed.
func seededRand(t *testing.T) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("DSQL_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("DSQL_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("seed %d (rerun with DSQL_SEED=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// storeKind names a real store implementation and opens one.
type storeKind struct {
	name string
	open func(t *testing.T, dir string) storage.Store
}

var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

func openPebble(t *testing.T, dir string) storage.Store {
	t.Helper()
	s, err := pebblestore.Open(dir, pebblestore.Options{Logger: quietLogger})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// reopenable keeps one memstore per directory so that "reopening" it sees the same
// data; its Close is a no-op.
type reopenable struct{ storage.Store }

func (reopenable) Close() error { return nil }

var (
	memMu     sync.Mutex
	memStores = map[string]storage.Store{}
)

func openMem(_ *testing.T, dir string) storage.Store {
	memMu.Lock()
	defer memMu.Unlock()
	s, ok := memStores[dir]
	if !ok {
		s = reopenable{memstore.New()}
		memStores[dir] = s
	}
	return s
}

var storeKinds = []storeKind{
	{"memstore", openMem},
	{"pebblestore", openPebble},
}

func forEachStore(t *testing.T, fn func(t *testing.T, open func() storage.Store)) {
	for _, k := range storeKinds {
		t.Run(k.name, func(t *testing.T) {
			dir := t.TempDir()
			fn(t, func() storage.Store {
				s := k.open(t, dir)
				t.Cleanup(func() { s.Close() })
				return s
			})
		})
	}
}

var testAuthor = Signature{Name: "Ada", Email: "ada@example.com", Time: time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.FixedZone("CEST", 2*3600))}

func mustInit(t *testing.T, s storage.Store) *Repo {
	t.Helper()
	r, err := Init(context.Background(), s, testAuthor)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// richSchema uses every schema feature.
func richSchema(name string) Schema {
	ci, _ := tuple.CollationByName("utf8mb4_0900_ai_ci")
	return Schema{
		Name: name,
		Columns: []Column{
			{Name: "id", SQLType: "bigint", Type: tuple.Field{Enc: tuple.Int64Enc}, AutoIncrement: true, Comment: "the key"},
			{Name: "Name", SQLType: "varchar(20)", Type: tuple.Field{Enc: tuple.StringEnc, Nullable: true, Collation: ci}, Default: "'anon'"},
			{Name: "price", SQLType: "decimal(10,2)", Type: tuple.Field{Enc: tuple.DecimalEnc, Nullable: true, Precision: 10, Scale: 2}},
			{Name: "at", SQLType: "datetime(6)", Type: tuple.Field{Enc: tuple.DatetimeEnc, Nullable: true, FSP: 6}, Default: "CURRENT_TIMESTAMP(6)"},
			{Name: "double_price", SQLType: "decimal(12,2)", Type: tuple.Field{Enc: tuple.DecimalEnc, Nullable: true, Precision: 12, Scale: 2}, Generated: "price * 2", GeneratedStored: true},
		},
		PrimaryKey: []int{0},
		Indexes: []Index{
			{Name: "by_name", Columns: []IndexColumn{{Name: "name", Prefix: 10}}, Comment: "names"},
			{Name: "uniq_price_at", Columns: []IndexColumn{{Name: "price"}, {Name: "at"}}, Unique: true},
		},
		Checks:    []Check{{Name: "pos", Expr: "price >= 0", Enforced: true}, {Name: "lax", Expr: "id > 0"}},
		Collation: "utf8mb4_0900_bin",
		Comment:   "a table",
	}
}

// simpleSchema is (id BIGINT PRIMARY KEY, v BIGINT).
func simpleSchema(name string) Schema {
	return Schema{
		Name: name,
		Columns: []Column{
			{Name: "id", SQLType: "bigint", Type: tuple.Field{Enc: tuple.Int64Enc}},
			{Name: "v", SQLType: "bigint", Type: tuple.Field{Enc: tuple.Int64Enc, Nullable: true}},
		},
		PrimaryKey: []int{0},
	}
}

// fillSimple returns t with rows id -> id*10 for id in ids.
func fillSimple(t *testing.T, tbl Table, ids ...int64) Table {
	t.Helper()
	ctx := context.Background()
	kb, vb := tuple.NewBuilder(tbl.KeyDesc()), tuple.NewBuilder(tbl.ValueDesc())
	ed := tbl.Rows().Edit()
	for _, id := range ids {
		kb.PutInt(0, id)
		vb.PutInt(0, id*10)
		k, err := kb.Build()
		if err != nil {
			t.Fatal(err)
		}
		v, err := vb.Build()
		if err != nil {
			t.Fatal(err)
		}
		if err := ed.Put(k, v); err != nil {
			t.Fatal(err)
		}
	}
	m, err := ed.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out, err := tbl.WithRows(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// newSimpleTable returns a simple table holding ids.
func newSimpleTable(t *testing.T, ns *prolly.NodeStore, name string, ids ...int64) Table {
	t.Helper()
	tbl, err := NewTable(context.Background(), ns, simpleSchema(name))
	if err != nil {
		t.Fatal(err)
	}
	return fillSimple(t, tbl, ids...)
}
