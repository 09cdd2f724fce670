/**
 * `closeloop backup <dir>`: through the running collector when one answers, else directly.
 * `closeloop restore <dir> [--force]`: only with no collector running (it replaces the store).
 */
import path from 'node:path';
import type { Config } from '../base/config.js';
import { ClError } from '../base/errors.js';
import { MIGRATIONS } from '../schema/migrations.js';
import { backup, restore, type BackupManifest } from '../storage/backup.js';
import { CollectorUnreachable, httpAdminClient, withDirectDb } from './admin-client.js';

export async function backupCommand(config: Config, dir: string, out: (s: string) => void): Promise<void> {
  const target = path.resolve(dir);
  let manifest: BackupManifest;
  try {
    out(`asking the collector at ${config.collectorUrl} to back up into ${target}…`);
    manifest = await httpAdminClient(config).call<BackupManifest>('POST', '/v1/admin/backup', { dir: target });
  } catch (err) {
    if (!(err instanceof CollectorUnreachable)) throw err;
    out('no collector running: opening the data directory');
    manifest = await withDirectDb(config, (db) => backup(db, target, out));
  }
  const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
  out(
    `backup done: ${manifest.tables.length} tables, ${rows.toLocaleString('en')} rows, schema version ${manifest.schema_version} → ${target}`,
  );
}

export async function restoreCommand(
  config: Config,
  dir: string,
  force: boolean,
  out: (s: string) => void,
): Promise<void> {
  const running = await fetch(`${config.collectorUrl}/healthz`).then(
    () => true,
    () => false,
  );
  if (running) {
    throw new ClError(
      'CL_INVALID_REQUEST',
      `A collector is running at ${config.collectorUrl}: stop it before restoring (restore replaces its data).`,
    );
  }
  const manifest = await withDirectDb(config, (db) =>
    restore(db, path.resolve(dir), MIGRATIONS, { force, progress: out }),
  );
  out(`restore done: ${manifest.tables.length} tables from the backup of ${manifest.created_at}`);
}
