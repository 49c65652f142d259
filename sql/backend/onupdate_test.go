package backend_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

// onUpdateTable has a TIMESTAMP and a DATETIME(3) column with ON UPDATE
// CURRENT_TIMESTAMP, as MySQL's own examples.
const onUpdateTable = "CREATE TABLE ou (id INT PRIMARY KEY, v INT," +
	" c6 TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP," +
	" d3 DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3))"

const onUpdateShow = "CREATE TABLE `ou` (\n  `id` int NOT NULL,\n  `v` int,\n" +
	"  `c6` timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n" +
	"  `d3` datetime(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),\n" +
	"  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"

// past is a timestamp well before any test runs: a column that still holds it was not
// touched by an UPDATE (no wall-clock sleeps or timing assertions needed).
var past = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

func showCreate(e *env, ctx *sql.Context, table string) string {
	e.t.Helper()
	return e.rows(ctx, "SHOW CREATE TABLE "+table)[0][1].(string)
}

// stamps returns the c6 and d3 columns of row id of ou.
func stamps(e *env, ctx *sql.Context, id int) (time.Time, time.Time) {
	e.t.Helper()
	r := e.rows(ctx, "SELECT c6, d3 FROM ou WHERE id = "+strconv.Itoa(id))
	require.Len(e.t, r, 1)
	return r[0][0].(time.Time), r[0][1].(time.Time)
}

// ON UPDATE CURRENT_TIMESTAMP is stored with the column: SHOW CREATE TABLE, SHOW COLUMNS
// and information_schema.COLUMNS show it, also after a restart (the stored
// schema round-trips it).
func TestOnUpdateStored(t *testing.T) {
	stores := memStores{}
	e, ctx := setup(t, stores)
	e.exec(ctx, onUpdateTable)
	require.Equal(t, onUpdateShow, showCreate(e, ctx, "ou"))
	cols := e.rows(ctx, "SHOW COLUMNS FROM ou")
	require.Equal(t, "DEFAULT_GENERATED on update CURRENT_TIMESTAMP", cols[2][5])
	require.Equal(t, "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)", cols[3][5])
	require.Equal(t, []sql.Row{{"c6", "DEFAULT_GENERATED on update CURRENT_TIMESTAMP"}, {"d3", "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)"}, {"id", ""}, {"v", ""}},
		e.rows(ctx, "SELECT COLUMN_NAME, EXTRA FROM information_schema.COLUMNS WHERE TABLE_NAME = 'ou' ORDER BY 1"))

	e2 := newEnv(t, stores)
	ctx2 := e2.session()
	require.Equal(t, onUpdateShow, showCreate(e2, ctx2, "ou"))
	e2.exec(ctx2, "INSERT INTO ou VALUES (1, 1, '2001-01-01 00:00:00', '2001-01-01 00:00:00')",
		"UPDATE ou SET v = 2 WHERE id = 1")
	c6, d3 := stamps(e2, ctx2, 1)
	require.True(t, c6.After(past) && d3.After(past), "after a restart: c6 %v, d3 %v", c6, d3)
}

// An UPDATE that changes a row sets its ON UPDATE columns to the current time; one that
// leaves the row as it was does not touch them; a column the statement sets keeps the
// value set. So does the update of INSERT ... ON DUPLICATE KEY UPDATE; REPLACE inserts
// (the default applies).
func TestOnUpdateSemantics(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, onUpdateTable)
	ins := func(id int) {
		e.exec(ctx, "INSERT INTO ou VALUES ("+strconv.Itoa(id)+", 1, '2001-01-01 00:00:00', '2001-01-01 00:00:00')")
	}
	for id := 1; id <= 5; id++ {
		ins(id)
	}
	// A change of another column sets both.
	e.exec(ctx, "UPDATE ou SET v = 2 WHERE id = 1")
	c6, d3 := stamps(e, ctx, 1)
	require.True(t, c6.After(past) && d3.After(past), "changed row: c6 %v, d3 %v", c6, d3)
	require.Equal(t, []sql.Row{{true, true}}, e.rows(ctx, "SELECT c6 > '2020-01-01', d3 > '2020-01-01' FROM ou WHERE id = 1"))

	// The same values: no change, no new timestamp.
	e.exec(ctx, "UPDATE ou SET v = 1 WHERE id = 2")
	c6, d3 = stamps(e, ctx, 2)
	require.Equal(t, past, c6.UTC())
	require.Equal(t, past, d3.UTC())

	// An explicit value wins.
	e.exec(ctx, "UPDATE ou SET v = 3, c6 = '2002-02-02 00:00:00' WHERE id = 3")
	c6, d3 = stamps(e, ctx, 3)
	require.Equal(t, time.Date(2002, 2, 2, 0, 0, 0, 0, time.UTC), c6.UTC())
	require.True(t, d3.After(past), "d3 %v", d3)

	// ON DUPLICATE KEY UPDATE: a change sets it, the same value does not.
	e.exec(ctx, "INSERT INTO ou (id, v) VALUES (4, 9) ON DUPLICATE KEY UPDATE v = VALUES(v)")
	c6, d3 = stamps(e, ctx, 4)
	require.True(t, c6.After(past) && d3.After(past), "upsert: c6 %v, d3 %v", c6, d3)
	e.exec(ctx, "INSERT INTO ou (id, v) VALUES (5, 1) ON DUPLICATE KEY UPDATE v = VALUES(v)")
	c6, d3 = stamps(e, ctx, 5)
	require.Equal(t, past, c6.UTC())
	require.Equal(t, past, d3.UTC())

	// REPLACE deletes and inserts: the default applies, even to the same values.
	e.exec(ctx, "REPLACE INTO ou (id, v) VALUES (5, 1)")
	c6, d3 = stamps(e, ctx, 5)
	require.True(t, c6.After(past) && d3.After(past), "replace: c6 %v, d3 %v", c6, d3)
}

