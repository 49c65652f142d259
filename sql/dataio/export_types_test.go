package dataio_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/dataio"
	"github.com/dsqldb/dsql/sql/session"
)

// spatialVectorSetup makes table sv (primary key) and svk (keyless) of every spatial type,
// a geographic POINT (SRID 4326, stored longitude first) and a VECTOR, with NULLs.
var spatialVectorSetup = []string{
	"CREATE TABLE sv (id INT PRIMARY KEY, g GEOMETRY, p POINT SRID 4326, l LINESTRING, po POLYGON, mp MULTIPOINT, ml MULTILINESTRING, mpo MULTIPOLYGON, gc GEOMETRYCOLLECTION, v VECTOR(3))",
	`INSERT INTO sv VALUES
	  (1, ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'), ST_GeomFromText('POINT(45.5 -120.25)', 4326), ST_GeomFromText('LINESTRING(0 0,1.5 -2)'),
	      ST_GeomFromText('POLYGON((0 0,2 0,2 2,0 0),(0.5 0.25,1 0.25,1 0.5,0.5 0.25))'), ST_GeomFromText('MULTIPOINT(1 2,3 4)'),
	      ST_GeomFromText('MULTILINESTRING((0 0,1 1),(2 2,3 3))'), ST_GeomFromText('MULTIPOLYGON(((0 0,1 0,1 1,0 0)))'),
	      ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))'), STRING_TO_VECTOR('[1,2.5,-0.125]')),
	  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	  (3, ST_GeomFromText('POINT(7 8)'), ST_GeomFromText('POINT(0 0)', 4326), NULL, NULL, NULL, NULL, NULL, ST_GeomFromText('GEOMETRYCOLLECTION EMPTY'), STRING_TO_VECTOR('[1e20,0.1,0]'))`,
	"CREATE TABLE svk (g GEOMETRY, v VECTOR(2))",
	"INSERT INTO svk VALUES (ST_GeomFromText('POINT(1 2)'), STRING_TO_VECTOR('[3,4]')), (ST_GeomFromText('POINT(1 2)'), STRING_TO_VECTOR('[3,4]')), (NULL, NULL)",
}

// TestExportSpatialVectorSQL: the SQL export of spatial and VECTOR columns (hex literals of
// their stored bytes) loads back into another database as the same table (hash), for a
// primary-key and a keyless table.
func TestExportSpatialVectorSQL(t *testing.T) {
	e := newEnv(t)
	e.exec("a", spatialVectorSetup...)
	for _, table := range []string{"sv", "svk"} {
		create := fmt.Sprint(e.rows("a", "SHOW CREATE TABLE "+table)[0][1])
		ctx := e.ctx("a")
		tbl := e.workingTable("a", table)
		var b strings.Builder
		_, err := dataio.Export(ctx, tbl, &b, dataio.ExportOptions{Format: dataio.SQL, CreateTable: create, InsertBatch: 2})
		require.NoError(t, err)
		text := b.String()
		require.NotContains(t, text, "\x00", "raw bytes in the SQL export")
		if table == "sv" {
			// POINT(45.5 -120.25) in SRID 4326 is stored as SRID (LE), WKB point, x=-120.25, y=45.5.
			require.Contains(t, text, "X'e610000001010000000000000000105ec00000000000c04640'")
			require.Contains(t, text, "X'0000803f00002040000000be'") // [1,2.5,-0.125] as float32s
		}
		for _, stmt := range strings.Split(strings.TrimSpace(text), ";\n") {
			e.exec("b", strings.TrimSuffix(stmt, ";"))
		}
		require.Equal(t, e.tableHash("a", table), e.tableHash("b", table), "%s:\n%s", table, text)
	}
	require.Equal(t,
		fmt.Sprint(e.rows("a", "SELECT id, ST_AsText(p), ST_SRID(p), VECTOR_TO_STRING(v) FROM sv ORDER BY id")),
		fmt.Sprint(e.rows("b", "SELECT id, ST_AsText(p), ST_SRID(p), VECTOR_TO_STRING(v) FROM sv ORDER BY id")))
}

// TestExportSpatialVectorText: CSV and JSON exports write spatial values as WKT (as
// ST_AsText prints them: latitude first for SRID 4326) and VECTORs as arrays of numbers
// (a JSON array in JSON), never raw bytes.
func TestExportSpatialVectorText(t *testing.T) {
	e := newEnv(t)
	e.exec("a", spatialVectorSetup...)
	csv := string(e.exportTable("a", "sv", dataio.CSV))
	require.Equal(t, `id,g,p,l,po,mp,ml,mpo,gc,v
1,"POLYGON((0 0,1 0,1 1,0 0))",POINT(45.5 -120.25),"LINESTRING(0 0,1.5 -2)","POLYGON((0 0,2 0,2 2,0 0),(0.5 0.25,1 0.25,1 0.5,0.5 0.25))","MULTIPOINT((1 2),(3 4))","MULTILINESTRING((0 0,1 1),(2 2,3 3))","MULTIPOLYGON(((0 0,1 0,1 1,0 0)))","GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))","[1,2.5,-0.125]"
2,,,,,,,,,
3,POINT(7 8),POINT(0 0),,,,,,GEOMETRYCOLLECTION EMPTY,"[1e+20,0.1,0]"
`, csv)
	// The WKT is what ST_AsText returns for every row.
	for _, r := range e.rows("a", "SELECT ST_AsText(g), ST_AsText(p), ST_AsText(gc), VECTOR_TO_STRING(v) FROM sv WHERE id = 1") {
		for _, v := range r[:3] {
			require.Contains(t, csv, fmt.Sprint(v))
		}
	}
	// Keyless rows come in storage order.
	jsonl := strings.Split(strings.TrimSpace(string(e.exportTable("a", "svk", dataio.JSONL))), "\n")
	slices.Sort(jsonl)
	require.Equal(t, []string{`{"g":"POINT(1 2)","v":[3,4]}`, `{"g":"POINT(1 2)","v":[3,4]}`, `{"g":null,"v":null}`}, jsonl)
	json := string(e.exportTable("a", "sv", dataio.JSON))
	require.Contains(t, json, `"p":"POINT(45.5 -120.25)"`)
	require.Contains(t, json, `"v":[1,2.5,-0.125]`)
	require.Contains(t, json, `"v":[1e+20,0.1,0]`)
}

// workingTable returns table of db's working root.
func (e *env) workingTable(db, table string) repo.Table {
	e.t.Helper()
	ctx := e.ctx(db)
	d, _ := e.prov.Lookup(db)
	root, err := ctx.Session.(*session.Session).WorkingRoot(ctx, d)
	require.NoError(e.t, err)
	tbl, ok, err := root.Table(ctx, table)
	require.NoError(e.t, err)
	require.True(e.t, ok, table)
	return tbl
}
