/**
 * Analyst SQL: one SELECT through the read-only session (see db.ts), for `POST /v1/query` and
 * `closeloop sql`. Two independent guards: the session is read-only (ClickHouse refuses writes and
 * DDL), and the statement must pass the sandbox (query-sandbox.ts) on ClickHouse's own parse tree;
 * what runs is the parser's normalized text that was checked, not the text that was sent.
 */
import { ClickHouseError, type ClickHouseClient } from '@clickhouse/client';
import { ClError, isClError } from '../base/errors.js';
import type { Db } from './db.js';
import { CREDENTIAL_TABLES, checkAst, deniedFunctionNames } from './query-sandbox.js';

export type AnalystParams = Record<string, string | number | boolean>;

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  rowCount: number;
  statistics?: { elapsed: number; rows_read: number; bytes_read: number };
}

const LIMIT_CODES = new Set(['158', '159', '160', '241', '396']); // TOO_MANY_ROWS, TIMEOUT_EXCEEDED, TOO_SLOW, MEMORY_LIMIT_EXCEEDED, TOO_MANY_ROWS_OR_BYTES
const READONLY_CODE = '164';

/** `asAnalyst`: an analyst token's query, which may not read credential tables (api_tokens). */
export async function runAnalystQuery(
  db: Db,
  sql: string,
  params?: AnalystParams,
  asAnalyst = false,
): Promise<QueryResult> {
  try {
    return await db.withReadonly(async (client) => {
      const statement = await sandboxed(client, db.database, sql, params, asAnalyst ? CREDENTIAL_TABLES : new Set());
      const rs = await client.query({ query: statement, format: 'JSON', ...(params ? { query_params: params } : {}) });
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

let deniedFunctions: Promise<Set<string>> | undefined;

/** The function names to refuse, from this ClickHouse's own lists (read once per process). */
function denied(client: ClickHouseClient): Promise<Set<string>> {
  deniedFunctions ??= client
    .query({
      query: `SELECT (SELECT groupArray(name) FROM system.table_functions) AS table_functions,
                     (SELECT groupArray((name, alias_to)) FROM system.functions WHERE alias_to != '') AS aliases`,
      format: 'JSONEachRow',
    })
    .then((rs) => rs.json<{ table_functions: string[]; aliases: [string, string][] }>())
    .then(([r]) =>
      deniedFunctionNames(
        r!.table_functions,
        r!.aliases.map(([name, alias_to]) => ({ name, alias_to })),
      ),
    )
    .catch((err: unknown) => {
      deniedFunctions = undefined;
      throw err;
    });
  return deniedFunctions;
}

/** The statement to run: `sql` normalized by ClickHouse's parser, once its parse tree passed the sandbox. */
async function sandboxed(
  client: ClickHouseClient,
  database: string,
  sql: string,
  params: AnalystParams | undefined,
  hiddenTables: ReadonlySet<string>,
): Promise<string> {
  const deniedFunctions = await denied(client);
  const [parsed] = await (
    await client.query({
      query: `SELECT formatQuery({sql:String}) AS q, formatQuery(q) = q AS stable,
                     (SELECT groupArray(lower(name)) FROM system.databases) AS databases`,
      query_params: { sql },
      format: 'JSONEachRow',
    })
  ).json<{ q: string; stable: boolean | number; databases: string[] }>();
  if (!parsed?.stable)
    throw new ClError(
      'CL_QUERY_NOT_ALLOWED',
      'ClickHouse does not print this query back the same way it parsed it; write it more plainly.',
    );
  // formatQuery printed exactly one statement; EXPLAIN AST of it parses only (nothing runs). Sent
  // as is (a FORMAT clause would belong to the explained query), its rows as JSON: one per node.
  const res = await client.exec({
    query: `EXPLAIN AST ${parsed.q}`,
    clickhouse_settings: { default_format: 'JSONEachRow' },
    ...(params ? { query_params: params } : {}),
  });
  const chunks: Buffer[] = [];
  for await (const chunk of res.stream) chunks.push(Buffer.from(chunk as Buffer));
  const nodes = Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { explain: string }).explain);
  checkAst(nodes, { database, databases: new Set(parsed.databases), deniedFunctions, hiddenTables });
  return parsed.q;
}

/** A ClickHouse error from either backend (chDB raises its own copy of the client's error class). */
function isClickHouseError(err: unknown): err is ClickHouseError {
  const code: unknown = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return err instanceof ClickHouseError || (typeof code === 'string' && /^\d+$/.test(code));
}

/** The sandbox's own wrapper (`In scope SELECT formatQuery(…)`) is no part of the caller's error. */
function withoutWrapper(message: string): string {
  const at = message.search(/:? In scope (SELECT formatQuery\(|EXPLAIN AST )/);
  if (at < 0) return message;
  const code = /\(([A-Z_]+)\)\s*$/.exec(message);
  return `${message.slice(0, at).trimEnd()}${code ? ` (${code[1]})` : ''}`;
}

export function toQueryError(err: unknown): ClError {
  if (isClError(err)) return err;
  if (!isClickHouseError(err)) return new ClError('CL_INTERNAL', undefined, { cause: err });
  const message = withoutWrapper(err.message.trim()).slice(0, 2000);
  if (err.code === READONLY_CODE && /Cannot modify '[^']*' setting/.test(message)) {
    return new ClError(
      'CL_QUERY_NOT_ALLOWED',
      `SETTINGS are not allowed here: the collector sets the limits of analyst queries. (${message})`,
    );
  }
  if (err.code === READONLY_CODE)
    return new ClError('CL_QUERY_NOT_READONLY', `${message} Only read-only statements may run here.`);
  if (LIMIT_CODES.has(err.code)) return new ClError('CL_QUERY_LIMIT', message);
  if (/Multi-statements are not allowed/i.test(message)) return new ClError('CL_QUERY_MULTI_STATEMENT', message);
  return new ClError('CL_QUERY_FAILED', message);
}
