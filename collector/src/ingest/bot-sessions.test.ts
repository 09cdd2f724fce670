/**
 * A bot's form fill is spam: stored (flagged, with its email) but it makes no lead, links no
 * visitor and is credited nowhere — the same in the overview, the funnel and attribution. The bot
 * flag sticks to the session: headless Chromium's page views say `HeadlessChrome`, the beacon of
 * the form it posts while leaving the page says plain Chrome.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEvent } from '../../../sdk/src/protocol.js';
import { ADMIN_TOKEN, CHROME_UA, batch, pageview, sql, testApp, touch } from '../app/test-support.js';
import { BotSessions } from './bot-sessions.js';

const HEADLESS_UA = CHROME_UA.replace('Chrome/', 'HeadlessChrome/');
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
let app: FastifyInstance;

async function send(ua: string, events: ClEvent[]): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'text/plain', 'user-agent': ua },
    payload: JSON.stringify(batch(events)),
  });
  expect(res.statusCode, res.body).toBe(202);
}

/** A visit from the newsletter campaign: a page view, then the contact form posted with `email`. */
function visit(email: string): { pageview: ClEvent; form: ClEvent } {
  const ids = { visitor_id: randomUUID(), session_id: randomUUID() };
  const t = touch({
    landing_url: 'http://localhost/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=launch',
    utm_source: 'newsletter',
    utm_medium: 'email',
    utm_campaign: 'launch',
  });
  return {
    pageview: pageview({ ...ids, touch: t, session_start: true, ts: Date.now() - 2000 }),
    form: {
      ...pageview({ ...ids, touch: t }),
      type: 'form',
      form: { id: 'contact', fields: { email } },
      email,
    } as ClEvent,
  };
}

const get = async <T>(url: string): Promise<T> => {
  const res = await app.inject({ method: 'GET', url, headers: auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
};

beforeAll(async () => {
  app = await testApp();
  const bot = visit('spam@example.com');
  await send(HEADLESS_UA, [bot.pageview]);
  await send(CHROME_UA, [bot.form]); // the page-exit beacon: no "Headless" in its User-Agent
  const human = visit('ada@example.com'); // the control: the same visit from a person
  await send(CHROME_UA, [human.pageview]);
  await send(CHROME_UA, [human.form]);
});
afterAll(() => app?.close());

describe("a bot's form fill", () => {
  it('is stored, flagged as the bot session it belongs to, with its email but no person', async () => {
    const rows = await sql<{ email: string; type: string; is_bot: boolean; person: string }>(
      app,
      "SELECT email, type, is_bot, toString(person_id) AS person FROM events WHERE type = 'form' ORDER BY email",
    );
    expect(rows.map((r) => [r.email, r.is_bot, r.person === '00000000-0000-0000-0000-000000000000'])).toEqual([
      ['ada@example.com', false, false],
      ['spam@example.com', true, true],
    ]);
  });

  it('makes no lead and links no visitor: only the person is in people', async () => {
    expect(await sql(app, "SELECT email FROM people WHERE site_id = 'demo'")).toEqual([{ email: 'ada@example.com' }]);
    expect(await sql(app, "SELECT count() AS n FROM identities WHERE email = 'spam@example.com'")).toEqual([{ n: 0 }]);
  });

  it('counts nowhere: overview 1 visitor 1 lead, funnel 1 → 1, attribution 1 lead to the campaign', async () => {
    const ov = await get<{ totals: { visitors: number; leads: number } }>('/v1/reports/overview?site=demo');
    expect([ov.totals.visitors, ov.totals.leads]).toEqual([1, 1]);
    const funnel = await get<{ rows: { channel: string; visitors: number; leads: number }[] }>(
      '/v1/reports/funnel?site=demo',
    );
    expect(funnel.rows.map((r) => [r.channel, r.visitors, r.leads])).toEqual([['Email', 1, 1]]);
    const attr = await get<{ total: { conversions: number }; rows: { key: string; conversions: number }[] }>(
      '/v1/attribution?site=demo&model=first_touch&conversion=lead&groupBy=campaign',
    );
    expect(attr.total.conversions).toBe(1);
    expect(attr.rows.map((r) => [r.key, r.conversions])).toEqual([['launch', 1]]);
  });
});

describe('BotSessions', () => {
  it('sticks to a session once it was a bot, never to the zero (cookieless) session, and forgets the oldest past its limit', () => {
    const bots = new BotSessions(2);
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    expect(bots.check(a, false)).toBe(false);
    expect(bots.check(a, true)).toBe(true);
    expect(bots.check(a, false)).toBe(true);
    const nil = '00000000-0000-0000-0000-000000000000';
    expect(bots.check(nil, true)).toBe(true);
    expect(bots.check(nil, false)).toBe(false);
    bots.check(b, true);
    bots.check(c, true);
    expect([bots.check(a, false), bots.check(b, false), bots.check(c, false)]).toEqual([false, true, true]);
  });
});
