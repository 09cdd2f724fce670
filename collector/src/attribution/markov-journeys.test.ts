/**
 * The Markov model's transition counts on real embedded ClickHouse fed through the real app: the
 * journeys that did not convert (an identified person on two devices, anonymous visitors) are
 * ordered by time across devices, ties by value, whatever order they arrived in; two copies of one
 * session (two tabs starting it) are one touch; a segment filter turns other touches into `(other)`.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEvent, Touch } from '../../../sdk/src/protocol.js';
import { ADMIN_TOKEN, addSite, sendEvents, testApp, testConfig } from '../app/test-support.js';
import { DEFAULT_WINDOW } from './models.js';
import { markovTransitions } from './report.js';

const DAY = 86_400_000;
const t0 = Math.floor((Date.now() - 20 * DAY) / 1000) * 1000;
const SITE = 'journeys.example.com';
let app: FastifyInstance;
let publicKey = '';

const touches = {
  'Paid Search': { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'brand' },
  'Paid Social': { utm_source: 'facebook', utm_medium: 'paid_social', utm_campaign: 'spring' },
  Email: { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'nl' },
  Direct: {},
} satisfies Record<string, Partial<Touch>>;
type Channel = keyof typeof touches;

/** A session's first page view, and an identify call when `email` is given. */
function session(visitor: string, ts: number, channel: Channel, email?: string, id = randomUUID()): ClEvent[] {
  const t: Touch = {
    ts,
    referrer: '',
    landing_url: `https://${SITE}/?${new URLSearchParams(touches[channel] as Record<string, string>)}`,
    ...touches[channel],
  };
  const base = { visitor_id: visitor, session_id: id, url: `https://${SITE}/`, touch: t };
  const events: ClEvent[] = [{ ...base, type: 'pageview', id: randomUUID(), ts, session_start: true }];
  if (email) events.push({ ...base, type: 'identify', id: randomUUID(), ts: ts + 60_000, email });
  return events;
}

const send = (events: ClEvent[]) => sendEvents(app, events, publicKey);

/** Transitions of hand-written paths, as `src → dst: n (conversions)`, sorted. */
function transitionsOf(paths: { path: string[]; converted?: boolean }[]): string[] {
  const counts = new Map<string, { n: number; conversions: number }>();
  for (const { path, converted } of paths) {
    const states = ['(start)', ...path, converted ? '(conversion)' : '(null)'];
    for (let i = 1; i < states.length; i++) {
      const key = `${states[i - 1]} → ${states[i]}`;
      const c = counts.get(key) ?? { n: 0, conversions: 0 };
      counts.set(key, { n: c.n + 1, conversions: c.conversions + (converted ? 1 : 0) });
    }
  }
  return [...counts].map(([k, c]) => `${k}: ${c.n} (${c.conversions})`).sort();
}

async function counted(filters?: { channel: string }): Promise<string[]> {
  const rows = await markovTransitions(
    app.db,
    {
      siteId: SITE,
      groupBy: 'channel',
      from: t0 - DAY,
      to: t0 + 30 * DAY,
      window: DEFAULT_WINDOW,
      ...(filters ? { filters } : {}),
    },
    'customer',
  );
  return rows.map((r) => `${r.src} → ${r.dst}: ${Number(r.n)} (${Number(r.conversions)})`).sort();
}

beforeAll(async () => {
  app = await testApp(testConfig({ CLOSELOOP_ORIGIN_CHECK: 'false' }));
  publicKey = await addSite(app, SITE);
  // Each device's visitor id.
  const [catA, catB, patA, patB] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()] as const;
  const [v1, v2, v3] = [randomUUID(), randomUUID(), randomUUID()] as const;
  const twoTabs = randomUUID();
  // Later sessions first: the order of arrival must not matter.
  await send([
    // Cat, a customer: Paid Search (device A), then Email (device B).
    ...session(catB, t0 + DAY, 'Email', 'cat@example.com'),
    ...session(catA, t0, 'Paid Search', 'cat@example.com'),
    // Pat, a lead who is no customer: Paid Search on device B, then Direct on device A.
    ...session(patA, t0 + 2 * DAY, 'Direct', 'pat@example.com'),
    ...session(patB, t0 + DAY, 'Paid Search', 'pat@example.com'),
    // Anonymous: Direct then Email, sent the other way round.
    ...session(v1, t0 + 2 * DAY, 'Email'),
    ...session(v1, t0 + DAY, 'Direct'),
    // Anonymous: two sessions at the same moment — ordered by value (Email before Paid Social).
    ...session(v2, t0 + 3 * DAY, 'Paid Social'),
    ...session(v2, t0 + 3 * DAY, 'Email'),
    // Anonymous: Email, then Email again in two tabs (one session, two starts).
    ...session(v3, t0 + DAY, 'Email'),
    ...session(v3, t0 + 2 * DAY, 'Email', undefined, twoTabs),
  ]);
  await send(session(v3, t0 + 2 * DAY, 'Email', undefined, twoTabs));
  const res = await app.inject({
    method: 'POST',
    url: '/v1/conversions',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: {
      site: SITE,
      conversions: [{ record_id: 'deal-cat', email: 'cat@example.com', stage: 'customer', ts: t0 + 3 * DAY }],
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  await app.spool.drained(30_000);
});
afterAll(() => app?.close());

describe('Markov transitions', () => {
  it('order each journey that did not convert by time across devices, ties by value, one touch per session', async () => {
    expect(await counted()).toEqual(
      transitionsOf([
        { path: ['Paid Search', 'Email'], converted: true },
        { path: ['Paid Search', 'Direct'] },
        { path: ['Direct', 'Email'] },
        { path: ['Email', 'Paid Social'] },
        { path: ['Email', 'Email'] },
      ]),
    );
  });

  it('count the touches outside a segment as (other)', async () => {
    expect(await counted({ channel: 'Email' })).toEqual(
      transitionsOf([
        { path: ['(other)', 'Email'], converted: true },
        { path: ['(other)', '(other)'] },
        { path: ['(other)', 'Email'] },
        // the tie is ordered by the value the touch has in the segment: (other) before Email
        { path: ['(other)', 'Email'] },
        { path: ['Email', 'Email'] },
      ]),
    );
  });
});
