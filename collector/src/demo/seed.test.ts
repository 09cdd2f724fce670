/**
 * The demo data set: deterministic, realistic in shape, and — on this generated data set, with
 * thousands of people, several devices and revenue — every attribution model's credits add up to
 * the totals.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareModels } from '../attribution/report.js';
import { ALL_MODELS, CONVERSIONS } from '../attribution/models.js';
import { sql, testApp } from '../app/test-support.js';
import { generateDemoData, hasDemoData, seedDemoData } from './seed.js';

const END = Date.UTC(2026, 10, 25, 12);
let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp();
  expect(await hasDemoData(app.db)).toBe(false);
  await seedDemoData(app.db, END, 1200); // smaller than the demo's 3,000 visitors: same shape, faster queries
});
afterAll(() => app?.close());

describe('demo data', () => {
  it('is the same every time for the same end', () => {
    const a = generateDemoData(END, 200);
    const b = generateDemoData(END, 200);
    expect(b.rows.map((r) => r.event_id)).toEqual(a.rows.map((r) => r.event_id));
    expect(b.conversions).toEqual(a.conversions);
  });

  it("puts every page and landing URL on the collector's own demo site, whatever its port", () => {
    const { rows } = generateDemoData(END, 50, undefined, 'http://localhost:18560');
    const origins = new Set(rows.flatMap((r) => [r.url, r.landing_url].filter(Boolean)).map((u) => new URL(u).origin));
    expect([...origins]).toEqual(['http://localhost:18560']);
  });

  it('looks like a real site: channels, returning visitors, two-device leads, customers, lost deals and costs', async () => {
    expect(await hasDemoData(app.db)).toBe(true);
    const [t] = await sql<Record<string, string>>(
      app,
      `
      SELECT uniqExact(visitor_id) AS visitors, uniqExact(session_id) AS sessions, uniqExact(channel) AS channels,
             uniqExact(utm_campaign) AS campaigns, countIf(type = 'form') AS forms, max(ts) <= '2026-11-25 12:00:00' AS ends_in_time
      FROM events WHERE site_id = 'demo'`,
    );
    expect(Number(t!.visitors)).toBeGreaterThan(900);
    expect(Number(t!.sessions)).toBeGreaterThan(Number(t!.visitors) * 1.3);
    expect(Number(t!.channels)).toBeGreaterThanOrEqual(9);
    expect(Number(t!.campaigns)).toBeGreaterThanOrEqual(10);
    expect(Number(t!.ends_in_time)).toBe(1);
    const [p] = await sql<Record<string, string>>(
      app,
      `
      SELECT count() AS people, countIf(visitors > 1) AS multi_device, countIf(stage = 'customer') AS customers,
             countIf(stage = 'lost') AS lost, toFloat64(sum(revenue)) AS revenue
      FROM people WHERE site_id = 'demo'`,
    );
    expect(Number(p!.people)).toBe(Number(t!.forms));
    expect(Number(p!.multi_device)).toBeGreaterThan(5);
    expect(Number(p!.customers)).toBeGreaterThan(5);
    expect(Number(p!.lost)).toBeGreaterThan(2);
    expect(Number(p!.revenue)).toBeGreaterThan(5_000);
    const [c] = await sql<{ days: string; campaigns: string }>(
      app,
      "SELECT uniqExact(day) AS days, uniqExact(campaign) AS campaigns FROM costs FINAL WHERE site_id = 'demo'",
    );
    expect(c).toEqual({ days: 90, campaigns: 8 });
  });

  it('every model credits exactly the totals of leads, customers and revenue', async () => {
    const q = {
      siteId: 'demo',
      from: END - 365 * 86_400_000,
      to: END + 1,
      window: { lookbackDays: 90, halfLifeDays: 7 },
    };
    for (const conversion of CONVERSIONS) {
      for (const groupBy of ['channel', 'campaign'] as const) {
        const r = await compareModels(app.db, { ...q, conversion, groupBy });
        expect(r.total.conversions, conversion).toBeGreaterThan(5);
        for (const model of ALL_MODELS) {
          const sum = r.rows.reduce((a, row) => ({ c: a.c + row[model].conversions, v: a.v + row[model].value }), {
            c: 0,
            v: 0,
          });
          // Each row is rounded to 6 decimals: the sum of a few dozen rows is exact to 4.
          expect(sum.c, `${model} ${conversion} ${groupBy}`).toBeCloseTo(r.total.conversions, 4);
          expect(sum.v, `${model} ${conversion} ${groupBy}`).toBeCloseTo(r.total.value, 4);
        }
      }
    }
  });
});
