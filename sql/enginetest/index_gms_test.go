package enginetest

import (
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
)

func TestGMSIndexes(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestIndexes(t, NewHarness(nil))
}

func TestGMSComplexIndexQueries(t *testing.T) {
	fullSuites(t) // setup fails: a VECTOR column (typeconv does not support it yet)
	gmsenginetest.TestComplexIndexQueries(t, NewHarness(nil))
}
