package enginetest

import (
	"os"
	"strings"
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
)

// Further GMS suites: DDL, blobs, generated columns, joins, error cases. Counts in
// RESULTS.md; the suites with failures run only with DSQL_ENGINETEST=1.

func TestGMSJoinQueries(t *testing.T) { // passes fully: runs in CI
	// Comp_index_tablesData creates the vector indexes ComplexIndexQueries leaves out.
	gmsenginetest.TestJoinQueries(t, NewHarness(nil).WithSetupSkips(complexIndexSetupSkips))
}

func TestGMSBlobs(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestBlobs(t, NewHarness(nil))
}

func TestGMSGeneratedColumns(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestGeneratedColumns(t, NewHarness(nil))
}

func TestGMSInsertIntoErrors(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestInsertIntoErrors(t, NewHarness(nil))
}

func TestGMSUpdateIgnore(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestUpdateIgnore(t, NewHarness(nil))
}

func TestGMSDropTable(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestDropTable(t, NewHarness(nil))
}

func TestGMSRenameTable(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestRenameTable(t, NewHarness(nil))
}

func TestGMSRenameColumn(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestRenameColumn(t, NewHarness(nil))
}

func TestGMSModifyColumn(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestModifyColumn(t, NewHarness(nil))
}

func TestGMSDropColumn(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestDropColumn(t, NewHarness(nil))
}

func TestGMSCreateTable(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestCreateTable(t, NewHarness(nil))
}

func TestGMSAddColumn(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestAddColumn(t, NewHarness(nil))
}

func TestGMSJsonScripts(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestJsonScripts(t, NewHarness(nil), nil)
}

// indexPrefixSkips are the TestIndexPrefix assertions dsql does not pass, by query text
// (with DSQL_ENGINETEST=1 they run too).
var indexPrefixSkips = map[string]string{
	// Script "unique indexes on TEXT/BLOB columns with no prefix length (MariaDB
	// compatibility)": the rows are right; the plan check expects a sort, not the index k1.
	// Dolt stores such an index column as a hash of the value, so the index has no order,
	// and memory's index pretends to (Order() is IndexOrderNone "so that we can test this
	// behavior"). dsql's index keys hold the whole value in collation order, so reading k1
	// in order is a correct plan and the index keeps offering it.
	"select t.col1 from t order by t.col1;": "dsql's unique TEXT/BLOB index keys hold whole values, so they are ordered (GMS expects Dolt's content-hashed, unordered keys)",
}

func TestGMSIndexPrefix(t *testing.T) { // runs in CI with indexPrefixSkips
	skips := map[string]string{}
	for q, why := range indexPrefixSkips {
		skips[strings.ToLower(q)] = why
	}
	if os.Getenv("DSQL_ENGINETEST") == "1" {
		skips = nil
	}
	gmsenginetest.TestIndexPrefix(t, NewHarness(skips))
}

func TestGMSVectorIndexes(t *testing.T) {
	fullSuites(t)
	gmsenginetest.TestVectorIndexes(t, NewHarness(nil))
}

func TestGMSSpatialIndexScripts(t *testing.T) {
	fullSuites(t)
	gmsenginetest.TestSpatialIndexScripts(t, NewHarness(nil))
}
