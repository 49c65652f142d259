package enginetest

import (
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
)

// ALTER TABLE, primary-key changes, CHECK constraints and column defaults (sql/backend
// alter.go, check.go). Counts in RESULTS.md.

func TestGMSAlterTable(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestAlterTable(t, NewHarness(nil))
}

func TestGMSAddDropPks(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestAddDropPks(t, NewHarness(nil))
}

func TestGMSCreateCheckConstraints(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestCreateCheckConstraints(t, NewHarness(nil))
}

func TestGMSChecksOnInsert(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestChecksOnInsert(t, NewHarness(nil))
}

func TestGMSChecksOnUpdate(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestChecksOnUpdate(t, NewHarness(nil))
}

func TestGMSDropCheckConstraints(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestDropCheckConstraints(t, NewHarness(nil))
}

func TestGMSColumnDefaults(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestColumnDefaults(t, NewHarness(nil))
}
