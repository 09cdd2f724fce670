/**
 * Wire format 2 through the real app and embedded ClickHouse: compact events become the same rows as
 * v1; the session's touch, sent once, is stored on the session's first row and reaches every row of
 * the session through `events_with_touch`, its time on each row (same batch, later batch, stored);
 * a repeat folds; and the old format (v1) is still accepted beside it. Wire format 3 (what the SDK
 * sends: format 2 with the fields every event has by position, contract/wire.ts) stores the very rows
 * its v2 form stores, and formats 1 and 2 are still accepted beside it.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEventV2, EventBatchV2, EventBatchV3 } from '../../../sdk/src/protocol.js';
import { wireId } from '../../../sdk/src/ids.js';
import { sessionTouches } from '../ingest/session-touches.js';
import { eventUuid } from '../ingest/wire-v2.js';
import { batch, pageview, postEvents, sql, testApp, touch } from '../app/test-support.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app?.close();
});

const post = (payload: unknown) => postEvents(app, payload);

const T = Date.now();
const v2 = (e: Partial<ClEventV2>[], t = T): EventBatchV2 => ({
  v: 2,
  k: 'pk_demo',
  t,
  d: '0.2.0',
  e: e as ClEventV2[],
});
const ev = (over: Partial<ClEventV2> = {}) =>
  ({
    y: 'p',
    i: randomUUID().slice(24),
    t: 0,
    v: randomUUID(),
    s: randomUUID(),
    u: 'http://localhost/demo/',
    ...over,
  }) as ClEventV2;
const TOUCH_COLUMNS = `toString(event_id) AS id, type, name, props, path, title, page_referrer, session_start, channel, source, medium, utm_source, utm_campaign, utm_term,
  click_id_type, click_id, referrer_domain, landing_url, first_touch, sdk_version, toFloat64(toUnixTimestamp64Milli(ts)) AS ms, toFloat64(toUnixTimestamp64Milli(session_ts)) AS session_ms`;
/** The session's rows, each with the session's touch (the view puts the first row's touch on the others). */
const rowsOf = (visitor: string) =>
  sql(app, `SELECT ${TOUCH_COLUMNS} FROM events_with_touch WHERE visitor_id = '${visitor}' ORDER BY ts, type`);
/** What `events` stores: the touch on the session's first row only. */
const storedChannels = async (visitor: string) =>
  (
    await sql(app, `SELECT channel, session_start FROM events FINAL WHERE visitor_id = '${visitor}' ORDER BY ts, type`)
  ).map((r) => [r.channel, r.session_start]);

