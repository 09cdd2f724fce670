/**
 * Analyst and share tokens through the real app and store: who may create, list and revoke them,
 * what each may call (and the 403 for what it may not), a revoked token refused at once, tokens
 * kept only as hashes, and the `closeloop tokens` commands over HTTP.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { tokenHash } from '../plugins/tokens.js';
import { ADMIN_TOKEN, CHROME_UA, batch, pageview, testApp, testConfig } from '../app/test-support.js';

type Created = { id: string; kind: string; name: string; site: string | null; token: string; created_at: string };
type Site = { site_id: string; public_key: string; secret_key: string };

let app: FastifyInstance;
let dataDir: string;
let siteA: Site;
let siteB: Site;
const issued: string[] = [];

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string | undefined, payload?: unknown) =>
  app.inject({
    method,
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'user-agent': CHROME_UA },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

const create = async (body: object, token = ADMIN_TOKEN) => {
  const res = await call('POST', '/v1/admin/tokens', token, body);
  expect(res.statusCode, res.body).toBe(201);
  const t = res.json() as Created;
  issued.push(t.token);
  return t;
};

beforeAll(async () => {
  const config = testConfig({ CLOSELOOP_DEMO: 'false' });
  dataDir = config.dataDir;
  app = await testApp(config);
  siteA = (await call('POST', '/v1/admin/sites', ADMIN_TOKEN, { domain: 'a.example' })).json();
  siteB = (await call('POST', '/v1/admin/sites', ADMIN_TOKEN, { domain: 'b.example' })).json();
});
afterAll(async () => {
  await app?.close();
});

const range = 'from=2026-01-01&to=2026-12-01';
const reportUrls = (site?: string) => {
  const s = site ? `&site=${site}` : '';
  return [
    `/v1/attribution?${range}${s}`,
    `/v1/attribution/compare?${range}${s}`,
    `/v1/attribution/roi?${range}${s}`,
    `/v1/reports/overview?${range}${s}`,
    `/v1/reports/funnel?${range}${s}`,
  ];
};
/** Everything that writes, exports, or administers: no read-only token may call it. */
const writes = (site: string): ['POST' | 'PATCH' | 'GET' | 'DELETE', string, unknown?][] => [
  ['POST', '/v1/conversions', { site, record_id: 'r1', email: 'ada@example.com', stage: 'lead', ts: '2026-11-01' }],
  [
    'POST',
    '/v1/costs',
    { site, date: '2026-11-01', source: 'google', medium: 'cpc', campaign: 'c', amount: 1, currency: 'EUR' },
  ],
  ['POST', '/v1/privacy/export', { site, email: 'ada@example.com' }],
  ['POST', '/v1/privacy/erase', { site, email: 'ada@example.com' }],
  ['GET', '/v1/admin/sites'],
  ['POST', '/v1/admin/sites', { domain: 'c.example' }],
  ['PATCH', `/v1/admin/sites/${site}`, { name: 'x' }],
  ['POST', '/v1/admin/backup', { dir: '/tmp/closeloop-never' }],
  ['POST', '/v1/admin/tokens', { kind: 'analyst', name: 'escalate' }],
  ['POST', '/v1/admin/tokens', { kind: 'share', name: 'escalate', site }],
  ['GET', '/v1/admin/tokens'],
];

