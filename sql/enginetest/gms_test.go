package enginetest

import (
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
)

func TestGMSQueries(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestQueries(t, NewHarness(nil))
}

func TestGMSInsertInto(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestInsertInto(t, NewHarness(nil))
}

func TestGMSUpdate(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestUpdate(t, NewHarness(nil))
}

func TestGMSDelete(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestDelete(t, NewHarness(nil))
}

func TestGMSReplaceInto(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestReplaceInto(t, NewHarness(nil))
}

func TestGMSTruncate(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestTruncate(t, NewHarness(nil))
}

func TestGMSInsertIgnoreInto(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestInsertIgnoreInto(t, NewHarness(nil))
}

func TestGMSTransactionScripts(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestTransactionScripts(t, NewHarness(nil))
}
