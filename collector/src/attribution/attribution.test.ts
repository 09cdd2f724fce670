/**
 * Every attribution model against hand-computed credit, on real embedded ClickHouse fed through
 * the real app (events over /v1/events, CRM stages and deals over /v1/conversions): a person on
 * two devices with four sessions, a one-touch lead, a lead whose first session is also its lead
 * session, and a CRM-only customer with no touch at all.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEvent, Touch } from '../../../sdk/src/protocol.js';
import { ADMIN_TOKEN, addSite, sendEvents, testApp, testConfig } from '../app/test-support.js';
import { ALL_MODELS, MODELS, type ConversionKind, type Model } from './models.js';

const DAY = 86_400_000;
const MIN = 60_000;
const t0 = Math.floor((Date.now() - 20 * DAY) / 1000) * 1000;
const SITE = 'shop.example.com';
let app: FastifyInstance;
let publicKey = '';

const touches = {
  spring: { referrer: '', utm_source: 'facebook', utm_medium: 'paid_social', utm_campaign: 'spring' },
  direct: { referrer: '' },
  google: { referrer: 'https://www.google.com/' },
  newsletter: { referrer: '', utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'nl' },
  brand: { referrer: '', utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'brand' },
} satisfies Record<string, Partial<Touch>>;

/** A session: a page view at `ts` from `touch`, and optionally an identifying event a minute later. */
function session(
  visitor: string,
  ts: number,
  touch: Partial<Touch>,
  identify?: { email: string; form?: boolean },
): ClEvent[] {
  const id = randomUUID();
  const t: Touch = {
    ts,
    landing_url: `https://${SITE}/?${new URLSearchParams(Object.entries(touch).filter(([k]) => k.startsWith('utm_')) as [string, string][])}`,
    referrer: '',
    ...touch,
  };
  const base = { visitor_id: visitor, session_id: id, url: `https://${SITE}/`, touch: t };
  const events: ClEvent[] = [{ ...base, type: 'pageview', id: randomUUID(), ts, session_start: true }];
  if (identify?.form)
    events.push({
      ...base,
      type: 'form',
      id: randomUUID(),
      ts: ts + MIN,
      form: { id: 'contact', fields: { email: identify.email } },
      email: identify.email,
    });
  else if (identify) events.push({ ...base, type: 'identify', id: randomUUID(), ts: ts + MIN, email: identify.email });
  return events;
}

const send = (events: ClEvent[]) => sendEvents(app, events, publicKey);

async function convert(conversions: object[]) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/conversions',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { site: SITE, conversions },
  });
  expect(res.statusCode, res.body).toBe(200);
}

type Row = { key: string; conversions: number; value: number };
interface Report {
  total: { conversions: number; value: number };
  rows: Row[];
}

