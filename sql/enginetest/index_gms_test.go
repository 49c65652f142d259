package enginetest

import (
	"testing"

	gmsenginetest "github.com/dolthub/go-mysql-server/enginetest"
)

func TestGMSIndexes(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestIndexes(t, NewHarness(nil))
}

// complexIndexSetupSkips are the setup statements of ComplexIndexSetup that dsql does
// not run: no query of ComplexIndexQueries uses these indexes (only the vector-index
// plan tests of TestQueryPlans do), and the backend has no vector indexes.
var complexIndexSetupSkips = map[string]string{
	"create VECTOR INDEX v_idx_json on comp_vector_index_t0 (json_column)":  "vector indexes are not implemented (sql/backend)",
	"create VECTOR INDEX v_idx_vec on comp_vector_index_t0 (vector_column)": "vector indexes are not implemented (sql/backend)",
}

func TestGMSComplexIndexQueries(t *testing.T) { // passes fully: runs in CI
	gmsenginetest.TestComplexIndexQueries(t, NewHarness(nil).WithSetupSkips(complexIndexSetupSkips))
}
