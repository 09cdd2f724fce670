/**
 * The journeys the attribution tests share (collector/src/attribution/attribution.test.ts and
 * roi-and-dashboard.test.ts), sent through the real app on real ClickHouse (events over /v1/events,
 * CRM stages and deals over /v1/conversions): a person on two devices with four sessions, a one-touch
 * lead, a lead whose first session is also its lead session, a visitor who never identifies, and a
 * CRM-only customer with no touch at all. Each test file that calls useAttributionFixture() gets its
 * own app, seeded afresh. Test-only: excluded from the build. It lives beside test-support.ts in app/
 * because it starts the app: attribution/ importing app/ would be a folder cycle (app → routes →
 * attribution; test/layout/folder-cycles.test.ts).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ClEvent, Touch } from '../../../sdk/src/protocol.js';
import { ADMIN_TOKEN, addSite, sendEvents, testApp, testConfig } from './test-support.js';
import type { ConversionKind, Model } from '../attribution/models.js';

export const DAY = 86_400_000;
export const MIN = 60_000;
export const t0 = Math.floor((Date.now() - 20 * DAY) / 1000) * 1000;
export const SITE = 'shop.example.com';

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

async function convert(app: FastifyInstance, conversions: object[]) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/conversions',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { site: SITE, conversions },
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** Sends every journey and CRM record, and waits until the spool has written them all. */
async function seed(app: FastifyInstance, publicKey: string) {
  const send = (events: ClEvent[]) => sendEvents(app, events, publicKey);
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
  await convert(app, [
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
}

type Row = { key: string; conversions: number; value: number };
export interface Report {
  total: { conversions: number; value: number };
  rows: Row[];
}

export const credit = (r: Report) =>
  Object.fromEntries(r.rows.map((row) => [row.key, Math.round(row.conversions * 1e6) / 1e6]));
export const revenue = (r: Report) =>
  Object.fromEntries(r.rows.map((row) => [row.key, Math.round(row.value * 100) / 100]));

/**
 * Registers, in the calling test file, a beforeAll that starts an app and seeds the journeys and an
 * afterAll that closes it. The app, the site's public key and report() are read once beforeAll ran.
 */
export function useAttributionFixture() {
  let app: FastifyInstance | undefined;
  let publicKey = '';
  beforeAll(async () => {
    app = await testApp(testConfig({ CLOSELOOP_ORIGIN_CHECK: 'false' }));
    publicKey = await addSite(app, SITE);
    await seed(app, publicKey);
  });
  afterAll(() => app?.close());

  const fixture = {
    get app(): FastifyInstance {
      if (!app) throw new Error('the attribution fixture is read before its beforeAll ran');
      return app;
    },
    get publicKey(): string {
      if (!publicKey) throw new Error('the attribution fixture is read before its beforeAll ran');
      return publicKey;
    },
    /** One model's report over the whole seeded range. */
    async report(model: Model, conversion: ConversionKind, groupBy = 'channel'): Promise<Report> {
      const from = new Date(t0 - DAY).toISOString();
      const to = new Date(t0 + 30 * DAY).toISOString();
      const res = await fixture.app.inject({
        method: 'GET',
        url: `/v1/attribution?site=${SITE}&model=${model}&conversion=${conversion}&groupBy=${groupBy}&from=${from}&to=${to}`,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Report;
    },
  };
  return fixture;
}
