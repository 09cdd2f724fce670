/**
 * Schema migrations: numbered, idempotent DDL applied in order at start and recorded in
 * `schema_migrations`. Every statement is safe to run twice (IF NOT EXISTS …), so a start that
 * died halfway simply applies the rest next time. The list of every table's and view's migrations
 * is schema/migrations.ts (above storage/ and attribution/).
 */
import type { Db } from './db.js';
import { forCluster, type Topology } from './cluster.js';
import type { Migration } from './migration.js';
import { toClickHouseTime } from './time.js';

/** How long a migration lock may stand before a new start takes it over (its holder died). */
const STALE_LOCK_MS = 10 * 60_000;
const LOCK_WAIT_MS = 120_000;

/**
 * Apply missing migrations in order. Collectors starting together against one ClickHouse server
 * take turns: `CREATE TABLE … migration_lock` (without IF NOT EXISTS) is atomic on the server and
 * succeeds for exactly one of them, whichever process or host it runs on; the others wait, then
 * find the work done (tested with three collector processes, test/scale-out). On a cluster
 * (`topology`, storage/cluster.ts) the lock and `schema_migrations` belong to the host the
 * collector talks to: migrations run per host, never ON CLUSTER.
 */
export async function applyMigrations(
  db: Db,
  migrations: readonly Migration[],
  topology: Topology | undefined = db.cluster ? { cluster: db.cluster } : undefined,
): Promise<number[]> {
  const versions = migrations.map((m) => m.version);
  if (new Set(versions).size !== versions.length)
    throw new Error(`duplicate migration versions: ${versions.join(',')}`);
  await db.command(`CREATE DATABASE IF NOT EXISTS ${db.database}`);
  await acquireLock(db);
  try {
    return await applyMissing(db, migrations, topology);
  } finally {
    await db.command(`DROP TABLE IF EXISTS ${db.database}.migration_lock`).catch(() => undefined);
  }
}

async function acquireLock(db: Db): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    try {
      await db.command(`CREATE TABLE ${db.database}.migration_lock (taken_at DateTime64(3, 'UTC')) ENGINE = Memory`);
      return;
    } catch (err) {
      const held = await db.query<{ age_ms: string }>(
        `SELECT toUnixTimestamp64Milli(now64(3)) - toUnixTimestamp(metadata_modification_time) * 1000 AS age_ms
         FROM system.tables WHERE database = {db:String} AND name = 'migration_lock'`,
        { db: db.database },
      );
      if (held.length === 0) continue; // released between our CREATE and this look: try again
      if (Number(held[0]!.age_ms) > STALE_LOCK_MS) {
        await db.command(`DROP TABLE IF EXISTS ${db.database}.migration_lock`);
        continue;
      }
      if (Date.now() > deadline)
        throw new Error('another process has held the schema migration lock for too long', { cause: err });
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

async function applyMissing(
  db: Db,
  migrations: readonly Migration[],
  topology: Topology | undefined,
): Promise<number[]> {
  await db.command(
    `CREATE TABLE IF NOT EXISTS ${db.database}.schema_migrations
     (version UInt32, name String, applied_at DateTime64(3, 'UTC'))
     ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const done = new Set(
    (await db.query<{ version: number }>(`SELECT version FROM ${db.database}.schema_migrations`)).map((r) =>
      Number(r.version),
    ),
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    const statements = (await m.done?.(db)) ? [] : m.statements(db.database);
    for (const sql of statements) {
      for (const stmt of topology ? forCluster(sql, db.database, topology) : [sql]) await db.command(stmt);
    }
    await db.insert('schema_migrations', [
      { version: m.version, name: m.name, applied_at: toClickHouseTime(Date.now()) },
    ]);
    applied.push(m.version);
  }
  return applied;
}