// ALTER TABLE adds ON UPDATE with ADD COLUMN, MODIFY and CHANGE COLUMN, MODIFY without
// it removes it, and other ALTERs keep it.
func TestOnUpdateAlter(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE ou (id INT PRIMARY KEY, v INT, c6 TIMESTAMP NULL)",
		"INSERT INTO ou VALUES (1, 1, '2001-01-01 00:00:00')",
		"ALTER TABLE ou MODIFY c6 TIMESTAMP NULL ON UPDATE CURRENT_TIMESTAMP")
	require.Contains(t, showCreate(e, ctx, "ou"), "`c6` timestamp ON UPDATE CURRENT_TIMESTAMP,")
	e.exec(ctx, "UPDATE ou SET v = 2")
	require.Equal(t, []sql.Row{{true}}, e.rows(ctx, "SELECT c6 > '2020-01-01' FROM ou"))

	e.exec(ctx, "UPDATE ou SET c6 = '2001-01-01 00:00:00'",
		"ALTER TABLE ou MODIFY c6 TIMESTAMP NULL")
	require.NotContains(t, showCreate(e, ctx, "ou"), "ON UPDATE")
	e.exec(ctx, "UPDATE ou SET v = 3")
	require.Equal(t, []sql.Row{{false}}, e.rows(ctx, "SELECT c6 > '2020-01-01' FROM ou"))

	e.exec(ctx, "ALTER TABLE ou CHANGE c6 c7 TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP",
		"ALTER TABLE ou ADD COLUMN d3 DATETIME(3) NOT NULL DEFAULT '2001-01-01 00:00:00' ON UPDATE CURRENT_TIMESTAMP(3)")
	show := showCreate(e, ctx, "ou")
	// DEFAULT NULL is stored as no default (storedDefault); GMS's formatter, which this
	// engine has, prints none (the server prints timestamp NULL DEFAULT NULL, as MySQL).
	require.Contains(t, show, "`c7` timestamp ON UPDATE CURRENT_TIMESTAMP,")
	require.Contains(t, show, "`d3` datetime(3) NOT NULL DEFAULT '2001-01-01 00:00:00' ON UPDATE CURRENT_TIMESTAMP(3),")
	e.exec(ctx, "UPDATE ou SET v = 4")
	require.Equal(t, []sql.Row{{true, true}}, e.rows(ctx, "SELECT c7 > '2020-01-01', d3 > '2020-01-01' FROM ou"))
	// Other ALTERs keep it: a rewrite of the table, a new default, a renamed column.
	e.exec(ctx, "ALTER TABLE ou ADD COLUMN w INT",
		"ALTER TABLE ou ALTER COLUMN c7 SET DEFAULT '2003-03-03 00:00:00'",
		"ALTER TABLE ou RENAME COLUMN d3 TO d4")
	show = showCreate(e, ctx, "ou")
	require.Equal(t, 2, strings.Count(show, "ON UPDATE"), show)
	require.Contains(t, show, "`c7` timestamp DEFAULT '2003-03-03 00:00:00' ON UPDATE CURRENT_TIMESTAMP,")
	require.Contains(t, show, "`d4` datetime(3) NOT NULL DEFAULT '2001-01-01 00:00:00' ON UPDATE CURRENT_TIMESTAMP(3),")
	// A literal default: no DEFAULT_GENERATED in Extra (as MySQL 8).
	require.Equal(t, []sql.Row{{"c7", "on update CURRENT_TIMESTAMP"}, {"d4", "on update CURRENT_TIMESTAMP(3)"}},
		e.rows(ctx, "SELECT COLUMN_NAME, EXTRA FROM information_schema.COLUMNS WHERE TABLE_NAME = 'ou' AND EXTRA <> '' ORDER BY 1"))
}
