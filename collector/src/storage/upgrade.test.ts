/**
 * Upgrading a store made by the release before the events layout of version 33 (events-layout.ts):
 * the old schema (every migration up to 32) with seeded traffic whose rows carry their session's
 * touch on every event, as that release stored them, plus CRM stages, won deals and costs. Then
 * the new migrations rewrite `events`; every attribution model and the ROI report give the same
 * answers as before, each event is still there with its touch (through `events_with_touch`), and a
 * retried batch after the upgrade is still stored once. Runs embedded and against the server.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { costsInsert, crmInserts, eventsInsert } from '../../../benchmarks/support/traffic.js';
import { loadConfig } from '../base/config.js';
import { testStoreEnv } from '../app/test-support.js';
import { openDb } from './db.js';
import { answers, eventsWithTouch, UPGRADE_EVENTS } from '../../../test/support/upgrade-answers.js';
import { MIGRATIONS, migrate } from '../schema/migrations.js';

const db = await openDb(
  loadConfig({ CLOSELOOP_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'closeloop-upgrade-')), ...testStoreEnv() }),
);
afterAll(() => db.close());

const EVENTS = UPGRADE_EVENTS;

describe('upgrade from the release before the events layout of version 33', () => {
  it('rewrites events and gives identical attribution and ROI answers, every event kept with its touch', async () => {
    const before = MIGRATIONS.filter((m) => m.version <= 32);
    expect(before.length).toBeLessThan(MIGRATIONS.length);
    await migrate(db, before);
    await db.command(costsInsert(db.database));
    await db.command(eventsInsert(db.database, 0, EVENTS, 'before-33'));
    for (const sql of crmInserts(db.database, 0, EVENTS)) await db.command(sql);
    const old = await answers(db);
    const oldEvents = await eventsWithTouch(db, 'events');
    const [c] = await db.query<{ leads: string; customers: string }>(
      `SELECT countIf(kind = 'lead') AS leads, countIf(kind = 'customer') AS customers FROM ${db.database}.conversions`,
    );
    // Enough of a store to tell answers apart: leads and customers, touches on non-start rows.
    expect(Number(c!.leads)).toBeGreaterThan(50);
    expect(Number(c!.customers)).toBeGreaterThan(10);
    expect(oldEvents.filter((e) => e.channel !== '').length).toBe(EVENTS);

    const applied = await migrate(db);
    expect(applied).toEqual(MIGRATIONS.filter((m) => m.version > 32).map((m) => m.version));
    await db.command(`OPTIMIZE TABLE ${db.database}.events FINAL`);

    expect(await answers(db)).toEqual(old);
    expect(await eventsWithTouch(db, 'events_with_touch')).toEqual(oldEvents);
    // The new layout: touch only on session starts, ids of old rows that identify no one zeroed by the merge.
    const [layout] = await db.query<{
      touched: string;
      starts: string;
      ids: string;
      identifying: string;
      keys: string;
    }>(
      `SELECT countIf(channel != '') AS touched, countIf(session_start) AS starts, countIf(event_id != toUUID('00000000-0000-0000-0000-000000000000')) AS ids,
              countIf(person_id != toUUID('00000000-0000-0000-0000-000000000000')) AS identifying, uniqExact(event_key) AS keys
       FROM ${db.database}.events`,
    );
    expect(Number(layout!.touched)).toBe(Number(layout!.starts));
    expect(Number(layout!.ids)).toBe(Number(layout!.identifying));
    expect(Number(layout!.keys)).toBeGreaterThan(EVENTS * 0.99);
    // Two rewrites (versions 33 and 35) and two full rounds of every model: more than the default minute under load.
  }, 180_000);

  it('after the upgrade, a retried batch is still stored once, and a repeated event folds', async () => {
    const row = (id: string, ts: string) => ({
      site_id: 'upgrade',
      event_id: id,
      type: 'pageview',
      ts,
      session_ts: ts,
      visitor_id: 'a1111111-1111-4111-8111-111111111111',
      session_id: 'b1111111-1111-4111-8111-111111111111',
      session_start: ts.endsWith('.000'),
      url: 'https://shop.test/',
      channel: 'Email',
    });
    const batch = [
      row('c1111111-1111-4111-8111-111111111111', '2026-11-30 10:00:00.000'),
      row('c2222222-2222-4222-8222-222222222222', '2026-11-30 10:00:01.500'),
    ];
    for (let i = 0; i < 3; i++) await db.insert('events', batch, 'upgrade-retry-1');
    // The browser re-sends the second event in a later batch (another token): folded by its event_key.
    await db.insert('events', [batch[1]!], 'upgrade-retry-2');
    const count = async (final: string) =>
      Number(
        (
          await db.query<{ n: string }>(
            `SELECT count() AS n FROM ${db.database}.events ${final} WHERE site_id = 'upgrade'`,
          )
        )[0]!.n,
      );
    expect(await count('')).toBe(3);
    expect(await count('FINAL')).toBe(2);
    const [s] = await db.query<{ n: string }>(
      `SELECT count() AS n FROM ${db.database}.sessions WHERE site_id = 'upgrade'`,
    );
    expect(Number(s!.n)).toBe(1);
  });
});
