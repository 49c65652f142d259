// Package enginetest runs go-mysql-server's engine test suites against dsql's backend:
// Harness implements enginetest.Harness (and TransactionHarness, SkippingHarness,
// IndexHarness, KeylessTableHarness, ForeignKeyHarness, ResultEvaluationHarness) over
// memstore-backed Providers.
//
// # Invariants
//
//   - Isolation between tests: every NewEngine call builds a fresh Provider over fresh
//     memstores and a fresh session, then runs the stored setup SQL, so no test sees
//     another's data. The setup runs on its own session; tests get a new one.
//   - Production config: engines are built with enginetest.NewEngine over the same
//     backend.Provider and session.Session the server uses (no harness-only behaviour in
//     the backend); setup SQL runs unfiltered (native secondary indexes are supported),
//     except for the statements a suite's harness lists with WithSetupSkips, each with
//     its reason (RESULTS.md names them).
//   - GMS's default collation: the harness sets @@collation_server to GMS's default,
//     utf8mb4_0900_bin, before each engine is built (pinBinaryCollation), so the setup's
//     CREATE DATABASE (and any test's) makes utf8mb4_0900_bin databases, as GMS's suites
//     expect (case-sensitive comparisons, COLLATE=utf8mb4_0900_bin in SHOW CREATE
//     TABLE). dsql's own default, MySQL 8's utf8mb4_0900_ai_ci (backend.DefaultCollation),
//     is tested through the server; this is a test setup choice, not a backend one.
//   - GMS's comparison: results and errors are compared exactly as GMS's default does,
//     except the one documented ExactSum rule (evaluate.go): an actual DECIMAL cell of a
//     SUM/AVG statement matches an expected float64 of exactly the same value.
//
// # Concurrency
//
// A Harness belongs to one test goroutine (GMS's suites are sequential).
package enginetest

import (
	"context"
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
	// setupSkips are setup statements left out of every setup (exact text, lower case,
	// trimmed) -> reason.
	setupSkips map[string]string
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

// WithSetupSkips makes the harness leave the given setup statements (exact text,
// case-insensitive) out of every setup; each maps to the reason. It returns h.
func (h *Harness) WithSetupSkips(skips map[string]string) *Harness {
	h.setupSkips = map[string]string{}
	for q, why := range skips {
		h.setupSkips[normQuery(q)] = why
	}
	return h
}

func normQuery(q string) string { return strings.ToLower(strings.TrimSpace(q)) }

// Setup implements enginetest.Harness: it stores the scripts (without the statements
// of WithSetupSkips).
func (h *Harness) Setup(scripts ...[]setup.SetupScript) {
	h.setup = nil
	for _, s := range scripts {
		if len(h.setupSkips) == 0 {
			h.setup = append(h.setup, s...)
			continue
		}
		for _, script := range s {
			var kept setup.SetupScript
			for _, q := range script {
				if _, skip := h.setupSkips[normQuery(q)]; !skip {
					kept = append(kept, q)
				}
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
	if err := pinBinaryCollation(); err != nil {
		return nil, err
	}
	e, err := gmsenginetest.NewEngine(t, h, p, h.setup, memory.NewStatsProv())
	if err == nil {
		// The server's check of out-of-range assignments (UPDATE ... SET tiny = 1000 fails).
		backend.InstallRowChanges(e.EngineAnalyzer())       // a row is changed when its bytes change
		backend.InstallCollatedDistinct(e.EngineAnalyzer()) // SELECT DISTINCT, set operations, PAD SPACE GROUP BY under the columns' collations
		backend.InstallStrictChecks(e.EngineAnalyzer())     // out-of-range assignments, overflow, division by zero, second primary key
		backend.InstallPlannerFixes(e.EngineAnalyzer())     // no reversed index scan under a LIMIT
		// @@collation_database without a current database is @@collation_server.
		backend.InstallDatabaseCollationVars(e.EngineAnalyzer())
	}
	// Tests start on a fresh session, as GMS's memory harness does: the setup's session
	// state (LAST_INSERT_ID, user variables) must not leak into the first assertion.
	h.session = nil
	return e, err
}

// pinBinaryCollation makes @@global.collation_server GMS's default, utf8mb4_0900_bin
// (backend.NewProvider made it MySQL 8's utf8mb4_0900_ai_ci), so that sessions made after
// it create utf8mb4_0900_bin databases, the collation GMS's suites are written for.
func pinBinaryCollation() error {
	return sql.SystemVariables.AssignValues(map[string]any{
		"collation_server":     sql.Collation_Default.Name(),
		"character_set_server": sql.Collation_Default.CharacterSet().Name(),
	})
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
	_, ok := h.skips[normQuery(q)]
	return ok
}

// SupportsNativeIndexCreation implements enginetest.IndexHarness.
func (h *Harness) SupportsNativeIndexCreation() bool { return true }

// SupportsForeignKeys implements enginetest.ForeignKeyHarness (sql/backend/foreignkey.go).
func (h *Harness) SupportsForeignKeys() bool { return true }

// SupportsKeylessTables implements enginetest.KeylessTableHarness.
func (h *Harness) SupportsKeylessTables() bool { return true }
