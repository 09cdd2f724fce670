/**
 * A report answered as JSON, or as CSV when asked (`format=csv`, or `Accept: text/csv` without
 * `format=json`): one table per report, the rows as the JSON has them, and — with `compare` — each
 * number of the comparison period beside it (`<column>_previous`, matched by key).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toCsv, type Cell } from './csv.js';

type Row = Record<string, unknown>;
export type ReportKind = 'attribution' | 'compare' | 'roi' | 'overview' | 'funnel' | 'paths' | 'pages' | 'stated';

interface Table {
  key: string;
  columns: string[];
  rows: (body: Row) => Row[];
}

const rowsOf = (field: string) => (b: Row) => (b[field] as Row[] | undefined) ?? [];
const flatCompare = (b: Row) =>
  rowsOf('rows')(b).map((r) => {
    const flat: Row = { key: r.key };
    for (const m of (b.models as string[]) ?? []) {
      const c = r[m] as { conversions: number; value: number } | undefined;
      flat[`${m}_conversions`] = c?.conversions ?? 0;
      flat[`${m}_value`] = c?.value ?? 0;
    }
    return flat;
  });

function table(kind: ReportKind, body: Row): Table {
  switch (kind) {
    case 'attribution':
      return { key: 'key', columns: ['key', 'conversions', 'value'], rows: rowsOf('rows') };
    case 'compare':
      return {
        key: 'key',
        columns: ['key', ...((body.models as string[]) ?? []).flatMap((m) => [`${m}_conversions`, `${m}_value`])],
        rows: flatCompare,
      };
    case 'roi':
      return {
        key: 'key',
        columns: [
          'key',
          'visitors',
          'sessions',
          'cost',
          'leads',
          'customers',
          'revenue',
          'cost_per_lead',
          'cac',
          'roas',
          'roi',
        ],
        rows: rowsOf('rows'),
      };
    case 'overview':
      return {
        key: 'day',
        columns: ['day', 'visitors', 'sessions', 'pageviews', 'leads', 'customers', 'revenue'],
        rows: rowsOf('series'),
      };
    case 'funnel':
      return {
        key: 'channel',
        columns: ['channel', 'visitors', 'leads', 'customers', 'lead_rate', 'customer_rate'],
        rows: rowsOf('rows'),
      };
    case 'paths':
      return { key: 'path', columns: ['path', 'conversions', 'sessions', 'conversion_rate'], rows: rowsOf('rows') };
    case 'pages':
      return {
        key: 'page',
        columns: ['page', 'entrances', 'leads', 'customers', 'lead_rate', 'assisted_leads', 'assisted_customers'],
        rows: rowsOf('rows'),
      };
    case 'stated':
      return {
        key: 'key',
        columns: ['key', 'stated', 'channel', 'credit'],
        // One line per (answer, channel the model credits for those conversions).
        rows: (b) =>
          rowsOf('rows')(b).flatMap((r): Row[] => {
            const channels = (r.channels as { channel: string; credit: number }[]) ?? [];
            return channels.length
              ? channels.map((c) => ({ key: r.key, stated: r.stated, channel: c.channel, credit: c.credit }))
              : [{ key: r.key, stated: r.stated, channel: null, credit: null }];
          }),
      };
  }
}

export function csvOf(kind: ReportKind, body: Row): string {
  const t = table(kind, body);
  const rows = t.rows(body);
  const previous =
    body.compare && kind !== 'stated'
      ? new Map(t.rows(body.compare as Row).map((r) => [String(r[t.key]), r]))
      : undefined;
  const numeric = t.columns.filter((c) => c !== t.key);
  const header = previous ? [...t.columns, ...numeric.map((c) => `${c}_previous`)] : t.columns;
  const cells = rows.map((r) => {
    const line = t.columns.map((c) => r[c] as Cell);
    if (!previous) return line;
    const before = previous.get(String(r[t.key]));
    return [...line, ...numeric.map((c) => (before ? ((before[c] as Cell) ?? null) : null))];
  });
  return toCsv(header, cells);
}

function wantsCsv(req: FastifyRequest, format: string | undefined): boolean {
  if (format) return format === 'csv';
  return /\btext\/csv\b/i.test(String(req.headers.accept ?? ''));
}

/** The body as JSON, or the report's table as a CSV download. */
export function sendReport(
  req: FastifyRequest,
  reply: FastifyReply,
  body: object,
  kind: ReportKind,
  format?: string,
): object | string {
  if (!wantsCsv(req, format)) return body;
  const name = req.url
    .split('?')[0]!
    .replace(/^\/v1\//, '')
    .replace(/[^a-z0-9]+/gi, '-');
  void reply.header('content-disposition', `attachment; filename="${name}.csv"`).type('text/csv; charset=utf-8');
  return csvOf(kind, body as Row);
}
