package enginetest

import (
	"os"
	"strings"
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
)

// fkSkips are the TestForeignKeys scripts dsql does not pass, by script name (with
// DSQL_ENGINETEST=1 they run too). None at present: the suite skips only GMS's own.
var fkSkips = map[string]string{}

func TestGMSForeignKeys(t *testing.T) { // runs in CI with fkSkips
	skips := map[string]string{}
	for q, why := range fkSkips {
		skips[strings.ToLower(q)] = why
	}
	if os.Getenv("DSQL_ENGINETEST") == "1" {
		skips = nil
	}
	gmsenginetest.TestForeignKeys(t, NewHarness(skips))
}

func TestGMSCreateForeignKeys(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestCreateForeignKeys(t, NewHarness(nil))
}

func TestGMSDropForeignKeys(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestDropForeignKeys(t, NewHarness(nil))
}
