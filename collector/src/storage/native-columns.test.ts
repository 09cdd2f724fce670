/**
 * Spool records in Native columns (native-columns.ts): a batch of records becomes the same Native
 * block the RowBinary transposition makes of the same rows (byte for byte), chDB stores it as it
 * stores the rows sent as JSONEachRow, once per deduplication token, and the rows decode back.
 * Runs embedded (one Native block from a staged file) and against the server (rows decoded to JSONEachRow).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testStoreEnv } from '../app/test-support.js';
import { loadConfig } from '../base/config.js';
import { migrate } from '../schema/migrations.js';
import { jsonLines } from '../spool/json-lines.js';
import { openDb } from './db.js';
import { EVENTS_BINARY, EVENTS_COLUMNS } from './events-binary.js';
import { eventJsonRow, type EventRow } from './events.js';
import { NIL_UUID } from './identities.js';
import { toNativeBlock } from './native-block.js';
import { NativeColumnsCodec } from './native-columns.js';

const db = await openDb(
  loadConfig({ CLOSELOOP_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'closeloop-native-cols-')), ...testStoreEnv() }),
);
await migrate(db);
afterAll(() => db.close());

function row(visitor: string, n: number, extra: Partial<EventRow> = {}): EventRow {
  return {
    site_id: 'nc',
    event_id: randomUUID(),
    type: 'pageview',
    name: '',
    ts: Date.parse(`2026-12-02T11:59:5${n}.007Z`),
    received_at: Date.parse('2026-12-02T12:00:00.000Z'),
    visitor_id: visitor,
    session_id: '1c2d3e4f-5061-4b72-8c83-a4b5c6d7e8f9',
    session_start: n === 0,
    url: `https://shop.test/${'p/'.repeat(70 * n)}?q=ü`,
    hostname: 'shop.test',
    title: n === 1 ? 'lone \ud800 surrogate' : 'Grüße — 東京 🎉',
    page_referrer: '',
    session_ts: Date.parse('2026-12-02T11:59:50.123Z'),
    referrer: n === 0 ? 'https://www.google.com/' : '',
    referrer_domain: n === 0 ? 'google.com' : '',
    landing_url: '',
    channel: n === 0 ? 'Organic Search' : '',
    source: '',
    medium: '',
    utm_source: '',
    utm_medium: '',
    utm_campaign: 'x'.repeat(60 * n),
    utm_term: '',
    utm_content: '',
    click_id_type: '',
    click_id: '',
    props: n % 2 ? { plan: 'pro', 'form.action': 'https://shop.test/signup', leer: '' } : {},
    first_touch: '',
    browser: 'Chrome',
    browser_version: '120.0',
    os: 'Linux',
    os_version: '',
    device_type: 'desktop',
    is_bot: n === 3,
    sdk_version: '0.2.0',
    person_id: n === 3 ? 'ffeeddcc-bbaa-4998-8877-665544332211' : NIL_UUID,
    email: n === 3 ? 'lead@shop.test' : '',
    user_id: '',
    retention_days: 30,
    ...extra,
  };
}

/** Requests of 1, 3 and 2 rows: three records, one batch. */
const requests = (visitor: string) => [
  [row(visitor, 0)],
  [1, 2, 3].map((n) => row(visitor, n)),
  [4, 5].map((n) => row(visitor, n)),
];

const select = (visitor: string) =>
  db.query<Record<string, unknown>>(
    `SELECT * EXCEPT (event_id, visitor_id) FROM ${db.database}.events WHERE visitor_id = {v:UUID} ORDER BY ts`,
    { v: visitor },
  );

describe('events in Native columns', () => {
  it('makes of several records the Native block the RowBinary transposition makes of their rows', () => {
    const reqs = requests(randomUUID());
    const records = reqs.map((r) => EVENTS_COLUMNS.encode(r));
    const block = EVENTS_COLUMNS.toBlock(Buffer.concat(records));
    expect(block.equals(toNativeBlock(EVENTS_BINARY.columns, EVENTS_BINARY.encode(reqs.flat()))!)).toBe(true);
    // the same records as the drain hands them over, each its own buffer (or several in one), unjoined
    expect(EVENTS_COLUMNS.toBlock(records).equals(block)).toBe(true);
    expect(EVENTS_COLUMNS.toBlock([Buffer.concat(records.slice(0, 2)), ...records.slice(2)]).equals(block)).toBe(true);
  });

  it('stores the rows as the same rows sent as JSONEachRow, once per deduplication token', async () => {
    const [viaColumns, viaJson] = [randomUUID(), randomUUID()];
    const body = Buffer.concat(requests(viaColumns).map((r) => EVENTS_COLUMNS.encode(r)));
    for (let i = 0; i < 2; i++) await db.insertBinary('events', EVENTS_COLUMNS, body, `nc-${viaColumns}`);
    await db.insertRaw('events', jsonLines(requests(viaJson).flat().map(eventJsonRow)), `nc-json-${viaJson}`);
    const stored = await select(viaColumns);
    expect(stored).toHaveLength(6);
    expect(stored).toEqual(await select(viaJson));
    expect(stored[1]).toMatchObject({ title: 'lone \ufffd surrogate', props: { plan: 'pro', leer: '' } });
  });

  it('decodes what it encodes, record after record', () => {
    const reqs = requests(randomUUID());
    const back = EVENTS_COLUMNS.decode(Buffer.concat(reqs.map((r) => EVENTS_COLUMNS.encode(r))));
    expect(back).toEqual(
      reqs.flat().map((r, i) => eventJsonRow(i === 1 ? { ...r, title: 'lone \ufffd surrogate' } : r)),
    );
  });

  it('refuses a record that does not hold together as data (INCORRECT_DATA), and types it has no layout for', () => {
    const good = EVENTS_COLUMNS.encode(requests(randomUUID())[1]!);
    expect(() => EVENTS_COLUMNS.toBlock(good.subarray(0, good.length - 5))).toThrow(/^INCORRECT_DATA/);
    expect(() => EVENTS_COLUMNS.toBlock([good, good.subarray(0, good.length - 5)])).toThrow(/^INCORRECT_DATA/);
    const wrongWidth = Buffer.from(good);
    wrongWidth[0] = 4; // says 4 rows, its fixed-width columns hold 3
    expect(() => EVENTS_COLUMNS.toBlock(wrongWidth)).toThrow(/^INCORRECT_DATA.*size/);
    expect(() => EVENTS_COLUMNS.decode(good.subarray(0, good.length - 5))).toThrow(/^INCORRECT_DATA/);
    expect(() => EVENTS_COLUMNS.encode([{ ...row(randomUUID(), 0), visitor_id: 'not-a-uuid' }])).toThrow(/UUID/);
    const { ts: _ts, ...noTs } = row(randomUUID(), 0);
    expect(() => EVENTS_COLUMNS.encode([noTs])).toThrow(/no ts/);
    expect(() => new NativeColumnsCodec([{ name: 'x', type: 'Nullable(String)' }])).toThrow(/x: type Nullable/);
    expect(EVENTS_COLUMNS.formatId).toMatch(/^NativeColumns\.[0-9a-f]{16}$/);
  });
});
