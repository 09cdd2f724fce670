/** The collector end to end inside one process: real Fastify, real embedded ClickHouse (chDB). */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../base/config.js';
import { MIGRATIONS, migrate } from '../schema/migrations.js';
import { ADMIN_TOKEN, CHROME_UA, batch, pageview, sql, testApp, testConfig, touch } from './test-support.js';

let config: Config;
let app: FastifyInstance;

beforeAll(async () => {
  config = testConfig();
  app = await testApp(config);
});
afterAll(async () => {
  await app?.close();
});

const post = (payload: unknown, contentType = 'text/plain') =>
  app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': contentType, 'user-agent': CHROME_UA },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

const countEvents = async (where = '1') =>
  Number((await sql<{ n: string }>(app, `SELECT count() AS n FROM events FINAL WHERE ${where}`))[0]!.n);

describe('POST /v1/events', () => {
  it('stores a campaign visit with its channel, campaign and browser', async () => {
    const t = touch({
      referrer: '',
      landing_url: 'http://localhost/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=launch',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'launch',
    });
    const first = pageview({
      touch: t,
      session_start: true,
      first_touch: t,
      visitor_id: 'aaaaaaaa-0000-4000-8000-000000000001',
      url: 'http://localhost/demo/?utm_source=newsletter',
    });
    const second = pageview({
      touch: t,
      visitor_id: 'aaaaaaaa-0000-4000-8000-000000000001',
      url: 'http://localhost/demo/pricing.html',
      page_referrer: 'http://localhost/demo/',
    });
    const res = await post(batch([first, second]));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 2 });

    // Each row with its session's touch (the view); stored on the session's first row only.
    const rows = await sql(
      app,
      `SELECT path, channel, source, medium, utm_campaign, session_start, browser, os, device_type, is_bot, hostname
      FROM events_with_touch WHERE visitor_id = 'aaaaaaaa-0000-4000-8000-000000000001' ORDER BY ts, path`,
    );
    const stored = await sql(
      app,
      `SELECT channel, utm_campaign, session_start FROM events WHERE visitor_id = 'aaaaaaaa-0000-4000-8000-000000000001' ORDER BY ts, path`,
    );
    expect(stored).toEqual([
      { channel: 'Email', utm_campaign: 'launch', session_start: true },
      { channel: '', utm_campaign: '', session_start: false },
    ]);
    expect(rows).toHaveLength(2);
    for (const r of rows)
      expect(r).toMatchObject({
        channel: 'Email',
        utm_campaign: 'launch',
        source: 'newsletter',
        medium: 'email',
        browser: 'Chrome',
        os: 'Linux',
        device_type: 'desktop',
        is_bot: false,
        hostname: 'localhost',
      });
    expect(rows.map((r) => r.path).sort()).toEqual(['/demo/', '/demo/pricing.html']);
    expect(rows.filter((r) => r.session_start)).toHaveLength(1);
  });

  it('accepts application/json too, and custom events with properties', async () => {
    const e = { ...pageview(), type: 'custom', name: 'signup_click', props: { plan: 'pro', seats: 5, trial: true } };
    expect((await post(batch([e as never]), 'application/json')).statusCode).toBe(202);
    const [row] = await sql(app, `SELECT name, props FROM events WHERE event_id = '${e.id}'`);
    expect(row).toEqual({ name: 'signup_click', props: { plan: 'pro', seats: '5', trial: 'true' } });
  });

  it('stores consent decisions with their policy version, also a denial without a visitor id', async () => {
    const granted = { ...pageview(), type: 'consent', state: 'granted', policy: '2026-05' };
    const denied = {
      ...pageview(),
      type: 'consent',
      state: 'denied',
      visitor_id: '00000000-0000-0000-0000-000000000000',
    };
    expect((await post(batch([granted, denied] as never[]))).statusCode).toBe(202);
    const rows = await sql(
      app,
      `SELECT type, name, props, toString(visitor_id) AS visitor FROM events WHERE event_id IN ('${granted.id}', '${denied.id}') ORDER BY name DESC`,
    );
    expect(rows).toEqual([
      { type: 'consent', name: 'granted', props: { policy: '2026-05' }, visitor: granted.visitor_id },
      { type: 'consent', name: 'denied', props: {}, visitor: '00000000-0000-0000-0000-000000000000' },
    ]);
    expect((await post(batch([{ ...granted, id: randomUUID(), state: 'maybe' } as never]))).json()).toMatchObject({
      code: 'CL_INVALID_EVENT',
      path: 'events.0.state',
    });
  });

  it('classifies search and paid-search arrivals', async () => {
    const organic = pageview({ session_start: true, touch: touch({ referrer: 'https://www.google.com/' }) });
    const paid = pageview({
      session_start: true,
      touch: touch({ landing_url: 'http://localhost/demo/?gclid=abc', click_ids: { gclid: 'abc' } }),
    });
    expect((await post(batch([organic, paid]))).statusCode).toBe(202);
    const rows = await sql<{ event_id: string; channel: string; click_id_type: string; referrer_domain: string }>(
      app,
      `SELECT toString(event_id) AS event_id, channel, click_id_type, referrer_domain FROM events WHERE event_id IN ('${organic.id}', '${paid.id}')`,
    );
    const byId = Object.fromEntries(rows.map((r) => [r.event_id, r]));
    expect(byId[organic.id]).toMatchObject({ channel: 'Organic Search', referrer_domain: 'google.com' });
    expect(byId[paid.id]).toMatchObject({ channel: 'Paid Search', click_id_type: 'gclid' });
  });

  it('flags bots but still stores them', async () => {
    const e = pageview();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: {
        'content-type': 'text/plain',
        'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      },
      payload: JSON.stringify(batch([e])),
    });
    expect(res.statusCode).toBe(202);
    expect(await sql(app, `SELECT is_bot, device_type FROM events WHERE event_id = '${e.id}'`)).toEqual([
      { is_bot: true, device_type: 'bot' },
    ]);
  });

  it('collapses a replayed batch: the same event ids are stored once', async () => {
    const events = [pageview(), pageview()];
    expect((await post(batch(events))).statusCode).toBe(202);
    expect((await post(batch(events))).statusCode).toBe(202);
    expect(await countEvents(`event_id IN ('${events[0]!.id}', '${events[1]!.id}')`)).toBe(2);
  });

  it('corrects a client clock that is hours off, using sent_at', async () => {
    const skew = 5 * 3600_000;
    const e = pageview({ ts: Date.now() - skew });
    expect((await post({ ...batch([e]), sent_at: Date.now() - skew })).statusCode).toBe(202);
    const [row] = await sql<{ lag: number }>(
      app,
      `SELECT toUnixTimestamp64Milli(received_at) - toUnixTimestamp64Milli(ts) AS lag FROM events WHERE event_id = '${e.id}'`,
    );
    expect(Math.abs(Number(row!.lag))).toBeLessThan(60_000);
  });
});