describe('analyst and share tokens', () => {
  it('creates them with the admin token, shows the token once, with its prefix and kind', async () => {
    const analyst = await create({ kind: 'analyst', name: 'Ada (analyst)' });
    expect(analyst).toMatchObject({
      kind: 'analyst',
      name: 'Ada (analyst)',
      site: null,
      id: expect.any(String),
      created_at: expect.any(String),
    });
    expect(analyst.token).toMatch(/^at_[A-Za-z0-9_-]{32}$/);
    const share = await create({ kind: 'share', name: 'Board', site: siteA.site_id });
    expect(share).toMatchObject({ kind: 'share', site: 'a.example' });
    expect(share.token).toMatch(/^sh_[A-Za-z0-9_-]{32}$/);
    const list = await call('GET', '/v1/admin/tokens', ADMIN_TOKEN);
    expect(list.json().tokens).toEqual(
      expect.arrayContaining([
        { id: analyst.id, kind: 'analyst', name: 'Ada (analyst)', site: null, created_at: analyst.created_at },
      ]),
    );
    for (const t of issued) expect(list.body).not.toContain(t);
    expect(list.body).not.toContain(tokenHash(analyst.token));
    // Bad requests: a share token needs an existing site, an analyst token takes none.
    expect((await call('POST', '/v1/admin/tokens', ADMIN_TOKEN, { kind: 'share', name: 'x' })).json()).toMatchObject({
      statusCode: 400,
      code: 'CL_INVALID_REQUEST',
    });
    expect(
      (await call('POST', '/v1/admin/tokens', ADMIN_TOKEN, { kind: 'share', name: 'x', site: 'nope.example' })).json(),
    ).toMatchObject({ statusCode: 404, code: 'CL_UNKNOWN_SITE' });
    expect(
      (await call('POST', '/v1/admin/tokens', ADMIN_TOKEN, { kind: 'analyst', name: 'x', site: 'a.example' })).json(),
    ).toMatchObject({ statusCode: 400, code: 'CL_INVALID_REQUEST' });
    expect((await call('POST', '/v1/admin/tokens', ADMIN_TOKEN, { kind: 'root', name: 'x' })).json()).toMatchObject({
      statusCode: 400,
      code: 'CL_INVALID_REQUEST',
    });
    expect(
      (await call('POST', '/v1/admin/tokens', ADMIN_TOKEN, { kind: 'analyst', name: 'x\u001b[2J' })).json(),
    ).toMatchObject({ statusCode: 400, code: 'CL_INVALID_REQUEST', path: 'name' });
  });

  it("lets a site's secret key manage its own share tokens only", async () => {
    const own = await create({ kind: 'share', name: 'from A' }, siteA.secret_key);
    expect(own.site).toBe('a.example');
    expect(
      (
        await call('POST', '/v1/admin/tokens', siteA.secret_key, { kind: 'share', name: 'x', site: siteB.site_id })
      ).json(),
    ).toMatchObject({ statusCode: 403, code: 'CL_FORBIDDEN' });
    expect(
      (await call('POST', '/v1/admin/tokens', siteA.secret_key, { kind: 'analyst', name: 'x' })).json(),
    ).toMatchObject({ statusCode: 403, code: 'CL_FORBIDDEN' });
    const ofB = await create({ kind: 'share', name: 'B board', site: siteB.site_id });
    const listA = (await call('GET', '/v1/admin/tokens', siteA.secret_key)).json() as { tokens: Created[] };
    expect(listA.tokens.length).toBeGreaterThan(0);
    expect(listA.tokens.every((t) => t.site === 'a.example' && t.kind === 'share')).toBe(true);
    expect((await call('GET', `/v1/admin/tokens?site=${siteB.site_id}`, siteA.secret_key)).json()).toMatchObject({
      statusCode: 403,
      code: 'CL_FORBIDDEN',
    });
    // Another site's token is as unknown to A's key as a made-up id.
    expect((await call('DELETE', `/v1/admin/tokens/${ofB.id}`, siteA.secret_key)).json()).toMatchObject({
      statusCode: 404,
      code: 'CL_NOT_FOUND',
    });
    expect((await call('GET', `/v1/reports/overview?${range}`, ofB.token)).statusCode).toBe(200);
    expect((await call('DELETE', `/v1/admin/tokens/${own.id}`, siteA.secret_key)).json()).toEqual({
      id: own.id,
      revoked: true,
    });
    expect((await call('GET', `/v1/reports/overview?${range}`, own.token)).json()).toMatchObject({
      statusCode: 401,
      code: 'CL_UNAUTHORIZED',
    });
  });

  it('an analyst token runs SQL and reads every report and lead of any site, and nothing else (403)', async () => {
    const { token } = await create({ kind: 'analyst', name: 'scopes' });
    const q = await call('POST', '/v1/query', token, {
      sql: 'SELECT count() AS n FROM events WHERE site_id = {s:String}',
      params: { s: 'b.example' },
    });
    expect(q.statusCode, q.body).toBe(200);
    expect((await call('POST', '/v1/query', token, { sql: "SELECT file('/etc/passwd')" })).json()).toMatchObject({
      code: 'CL_QUERY_NOT_ALLOWED',
    });
    // Credential hashes stay with the admin: an analyst cannot read api_tokens in any form.
    for (const sql of [
      'SELECT * FROM api_tokens',
      'SELECT token_hash FROM closeloop.api_tokens',
      "SELECT 1 WHERE 'x' IN api_tokens",
      'SELECT * FROM events WHERE site_id IN (SELECT site_id FROM api_tokens)',
      'WITH t AS (SELECT * FROM api_tokens) SELECT count() FROM t',
    ]) {
      expect((await call('POST', '/v1/query', token, { sql })).json(), sql).toMatchObject({
        statusCode: 403,
        code: 'CL_QUERY_NOT_ALLOWED',
      });
    }
    expect(
      (await call('POST', '/v1/query', ADMIN_TOKEN, { sql: 'SELECT count() AS n FROM api_tokens' })).statusCode,
    ).toBe(200);
    for (const site of ['a.example', 'b.example']) {
      for (const url of reportUrls(site)) expect((await call('GET', url, token)).statusCode, url).toBe(200);
      expect((await call('GET', `/v1/leads?site=${site}&email=nobody@example.com`, token)).json()).toMatchObject({
        code: 'CL_NOT_FOUND',
      });
    }
    expect((await call('GET', reportUrls()[0]!, token)).json()).toMatchObject({
      statusCode: 400,
      code: 'CL_INVALID_REQUEST',
      path: 'site',
    });
    for (const [method, url, body] of writes('a.example')) {
      expect((await call(method, url, token, body)).json(), `${method} ${url}`).toMatchObject({
        statusCode: 403,
        code: 'CL_FORBIDDEN',
      });
    }
    const events = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA, authorization: `Bearer ${token}` },
      payload: JSON.stringify(batch([pageview()], siteA.public_key)),
    });
    expect(events.json()).toMatchObject({ statusCode: 403, code: 'CL_FORBIDDEN' });
  });

  it("a share token reads its one site's attribution and reports: no other site, no leads, no SQL, no writes", async () => {
    const { token } = await create({ kind: 'share', name: 'link', site: siteA.site_id });
    for (const url of [...reportUrls(), ...reportUrls('a.example')])
      expect((await call('GET', url, token)).statusCode, url).toBe(200);
    for (const url of reportUrls('b.example'))
      expect((await call('GET', url, token)).json(), url).toMatchObject({ statusCode: 403, code: 'CL_FORBIDDEN' });
    expect((await call('GET', '/v1/leads?email=ada@example.com', token)).json()).toMatchObject({
      statusCode: 403,
      code: 'CL_FORBIDDEN',
    });
    expect((await call('GET', '/v1/leads/0f8e7d6c-5b4a-8392-a1b0-c9d8e7f6a5b4', token)).json()).toMatchObject({
      statusCode: 403,
      code: 'CL_FORBIDDEN',
    });
    expect((await call('POST', '/v1/query', token, { sql: 'SELECT 1' })).json()).toMatchObject({
      statusCode: 403,
      code: 'CL_FORBIDDEN',
    });
    for (const [method, url, body] of writes('a.example')) {
      expect((await call(method, url, token, body)).json(), `${method} ${url}`).toMatchObject({
        statusCode: 403,
        code: 'CL_FORBIDDEN',
      });
    }
    // Only the header carries it: in the URL it is no credential (URLs end up in logs).
    expect((await call('GET', `${reportUrls()[0]}&share=${token}`, undefined)).json()).toMatchObject({
      statusCode: 401,
      code: 'CL_UNAUTHORIZED',
    });
  });

  it('refuses unknown, malformed and revoked tokens with 401, at once after the revoke', async () => {
    const { id, token } = await create({ kind: 'analyst', name: 'to revoke' });
    expect((await call('POST', '/v1/query', token, { sql: 'SELECT 1' })).statusCode).toBe(200);
    expect((await call('DELETE', `/v1/admin/tokens/${id}`, ADMIN_TOKEN)).json()).toEqual({ id, revoked: true });
    expect((await call('POST', '/v1/query', token, { sql: 'SELECT 1' })).json()).toMatchObject({
      statusCode: 401,
      code: 'CL_UNAUTHORIZED',
    });
    expect((await call('GET', reportUrls('a.example')[0]!, token)).json()).toMatchObject({
      statusCode: 401,
      code: 'CL_UNAUTHORIZED',
    });
    expect((await call('DELETE', `/v1/admin/tokens/${id}`, ADMIN_TOKEN)).json()).toMatchObject({
      statusCode: 404,
      code: 'CL_NOT_FOUND',
    });
    expect((await call('GET', '/v1/admin/tokens', ADMIN_TOKEN)).json().tokens.map((t: Created) => t.id)).not.toContain(
      id,
    );
    for (const bad of [
      `at_${'x'.repeat(32)}`,
      `sh_${'x'.repeat(32)}`,
      token.replace(/^at_/, 'sh_'),
      'at_',
      `${token}x`,
    ]) {
      expect((await call('POST', '/v1/query', bad, { sql: 'SELECT 1' })).json(), bad).toMatchObject({
        statusCode: 401,
        code: 'CL_UNAUTHORIZED',
      });
    }
    expect((await call('POST', '/v1/query', undefined, { sql: 'SELECT 1' })).json()).toMatchObject({
      statusCode: 401,
      code: 'CL_UNAUTHORIZED',
    });
  });

  it('creates, lists and revokes tokens from the CLI, printing the token once', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const env = {
      CLOSELOOP_DATA_DIR: dataDir,
      CLOSELOOP_ADMIN_TOKEN: ADMIN_TOKEN,
      CLOSELOOP_URL: `http://127.0.0.1:${port}`,
    };
    const run = async (...argv: string[]) => {
      const out: string[] = [];
      expect(await main(argv, env, (s) => out.push(s) > 0)).toBe(0);
      return out.join('\n');
    };
    const added = await run('tokens', 'add', '--analyst', '--name', 'cli analyst');
    const token = /\b(at_[\w-]{32})(?![\w-])/.exec(added)?.[1];
    const id = /token ([0-9a-f-]{36})/.exec(added)?.[1];
    expect(token && id).toBeTruthy();
    issued.push(token!);
    expect((await call('POST', '/v1/query', token, { sql: 'SELECT 1' })).statusCode).toBe(200);
    expect(await run('sql', 'SELECT 40 + 2 AS answer', '--key', token!)).toContain('42');
    const share = await run('tokens', 'add', '--share', '--site', 'b.example', '--name', 'cli share');
    issued.push(/\b(sh_[\w-]{32})(?![\w-])/.exec(share)![1]!);
    const listed = await run('tokens', 'list');
    expect(listed).toContain(id);
    expect(listed).toContain('cli share');
    for (const t of issued) expect(listed).not.toContain(t);
    expect(await run('tokens', 'list', '--site', 'b.example')).not.toContain(id);
    expect(await run('tokens', 'revoke', id!)).toContain('revoked');
    expect((await call('POST', '/v1/query', token, { sql: 'SELECT 1' })).statusCode).toBe(401);
    await expect(main(['sql', 'SELECT 1', '--key', token!], env, () => true)).rejects.toMatchObject({
      code: 'CL_UNAUTHORIZED',
    });
    expect(await main(['tokens', 'add', '--name', 'no kind'], env, () => true)).toBe(2);
  });

  it('stores only hashes: no token issued in this run is in any table', async () => {
    expect(issued.length).toBeGreaterThanOrEqual(8);
    const tables = await app.db.query<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = {db:String} AND engine LIKE '%MergeTree%'`,
      { db: app.db.database },
    );
    expect(tables.map((t) => t.name)).toContain('api_tokens');
    for (const { name } of tables) {
      const dump = JSON.stringify(await app.db.query(`SELECT * FROM ${app.db.database}.${name}`));
      for (const t of issued) expect(dump, name).not.toContain(t);
      if (name === 'api_tokens') for (const t of issued) expect(dump).toContain(tokenHash(t));
    }
  });
});

describe('closeloop tokens with no collector running', () => {
  it("opens the store itself: adds, lists and revokes, and checks the share token's site", async () => {
    await app.close();
    const env = {
      CLOSELOOP_DATA_DIR: dataDir,
      CLOSELOOP_ADMIN_TOKEN: ADMIN_TOKEN,
      CLOSELOOP_URL: 'http://127.0.0.1:9',
    };
    const out: string[] = [];
    expect(
      await main(['tokens', 'add', '--share', '--site', 'a.example', '--name', 'offline'], env, (s) => out.push(s) > 0),
    ).toBe(0);
    const id = /token ([0-9a-f-]{36})/.exec(out.join('\n'))![1]!;
    await expect(
      main(['tokens', 'add', '--share', '--site', 'nope.example', '--name', 'x'], env, () => true),
    ).rejects.toMatchObject({ code: 'CL_UNKNOWN_SITE' });
    out.length = 0;
    expect(await main(['tokens', 'list', '--site', 'a.example'], env, (s) => out.push(s) > 0)).toBe(0);
    expect(out.join('\n')).toContain(id);
    expect(await main(['tokens', 'revoke', id], env, () => true)).toBe(0);
    out.length = 0;
    expect(await main(['tokens', 'list'], env, (s) => out.push(s) > 0)).toBe(0);
    expect(out.join('\n')).not.toContain(id);
  });
});
