/**
 * Visitor → lead → customer on real embedded ClickHouse through the real app: two devices, one
 * email, one lead; CRM deals make a customer with revenue, idempotently; keys are scoped.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEvent, Touch } from '../../../sdk/src/protocol.js';
import { PACKAGE_ROOT } from '../base/paths.js';
import { ADMIN_TOKEN, CHROME_UA, batch, sql, testApp, testConfig } from '../app/test-support.js';

let app: FastifyInstance;
let site: { site_id: string; public_key: string; secret_key: string };
let otherSite: { site_id: string; secret_key: string };
const DAY = 86_400_000;
const deviceA = randomUUID();
const deviceB = randomUUID();
const t0 = Date.now() - 5 * DAY;

beforeAll(async () => {
  app = await testApp(testConfig());
  const add = async (domain: string) =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/admin/sites',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        payload: { domain },
      })
    ).json();
  site = await add('shop.example.com');
  otherSite = await add('other.example.com');
});
afterAll(() => app?.close());

function ev(
  visitor: string,
  session: string,
  ts: number,
  touch: Touch,
  extra: Partial<ClEvent> & { type: ClEvent['type'] },
): ClEvent {
  return {
    id: randomUUID(),
    ts,
    visitor_id: visitor,
    session_id: session,
    url: 'https://shop.example.com/',
    touch,
    ...extra,
  } as ClEvent;
}

async function send(events: ClEvent[]) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA, origin: 'https://shop.example.com' },
    payload: JSON.stringify(batch(events, site.public_key)),
  });
  expect(res.statusCode, res.body).toBe(202);
}

const as = (key: string) => ({ authorization: `Bearer ${key}` });

async function lead(email: string, key = site.secret_key) {
  return app.inject({ method: 'GET', url: `/v1/leads?email=${encodeURIComponent(email)}`, headers: as(key) });
}

/** The collector acknowledges once events are durable; they reach ClickHouse moments later. */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two devices, one email, one lead', () => {
  it('joins both visitors, all their touches and both form fills under one lead created at the first sign-up', async () => {
    const springTouch: Touch = {
      ts: t0,
      referrer: '',
      landing_url: 'https://shop.example.com/?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring',
      utm_source: 'facebook',
      utm_medium: 'paid_social',
      utm_campaign: 'spring',
    };
    const sA = randomUUID();
    await send([
      ev(deviceA, sA, t0, springTouch, { type: 'pageview', session_start: true }),
      ev(deviceA, sA, t0 + 60_000, springTouch, {
        type: 'form',
        form: { id: 'newsletter', fields: { email: ' Ada@Example.com ' } },
        email: ' Ada@Example.com ',
      }),
    ]);
    const searchTouch: Touch = {
      ts: t0 + 3 * DAY,
      referrer: 'https://www.google.com/',
      landing_url: 'https://shop.example.com/pricing',
    };
    const sB = randomUUID();
    await send([
      ev(deviceB, sB, t0 + 3 * DAY, searchTouch, { type: 'pageview', session_start: true }),
      ev(deviceB, sB, t0 + 3 * DAY + 90_000, searchTouch, {
        type: 'form',
        form: {
          id: 'demo-request',
          action: '/thanks',
          fields: { email: 'ada@example.com', company: 'Analytical Engines' },
        },
        email: 'ada@example.com',
      }),
    ]);

    const res = await eventually(
      () => lead('ADA@example.com'),
      (r) => r.statusCode === 200 && r.json().forms.length === 2,
    );
    expect(res.statusCode, res.body).toBe(200);
    const l = res.json();
    expect(l).toMatchObject({ email: 'ada@example.com', stage: 'lead' });
    expect(Date.parse(`${l.lead_at}Z`)).toBe(t0 + 60_000);
    expect(l.visitors.map((v: { visitor_id: string }) => v.visitor_id).sort()).toEqual([deviceA, deviceB].sort());
    expect(l.touches.map((t: { campaign: string; channel: string }) => [t.channel, t.campaign])).toEqual([
      ['Paid Social', 'spring'],
      ['Organic Search', ''],
    ]);
    expect(l.forms.map((f: { form: string }) => f.form)).toEqual(['newsletter', 'demo-request']);
    expect(l.forms[1].fields).toEqual({
      email: 'ada@example.com',
      company: 'Analytical Engines',
      'form.action': '/thanks',
    });
    expect(l.stages).toEqual([expect.objectContaining({ stage: 'lead', source: 'web' })]);
  });
});

