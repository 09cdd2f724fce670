/**
 * The report parameters every report endpoint shares, on real embedded ClickHouse through the real
 * app: calendar days in the site's time zone, comparison with the previous period and a year
 * earlier, filters on every session dimension (bound, never interpolated), `(none)` for empty
 * values, rounded money, today's spend in ROI, and CSV export safe to open in a spreadsheet.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEvent, Touch } from '../../../sdk/src/protocol.js';
import { parseCsv } from '../cli/csv.js';
import { ADMIN_TOKEN, CHROME_UA, addSite, sendEvents, testApp, testConfig } from '../app/test-support.js';
import { addDays, dayOf, startOfDay } from '../scope/time-zone.js';

const SITE = 'paris.example.com';
const TZ = 'Europe/Paris';
const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const HOUR = 3_600_000;
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
let app: FastifyInstance;
let publicKey = '';

const today = dayOf(Date.now(), TZ);
/** Day D: ten days ago in Paris; its first half hour is still the day before in UTC. */
const D = addDays(today, -10);
const justAfterMidnight = startOfDay(D, TZ) + HOUR / 2;

function visit(ts: number, touch: Partial<Touch>, email?: string): ClEvent[] {
  const [visitor, session] = [randomUUID(), randomUUID()];
  const base = {
    visitor_id: visitor,
    session_id: session,
    url: `https://${SITE}/pricing`,
    touch: { ts, referrer: '', landing_url: `https://${SITE}/pricing`, ...touch },
  };
  const events: ClEvent[] = [{ ...base, type: 'pageview', id: randomUUID(), ts, session_start: true }];
  if (email) events.push({ ...base, type: 'identify', id: randomUUID(), ts: ts + 60_000, email });
  return events;
}