async function report(model: Model, conversion: ConversionKind, groupBy = 'channel'): Promise<Report> {
  const from = new Date(t0 - DAY).toISOString();
  const to = new Date(t0 + 30 * DAY).toISOString();
  const res = await app.inject({
    method: 'GET',
    url: `/v1/attribution?site=${SITE}&model=${model}&conversion=${conversion}&groupBy=${groupBy}&from=${from}&to=${to}`,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Report;
}

const credit = (r: Report) =>
  Object.fromEntries(r.rows.map((row) => [row.key, Math.round(row.conversions * 1e6) / 1e6]));
const revenue = (r: Report) => Object.fromEntries(r.rows.map((row) => [row.key, Math.round(row.value * 100) / 100]));

beforeAll(async () => {
  app = await testApp(testConfig({ CLOSELOOP_ORIGIN_CHECK: 'false' }));
  publicKey = await addSite(app, SITE);
  const [adaA, adaB, bob, dan, anonymous] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  // Ada: spring (device A), Direct + newsletter form = lead (A), Google (device B), opportunity, newsletter mail (B), won 1,200.
  await send([
    ...session(adaA, t0, touches.spring),
    ...session(adaA, t0 + DAY, touches.direct, { email: 'ada@example.com', form: true }),
    ...session(adaB, t0 + 3 * DAY, touches.google, { email: 'Ada@Example.com' }),
    ...session(adaB, t0 + 5 * DAY, touches.newsletter),
    // Bob: one Direct session, identified there.
    ...session(bob, t0 + 2 * DAY, touches.direct, { email: 'bob@example.com' }),
    // Dan: a brand search that is also his lead session, then an email; won 500 without an opportunity stage.
    ...session(dan, t0 + 2 * DAY, touches.brand, { email: 'dan@example.com', form: true }),
    ...session(dan, t0 + 4 * DAY, touches.newsletter),
    // A visitor who never identifies: spring, then the newsletter; no conversion of any kind.
    ...session(anonymous, t0 + DAY, touches.spring),
    ...session(anonymous, t0 + 2 * DAY, touches.newsletter),
  ]);
  await convert([
    { record_id: 'opp-ada', email: 'ada@example.com', stage: 'opportunity', ts: t0 + 4 * DAY },
    {
      record_id: 'deal-ada',
      email: 'ada@example.com',
      stage: 'customer',
      amount: 1200,
      currency: 'EUR',
      ts: t0 + 6 * DAY,
    },
    {
      record_id: 'deal-dan',
      email: 'dan@example.com',
      stage: 'customer',
      amount: 500,
      currency: 'EUR',
      ts: t0 + 5 * DAY,
    },
    // Carol: a customer the web never saw.
    {
      record_id: 'deal-carol',
      email: 'carol@example.com',
      stage: 'customer',
      amount: 99,
      currency: 'EUR',
      ts: t0 + 6 * DAY,
    },
  ]);
  await app.spool.drained(30_000);
});
afterAll(() => app?.close());

describe('rule-based models, by channel, against hand-computed credit', () => {
  // Leads: Ada [Paid Social, Direct(lead)], Bob [Direct(lead)], Dan [Paid Search(lead)]; Carol is no lead.
  const decay = (ageMs: number) => 2 ** (-ageMs / (7 * DAY));
  const adaLeadDecay = [decay(DAY + MIN), decay(MIN)]; // the lead is at t0 + 1 day + 1 minute
  const adaSocial = adaLeadDecay[0]! / (adaLeadDecay[0]! + adaLeadDecay[1]!);
  const leads: Record<(typeof MODELS)[number], Record<string, number>> = {
    first_touch: { 'Paid Social': 1, Direct: 1, 'Paid Search': 1 },
    last_touch: { Direct: 2, 'Paid Search': 1 },
    last_non_direct: { 'Paid Social': 1, Direct: 1, 'Paid Search': 1 },
    linear: { 'Paid Social': 0.5, Direct: 1.5, 'Paid Search': 1 },
    time_decay: { 'Paid Social': adaSocial, Direct: 1 + (1 - adaSocial), 'Paid Search': 1 },
    u_shaped: { 'Paid Social': 0.5, Direct: 1.5, 'Paid Search': 1 },
    w_shaped: { 'Paid Social': 0.5, Direct: 1.5, 'Paid Search': 1 },
    full_path: { 'Paid Social': 0.5, Direct: 1.5, 'Paid Search': 1 },
  };
  for (const model of MODELS) {
    it(`${model}: leads`, async () => {
      const r = await report(model, 'lead');
      expect(r.total).toEqual({ conversions: 3, value: 3 });
      const expected = Object.fromEntries(Object.entries(leads[model]).map(([k, v]) => [k, Math.round(v * 1e6) / 1e6]));
      expect(credit(r)).toEqual(expected);
    });
  }

  // Customers: Ada [Paid Social, Direct(lead), Organic Search(opportunity), Email(close)] 1,200;
  // Dan [Paid Search(first + lead), Email(close)] 500; Carol: no touch, 99.
  const adaDecay = [decay(6 * DAY), decay(5 * DAY), decay(3 * DAY), decay(DAY)];
  const danDecay = [decay(3 * DAY), decay(DAY)];
  const norm = (w: number[]) => w.map((x) => x / w.reduce((a, b) => a + b, 0));
  const weights: Record<(typeof MODELS)[number], { ada: number[]; dan: number[] }> = {
    first_touch: { ada: [1, 0, 0, 0], dan: [1, 0] },
    last_touch: { ada: [0, 0, 0, 1], dan: [0, 1] },
    last_non_direct: { ada: [0, 0, 0, 1], dan: [0, 1] },
    linear: { ada: [0.25, 0.25, 0.25, 0.25], dan: [0.5, 0.5] },
    time_decay: { ada: norm(adaDecay), dan: norm(danDecay) },
    // 40 % first, 40 % lead touch, 20 % the rest; Dan's first touch is his lead touch (80 %).
    u_shaped: { ada: [0.4, 0.4, 0.1, 0.1], dan: [0.8, 0.2] },
    // 30 / 30 / 30 + 10 % the rest; Dan: both touches have roles, the 10 % is split over both.
    w_shaped: { ada: [0.3, 0.3, 0.1, 0.3], dan: [0.65, 0.35] },
    // 22.5 % each to first, lead, opportunity, close; Dan had no opportunity stage: the rest is scaled up.
    full_path: { ada: [0.25, 0.25, 0.25, 0.25], dan: norm([0.225 * 2 + 0.05, 0.225 + 0.05]) },
  };
  const adaChannels = ['Paid Social', 'Direct', 'Organic Search', 'Email'];
  const danChannels = ['Paid Search', 'Email'];
  for (const model of MODELS) {
    it(`${model}: customers and revenue`, async () => {
      const expectCredit: Record<string, number> = { '(no touch)': 1 };
      const expectRevenue: Record<string, number> = { '(no touch)': 99 };
      weights[model].ada.forEach((w, i) => {
        expectCredit[adaChannels[i]!] = (expectCredit[adaChannels[i]!] ?? 0) + w;
        expectRevenue[adaChannels[i]!] = (expectRevenue[adaChannels[i]!] ?? 0) + 1200 * w;
      });
      weights[model].dan.forEach((w, i) => {
        expectCredit[danChannels[i]!] = (expectCredit[danChannels[i]!] ?? 0) + w;
        expectRevenue[danChannels[i]!] = (expectRevenue[danChannels[i]!] ?? 0) + 500 * w;
      });
      const clean = (o: Record<string, number>, digits: number) =>
        Object.fromEntries(
          Object.entries(o)
            .filter(([, v]) => v !== 0)
            .map(([k, v]) => [k, Math.round(v * digits) / digits]),
        );
      const customers = await report(model, 'customer');
      expect(customers.total).toEqual({ conversions: 3, value: 3 });
      expect(credit(customers)).toEqual(clean(expectCredit, 1e6));
      const rev = await report(model, 'revenue');
      expect(rev.total).toEqual({ conversions: 3, value: 1799 });
      expect(revenue(rev)).toEqual(clean(expectRevenue, 100));
    });
  }
});

describe('the Markov model', () => {
  it('credits leads by removal effect (hand-computed from the three lead paths and the anonymous one)', async () => {
    // Paths: Paid Social → Direct → lead, Direct → lead, Paid Search → lead, and the anonymous
    // visitor's Paid Social → Email → (null). P(lead) = ¾; removal effects: Paid Social ⅓, Direct ⅔,
    // Paid Search ⅓, Email 0 → shares ¼, ½, ¼ of 3 leads (the same as without the anonymous path:
    // the customers test below is the one where journeys that did not convert move the credit).
    expect(credit(await report('markov', 'lead'))).toEqual({ Direct: 1.5, 'Paid Social': 0.75, 'Paid Search': 0.75 });
  });

  it('credits customers and revenue with the journeys that did not convert: a lead who is no customer, an anonymous visitor', async () => {
    // Converting: Ada Paid Social → Direct → Organic Search → Email (1,200), Dan Paid Search → Email (500);
    // not converting: Bob (a lead, no customer) Direct → (null), the anonymous visitor Paid Social → Email → (null);
    // Carol has no touch: (no touch) gets her conversion and her 99.
    // P(Email) = P(Organic) = ⅔, P(Direct) = ⅓, P(Paid Social) = ½, P(Paid Search) = ⅔, P(start) = ½.
    // Removal effects: Paid Social ½, Direct ⅓, Organic Search ⅓, Email 1, Paid Search ⅓ (sum 2.5).
    const share = {
      'Paid Social': 0.5 / 2.5,
      Direct: 1 / 3 / 2.5,
      'Organic Search': 1 / 3 / 2.5,
      Email: 1 / 2.5,
      'Paid Search': 1 / 3 / 2.5,
    };
    const expected = (total: number) => Object.fromEntries(Object.entries(share).map(([k, v]) => [k, v * total]));
    const customers = await report('markov', 'customer');
    expect(customers.total).toEqual({ conversions: 3, value: 3 });
    const round = (o: Record<string, number>, digits: number) =>
      Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * digits) / digits]));
    expect(credit(customers)).toEqual(round({ ...expected(2), '(no touch)': 1 }, 1e6));
    const rev = await report('markov', 'revenue');
    expect(rev.total).toEqual({ conversions: 3, value: 1799 });
    expect(revenue(rev)).toEqual(round({ ...expected(1700), '(no touch)': 99 }, 100));
  });
});

