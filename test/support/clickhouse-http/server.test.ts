/** The chDB-backed ClickHouse HTTP test server, driven by @clickhouse/client and raw HTTP from another process. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouseServer, type ClickHouseServerProcess } from './process.js';

let server: ClickHouseServerProcess;
let writer: ClickHouseClient;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ch-http-test-'));
const auth = { username: 'closeloop', password: 's3cret' };

beforeAll(async () => {
  server = await startClickHouseServer({
    dataDir,
    user: auth.username,
    password: auth.password,
  });
  writer = createClient({ url: server.url, ...auth });
  await writer.command({ query: 'CREATE DATABASE IF NOT EXISTS t' });
  await writer.command({
    query:
      'CREATE TABLE IF NOT EXISTS t.rows (id String, n UInt32) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100',
  });
});
afterAll(async () => {
  await writer?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const raw = (query: string, init: RequestInit & { user?: string; password?: string } = {}) =>
  fetch(`${server.url}/?${query}`, {
    method: 'POST',
    ...init,
    headers: {
      authorization: `Basic ${Buffer.from(`${init.user ?? auth.username}:${init.password ?? auth.password}`).toString('base64')}`,
      ...init.headers,
    },
  });

describe('ClickHouse HTTP test server', () => {
  it('answers /ping and GET / with Ok.', async () => {
    expect(await (await fetch(`${server.url}/ping`)).text()).toBe('Ok.\n');
    expect(await (await fetch(`${server.url}/`)).text()).toBe('Ok.\n');
    expect((await writer.ping()).success).toBe(true);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it('binds param_* as a server does: escaped scalars, quoted arrays, typed numbers and times', async () => {
    const rs = await writer.query({
      query:
        "SELECT {s:String} AS s, {a:Array(String)} AS a, {n:UInt32} + 1 AS n, toString({d:DateTime64(3, 'UTC')}) AS d",
      query_params: { s: "tab\there 'quoted' back\\slash\nline", a: ["x'y", 'z'], n: 41, d: '2026-01-02 03:04:05.678' },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([
      { s: "tab\there 'quoted' back\\slash\nline", a: ["x'y", 'z'], n: 42, d: '2026-01-02 03:04:05.678' },
    ]);
  });

  it('inserts JSONEachRow bodies with the query in the URL, and deduplicates a retried batch by token', async () => {
    const body = '{"id":"a","n":1}\n{"id":"b","n":2}\n';
    for (let i = 0; i < 2; i++) {
      const res = await writer.exec({
        query: "INSERT INTO t.rows SETTINGS insert_deduplication_token = 'batch-1' FORMAT JSONEachRow",
        values: Readable.from([body]),
      });
      res.stream.resume();
    }
    await writer.insert({ table: 't.rows', values: [{ id: 'c', n: 3 }], format: 'JSONEachRow' });
    const rs = await writer.query({ query: 'SELECT id, n FROM t.rows ORDER BY id', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
      { id: 'c', n: 3 },
    ]);
  });

  it("keeps a read-only client's settings to its own requests", async () => {
    const ro = createClient({
      url: server.url,
      ...auth,
      database: 't',
      clickhouse_settings: { max_result_rows: '1000', result_overflow_mode: 'throw', readonly: '1' },
    });
    try {
      const rs = await ro.query({ query: 'SELECT count() AS c FROM rows', format: 'JSONEachRow' });
      expect(await rs.json()).toEqual([{ c: 3 }]); // ClickHouse 26: output_format_json_quote_64bit_integers = 0
      await expect(ro.command({ query: 'DROP TABLE rows' })).rejects.toMatchObject({ code: '164', type: 'READONLY' });
      // The writer, on its own session, still writes.
      await writer.command({ query: 'CREATE TABLE IF NOT EXISTS t.other (x UInt8) ENGINE = MergeTree ORDER BY x' });
      await writer.command({ query: 'DROP TABLE t.other' });
    } finally {
      await ro.close();
    }
  });

  it("starts each request clean: a failed query's output never reaches the next result", async () => {
    const limited = createClient({
      url: server.url,
      ...auth,
      clickhouse_settings: { max_result_rows: '10', result_overflow_mode: 'throw', readonly: '1' },
    });
    try {
      await expect(
        limited.query({ query: 'SELECT number FROM numbers(200000)', format: 'JSONEachRow' }),
      ).rejects.toMatchObject({ code: '396' });
      const rs = await limited.query({ query: 'SELECT 42 AS x', format: 'JSONEachRow' });
      expect(await rs.json()).toEqual([{ x: 42 }]);
    } finally {
      await limited.close();
    }
  });

  it('does not let SET or USE stick to a pooled session', async () => {
    await writer.command({ query: 'SET readonly = 1' });
    await writer.command({ query: 'USE t' });
    await writer.command({ query: 'CREATE TABLE IF NOT EXISTS default.after_set (x UInt8) ENGINE = Memory' });
    const rs = await writer.query({ query: 'SELECT currentDatabase() AS db', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ db: 'default' }]);
  });

  it('maps exception codes to ClickHouse statuses, with the code header and body', async () => {
    const cases: [string, number, string][] = [
      ['SELEC 1', 400, '62'],
      ['SELECT * FROM t.missing', 404, '60'],
      ['SELECT throwIf(1)', 500, '395'],
      ['SELECT 1; DROP TABLE t.rows', 400, '62'], // one statement per request, as on a server
    ];
    for (const [sql, status, code] of cases) {
      const res = await raw('', { body: sql });
      expect(res.status, sql).toBe(status);
      expect(res.headers.get('x-clickhouse-exception-code')).toBe(code);
      expect(await res.text()).toMatch(new RegExp(`^Code: ${code}\\. DB::Exception: `));
    }
    expect(await (await raw('', { body: 'SELECT 5;' })).text()).toBe('5\n'); // a trailing semicolon is fine
    await expect(writer.query({ query: 'SELECT * FROM t.missing' })).rejects.toMatchObject({
      code: '60',
      type: 'UNKNOWN_TABLE',
    });
  });

  it('refuses wrong credentials (403, 516) over Basic, X-ClickHouse-User/Key and user/password', async () => {
    const bad = await raw('', { body: 'SELECT 1', password: 'wrong' });
    expect(bad.status).toBe(403);
    expect(bad.headers.get('x-clickhouse-exception-code')).toBe('516');
    const headers = await fetch(`${server.url}/`, {
      method: 'POST',
      body: 'SELECT 1',
      headers: { 'X-ClickHouse-User': auth.username, 'X-ClickHouse-Key': auth.password },
    });
    expect(await headers.text()).toBe('1\n');
    const params = await fetch(`${server.url}/?user=${auth.username}&password=nope`, {
      method: 'POST',
      body: 'SELECT 1',
    });
    expect(params.status).toBe(403);
    const none = await fetch(`${server.url}/`, { method: 'POST', body: 'SELECT 1' });
    expect(none.status).toBe(403);
    await expect(
      createClient({ url: server.url, username: auth.username, password: 'x' }).query({ query: 'SELECT 1' }),
    ).rejects.toMatchObject({ code: '516' });
  });

  it('returns the query id and summary headers, and makes GET read-only', async () => {
    const res = await raw('query_id=my-query', { body: 'SELECT 1 FORMAT JSONEachRow' });
    expect(res.headers.get('x-clickhouse-query-id')).toBe('my-query');
    expect(JSON.parse(res.headers.get('x-clickhouse-summary')!)).toMatchObject({
      read_rows: expect.any(String),
      elapsed_ns: expect.any(String),
    });
    const get = await raw(`query=${encodeURIComponent('CREATE TABLE t.via_get (x UInt8) ENGINE = Memory')}`, {
      method: 'GET',
    });
    expect(get.headers.get('x-clickhouse-exception-code')).toBe('164');
  });

  it('takes gzip request bodies and compresses responses only when asked', async () => {
    const zipped = await raw('', { body: gzipSync('SELECT 7'), headers: { 'content-encoding': 'gzip' } });
    expect(await zipped.text()).toBe('7\n');
    const plain = await raw('', { body: 'SELECT 8', headers: { 'accept-encoding': 'gzip' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const asked = await raw('enable_http_compression=1', { body: 'SELECT 9', headers: { 'accept-encoding': 'gzip' } });
    expect(asked.headers.get('content-encoding')).toBe('gzip');
    expect(await asked.text()).toBe('9\n'); // fetch decodes gzip itself
    const client = createClient({ url: server.url, ...auth, compression: { request: true, response: true } });
    try {
      await client.insert({ table: 't.rows', values: [{ id: 'z', n: 9 }], format: 'JSONEachRow' });
      const rs = await client.query({ query: "SELECT n FROM t.rows WHERE id = 'z'", format: 'JSONEachRow' });
      expect(await rs.json()).toEqual([{ n: 9 }]);
    } finally {
      await client.close();
    }
    expect(gunzipSync(gzipSync('ok')).toString()).toBe('ok');
  });
});

describe('query parameters the collector binds', () => {
  it('handles Array(UUID), Array(Date), Identifier and nested quotes', async () => {
    const rs = await writer.query({
      query:
        'SELECT {ids:Array(UUID)} AS ids, {days:Array(Date)} AS days, {tags:Array(String)} AS tags, max({col:Identifier}) AS top FROM t.rows',
      query_params: {
        ids: ['11111111-1111-4111-8111-111111111111'],
        days: ['2026-01-01'],
        tags: ["a'b\\c", 'tab\there', ''],
        col: 'n',
      },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([
      {
        ids: ['11111111-1111-4111-8111-111111111111'],
        days: ['2026-01-01'],
        tags: ["a'b\\c", 'tab\there', ''],
        top: expect.any(Number),
      },
    ]);
  });
});
