/**
 * The analyst SQL sandbox, attacked through the real endpoint (`POST /v1/query`, real app, real
 * ClickHouse): every hostile query is refused with a coded 4xx, and the file system shows it — no
 * target file appears, and canary secrets (one in a temp dir, one in DATA_DIR) are in no answer.
 * The documented analyst queries still run, through the endpoint and `closeloop sql`.
 *
 * `STORES` lists the storage modes to run against; a ClickHouse-server mode (CLICKHOUSE_URL)
 * is one more entry once a test server exists.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import type { Config } from '../base/config.js';
import { ADMIN_TOKEN, testApp, testConfig } from '../app/test-support.js';

const STORES: { name: string; config: () => Config }[] = [{ name: 'embedded chDB', config: () => testConfig() }];

const root = path.resolve(import.meta.dirname, '../../..');

/** SQL blocks of the analyst docs, one statement each (a blank line separates two in one block). */
function documentedQueries(): string[] {
  const out: string[] = [];
  for (const doc of ['analysts.md', 'crm.md', 'attribution.md', 'privacy.md']) {
    const text = readFileSync(path.join(root, 'docs', doc), 'utf8');
    for (const m of text.matchAll(/```sql\n([\s\S]*?)```/g))
      out.push(
        ...m[1]!
          .split(/\n\s*\n/)
          .map((s) => s.trim())
          .filter(Boolean),
      );
  }
  return out;
}

