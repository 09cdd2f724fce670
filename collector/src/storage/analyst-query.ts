/**
 * Analyst SQL: one read-only statement through the read-only session (see db.ts), for
 * `POST /v1/query` and `closeloop sql`. Read-only is enforced by ClickHouse, not by parsing;
 * ClickHouse's own parser (`formatQuery`) refuses more than one statement.
 */
import { ClickHouseError } from '@clickhouse/client';
import { ClError } from '../errors.js';
import type { Db } from './db.js';

export type AnalystParams = Record<string, string | number | boolean>;

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  rowCount: number;
  statistics?: { elapsed: number; rows_read: number; bytes_read: number };
}

const LIMIT_CODES = new Set(['158', '159', '160', '241', '396']); // TOO_MANY_ROWS, TIMEOUT_EXCEEDED, TOO_SLOW, MEMORY_LIMIT_EXCEEDED, TOO_MANY_ROWS_OR_BYTES
const READONLY_CODE = '164';

export async function runAnalystQuery(db: Db, sql: string, params?: AnalystParams): Promise<QueryResult> {
  try {
    return await db.withReadonly(async (client) => {
      await (await client.query({ query: 'SELECT formatQuery({sql:String}) AS q', query_params: { sql }, format: 'JSONEachRow' })).json();
      const rs = await client.query({ query: sql, format: 'JSON', ...(params ? { query_params: params } : {}) });
      const json = await rs.json<Record<string, unknown>>();
      return {
        columns: json.meta ?? [],
        rows: json.data,
        rowCount: json.rows ?? json.data.length,
        ...(json.statistics ? { statistics: json.statistics } : {}),
      };
    });
  } catch (err) {
    throw toQueryError(err);
  }
}

/** A ClickHouse error from either backend (chDB raises its own copy of the client's error class). */
function isClickHouseError(err: unknown): err is ClickHouseError {
  const code: unknown = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return err instanceof ClickHouseError || (typeof code === "string" && /^\d+$/.test(code));
}

export function toQueryError(err: unknown): ClError {
  if (!isClickHouseError(err)) return new ClError('CL_INTERNAL', undefined, { cause: err });
  const message = err.message.trim().slice(0, 2000);
  if (err.code === READONLY_CODE) return new ClError('CL_QUERY_NOT_READONLY', `${message} Only read-only statements may run here.`);
  if (LIMIT_CODES.has(err.code)) return new ClError('CL_QUERY_LIMIT', message);
  if (/Multi-statements are not allowed/i.test(message)) return new ClError('CL_QUERY_MULTI_STATEMENT', message);
  return new ClError('CL_QUERY_FAILED', message);
}