describe('wire format 2', () => {
  it('a landing page view and an event of its session: the touch, sent once and relative, is on both rows', async () => {
    const v = randomUUID();
    const s = randomUUID();
    const landing =
      'http://localhost/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=launch&utm_term=x&gclid=G1';
    const view = ev({ v, s, u: landing, r: 'https://mail.example.com/', h: 'Demo', o: {}, t: 900 });
    const click = ev({
      y: 'c',
      v,
      s,
      u: landing,
      n: 'signup',
      p: { plan: 'pro', seats: 2 },
      t: 100,
    } as Partial<ClEventV2>);
    const res = await post(v2([view, click]));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ accepted: 2 });
    const rows = await rowsOf(v);
    expect(rows).toHaveLength(2);
    for (const r of rows)
      expect(r).toMatchObject({
        channel: 'Email',
        utm_source: 'newsletter',
        utm_campaign: 'launch',
        utm_term: 'x',
        click_id_type: 'gclid',
        click_id: 'G1',
        referrer_domain: 'mail.example.com',
        landing_url: landing,
        sdk_version: '0.2.0',
        session_ms: T - 900,
      });
    expect(rows[0]).toMatchObject({
      id: eventUuid(s, view.i),
      type: 'pageview',
      session_start: true,
      title: 'Demo',
      page_referrer: 'https://mail.example.com/',
      ms: T - 900,
    });
    expect(JSON.parse(rows[0]!.first_touch as string)).toMatchObject({
      ts: T - 900,
      referrer: 'https://mail.example.com/',
      landing_url: landing,
      utm_campaign: 'launch',
      click_ids: { gclid: 'G1' },
    });
    expect(rows[1]).toMatchObject({
      id: eventUuid(s, click.i),
      type: 'custom',
      name: 'signup',
      props: { plan: 'pro', seats: '2' },
      session_start: false,
      first_touch: '',
      ms: T - 100,
    });
    expect(await storedChannels(v)).toEqual([
      ['Email', true],
      ['', false],
    ]);
  });

  it('visitor and session ids sent compact (22 base64 characters, as the SDK does) are stored as the same UUIDs; a later batch with the 36-character ids finds the session', async () => {
    const v = randomUUID();
    const s = randomUUID();
    const first = ev({
      v: wireId(v),
      s: wireId(s),
      u: 'http://localhost/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=short',
      o: {},
    });
    expect((await post(v2([first]))).statusCode).toBe(202);
    expect((await post(v2([ev({ y: 'e', v, s, g: 1200 } as Partial<ClEventV2>)], T + 1000))).statusCode).toBe(202);
    const rows = await rowsOf(v);
    expect(rows.map((r) => [r.id, r.type, r.utm_campaign, r.session_start])).toEqual([
      [eventUuid(s, first.i), 'pageview', 'short', true],
      [expect.any(String), 'custom', 'short', false],
    ]);
    // Not a UUID nor its compact form: a coded 4xx.
    const bad = await post(v2([ev({ v: 'AAAAAAAAAAAAAAAAAAAAAB' })]));
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'CL_INVALID_EVENT' });
  });

  it('a later batch of the session without touch gets it (memory); after a restart it is read from the stored first event', async () => {
    const v = randomUUID();
    const s = randomUUID();
    expect(
      (
        await post(
          v2([
            ev({
              v,
              s,
              u: 'http://localhost/demo/?utm_source=google&utm_medium=cpc&utm_campaign=brand',
              o: { r: 'https://www.google.com/' },
            }),
          ]),
        )
      ).statusCode,
    ).toBe(202);
    expect(
      (await post(v2([ev({ v, s, u: 'http://localhost/demo/pricing.html', r: 'http://localhost/demo/' })], T + 5000)))
        .statusCode,
    ).toBe(202);
    const rows = await rowsOf(v);
    expect(rows.map((r) => [r.path, r.channel, r.utm_campaign, r.session_start])).toEqual([
      ['/demo/', 'Paid Search', 'brand', true],
      ['/demo/pricing.html', 'Paid Search', 'brand', false],
    ]);
    // The later row knows when its session started (the touch came from memory).
    expect(rows.map((r) => r.session_ms)).toEqual([T, T]);
    // A new instance knows nothing in memory: the stored first event answers.
    const fresh = sessionTouches(app.db, app.log);
    const found = await fresh.find('demo', [s, randomUUID()], T + 5000);
    expect([...found.keys()]).toEqual([s]);
    expect(found.get(s)).toMatchObject({
      referrer: 'https://www.google.com/',
      utm_source: 'google',
      utm_campaign: 'brand',
      ts: T,
    });
    // Not looked for further back than two days before the event.
    expect((await sessionTouches(app.db, app.log).find('demo', [s], T + 3 * 86_400_000)).size).toBe(0);
  });

  it('a new visitor with an earlier first touch sends it as f; an identify, a form, a consent decision and an engagement map to their v1 rows', async () => {
    const v = randomUUID();
    const s = randomUUID();
    const f = { t: T - 86_400_000, r: 'https://www.bing.com/', l: 'http://localhost/demo/?utm_campaign=old' };
    const events = [
      ev({ v, s, o: { l: 'http://localhost/demo/landing' }, f }),
      ev({ y: 'i', v, s, m: 'Ann@Example.com', p: { tier: 'gold' } } as Partial<ClEventV2>),
      ev({
        y: 'f',
        v,
        s,
        n: 'contact',
        a: '/thanks',
        p: { company: 'Acme' },
        m: 'ann@example.com',
      } as Partial<ClEventV2>),
      ev({ y: 'k', v, s, n: 'granted', a: '2026-05' } as Partial<ClEventV2>),
      ev({ y: 'e', v, s, g: 4200 } as Partial<ClEventV2>),
    ];
    expect((await post(v2(events))).statusCode).toBe(202);
    const rows = await sql(
      app,
      `SELECT type, name, props, email, landing_url, first_touch FROM events_with_touch WHERE visitor_id = '${v}' ORDER BY type`,
    );
    const engagement = rows.splice(
      rows.findIndex((r) => r.type == 'custom'),
      1,
    )[0];
    expect(engagement).toMatchObject({
      name: 'engagement',
      props: { ms: '4200' },
      landing_url: 'http://localhost/demo/landing',
    });
    expect(rows.map((r) => [r.type, r.name, r.email])).toEqual([
      ['consent', 'granted', ''],
      ['form', 'contact', 'ann@example.com'],
      ['identify', '', 'ann@example.com'],
      ['pageview', '', ''],
    ]);
    expect(rows.every((r) => r.landing_url == 'http://localhost/demo/landing')).toBe(true);
    expect(rows[1]!.props).toEqual({ company: 'Acme', 'form.action': '/thanks' });
    expect(rows[0]!.props).toEqual({ policy: '2026-05' });
    expect(JSON.parse(rows[3]!.first_touch as string)).toEqual({
      ts: f.t,
      referrer: f.r,
      landing_url: f.l,
      utm_campaign: 'old',
    });
  });

  it('an event whose session start is unknown is stored with empty touch columns; a repeat folds into one row', async () => {
    const v = randomUUID();
    const e = ev({ v });
    expect((await post(v2([e]))).statusCode).toBe(202);
    expect((await post(v2([{ ...e, t: 3000 }], T + 3000))).statusCode).toBe(202); // the same event, sent again later
    const rows = await rowsOf(v);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: '', source: '', utm_source: '', landing_url: '', session_start: false });
    expect(rows[0]!.session_ms).toBe(rows[0]!.ms);
  });

  it('anonymous events (zero session) carry their own touch and start no session', async () => {
    const nil = '00000000-0000-0000-0000-000000000000';
    const e = ev({ v: nil, s: nil, u: 'http://localhost/demo/?utm_source=newsletter&utm_medium=email', o: {} });
    expect((await post(v2([e]))).statusCode).toBe(202);
    const [row] = await sql(
      app,
      `SELECT channel, session_start, first_touch FROM events FINAL WHERE event_id = '${eventUuid(nil, e.i)}'`,
    );
    expect(row).toEqual({ channel: 'Email', session_start: false, first_touch: '' });
  });

  it('refuses a bad v2 batch with CL_INVALID_EVENT and the path of the problem', async () => {
    for (const [body, path] of [
      [v2([ev({ i: 'NOT-HEX' })]), 'e.0.i'],
      [v2([ev({ y: 'x' as never })]), 'e.0.y'],
      [{ ...v2([ev()]), t: 5 }, 't'],
      [v2([ev({ t: 500 * 86_400_000 })]), 'e.0.t'],
      [v2([ev({ y: 'e', g: -1 } as Partial<ClEventV2>)]), 'e.0.g'],
    ] as const) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'CL_INVALID_EVENT', path });
    }
  });

  it('the old wire format (v1) is still accepted beside it, and its touch serves v2 events of the same session', async () => {
    const visitor_id = randomUUID();
    const session_id = randomUUID();
    const t = touch({
      landing_url: 'http://localhost/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=v1',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'v1',
    });
    const old = pageview({ visitor_id, session_id, touch: t, session_start: true, first_touch: t });
    const res = await post(batch([old]));
    expect(res.statusCode, res.body).toBe(202);
    expect(
      (await post(v2([ev({ v: visitor_id, s: session_id, u: 'http://localhost/demo/blog.html' })]))).statusCode,
    ).toBe(202);
    const rows = await rowsOf(visitor_id);
    expect(rows.map((r) => [r.channel, r.utm_campaign])).toEqual([
      ['Email', 'v1'],
      ['Email', 'v1'],
    ]);
    expect(rows.map((r) => r.id)).toContain(old.id);
  });
});

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
const rowsV3 = (visitor: string) =>
  sql(app, `SELECT ${ROW} FROM events_with_touch WHERE visitor_id = '${visitor}' ORDER BY ts, type`);

