/**
 * One narrow database interface over @clickhouse/client, for both backends:
 * embedded chDB (its Connection plugged into the client) and a ClickHouse server over HTTP.
 *
 * chDB applies a call's `clickhouse_settings` as session-wide `SET`s that outlive the call
 * (a `readonly` would make the whole session read-only for good). So nothing here passes
 * per-call settings: inserts carry theirs in a SETTINGS clause, and read-only analyst
 * queries go through a separate session that is read-only from its start.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { Config } from '../config.js';

export type QueryParams = Record<string, unknown>;

export interface Db {
  /** 'embedded' (chDB in the data directory) or 'server' (CLICKHOUSE_URL). */
  readonly kind: 'embedded' | 'server';
  /** The database that holds closeloop's tables. Validated identifier (see config.ts). */
  readonly database: string;
  query<T>(sql: string, params?: QueryParams): Promise<T[]>;
  command(sql: string, params?: QueryParams): Promise<void>;
  /** Insert rows as JSONEachRow; `dedupToken` makes a retried batch a no-op. */
  insert(table: string, rows: readonly object[], dedupToken?: string): Promise<void>;
  ping(): Promise<boolean>;
  /** A client whose session refuses writes and DDL, with time and row limits (for /v1/query). */
  readonly readonly: ClickHouseClient;
  close(): Promise<void>;
}

const TOKEN = /^[A-Za-z0-9_-]{1,128}$/;
const TABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface DbLimits {
  readonly queryTimeoutSeconds: number;
  readonly queryMaxRows: number;
}

export async function openDb(config: Config): Promise<Db> {
  const { url, user, password, database } = config.clickhouse;
  const limits: DbLimits = { queryTimeoutSeconds: config.query.timeoutSeconds, queryMaxRows: config.query.maxRows };
  if (url) {
    const client = createClient({ url, username: user, password, request_timeout: 60_000 });
    const readonly = createClient({
      url, username: user, password, database,
      // On a server each request is its own session: these settings are per query.
      clickhouse_settings: readonlySettings(limits),
    });
    return new ClientDb('server', database, client, readonly);
  }
  const chdbPath = path.join(config.dataDir, 'clickhouse');
  mkdirSync(chdbPath, { recursive: true });
  const client = createClient({ connection: chdbConnection(chdbPath) });
  const readonly = createClient({ connection: chdbConnection(chdbPath) });
  return new ClientDb('embedded', database, client, readonly, limits);
}

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

/** chDB's Connection implements the client's interface; its types come from a second copy of
 *  @clickhouse/client-common, which TypeScript sees as a different (identical) type. */
function chdbConnection(dir: string): ClientConnection {
  return createChdbConnection({ path: dir }) as unknown as ClientConnection;
}

function readonlySettings(l: DbLimits) {
  return {
    max_execution_time: l.queryTimeoutSeconds,
    max_result_rows: String(l.queryMaxRows),
    result_overflow_mode: 'throw',
    max_memory_usage: String(2 * 1024 ** 3),
    readonly: '1', // last: after it no setting can change, in this query or (chDB) this session
  } as const;
}

class ClientDb implements Db {
  private readonlyReady: Promise<void> | undefined;

  constructor(
    readonly kind: 'embedded' | 'server',
    readonly database: string,
    private readonly client: ClickHouseClient,
    private readonly readonlyClient: ClickHouseClient,
    private readonly embeddedLimits?: DbLimits,
  ) {}

  get readonly(): ClickHouseClient {
    return this.readonlyClient;
  }

  /** Embedded only: make the analyst session read-only once its database exists. */
  async prepareReadonly(): Promise<void> {
    if (!this.embeddedLimits) return;
    this.readonlyReady ??= (async () => {
      await this.readonlyClient.command({ query: `USE ${this.database}` });
      for (const [k, v] of Object.entries(readonlySettings(this.embeddedLimits!))) {
        await this.readonlyClient.command({ query: `SET ${k} = ${typeof v === 'number' ? v : `'${v}'`}` });
      }
    })();
    await this.readonlyReady;
  }

  async query<T>(sql: string, params?: QueryParams): Promise<T[]> {
    const rs = await this.client.query({ query: sql, format: 'JSONEachRow', ...(params ? { query_params: params } : {}) });
    return rs.json<T>();
  }

  async command(sql: string, params?: QueryParams): Promise<void> {
    await this.client.command({ query: sql, ...(params ? { query_params: params } : {}) });
  }

  async insert(table: string, rows: readonly object[], dedupToken?: string): Promise<void> {
    if (rows.length === 0) return;
    if (!TABLE.test(table)) throw new Error(`invalid table name ${table}`);
    if (dedupToken !== undefined && !TOKEN.test(dedupToken)) throw new Error('invalid deduplication token');
    const settings = dedupToken ? ` SETTINGS insert_deduplication_token = '${dedupToken}'` : '';
    const body = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const res = await this.client.exec({
      query: `INSERT INTO ${this.database}.${table}${settings} FORMAT JSONEachRow`,
      values: Readable.from([body]),
    });
    res.stream.resume();
  }

  async ping(): Promise<boolean> {
    try {
      const r = await this.client.ping();
      return r.success;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.readonlyClient.close(), this.client.close()]);
  }
}

/** Make the read-only session usable (embedded: `USE db` + read-only settings). Call after migrations. */
export async function prepareReadonlySession(db: Db): Promise<void> {
  if (db instanceof ClientDb) await db.prepareReadonly();
}
