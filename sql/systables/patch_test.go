package systables_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

// tableHashes returns "name=hash" of every table of the session's working set.
func (e *env) tableHashes(ctx *sql.Context) []string {
	e.t.Helper()
	var out []string
	for _, r := range e.rows(ctx, "SHOW TABLES") {
		name := fmt.Sprint(r[0])
		h := e.strs(ctx, "SELECT dsql_hashof_table('"+name+"')")
		out = append(out, strings.ToLower(name)+"="+h[0])
	}
	return out
}

// applyPatch runs the statements of dsql_patch(from, to) in the session, in order.
func (e *env) applyPatch(ctx *sql.Context, from, to string) []string {
	e.t.Helper()
	stmts := e.strs(ctx, "SELECT statement FROM dsql_patch('"+from+"', '"+to+"') ORDER BY statement_order")
	for _, s := range stmts {
		e.exec(ctx, s)
	}
	return stmts
}

// TestPatchApplies checks that applying the patch of (A, B) to a branch at A gives B
// exactly: every table's hash (schema, rows and indexes) is B's.
func TestPatchApplies(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), n INT, KEY ix_n (n))",
		"INSERT INTO t VALUES (1,'a',10),(2,'b',20),(3,'c',30),(4,'it''s',NULL)",
		"CREATE TABLE k (a INT, b VARCHAR(10))",
		"INSERT INTO k VALUES (1,'x'),(1,'x'),(1,'x'),(2,NULL)",
		"CREATE TABLE d (id INT PRIMARY KEY)", "INSERT INTO d VALUES (1)",
		"CREATE TABLE r (id INT PRIMARY KEY, v TEXT)", "INSERT INTO r VALUES (1, 'renamed')",
		"CREATE TABLE ty (id BIGINT UNSIGNED PRIMARY KEY, dec1 DECIMAL(10,3), f DOUBLE, dt DATETIME(6), dd DATE, bl BLOB, js JSON, en ENUM('a','b''q','c'), st SET('x','y'), tx TEXT, bt BIT(8), vb VARBINARY(10), yr YEAR, tm TIME)",
		"INSERT INTO ty VALUES (1, 1.5, 0.1, '2024-01-02 03:04:05.123456', '2024-01-02', 0x00FF27, '{\"a\": [1, 2]}', 'b''q', 'x,y', 'line\\nnext \\\\ back''slash', b'101', 0x0102, 2024, '12:34:56')",
		"INSERT INTO ty VALUES (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
	)
	a := e.commit(ctx, "A").Hash().String()
	e.branch("b", "main")
	e.checkout(ctx, "b")
	e.exec(ctx,
		"UPDATE t SET name = 'B' WHERE id = 2", "DELETE FROM t WHERE id = 3", "INSERT INTO t VALUES (5,'e',50)",
		"ALTER TABLE t DROP INDEX ix_n",
		"ALTER TABLE t ADD COLUMN m INT DEFAULT 5 AFTER id",
		"ALTER TABLE t MODIFY COLUMN name VARCHAR(30) NOT NULL DEFAULT 'x'",
		"ALTER TABLE t ADD UNIQUE INDEX ux_name (name)",
		"ALTER TABLE t ADD CONSTRAINT chk_id CHECK (id > 0)",
		"ALTER TABLE t DROP COLUMN n",
		"UPDATE t SET m = 7 WHERE id = 1",
		"DELETE FROM k WHERE a = 1 LIMIT 2", "INSERT INTO k VALUES (2,NULL),(3,'z'),(3,'z')",
		"DROP TABLE d",
		"RENAME TABLE r TO r2",
		"CREATE TABLE c (id INT PRIMARY KEY, v VARCHAR(10) DEFAULT 'dflt', g INT GENERATED ALWAYS AS (id * 2) STORED, KEY ix_v (v(3)))",
		"INSERT INTO c (id, v) VALUES (1, 'one'), (2, DEFAULT)",
		"UPDATE ty SET f = 2.25, js = '{\"b\": null}', bl = 0x01, en = 'c', st = 'y', bt = b'1', dt = '2025-01-01 00:00:00', tx = 'a\\tb' WHERE id = 1",
		"UPDATE ty SET dec1 = -0.001, vb = 0x00, yr = 1999, tm = '-01:00:00' WHERE id = 2",
		"INSERT INTO ty (id, tx) VALUES (18446744073709551615, '')",
	)
	b := e.commit(ctx, "B").Hash().String()
	want := e.tableHashes(ctx)

	e.checkout(ctx, "main")
	stmts := e.applyPatch(ctx, a, b)
	require.Equal(t, want, e.tableHashes(ctx), "patch:\n%s", strings.Join(stmts, "\n"))

	// The patch's layout, and the same patch by range and for one table.
	rows := e.rows(ctx, "SELECT statement_order, from_commit_hash, to_commit_hash, table_name, diff_type FROM dsql_patch('"+a+"..b') ORDER BY statement_order")
	require.Len(t, rows, len(stmts))
	require.Equal(t, []string{"1|" + a + "|" + b + "|c|schema"}, fmtRows(rows[:1]))
	require.Equal(t, []string{
		"d|schema|DROP TABLE `d`;",
	}, fmtRows(e.rows(ctx, "SELECT table_name, diff_type, statement FROM dolt_patch('"+a+"', 'b', 'd')")))
	require.Equal(t, []string{
		"RENAME TABLE `r` TO `r2`;",
	}, e.strs(ctx, "SELECT statement FROM dsql_patch('"+a+"', 'b', 'r2')"))
	require.Equal(t, []string{
		"ALTER TABLE `t` DROP INDEX `ix_n`;",
		"ALTER TABLE `t` DROP COLUMN `n`;",
		"ALTER TABLE `t` ADD COLUMN `m` int DEFAULT 5 AFTER `id`;",
		"ALTER TABLE `t` MODIFY COLUMN `name` varchar(30) NOT NULL DEFAULT 'x';",
		"ALTER TABLE `t` ADD UNIQUE KEY `ux_name` (`name`);",
		"ALTER TABLE `t` ADD CONSTRAINT `chk_id` CHECK ((`id` > 0));",
		"UPDATE `t` SET `m` = 7 WHERE `id` = 1;",
		"UPDATE `t` SET `m` = 5, `name` = 'B' WHERE `id` = 2;",
		"DELETE FROM `t` WHERE `id` = 3;",
		"UPDATE `t` SET `m` = 5 WHERE `id` = 4;",
		"INSERT INTO `t` (`id`,`m`,`name`) VALUES (5,5,'e');",
	}, e.strs(ctx, "SELECT statement FROM dsql_patch('"+a+"', 'b', 't') ORDER BY statement_order"))
	require.ElementsMatch(t, []string{
		"DELETE FROM `k` WHERE `a` = 1 AND `b` = 'x' LIMIT 2;",
		"INSERT INTO `k` (`a`,`b`) VALUES (2,NULL);",
		"INSERT INTO `k` (`a`,`b`) VALUES (3,'z'),(3,'z');",
	}, e.strs(ctx, "SELECT statement FROM dsql_patch('"+a+"', 'b', 'k')"))

	// Nothing to do between equal revisions; the reverse patch goes back.
	require.Empty(t, e.rows(ctx, "SELECT * FROM dsql_patch('b', 'WORKING')"))
	e.commit(ctx, "applied")
	e.applyPatch(ctx, "b", a)
	e.checkout(ctx, "b")
	e.exec(ctx, "CALL dsql_checkout('-b', 'atA', '"+a+"')")
	wantA := e.tableHashes(ctx)
	e.checkout(ctx, "main")
	require.Equal(t, wantA, e.tableHashes(ctx))
}

