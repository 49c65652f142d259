// Package enginetest runs go-mysql-server's engine test suites against dsql's backend:
// Harness implements enginetest.Harness (and TransactionHarness, SkippingHarness,
// IndexHarness, KeylessTableHarness, ForeignKeyHarness) over memstore-backed Providers.
//
// # Invariants
//
//   - Isolation between tests: every NewEngine call builds a fresh Provider over fresh
//     memstores and a fresh session, then runs the stored setup SQL, so no test sees
//     another's data.
//   - Production config: engines are built with enginetest.NewEngine over the same
//     backend.Provider and session.Session the server uses (no harness-only behaviour in
//     the backend); the only harness-side change is the setup filter below.
//
// Setup filter: secondary indexes are not part of this slice, so Setup drops setup
// statements that only create an index (CREATE [UNIQUE] INDEX, ALTER TABLE ... ADD
// INDEX/KEY/UNIQUE); tests that depend on those indexes fail or are skipped with a
// reason. See RESULTS.md for the counts.
//
// # Concurrency
//
// A Harness belongs to one test goroutine (GMS's suites are sequential).
package enginetest

import (
	"context"
	"regexp"
	"strings"
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
	"github.com/dolthub/go-mysql-server/enginetest/scriptgen/setup"
	"github.com/dolthub/go-mysql-server/memory"
	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// Harness is a GMS enginetest harness over dsql's backend with in-memory stores.
type Harness struct {
	setup    []setup.SetupScript
	provider *backend.Provider
	session  *session.Session
	skips    map[string]string // query, script name or setup statement -> reason
	// Dropped counts the setup statements the index filter removed.
	Dropped int
}

var (
	_ gmsenginetest.Harness             = (*Harness)(nil)
	_ gmsenginetest.TransactionHarness  = (*Harness)(nil)
	_ gmsenginetest.SkippingHarness     = (*Harness)(nil)
	_ gmsenginetest.IndexHarness        = (*Harness)(nil)
	_ gmsenginetest.KeylessTableHarness = (*Harness)(nil)
	_ gmsenginetest.ForeignKeyHarness   = (*Harness)(nil)
)

// NewHarness returns a harness that skips the queries (or script names, or setup
// statements) in skips, each mapped to the reason.
func NewHarness(skips map[string]string) *Harness {
	return &Harness{skips: skips}
}

func newProvider() (*backend.Provider, error) {
	open := func(string) (storage.Store, error) { return memstore.New(), nil }
	return backend.NewProvider(context.Background(), backend.Options{Open: open})
}

var indexOnly = regexp.MustCompile(`(?is)^\s*(drop\s+index\b|create\s+(unique\s+|fulltext\s+|spatial\s+)?index\b|alter\s+table\s+\S+\s+(add\s+(unique\s+)?(index|key|unique)|drop\s+(index|key))\b)`)

// Setup implements enginetest.Harness: it stores the scripts minus index-only statements.
func (h *Harness) Setup(scripts ...[]setup.SetupScript) {
	h.setup = nil
	for _, s := range scripts {
		for _, sc := range s {
			var kept setup.SetupScript
			for _, q := range sc {
				if indexOnly.MatchString(q) {
					h.Dropped++
					continue
				}
				kept = append(kept, q)
			}
			h.setup = append(h.setup, kept)
		}
	}
}

// NewEngine implements enginetest.Harness: a fresh provider, session and setup.
func (h *Harness) NewEngine(t *testing.T) (gmsenginetest.QueryEngine, error) {
	p, err := newProvider()
	if err != nil {
		return nil, err
	}
	if h.provider != nil {
		_ = h.provider.Close()
	}
	h.provider, h.session = p, nil
	return gmsenginetest.NewEngine(t, h, p, h.setup, memory.NewStatsProv())
}

// NewContext implements enginetest.Harness: a context on the harness's shared session.
func (h *Harness) NewContext() *sql.Context {
	if h.session == nil {
		h.session = session.New(gmsenginetest.NewBaseSession(), session.WithProvider(h.provider))
	}
	return sql.NewContext(context.Background(), sql.WithSession(h.session))
}

// NewSession implements enginetest.TransactionHarness: a new, independent session.
func (h *Harness) NewSession() *sql.Context {
	h.session = session.New(gmsenginetest.NewBaseSession(), session.WithProvider(h.provider))
	return h.NewContext()
}

// SkipQueryTest implements enginetest.SkippingHarness (exact match, case-insensitive).
func (h *Harness) SkipQueryTest(q string) bool {
	_, ok := h.skips[strings.ToLower(strings.TrimSpace(q))]
	return ok
}

// SupportsNativeIndexCreation implements enginetest.IndexHarness: not in this slice.
func (h *Harness) SupportsNativeIndexCreation() bool { return false }

// SupportsForeignKeys implements enginetest.ForeignKeyHarness: not in this slice.
func (h *Harness) SupportsForeignKeys() bool { return false }

// SupportsKeylessTables implements enginetest.KeylessTableHarness.
func (h *Harness) SupportsKeylessTables() bool { return true }