describe('wire format 3', () => {
  it('stores the same rows as the same batch in wire format 2', async () => {
    const [v2v, v3v] = [randomUUID(), randomUUID()];
    const two = { v: 2, k: 'pk_demo', t: T, d: '0.3.0', e: sessionV2(v2v, randomUUID()) };
    // The sent time in base 36, as the SDK sends it (a number is read too: the other cases).
    const three: EventBatchV3 = [3, 'pk_demo', T.toString(36), '0.3.0', sessionV2(v3v, randomUUID()).map(toV3)];
    for (const body of [two, three]) {
      const res = await post(body);
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json()).toEqual({ accepted: 5 });
    }
    const [rows2, rows3] = [await rowsV3(v2v), await rowsV3(v3v)];
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
    expect((await rowsV3(v)).map((r) => r.type)).toEqual(['pageview']);
  });

  it('refuses a bad v3 batch with CL_INVALID_EVENT and the path of the problem (in v2 names)', async () => {
    const [e] = sessionV2(randomUUID(), randomUUID()).map(toV3);
    for (const [body, path] of [
      [[3, 'pk_demo', T, null, ['not an event']], 'e.0'],
      [[3, 'pk_demo', T, null, [e!.slice(0, 5)]], 'e.0.u'],
      [[3, 'pk_demo', T, null, [['x', ...e!.slice(1)]]], 'e.0.y'],
      [[3, 'pk_demo', 'soon', null, [e]], 't'],
      [[3, 'pk_demo', T, null, []], 'e'],
      [[3, 'pk_demo', '1y2p0ij32e8e8', null, [e]], 't'], // 13 base-36 digits: not a time
      [[3, 'pk_demo', 'mipu-zsh5', null, [e]], 't'],
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
    const rows = await rowsV3(visitor_id);
    expect(rows.map((r) => [r.type, r.channel, r.utm_campaign]).sort()).toEqual([
      ['form', 'Email', 'v3'],
      ['identify', 'Email', 'v3'],
      ['pageview', 'Email', 'v3'],
    ]);
  });
});
