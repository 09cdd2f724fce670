/**
 * The one rule for a CRM record of someone the web has not seen (docs/crm.md, "Unmatched records"):
 * it counts at once, credited to `(no touch)`; once the person is identified, it is credited to
 * their sessions that started before the record's time (the anonymous ones before the form fill
 * included); when all their sessions came after it, it stays `(no touch)`.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClEvent } from '../../../sdk/src/protocol.js';
import { ADMIN_TOKEN, CHROME_UA, batch, pageview, testApp, touch } from '../app/test-support.js';

const DAY = 86_400_000;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp();
});
afterAll(() => app?.close());

async function send(events: ClEvent[]): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA },
    payload: JSON.stringify(batch(events)),
  });
  expect(res.statusCode, res.body).toBe(202);
}

/** A session from `campaign` at `ts`; with `email`, a form fill in it a minute later. */
function session(visitor: string, ts: number, campaign: string, email?: string): ClEvent[] {
  const ids = { visitor_id: visitor, session_id: randomUUID() };
  const t = touch({
    ts,
    utm_source: 'newsletter',
    utm_medium: 'email',
    utm_campaign: campaign,
    landing_url: `http://localhost/demo/?utm_campaign=${campaign}`,
  });
  const events: ClEvent[] = [pageview({ ...ids, ts, touch: t, session_start: true })];
  if (email)
    events.push({
      ...pageview({ ...ids, ts: ts + 60_000, touch: t }),
      type: 'form',
      form: { id: 'contact', fields: { email } },
      email,
    } as ClEvent);
  return events;
}

async function customers(): Promise<Record<string, number>> {
  await app.spool.drained(30_000);
  const res = await app.inject({
    method: 'GET',
    url: '/v1/attribution?site=demo&model=first_touch&conversion=customer&groupBy=campaign',
    headers: auth,
  });
  expect(res.statusCode, res.body).toBe(200);
  return Object.fromEntries(
    (res.json() as { rows: { key: string; conversions: number }[] }).rows.map((r) => [r.key, r.conversions]),
  );
}

it('an unmatched deal counts at once under (no touch), then moves to the sessions before it once the person fills a form', async () => {
  const dealAt = Date.now() - 2 * DAY;
  const res = await app.inject({
    method: 'POST',
    url: '/v1/conversions',
    headers: auth,
    payload: {
      site: 'demo',
      conversions: [
        { record_id: 'D-eve', email: 'eve@example.com', stage: 'customer', amount: 100, currency: 'EUR', ts: dealAt },
        { record_id: 'D-finn', email: 'finn@example.com', stage: 'customer', amount: 100, currency: 'EUR', ts: dealAt },
      ],
    },
  });
  expect(res.json()).toMatchObject({ created: 2, unmatched: 2 });
  expect(await customers()).toEqual({ '(no touch)': 2 });

  // Eve visited from `spring` (anonymously) before her deal and fills a form today; Finn's only visit is after his.
  const eve = randomUUID();
  await send([
    ...session(eve, dealAt - DAY, 'spring'),
    ...session(eve, Date.now() - 60 * 60_000, 'autumn', 'eve@example.com'),
  ]);
  await send(session(randomUUID(), dealAt + DAY, 'autumn', 'finn@example.com'));
  expect(await customers()).toEqual({ spring: 1, '(no touch)': 1 });
});
