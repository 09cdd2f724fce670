/**
 * Backup and restore of closeloop's database as plain files: for every table its DDL and its rows
 * in ClickHouse's Native format, plus views' DDL, and a manifest. Works on the embedded store
 * (files are written by the in-process engine); for a ClickHouse server use its native tools
 * (BACKUP … TO Disk/S3, clickhouse-backup), see docs/operations.md "Backup, restore and upgrades".
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ClError } from '../base/errors.js';
import type { Db } from './db.js';
import type { Migration } from './migration.js';
import { applyMigrations } from './migrations.js';

export interface BackupManifest {
  format: 'closeloop-backup/1';
  created_at: string;
  database: string;
  schema_version: number;
  tables: { name: string; engine: string; create: string; rows: number; file?: string }[];
}

const MANIFEST = 'manifest.json';
/** Paths go into INTO OUTFILE / FROM INFILE clauses, which take no bound parameters. */
const SAFE_PATH = /^\/[A-Za-z0-9._\-/ ]+$/;

function safeFile(dir: string, name: string): string {
  const file = path.join(path.resolve(dir), `${name}.native`);
  if (!SAFE_PATH.test(file) || file.includes("'")) {
    throw new ClError(
      'CL_INVALID_REQUEST',
      `Use a backup directory whose path has only letters, digits, '.', '_', '-', '/' and spaces: ${dir}`,
    );
  }
  return file;
}

interface TableInfo {
  name: string;
  engine: string;
  create_table_query: string;
}

function embeddedOnly(db: Db): void {
  if (db.kind !== 'embedded') {
    throw new ClError(
      'CL_INVALID_REQUEST',
      'closeloop backup/restore work on the embedded store; for a ClickHouse server use its own tools (BACKUP DATABASE … TO Disk/S3, clickhouse-backup).',
    );
  }
}

export async function backup(db: Db, dir: string, progress: (msg: string) => void = () => {}): Promise<BackupManifest> {
  embeddedOnly(db);
  mkdirSync(dir, { recursive: true });
  const tables = await db.query<TableInfo>(
    `SELECT name, engine, create_table_query FROM system.tables
     WHERE database = {db:String} AND NOT is_temporary AND name NOT LIKE '.inner%'
     ORDER BY engine LIKE '%View' ASC, metadata_modification_time ASC, name ASC`,
    { db: db.database },
  );
  const versions = await db.query<{ v: number }>(`SELECT max(version) AS v FROM ${db.database}.schema_migrations`);
  const manifest: BackupManifest = {
    format: 'closeloop-backup/1',
    created_at: new Date().toISOString(),
    database: db.database,
    schema_version: Number(versions[0]?.v ?? 0),
    tables: [],
  };
  for (const t of tables) {
    if (t.engine.endsWith('View')) {
      manifest.tables.push({ name: t.name, engine: t.engine, create: t.create_table_query, rows: 0 });
      continue;
    }
    const file = safeFile(dir, t.name);
    progress(`backing up ${t.name}…`);
    await db.command(`SELECT * FROM ${db.database}.\`${t.name}\` INTO OUTFILE '${file}' TRUNCATE FORMAT Native`);
    const [count] = await db.query<{ n: string }>(`SELECT count() AS n FROM ${db.database}.\`${t.name}\``);
    manifest.tables.push({
      name: t.name,
      engine: t.engine,
      create: t.create_table_query,
      rows: Number(count?.n ?? 0),
      file: path.basename(file),
    });
    progress(`  ${t.name}: ${Number(count?.n ?? 0).toLocaleString('en')} rows`);
  }
  writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** Restore into a store with no closeloop data (or replace it with `force`), then apply newer migrations. */
/** `migrations`: the schema (schema/migrations.ts), applied after the tables are back, for a backup of an older version. */
export async function restore(
  db: Db,
  dir: string,
  migrations: readonly Migration[],
  opts: { force?: boolean; progress?: (msg: string) => void } = {},
): Promise<BackupManifest> {
  embeddedOnly(db);
  const progress = opts.progress ?? (() => {});
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')) as BackupManifest;
  } catch (err) {
    throw new ClError(
      'CL_INVALID_REQUEST',
      `${path.join(dir, MANIFEST)} is missing or unreadable: not a closeloop backup.`,
      { cause: err },
    );
  }
  if (manifest.format !== 'closeloop-backup/1')
    throw new ClError('CL_INVALID_REQUEST', `Unknown backup format ${String(manifest.format)}.`);
  await db.command(`CREATE DATABASE IF NOT EXISTS ${db.database}`);
  const existing = await db.query<{ n: string }>(
    `SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = 'events'`,
    { db: db.database },
  );
  if (Number(existing[0]?.n ?? 0) > 0 && !opts.force) {
    const [rows] = await db.query<{ n: string }>(`SELECT count() AS n FROM ${db.database}.events`);
    if (Number(rows?.n ?? 0) > 0) {
      throw new ClError(
        'CL_INVALID_REQUEST',
        'The store already holds events; restore into an empty data directory, or pass --force to replace it.',
      );
    }
  }
  // Views first out, tables first in.
  for (const t of [...manifest.tables].reverse())
    await db.command(`DROP ${t.engine.endsWith('View') ? 'VIEW' : 'TABLE'} IF EXISTS ${db.database}.\`${t.name}\``);
  for (const t of manifest.tables) {
    await db.command(
      t.create.replace(
        new RegExp(`^CREATE (TABLE|VIEW|MATERIALIZED VIEW) ${manifest.database}\\.`),
        `CREATE $1 ${db.database}.`,
      ),
    );
    if (!t.file) continue;
    progress(`restoring ${t.name} (${t.rows.toLocaleString('en')} rows)…`);
    await db.command(`INSERT INTO ${db.database}.\`${t.name}\` FROM INFILE '${safeFile(dir, t.name)}' FORMAT Native`);
  }
  const applied = await applyMigrations(db, migrations);
  if (applied.length) progress(`applied newer migrations: ${applied.join(', ')}`);
  return manifest;
}
