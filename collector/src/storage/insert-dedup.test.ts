/**
 * A retried spool batch is stored once in events AND in every table a materialized view fills from
 * it (sessions, identities, stages) — on ClickHouse 26, whose defaults are async inserts without
 * deduplication and views that take a replayed block again. Runs embedded and against the server.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../base/config.js';
import { testStoreEnv } from '../app/test-support.js';
import { openDb } from './db.js';
import { migrate } from '../schema/migrations.js';

// A quote and a backslash in the path: embedded inserts name a staging file under it in their SQL.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "closeloop-dedup-it's-a\\b-"));
const db = await openDb(loadConfig({ CLOSELOOP_DATA_DIR: dataDir, ...testStoreEnv() }));
await migrate(db);
afterAll(() => db.close());

/** One visit that starts a session and identifies a lead: a row for events, sessions, identities and stages. */
function batchBody(): { body: string; visitor: string } {
  const visitor = randomUUID();
  const session = randomUUID();
  const common = {
    site_id: 'dedup',
    visitor_id: visitor,
    session_id: session,
    ts: '2026-01-02 03:04:05.000',
    session_ts: '2026-01-02 03:04:05.000',
    url: 'http://shop.test/',
    channel: 'Email',
    landing_url: 'http://shop.test/?utm_source=x',
  };
  const rows = [
    { ...common, event_id: randomUUID(), type: 'pageview', session_start: true },
    {
      ...common,
      event_id: randomUUID(),
      type: 'identify',
      session_start: false,
      person_id: randomUUID(),
      email: 'lead@shop.test',
    },
  ];
  return { body: rows.map((r) => JSON.stringify(r)).join('\n') + '\n', visitor };
}

/** Raw row counts (no FINAL: a duplicate would show). */
async function counts(visitor: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['events', 'sessions', 'identities']) {
    const [r] = await db.query<{ n: string }>(
      `SELECT count() AS n FROM ${db.database}.${table} WHERE visitor_id = {v:UUID}`,
      { v: visitor },
    );
    out[table] = Number(r!.n);
  }
  const [s] = await db.query<{ n: string }>(
    `SELECT count() AS n FROM ${db.database}.stages WHERE person_id IN (SELECT person_id FROM ${db.database}.identities WHERE visitor_id = {v:UUID})`,
    { v: visitor },
  );
  out.stages = Number(s!.n);
  return out;
}

const ONCE = { events: 2, sessions: 1, identities: 1, stages: 1 };

describe('a retried batch', () => {
  it('replayed whole, is stored once in events and in every view target', async () => {
    const { body, visitor } = batchBody();
    for (let i = 0; i < 3; i++) await db.insertRaw('events', body, 'replay-whole-1');
    expect(await counts(visitor)).toEqual(ONCE);
    // Embedded inserts read the body from a staged file (storage/db.ts); none is left behind.
    if (db.kind === 'embedded') expect(readdirSync(path.join(dataDir, 'insert-staging'))).toEqual([]);
  });

  it('retried after a view failed midway (events written, a target not), ends exactly once everywhere', async () => {
    // A fault injected as one more view on events that throws while `fault` has a row.
    await db.command(`CREATE TABLE IF NOT EXISTS ${db.database}.fault (x UInt8) ENGINE = Memory`);
    await db.command(`CREATE TABLE IF NOT EXISTS ${db.database}.fault_sink (x UInt8) ENGINE = Memory`);
    await db.command(
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db.database}.zz_fault TO ${db.database}.fault_sink AS
       SELECT throwIf((SELECT count() FROM ${db.database}.fault) > 0, 'injected view failure') AS x FROM ${db.database}.events`,
    );
    try {
      const { body, visitor } = batchBody();
      await db.command(`INSERT INTO ${db.database}.fault VALUES (1)`);
      await expect(db.insertRaw('events', body, 'retry-after-fault-1')).rejects.toThrow(/injected view failure/);
      const partial = await counts(visitor);
      await db.command(`TRUNCATE TABLE ${db.database}.fault`);
      await db.insertRaw('events', body, 'retry-after-fault-1');
      await db.insertRaw('events', body, 'retry-after-fault-1');
      expect({ partial: partial.events, ...(await counts(visitor)) }).toEqual({ partial: 2, ...ONCE });
    } finally {
      await db.command(`DROP VIEW IF EXISTS ${db.database}.zz_fault`);
    }
  });
});
