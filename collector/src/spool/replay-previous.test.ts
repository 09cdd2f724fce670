/**
 * A spool left by the previous release (fixtures/previous-release: its record encoding, its rows
 * with every column) replays through this one: every row reaches ClickHouse once, as it was.
 */
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { sql, testApp, testConfig } from '../app/test-support.js';

const fixture = fileURLToPath(new URL('./fixtures/previous-release', import.meta.url));
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-old-spool-'));
mkdirSync(path.join(dataDir, 'spool'));
for (const f of ['000000000001.seg', 'spool-id.json']) cpSync(path.join(fixture, f), path.join(dataDir, 'spool', f));
const app = await testApp(testConfig({}, dataDir));
afterAll(() => app.close());

it('replays a spool segment written by the previous release into ClickHouse, once, with its values', async () => {
  expect(await app.spool.drained(30_000)).toBe(true);
  const rows = await sql<Record<string, unknown>>(
    app,
    `SELECT type, name, toString(ts) AS ts, url, path, title, channel, utm_campaign, session_start, props, browser, person_id
     FROM events WHERE visitor_id = '0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8' ORDER BY ts`,
  );
  const common = {
    channel: 'Email',
    utm_campaign: 'launch',
    browser: 'Chrome',
    person_id: '00000000-0000-0000-0000-000000000000',
  };
  expect(rows).toEqual([
    {
      type: 'pageview',
      name: '',
      ts: '2026-12-02 11:59:56.000',
      url: 'https://shop.test/p/1',
      path: '/p/1',
      title: 'Page 1',
      session_start: true,
      props: {},
      ...common,
    },
    {
      type: 'pageview',
      name: '',
      ts: '2026-12-02 11:59:57.000',
      url: 'https://shop.test/p/2',
      path: '/p/2',
      title: 'Page 2',
      session_start: false,
      props: {},
      ...common,
    },
    {
      type: 'custom',
      name: 'signup',
      ts: '2026-12-02 11:59:58.000',
      url: 'https://shop.test/p/3',
      path: '/p/3',
      title: 'Page 3',
      session_start: false,
      props: { plan: 'pro', seats: '3' },
      ...common,
    },
  ]);
});
