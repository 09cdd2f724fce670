/**
 * Attribution edge cases on a site of their own, through the real app and real ClickHouse (the
 * hand-computed main cases are in attribution.test.ts): ties at the same moment, conversions with no
 * touch in the lookback window, cookieless page views.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEvent, Touch } from '../../../sdk/src/protocol.js';
import { ADMIN_TOKEN, CHROME_UA, batch, addSite, sendEvents, testApp, testConfig } from '../app/test-support.js';

const DAY = 86_400_000;
const MIN = 60_000;
const t0 = Math.floor((Date.now() - 20 * DAY) / 1000) * 1000;

type Row = { key: string; conversions: number; value: number };
interface Report {
  total: { conversions: number; value: number };
  rows: Row[];
}

const credit = (r: Report) =>
  Object.fromEntries(r.rows.map((row) => [row.key, Math.round(row.conversions * 1e6) / 1e6]));

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp(testConfig({ CLOSELOOP_ORIGIN_CHECK: 'false' }));
});
afterAll(() => app?.close());

describe('edge cases, on a site of their own', () => {
  const EDGE = 'edge.example.com';
  let edgeKey = '';
  const tFix = t0 + 2 * DAY;
  const get = async (query: string) => {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/attribution?site=${EDGE}&from=${new Date(t0 - DAY).toISOString()}&to=${new Date(t0 + 30 * DAY).toISOString()}&${query}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Report;
  };

  beforeAll(async () => {
    edgeKey = await addSite(app, EDGE);
    const ev = (
      visitor: string,
      sessionId: string,
      ts: number,
      touch: Partial<Touch>,
      extra: Partial<ClEvent> & { type: ClEvent['type'] },
    ) =>
      ({
        id: randomUUID(),
        ts,
        visitor_id: visitor,
        session_id: sessionId,
        url: `https://${EDGE}/`,
        touch: {
          ts,
          referrer: '',
          landing_url: `https://${EDGE}/?utm_source=x&utm_medium=email&utm_campaign=tie`,
          ...touch,
        },
        ...extra,
      }) as ClEvent;
    const [finnX, finnY, gus] = [randomUUID(), randomUUID(), randomUUID()];
    const events: ClEvent[] = [
      // Ties: Finn's two devices start a session at the very same moment; the lower session id comes first.
      ev(
        finnX,
        'ffffffff-ffff-4fff-bfff-ffffffffffff',
        tFix,
        { referrer: '' },
        { type: 'pageview', session_start: true },
      ),
      ev(
        finnY,
        '00000000-0000-4000-8000-000000000000',
        tFix,
        { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'tie' },
        { type: 'pageview', session_start: true },
      ),
      ev(
        finnY,
        '00000000-0000-4000-8000-000000000000',
        tFix + MIN,
        {},
        { type: 'identify', email: 'finn@example.com' },
      ),
      ev(
        finnX,
        'ffffffff-ffff-4fff-bfff-ffffffffffff',
        tFix + 2 * MIN,
        { referrer: '' },
        { type: 'identify', email: 'finn@example.com' },
      ),
      // Gus: identified on his one visit; the deal comes 10 days later.
      ev(gus, randomUUID(), t0, { referrer: 'https://www.google.com/' }, { type: 'pageview', session_start: true }),
      ev(
        gus,
        randomUUID(),
        t0 + MIN,
        { referrer: 'https://www.google.com/' },
        { type: 'identify', email: 'gus@example.com' },
      ),
    ];
    await sendEvents(app, events, edgeKey);
    const deal = await app.inject({
      method: 'POST',
      url: '/v1/conversions',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: {
        site: EDGE,
        record_id: 'gus-1',
        email: 'gus@example.com',
        stage: 'customer',
        amount: 100,
        currency: 'EUR',
        ts: t0 + 10 * DAY,
      },
    });
    expect(deal.statusCode, deal.body).toBe(200);
    await app.spool.drained(30_000);
  });

  it('ties: touches at the same moment are ordered by session id (first and last touch differ)', async () => {
    // Leads: Finn (two sessions at the same moment) and Gus (Organic Search).
    expect(credit(await get('model=first_touch&conversion=lead&groupBy=channel'))).toEqual({
      Email: 1,
      'Organic Search': 1,
    });
    expect(credit(await get('model=last_touch&conversion=lead&groupBy=channel'))).toEqual({
      Direct: 1,
      'Organic Search': 1,
    });
  });

  it('no touch in the lookback window: the conversion goes to (no touch), and is credited again with a longer window', async () => {
    const short = await get('model=linear&conversion=customer&groupBy=channel&lookback_days=5');
    expect(credit(short)).toEqual({ '(no touch)': 1 });
    const long = await get('model=linear&conversion=customer&groupBy=channel&lookback_days=30');
    expect(credit(long)).toEqual({ 'Organic Search': 1 });
  });
  it('cookieless page views (consent pending, zero ids) count as page views, not as visitors or sessions', async () => {
    const NIL = '00000000-0000-0000-0000-000000000000';
    const cookieless = {
      type: 'pageview',
      id: randomUUID(),
      ts: tFix,
      visitor_id: NIL,
      session_id: NIL,
      url: `https://${EDGE}/`,
      touch: { ts: tFix, referrer: '', landing_url: `https://${EDGE}/` },
    } as ClEvent;
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/events',
          headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA },
          payload: JSON.stringify(batch([cookieless], edgeKey)),
        })
      ).statusCode,
    ).toBe(202);
    await app.spool.drained(30_000);
    const range = `from=${new Date(t0 - DAY).toISOString()}&to=${new Date(t0 + 30 * DAY).toISOString()}`;
    const overview = (
      await app.inject({
        method: 'GET',
        url: `/v1/reports/overview?site=${EDGE}&${range}`,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json();
    // Finn's two devices, Gus (whose identify event came in a session of its own); the cookieless view adds a page view only.
    expect(overview.totals).toMatchObject({ visitors: 3, sessions: 4, pageviews: 4 });
    const funnel = (
      await app.inject({
        method: 'GET',
        url: `/v1/reports/funnel?site=${EDGE}&${range}`,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json();
    expect(funnel.rows.reduce((a: number, r: { visitors: number }) => a + r.visitors, 0)).toBe(3);
  });
});
