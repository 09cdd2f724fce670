/**
 * Self-reported attribution on real embedded ClickHouse through the real app: answers to "How did
 * you hear about us?" from a form on the site (a field the site names, defaults otherwise) and from
 * the CRM, beside the credit the models give each channel for the same leads.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEvent, Touch } from '../../../sdk/src/protocol.js';
import { parseCsv } from '../cli/csv.js';
import { mapColumns } from '../cli/crm-columns.js';
import { CONVERSION_HEADERS } from '../cli/crm-columns.js';
import { ADMIN_TOKEN, CHROME_UA, addSite, batch, testApp, testConfig } from '../app/test-support.js';

const SITE = 'said.example.com';
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
const DAY = 86_400_000;
const t0 = Math.floor((Date.now() - 5 * DAY) / 1000) * 1000;
const range = `from=${new Date(t0 - DAY).toISOString()}&to=${new Date(t0 + 3 * DAY).toISOString()}`;
let app: FastifyInstance;

function signUp(ts: number, touch: Partial<Touch>, fields: Record<string, string>): ClEvent[] {
  const [visitor_id, session_id] = [randomUUID(), randomUUID()];
  const base = {
    visitor_id,
    session_id,
    url: `https://${SITE}/contact`,
    touch: { ts, referrer: '', landing_url: `https://${SITE}/`, ...touch },
  };
  return [
    { ...base, type: 'pageview', id: randomUUID(), ts, session_start: true },
    { ...base, type: 'form', id: randomUUID(), ts: ts + 60_000, form: { id: 'contact', fields }, email: fields.email },
  ] as ClEvent[];
}

const report = async (query = '') => {
  const res = await app.inject({
    method: 'GET',
    url: `/v1/reports/stated-source?site=${SITE}&${range}&${query}`,
    headers: AUTH,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res;
};

beforeAll(async () => {
  app = await testApp(testConfig({ CLOSELOOP_ORIGIN_CHECK: 'false' }));
  const key = await addSite(app, SITE);
  const events = [
    ...signUp(t0, { referrer: 'https://www.google.com/' }, { email: 'ada@example.com', how_did_you_hear: 'Podcast' }),
    ...signUp(
      t0 + 3_600_000,
      { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'brand' },
      { email: 'bob@example.com', 'How did you hear?': 'podcast ' },
    ),
    ...signUp(t0 + 7_200_000, {}, { email: 'cleo@example.com' }),
    ...signUp(
      t0 + 9_000_000,
      { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'nl' },
      { email: 'dan@example.com', referral: 'A friend' },
    ),
  ];
  expect(
    (
      await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA },
        payload: JSON.stringify(batch(events, key)),
      })
    ).statusCode,
  ).toBe(202);
  // Cleo told sales on the phone: the CRM has it.
  const crm = await app.inject({
    method: 'POST',
    url: '/v1/conversions',
    headers: AUTH,
    payload: {
      site: SITE,
      record_id: 'c-1',
      email: 'cleo@example.com',
      stage: 'mql',
      ts: t0 + DAY,
      stated_source: 'LinkedIn post',
    },
  });
  expect(crm.statusCode, crm.body).toBe(200);
  await app.spool.drained(30_000);
});

afterAll(async () => {
  await app?.close();
});

describe('stated source beside the models', () => {
  it('groups answers from forms (default field names) and the CRM, with the channels the model credits for the same leads', async () => {
    const body = (await report('model=linear&conversion=lead')).json();
    expect(body.total).toEqual({ conversions: 4, stated: 3 });
    expect(body.rows).toEqual([
      {
        key: 'Podcast',
        stated: 2,
        channels: [
          { channel: 'Organic Search', credit: 1 },
          { channel: 'Paid Search', credit: 1 },
        ],
        top_channel: 'Organic Search',
      },
      { key: 'LinkedIn post', stated: 1, channels: [{ channel: 'Direct', credit: 1 }], top_channel: 'Direct' },
    ]);
  });

  it('reads the fields the site names instead of the defaults', async () => {
    const set = await app.inject({
      method: 'PATCH',
      url: `/v1/admin/sites/${SITE}`,
      headers: AUTH,
      payload: { stated_source_fields: ['Referral'] },
    });
    expect(set.statusCode, set.body).toBe(200);
    const body = (await report('model=first_touch')).json();
    expect(body.rows.map((r: { key: string; top_channel: string }) => [r.key, r.top_channel])).toEqual([
      ['A friend', 'Email'],
      ['LinkedIn post', 'Direct'],
    ]);
    await app.inject({
      method: 'PATCH',
      url: `/v1/admin/sites/${SITE}`,
      headers: AUTH,
      payload: { stated_source_fields: [] },
    });
  });

  it('takes filters and exports one CSV line per answer and channel', async () => {
    const paid = (await report('channel=Paid%20Search')).json();
    expect(paid.rows).toEqual([
      { key: 'podcast', stated: 1, channels: [{ channel: 'Paid Search', credit: 1 }], top_channel: 'Paid Search' },
    ]);
    expect(paid.total).toEqual({ conversions: 1, stated: 1 });
    const csv = parseCsv((await report('format=csv')).body).map((r) => r.fields);
    expect(csv).toEqual([
      ['key', 'stated', 'channel', 'credit'],
      ['Podcast', '2', 'Organic Search', '1'],
      ['Podcast', '2', 'Paid Search', '1'],
      ['LinkedIn post', '1', 'Direct', '1'],
    ]);
    const markov = await app.inject({
      method: 'GET',
      url: `/v1/reports/stated-source?site=${SITE}&model=markov`,
      headers: AUTH,
    });
    expect(markov.json()).toMatchObject({ statusCode: 400, path: 'model' });
  });

  it('the CRM import finds the "How did you hear about us?" column', () => {
    expect(
      mapColumns(['Record ID', 'Email', 'Stage', 'How did you hear about us?'], {}, CONVERSION_HEADERS),
    ).toMatchObject({ record_id: 0, email: 1, stage: 2, stated_source: 3 });
    expect(mapColumns(['Deal ID', 'Stated source'], {}, CONVERSION_HEADERS)).toMatchObject({ stated_source: 1 });
  });
});
