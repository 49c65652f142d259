package enginetest

import (
	"os"
	"strings"
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
)

// scriptSkips are the TestScripts scripts dsql does not pass, by script name (with
// DSQL_ENGINETEST=1 they run too). The one left is a missing feature of sql/backend.
var scriptSkips = map[string]string{
	// CREATE TABLE with a FULLTEXT index.
	"aggregate function with match": "FULLTEXT indexes are not implemented",
}

func TestGMSScripts(t *testing.T) { // runs in CI with scriptSkips
	var skips map[string]string
	if os.Getenv("DSQL_ENGINETEST") != "1" {
		skips = map[string]string{}
		for name, why := range scriptSkips {
			skips[strings.ToLower(name)] = why
		}
	}
	gmsenginetest.TestScripts(t, NewHarness(skips))
}
