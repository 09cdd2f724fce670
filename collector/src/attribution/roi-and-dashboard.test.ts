/**
 * Costs and ROI (POST /v1/costs, GET /v1/attribution/roi) and the dashboard reports (overview,
 * funnel) against hand-computed numbers, on the shared journeys of app/attribution-fixture.ts, sent
 * through the real app on real ClickHouse. The models' credit itself is in attribution.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../app/test-support.js';
import { DAY, SITE, t0, useAttributionFixture } from '../app/attribution-fixture.js';

const fixture = useAttributionFixture();

describe('costs and ROI', () => {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const postCosts = (body: object, key = ADMIN_TOKEN) =>
    fixture.app.inject({
      method: 'POST',
      url: '/v1/costs',
      headers: { authorization: `Bearer ${key}` },
      payload: body,
    });

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
    const res = await fixture.app.inject({
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

    const byChannel = await fixture.app.inject({
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
      (
        await postCosts({ site: SITE, date: '2026-01-01', source: 'x', amount: 1, currency: 'EUR' }, fixture.publicKey)
      ).json(),
    ).toMatchObject({ statusCode: 401, code: 'CL_UNAUTHORIZED' });
  });
});

describe('dashboard reports', () => {
  const range = `from=${new Date(t0 - DAY).toISOString()}&to=${new Date(t0 + 30 * DAY).toISOString()}`;
  const get = (url: string) =>
    fixture.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

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