describe('bad input gets a stable 4xx and loses nothing accepted', () => {
  it('malformed JSON → 400 CL_INVALID_JSON', async () => {
    const res = await post('{"site": "pk_demo", "events": [');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'CL_INVALID_JSON' });
  });

  it('a wrong type → 400 CL_INVALID_EVENT naming the path', async () => {
    const res = await post(batch([{ ...pageview(), ts: 'yesterday' } as never]));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'CL_INVALID_EVENT', path: 'events.0.ts' });
    expect(res.json().message).toMatch(/events\.0\.ts/);
  });

  it('one bad event rejects the whole batch: nothing half-written', async () => {
    const good = pageview();
    const res = await post(batch([good, { ...pageview(), visitor_id: 'not-a-uuid' } as never]));
    expect(res.json()).toMatchObject({ code: 'CL_INVALID_EVENT', path: 'events.1.visitor_id' });
    expect(await countEvents(`event_id = '${good.id}'`)).toBe(0);
  });

  it('an unknown site key → 404 CL_UNKNOWN_SITE', async () => {
    const res = await post(batch([pageview()], 'pk_nobody'));
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'CL_UNKNOWN_SITE', path: 'site' });
  });

  it('an oversized body → 413 CL_BODY_TOO_LARGE', async () => {
    const res = await post('x'.repeat(2 * 1024 * 1024));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'CL_BODY_TOO_LARGE' });
  });

  it('an unsupported media type → 415, and an unknown route → 404 CL_NOT_FOUND', async () => {
    expect((await post('a=b', 'application/x-www-form-urlencoded')).json()).toMatchObject({
      code: 'CL_UNSUPPORTED_MEDIA_TYPE',
    });
    expect((await app.inject({ method: 'GET', url: '/v2/nothing' })).json()).toMatchObject({
      statusCode: 404,
      code: 'CL_NOT_FOUND',
    });
  });

  it('over-long strings and too many events are refused', async () => {
    expect((await post(batch([pageview({ url: `http://localhost/${'a'.repeat(5000)}` })]))).json()).toMatchObject({
      code: 'CL_INVALID_EVENT',
      path: 'events.0.url',
    });
    expect((await post(batch(Array.from({ length: 501 }, () => pageview())))).json()).toMatchObject({
      code: 'CL_INVALID_EVENT',
      path: 'events',
    });
  });
});

