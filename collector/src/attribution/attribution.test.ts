/**
 * Every attribution model against hand-computed credit, on the shared journeys of
 * app/attribution-fixture.ts (a person on two devices with four sessions, a one-touch lead, a lead
 * whose first session is also its lead session, an anonymous visitor, a CRM-only customer with no
 * touch): the rule-based models by channel, the Markov model, credits adding up to the totals under
 * every model and dimension, and the attribution API's comparison and refusals. Costs, ROI and the
 * dashboard reports on the same journeys are in roi-and-dashboard.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../app/test-support.js';
import { credit, DAY, MIN, revenue, SITE, t0, useAttributionFixture } from '../app/attribution-fixture.js';
import { ALL_MODELS, MODELS } from './models.js';

const fixture = useAttributionFixture();

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
      const r = await fixture.report(model, 'lead');
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
      const customers = await fixture.report(model, 'customer');
      expect(customers.total).toEqual({ conversions: 3, value: 3 });
      expect(credit(customers)).toEqual(clean(expectCredit, 1e6));
      const rev = await fixture.report(model, 'revenue');
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
    expect(credit(await fixture.report('markov', 'lead'))).toEqual({
      Direct: 1.5,
      'Paid Social': 0.75,
      'Paid Search': 0.75,
    });
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
    const customers = await fixture.report('markov', 'customer');
    expect(customers.total).toEqual({ conversions: 3, value: 3 });
    const round = (o: Record<string, number>, digits: number) =>
      Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * digits) / digits]));
    expect(credit(customers)).toEqual(round({ ...expected(2), '(no touch)': 1 }, 1e6));
    const rev = await fixture.report('markov', 'revenue');
    expect(rev.total).toEqual({ conversions: 3, value: 1799 });
    expect(revenue(rev)).toEqual(round({ ...expected(1700), '(no touch)': 99 }, 100));
  });
});

describe('every model', () => {
  it('credits add up to the totals of leads, customers and revenue, grouped by any dimension', async () => {
    for (const conversion of ['lead', 'customer', 'revenue'] as const) {
      for (const groupBy of ['channel', 'campaign', 'landing_page']) {
        const res = await fixture.app.inject({
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
    const res = await fixture.app.inject({
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
    const publicKeyCall = await fixture.app.inject({
      method: 'GET',
      url: `/v1/attribution?site=${SITE}`,
      headers: { authorization: `Bearer ${fixture.publicKey}` },
    });
    expect(publicKeyCall.json()).toMatchObject({ statusCode: 401, code: 'CL_UNAUTHORIZED' });
    const bad = await fixture.app.inject({
      method: 'GET',
      url: `/v1/attribution?site=${SITE}&model=magic`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(bad.json()).toMatchObject({ statusCode: 400, code: 'CL_INVALID_REQUEST', path: 'model' });
    const badDim = await fixture.app.inject({
      method: 'GET',
      url: `/v1/attribution?site=${SITE}&groupBy=visitor_id`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(badDim.json()).toMatchObject({ statusCode: 400, path: 'groupBy' });
  });
});
