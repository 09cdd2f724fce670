/**
 * Wire format 3 (what the SDK sends: format 2 with the fields every event has by position,
 * contract/wire.ts) through the real app and embedded ClickHouse: a v3 batch stores the very rows
 * its v2 form stores, and the formats before it are still accepted beside it (v1 and v2).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEventV2, EventBatchV3 } from '../../../sdk/src/protocol.js';
import { wireId } from '../../../sdk/src/ids.js';
import { CHROME_UA, batch, pageview, sql, testApp, touch } from '../app/test-support.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app?.close();
});

const post = (payload: unknown) =>
  app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA },
    payload: JSON.stringify(payload),
  });

const T = Date.now();
const LANDING = 'http://localhost/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=v3';
const FIRST = { t: T - 86_400_000, r: 'https://www.bing.com/', l: 'http://localhost/demo/?utm_campaign=old' };

/** One session's events in v2 form: a landing page view (with an earlier first touch), an identify, a form, a consent, an engagement. */
const sessionV2 = (v: string, s: string): ClEventV2[] =>
  [
    { y: 'p', i: 'a1', t: 900, v, s, u: LANDING, r: 'https://mail.example.com/', h: 'Demo', o: {}, f: FIRST },
    { y: 'i', i: 'a2', t: 800, v, s, u: LANDING, h: 'Demo', m: 'Ann@Example.com', p: { tier: 'gold' } },
    { y: 'f', i: 'a3', t: 700, v, s, u: LANDING, n: 'contact', a: '/thanks', p: { company: 'Acme' }, m: 'a@b.example' },
    { y: 'k', i: 'a4', t: 600, v, s, u: LANDING, h: 'Demo', n: 'granted', a: '2026-05' },
    { y: 'e', i: 'a5', t: 0, v, s, u: LANDING, g: 4200 },
  ].map((e) => ({ ...e, i: e.i.padEnd(12, '0') })) as ClEventV2[];

/** The v3 form of a v2 event, as the SDK writes it (sdk/src/tracker.ts). */
const toV3 = ({ y, i, t, v, s, u, ...rest }: ClEventV2) => {
  const { h, g, ...o } = rest as { h?: string; g?: number };
  return [y, i, t, wireId(v), wireId(s), u, g ?? h ?? null, o] as EventBatchV3[4][number];
};

const ROW = `type, name, props, email, title, path, page_referrer, session_start, channel, utm_campaign, landing_url,
  first_touch, sdk_version, toFloat64(toUnixTimestamp64Milli(ts)) AS ms, toFloat64(toUnixTimestamp64Milli(session_ts)) AS session_ms`;
const rowsOf = (visitor: string) =>
  sql(app, `SELECT ${ROW} FROM events_with_touch WHERE visitor_id = '${visitor}' ORDER BY ts, type`);

describe('wire format 3', () => {
  it('stores the same rows as the same batch in wire format 2', async () => {
    const [v2v, v3v] = [randomUUID(), randomUUID()];
    const two = { v: 2, k: 'pk_demo', t: T, d: '0.3.0', e: sessionV2(v2v, randomUUID()) };
    const three: EventBatchV3 = [3, 'pk_demo', T, '0.3.0', sessionV2(v3v, randomUUID()).map(toV3)];
    for (const body of [two, three]) {
      const res = await post(body);
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json()).toEqual({ accepted: 5 });
    }
    const [rows2, rows3] = [await rowsOf(v2v), await rowsOf(v3v)];
    expect(rows3).toHaveLength(5);
    expect(rows3).toEqual(rows2);
    expect(rows3[0]).toMatchObject({ type: 'pageview', title: 'Demo', channel: 'Email', utm_campaign: 'v3' });
    expect(rows3[4]).toMatchObject({ name: 'engagement', props: { ms: '4200' }, title: '' });
  });

  it('the named fields of the last position cannot stand in for the positional ones', async () => {
    const v = randomUUID();
    const [e] = sessionV2(v, randomUUID()).map(toV3);
    const res = await post([3, 'pk_demo', T, null, [[...e!.slice(0, 7), { ...e![7]!, v: randomUUID(), y: 'c' }]]]);
    expect(res.statusCode, res.body).toBe(202);
    expect((await rowsOf(v)).map((r) => r.type)).toEqual(['pageview']);
  });

  it('refuses a bad v3 batch with CL_INVALID_EVENT and the path of the problem (in v2 names)', async () => {
    const [e] = sessionV2(randomUUID(), randomUUID()).map(toV3);
    for (const [body, path] of [
      [[3, 'pk_demo', T, null, ['not an event']], 'e.0'],
      [[3, 'pk_demo', T, null, [e!.slice(0, 5)]], 'e.0.u'],
      [[3, 'pk_demo', T, null, [['x', ...e!.slice(1)]]], 'e.0.y'],
      [[3, 'pk_demo', 'soon', null, [e]], 't'],
      [[3, 'pk_demo', T, null, []], 'e'],
    ] as const) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'CL_INVALID_EVENT', path });
    }
  });

  it('the older formats are still accepted beside it: a v1 and a v2 batch store their rows', async () => {
    const visitor_id = randomUUID();
    const session_id = randomUUID();
    const t = touch({ landing_url: LANDING, utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'v3' });
    const old = pageview({ visitor_id, session_id, touch: t, session_start: true, first_touch: t });
    expect((await post(batch([old]))).statusCode).toBe(202);
    const [, later] = sessionV2(visitor_id, session_id);
    expect((await post({ v: 2, k: 'pk_demo', t: T, e: [later] })).statusCode).toBe(202);
    const [, , form] = sessionV2(visitor_id, session_id).map(toV3);
    expect((await post([3, 'pk_demo', T, null, [form]])).statusCode).toBe(202);
    const rows = await rowsOf(visitor_id);
    expect(rows.map((r) => [r.type, r.channel, r.utm_campaign]).sort()).toEqual([
      ['form', 'Email', 'v3'],
      ['identify', 'Email', 'v3'],
      ['pageview', 'Email', 'v3'],
    ]);
  });
});