describe('CRM conversions', () => {
  const deal = {
    record_id: 'deal-1001',
    email: 'ada@example.com',
    stage: 'customer',
    amount: 1200,
    currency: 'EUR',
    ts: new Date(t0 + 4 * DAY).toISOString(),
  };
  const post = (body: unknown, key = site.secret_key) =>
    app.inject({ method: 'POST', url: '/v1/conversions', headers: as(key), payload: body as object });

  it('a won deal makes the lead a customer with its revenue; sending it again changes nothing', async () => {
    const first = await post({ conversions: [deal] });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ received: 1, created: 1, updated: 0, unmatched: 0 });
    const again = await post(deal);
    expect(again.json()).toMatchObject({ received: 1, created: 0, updated: 1 });
    const l = (await lead('ada@example.com')).json();
    expect(l).toMatchObject({ stage: 'customer', revenue: 1200, currency: 'EUR' });
    expect(Date.parse(`${l.customer_at}Z`)).toBe(t0 + 4 * DAY);
    expect(l.deals).toHaveLength(1);
    expect(l.stages.map((s: { stage: string }) => s.stage)).toEqual(['lead', 'customer']);
  });

  it('an updated amount replaces the old one', async () => {
    await post({ ...deal, amount: 1500, version: Date.now() + 1000 });
    expect((await lead('ada@example.com')).json()).toMatchObject({ revenue: 1500 });
    await post({ ...deal, version: Date.now() + 2000 });
  });

  it('a deal for someone never seen on the web is stored and reported as unmatched', async () => {
    const res = await post({
      record_id: 'deal-2',
      email: 'bob@example.com',
      stage: 'customer',
      amount: 99,
      currency: 'usd',
      ts: Date.now(),
    });
    expect(res.json()).toMatchObject({ created: 1, unmatched: 1, results: [{ matched: false }] });
    expect((await lead('bob@example.com')).json()).toMatchObject({
      stage: 'customer',
      revenue: 99,
      currency: 'USD',
      visitors: [],
    });
  });

  it('a deal naming only a visitor id credits that visitor’s person', async () => {
    const res = await post({ record_id: 'deal-3', visitor_id: deviceB, stage: 'opportunity', ts: Date.now() });
    expect(res.json().results[0].person_id).toBe((await lead('ada@example.com')).json().person_id);
  });

  it('rejects the public key, other sites and bad bodies with clear 4xx codes', async () => {
    expect((await post(deal, site.public_key)).json()).toMatchObject({ statusCode: 401, code: 'CL_UNAUTHORIZED' });
    expect((await app.inject({ method: 'POST', url: '/v1/conversions', payload: deal })).json()).toMatchObject({
      statusCode: 401,
      code: 'CL_UNAUTHORIZED',
    });
    expect((await post({ ...deal, site: otherSite.site_id })).json()).toMatchObject({
      statusCode: 403,
      code: 'CL_FORBIDDEN',
    });
    expect((await lead('ada@example.com', otherSite.secret_key)).json()).toMatchObject({
      statusCode: 404,
      code: 'CL_NOT_FOUND',
    });
    const bad = await post({ record_id: '', stage: 'won', amount: 5, ts: 'yesterday' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'CL_INVALID_REQUEST' });
    expect(
      (await post({ record_id: 'x', email: 'not-an-email', stage: 'customer', ts: Date.now() })).json(),
    ).toMatchObject({ path: 'email' });
    expect(
      (await post({ record_id: 'x', email: 'a@b.co', stage: 'customer', amount: 5, ts: Date.now() })).json(),
    ).toMatchObject({ path: 'currency' });
  });

  it('the admin token works for any site when it names one', async () => {
    const res = await post(
      {
        site: site.site_id,
        conversions: [{ record_id: 'deal-4', email: 'cy@example.com', stage: 'mql', ts: Date.now() }],
      },
      ADMIN_TOKEN,
    );
    expect(res.json()).toMatchObject({ created: 1 });
    expect(
      (await post({ record_id: 'deal-5', email: 'cy@example.com', stage: 'mql', ts: Date.now() }, ADMIN_TOKEN)).json(),
    ).toMatchObject({ code: 'CL_INVALID_REQUEST', path: 'site' });
  });
});

describe("docs/crm.md's lead query", () => {
  it('credits the lead, the customer and the revenue to the first touch across devices', async () => {
    const readme = readFileSync(path.join(PACKAGE_ROOT, 'docs/crm.md'), 'utf8');
    const start = readme.indexOf('```sql\nWITH first_touch AS');
    expect(start, 'docs/crm.md has the first-touch query').toBeGreaterThan(0);
    const query = readme.slice(start + 7, readme.indexOf('```', start + 7)).replaceAll("'demo'", `'${site.site_id}'`);
    const rows = await sql<{ channel: string; campaign: string; leads: string; customers: string; revenue: string }>(
      app,
      query,
    );
    const spring = rows.find((r) => r.campaign === 'spring');
    expect(spring).toMatchObject({ channel: 'Paid Social' });
    expect(Number(spring!.customers)).toBe(1);
    expect(Number(spring!.revenue)).toBe(1200);
    // ada (customer, first touch spring) and cy (never seen on the web: no touches) — only ada has a first touch
    expect(rows.reduce((n, r) => n + Number(r.leads), 0)).toBe(1);
  });
});
