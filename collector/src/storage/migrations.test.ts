/** Schema migrations on real ClickHouse (embedded, and the server project): idempotent, serialized, and upgrading old data without loss. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../base/config.js';
import { STORE_MODE, testStoreEnv } from '../app/test-support.js';
import { openDb } from './db.js';
import { MIGRATIONS, migrate } from '../schema/migrations.js';

const db = await openDb(
  loadConfig({ CLOSELOOP_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'closeloop-migrate-')), ...testStoreEnv() }),
);
afterAll(() => db.close());

const recorded = async () =>
  (await db.query<{ version: number }>(`SELECT version FROM ${db.database}.schema_migrations ORDER BY version`)).map(
    (r) => Number(r.version),
  );

describe('migrate', () => {
  it(`runs on the ${STORE_MODE} store`, () => {
    expect(db.kind).toBe(STORE_MODE);
  });

  it('upgrades a store created by an older version, keeping its data', async () => {
    const old = MIGRATIONS.filter((m) => m.version === 1);
    expect(await migrate(db, old)).toEqual([1]);
    await db.command(`INSERT INTO ${db.database}.events (site_id, event_id, type, ts, visitor_id, session_id, session_start, session_ts, url, channel, landing_url)
      VALUES ('demo', generateUUIDv4(), 'pageview', now64(3), generateUUIDv4(), generateUUIDv4(), true, now64(3), 'http://localhost/', 'Email', 'http://localhost/spring?utm_source=x')`);
    const newer = MIGRATIONS.filter((m) => m.version > 1).map((m) => m.version);
    expect(await migrate(db)).toEqual(newer);
    expect(await recorded()).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await db.query(`SELECT site_id, channel FROM ${db.database}.events`)).toEqual([
      { site_id: 'demo', channel: 'Email' },
    ]);
    // The sessions table (version 19) is filled from the events stored before it, and the views read it.
    expect(await db.query(`SELECT site_id, channel, landing_page FROM ${db.database}.touchpoints`)).toEqual([
      { site_id: 'demo', channel: 'Email', landing_page: '/spring' },
    ]);
  });

  it('is a no-op when everything is applied, and releases its lock', async () => {
    expect(await migrate(db)).toEqual([]);
    expect(
      await db.query(`SELECT name FROM system.tables WHERE database = '${db.database}' AND name = 'migration_lock'`),
    ).toEqual([]);
  });

  it('lets concurrent starts take turns: each migration is applied and recorded once', async () => {
    await db.command(`DROP DATABASE ${db.database}`);
    const results = await Promise.all([migrate(db), migrate(db), migrate(db)]);
    expect(results.flat().sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await recorded()).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('waits while another start holds the lock, then finds the work done', async () => {
    await db.command(`CREATE TABLE ${db.database}.migration_lock (taken_at DateTime64(3, 'UTC')) ENGINE = Memory`);
    // The waiting start's statements, to see it try the lock (an event, not a time).
    const tries: string[] = [];
    const watched: typeof db = Object.create(db, {
      command: { value: (sql: string, params?: Record<string, unknown>) => (tries.push(sql), db.command(sql, params)) },
    });
    let done = false;
    const waiting = migrate(watched).finally(() => (done = true));
    const lockTries = () => tries.filter((sql) => /^CREATE TABLE \S+\.migration_lock/.test(sql)).length;
    await vi.waitFor(() => expect(lockTries()).toBeGreaterThanOrEqual(2), { timeout: 30_000, interval: 10 });
    expect(done).toBe(false); // tried twice, found the lock held both times: still waiting
    await db.command(`DROP TABLE ${db.database}.migration_lock`);
    expect(await waiting).toEqual([]);
  });
});
