/**
 * Access and erasure requests on real embedded ClickHouse through the real app: a person on two
 * devices with forms, an identify call, CRM stages and a deal, and a dead letter holding their
 * email. An export returns it all; an erase leaves no row about them in any table (every table
 * of the database is searched), leaves other people alone, and is itself recorded.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEvent, Touch } from '../../../sdk/src/protocol.js';
import { deadLetter } from '../storage/dead-letters.js';
import { privacyCommand } from '../cli/privacy.js';
import { loadConfig, type Config } from '../base/config.js';
import { ADMIN_TOKEN, CHROME_UA, batch, sql, storeEnvOf, testApp, testConfig } from '../app/test-support.js';

let app: FastifyInstance;
let config: Config;
let site: { site_id: string; public_key: string; secret_key: string };
const [adaA, adaB, bob] = [randomUUID(), randomUUID(), randomUUID()];
const DAY = 86_400_000;
const t0 = Date.now() - 3 * DAY;

function session(visitor: string, ts: number, touch: Partial<Touch>, extra: Partial<ClEvent>[] = []): ClEvent[] {
  const session_id = randomUUID();
  const t: Touch = { ts, referrer: '', landing_url: 'https://shop.example.com/', ...touch };
  const base = { visitor_id: visitor, session_id, url: 'https://shop.example.com/', touch: t };
  return [
    { ...base, type: 'pageview', id: randomUUID(), ts, session_start: true } as ClEvent,
    ...extra.map((e, i) => ({ ...base, id: randomUUID(), ts: ts + (i + 1) * 1000, ...e }) as ClEvent),
  ];
}

const post = (url: string, payload: object, key = site.secret_key) =>
  app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${key}` }, payload });

beforeAll(async () => {
  config = testConfig();
  app = await testApp(config);
  site = (
    await app.inject({
      method: 'POST',
      url: '/v1/admin/sites',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { domain: 'shop.example.com' },
    })
  ).json();
  const events = [
    ...session(adaA, t0, { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'spring' }, [
      {
        type: 'form',
        form: { id: 'newsletter', fields: { email: 'ada@example.com', name: 'Ada' } },
        email: 'ada@example.com',
      },
    ]),
    ...session(adaB, t0 + DAY, { referrer: 'https://www.google.com/' }, [
      { type: 'identify', email: 'ADA@example.com' },
      { type: 'custom', name: 'signup', props: { plan: 'pro' } },
    ]),
    ...session(bob, t0 + DAY, { referrer: '' }, [
      { type: 'form', form: { id: 'newsletter', fields: { email: 'bob@example.com' } }, email: 'bob@example.com' },
    ]),
  ];
  const res = await app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA, origin: 'https://shop.example.com' },
    payload: JSON.stringify(batch(events, site.public_key)),
  });
  expect(res.statusCode, res.body).toBe(202);
  await post('/v1/conversions', {
    conversions: [
      { record_id: 'mql-ada', email: 'ada@example.com', stage: 'mql', ts: t0 + 2 * DAY },
      {
        record_id: 'deal-ada',
        email: 'ada@example.com',
        stage: 'customer',
        amount: 990,
        currency: 'EUR',
        ts: t0 + 2 * DAY,
      },
      {
        record_id: 'deal-bob',
        email: 'bob@example.com',
        stage: 'customer',
        amount: 10,
        currency: 'EUR',
        ts: t0 + 2 * DAY,
      },
    ],
  });
  await app.db.insert('dead_letters', [
    deadLetter(
      'enrich',
      site.site_id,
      'test: a refused event',
      JSON.stringify({ visitor_id: adaB, email: 'ada@example.com' }),
    ),
  ]);
  await app.spool.drained(30_000);
});
afterAll(() => app?.close());

/** Rows of any table of the database whose text holds one of `needles`. */
async function rowsMentioning(needles: string[]): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>(
    app,
    "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT LIKE '%View'",
  );
  const found: Record<string, number> = {};
  for (const { name } of tables) {
    const cond = needles.map((n) => `positionCaseInsensitive(formatRow('TSV', *), '${n}') > 0`).join(' OR ');
    const [r] = await sql<{ n: string }>(app, `SELECT count() AS n FROM ${name} WHERE ${cond}`);
    if (Number(r!.n) > 0) found[name] = Number(r!.n);
  }
  return found;
}

describe('privacy requests', () => {
  it('export: the person’s events on both devices, touches, forms, stages and revenue', async () => {
    const res = await post('/v1/privacy/export', { email: ' Ada@Example.com ' });
    expect(res.statusCode, res.body).toBe(200);
    const x = res.json();
    expect(x.subject.visitor_ids.sort()).toEqual([adaA, adaB].sort());
    expect(x.events).toHaveLength(5);
    expect(x.touches.map((t: { campaign: string; channel: string }) => [t.channel, t.campaign])).toEqual([
      ['Email', 'spring'],
      ['Organic Search', ''],
    ]);
    expect(x.forms).toEqual([
      expect.objectContaining({ form: 'newsletter', fields: { email: 'ada@example.com', name: 'Ada' } }),
    ]);
    expect(x.stages.map((s: { stage: string }) => s.stage)).toEqual(
      expect.arrayContaining(['lead', 'mql', 'customer']),
    );
    expect(x.revenue).toBe(990);
  });

  it('erase: no row about the person is left in any table; other people stay; the request is recorded', async () => {
    const person = (await post('/v1/privacy/export', { visitor_id: adaB })).json().subject.person_ids[0] as string;
    expect(await rowsMentioning([adaA, adaB, 'ada@example.com', person])).not.toEqual({});
    const res = await post('/v1/privacy/erase', { visitor_id: adaA });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      erased: { visitors: 2, persons: 1 },
      deleted: { events: 5, deals: 1, dead_letters: 1 },
    });
    expect(await rowsMentioning([adaA, adaB, 'ada@example.com', person])).toEqual({});
    expect(await rowsMentioning([bob, 'bob@example.com'])).toMatchObject({ events: 2, deals: 1 });
    const log = await sql<{ kind: string; detail: string }>(
      app,
      'SELECT kind, detail FROM privacy_requests ORDER BY ts',
    );
    expect(log.map((l) => l.kind)).toEqual(['export', 'export', 'erase']);
    expect(JSON.parse(log[2]!.detail)).toMatchObject({ deleted: { events: 5 } });
  });

  it('refuses the public key and a request that names nobody', async () => {
    expect((await post('/v1/privacy/erase', { email: 'bob@example.com' }, site.public_key)).json()).toMatchObject({
      statusCode: 401,
      code: 'CL_UNAUTHORIZED',
    });
    expect((await post('/v1/privacy/export', {})).json()).toMatchObject({ statusCode: 400, path: 'email' });
  });

  it('closeloop privacy export works on the store when no collector runs', async () => {
    await app.close();
    const lines: string[] = [];
    const cli = loadConfig({
      CLOSELOOP_DATA_DIR: config.dataDir,
      CLOSELOOP_ADMIN_TOKEN: ADMIN_TOKEN,
      CLOSELOOP_URL: 'http://127.0.0.1:9',
      ...storeEnvOf(config),
    });
    await privacyCommand(cli, { action: 'export', subject: 'bob@example.com', site: site.site_id }, (l) =>
      lines.push(l),
    );
    const x = JSON.parse(lines.join('\n'));
    expect(x.subject.visitor_ids).toEqual([bob]);
    expect(x.revenue).toBe(10);
  });
});
