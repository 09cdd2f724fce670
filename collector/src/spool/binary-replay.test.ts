/**
 * Binary spool records (embedded `events` in Native columns, and in RowBinary as earlier releases
 * wrote them) replay through the collector after the table's columns changed: a record keeps the
 * column list it was written with (spool/formats.ts), and the insert names its own columns, so an
 * older list still lands, once, with its values; a record that does not hold together goes to dead_letters.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { sql, testApp, testConfig } from '../app/test-support.js';
import { EVENTS_BINARY } from '../storage/events-binary.js';
import { NIL_UUID } from '../storage/identities.js';
import { NativeColumnsCodec } from '../storage/native-columns.js';
import { RowBinaryCodec } from '../storage/row-binary.js';
import { SpoolFormats } from './formats.js';
import { Spool } from './spool.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-binary-spool-'));
const config = testConfig({}, dataDir);
mkdirSync(config.spool.dir, { recursive: true });

// An "earlier release": no retention_days column, and url declared as LowCardinality(String).
const older = new RowBinaryCodec(
  EVENTS_BINARY.columns
    .filter((c) => c.name !== 'retention_days')
    .map((c) => (c.name === 'url' ? { ...c, type: 'LowCardinality(String)' } : c)),
);
const olderColumns = new NativeColumnsCodec(older.columns);
const visitor = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';
const row = (n: number) => ({
  ...Object.fromEntries(EVENTS_BINARY.columns.map((c) => [c.name, ''])),
  site_id: 'demo',
  event_id: `b0b0b0b0-0000-4000-8000-00000000000${n}`,
  type: 'pageview',
  ts: `2026-12-02 11:59:5${n}.000`,
  received_at: '2026-12-02 12:00:00.000',
  session_ts: '2026-12-02 11:59:50.000',
  visitor_id: visitor,
  session_id: '6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c',
  session_start: n === 1,
  url: `https://shop.test/b/${n}`,
  hostname: 'shop.test',
  props: {},
  is_bot: false,
  person_id: NIL_UUID,
});
{
  const spool = await Spool.open({ dir: config.spool.dir, maxBytes: 1 << 20, segmentBytes: 1 << 20 });
  const id = new SpoolFormats(config.spool.dir).register(older);
  await spool.append('events', older.encode([row(1), row(2)]), 'demo', { id, rows: 2 });
  await spool.append('events', older.encode([row(3)]), 'demo', { id, rows: 1 });
  // A record whose rows ClickHouse cannot read (cut short): kept in dead_letters, the others still land.
  const torn = older.encode([row(4)]);
  await spool.append('events', torn.subarray(0, torn.length - 5), 'demo', { id, rows: 1 });
  // The same in Native columns (this release's format), after the RowBinary ones (a spool mid-upgrade).
  const cid = new SpoolFormats(config.spool.dir).register(olderColumns);
  await spool.append('events', olderColumns.encode([row(5), row(6)]), 'demo', { id: cid, rows: 2 });
  const cut = olderColumns.encode([row(7)]);
  await spool.append('events', cut.subarray(0, cut.length - 5), 'demo', { id: cid, rows: 1 });
  await spool.append('events', olderColumns.encode([row(8)]), 'demo', { id: cid, rows: 1 });
  await spool.close();
}
const app = await testApp(config);
afterAll(() => app.close());

it('replays RowBinary and Native-column records written with an older column list, once, with their values', async () => {
  const rows = await sql<Record<string, unknown>>(
    app,
    `SELECT toString(ts) AS ts, url, path, session_start, retention_days FROM events WHERE visitor_id = '${visitor}' ORDER BY ts`,
  );
  expect(rows).toEqual(
    [1, 2, 3, 5, 6, 8].map((n) => ({
      ts: `2026-12-02 11:59:5${n}.000`,
      url: `https://shop.test/b/${n}`,
      path: `/b/${n}`,
      session_start: n === 1,
      retention_days: 0,
    })),
  );
  const dead = await sql<{ stage: string; payload: string }>(
    app,
    `SELECT stage, payload FROM dead_letters ORDER BY payload DESC`,
  );
  expect(dead).toEqual([
    { stage: 'insert', payload: expect.stringMatching(/^RowBinary\.[0-9a-f]{16} base64:/) },
    { stage: 'insert', payload: expect.stringMatching(/^NativeColumns\.[0-9a-f]{16} base64:/) },
  ]);
});
