// mysql2 against dsql sql-server: run by integration-tests/node_test.go as
//   node clients.js '{"host":..., "port":..., "db":..., "user":..., "password":..., "ca":PATH}'
// Every failed check is collected; the last line printed is JSON
// {"versions": {...}, "checks": N, "failures": [...]}.
'use strict';
const fs = require('fs');
const mysql = require('mysql2/promise');

const cfg = JSON.parse(process.argv[2]);
const failures = [];
let checks = 0;

function check(what, cond, detail) {
  checks++;
  if (!cond) failures.push(`${what}: ${detail === undefined ? '' : detail}`);
}

async function step(what, fn) {
  try {
    await fn();
  } catch (e) {
    failures.push(`${what}: ${e && e.stack ? e.stack : e}`);
  }
}

const j = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? x.toString() : x));

async function plain() {
  const c = await mysql.createConnection({
    host: cfg.host, port: cfg.port, user: 'root', database: cfg.db,
    multipleStatements: true, supportBigNumbers: true, bigNumberStrings: true, dateStrings: false, timezone: 'Z',
  });
  try {
    await c.query(`CREATE TABLE items (
      id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL, price DECIMAL(10,2), qty INT UNSIGNED,
      ratio DOUBLE, big BIGINT UNSIGNED, at DATETIME(3), day DATE, doc JSON, raw BLOB, note TEXT, flag BOOLEAN,
      UNIQUE KEY uq_name (name))`);
    // query(): client-side interpolation.
    const [ins] = await c.query('INSERT INTO items (id, name, price, qty, ratio, big, at, day, doc, raw, note, flag) VALUES ?', [[
      [1, 'apple', '1.25', 10, 0.5, '18446744073709551615', new Date(Date.UTC(2024, 1, 29, 12, 30, 45, 123)), '2024-02-29', '{"tags": ["a", "b"]}', Buffer.from([0, 1, 254, 255]), 'héllo 🌍', true],
      [2, 'pear', null, 0, null, null, null, null, null, null, null, false],
    ]]);
    check('query INSERT ... VALUES ? affectedRows', ins.affectedRows === 2, j(ins));
    const [rows, fields] = await c.query('SELECT * FROM items ORDER BY id');
    check('query SELECT rows', rows.length === 2, j(rows));
    const r = rows[0];
    check('DECIMAL as string', r.price === '1.25', j(r.price));
    check('INT UNSIGNED', r.qty === 10, j(r.qty));
    check('DOUBLE', r.ratio === 0.5, j(r.ratio));
    check('BIGINT UNSIGNED max (bigNumberStrings)', r.big === '18446744073709551615', j(r.big));
    check('DATETIME(3) as Date', r.at instanceof Date && r.at.toISOString() === '2024-02-29T12:30:45.123Z', j(r.at));
    check('JSON parsed', r.doc && Array.isArray(r.doc.tags) && r.doc.tags[1] === 'b', j(r.doc));
    check('BLOB as Buffer', Buffer.isBuffer(r.raw) && r.raw.equals(Buffer.from([0, 1, 254, 255])), j(r.raw));
    check('TEXT utf8mb4', r.note === 'héllo 🌍', j(r.note));
    check('BOOLEAN', r.flag === 1, j(r.flag));
    check('NULLs', rows[1].price === null && rows[1].doc === null && rows[1].at === null, j(rows[1]));
    check('field metadata', fields.map((f) => f.name).join(',') === 'id,name,price,qty,ratio,big,at,day,doc,raw,note,flag', j(fields.map((f) => f.name)));

    // execute(): server-side prepared statements (binary protocol), reused with new values.
    for (let i = 3; i <= 12; i++) {
      await c.execute('INSERT INTO items (id, name, price, qty, ratio, at, flag) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [i, `item-${i}`, (i * 1.5).toFixed(2), i, i / 4, new Date(Date.UTC(2024, 0, i)), i % 2 === 0]);
    }
    const [cnt] = await c.execute('SELECT COUNT(*) AS n, SUM(qty) AS q FROM items WHERE id BETWEEN ? AND ?', [3, 12]);
    check('execute SELECT aggregate', Number(cnt[0].n) === 10 && Number(cnt[0].q) === 75, j(cnt));
    const [one] = await c.execute('SELECT id, name, price, ratio, at, raw, doc, big FROM items WHERE id = ?', [1]);
    check('execute binary row', one.length === 1 && one[0].name === 'apple' && one[0].price === '1.25'
      && one[0].ratio === 0.5 && one[0].at.toISOString() === '2024-02-29T12:30:45.123Z'
      && Buffer.isBuffer(one[0].raw) && one[0].raw.length === 4 && one[0].doc.tags.length === 2
      && one[0].big === '18446744073709551615', j(one));
    const [none] = await c.execute('SELECT id FROM items WHERE name = ?', ['nope']);
    check('execute no rows', none.length === 0, j(none));
    const [upd] = await c.execute('UPDATE items SET qty = qty + ? WHERE id > ?', [1, 10]);
    check('execute UPDATE affectedRows', upd.affectedRows === 2, j(upd));
    const [nul] = await c.execute('SELECT COUNT(*) AS n FROM items WHERE price IS NULL OR price = ?', [null]);
    check('execute with a NULL parameter', Number(nul[0].n) === 1, j(nul));
    // An explicit prepare/unprepare cycle.
    const stmt = await c.prepare('SELECT name FROM items WHERE id = ?');
    const [p1] = await stmt.execute([3]);
    const [p2] = await stmt.execute([4]);
    check('prepare + execute twice', p1[0].name === 'item-3' && p2[0].name === 'item-4', j([p1, p2]));
    await stmt.close();

    // Errors carry MySQL's codes.
    try {
      await c.execute('INSERT INTO items (id, name) VALUES (?, ?)', [1, 'dup']);
      check('duplicate key error', false, 'no error');
    } catch (e) {
      check('duplicate key error', e.errno === 1062 && e.code === 'ER_DUP_ENTRY', `${e.errno} ${e.code} ${e.message}`);
    }
    try {
      await c.query('SELECT * FROM no_such_table');
      check('missing table error', false, 'no error');
    } catch (e) {
      check('missing table error', e.errno === 1146, `${e.errno} ${e.message}`);
    }
    // Transactions.
    await c.beginTransaction();
    await c.execute('DELETE FROM items WHERE id = ?', [2]);
    await c.rollback();
    const [after] = await c.query('SELECT COUNT(*) AS n FROM items');
    check('rollback', Number(after[0].n) === 12, j(after));
    // multipleStatements.
    const [multi] = await c.query('SELECT 1 AS a; SELECT 2 AS b');
    check('multiple statements', multi.length === 2 && multi[0][0].a === 1 && multi[1][0].b === 2, j(multi));
    // A version commit and AS OF through prepared statements.
    await c.query("CALL dsql_commit('-Am', 'node items')");
    await c.execute('UPDATE items SET name = ? WHERE id = ?', ['APPLE', 1]);
    const [asof] = await c.execute("SELECT name FROM items AS OF 'HEAD' WHERE id = ?", [1]);
    check('execute AS OF HEAD', asof.length === 1 && asof[0].name === 'apple', j(asof));
    await c.query("CALL dsql_commit('-am', 'rename')");
    await c.query("CALL dsql_branch('feature')");
  } finally {
    await c.end();
  }
}

async function branch() {
  const pool = mysql.createPool({ host: cfg.host, port: cfg.port, user: 'root', database: `${cfg.db}/feature`, connectionLimit: 2 });
  try {
    await pool.execute('INSERT INTO items (id, name) VALUES (?, ?)', [100, 'branch-only']);
    const [b] = await pool.query('SELECT COUNT(*) AS n, DATABASE() AS db, active_branch() AS br FROM items');
    check('pool on db/feature', Number(b[0].n) === 13 && b[0].db === `${cfg.db}/feature` && b[0].br === 'feature', j(b));
  } finally {
    await pool.end();
  }
  const c = await mysql.createConnection({ host: cfg.host, port: cfg.port, user: 'root', database: cfg.db });
  try {
    const [m] = await c.execute('SELECT COUNT(*) AS n FROM items WHERE id = ?', [100]);
    check('main does not see the branch row', Number(m[0].n) === 0, j(m));
  } finally {
    await c.end();
  }
}

async function tls() {
  const ca = fs.readFileSync(cfg.ca);
  // Twice: the first login is caching_sha2_password's full authentication (the password
  // sent over TLS), the second may take the server's fast path.
  for (const attempt of [1, 2]) {
    const c = await mysql.createConnection({
      host: cfg.host, port: cfg.port, user: cfg.user, password: cfg.password, database: cfg.db,
      ssl: { ca, rejectUnauthorized: true },
    });
    try {
      const [u] = await c.query('SELECT CURRENT_USER() AS u');
      check(`TLS login ${attempt} as ${cfg.user}`, String(u[0].u).startsWith(`${cfg.user}@`), j(u));
      const [st] = await c.query("SHOW STATUS LIKE 'Ssl_cipher'");
      check(`TLS ${attempt}: Ssl_cipher is set`, st.length === 1 && st[0].Value !== '', j(st));
      const [r] = await c.execute('SELECT name FROM items WHERE id = ?', [3]);
      check(`TLS ${attempt}: execute`, r.length === 1 && r[0].name === 'item-3', j(r));
    } finally {
      await c.end();
    }
  }
  // A wrong password is refused.
  try {
    const c = await mysql.createConnection({
      host: cfg.host, port: cfg.port, user: cfg.user, password: 'wrong', database: cfg.db, ssl: { ca, rejectUnauthorized: true },
    });
    await c.end();
    check('wrong password refused', false, 'connected');
  } catch (e) {
    check('wrong password refused', e.errno === 1045, `${e.errno} ${e.message}`);
  }
}

(async () => {
  await step('query and execute', plain);
  await step('db/branch', branch);
  await step('TLS caching_sha2_password', tls);
  const versions = { node: process.version, mysql2: require('mysql2/package.json').version };
  console.log(JSON.stringify({ versions, checks, failures }));
})();
