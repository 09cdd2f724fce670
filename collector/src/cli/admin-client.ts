/**
 * How CLI commands reach the data: through the running collector's admin API (admin token from
 * CLOSELOOP_ADMIN_TOKEN or the data directory), or — when no collector answers — by opening the
 * store themselves (embedded ClickHouse allows one process per data directory).
 */
import { readStoredToken } from '../admin-token.js';
import type { Config } from '../config.js';
import { ClError } from '../errors.js';
import { openDb, type Db } from '../storage/db.js';
import { migrate } from '../storage/migrations.js';

export class CollectorUnreachable extends Error {}

export interface AdminClient {
  call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/** `key`: a site secret key to send instead of the admin token. */
export function httpAdminClient(config: Config, key?: string): AdminClient {
  const token = key ?? config.adminToken ?? readStoredToken(config.dataDir);
  return {
    async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${config.collectorUrl}${path}`, {
          method,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
      } catch (err) {
        throw new CollectorUnreachable(`no collector answers at ${config.collectorUrl}`, { cause: err });
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

/** Open the store directly (only when no collector holds it). */
export async function withDirectDb<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(config);
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Through the running collector's API, or — when none answers — on the store opened directly. */
export async function viaCollectorOrStore<T>(config: Config, remote: () => Promise<T>, local: (db: Db) => Promise<T>): Promise<T> {
  try {
    return await remote();
  } catch (err) {
    if (!(err instanceof CollectorUnreachable)) throw err;
    return withDirectDb(config, local);
  }
}
