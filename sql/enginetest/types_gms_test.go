package enginetest

import (
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
)

// GMS suites of column types beyond the first slice: character sets and collations
// (merkle/tuple's collations), VECTOR and the spatial types (typeconv). Counts in
// RESULTS.md.

func TestGMSCharsetCollationEngine(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestCharsetCollationEngine(t, withExactSumSkips(NewHarness(nil), nil))
}

func TestGMSVectorType(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestVectorType(t, NewHarness(nil))
}

func TestGMSVectorFunctions(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestVectorFunctions(t, NewHarness(nil))
}

func TestGMSSpatialInsertInto(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestSpatialInsertInto(t, NewHarness(nil))
}

func TestGMSSpatialUpdate(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestSpatialUpdate(t, NewHarness(nil))
}

func TestGMSSpatialDelete(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestSpatialDelete(t, NewHarness(nil))
}

func TestGMSSpatialScripts(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestSpatialScripts(t, NewHarness(nil))
}