describe('every model', () => {
  it('credits add up to the totals of leads, customers and revenue, grouped by any dimension', async () => {
    for (const conversion of ['lead', 'customer', 'revenue'] as const) {
      for (const groupBy of ['channel', 'campaign', 'landing_page']) {
        const res = await app.inject({
          method: 'GET',
          url: `/v1/attribution/compare?site=${SITE}&conversion=${conversion}&groupBy=${groupBy}&from=${new Date(t0 - DAY).toISOString()}&to=${new Date(t0 + 30 * DAY).toISOString()}`,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const r = res.json() as {
          total: { conversions: number; value: number };
          rows: Record<string, { conversions: number; value: number }>[];
        };
        for (const model of ALL_MODELS) {
          const sum = r.rows.reduce((a, row) => ({ c: a.c + row[model]!.conversions, v: a.v + row[model]!.value }), {
            c: 0,
            v: 0,
          });
          expect(sum.c, `${model} ${conversion} ${groupBy}`).toBeCloseTo(r.total.conversions, 4);
          expect(sum.v, `${model} ${conversion} ${groupBy}`).toBeCloseTo(r.total.value, 4);
        }
      }
    }
  });
});

describe('the attribution API', () => {
  it('compares every model side by side, with the same numbers as the one-model calls', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/attribution/compare?site=${SITE}&conversion=lead&from=${new Date(t0 - DAY).toISOString()}&to=${new Date(t0 + 30 * DAY).toISOString()}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { models: string[]; rows: Record<string, { conversions: number } | string>[] };
    expect(body.models).toEqual(ALL_MODELS);
    const direct = body.rows.find((r) => r.key === 'Direct')!;
    expect((direct.linear as { conversions: number }).conversions).toBeCloseTo(1.5, 9);
    expect((direct.markov as { conversions: number }).conversions).toBeCloseTo(1.5, 9);
  });

  it('refuses the public key and bad parameters with clear 4xx codes', async () => {
    const publicKeyCall = await app.inject({
      method: 'GET',
      url: `/v1/attribution?site=${SITE}`,
      headers: { authorization: `Bearer ${publicKey}` },
    });
    expect(publicKeyCall.json()).toMatchObject({ statusCode: 401, code: 'CL_UNAUTHORIZED' });
    const bad = await app.inject({
      method: 'GET',
      url: `/v1/attribution?site=${SITE}&model=magic`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(bad.json()).toMatchObject({ statusCode: 400, code: 'CL_INVALID_REQUEST', path: 'model' });
    const badDim = await app.inject({
      method: 'GET',
      url: `/v1/attribution?site=${SITE}&groupBy=visitor_id`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(badDim.json()).toMatchObject({ statusCode: 400, path: 'groupBy' });
  });
});

describe('costs and ROI', () => {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const postCosts = (body: object, key = ADMIN_TOKEN) =>
    app.inject({ method: 'POST', url: '/v1/costs', headers: { authorization: `Bearer ${key}` }, payload: body });

  it('stores spend per day and campaign, idempotently, and reports ROI per campaign under a model', async () => {
    const first = await postCosts({
      site: SITE,
      costs: [
        { date: day(t0), source: 'facebook', medium: 'paid_social', campaign: 'spring', amount: 300, currency: 'EUR' },
        { date: day(t0 + DAY), source: 'google', medium: 'cpc', campaign: 'brand', amount: 200, currency: 'EUR' },
      ],
    });
    expect(first.json()).toEqual({ received: 2, created: 2, updated: 0 });
    // The ad platform corrected a day: sending it again replaces it.
    const again = await postCosts({
      site: SITE,
      date: day(t0 + DAY),
      source: 'google',
      medium: 'cpc',
      campaign: 'brand',
      amount: 250,
      currency: 'eur',
    });
    expect(again.json()).toEqual({ received: 1, created: 0, updated: 1 });

    const range = `from=${new Date(t0 - DAY).toISOString()}&to=${new Date(t0 + 30 * DAY).toISOString()}`;
    const res = await app.inject({
      method: 'GET',
      url: `/v1/attribution/roi?site=${SITE}&model=linear&groupBy=campaign&${range}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { total: Record<string, number>; rows: Record<string, number | string | null>[] };
    const byKey = Object.fromEntries(body.rows.map((r) => [r.key, r]));
    // spring: half of Ada's lead, a quarter of Ada as a customer and of her 1,200; cost 300.
    expect(byKey.spring).toMatchObject({
      cost: 300,
      leads: 0.5,
      customers: 0.25,
      revenue: 300,
      cost_per_lead: 600,
      cac: 1200,
      roas: 1,
      roi: 0,
    });
    // brand: Dan's lead, half of Dan as a customer and of his 500; cost 250.
    expect(byKey.brand).toMatchObject({
      cost: 250,
      leads: 1,
      customers: 0.5,
      revenue: 250,
      cost_per_lead: 250,
      cac: 500,
      roas: 1,
      roi: 0,
    });
    expect(byKey.nl).toMatchObject({ cost: 0, cost_per_lead: null, cac: null, roas: null, roi: null });
    expect(body.total).toMatchObject({ cost: 550, leads: 3, customers: 3, revenue: 1799 });

    const byChannel = await app.inject({
      method: 'GET',
      url: `/v1/attribution/roi?site=${SITE}&model=linear&groupBy=channel&${range}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(
      Object.fromEntries((byChannel.json().rows as { key: string; cost: number }[]).map((r) => [r.key, r.cost])),
    ).toMatchObject({ 'Paid Social': 300, 'Paid Search': 250 });
  });

  it('refuses bad cost rows and the public key', async () => {
    expect(
      (await postCosts({ site: SITE, date: '2026-13-01', source: 'x', amount: 1, currency: 'EUR' })).json(),
    ).toMatchObject({ statusCode: 400, path: 'date' });
    expect(
      (await postCosts({ site: SITE, date: '2026-01-01', source: 'x', amount: -1, currency: 'EUR' })).json(),
    ).toMatchObject({ statusCode: 400, path: 'amount' });
    expect(
      (await postCosts({ site: SITE, date: '2026-01-01', source: 'x', amount: 1, currency: 'EUR' }, publicKey)).json(),
    ).toMatchObject({ statusCode: 401, code: 'CL_UNAUTHORIZED' });
  });
});

describe('dashboard reports', () => {
  const range = `from=${new Date(t0 - DAY).toISOString()}&to=${new Date(t0 + 30 * DAY).toISOString()}`;
  const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

  it('overview: totals and a daily series of visitors, leads, customers and revenue', async () => {
    const res = await get(`/v1/reports/overview?site=${SITE}&${range}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      totals: Record<string, number>;
      series: { day: string; visitors: number; leads: number; revenue: number }[];
    };
    expect(body.totals).toEqual({ visitors: 5, sessions: 9, pageviews: 9, leads: 3, customers: 3, revenue: 1799 });
    expect(body.series).toHaveLength(32); // every calendar day the range touches (it starts and ends mid-day)
    const day = (ms: number) => body.series.find((p) => p.day === new Date(ms).toISOString().slice(0, 10))!;
    expect(day(t0)).toMatchObject({ visitors: 1 });
    expect(day(t0 + 6 * DAY)).toMatchObject({ revenue: 1299 });
    expect(body.series.reduce((a, p) => a + p.leads, 0)).toBe(3);
  });

  it('funnel: visitors, leads and customers by first-touch channel (across devices), a cohort that never passes 100 %', async () => {
    const res = await get(`/v1/reports/funnel?site=${SITE}&${range}`);
    const body = res.json() as {
      rows: { channel: string; lead_rate: number | null; customer_rate: number | null }[];
      without_visit: object;
    };
    const rows = Object.fromEntries(body.rows.map((r) => [r.channel, r]));
    // Paid Social: Ada's device A and the anonymous visitor.
    expect(rows['Paid Social']).toEqual({
      channel: 'Paid Social',
      visitors: 2,
      leads: 1,
      customers: 1,
      lead_rate: 0.5,
      customer_rate: 1,
    });
    expect(rows['Organic Search']).toMatchObject({
      visitors: 1,
      leads: 0,
      customers: 0,
      lead_rate: 0,
      customer_rate: null,
    });
    expect(rows.Direct).toMatchObject({ visitors: 1, leads: 1, customers: 0 });
    expect(rows['Paid Search']).toMatchObject({ visitors: 1, leads: 1, customers: 1 });
    // The CRM-only customer never visited: apart, not a row (and not a lead of the range either).
    expect(rows['(no touch)']).toBeUndefined();
    expect(body.without_visit).toEqual({ leads: 0, customers: 0 });
    for (const r of body.rows) expect([r.lead_rate ?? 0, r.customer_rate ?? 0].every((x) => x <= 1)).toBe(true);
  });

  it('refuses a reversed range', async () => {
    expect((await get(`/v1/reports/overview?site=${SITE}&from=2026-02-01&to=2026-01-01`)).json()).toMatchObject({
      statusCode: 400,
      path: 'from',
    });
  });
});
