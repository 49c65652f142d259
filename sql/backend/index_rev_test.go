package backend_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

// A reverse scan over a lookup of several ranges (which GMS does not order) returns
// rows in descending index order.
func TestReverseMultiRange(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE xy (x INT PRIMARY KEY, y INT, KEY y (y))",
		"INSERT INTO xy VALUES (0, 2), (1, 0), (2, 1), (3, 3)")
	q := "SELECT * FROM xy WHERE y < 1 OR y > 2 ORDER BY y DESC"
	require.Contains(t, e.plan(ctx, q), "reverse: true")
	require.Equal(t, []sql.Row{{int32(3), int32(3)}, {int32(1), int32(0)}}, e.rows(ctx, q))
	require.Equal(t, []sql.Row{{int32(1), int32(0)}, {int32(3), int32(3)}}, e.rows(ctx, "SELECT * FROM xy WHERE y < 1 OR y > 2 ORDER BY y"))
	require.Equal(t, []sql.Row{{int32(3), int32(3)}, {int32(1), int32(0)}, {int32(0), int32(2)}}, e.rows(ctx, "SELECT * FROM xy WHERE x IN (3, 0, 1) ORDER BY x DESC"))
}