const send = (events: ClEvent[], ua = CHROME_UA) => sendEvents(app, events, publicKey, ua);

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers: { ...AUTH, ...headers } });
async function json<T = Record<string, any>>(url: string): Promise<T> {
  const res = await get(url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
}

beforeAll(async () => {
  app = await testApp(testConfig({ CLOSELOOP_ORIGIN_CHECK: 'false' }));
  publicKey = await addSite(app, SITE);
  const set = await app.inject({
    method: 'PATCH',
    url: `/v1/admin/sites/${SITE}`,
    headers: AUTH,
    payload: { time_zone: TZ },
  });
  expect(set.statusCode, set.body).toBe(200);
  expect(set.json().time_zone).toBe(TZ);
  // Desktop: Ada from a Google Ads campaign just after midnight (Paris) of day D, a lead; Bob, a direct visit (no campaign) that afternoon.
  await send([
    ...visit(justAfterMidnight, { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'brand' }, 'ada@example.com'),
    ...visit(startOfDay(D, TZ) + 15 * HOUR, {}),
    // A campaign name a spreadsheet would run as a formula.
    ...visit(startOfDay(D, TZ) + 16 * HOUR, {
      utm_source: 'news',
      utm_medium: 'email',
      utm_campaign: '=HYPERLINK("http://evil.example","x")',
    }),
    // The week before: one visit from the same Google campaign.
    ...visit(startOfDay(addDays(D, -7), TZ) + 12 * HOUR, {
      utm_source: 'google',
      utm_medium: 'cpc',
      utm_campaign: 'brand',
    }),
  ]);
  // Mobile: Cleo from a Facebook campaign on day D, a lead.
  await send(
    visit(
      startOfDay(D, TZ) + 10 * HOUR,
      { utm_source: 'facebook', utm_medium: 'paid_social', utm_campaign: 'spring' },
      'cleo@example.com',
    ),
    IPHONE_UA,
  );
  const conv = await app.inject({
    method: 'POST',
    url: '/v1/conversions',
    headers: AUTH,
    payload: {
      site: SITE,
      conversions: [
        { record_id: 'lead-ada', email: 'ada@example.com', stage: 'lead', ts: justAfterMidnight + HOUR },
        { record_id: 'lead-cleo', email: 'cleo@example.com', stage: 'lead', ts: startOfDay(D, TZ) + 11 * HOUR },
      ],
    },
  });
  expect(conv.statusCode, conv.body).toBe(200);
  // Spend: 0.1 + 0.2 on day D (floating point would say 0.30000000000000004), and 7 today.
  const costs = await app.inject({
    method: 'POST',
    url: '/v1/costs',
    headers: AUTH,
    payload: {
      site: SITE,
      costs: [
        { date: D, source: 'google', medium: 'cpc', campaign: 'brand', amount: 0.1, currency: 'EUR' },
        { date: addDays(D, 1), source: 'google', medium: 'cpc', campaign: 'brand', amount: 0.2, currency: 'EUR' },
        { date: today, source: 'google', medium: 'cpc', campaign: 'brand', amount: 7, currency: 'EUR' },
      ],
    },
  });
  expect(costs.statusCode, costs.body).toBe(200);
  await app.spool.drained(30_000);
});

afterAll(async () => {
  await app?.close();
});

describe('report range in the site time zone', () => {
  it('counts days of the site time zone: a visit at 00:30 Paris is on day D, not the day before', async () => {
    const day = await json(`/v1/reports/overview?site=${SITE}&from=${D}&to=${addDays(D, 1)}`);
    expect(day.time_zone).toBe(TZ);
    expect(day.from).toBe(new Date(startOfDay(D, TZ)).toISOString());
    expect(day.totals).toMatchObject({ visitors: 4, sessions: 4, leads: 2 });
    expect(day.series).toEqual([expect.objectContaining({ day: D, visitors: 4, leads: 2 })]);
    const before = await json(`/v1/reports/overview?site=${SITE}&from=${addDays(D, -1)}&to=${D}`);
    expect(before.totals.visitors).toBe(0);
  });

  it('refuses a reversed range, an unknown comparison and an unknown time zone', async () => {
    expect((await get(`/v1/reports/funnel?site=${SITE}&from=${D}&to=${addDays(D, -1)}`)).json()).toMatchObject({
      statusCode: 400,
      path: 'from',
    });
    expect((await get(`/v1/attribution?site=${SITE}&compare=lastweek`)).json()).toMatchObject({
      statusCode: 400,
      path: 'compare',
    });
    const tz = await app.inject({
      method: 'PATCH',
      url: `/v1/admin/sites/${SITE}`,
      headers: AUTH,
      payload: { time_zone: 'Mars/Olympus' },
    });
    expect(tz.json()).toMatchObject({ statusCode: 400, path: 'time_zone' });
  });
});

describe('comparison', () => {
  it('previous: the as-long period just before, under compare', async () => {
    const r = await json(`/v1/reports/overview?site=${SITE}&from=${D}&to=${addDays(D, 7)}&compare=previous`);
    expect(r.compare.from).toBe(new Date(startOfDay(addDays(D, -7), TZ)).toISOString());
    expect(r.compare.to).toBe(r.from);
    expect(r.compare.totals).toMatchObject({ visitors: 1, leads: 0 });
    const roi = await json(
      `/v1/attribution/roi?site=${SITE}&from=${D}&to=${addDays(D, 7)}&compare=previous&groupBy=campaign&model=last_touch`,
    );
    expect(roi.rows.find((x: { key: string }) => x.key === 'brand')).toMatchObject({
      visitors: 1,
      leads: 1,
      cost: 0.3,
    });
    expect(roi.compare.rows.find((x: { key: string }) => x.key === 'brand')).toMatchObject({ visitors: 1, leads: 0 });
  });

  it('year: the same dates a year earlier', async () => {
    const r = await json(`/v1/attribution?site=${SITE}&from=${D}&to=${addDays(D, 1)}&compare=year`);
    expect(r.compare.from).toBe(new Date(startOfDay(`${Number(D.slice(0, 4)) - 1}${D.slice(4)}`, TZ)).toISOString());
    expect(r.compare.rows).toEqual([]);
  });
});

describe('filters', () => {
  const range = `from=${D}&to=${addDays(D, 1)}`;
  it('select sessions by touch and by device on every report, and agree with each other', async () => {
    const paid = await json(`/v1/reports/overview?site=${SITE}&${range}&channel=Paid%20Search`);
    expect(paid.totals).toMatchObject({ visitors: 1, leads: 1 });
    const mobile = await json(`/v1/reports/overview?site=${SITE}&${range}&device=mobile`);
    expect(mobile.totals).toMatchObject({ visitors: 1, leads: 1 });
    const desktopChrome = await json(`/v1/reports/overview?site=${SITE}&${range}&device=desktop&browser=Chrome`);
    expect(desktopChrome.totals).toMatchObject({ visitors: 3, leads: 1 });
    const funnel = await json(`/v1/reports/funnel?site=${SITE}&${range}&device=mobile`);
    expect(funnel.rows).toEqual([
      { channel: 'Paid Social', visitors: 1, leads: 1, customers: 0, lead_rate: 1, customer_rate: 0 },
    ]);
    for (const model of ['linear', 'markov']) {
      const credit = await json(
        `/v1/attribution?site=${SITE}&${range}&conversion=lead&model=${model}&groupBy=campaign&source=facebook`,
      );
      expect(credit.rows, model).toEqual([{ key: 'spring', conversions: 1, value: 1 }]);
      expect(credit.total, model).toEqual({ conversions: 1, value: 1 });
    }
    const roi = await json(
      `/v1/attribution/roi?site=${SITE}&${range}&groupBy=channel&landing_page=/pricing&medium=cpc`,
    );
    expect(roi.rows.map((x: { key: string }) => x.key)).toEqual(['Paid Search']);
  });

  it('(none) is the label of an empty value and filters for it', async () => {
    const all = await json(`/v1/attribution/roi?site=${SITE}&${range}&groupBy=campaign`);
    expect(all.rows.map((x: { key: string }) => x.key)).toContain('(none)');
    expect(all.rows.map((x: { key: string }) => x.key)).not.toContain('');
    const none = await json(`/v1/attribution/roi?site=${SITE}&${range}&groupBy=campaign&campaign=(none)`);
    expect(none.rows).toEqual([expect.objectContaining({ key: '(none)', visitors: 1, sessions: 1 })]);
  });

  it('are bound values: SQL in a filter is a value that matches nothing', async () => {
    for (const evil of ["x' OR 1=1 --", 'brand) OR (1=1', '{site:String}']) {
      const r = await json(`/v1/attribution/roi?site=${SITE}&${range}&campaign=${encodeURIComponent(evil)}`);
      expect(r.rows, evil).toEqual([]);
    }
    expect((await get(`/v1/reports/overview?site=${SITE}&channel=${'x'.repeat(501)}`)).json()).toMatchObject({
      statusCode: 400,
      path: 'channel',
    });
  });
});

describe('ROI money', () => {
  it("without `to`, includes today's spend; sums are rounded to cents", async () => {
    const r = await json(`/v1/attribution/roi?site=${SITE}&groupBy=campaign`);
    expect(r.rows.find((x: { key: string }) => x.key === 'brand').cost).toBe(7.3);
    const d = await json(
      `/v1/attribution/roi?site=${SITE}&from=${D}&to=${addDays(D, 2)}&groupBy=campaign&model=first_touch`,
    );
    expect(d.total.cost).toBe(0.3);
    expect(d.rows.find((x: { key: string }) => x.key === 'brand')).toMatchObject({
      cost: 0.3,
      leads: 1,
      cost_per_lead: 0.3,
    });
  });
});

describe('CSV export', () => {
  const range = `from=${D}&to=${addDays(D, 1)}`;
  it('answers text/csv for format=csv or Accept: text/csv, the same rows as the JSON', async () => {
    const url = `/v1/attribution/roi?site=${SITE}&${range}&groupBy=campaign`;
    const api = await json(url);
    for (const res of [await get(`${url}&format=csv`), await get(url, { accept: 'text/csv' })]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="attribution-roi\.csv"$/);
      const [header, ...rows] = parseCsv(res.body).map((r) => r.fields);
      expect(header).toEqual([
        'key',
        'visitors',
        'sessions',
        'cost',
        'leads',
        'customers',
        'revenue',
        'cost_per_lead',
        'cac',
        'roas',
        'roi',
      ]);
      expect(rows.map((r) => r[0]!.replace(/^'/, ''))).toEqual(api.rows.map((r: { key: string }) => r.key));
      expect(rows.map((r) => Number(r[1]))).toEqual(api.rows.map((r: { visitors: number }) => r.visitors));
    }
    expect((await get(`${url}&format=json`, { accept: 'text/csv' })).headers['content-type']).toMatch(/json/);
  });

  it('a campaign named like a formula is written as text', async () => {
    const res = await get(`/v1/attribution/roi?site=${SITE}&${range}&groupBy=campaign&format=csv`);
    expect(res.body).toContain('"\'=HYPERLINK(""http://evil.example"",""x"")"');
    expect(res.body).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it('every report has a table, with the comparison period beside it', async () => {
    for (const path of ['reports/overview', 'reports/funnel', 'attribution', 'attribution/compare']) {
      const res = await get(`/v1/${path}?site=${SITE}&${range}&compare=previous&format=csv`);
      expect(res.statusCode, path).toBe(200);
      const [header] = parseCsv(res.body).map((r) => r.fields);
      expect(
        header!.some((h) => h.endsWith('_previous')),
        path,
      ).toBe(true);
    }
  });
});
