/**
 * `event_key` of the events layout of version 35 (events-layout.ts): the SDK numbers a session's
 * events, the collector puts the number in `event_id` (ingest/wire-v2.ts eventUuid) and the row's key
 * is the number; every other id keeps a 64-bit hash. Repeats fold, distinct events never do — also
 * under the throughput benchmark's load (one visitor, the same few timestamps in every request).
 * Runs embedded and against the server.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../base/config.js';
import { testStoreEnv } from '../app/test-support.js';
import { eventUuid } from '../ingest/wire-v2.js';
import { migrate } from '../schema/migrations.js';
import { openDb } from './db.js';
import { SEQUENCE_ID } from './events-layout.js';
import { NIL_UUID } from './identities.js';

const db = await openDb(
  loadConfig({ CLOSELOOP_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'closeloop-event-key-')), ...testStoreEnv() }),
);
await migrate(db);
afterAll(() => db.close());

const row = (site: string, visitor: string, session: string, eventId: string, ms: number) => ({
  site_id: site,
  event_id: eventId,
  type: 'pageview',
  ts: `2026-11-30 10:00:0${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`,
  visitor_id: visitor,
  session_id: session,
  url: 'https://shop.test/',
});

async function stored(site: string): Promise<{ raw: number; folded: number; keys: string[] }> {
  const q = (final: string) =>
    db.query<{ n: string; keys: string[] }>(
      `SELECT count() AS n, arrayMap(k -> toString(k), arraySort(groupUniqArray(event_key))) AS keys FROM ${db.database}.events ${final} WHERE site_id = {s:String}`,
      { s: site },
    );
  const [raw] = await q('');
  const [folded] = await q('FINAL');
  return { raw: Number(raw!.n), folded: Number(folded!.n), keys: folded!.keys };
}

describe('event ids of numbered events', () => {
  it('carry the number (modulo 2³²) when the event has a session; random ids and the zero session keep the hash form', () => {
    const s = randomUUID();
    const id = eventUuid(s, 7);
    expect(id).toMatch(SEQUENCE_ID);
    expect(id.endsWith('-' + id.slice(24, 28) + '00000007')).toBe(true);
    expect(eventUuid(s, 7)).toBe(id);
    expect(eventUuid(s, 8)).not.toBe(id);
    expect(eventUuid(randomUUID(), 7)).not.toBe(id);
    expect(eventUuid(s, 2 ** 32 + 7)).toBe(id);
    expect(eventUuid(s, -1)).toMatch(/ffffffff$/);
    for (const other of [eventUuid(s, 'a1b2c3d4e5f6'), eventUuid(NIL_UUID, 7)]) expect(other).not.toMatch(SEQUENCE_ID);
  });
});

describe('event_key', () => {
  it('is the number for numbered ids and a 64-bit hash otherwise; a repeat folds, the same number in another session does not', async () => {
    const site = 'key-numbered';
    const visitor = randomUUID();
    const [s1, s2] = [randomUUID(), randomUUID()];
    const batch = [
      row(site, visitor, s1, eventUuid(s1, 1), 0),
      row(site, visitor, s1, eventUuid(s1, 2), 0),
      // Same visitor, same millisecond, same number, another session (two tabs across a session change).
      row(site, visitor, s2, eventUuid(s2, 1), 0),
      row(site, visitor, s1, 'c1111111-1111-4111-8111-111111111111', 0),
    ];
    await db.insert('events', batch, 'key-numbered-1');
    // The browser re-sends two of them in a later request (another token).
    await db.insert('events', [batch[1]!, batch[3]!], 'key-numbered-2');
    const got = await stored(site);
    expect({ raw: got.raw, folded: got.folded }).toEqual({ raw: 6, folded: 4 });
    expect(got.keys.slice(0, 2)).toEqual(['1', '2']);
    expect(BigInt(got.keys[2]!)).toBeGreaterThan(2n ** 32n);
  });

  it('keeps every event of one visitor sending the same 20 timestamps in every request (the throughput benchmark): numbered and UUID ids', async () => {
    const site = 'key-load';
    const visitor = randomUUID();
    const session = randomUUID();
    const rows = [];
    for (let r = 0; r < 250; r++) {
      for (let i = 0; i < 20; i++) {
        rows.push(row(site, visitor, session, eventUuid(session, r * 20 + i + 1), i));
        rows.push(row(site, visitor, session, randomUUID(), i));
      }
    }
    await db.insert('events', rows, 'key-load-1');
    await db.command(`OPTIMIZE TABLE ${db.database}.events FINAL`);
    expect((await stored(site)).folded).toBe(10_000);
  });
});