describe('POST /v1/query', () => {
  const query = (sqlText: string, token = ADMIN_TOKEN) =>
    app.inject({
      method: 'POST',
      url: '/v1/query',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      payload: { sql: sqlText },
    });

  it('needs the admin token', async () => {
    expect((await query('SELECT 1', '')).json()).toMatchObject({ statusCode: 401, code: 'CL_UNAUTHORIZED' });
    expect((await query('SELECT 1', 'wrong-token-wrong-token')).statusCode).toBe(401);
  });

  it('answers one read-only statement with columns and rows', async () => {
    const res = await query("SELECT 1 AS one, 'x' AS s");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      columns: [
        { name: 'one', type: 'UInt8' },
        { name: 's', type: 'String' },
      ],
      rows: [{ one: 1, s: 'x' }],
      rowCount: 1,
    });
  });

  it('refuses writes and DDL (by the sandbox, and by ClickHouse underneath), several statements and bad SQL, with stable codes', async () => {
    expect((await query("INSERT INTO events (site_id) VALUES ('x')")).json()).toMatchObject({
      statusCode: 403,
      code: 'CL_QUERY_NOT_ALLOWED',
    });
    expect((await query('DROP TABLE events')).json()).toMatchObject({ code: 'CL_QUERY_NOT_ALLOWED' });
    // The second guard: the analyst session itself cannot write, whatever reaches it.
    await expect(app.db.withReadonly((c) => c.command({ query: 'DROP TABLE events' }))).rejects.toMatchObject({
      code: '164',
    });
    expect(await countEvents('1')).toBeGreaterThanOrEqual(0);
    expect((await query('SELECT 1; DROP TABLE events')).json()).toMatchObject({
      statusCode: 400,
      code: 'CL_QUERY_MULTI_STATEMENT',
    });
    expect((await query('SELEC 1')).json()).toMatchObject({ statusCode: 400, code: 'CL_QUERY_FAILED' });
    expect((await query('SELECT number FROM system.numbers LIMIT 200000')).json()).toMatchObject({
      statusCode: 422,
      code: 'CL_QUERY_LIMIT',
    });
    // …and the read-only session did not leak into the writing one: ingestion still works.
    const e = pageview();
    expect((await post(batch([e]))).statusCode).toBe(202);
    expect(await countEvents(`event_id = '${e.id}'`)).toBe(1);
  });
});

describe('sites, health and schema', () => {
  it('adds a site through the admin API and accepts events with its new key', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/admin/sites',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { domain: 'https://www.Shop.Example.com/' },
    });
    expect(res.statusCode).toBe(201);
    const site = res.json() as { site_id: string; public_key: string };
    expect(site.site_id).toBe('shop.example.com');
    expect(site.public_key).toMatch(/^pk_[A-Za-z0-9_-]{20}$/);
    const e = pageview();
    expect((await post(batch([e], site.public_key))).statusCode).toBe(202);
    expect(await sql(app, `SELECT site_id FROM events WHERE event_id = '${e.id}'`)).toEqual([
      { site_id: 'shop.example.com' },
    ]);
    const again = await app.inject({
      method: 'POST',
      url: '/v1/admin/sites',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { domain: 'shop.example.com' },
    });
    expect(again.json()).toMatchObject({ statusCode: 409, code: 'CL_SITE_EXISTS' });
  });

  it('answers /healthz and /readyz', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/readyz')).json()).toMatchObject({
      status: 'ready',
      storage: 'ok',
      spool: { pending_rows: expect.any(Number) },
    });
  });

  it('serves the demo site, and migrations are recorded and idempotent', async () => {
    const demo = await app.inject('/demo/');
    expect(demo.statusCode).toBe(200);
    expect(demo.body).toContain('data-site="pk_demo"');
    expect(await migrate(app.db)).toEqual([]);
    const versions = await sql<{ version: number }>(
      app,
      'SELECT version FROM schema_migrations FINAL ORDER BY version',
    );
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('keeps the data across a restart on the same data directory', async () => {
    const before = await countEvents();
    await app.close();
    app = await testApp(config);
    expect(await countEvents()).toBe(before);
  });
});

describe('over real HTTP (as curl would send it)', () => {
  let base: string;
  beforeAll(async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  const send = (body: string | Blob) =>
    fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });

  it('answers malformed JSON, a wrong type, an unknown site and a 10 MB body with coded 4xx, and keeps serving', async () => {
    const cases: [string | Blob, number, string][] = [
      ['{not json', 400, 'CL_INVALID_JSON'],
      [
        JSON.stringify(batch([{ ...pageview(), type: 'pageview', ts: '2024-01-01' } as never])),
        400,
        'CL_INVALID_EVENT',
      ],
      [JSON.stringify(batch([pageview()], 'pk_unknown')), 404, 'CL_UNKNOWN_SITE'],
      [new Blob(['a'.repeat(10 * 1024 * 1024)]), 413, 'CL_BODY_TOO_LARGE'],
    ];
    for (const [body, status, code] of cases) {
      const res = await send(body);
      expect(res.status).toBe(status);
      const json = (await res.json()) as { code: string; message: string };
      expect(json.code).toBe(code);
      expect(json.message.length).toBeGreaterThan(5);
    }
    const ok = await send(JSON.stringify(batch([pageview()])));
    expect(ok.status).toBe(202);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
