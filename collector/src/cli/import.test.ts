/** `closeloop import` against a real collector over HTTP and, with none running, against the store. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../base/config.js';
import { ADMIN_TOKEN, CHROME_UA, batch, sql, testApp, testConfig } from '../app/test-support.js';
import { importCsv, type ImportOptions } from './import.js';

let app: FastifyInstance;
let config: Config;
let site: { site_id: string; public_key: string; secret_key: string };
const dir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-import-'));
const quiet = { update: () => {}, done: () => {} };
const lines: string[] = [];

beforeAll(async () => {
  const base = testConfig();
  app = await testApp(base);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  config = loadConfig({
    CLOSELOOP_DATA_DIR: base.dataDir,
    CLOSELOOP_ADMIN_TOKEN: ADMIN_TOKEN,
    CLOSELOOP_URL: `http://127.0.0.1:${port}`,
  });
  site = (
    await app.inject({
      method: 'POST',
      url: '/v1/admin/sites',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { domain: 'shop.example.com' },
    })
  ).json();
  const visitor = randomUUID();
  const touch = {
    ts: Date.now() - 86_400_000,
    referrer: 'https://www.google.com/',
    landing_url: 'https://shop.example.com/',
  };
  const form = {
    type: 'form' as const,
    id: randomUUID(),
    ts: Date.now() - 86_400_000,
    visitor_id: visitor,
    session_id: randomUUID(),
    url: 'https://shop.example.com/demo',
    touch,
    session_start: true,
    form: { id: 'demo', fields: { email: 'ada@example.com' } },
    email: 'ada@example.com',
  };
  expect(
    (
      await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA, origin: 'https://shop.example.com' },
        payload: JSON.stringify(batch([form], site.public_key)),
      })
    ).statusCode,
  ).toBe(202);
});
afterAll(() => app?.close());

const csv = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const run = (file: string, over: Partial<ImportOptions> = {}) =>
  importCsv(
    config,
    { kind: 'customers', file, mapping: {}, delimiter: ',', site: site.site_id, ...over },
    (l) => lines.push(l),
    quiet,
  );
const revenue = async (email: string) =>
  (
    await sql<{ revenue: number; stage: string }>(
      app,
      `SELECT toFloat64(revenue) AS revenue, stage FROM people WHERE site_id = 'shop.example.com' AND email = '${email}'`,
    )
  )[0];

describe('closeloop import customers', () => {
  const deals = csv(
    'deals.csv',
    [
      'Record ID,Deal Name,Deal Stage,Amount,Currency,Close Date,Associated Contact Email',
      'D-1,Ada order,Closed Won,"1,200.00",EUR,2026-11-01,ada@example.com',
      'D-2,Bad amount,Closed Won,lots,EUR,2026-11-02,bob@example.com',
      'D-3,No person,Closed Won,10,EUR,2026-11-02,',
      'D-4,Bad stage,Maybe,10,EUR,2026-11-02,cy@example.com',
      'D-5,Bad date,Closed Won,10,EUR,02/11/2026,cy@example.com',
      'D-6,Cy order,Closed Won,300,EUR,2026-11-03,cy@example.com',
    ].join('\n'),
  );

  it('imports the good rows, reports every bad one by line, and makes the lead a customer with the revenue', async () => {
    const s = await run(deals);
    expect(s).toMatchObject({ rows: 6, created: 2, updated: 0, unmatched: 1 });
    expect(s.rejected.map((r) => r.line)).toEqual([3, 4, 5, 6]);
    expect(s.rejected[0]!.message).toMatch(/amount: 'lots'/);
    expect(s.rejected[1]!.message).toMatch(/email/);
    expect(s.rejected[2]!.message).toMatch(/stage: 'Maybe'/);
    expect(s.rejected[3]!.message).toMatch(/date: '02\/11\/2026'/);
    expect(await revenue('ada@example.com')).toEqual({ revenue: 1200, stage: 'customer' });
    expect(lines.join('\n')).toMatch(/6 rows — 2 created, 0 updated, 1 unmatched .* 4 rejected\n {2}line 3: amount/);
  });

  it('importing the same file again changes nothing', async () => {
    const before = await sql(
      app,
      'SELECT record_id, toFloat64(amount) AS amount, status FROM deals FINAL ORDER BY record_id',
    );
    const s = await run(deals);
    expect(s).toMatchObject({ created: 0, updated: 2 });
    expect(
      await sql(app, 'SELECT record_id, toFloat64(amount) AS amount, status FROM deals FINAL ORDER BY record_id'),
    ).toEqual(before);
    expect(await revenue('ada@example.com')).toEqual({ revenue: 1200, stage: 'customer' });
  });

  it('takes column names from --map, a default currency, a site secret key and other delimiters', async () => {
    const file = csv('custom.csv', 'Opp;Who;Won on;Value\nX-1;dee@example.com;2026-10-01;"1.500,50"\n');
    const s = await run(file, {
      mapping: { record_id: 'Opp', email: 'Who', ts: 'Won on' },
      delimiter: ';',
      currency: 'EUR',
      key: site.secret_key,
      site: undefined,
    });
    expect(s).toMatchObject({ created: 1, rejected: [] });
    expect(await revenue('dee@example.com')).toEqual({ revenue: 1500.5, stage: 'customer' });
  });

  it('imports stage changes', async () => {
    const file = csv(
      'stages.csv',
      'id,email,lifecycle stage,date\nS-1,eve@example.com,MQL,2026-09-01\nS-2,eve@example.com,Sales Qualified Lead,2026-09-05\n',
    );
    expect(await run(file, { kind: 'stages' })).toMatchObject({ created: 2, rejected: [] });
    expect((await revenue('eve@example.com'))?.stage).toBe('sql');
  });

  it('imports costs from an ad platform export, by line, idempotently per day and campaign', async () => {
    const file = csv(
      'costs.csv',
      [
        'Day,Source,Medium,Campaign,Cost,Currency code',
        '2026-11-01,google,cpc,brand,"1,234.50",EUR',
        '2026-11-01,facebook,paid_social,spring,300,EUR',
        'yesterday,google,cpc,brand,10,EUR',
        '2026-11-02,google,cpc,brand,,EUR',
      ].join('\n'),
    );
    const s = await run(file, { kind: 'costs' });
    expect(s).toMatchObject({ rows: 4, created: 2, updated: 0 });
    expect(s.rejected).toEqual([
      { line: 4, message: "date: 'yesterday' is not a date (use YYYY-MM-DD)" },
      { line: 5, message: 'amount: missing' },
    ]);
    expect(await run(file, { kind: 'costs' })).toMatchObject({ created: 0, updated: 2 });
    const costs = await sql(
      app,
      "SELECT campaign, channel, toFloat64(amount) AS amount FROM costs FINAL WHERE site_id = 'shop.example.com' ORDER BY campaign",
    );
    expect(costs).toEqual([
      { campaign: 'brand', channel: 'Paid Search', amount: 1234.5 },
      { campaign: 'spring', channel: 'Paid Social', amount: 300 },
    ]);
  });

  it('works on the store directly when no collector runs', async () => {
    await app.close();
    const file = csv(
      'offline.csv',
      'Record ID,Email,Amount,Currency,Close Date\nO-1,fay@example.com,50,USD,2026-11-05\n',
    );
    expect(await run(file)).toMatchObject({ created: 1, rejected: [] });
    app = await testApp(
      loadConfig({ CLOSELOOP_DATA_DIR: config.dataDir, CLOSELOOP_ADMIN_TOKEN: ADMIN_TOKEN, CLOSELOOP_RATE_LIMIT: '0' }),
    );
    expect(await revenue('fay@example.com')).toEqual({ revenue: 50, stage: 'customer' });
  });
});
