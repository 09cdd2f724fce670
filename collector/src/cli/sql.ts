/** `closeloop sql "<SELECT …>" [--json] [--key at_…]`: one SELECT (the sandbox's), printed as a table or JSON. */
import type { Config } from '../base/config.js';
import { runAnalystQuery, type QueryResult } from '../storage/analyst-query.js';
import { CollectorUnreachable, httpAdminClient, withDirectDb } from './admin-client.js';

/** `key`: an analyst token to send instead of the admin token. */
export async function sqlCommand(
  config: Config,
  sql: string,
  json: boolean,
  out: (s: string) => void,
  key?: string,
): Promise<void> {
  let result: QueryResult;
  try {
    result = await httpAdminClient(config, key).call<QueryResult>('POST', '/v1/query', { sql });
  } catch (err) {
    if (!(err instanceof CollectorUnreachable)) throw err;
    result = await withDirectDb(config, (db) => runAnalystQuery(db, sql));
  }
  out(json ? JSON.stringify(result.rows, null, 2) : formatTable(result));
}

export function formatTable(r: QueryResult): string {
  const names = r.columns.map((c) => c.name);
  const cells = r.rows.map((row) => names.map((n) => cell(row[n])));
  const widths = names.map((n, i) => Math.min(60, Math.max(n.length, ...cells.map((c) => c[i]!.length))));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(names),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...cells.map(line),
    `(${r.rowCount} row${r.rowCount === 1 ? '' : 's'})`,
  ].join('\n');
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
