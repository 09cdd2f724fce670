/**
 * How CLI commands reach the data: through the running collector's admin API (admin token from
 * CLOSELOOP_ADMIN_TOKEN or the data directory), or — when no collector runs — by opening the
 * store themselves (embedded ClickHouse allows one process per data directory).
 *
 * Which collector: the one recorded in DATA_DIR/collector.json when its process lives (it holds
 * this data directory), else CLOSELOOP_URL (default http://HOST:PORT). A store held by another
 * live process is never opened: the command stops at once and says which process holds it.
 */
import path from 'node:path';
import { readStoredToken } from '../app/admin-token.js';
import type { Config } from '../base/config.js';
import { ClError } from '../base/errors.js';
import { COLLECTOR_FILE, processAlive, readRecordedCollector, storeHolder } from '../app/running-collector.js';
import { openDb, type Db } from '../storage/db.js';
import { migrate } from '../schema/migrations.js';

export class CollectorUnreachable extends Error {}

export interface AdminClient {
  call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/** `key`: a site secret key to send instead of the admin token. */
export function httpAdminClient(config: Config, key?: string): AdminClient {
  const token = key ?? config.adminToken ?? readStoredToken(config.dataDir);
  let base: Promise<string> | undefined;
  return {
    async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', route: string, body?: unknown): Promise<T> {
      const url = await (base ??= collectorUrl(config));
      let res: Response;
      try {
        res = await fetch(`${url}${route}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
      } catch (err) {
        throw new CollectorUnreachable(`no collector answers at ${url}`, { cause: err });
      }
      const json = (await res.json().catch(() => ({}))) as T & { code?: string; message?: string };
      if (!res.ok) {
        const code = json.code && json.code.startsWith('CL_') ? json.code : 'CL_INTERNAL';
        throw new ClError(code as 'CL_INTERNAL', json.message ?? `HTTP ${res.status}`);
      }
      return json;
    },
  };
}

/** The recorded collector of this data directory when it lives and answers, else CLOSELOOP_URL. */
async function collectorUrl(config: Config): Promise<string> {
  const recorded = readRecordedCollector(config.dataDir);
  if (!recorded || !processAlive(recorded.pid)) return config.collectorUrl; // none, or stale (crashed)
  if (await answers(recorded.url)) return recorded.url;
  throw new ClError(
    'CL_STORAGE_UNAVAILABLE',
    `the collector recorded in ${path.join(config.dataDir, COLLECTOR_FILE)} (process ${recorded.pid}) holds this data directory ` +
      `but does not answer at ${recorded.url}/healthz. Wait for it, or stop it (if process ${recorded.pid} is no closeloop collector, delete that file).`,
  );
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3_000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Open the store directly (only when no other process holds it: never wait for its lock). */
export async function withDirectDb<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const chdbPath = path.join(config.dataDir, 'clickhouse');
  const holder = config.clickhouse.url ? undefined : storeHolder(chdbPath);
  if (holder !== undefined) {
    const recorded = readRecordedCollector(config.dataDir);
    throw new ClError(
      'CL_STORAGE_UNAVAILABLE',
      `process ${holder} holds the embedded store in ${chdbPath}` +
        (recorded?.pid === holder
          ? ` (the collector at ${recorded.url}, not answering)`
          : ' (a collector starting up, or another closeloop command)') +
        `, and no collector answers at ${config.collectorUrl}. Embedded ClickHouse allows one process per data directory: ` +
        'wait for the collector to listen (it records its URL in the data directory), or stop that process.',
    );
  }
  const db = await openDb(config);
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Through the running collector's API, or — when none answers — on the store opened directly. */
export async function viaCollectorOrStore<T>(
  config: Config,
  remote: () => Promise<T>,
  local: (db: Db) => Promise<T>,
): Promise<T> {
  try {
    return await remote();
  } catch (err) {
    if (!(err instanceof CollectorUnreachable)) throw err;
    return withDirectDb(config, local);
  }
}
