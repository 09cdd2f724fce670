/**
 * The spool's RowBinary encoder for `events` (events-binary.ts) against the real table: its column
 * list and types are the live table's (`system.columns`, after every migration), and rows inserted
 * through it read back exactly as the same rows inserted as JSONEachRow, once per deduplication
 * token. Runs embedded (chDB reads the staged RowBinary file) and against the server (rows decoded
 * back to JSONEachRow).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testStoreEnv } from '../app/test-support.js';
import { jsonLines } from '../spool/json-lines.js';
import { loadConfig } from '../base/config.js';
import { migrate } from '../schema/migrations.js';
import { openDb } from './db.js';
import { EVENTS_BINARY } from './events-binary.js';
import { eventJsonRow, type EventRow } from './events.js';
import { NIL_UUID } from './identities.js';
import { toNativeBlock } from './native-block.js';
import { RowBinaryCodec } from './row-binary.js';

const db = await openDb(
  loadConfig({ CLOSELOOP_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'closeloop-rowbinary-')), ...testStoreEnv() }),
);
await migrate(db);
afterAll(() => db.close());

/** Full rows as toEventRow makes them, with what is hard to encode: long and non-ASCII text, a lone surrogate, props. */
function rows(visitor: string): EventRow[] {
  const base: EventRow = {
    site_id: 'rb',
    event_id: randomUUID(),
    type: 'pageview',
    name: '',
    ts: Date.parse('2026-12-02T11:59:56.007Z'),
    received_at: Date.parse('2026-12-02T12:00:00.000Z'),
    visitor_id: visitor,
    session_id: '1c2d3e4f-5061-4b72-8c83-a4b5c6d7e8f9',
    session_start: true,
    url: `https://shop.test/${'p/'.repeat(100)}?q=ü`,
    hostname: 'shop.test',
    title: 'Grüße — 東京 🎉',
    page_referrer: '',
    session_ts: Date.parse('2026-12-02T11:59:50.123Z'),
    referrer: 'https://www.google.com/',
    referrer_domain: 'google.com',
    landing_url: 'https://shop.test/?utm_source=newsletter',
    channel: 'Organic Search',
    source: 'google',
    medium: 'organic',
    utm_source: 'newsletter',
    utm_medium: '',
    utm_campaign: 'x'.repeat(200),
    utm_term: '',
    utm_content: '',
    click_id_type: '',
    click_id: '',
    props: {},
    first_touch: '',
    browser: 'Chrome',
    browser_version: '120.0',
    os: 'Linux',
    os_version: '',
    device_type: 'desktop',
    is_bot: false,
    sdk_version: '0.2.0',
    person_id: NIL_UUID,
    email: '',
    user_id: '',
    retention_days: 30,
  };
  return [
    base,
    {
      ...base,
      event_id: randomUUID(),
      type: 'identify',
      ts: Date.parse('2026-12-02T11:59:57.000Z'),
      session_start: false,
      title: 'lone \ud800 surrogate',
      props: { plan: 'pro', 'form.action': 'https://shop.test/signup', leer: '' },
      person_id: 'ffeeddcc-bbaa-4998-8877-665544332211',
      email: 'lead@shop.test',
      user_id: 'u-1',
      is_bot: true,
    },
  ];
}

const select = (visitor: string) =>
  db.query<Record<string, unknown>>(
    `SELECT * EXCEPT (event_id, visitor_id) FROM ${db.database}.events WHERE visitor_id = {v:UUID} ORDER BY ts`,
    { v: visitor },
  );

describe('events in RowBinary', () => {
  it("encodes the live table's columns with their types (every insertable column, none else)", async () => {
    const live = await db.query<{ name: string; type: string }>(
      `SELECT name, type FROM system.columns
       WHERE database = {db:String} AND table = 'events' AND default_kind IN ('', 'DEFAULT') ORDER BY position`,
      { db: db.database },
    );
    const byName = (cols: readonly { name: string; type: string }[]) =>
      Object.fromEntries(cols.map((c) => [c.name, c.type]));
    expect(byName(EVENTS_BINARY.columns)).toEqual(byName(live));
  });

  it('stores rows as the same rows sent as JSONEachRow do, once per deduplication token', async () => {
    const [viaBinary, viaJson] = [randomUUID(), randomUUID()];
    const sent = rows(viaBinary);
    const binary = EVENTS_BINARY.encode(sent);
    for (let i = 0; i < 2; i++) await db.insertBinary('events', EVENTS_BINARY, binary, `rb-test-${viaBinary}`);
    await db.insertRaw('events', jsonLines(rows(viaJson).map(eventJsonRow)), `rb-json-${viaJson}`);
    const stored = await select(viaBinary);
    expect(stored).toHaveLength(2);
    expect(stored).toEqual(await select(viaJson));
    const ids = await db.query<{ event_id: string }>(
      `SELECT event_id FROM ${db.database}.events WHERE visitor_id = {v:UUID} ORDER BY ts`,
      { v: viaBinary },
    );
    expect(ids.map((r) => r.event_id)).toEqual(sent.map((r) => r.event_id));
    expect(stored[1]).toMatchObject({ title: 'lone \ufffd surrogate', props: { plan: 'pro', leer: '' }, is_bot: true });
  });

  it('inserts a column list the Native block does not cover (Nullable) as RowBinary', async () => {
    const withNullable = new RowBinaryCodec(
      EVENTS_BINARY.columns.map((c) => (c.name === 'title' ? { ...c, type: 'Nullable(String)' } : c)),
    );
    expect(toNativeBlock(withNullable.columns, withNullable.encode(rows(randomUUID())))).toBeUndefined();
    const [visitor, viaJson] = [randomUUID(), randomUUID()];
    await db.insertBinary('events', withNullable, withNullable.encode(rows(visitor)), `rb-nullable-${visitor}`);
    await db.insertRaw('events', jsonLines(rows(viaJson).map(eventJsonRow)), `rb-json-${viaJson}`);
    expect(await select(visitor)).toEqual(await select(viaJson));
  });

  it('decodes what it encodes (UTF-8 of a lone surrogate as U+FFFD, as JSONEachRow stores it)', () => {
    const r = rows(randomUUID());
    const back = EVENTS_BINARY.decode(EVENTS_BINARY.encode(r));
    expect(back).toEqual([eventJsonRow(r[0]!), eventJsonRow({ ...r[1]!, title: 'lone \ufffd surrogate' })]);
  });

  it('refuses a value its column type cannot hold, and a type it has no codec for', () => {
    const [row] = rows(randomUUID());
    expect(() => EVENTS_BINARY.encode([{ ...row, visitor_id: 'not-a-uuid' }])).toThrow(/UUID/);
    for (const bad of [
      '0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7eg',
      '0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7é8',
      '0b1c2d3e04f50-4a61-8b72-93a4b5c6d7e8',
    ])
      expect(() => EVENTS_BINARY.encode([{ ...row, session_id: bad }])).toThrow(/UUID/);
    expect(() => EVENTS_BINARY.encode([{ ...row, retention_days: 70_000 }])).toThrow(/integer/);
    const { ts: _ts, ...noTs } = row!;
    expect(() => EVENTS_BINARY.encode([noTs])).toThrow(/no ts/);
    expect(() => new RowBinaryCodec([{ name: 'x', type: 'Decimal(9, 2)' }])).toThrow(/x: type Decimal/);
  });
});