// TestPatchPrimaryKeyChange checks the patch of a table whose primary key changed: its
// rows are replaced.
func TestPatchPrimaryKeyChange(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE p (a INT NOT NULL, b INT NOT NULL, v INT, PRIMARY KEY (a))", "INSERT INTO p VALUES (1,1,1),(2,2,2)")
	a := e.commit(ctx, "A").Hash().String()
	e.branch("b", "main")
	e.checkout(ctx, "b")
	e.exec(ctx, "ALTER TABLE p DROP PRIMARY KEY", "ALTER TABLE p ADD PRIMARY KEY (a, b)", "UPDATE p SET v = 9 WHERE a = 2")
	b := e.commit(ctx, "B").Hash().String()
	want := e.tableHashes(ctx)
	e.checkout(ctx, "main")
	stmts := e.applyPatch(ctx, a, b)
	require.Equal(t, []string{
		"ALTER TABLE `p` DROP PRIMARY KEY;",
		"ALTER TABLE `p` ADD PRIMARY KEY (`a`,`b`);",
		"DELETE FROM `p`;",
		"INSERT INTO `p` (`a`,`b`,`v`) VALUES (1,1,1);",
		"INSERT INTO `p` (`a`,`b`,`v`) VALUES (2,2,9);",
	}, stmts)
	require.Equal(t, want, e.tableHashes(ctx))
}

func TestPatchWorkingSet(t *testing.T) {
	e, ctx, _, _ := diffFixture(t)
	e.exec(ctx, "INSERT INTO t VALUES (9,'z',NULL)")
	require.Equal(t, []string{"1|" + "WORKING|t|data|INSERT INTO `t` (`id`,`name`,`n`) VALUES (9,'z',NULL);"},
		fmtRows(e.rows(ctx, "SELECT statement_order, to_commit_hash, table_name, diff_type, statement FROM dsql_patch('HEAD', 'WORKING')")))
	_, err := e.query(ctx, "SELECT * FROM dsql_patch('HEAD')")
	require.Error(t, err)
	_, err = e.query(ctx, "SELECT * FROM dsql_patch('nosuch', 'HEAD')")
	require.Error(t, err)
}
