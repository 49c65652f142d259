package enginetest

import (
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
)

// GMS suites for schema objects stored in dsql_schemas (views, triggers, procedures).

func TestGMSViews(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestViews(t, NewHarness(nil))
}

func TestGMSTriggers(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestTriggers(t, triggersHarness()) // with multiDeleteTriggerSkips (multidelete_gms_test.go)
}

func TestGMSStoredProcedures(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestStoredProcedures(t, withExactSumSkips(NewHarness(nil), nil))
}
