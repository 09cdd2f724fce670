/**
 * Schema migrations: numbered, idempotent DDL applied in order at start and recorded in
 * `schema_migrations`. Every statement is safe to run twice (IF NOT EXISTS …), so a start that
 * died halfway simply applies the rest next time.
 */
import type { Db } from './db.js';
import { eventsMigrations } from './events.js';
import type { Migration } from './migration.js';
import { sitesMigrations } from './sites.js';
import { toClickHouseTime } from './time.js';

export const MIGRATIONS: readonly Migration[] = [...eventsMigrations, ...sitesMigrations].sort((a, b) => a.version - b.version);

export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const versions = migrations.map((m) => m.version);
  if (new Set(versions).size !== versions.length) throw new Error(`duplicate migration versions: ${versions.join(',')}`);
  await db.command(`CREATE DATABASE IF NOT EXISTS ${db.database}`);
  await db.command(
    `CREATE TABLE IF NOT EXISTS ${db.database}.schema_migrations
     (version UInt32, name String, applied_at DateTime64(3, 'UTC'))
     ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const done = new Set(
    (await db.query<{ version: number }>(`SELECT version FROM ${db.database}.schema_migrations`)).map((r) => Number(r.version)),
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    for (const sql of m.statements(db.database)) await db.command(sql);
    await db.insert('schema_migrations', [{ version: m.version, name: m.name, applied_at: toClickHouseTime(Date.now()) }]);
    applied.push(m.version);
  }
  return applied;
}
