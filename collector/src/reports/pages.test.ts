/**
 * Landing pages, assisted conversions and page paths to conversion, on real embedded ClickHouse
 * through the real app: Ada reads a blog post (Google), comes back two days later to the home page,
 * pricing and contact where she fills the form; Bob takes the same three pages without converting;
 * Cleo reads the home page and "about".
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEvent } from '../../../sdk/src/protocol.js';
import { parseCsv } from '../cli/csv.js';
import { ADMIN_TOKEN, addSite, sendEvents, testApp, testConfig } from '../app/test-support.js';

const SITE = 'pages.example.com';
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
const DAY = 86_400_000;
const MIN = 60_000;
const t0 = Math.floor((Date.now() - 10 * DAY) / 1000) * 1000;
let app: FastifyInstance;

/** One session: page views of `pages` a minute apart, landing on the first; `email` fills the form on the last. */
function session(visitor: string, ts: number, pages: string[], referrer = '', email?: string): ClEvent[] {
  const session_id = randomUUID();
  const touch = { ts, referrer, landing_url: `https://${SITE}${pages[0]}` };
  const events: ClEvent[] = pages.map(
    (p, i) =>
      ({
        type: 'pageview',
        id: randomUUID(),
        ts: ts + i * MIN,
        visitor_id: visitor,
        session_id,
        url: `https://${SITE}${p}`,
        touch,
        ...(i === 0 ? { session_start: true } : {}),
      }) as ClEvent,
  );
  if (email)
    events.push({
      type: 'form',
      id: randomUUID(),
      ts: ts + pages.length * MIN,
      visitor_id: visitor,
      session_id,
      url: `https://${SITE}${pages.at(-1)}`,
      touch,
      form: { id: 'contact', fields: { email } },
      email,
    } as ClEvent);
  return events;
}

const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url, headers: AUTH });
  expect(res.statusCode, res.body).toBe(200);
  return res;
};
const range = `from=${new Date(t0 - DAY).toISOString()}&to=${new Date(t0 + 5 * DAY).toISOString()}`;

beforeAll(async () => {
  app = await testApp(testConfig({ CLOSELOOP_ORIGIN_CHECK: 'false' }));
  const key = await addSite(app, SITE);
  const [ada, bob, cleo] = [randomUUID(), randomUUID(), randomUUID()];
  const events = [
    ...session(ada, t0, ['/blog/post', '/pricing'], 'https://www.google.com/'),
    ...session(ada, t0 + 2 * DAY, ['/', '/pricing', '/pricing', '/contact'], '', 'ada@example.com'),
    ...session(bob, t0 + DAY, ['/', '/pricing', '/contact']),
    ...session(cleo, t0 + DAY, ['/', '/about']),
  ];
  await sendEvents(app, events, key);
  await app.spool.drained(30_000);
});

afterAll(async () => {
  await app?.close();
});

describe('landing pages', () => {
  it('entrances, conversions of the sessions that landed there, and assisted conversions', async () => {
    const { rows } = (await get(`/v1/reports/pages?site=${SITE}&${range}`)).json();
    const byPage = Object.fromEntries(rows.map((r: { page: string }) => [r.page, r]));
    expect(byPage['/']).toEqual({
      page: '/',
      entrances: 3,
      leads: 1,
      customers: 0,
      lead_rate: 0.3333,
      assisted_leads: 0,
      assisted_customers: 0,
    });
    expect(byPage['/blog/post']).toEqual({
      page: '/blog/post',
      entrances: 1,
      leads: 0,
      customers: 0,
      lead_rate: 0,
      assisted_leads: 1,
      assisted_customers: 0,
    });
    expect(rows[0].page).toBe('/'); // most entrances first
  });

  it('takes the filters: only Organic Search sessions', async () => {
    const { rows } = (await get(`/v1/reports/pages?site=${SITE}&${range}&channel=Organic%20Search`)).json();
    expect(rows).toEqual([
      {
        page: '/blog/post',
        entrances: 1,
        leads: 0,
        customers: 0,
        lead_rate: 0,
        assisted_leads: 1,
        assisted_customers: 0,
      },
    ]);
  });
});

describe('paths to conversion', () => {
  it('the pages of the converting session, entry to conversion (a reload counted once), and the share of sessions on that path that converted', async () => {
    const body = (await get(`/v1/reports/paths?site=${SITE}&${range}&conversion=lead`)).json();
    // Ada's and Bob's sessions both went / → /pricing → /contact; Ada's converted.
    expect(body.rows).toEqual([
      {
        path: '/ → /pricing → /contact',
        pages: ['/', '/pricing', '/contact'],
        conversions: 1,
        sessions: 2,
        conversion_rate: 0.5,
      },
    ]);
    expect((await get(`/v1/reports/paths?site=${SITE}&${range}&conversion=customer`)).json().rows).toEqual([]);
  });

  it('exports both tables as CSV', async () => {
    const paths = parseCsv((await get(`/v1/reports/paths?site=${SITE}&${range}&format=csv`)).body).map((r) => r.fields);
    expect(paths).toEqual([
      ['path', 'conversions', 'sessions', 'conversion_rate'],
      ['/ → /pricing → /contact', '1', '2', '0.5'],
    ]);
    const pages = parseCsv((await get(`/v1/reports/pages?site=${SITE}&${range}&format=csv`)).body).map((r) => r.fields);
    expect(pages[0]).toEqual([
      'page',
      'entrances',
      'leads',
      'customers',
      'lead_rate',
      'assisted_leads',
      'assisted_customers',
    ]);
    expect(pages).toContainEqual(['/', '3', '1', '0', '0.3333', '0', '0']);
  });
});
