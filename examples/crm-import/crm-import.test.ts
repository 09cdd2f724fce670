/** The CRM import example, run as its README says, against a real collector with embedded ClickHouse. */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importCsv } from '../../collector/src/cli/import.js';
import { loadConfig, type Config } from '../../collector/src/base/config.js';
import { ADMIN_TOKEN, CHROME_UA, batch, sql, testApp, testConfig } from '../../collector/src/app/test-support.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let app: FastifyInstance;
let config: Config;
const quiet = { update: () => {}, done: () => {} };

beforeAll(async () => {
  const base = testConfig();
  app = await testApp(base);
  await app.listen({ port: 0, host: '127.0.0.1' });
  config = loadConfig({
    CLOSELOOP_DATA_DIR: base.dataDir,
    CLOSELOOP_ADMIN_TOKEN: ADMIN_TOKEN,
    CLOSELOOP_URL: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
  });
  // Ada filled the demo site's lead form.
  const touch = {
    ts: Date.now() - 3_600_000,
    referrer: '',
    landing_url: 'http://localhost/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=launch',
    utm_source: 'newsletter',
    utm_medium: 'email',
    utm_campaign: 'launch',
  };
  const form = {
    type: 'form' as const,
    id: randomUUID(),
    ts: Date.now() - 3_600_000,
    visitor_id: randomUUID(),
    session_id: randomUUID(),
    url: 'http://localhost/demo/contact.html',
    touch,
    session_start: true,
    form: { id: 'demo-request', fields: { email: 'ada@example.com' } },
    email: 'ada@example.com',
  };
  expect(
    (
      await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA, origin: 'http://localhost:8080' },
        payload: JSON.stringify(batch([form])),
      })
    ).statusCode,
  ).toBe(202);
});
afterAll(() => app?.close());

it('imports the example stages and deals: Ada becomes a customer with 1,200 EUR, and a second run changes nothing', async () => {
  const lines: string[] = [];
  const run = (kind: 'customers' | 'stages', file: string) =>
    importCsv(
      config,
      { kind, file: path.join(here, file), mapping: {}, delimiter: ',', site: 'demo' },
      (l) => lines.push(l),
      quiet,
    );
  expect(await run('stages', 'stages.csv')).toMatchObject({ rows: 3, created: 3, rejected: [] });
  expect(await run('customers', 'deals.csv')).toMatchObject({ rows: 4, created: 4, unmatched: 3, rejected: [] });
  const people = () =>
    sql(
      app,
      "SELECT email, stage, toFloat64(revenue) AS revenue, currency FROM people WHERE site_id = 'demo' ORDER BY email",
    );
  const after = await people();
  expect(after).toEqual([
    { email: 'ada@example.com', stage: 'customer', revenue: 1200, currency: 'EUR' },
    { email: 'alan@example.com', stage: 'lost', revenue: 0, currency: '' },
    { email: 'edsger@example.com', stage: 'opportunity', revenue: 0, currency: '' },
    { email: 'grace@example.com', stage: 'customer', revenue: 2388, currency: 'EUR' },
  ]);
  // The files have no dates: their rows happened when imported, after Ada's form fill, in file order.
  expect(lines.filter((l) => l.includes('without a date'))).toHaveLength(2);
  const timeline = await app.inject({
    method: 'GET',
    url: '/v1/leads?site=demo&email=ada@example.com',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect((timeline.json() as { stages: { stage: string }[] }).stages.map((s) => s.stage)).toEqual([
    'lead',
    'mql',
    'sql',
    'customer',
  ]);
  // Her deal is credited to the campaign of the form fill that preceded it; Grace's (never seen on
  // the web: unmatched) counts at once, under (no touch).
  const credit = await sql<{ record_id: string; campaign: string; w: number }>(
    app,
    "SELECT record_id, campaign, last_touch AS w FROM attributed_touches WHERE site_id = 'demo' AND kind = 'revenue' ORDER BY record_id",
  );
  expect(credit).toEqual([
    { record_id: 'HS-1001', campaign: 'launch', w: 1 },
    { record_id: 'HS-1002', campaign: '(no touch)', w: 1 },
  ]);
  const report = await app.inject({
    method: 'GET',
    url: '/v1/attribution?site=demo&model=last_touch&conversion=customer&groupBy=campaign',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(
    (report.json() as { rows: { key: string; conversions: number }[] }).rows.map((r) => [r.key, r.conversions]).sort(),
  ).toEqual([
    ['(no touch)', 1],
    ['launch', 1],
  ]);
  // A second run re-dates the undated rows (updated), never doubles them.
  expect(await run('customers', 'deals.csv')).toMatchObject({ created: 0, updated: 4 });
  expect(await people()).toEqual(after);
});
