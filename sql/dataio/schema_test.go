package dataio_test

import (
	"context"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/dataio"
)

// A CREATE TABLE without COLLATE (as dsql table import infers one) gives the table and
// its string columns the collation of the database the table goes to: MySQL 8's
// utf8mb4_0900_ai_ci by default; an explicit COLLATE is kept.
func TestSchemaFromDDLCollation(t *testing.T) {
	const ddl = "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), code VARCHAR(5) COLLATE utf8mb4_0900_bin)"
	for _, tc := range []struct {
		db   sql.CollationID
		want string
	}{
		{sql.Collation_Unspecified, "utf8mb4_0900_ai_ci"}, // SchemaFromDDL: the default
		{sql.Collation_utf8mb4_0900_ai_ci, "utf8mb4_0900_ai_ci"},
		{sql.Collation_utf8mb4_0900_bin, "utf8mb4_0900_bin"},
		{sql.Collation_utf8mb4_general_ci, "utf8mb4_general_ci"},
	} {
		rs, err := dataio.SchemaFromDDL(context.Background(), ddl, "")
		if tc.db != sql.Collation_Unspecified {
			rs, err = dataio.SchemaFromDDLIn(context.Background(), ddl, "", tc.db)
		}
		require.NoError(t, err)
		require.Equal(t, tc.want, rs.Collation, tc.db.Name())
		require.Equal(t, tc.want, rs.Columns[1].Type.Collation.Name(), tc.db.Name())
		require.Equal(t, "utf8mb4_0900_bin", rs.Columns[2].Type.Collation.Name(), tc.db.Name())
	}
}