describe.each(STORES)('the query sandbox ($name)', ({ config: makeConfig }) => {
  let app: FastifyInstance;
  let config: Config;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'closeloop-sandbox-'));
  const secret = `canary-${randomBytes(16).toString('hex')}`;
  const canary = path.join(tmp, 'canary.txt');
  let dataCanary = '';
  const targets: string[] = [];
  const target = (name: string) => {
    const p = path.join(tmp, `${name}-${randomBytes(4).toString('hex')}`);
    targets.push(p);
    return p;
  };
  const answers: string[] = [];

  beforeAll(async () => {
    config = makeConfig();
    writeFileSync(canary, `${secret}\n`);
    dataCanary = path.join(config.dataDir, 'canary.txt');
    writeFileSync(dataCanary, `${secret}\n`);
    app = await testApp(config);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const query = async (sql: string, params?: Record<string, string | number>) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/query',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { sql, ...(params ? { params } : {}) },
    });
    answers.push(res.body);
    return res;
  };
  const refused = async (sql: string, code?: string, params?: Record<string, string | number>) => {
    const res = await query(sql, params);
    const body = res.json() as { code: string; message: string };
    expect(res.statusCode, `${sql} → ${res.statusCode} ${res.body}`).toBeGreaterThanOrEqual(400);
    expect(res.statusCode, `${sql} → ${res.body}`).toBeLessThan(500);
    expect(body.code).toMatch(/^CL_QUERY_/);
    if (code) expect(body.code, `${sql} → ${res.body}`).toBe(code);
    expect(res.body).not.toContain(secret);
    return body;
  };

  const reads = (p: string) => [
    `SELECT length(file('${p}')) AS n`,
    `SELECT file('${p}') AS f`,
    `select FILE('${p}')`,
    `SELECT \`file\`('${p}')`,
    `SELECT "file"('${p}')`,
    `SELECT/**/file/**/('${p}')`,
    `SELECT -- comment\nfile('${p}')`,
    `SELECT # comment\n file('${p}')`,
    `SELECT\u00a0file('${p}')`,
    `SELECT\n\tfile(\n'${p}'\n)`,
    `SELECT ｆｉｌｅ('${p}')`,
    `ＳＥＬＥＣＴ file('${p}')`,
    `SELECT (SELECT file('${p}'))`,
    `SELECT * FROM (SELECT file('${p}') AS f)`,
    `WITH (SELECT file('${p}')) AS f SELECT f`,
    `WITH t AS (SELECT file('${p}') AS f) SELECT * FROM t`,
    `WITH f AS (SELECT 1) SELECT 1 UNION ALL SELECT length(file('${p}'))`,
    `SELECT arrayMap(x -> file(x), ['${p}'])`,
    `SELECT arrayMap(x -> arrayMap(y -> file(y), [x]), ['${p}'])`,
    `SELECT 1 WHERE file('${p}') != ''`,
    `SELECT count() FROM events WHERE name IN (SELECT file('${p}'))`,
    `SELECT * APPLY file FROM (SELECT '${p}' AS x)`,
    `SELECT COLUMNS('x') APPLY(file) FROM (SELECT '${p}' AS x)`,
    `SELECT * FROM file('${p}', 'LineAsString')`,
    `SELECT * FROM FILE('${p}', 'LineAsString')`,
    `SELECT * FROM events AS e JOIN file('${p}', 'LineAsString') AS f ON 1 = 1`,
    `SELECT * FROM (SELECT * FROM file('${p}', 'LineAsString'))`,
    `SELECT * FROM fileCluster('default', '${p}', 'LineAsString')`,
    `SELECT * FROM filesystem('${path.dirname(p)}')`,
    `SELECT * FROM format(LineAsString, (SELECT file('${p}')))`,
    `SELECT catboostEvaluate('${p}', 1)`,
    `DESCRIBE file('${p}', 'LineAsString')`,
    `EXPLAIN SELECT file('${p}')`,
    `SELECT 1; SELECT file('${p}')`,
  ];

  it('refuses every way of reading a file, and no answer holds the canary secret', async () => {
    for (const p of [
      '/etc/shadow',
      '/etc/passwd',
      '/proc/self/environ',
      canary,
      dataCanary,
      'canary.txt',
      `../${path.basename(tmp)}/canary.txt`,
    ]) {
      for (const sql of reads(p)) await refused(sql);
    }
    // A parameter names the file: refused by the function, whatever the value.
    await refused('SELECT file({p:String})', 'CL_QUERY_NOT_ALLOWED', { p: canary });
    const scalar = await refused(`SELECT length(file('/etc/shadow')) AS n`, 'CL_QUERY_NOT_ALLOWED');
    expect(scalar.message).toMatch(/file\(\)/);
    await refused(`SELECT * FROM file('${canary}', 'LineAsString')`, 'CL_QUERY_NOT_ALLOWED');
    await refused(`SELECT arrayMap(x -> file(x), ['${canary}'])`, 'CL_QUERY_NOT_ALLOWED');
    await refused(`SELECT * APPLY file FROM (SELECT '${canary}' AS x)`, 'CL_QUERY_NOT_ALLOWED');
  });

  it('refuses INTO OUTFILE in every form (the `; --` trick too), and no file is created', async () => {
    const js = "console.log('pwned')";
    for (const sql of [
      `SELECT 1 INTO OUTFILE '${target('plain')}'`,
      `SELECT '${js}' INTO OUTFILE '${target('cli')}' TRUNCATE FORMAT RawBLOB; --`,
      `SELECT '${js}' INTO OUTFILE '${target('cli2')}' TRUNCATE FORMAT RawBLOB;`,
      `SELECT 1 INTO OUTFILE '${target('append')}' APPEND`,
      `SELECT 1 INTO OUTFILE '${target('stdout')}' AND STDOUT`,
      `SELECT 1 INTO OUTFILE '${target('gz')}' COMPRESSION 'gzip'`,
      `select 1 into outfile '${target('lower')}'`,
      `SELECT 1 /* x */ INTO/**/OUTFILE '${target('comment')}'`,
      `WITH x AS (SELECT 1) SELECT * FROM x INTO OUTFILE '${target('cte')}'`,
      `SELECT 1 UNION ALL SELECT 2 INTO OUTFILE '${target('union')}'`,
      `SELECT 1 INTO OUTFILE '${target('tail')}' --`,
      `SELECT 1 INTO OUTFILE '${target('nbsp')}'\u00a0FORMAT\u00a0TSV`,
      `INSERT INTO FUNCTION file('${target('insert')}', 'LineAsString') SELECT 'x'`,
      `SELECT * FROM events INTO OUTFILE '${target('events')}' FORMAT JSONEachRow SETTINGS readonly = 0`,
    ]) {
      await refused(sql);
    }
    await refused(`SELECT 1 INTO OUTFILE '${target('coded')}'`, 'CL_QUERY_NOT_ALLOWED');
    await refused(`SELECT 1 INTO OUTFILE '${target('coded2')}' TRUNCATE FORMAT RawBLOB; --`, 'CL_QUERY_NOT_ALLOWED');
    for (const p of targets) expect(existsSync(p), p).toBe(false);
  });

  it('refuses FORMAT and SETTINGS overrides and anything after the statement', async () => {
    for (const sql of [
      'SELECT 1 FORMAT TSV',
      'SELECT 1 FORMAT Native',
      'SELECT 1 FORMAT JSON',
      'select 1 format CSV; --',
      'SELECT 1 SETTINGS readonly = 0',
      'SELECT 1 SETTINGS max_result_rows = 0',
      'SELECT 1 SETTINGS max_execution_time = 0, max_memory_usage = 0',
      'SELECT * FROM (SELECT 1 SETTINGS readonly = 0)',
      'SELECT 1 FORMAT JSON SETTINGS readonly = 0',
      'WITH 1 AS x SELECT x SETTINGS allow_introspection_functions = 1',
    ]) {
      await refused(sql, 'CL_QUERY_NOT_ALLOWED');
    }
    for (const sql of [
      'SELECT 1; SELECT 2',
      'SELECT 1; DROP TABLE events',
      'SELECT 1;; SELECT 2',
      "SELECT 1; INSERT INTO sites (site_id) VALUES ('x')",
    ]) {
      await refused(sql, 'CL_QUERY_MULTI_STATEMENT');
    }
    for (const sql of [
      'SET readonly = 0',
      "INSERT INTO sites (site_id) VALUES ('x')",
      'DROP TABLE events',
      'TRUNCATE TABLE events',
      'ALTER TABLE events DELETE WHERE 1',
      'CREATE TABLE x (a Int) ENGINE = Memory',
      "CREATE TABLE x (a String) ENGINE = File(LineAsString, '/etc/passwd')",
      'SYSTEM SHUTDOWN',
      'SHOW TABLES',
      'DESCRIBE TABLE events',
      'EXPLAIN SELECT 1',
      'KILL QUERY WHERE 1',
      "BACKUP TABLE events TO File('x')",
      'OPTIMIZE TABLE events',
      'USE system',
    ]) {
      await refused(sql, 'CL_QUERY_NOT_ALLOWED');
    }
    // The statement that runs is the one checked: nothing the client appends can follow a comment.
    expect((await query('SELECT 1 AS one --')).json()).toMatchObject({ rows: [{ one: 1 }] });
    expect((await query('SELECT 1 AS one; --')).json()).toMatchObject({ rows: [{ one: 1 }] });
  });

  it("refuses every table function that reads files, URLs, other servers or databases (ClickHouse's own list)", async () => {
    const listed = (await query('SELECT name FROM system.table_functions ORDER BY name')).json() as {
      rows: { name: string }[];
    };
    const names = listed.rows.map((r) => r.name);
    for (const must of [
      'file',
      'url',
      's3',
      's3Cluster',
      'hdfs',
      'azureBlobStorage',
      'remote',
      'remoteSecure',
      'cluster',
      'mysql',
      'postgresql',
      'mongodb',
      'redis',
      'sqlite',
      'odbc',
      'jdbc',
      'executable',
      'input',
      'gcs',
      'iceberg',
      'deltaLake',
      'hudi',
      'dictionary',
      'merge',
      'urlCluster',
    ]) {
      expect(names).toContain(must);
    }
    const url = 'http://127.0.0.1:9/x';
    for (const name of names) {
      // view(), viewExplain() … take a subquery: a string there is a syntax error, the subquery form is refused.
      const body = await refused(`SELECT * FROM \`${name}\`('${url}', 'LineAsString', 'line String')`);
      const subquery = name === 'viewIfPermitted' ? "SELECT 1 ELSE null('x UInt8')" : 'SELECT 1';
      if (body.code === 'CL_QUERY_FAILED')
        await refused(`SELECT * FROM \`${name}\`(${subquery})`, 'CL_QUERY_NOT_ALLOWED');
      else expect(body).toMatchObject({ code: 'CL_QUERY_NOT_ALLOWED', message: expect.stringContaining(name) });
      const takesSubquery = body.code === 'CL_QUERY_FAILED';
      await refused(
        `SELECT count() FROM (SELECT * FROM \`${name}\`('${canary}'))`,
        takesSubquery ? undefined : 'CL_QUERY_NOT_ALLOWED',
      );
      if (name !== 'format') await refused(`SELECT \`${name}\`('${canary}')`, 'CL_QUERY_NOT_ALLOWED');
      await refused(`SELECT 1 FROM events WHERE name IN ${name}('${canary}')`); // a syntax error for keywords (null, values)
    }
    for (const sql of [
      `SELECT * FROM url('${url}', LineAsString)`,
      `SELECT * FROM remote('127.0.0.1:9', system.one)`,
      `SELECT * FROM executable('cat ${canary}', LineAsString, 'x String')`,
      `SELECT * FROM mysql('127.0.0.1:9', 'db', 't', 'u', 'p')`,
      `SELECT * FROM s3('${url}')`,
    ]) {
      await refused(sql, 'CL_QUERY_NOT_ALLOWED');
    }
  });

  it('refuses functions that reach other tables, dictionaries or the server by name', async () => {
    for (const sql of [
      "SELECT joinGet('system.users', 'name', 1)",
      "SELECT dictGet('d', 'a', 1)",
      "SELECT dictGetString('d', 'a', toUInt64(1))",
      "SELECT hasColumnInTable('system', 'users', 'name')",
      "SELECT getServerSetting('user_files_path')",
      'SELECT addressToSymbol(1)',
      'SELECT sleepEachRow(3) FROM numbers(100)',
      'SELECT filesystemAvailable()',
      "SELECT __getScalar('x')",
      "SELECT aiGenerate('say hi')",
      "SELECT AIEmbed('x')",
      "SELECT aiClassify('x', ['a'])",
    ]) {
      await refused(sql, 'CL_QUERY_NOT_ALLOWED');
    }
  });

  it('reads closeloop tables and metadata only: other system tables and databases are refused', async () => {
    for (const sql of [
      'SELECT * FROM system.query_log',
      'SELECT query FROM system.processes',
      'SELECT * FROM system.server_settings',
      'SELECT * FROM system.named_collections',
      'SELECT * FROM system.users',
      'SELECT * FROM `system`.`disks`',
      'SELECT * FROM system.settings',
      'SELECT 1 FROM events WHERE name IN system.users',
      'SELECT * FROM default.t',
      'SELECT * FROM events AS e JOIN system.processes AS p ON 1 = 1',
      'WITH q AS (SELECT * FROM system.text_log) SELECT * FROM q',
      'SELECT (SELECT count() FROM system.query_log)',
    ]) {
      await refused(sql, 'CL_QUERY_NOT_ALLOWED');
    }
    await refused('SELECT * FROM {t:Identifier}', 'CL_QUERY_NOT_ALLOWED', { t: 'system.query_log' });
    await refused('SELECT 1 FROM events WHERE name IN {t:Identifier}', 'CL_QUERY_NOT_ALLOWED', { t: 'system.users' });
    // Newlines in a back-quoted alias print as fake lines of the tree: they can only refuse more.
    await refused("SELECT file('/etc/passwd') AS `x\n    Function plus`", 'CL_QUERY_NOT_ALLOWED');
    await refused('SELECT 1 FROM system.query_log AS `x\n      TableIdentifier events`', 'CL_QUERY_NOT_ALLOWED');
  });

  it("shows a syntax error as ClickHouse words it, without the sandbox's own wrapper", async () => {
    const body = await refused('SELEC 1', 'CL_QUERY_FAILED');
    expect(body.message).toMatch(/Syntax error/);
    expect(body.message).not.toMatch(/formatQuery|In scope|EXPLAIN/);
    const missing = await refused('SELECT {p:String}', 'CL_QUERY_FAILED');
    expect(missing.message).not.toMatch(/EXPLAIN AST/);
    const unknown = await refused('SELECT * FROM no_such_table', 'CL_QUERY_FAILED');
    expect(unknown.message).toMatch(/no_such_table/);
  });

  it('runs the documented analyst queries (CTEs, joins, arrays, parameters) through the endpoint and `closeloop sql`', async () => {
    const docs = documentedQueries();
    expect(docs.length).toBeGreaterThanOrEqual(6);
    for (const sql of docs) {
      const res = await query(sql);
      expect(res.statusCode, `${sql}\n→ ${res.body}`).toBe(200);
    }
    const legit: [string, Record<string, string | number>?][] = [
      [
        'WITH s AS (SELECT site_id, count() AS n FROM events GROUP BY site_id) SELECT s.site_id, s.n, si.name FROM s LEFT JOIN sites AS si ON si.site_id = s.site_id ORDER BY s.n DESC',
      ],
      ['SELECT arrayJoin([1, 2, 3]) AS x, arrayMap(y -> y * x, [1, 2]) AS m, arrayFilter(z -> z > 1, [1, 2, 3]) AS f'],
      [
        'SELECT count() AS n FROM events WHERE site_id = {site:String} AND ts >= now() - INTERVAL {days:UInt32} DAY',
        { site: 'demo', days: 30 },
      ],
      ['SELECT number AS n FROM system.numbers LIMIT 3 UNION ALL SELECT 9 AS n'],
      ["SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = 'events' LIMIT 3"],
      ['SELECT table_name FROM information_schema.tables WHERE table_schema = currentDatabase() LIMIT 1'],
      ["SELECT 'file(/etc/passwd) INTO OUTFILE' AS text, lower('FORMAT JSON') AS f, format('{} {}', 'a', 'b') AS fmt"],
      ['SELECT e.site_id, count() OVER (PARTITION BY e.site_id) AS c FROM closeloop.events AS e LIMIT 1'],
    ];
    for (const [sql, params] of legit) {
      const res = await query(sql, params);
      expect(res.statusCode, `${sql}\n→ ${res.body}`).toBe(200);
    }
    expect((await query('SELECT {a:String} AS a, {n:UInt8} + 1 AS n', { a: "it's", n: 1 })).json()).toMatchObject({
      rows: [{ a: "it's", n: 2 }],
    });

    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const env = {
      CLOSELOOP_DATA_DIR: config.dataDir,
      CLOSELOOP_ADMIN_TOKEN: ADMIN_TOKEN,
      CLOSELOOP_URL: `http://127.0.0.1:${port}`,
    };
    for (const sql of docs.slice(0, 3)) {
      const out: string[] = [];
      expect(await main(['sql', sql, '--json'], env, (s) => out.push(s) > 0)).toBe(0);
      expect(() => JSON.parse(out.join('\n'))).not.toThrow();
    }
    await expect(main(['sql', `SELECT file('${canary}')`], env, () => true)).rejects.toMatchObject({
      code: 'CL_QUERY_NOT_ALLOWED',
    });
  });

  it('pins why the parse tree is the only wall in embedded mode: chDB itself reads any path (docs/security.md)', async () => {
    // clickhouse-local (chDB) does not confine file() to user_files_path, in any session — the
    // writer's included. If this starts to fail, chDB confines it now: point user_files_path at an
    // empty directory for the embedded store and update "The query sandbox" in docs/security.md.
    if (app.db.kind !== 'embedded') return;
    const [row] = await app.db.query<{ f: string }>('SELECT file({p:String}) AS f', { p: canary });
    expect(row!.f).toContain(secret);
  });

  it('no answer of the whole run held a canary secret, and the canaries are unchanged', () => {
    expect(answers.length).toBeGreaterThan(300);
    for (const a of answers) expect(a).not.toContain(secret);
    expect(readFileSync(canary, 'utf8')).toBe(`${secret}\n`);
    expect(readFileSync(dataCanary, 'utf8')).toBe(`${secret}\n`);
    for (const p of targets) expect(existsSync(p), p).toBe(false);
  });
});
