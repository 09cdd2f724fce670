/**
 * Upgrading a store made by the release before the events layout of version 35 (events-layout.ts):
 * every migration up to 34, events keyed by a hash of random event ids (as the SDK sent them), merged
 * as a running store has them (event ids of rows that identify no one zeroed). The rewrite keeps
 * each event and its key; every attribution model, the ROI report and each event's touch give the
 * same answers; running the rewrite again changes nothing. Runs embedded and against the server.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { costsInsert, crmInserts, eventsInsert } from '../../../benchmarks/support/traffic.js';
import { loadConfig } from '../base/config.js';
import { testStoreEnv } from '../app/test-support.js';
import { MIGRATIONS, migrate } from '../schema/migrations.js';
import { openDb } from './db.js';
import { answers, eventsWithTouch, UPGRADE_EVENTS } from '../../../test/support/upgrade-answers.js';

const db = await openDb(
  loadConfig({ CLOSELOOP_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'closeloop-upgrade-35-')), ...testStoreEnv() }),
);
afterAll(() => db.close());

/** Every event's key (by visitor, time and type). */
const keys = () =>
  db.query<Record<string, string>>(
    `SELECT toString(visitor_id) AS v, toString(ts) AS t, type, toString(event_key) AS k
     FROM ${db.database}.events FINAL ORDER BY v, t, type, k`,
  );

describe('upgrade from the release before the events layout of version 35', () => {
  it('rewrites events, keeping each event and its key, with identical attribution and ROI answers', async () => {
    await migrate(
      db,
      MIGRATIONS.filter((m) => m.version <= 34),
    );
    await db.command(costsInsert(db.database));
    await db.command(eventsInsert(db.database, 0, UPGRADE_EVENTS, 'v33'));
    for (const sql of crmInserts(db.database, 0, UPGRADE_EVENTS)) await db.command(sql);
    await db.command(`OPTIMIZE TABLE ${db.database}.events FINAL`);
    const old = await answers(db);
    const oldEvents = await eventsWithTouch(db, 'events_with_touch');
    const oldKeys = await keys();
    expect(oldEvents.length).toBe(UPGRADE_EVENTS);
    expect(new Set(oldKeys.map((k) => k.k)).size).toBeGreaterThan(UPGRADE_EVENTS * 0.99);

    const applied = await migrate(db);
    expect(applied).toEqual(MIGRATIONS.filter((m) => m.version > 34).map((m) => m.version));
    await db.command(`OPTIMIZE TABLE ${db.database}.events FINAL`);

    expect(await answers(db)).toEqual(old);
    expect(await eventsWithTouch(db, 'events_with_touch')).toEqual(oldEvents);
    expect(await keys()).toEqual(oldKeys);
    const [t] = await db.query<{ key: string }>(
      `SELECT sorting_key AS key FROM system.tables WHERE database = {db:String} AND name = 'events'`,
      { db: db.database },
    );
    expect(t!.key).toBe('site_id, visitor_id, ts, session_id, event_key');

    // A start that died after the rewrite, before recording it, runs it again: nothing changes.
    for (const sql of MIGRATIONS.find((m) => m.version === 35)!.statements(db.database)) await db.command(sql);
    expect(await keys()).toEqual(oldKeys);
    // Two full rounds of every model on a shared 2-core machine: more than the default minute under load.
  }, 180_000);
});
